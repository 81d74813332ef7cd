"""The limits files: held to one schema, cited, consistent across years, equal to the verified reference.

The years under test are the files present: adding a correct YEAR.yaml keeps the suite green, adding
a broken one turns it red with the file, line and key. A year without a reference row is checked
against the schema only (the run says so in one line, see conftest.py).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REFERENCE, reference_rows

from generator.cli import main
from generator.limits import (BRACKET_TABLES, Brackets, InvalidLimits, Limit, MissingLimits, PhaseOut, available_years,
                              limits_problems, load_constants, load_limits, load_schema, read_once)

YEARS = available_years()
FIXTURE_2027 = Path(__file__).parent / "fixtures" / "limits-2027.yaml"


def test_the_years_run_from_2018_without_a_gap():
    assert YEARS[0] == 2018 and YEARS == list(range(YEARS[0], YEARS[-1] + 1))


@pytest.mark.parametrize("year", YEARS)
def test_every_year_file_follows_the_schema(year):
    assert [str(p) for p in limits_problems()[year]] == []


@pytest.mark.parametrize("year", YEARS)
def test_every_value_is_cited(year):
    limits = load_limits(year)
    assert limits.notice.startswith("IRS Notice ") and limits.notice_href.startswith("https://www.irs.gov/")
    assert not limits.provisional
    for entry in limits.entries.values():
        assert entry.statute.startswith("IRC "), entry
        assert entry.href.startswith("https://www.law.cornell.edu/uscode/text/26/"), entry
        # a number the IRS notice does not set (the SSA's wage base) names who set it instead
        setter = load_schema()[entry.key].set_by
        if isinstance(entry, Brackets):  # set by that year's Revenue Procedure, cited in the year file
            assert entry.source.endswith(f"; {entry.notice}") and entry.notice.startswith("Rev. Proc. ")
            assert entry.procedure_href.startswith("https://www.irs.gov/pub/irs-drop/rp-")
            continue
        assert (f"{setter} for {year}" if setter else limits.notice) in entry.source and entry.label


def test_the_schema_declares_each_key_once_with_label_statute_link_and_unit():
    for spec in load_schema().values():
        assert spec.label and spec.statute.startswith("IRC ") and spec.href.startswith("https://")
        assert spec.unit in ("dollars", "dollars_range", "yes_no", "brackets")


@pytest.mark.parametrize("year", YEARS)
def test_cross_field_relations_hold(year):
    lim = load_limits(year)
    assert lim.elective_deferral.value < lim.annual_additions.value < lim.compensation_limit.value
    assert lim.ira_limit.value < lim.elective_deferral.value
    assert lim.simple_deferral.value < lim.elective_deferral.value
    if lim.catch_up_60_63.value is not None:
        assert lim.catch_up_60_63.value > lim.catch_up_50.value
    for entry in lim.entries.values():
        if isinstance(entry, PhaseOut):
            assert Decimal(0) <= entry.start < entry.end, entry
    # the Roth ranges sit above the deduction ranges for a covered single filer and a covered joint filer
    assert lim.deduction_phaseout_single_covered.end <= lim.roth_phaseout_single.start
    assert lim.deduction_phaseout_joint_covered.end <= lim.roth_phaseout_joint.start
    # only the spouse covered: the same range as the joint Roth phase-out in every year on record
    assert (lim.deduction_phaseout_joint_spouse_covered.start, lim.deduction_phaseout_joint_spouse_covered.end) == (
        lim.roth_phaseout_joint.start, lim.roth_phaseout_joint.end)


def test_limits_never_fall_from_one_year_to_the_next():
    for old, new in zip(YEARS, YEARS[1:]):
        for key, entry in load_limits(new).entries.items():
            before = load_limits(old).entries[key]
            if isinstance(entry, Limit) and entry.value is not None and before.value is not None:
                assert entry.value >= before.value, (key, old, new)


# ----------------------------------------------------------------------------- income tax brackets

# The Revenue Procedure that set each year's rate tables (the 2018 one replaced Rev. Proc. 2017-58's
# tables after the TCJA changed the rates).
PROCEDURES = {2018: "Rev. Proc. 2018-18", 2019: "Rev. Proc. 2018-57", 2020: "Rev. Proc. 2019-44",
              2021: "Rev. Proc. 2020-45", 2022: "Rev. Proc. 2021-45", 2023: "Rev. Proc. 2022-38",
              2024: "Rev. Proc. 2023-34", 2025: "Rev. Proc. 2024-40", 2026: "Rev. Proc. 2025-32"}


@pytest.mark.parametrize("year", YEARS)
def test_each_years_brackets_cite_the_revenue_procedure_that_set_them(year):
    brackets = load_limits(year).income_tax_brackets
    assert brackets.notice == PROCEDURES[year]
    number = PROCEDURES[year].removeprefix("Rev. Proc. ")  # 2025-32 -> rp-25-32.pdf
    assert brackets.procedure_href == f"https://www.irs.gov/pub/irs-drop/rp-{number[2:]}.pdf"


@pytest.mark.parametrize("year", YEARS)
def test_bracket_tables_hold_their_invariants(year):
    brackets = load_limits(year).income_tax_brackets
    # TCJA rates, IRC 1(j)(2), kept for 2026 on by P.L. 119-21
    assert brackets.rates == tuple(Decimal(r) for r in (10, 12, 22, 24, 32, 35, 37))
    single, joint = brackets.thresholds["single"], brackets.thresholds["married_joint"]
    separate, head = brackets.thresholds["married_separate"], brackets.thresholds["head_of_household"]
    for status in BRACKET_TABLES:
        amounts = brackets.thresholds[status]
        assert amounts[0] == 0 and list(amounts) == sorted(set(amounts)) and len(amounts) == 7
    # married filing separately: every bracket but the top is the single one, the top is half the joint top
    assert separate[:6] == single[:6] and separate[6] == joint[6] / 2
    # the joint 10 % to 32 % brackets end at twice the single ones (no marriage penalty below 35 %)
    assert joint[1:6] == tuple(2 * s for s in single[1:6])
    # head of household sits between single and joint at the low end, and its 35 % and 37 % amounts
    # are the single ones or $25 below them
    assert single[1] < head[1] < joint[1] and single[2] < head[2] < joint[2]
    assert 0 <= single[6] - head[6] <= 25 and 0 <= single[5] - head[5] <= 25
    # a surviving spouse uses the joint table (IRC 1(a))
    assert brackets.table("qualifying_surviving_spouse") == brackets.table("married_joint")


# Hand-checked against the Revenue Procedure's tables (and the IRS release that announced them):
# (year, filing status, rate, taxable income the rate applies above)
@pytest.mark.parametrize("year, status, rate, above", [
    (2018, "single", 37, 500_000), (2018, "married_joint", 12, 19_050), (2018, "married_separate", 37, 300_000),
    (2019, "single", 22, 39_475), (2019, "head_of_household", 32, 160_700),
    (2020, "married_joint", 24, 171_050), (2020, "single", 35, 207_350),
    (2021, "head_of_household", 12, 14_200), (2021, "married_separate", 37, 314_150),
    (2022, "single", 37, 539_900), (2022, "married_joint", 32, 340_100),
    (2023, "head_of_household", 37, 578_100), (2023, "single", 12, 11_000),
    (2024, "single", 37, 609_350), (2024, "married_joint", 37, 731_200), (2024, "head_of_household", 12, 16_550),
    (2025, "married_separate", 37, 375_800), (2025, "head_of_household", 35, 250_500),
    (2026, "single", 12, 12_400), (2026, "married_joint", 37, 768_700), (2026, "head_of_household", 24, 105_700),
    (2026, "married_separate", 37, 384_350), (2026, "qualifying_surviving_spouse", 22, 100_800),
])
def test_hand_checked_bracket_thresholds(year, status, rate, above):
    assert (Decimal(rate), Decimal(above)) in load_limits(year).income_tax_brackets.table(status)


REFERENCED = [year for year in YEARS if year in reference_rows()]


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/ reference not beside the checkout")
@pytest.mark.parametrize("year", REFERENCED)
def test_values_equal_the_verified_reference(year):
    ref = reference_rows()[year]
    lim = load_limits(year)
    pairs = {"elective_deferral": "elective_deferral_402g", "catch_up_50": "catch_up_50_414v",
             "catch_up_60_63": "catch_up_60_63", "annual_additions": "annual_additions_415c",
             "compensation_limit": "comp_limit_401a17", "highly_compensated": "hce_414q",
             "ira_limit": "ira_limit", "ira_catch_up": "ira_catch_up", "simple_deferral": "simple_deferral",
             "simple_catch_up": "simple_catch_up", "social_security_wage_base": "ss_wage_base",
             "simple_catch_up_60_63": "simple_catch_up_60_63"}
    for ours, theirs in pairs.items():
        expected = ref.get(theirs)  # a key the reference leaves out of a year had no such limit then
        assert lim.entries[ours].value == (None if expected is None else Decimal(expected)), ours
    ranges = {"roth_phaseout_single": ("roth_phaseout", "single_hoh"), "roth_phaseout_joint": ("roth_phaseout", "mfj_qss"),
              "roth_phaseout_married_separate": ("roth_phaseout", "mfs"),
              "deduction_phaseout_single_covered": ("trad_ira_deduction_phaseout", "single_hoh_covered"),
              "deduction_phaseout_joint_covered": ("trad_ira_deduction_phaseout", "mfj_contributor_covered"),
              "deduction_phaseout_joint_spouse_covered": ("trad_ira_deduction_phaseout", "mfj_contributor_not_covered_spouse_covered"),
              "deduction_phaseout_married_separate": ("trad_ira_deduction_phaseout", "mfs_covered_or_spouse_covered")}
    for ours, (group, row) in ranges.items():
        entry = lim.entries[ours]
        assert [entry.start, entry.end] == [Decimal(v) for v in ref[group][row]], ours
    small = ref.get("simple_applicable_110pct") or {}
    assert lim.simple_deferral_small_employer.value == (Decimal(small["deferral"]) if small else None)
    assert lim.simple_catch_up_small_employer.value == (Decimal(small["catch_up"]) if small else None)
    threshold = ref["roth_catch_up_wage_threshold_414v7"]
    rule = lim.roth_catch_up_wage_threshold
    if threshold is None:
        assert rule.value is None and rule.enforced is False
    else:
        assert (rule.value, rule.enforced) == (Decimal(threshold["amount"]), threshold["enforced"])


@pytest.mark.parametrize("year, expected", [(2023, 5000), (2024, 7000), (2026, 7000)],
                         ids=["before-secure-2-0-304", "first-year-of-7000", "later-year"])
def test_force_out_limit_rose_to_7000_in_2024(year, expected):
    # SECURE 2.0 s.304: distributions after Dec 31 2023 may be cashed out up to $7,000 (was $5,000)
    assert load_limits(year).force_out_limit.value == expected


def test_a_year_without_a_file_names_the_file_to_add():
    with pytest.raises(MissingLimits) as missing:
        load_limits(2031)
    assert "generator/limits/2031.yaml" in str(missing.value)


def test_constants_are_cited():
    constants = load_constants()
    assert constants["mandatory_withholding_pct"].value == 20
    assert constants["early_distribution_tax_pct"].value == 10
    assert all(c.statute.startswith("IRC ") and c.href.startswith("https://") for c in constants.values())


# ----------------------------------------------------------------------------- a new year's file

def test_a_correct_new_year_file_is_accepted_and_used(limits_dir):
    (limits_dir / "2027.yaml").write_text(FIXTURE_2027.read_text())
    assert available_years()[-1] == 2027 and limits_problems()[2027] == []
    assert load_limits(2027).elective_deferral.value == 25_500  # the fixture's made-up figure


def test_a_build_works_with_the_limits_it_began_with(limits_dir):
    """Within read_once (a build), a limits file saved or added meanwhile changes nothing; after it,
    the next load sees the new file."""
    this_year = limits_dir / "2026.yaml"
    with read_once():
        assert load_limits(2026).elective_deferral.value == 24_500  # IRS Notice 2025-67
        this_year.write_text(this_year.read_text().replace("elective_deferral: 24_500", "elective_deferral: 24_600"))
        (limits_dir / "2027.yaml").write_text(FIXTURE_2027.read_text())
        assert load_limits(2026).elective_deferral.value == 24_500 and available_years()[-1] == 2026
        with pytest.raises(MissingLimits):
            load_limits(2027)
    assert load_limits(2026).elective_deferral.value == 24_600 and available_years()[-1] == 2027


def _fixture_with(old: str, new: str) -> str:
    text = FIXTURE_2027.read_text()
    assert old in text, old
    return text.replace(old, new, 1)


def _line_of(text: str, line: str) -> int:
    return next(n for n, found in enumerate(text.splitlines(), 1) if found.strip() == line)


BROKEN = {
    "typo-comma-in-a-number": (
        ("elective_deferral: 25_500", "elective_deferral: 25,000"), "elective_deferral: 25,000",
        "limits.elective_deferral: must be a number (got '25,000') "
        "(write digits only, without commas, $ or quotes: 25000 or 25_000)"),
    "blank-value": (
        ("ira_limit: 7500", "ira_limit:"), "ira_limit:",
        "limits.ira_limit: is blank (IRA contribution limit: enter it from the IRS notice)"),
    "blank-end-of-a-range": (
        ("start: 83_000\n    end: 93_000", "start: 83_000\n    end:"), "end:",
        "limits.deduction_phaseout_single_covered.end: is blank"),
    "misspelled-key": (
        ("ira_catch_up: 1100", "ira_catchup: 1100"), "ira_catchup: 1100",
        "limits.ira_catchup: unknown key (did you mean ira_catch_up?)"),
    "mismatched-year": (
        ("tax_year: 2027", "tax_year: 2026"), "tax_year: 2026",
        "tax_year: says 2026 but the file is 2027.yaml (a file holds the limits of the year in its name: set tax_year: 2027)"),
    "notice-of-another-year": (
        ("Test Notice 2026-00 (made-up figures)", "IRS Notice 2025-67"), "title: IRS Notice 2025-67",
        "notice.title: IRS Notice 2025-67 is also the notice of 2026.yaml"),
}


@pytest.mark.parametrize("change, fragment, expected", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_year_file_is_refused_with_a_located_message(project, limits_dir, monkeypatch, change, fragment, expected):
    text = _fixture_with(*change)
    (limits_dir / "2027.yaml").write_text(text)
    line = _line_of(text, fragment)
    monkeypatch.chdir(project.root)
    for command in (["check", "--year", "2027"], ["build", "--year", "2027"]):
        result = CliRunner().invoke(main, command, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert f"generator/limits/2027.yaml:{line}: {expected}" in result.output, result.output
        assert "Traceback" not in result.output
    assert not (project.root / "site").exists()  # nothing was written


def test_a_misspelled_key_also_leaves_the_real_key_missing(limits_dir):
    (limits_dir / "2027.yaml").write_text(_fixture_with("ira_catch_up: 1100", "ira_catchup: 1100"))
    assert "limits.ira_catch_up: is missing (IRA catch-up, age 50 and over, a whole number of dollars)" in [
        f"{p.key}: {p.message} ({p.hint})" for p in limits_problems()[2027]]


def test_an_unedited_copy_of_last_year_is_refused_with_what_to_do(project, limits_dir, monkeypatch):
    # a copy of 2026.yaml saved as 2027.yaml, unchanged: every check that catches stale figures speaks
    copy = (limits_dir / "2026.yaml").read_text()
    (limits_dir / "2027.yaml").write_text(copy)
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["check", "--year", "2027"], catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines()[:3] == [
        "generator/limits/2027.yaml:3: tax_year: says 2026 but the file is 2027.yaml "
        "(a file holds the limits of the year in its name: set tax_year: 2027)",
        "generator/limits/2027.yaml:5: notice.title: IRS Notice 2025-67 is also the notice of 2026.yaml "
        "(each year's figures come from that year's notice: enter the 2027 notice)",
        "generator/limits/2027.yaml:8: limits: every value is the same as in 2026.yaml: this is a copy of last "
        "year's figures (enter the 2027 figures from the IRS notice, or start again from blanks with "
        "`guides new-year 2027 --force`)",
    ]


def test_a_key_the_law_did_not_have_yet_is_refused(limits_dir):
    text = (limits_dir / "2020.yaml").read_text().replace("  catch_up_50: 6500\n", "  catch_up_50: 6500\n  catch_up_60_63: 10_000\n")
    (limits_dir / "2020.yaml").write_text(text)
    assert [str(p) for p in limits_problems()[2020]] == [
        "generator/limits/2020.yaml:11: limits.catch_up_60_63: the law had no such limit before 2025 (remove this line)"]


def test_a_broken_file_stops_loading_with_its_problems(limits_dir):
    (limits_dir / "2027.yaml").write_text(_fixture_with("ira_limit: 7500", "ira_limit: lots"))
    with pytest.raises(InvalidLimits) as invalid:
        load_limits(2027)
    assert [p.key for p in invalid.value.problems] == ["limits.ira_limit"]


# ----------------------------------------------------------------------------- projected figures

def test_provisional_figures_never_reach_a_site_without_allow_provisional(project, limits_dir, monkeypatch):
    text = FIXTURE_2027.read_text().replace("tax_year: 2027\n", "tax_year: 2027\nprovisional: true\n")
    (limits_dir / "2027.yaml").write_text(text)
    for persona in ("grace", "luis", "omar"):  # their 2026 job changes cannot move to 2027 as they are
        (project.profiles_dir / "personas" / f"{persona}.yaml").unlink()
    monkeypatch.chdir(project.root)
    refused = CliRunner().invoke(main, ["build", "--year", "2027"], catch_exceptions=False)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.startswith(
        "generator/limits/2027.yaml:4: provisional: the 2027 limits are projected, not published by the IRS "
        "(build with --allow-provisional")
    assert not (project.root / "site").exists()

    allowed = CliRunner().invoke(main, ["build", "--year", "2027", "--allow-provisional"], catch_exceptions=False)
    assert allowed.exit_code == 0, allowed.output
    page = (project.docs_dir / "guides" / "maya.md").read_text()
    heading = page.index("# Maya: your 2027 retirement-savings guide")
    assert 'Projected figures, not yet published by the IRS' in page[heading:heading + 200]
    limits_page = (project.docs_dir / "limits" / "index.md").read_text()
    assert limits_page.index("Projected figures") < limits_page.index("## 2026")


def test_provisional_years_stay_off_the_site_wide_pages_of_a_published_build(project, limits_dir):
    from generator.limits import published_years

    (limits_dir / "2027.yaml").write_text(FIXTURE_2027.read_text().replace("limits:\n", "provisional: true\nlimits:\n"))
    assert published_years()[-1].tax_year == 2026
    assert published_years(allow_provisional=True)[-1].tax_year == 2027
