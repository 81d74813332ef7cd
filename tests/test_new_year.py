"""The yearly update as a maintainer plays it: new-year, fill the limits, check, build, report.

The 2027 figures come from tests/fixtures/limits-2027.yaml: made-up test data, not IRS figures.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.archive import keep_earlier_years
from generator.cli import main
from generator.new_year import next_year_persona
from generator.yamlio import load_yaml

FIXTURE_2027 = Path(__file__).parent / "fixtures" / "limits-2027.yaml"
FICA = "estimated as your 2026 pay here ({}): enter the 2026 Social Security wages from this employer (W-2 box 3)"


def guides(project, monkeypatch, *args):
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def fill(blank: str, figures: dict) -> str:
    """Type each figure into the blank file `new-year` wrote, as a maintainer would, line by line."""
    out, section, entry = [], None, None
    for line in blank.splitlines():
        found = re.match(r"^( *)(\w+):\s*(#.*)?$", line)
        if not found:
            out.append(line)
            continue
        depth, key = len(found.group(1)) // 2, found.group(2)
        if depth == 0:
            section = key
            out.append(line)
        elif section == "notice":
            out.append(f"  {key}: {figures['notice'][key]}")
        elif depth == 1 and isinstance(figures["limits"][key], dict):
            entry = key
            out.append(line)
        elif depth == 1:
            value = figures["limits"][key]
            out.append(f"  {key}: {str(value).lower() if isinstance(value, bool) else value}")
        else:
            out.append(f"    {key}: {figures['limits'][entry][key]}")
    return "\n".join(out) + "\n"


README = Path(__file__).resolve().parent.parent / "README.md"
# The README's "Every year" steps, which the test below plays in this order on the shipped examples
EVERY_YEAR = ["guides new-year 2027", "$EDITOR generator/limits/2027.yaml", "guides check --year 2027",
              "guides changes --year 2027", "guides build --year 2027 --keep-going"]


def test_the_readme_every_year_section_is_the_sequence_played_here():
    section = README.read_text().split("### Every year", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line and not line.startswith(" ")]
    assert commands == EVERY_YEAR


@pytest.fixture
def autumn_2026(limits_dir: Path) -> Path:
    """The limits folder as it stood when the shipped examples (tax year 2026) met the 2027 notice."""
    for later in limits_dir.glob("[0-9][0-9][0-9][0-9].yaml"):
        if int(later.stem) > 2026:
            later.unlink()
    return limits_dir


def test_the_autumn_new_year_fill_check_build_report(warm_project, autumn_2026, monkeypatch):
    limits_dir = autumn_2026
    assert guides(warm_project, monkeypatch, "build").exit_code == 0  # the 2026 site, as published today

    made = guides(warm_project, monkeypatch, *EVERY_YEAR[0].split()[1:])
    assert made.exit_code == 0, made.output
    assert "wrote generator/limits/2027.yaml" in made.output and "wrote profiles/2027/personas/sam.yaml" in made.output
    blank = (limits_dir / "2027.yaml").read_text()
    assert "  elective_deferral:  # 2026: 24,500\n" in blank

    # before the figures are in, the blanks are refused one by one
    unfilled = guides(warm_project, monkeypatch, "check", "--year", "2027")
    assert unfilled.exit_code == 1
    assert "generator/limits/2027.yaml:11: limits.elective_deferral: is blank" in unfilled.output

    # meanwhile the 2026 site still builds (a profile changed in November): the unfinished year is a
    # warning, and the site leaves it out until its figures are in
    meanwhile = guides(warm_project, monkeypatch, "build")
    assert meanwhile.exit_code == 0, meanwhile.output
    assert re.search(r"^warning: generator/limits/2027\.yaml is not finished \(\d+ problems\): the site leaves 2027 "
                     r"out until it is; guides check --year 2027 lists what to fix$", meanwhile.output, re.M)
    limits_page = (warm_project.root / "site" / "limits" / "index.html").read_text()
    assert 'id="2026"' in limits_page and 'id="2027"' not in limits_page

    # $EDITOR: the figures typed in
    (limits_dir / "2027.yaml").write_text(fill(blank, yaml.safe_load(FIXTURE_2027.read_text())))
    checked = guides(warm_project, monkeypatch, *EVERY_YEAR[2].split()[1:])
    to_confirm = sorted(re.sub(r":\d+: ", ": ", line) for line in checked.output.splitlines() if ": to confirm: " in line)
    # worked from the example profiles: everyone with a plan has last year's wages re-estimated from pay;
    # Sam's other-employer deferrals and pay and his paycheck count were for 2026 only, and his, Grace's, Luis's
    # and Omar's 2026 pay covered part of the year; Grace, Luis and Omar left their jobs in 2026; three gave a
    # 2026 MAGI. Ruth has no workplace plan and a whole year's pay: nothing to confirm.
    personas = "profiles/2027/personas/"
    expected = [f"{personas}{who}.yaml: pay.prior_year_fica_wages: to confirm: {FICA.format(pay)}" for who, pay in [
        ("client-hoang", 165000), ("dana", 92000), ("grace", 48000), ("ines", 88000), ("javier", 240000), ("ken", 185000),
        ("linda", 185000), ("luis", 55000), ("maya", 58000), ("omar", 58900), ("priya", 410000), ("robert", 138000), ("sam", 62000),
        ("tamara", 82000), ("theo", 150000), ("victor", 230000), ("walt", 120000)]] + [
        # the business owners' profit, wages and plan value, their MAGI, and the public employees' service totals
        # Mei's husband's pre-tax deferrals were 2026's
        f"{personas}mei.yaml: spouse.pre_tax_deferrals: to confirm: 24500 was 2026's: enter your spouse's for 2027",
        f"{personas}nadia.yaml: business.net_profit: to confirm: 250000 was 2026's: enter the profit you expect for 2027",
        f"{personas}nadia.yaml: business.plan_assets: to confirm: 310000 was 2026's: enter the business plan's value "
        "on Dec 31 for 2027",
        f"{personas}theo.yaml: business.net_profit: to confirm: 60000 was 2026's: enter the profit you expect for 2027",
        f"{personas}sol.yaml: business.net_profit: to confirm: 120000 was 2026's: enter the profit you expect for 2027",
        f"{personas}rosa.yaml: business.w2_pay: to confirm: 70000 was 2026's: enter the wages you expect from your "
        "corporation for 2027",
        *[f"{personas}{who}.yaml: modified_agi: to confirm: {magi} was 2026's: enter the figure you expect for 2027"
          for who, magi in [("nadia", 180000), ("theo", 175000), ("sol", 175000), ("rosa", 72000)]],
        *[f"{personas}{who}.yaml: service_history: to confirm: add 2026's year of service, deferrals and catch-ups "
          "to these totals" for who in ("tamara", "walt")],
    ] + [
        f"{personas}sam.yaml: pay.other_deferrals_this_year: to confirm: reset (was 14000 in 2026): "
        "enter any 2027 deferrals at another employer",
        f"{personas}sam.yaml: pay.other_employer_pay: to confirm: reset (was 44000 in 2026): "
        "enter any 2027 pay from another employer",
        f"{personas}sam.yaml: pay.paychecks_this_year: to confirm: reset (was 12 in 2026): "
        "set it only if you join or leave the plan during 2027",
        f"{personas}sam.yaml: pay.salary: to confirm: 62000 was pay for part of 2026: enter the pay for 2027",
        f"{personas}grace.yaml: pay.salary: to confirm: 48000 was pay for part of 2026: enter the pay for 2027",
        f"{personas}omar.yaml: pay.salary: to confirm: 58900 was pay for part of 2026: enter the pay for 2027",
        f"{personas}luis.yaml: pay.salary: to confirm: 55000 was pay for part of 2026: enter the pay for 2027",
        f"{personas}grace.yaml: job_change: to confirm: you left on 2026-05-29: list that plan under previous_plans "
        "(separation_year: 2026), set plan and pay for 2027, then delete job_change",
        f"{personas}omar.yaml: job_change: to confirm: you left on 2026-08-14: list that plan under previous_plans "
        "(separation_year: 2026), set plan and pay for 2027, then delete job_change",
        f"{personas}luis.yaml: job_change: to confirm: you left on 2026-07-31: list that plan under previous_plans "
        "(separation_year: 2026), set plan and pay for 2027, then delete job_change",
        f"{personas}dana.yaml: modified_agi: to confirm: 86000 was 2026's: enter the figure you expect for 2027",
        f"{personas}elena.yaml: modified_agi: to confirm: 246000 was 2026's: enter the figure you expect for 2027",
        f"{personas}ken.yaml: modified_agi: to confirm: 160000 was 2026's: enter the figure you expect for 2027",
        # taxable income prices a planned payout or company stock at the brackets: a one-year figure
        *[f"{personas}{who}.yaml: tax.taxable_income: to confirm: {income} was 2026's: enter the figure you expect "
          "for 2027" for who, income in [("hank", 21900), ("bea", 47900), ("carl", 60000), ("rita", 47850)]],
    ]
    assert to_confirm == sorted(expected)
    # the job changes dated 2026 cannot be built for 2027: the check says whom to fix
    assert checked.exit_code == 1
    assert "Personas to fix, or to move out of the profiles folder: grace, luis, omar." in checked.output

    report = guides(warm_project, monkeypatch, *EVERY_YEAR[3].split()[1:])
    assert report.exit_code == 0, report.output
    heads = [line for line in report.output.splitlines() if re.match(r"^\S.*\(\S+\), 2027: ", line)]
    electing = sorted(re.search(r"\((\S+)\)", line).group(1) for line in heads if "elections change" in line)
    # Elections fill the whole deferral room (rounding up where no match is lost): Hoang's 2026 15% already
    # covers 2027's room (25,500 / 165,000 = 15.45%), while Linda moves from 19% + a last-paycheck change to
    # 20% ((25,500 + 11,250) / 185,000 = 19.86%; 20% leaves her 26th paycheck 1,173.08, fully matched), Ken likewise
    # Ines's dollar elections follow the limit: 24,500 → 25,500 over 24 paychecks of 88,000 ÷ 24
    assert electing == ["dana", "ines", "ken", "linda", "robert", "sam", "tamara", "theo", "victor", "walt"]
    stakes = [int(re.search(r"\$([\d,]+) at stake", line).group(1).replace(",", "")) for line in heads]
    assert stakes == sorted(stakes, reverse=True)
    # Robert, 53 in 2027, plan pay 138,000, pre-tax allowed (estimated 2026 wages 138,000 < 155,000):
    # 2026 limits (24,500 + 8,000) / 138,000 = 23.55 % → 23 %, rounded up to 24 % (1,273.85 a paycheck; the 26th
    # gets 653.85 = 12.3 %, fully matched, before payroll stops); 2027 (25,500 + 8,000) / 138,000 = 24.28 % → 24 %,
    # rounded up to 25 % (1,326.92 a paycheck; the 26th gets 327.00 = 6.2 % ≥ 5 %)
    assert "  recommended_elections.pre_tax_pct: 24% -> 25%" in report.output.split("Robert (robert)")[1]
    assert report.output.rstrip().endswith("Left out, fix first (guides check --year 2027): grace, luis, omar")

    refused = guides(warm_project, monkeypatch, "build", "--year", "2027")
    assert refused.exit_code == 1 and "Or build the others with --keep-going." in refused.output
    built = guides(warm_project, monkeypatch, *EVERY_YEAR[4].split()[1:])
    assert built.exit_code == 0, built.output
    assert "Built 24 guides" in built.output and "Left out 3 personas" in built.output
    assert f"{personas}grace.yaml:13: job_change.separation_date: 2026-05-29 is not in tax year 2027" in built.output
    # the 46 facts above, less Grace's 3, Luis's 3 and Omar's 3: their guides were left out
    assert "37 facts still to confirm: run guides check --year 2027" in built.output
    site = warm_project.root / "site"
    assert "Sam: your 2027 retirement-savings guide" in (site / "guides" / "sam" / "index.html").read_text()
    assert not (site / "guides" / "grace").exists()
    # last year's site, as it was published, under its year: old links keep working
    assert "Earlier years kept at /2026/" in built.output
    assert "Sam: your 2026 retirement-savings guide" in (site / "2026" / "guides" / "sam" / "index.html").read_text()
    assert (site / "2026" / "guides" / "grace" / "index.html").exists()
    assert (site / "2026" / "limits" / "index.html").exists() and not (site / "2026" / "2026").exists()


def test_new_year_never_overwrites_without_force(project, autumn_2026, monkeypatch):
    assert guides(project, monkeypatch, "new-year", "2027").exit_code == 0
    sam = project.root / "profiles" / "2027" / "personas" / "sam.yaml"
    sam.write_text(sam.read_text().replace("salary: 62000", "salary: 124000"))
    again = guides(project, monkeypatch, "new-year", "2027")
    assert again.exit_code == 1
    assert "generator/limits/2027.yaml:1: (file): already exists (add --force to overwrite it)" in again.output
    assert "profiles/2027/personas/sam.yaml:1: (file): already exists" in again.output
    assert "salary: 124000" in sam.read_text()  # nothing was written
    assert guides(project, monkeypatch, "new-year", "2027", "--force").exit_code == 0
    assert "salary: 62000" in sam.read_text()


def test_new_year_needs_the_year_before(project, limits_dir, monkeypatch):
    result = guides(project, monkeypatch, "new-year", "2029")
    assert result.exit_code == 1
    assert "no IRS limits for tax year 2028" in result.output


def test_a_persona_copy_keeps_comments_and_resets_one_year_facts(tmp_path):
    source = tmp_path / "sam.yaml"
    source.write_text(
        "# Changed jobs in June.\n"
        "name: Sam\n"
        "tax_year: 2026\n"
        "plan: globex-401k\n"
        "pay:\n"
        "  salary: 62000            # July to December\n"
        "  other_deferrals_this_year: 14000\n"
        "  paychecks_this_year: 12\n"
        "iras:\n"
        "  contribution_this_year: 7500\n")
    data, _ = load_yaml(source, "sam.yaml")
    text, review = next_year_persona(source.read_text(), data, 2027)
    assert text == (
        "# Changed jobs in June.\n"
        "name: Sam\n"
        "tax_year: 2027  # was 2026\n"
        "plan: globex-401k\n"
        "pay:\n"
        "  salary: 62000            # July to December\n"
        "  prior_year_fica_wages: 62000  # estimated from 2026 pay by guides new-year\n"
        "  # other_deferrals_this_year: 14000  # 2026, reset by guides new-year\n"
        "  # paychecks_this_year: 12  # 2026, reset by guides new-year\n"
        "iras: {}\n"
        "  # contribution_this_year: 7500  # 2026, reset by guides new-year\n"
        "\n"
        "# Written by `guides new-year 2027`: confirm each fact below, correct it above, then delete its line.\n"
        "review:\n"
        '  pay.other_deferrals_this_year: "reset (was 14000 in 2026): enter any 2027 deferrals at another employer"\n'
        '  pay.paychecks_this_year: "reset (was 12 in 2026): set it only if you join or leave the plan during 2027"\n'
        '  pay.salary: "62000 was pay for part of 2026: enter the pay for 2027"\n'
        f'  pay.prior_year_fica_wages: "{FICA.format(62000)}"\n'
        '  iras.contribution_this_year: "reset (was 7500 in 2026): enter what you plan to contribute for 2027"\n')
    assert list(review) == ["pay.other_deferrals_this_year", "pay.paychecks_this_year", "pay.salary",
                            "pay.prior_year_fica_wages", "iras.contribution_this_year"]


def _site(folder: Path, year: int, *archived: int) -> Path:
    folder.mkdir(parents=True)
    (folder / ".guides-year").write_text(f"{year}\n")
    (folder / "index.html").write_text(f"site {year}")
    for kept in archived:
        (folder / str(kept)).mkdir()
        (folder / str(kept) / "index.html").write_text(f"site {kept}")
    return folder


@pytest.mark.parametrize("published, building, kept", [
    ((2026,), 2027, [2026]),                    # the autumn: 2026 moves under /2026/
    ((2026, 2025, 2024), 2027, [2025, 2026]),   # two earlier years kept: 2024 drops out
    ((2027, 2026), 2027, [2026]),               # a rebuild of the same year keeps its archive
    ((2024,), 2027, []),                        # a site three years old is not kept
    ((2027, 2026), 2026, []),                   # building an older year over a newer site keeps nothing newer
], ids=["next-year", "window-of-two", "same-year-rebuild", "too-old", "older-year"])
def test_earlier_years_kept_beside_the_current_one(tmp_path, published, building, kept):
    previous = _site(tmp_path / "site", *published)
    built = tmp_path / "new"
    built.mkdir()
    assert keep_earlier_years(previous, built, building) == kept
    for year in kept:
        assert (built / str(year) / "index.html").read_text() == f"site {year}"
    assert (built / ".guides-year").read_text() == f"{building}\n"


def test_keep_going_leaves_out_personas_but_never_a_broken_plan_or_limits_file(warm_project, monkeypatch):
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text("name: Maya\ntax_year: 2026\n")
    kept_going = guides(warm_project, monkeypatch, "build", "--keep-going")
    assert kept_going.exit_code == 0, kept_going.output
    assert "Left out 1 persona (fix them and build again):\n  profiles/personas/maya.yaml:1: birth_date: is required" \
        in kept_going.output
    plan = warm_project.profiles_dir / "plans" / "acme-401k.yaml"
    plan.write_text(plan.read_text() + "bonus_match: 3\n")
    stopped = guides(warm_project, monkeypatch, "build", "--keep-going")
    assert stopped.exit_code == 1
    assert "profiles/plans/acme-401k.yaml:" in stopped.output and "bonus_match: unknown key" in stopped.output
