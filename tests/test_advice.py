"""Which actions, callouts and checklist items a guide gets: decided by the person's situation."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.advice import advise
from generator.compute import compute
from generator.profiles import load_profiles

EXAMPLES = load_profiles(Path(__file__).resolve().parent.parent / "profiles")


def advice_for(persona_id: str):
    persona = next(p for p in EXAMPLES.personas if p.id == persona_id)
    return advise(compute(persona, EXAMPLES.plans))


@pytest.mark.parametrize("persona, callout", [
    ("maya", "match_not_captured"),            # elects 3% Roth; Globex matches up to 6%
    ("priya", "front_loading"),                # 20% pre-tax at 360,000 hits 24,500 in paycheck 9 of 26
    ("sam", "excess_deferrals_over_limit"),    # 14,000 + 20% × 62,000 = 26,400 > 24,500
    ("linda", "roth_catch_up_required"),       # 2025 FICA wages 176,500 > 150,000
    ("javier", "pre_tax_ira_balance"),         # 40,000 pre-tax IRA money in a backdoor year
    ("javier", "ira_in_backdoor_year"),        # Initech's 120,000 pre-tax to an IRA would spoil the backdoor
    ("grace", "ira_before_rule_of_55"),        # leaves in the year she turns 55
    ("omar", "cash_out_early"),                # 45: a cash-out pays the 10% additional tax
    ("ken", "roth_over_the_limit"),            # MAGI 160,000: 4,000 of 7,500 directly to Roth
    ("dana", "assuming_a_deduction"),          # covered, MAGI 86,000: 3,750 of 7,500 deductible
], ids=lambda v: v if isinstance(v, str) else None)
def test_callouts_this_person_is_exposed_to(persona, callout):
    assert callout in advice_for(persona).callouts


@pytest.mark.parametrize("persona, callout", [
    ("robert", "match_not_captured"),        # 12% ≥ the 5% Acme matches
    ("maya", "after_tax_is_not_roth"),       # Globex takes no after-tax money
    ("dana", "excess_deferrals_two_jobs"),   # one employer all year
    ("robert", "ira_before_rule_of_55"),     # no old plan, not leaving
    ("priya", "pre_tax_ira_balance"),        # no IRA money
], ids=["match-captured", "no-after-tax-plan", "one-employer", "not-leaving", "clean-backdoor"])
def test_callouts_that_do_not_apply_are_left_out(persona, callout):
    assert callout not in advice_for(persona).callouts


def test_the_order_of_operations_puts_the_match_first_and_the_ira_after_the_pre_tax_roth_choice():
    # Linda: match, pre-tax/Roth, IRA (backdoor), rest of the deferral room, catch-up, after-tax
    assert advice_for("linda").actions == (
        "capture_match", "choose_pre_tax_roth", "ira", "fill_deferrals", "catch_up", "mega_backdoor")


def test_no_plan_still_gets_ira_and_old_plan_advice():
    elena = advice_for("elena")
    assert elena.actions == ("no_plan", "ira")
    assert elena.checklists["payroll"] == () and "ira_deadline" in elena.checklists["year_end"]


def test_leavers_get_the_rollover_checklist_and_after_tax_money_the_two_part_split():
    assert "ask_split_checks" in advice_for("javier").checklists["rollover"]   # Initech holds after-tax money
    assert "ask_split_checks" not in advice_for("omar").checklists["rollover"]
    assert advice_for("robert").checklists["rollover"] == ()
