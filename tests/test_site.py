"""The example site, built with real MkDocs Material in strict mode, read back from disk."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.errors import ProblemsFound
from generator.limits import available_years

from conftest import REPO

PUBLIC = ["dana", "elena", "grace", "javier", "ken", "linda", "maya", "omar", "priya", "robert", "sam", "victor"]


def search_index(project) -> list[dict]:
    return json.loads((project.root / "site" / "search" / "search_index.json").read_text())["docs"]


def test_every_example_persona_has_a_page(built):
    for persona in PUBLIC:
        assert (built.root / "site" / "guides" / persona / "index.html").is_file(), persona
    guides_index = (built.root / "site" / "guides" / "index.html").read_text()
    for persona in PUBLIC:
        assert f'href="{persona}/"' in guides_index


def test_search_finds_a_guide_by_its_summary_never_its_figures(built):
    docs = search_index(built)
    linda = [d for d in docs if d["location"].startswith("guides/linda/")]
    assert len(linda) == 1, "a public guide is in the search index once, as its summary"
    assert linda[0]["title"] == "Retirement-savings guide for Linda, 2026"
    assert "catch-up" in linda[0]["text"] and "Roth" in linda[0]["text"]
    assert not re.search(r"\d", linda[0]["text"])  # no amount, rate or date of hers: $11,250 is on her page only
    assert "11,250" in (built.root / "site" / "guides" / "linda" / "index.html").read_text()
    assert any(d["location"] == "glossary/" for d in docs)  # site-wide pages in full


def test_private_guides_are_unlisted_unsearchable_and_not_in_the_sitemap(built):
    private = list((built.root / "site" / "c").glob("*/index.html"))
    assert len(private) == 1
    token = private[0].parent.name
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    page = private[0].read_text()
    assert "Minh Hoang" in page and '<meta name="robots" content="noindex">' in page
    everything_else = [p for p in (built.root / "site").rglob("*") if p.is_file() and p != private[0]
                       and p.suffix in (".html", ".json", ".xml", ".txt")]
    for path in everything_else:
        text = path.read_text(errors="replace")
        assert token not in text and "Minh Hoang" not in text, path


SECRET = "5f1c0a7e9b3d42c8a6e0f7b1d9c3e5a2" * 2  # 64 hex digits: 256 bits


def test_the_sidebar_does_not_list_every_guide(built):
    home = (built.root / "site" / "index.html").read_text()
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>")]
    for persona in PUBLIC:
        assert f"guides/{persona}/" not in nav


def test_worked_examples_and_callouts_render_as_html(built):
    page = (built.root / "site" / "guides" / "priya" / "index.html").read_text()
    # Worked examples and mistakes are collapsed <details>, closed until the reader opens them.
    assert '<details class="example worked-example">' in page and "<table>" in page
    assert '<details class="warning">' in page and "front-loading" in page
    assert '<label><input type="checkbox"> Set your elections' in page  # checklists: tickable, labelled


def test_limits_pages_list_every_year_with_sources(built):
    limits = (built.root / "site" / "limits" / "index.html").read_text()
    for year in available_years():
        assert f'id="{year}"' in limits
    assert "n-25-67.pdf" in limits and "law.cornell.edu/uscode/text/26/402" in limits
    changes = (built.root / "site" / "limits" / "changes" / "index.html").read_text()
    assert "2026 compared with 2025" in changes


def test_same_inputs_give_byte_identical_pages(project):
    # Two builds in two processes with different hash seeds: set and dict order that leaked into a page
    # would differ between them (one process would reuse one seed and hide it).
    def snapshot(seed: str) -> dict[str, bytes]:
        env = os.environ | {"SOURCE_DATE_EPOCH": "1767225600", "GUIDES_LINK_SECRET": SECRET, "PYTHONHASHSEED": seed,
                            "PYTHONPATH": str(REPO)}  # 2026-01-01
        done = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=project.root, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        site = project.root / "site"
        return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    assert snapshot("1") == snapshot("2")


def test_profile_text_is_rendered_inert_even_inside_worked_examples(project):
    persona = project.profiles_dir / "personas" / "maya.yaml"
    persona.write_text(persona.read_text().replace("name: Maya", 'name: "<script>alert(1)</script> **Bold** [x](http://e.com)"'))
    plan = project.profiles_dir / "plans" / "globex-401k.yaml"
    plan.write_text(plan.read_text().replace("name: Globex 401(k) Plan", 'name: "Globex <i>Evil</i> *Plan*"'))
    build(project)  # one build for both
    page = (project.root / "site" / "guides" / "maya" / "index.html").read_text()
    assert "<script>alert(1)" not in page and "<strong>Bold</strong>" not in page and 'href="http://e.com"' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **Bold** [x](http://e.com)" in page
    # the line under the title, an HTML paragraph, too: no Markdown escape left showing (\*\*Bold\*\*)
    assert '<p class="guide-meta">Prepared for &lt;script&gt;alert(1)&lt;/script&gt; **Bold** [x](http://e.com) ·' in page
    page = (project.root / "site" / "guides" / "sam" / "index.html").read_text()  # the plan's name is in a step
    assert "<i>Evil</i>" not in page and "<em>Plan</em>" not in page
    assert "Your deferrals at Globex &lt;i&gt;Evil&lt;/i&gt; *Plan*" in page


def test_a_failed_build_leaves_the_previous_site_untouched(warm_project):
    build(warm_project)
    site = warm_project.root / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text("name: Maya\ntax_year: 2031\n")
    with pytest.raises(ProblemsFound):
        build(warm_project)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not [p for p in warm_project.root.iterdir() if p.name.startswith(".guides-build-")]


def test_a_mkdocs_warning_fails_the_build_and_keeps_the_site(warm_project):
    build(warm_project)
    before = (warm_project.root / "site" / "index.html").read_bytes()
    index = warm_project.content_dir / "index.md"
    index.write_text(index.read_text() + "\n[broken](no-such-page.md)\n")
    with pytest.raises(ProblemsFound) as failed:
        build(warm_project)
    assert "no-such-page.md" in str(failed.value)
    assert (warm_project.root / "site" / "index.html").read_bytes() == before


def test_year_flag_regenerates_every_persona_for_another_year(project):
    # A job change is a dated event: rebuilt for another year it is reported, not moved silently.
    with pytest.raises(ProblemsFound) as moved:
        build(project, year=2025)
    assert sorted(p.path for p in moved.value.problems) == ["profiles/personas/grace.yaml", "profiles/personas/luis.yaml",
                                                            "profiles/personas/omar.yaml"]
    assert all(p.key == "job_change.separation_date" for p in moved.value.problems)
    for leaver in ("grace", "luis", "omar"):
        (project.profiles_dir / "personas" / f"{leaver}.yaml").unlink()
    report = build(project, year=2025)
    assert {g.results.persona.tax_year for g in report.guides} == {2025}
    linda = (project.root / "site" / "guides" / "linda" / "index.html").read_text()
    assert "IRS Notice 2024-80" in linda


def test_after_tax_guides_show_charts_and_others_only_the_ask_your_plan_note(built):
    site = built.root / "site" / "guides"
    priya = (site / "priya" / "index.html").read_text()
    assert '<img alt="Line chart:' in priya and 'src="../priya-projection.svg"' in priya
    assert 'src="../priya-cadence.svg"' in priya
    svg = (site / "priya-projection.svg").read_text()
    assert svg.startswith("<svg") and "<title id=" in svg and "<desc id=" in svg
    # Victor's plan allows only in-service withdrawals, monthly. After-tax space: 72,000 − 24,500 deferrals −
    # 6,900 match (50% of 6% of 230,000) − 6,900 nonelective (3%) = 33,700 = 14.65% of pay → 14% = 32,200 a
    # year, 2,683.33 a month, each withdrawal split in two (Notice 2014-54)
    victor = page_text(built, "victor")
    assert "Withdraw it to a Roth IRA monthly" in victor and "one withdrawal split into two checks" in victor
    assert "$2,683.33" in victor
    maya = (site / "maya" / "index.html").read_text()
    assert "does not take after-tax contributions" in maya
    assert "How often to convert" not in maya and ".svg" not in maya


def page_text(built, persona: str) -> str:
    html = (built.root / "site" / "guides" / persona / "index.html").read_text()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


@pytest.mark.parametrize("persona, expected", [
    # Dana, single, covered, MAGI 86,000 in the 2026 81,000-91,000 range: 7,500 × 5,000 / 10,000 = 3,750
    ("dana", ["Your route: contribute directly to a Roth IRA", "$3,750"]),
    # Ken, single, MAGI 160,000 in the 2026 Roth range 153,000-168,000: 7,500 × 8,000 / 15,000 = 4,000
    ("ken", ["Your route: the backdoor Roth", "$4,000"]),
    # Elena, joint, only her spouse covered, MAGI 246,000 in 242,000-252,000: 7,500 × 6,000 / 10,000 = 4,500
    ("elena", ["Your route: a deductible traditional IRA", "$4,500"]),
    # Javier: 40,000 pre-tax IRA money; line 10 = 7,500 / 47,500; nontaxable 1,184.21, taxable 6,315.79
    ("javier", ["Your route: the backdoor Roth", "$6,315.79", "$1,184.21", "First, before December 31"]),
    # Victor: 60,000 pre-tax IRA money and a plan without roll-ins; converting it all at 32% + 6% = 22,800
    ("victor", ["Your route: a nondeductible traditional IRA", "$22,800"]),
], ids=["inside-deduction-phase-out", "inside-roth-phase-out-backdoor", "spouse-covered-deduction", "pro-rata-fix",
        "nondeductible-when-no-plan-takes-the-balance"])
def test_each_ira_route_shows_with_its_numbers(built, persona, expected):
    text = page_text(built, persona)
    for words in expected:
        assert words in text, (persona, words)


def test_spousal_ira_for_a_non_working_spouse(built):
    page = next((built.root / "site" / "c").glob("*/index.html")).read_text()
    # Lan earns nothing; combined pay 165,000 − Minh's 7,500 IRA contribution ≥ 7,500: she may contribute 7,500,
    # fully deductible (not covered; Minh covered; MAGI under the 242,000 start of the spouse-covered range)
    assert "Lan's IRA" in page and "spousal IRA" in page


@pytest.mark.parametrize("persona, expected", [
    # Omar, 45, 85,000 pre-tax: withheld 20% = 17,000; net 68,000; tax 29% = 24,650; 10% = 8,500;
    # due at filing 24,650 + 8,500 − 17,000 = 16,150
    ("omar", ["$68,000", "$17,000", "$24,650", "$8,500", "$16,150", "Recommended: roll it to your new employer's plan"]),
    # Grace turns 55 in 2026 and leaves in 2026: rule of 55, no additional tax; 26% × 420,000 = 109,200
    ("grace", ["The rule of 55 applies to this plan", "$109,200", "rolling to an IRA before using the rule of 55"]),
    # Javier's old plan holds 20,000 of after-tax contributions: to a Roth IRA (Notice 2014-54)
    ("javier", ["Your after-tax contributions: $20,000", "Initech 401(k)"]),
    # Maya's 4,800 old balance is under the 2026 force-out limit of 7,000 (the limit itself, not any $7,000)
    ("maya", ["Small balance: at or below the force-out limit of $7,000"]),
    # Sam: 14,000 at the old job + 20% × 62,000 = 12,400 here = 26,400 − 24,500 = 1,900 over
    ("sam", ["$1,900 more than the limit"]),
    # Luis: service 2021-09-15 to 2026-07-31 is 4 whole years → 60% of 18,000 = 10,800 kept, 7,200 forfeited;
    # 80% on 2026-09-15, 31 + 15 = 46 days on: 14,400 − 10,800 = 3,600 more. Loan 6,500 × (22 + 5)% = 1,755
    # + 10% = 650 → 2,405, made up by Apr 15, 2027 (Oct 15 with an extension). No Roth IRA yet: its clock
    # starts in 2026, earnings tax-free from 2031. Pre-tax 64,000 − 7,200 = 56,800 converted: 27% = 15,336.
    ("luis", ["60% vested", "$10,800", "$7,200", "46 days from the next step", "$3,600", "$6,500",
              "Apr 15, 2027", "Oct 15, 2027", "$2,405", "tax-free from 2031", "$15,336 of tax this year"]),
    # Ruth, 74 in 2026 (born 1952: RMD age 73, first RMD for 2025, due Apr 1, 2026): Contoso's RMD is
    # 420,000 ÷ 25.5 = 16,470.59; what can move is 410,000 − 16,470.59 = 393,529.41. Past 59½, the rule of
    # 55 no longer matters.
    ("ruth", ["Required minimum distribution first", "$16,470.59", "Your pre-tax money: $393,529.41",
              "Apr 1, 2026", "none while you live"]),
    # Hank, 56, draws 30,000 under the rule of 55 from 400,000 (300,000 pre-tax, 60,000 Roth with 45,000
    # contributions, 30,000 + 10,000 after-tax): 7.5 % of each → 22,500 + 4,500 × 0.25 + 750 = 24,375 taxable;
    # 21,900 taxable income + 24,375 stays under the 50,400 start of 22 %: 12 % = 2,925; room 28,500 ÷ 0.8125
    ("hank", ["$24,375 of it is taxable", "$2,925 of federal", "up to $35,076.92"]),
    # Bea, 41, takes 8,000: adoption 6,000 capped at 5,000 + emergency 1,000 = 6,000 free, 2,000 pays 10 % = 200;
    # 47,900 + 8,000: 2,500 at 12 % = 300 + 5,500 at 22 % = 1,210 → 1,510; only 2,500 fits before 22 %
    ("bea", ["cover $6,000 of the taxable part", "the other $2,000 still pays", "$1,510 of federal",
             "up to $2,500 is taxed at 12%"]),
    # Carl's 200,000 of Contoso shares bought for 40,000: NUA 160,000; basis 40,000 at 22 % = 8,800 + 4 % state
    # 1,600 + NUA 160,000 × 19 % = 30,400 → 40,800 against 200,000 × 26 % = 52,000 in an IRA: 11,200 less
    ("carl", ["Company stock", "$160,000 they", "$40,800 of tax in all", "$52,000", "$11,200 less"]),
    # Rita left the fire department at 45 after 25 years: no additional tax; 12,000 on 47,850 of taxable income
    # stays under 67,450 (head of household 12 %): 1,440; room 67,450 − 47,850 = 19,600
    ("rita", ["after 25 years of service", "$1,440 of federal", "up to $19,600"]),
], ids=["leaving-at-45", "leaving-in-year-of-55", "old-plan-with-after-tax", "under-force-out", "excess-deferrals",
        "vesting-and-a-loan", "rmd-age",
        "rule-of-55-drawdown-at-brackets", "two-partial-exceptions", "company-stock-nua",
        "public-safety-25-years"])
def test_leaving_your_job_sections(built, persona, expected):
    text = page_text(built, persona)
    for words in expected:
        assert words in text, (persona, words)
    if persona == "ruth":
        assert "The rule of 55 applies" not in text and "before using the rule of 55" not in text


def _profile_keys(model) -> set[str]:
    """Every key of a persona file with an underscore (words like `pay` are also plain English)."""
    import typing

    from pydantic import BaseModel
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for inner in [field.annotation, *typing.get_args(field.annotation)]:
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                keys |= _profile_keys(inner)
    return {key for key in keys if "_" in key}


def test_pages_speak_to_the_reader_not_to_whoever_keeps_the_profiles(built):
    # Instructions such as "add modified_agi to your profile" or "rebuild this guide" belong in the
    # warnings of guides check/build (test_cli), never on a page.
    from generator.profiles import Persona
    keys = _profile_keys(Persona)
    assert {"modified_agi", "paychecks_this_year", "years_to_retirement", "other_deferrals_this_year"} <= keys
    pages = [p for p in (built.root / "site").rglob("index.html") if p.parts[-3] in ("guides", "c")]
    assert len(pages) >= 13
    for page in pages:
        text = page.read_text()
        found = [key for key in keys if key in text]
        assert found == [], f"{page}: {found}"
        assert "rebuild" not in text.lower(), page
