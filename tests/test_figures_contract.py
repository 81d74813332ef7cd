"""Every figure a guide prints is in `guides calc --json` under a documented name, and `calc` gives
the same answer whether the persona is named by id or by path."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.compute import compute
from generator.profiles import load_profiles
from generator.formatting import money

REPO = Path(__file__).resolve().parent.parent

PERSONAS = sorted(path.stem for path in (REPO / "profiles" / "personas").glob("*.yaml"))
# The attributes of a plan being left (RolloverOptions) that templates use, by their JSON names.
LEAVING_NAMES = {"rule_of_55": "rule_of_55_applies", "backdoor_effect": "backdoor_pro_rata_effect",
                 "sources": "rollover_options", "additional_tax_exception": "additional_tax_exception",
                 "force_out": "force_out", "indirect_rollover": "indirect_rollover", "partial_payout": "partial_payout",
                 "roth_qualified": "roth_qualified_distribution", "vesting": "vesting", "loan_offset": "loan_offset",
                 "first_rmd": "first_rmd", "rmd_this_year": "rmd_this_year", "roth_conversion": "roth_conversion",
                 "late_rollover": "late_rollover", "reached_59_half": "reached_penalty_free_age"}


def calc(*args):
    result = CliRunner().invoke(main, ["calc", *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def by_id():
    """calc --json of every example persona, run from the repository like a user would."""
    here = os.getcwd()
    os.chdir(REPO)
    try:
        return {persona: calc(persona) for persona in PERSONAS}
    finally:
        os.chdir(here)


@pytest.mark.parametrize("persona", PERSONAS)
def test_calc_by_id_and_by_path_agree(by_id, persona):
    assert calc(str(REPO / "profiles" / "personas" / f"{persona}.yaml")) == by_id[persona]


def test_omar_by_path_sees_his_new_plan(by_id):
    # Omar's job_change.new_plan is acme-401k, which takes roll-ins: by path it must be available too.
    data = calc(str(REPO / "profiles" / "personas" / "omar.yaml"))
    assert data["figures"]["rollover_options"]["value"]["pre_tax"]["new_plan"]["available"] is True


def _template_figures() -> set[str]:
    text = "\n".join(path.read_text() for path in (REPO / "templates").rglob("*.j2"))
    names = set(re.findall(r"\bf\.([a-z_0-9]+)", text))
    names |= {LEAVING_NAMES[a] for a in re.findall(r"\boptions\.([a-z_0-9]+)", text) if a in LEAVING_NAMES}
    return names


def test_every_figure_a_template_uses_is_in_the_json_and_the_methodology(by_id):
    in_json = set()
    for data in by_id.values():
        in_json |= set(data["figures"])
        for plan in data["leaving"]:
            in_json |= set(plan["figures"]) | {"rollover_options"}
    methodology = (REPO / "site_content" / "methodology.md").read_text()
    used = _template_figures()
    assert {"indirect_rollover", "force_out", "backdoor_pro_rata_effect", "rollover_options"} <= used
    assert used - in_json == set(), "printed on a page but missing from calc --json"
    assert {name for name in used if f"`{name}`" not in methodology} == set(), "missing from methodology.md"


def test_rollover_options_show_their_working(by_id):
    initech = by_id["javier"]["leaving"][0]
    assert initech["plan"] == "Initech 401(k)"
    pre_tax = initech["rollover_options"]["pre_tax"]
    assert pre_tax["cash_out"]["steps"] and pre_tax["taxable_part"]["steps"]
    # 60-day shortfall, Javier: (124,000 × 20 % − 20,000 basis) × (32 + 5 + 10) % = 4,800 × 47 % = 2,256
    assert initech["figures"]["indirect_rollover"]["value"]["tax_if_not_made_up"] == "2256.00"



# ----------------------------------------------------------------------------- the built example pages

def test_dollar_elections_print_as_dollars_per_paycheck(built):
    # Ines's 403(b) and 457(b) take elections in dollars (elections.unit: dollar): 1,020.80 a paycheck in each
    # (24,500 ÷ 88,000 = 27.84% in hundredths of 3,666.67, see test_business_profiles), 1,021.60 on the last
    page = (built.root / "build" / "docs" / "guides" / "ines.md").read_text()
    assert "| **Elect per paycheck: pre-tax / Roth / after-tax** | **$1,020.80 / $0 / $0** |" in page
    assert "| **Then for your last paycheck: deferral / after-tax** | **$1,021.60 / $0** |" in page
    assert "| **Elect per paycheck there: pre-tax / Roth** | **$1,020.80 / $0** |" in page
    assert "[**Set $1,020.80 pre-tax, $0 Roth a paycheck**]" in page
    assert "| Pre-tax deferral | $1,020.80 |" in page
    elections = page.split("## Your payroll elections")[1].split("??? example")[0]
    assert "%" not in elections


def test_no_page_prints_age_0_a_raw_decimal_or_unused_deferral_room(built):
    docs = built.root / "build" / "docs"
    pages = {path: path.read_text() for path in docs.rglob("*.md")}
    assert len(pages) > 13
    for path, text in pages.items():
        assert not re.search(r"\bage 0\b|\bare 0\b", text), path
        # amounts print as $24,500 or $2,683.33, never as a bare decimal like 24500.00
        assert not re.search(r"(?<![\d,.$])\d{4,}\.\d{2}\b", text), (path, re.search(r"(?<![\d,.$])\d{4,}\.\d{2}\b", text))
    profiles = load_profiles(REPO / "profiles")
    for persona in profiles.personas:
        results = compute(persona, profiles.plans)
        if results.plan is None or persona.savings_goal != "max":
            continue
        schedule = results["election_schedule"]
        room = results.value("elective_deferral_limit") + results.value("catch_up_limit")
        guide = next(text for path, text in pages.items() if f"# {persona.name}:" in text)
        assert f"| Deferrals these elections put in this year | {money(schedule.value['deferrals'])} |" in guide, persona.id
        if "next_plan_election_schedule" in results.figures:
            # a job change with the new plan in the profile: the new plan's elections take all the limit left
            assert results.value("next_plan_election_schedule")["deferrals"] == results.value("next_plan_deferral_limit")
        elif schedule.has("rounding_leaves_room"):
            assert "stays unused" in guide, persona.id
        else:  # never less than the room the page prints (a 457(b) or 403(b) may add a special catch-up on top)
            assert schedule.value["deferrals"] >= room and schedule.value["unused_deferral_room"] == 0, persona.id
