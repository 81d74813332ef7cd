"""compute(): the rules wired together for one persona, on cases that cross rule boundaries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from generator.compute import compute
from generator.profiles import Persona, Plan

PLAN = Plan.model_validate({
    "id": "p", "name": "Plan", "pay_periods": 24, "contributions": {"roth": True},
    "match": {"tiers": [{"rate_pct": D(100), "up_to_pct": D(4)}, {"rate_pct": D(50), "up_to_pct": D(6)}]}})


def persona(**changes) -> Persona:
    data = {"id": "x", "name": "X", "tax_year": 2026, "birth_date": date(1991, 8, 3), "plan": "p",
            "pay": {"salary": D(62000), "other_deferrals_this_year": D(14000), "paychecks_this_year": 12},
            "elections": {"pre_tax_pct": D(20)}, "tax": {"marginal_rate_now": D(22)}}
    data.update(changes)
    return Persona.model_validate(data)


def test_a_new_employers_payroll_does_not_stop_at_the_room_left_by_the_old_job():
    # 2026, 14,000 deferred at the old job: 24,500 − 14,000 = 10,500 of room. At 20% of 62,000 = 12,400 the
    # new payroll (which only knows its own deferrals, capped at 24,500) never stops, so all 12 paychecks are
    # matched: nothing lost to front-loading. But 14,000 + 12,400 = 26,400 is 1,900 over the limit.
    results = compute(persona(), {"p": PLAN})
    assert results.value("lost_match_from_front_loading") == 0
    assert results.value("excess_deferrals") == D(1900)
    assert results.value("elective_deferral_limit") == D(10500)


@pytest.mark.parametrize("separation, paychecks", [
    (date(2026, 5, 29), 10),   # day 149 of 365: 26 × 149 / 365 = 10.6 → 10
    (date(2026, 12, 31), 26),  # the whole year
    (date(2026, 1, 2), 1),     # 26 × 2 / 365 = 0.14 → at least one paycheck
], ids=["leaves-end-of-may", "leaves-on-dec-31", "leaves-in-the-first-week"])
def test_someone_leaving_is_paid_until_the_separation_date(separation, paychecks):
    plan = Plan.model_validate({"id": "p", "name": "Plan", "pay_periods": 26})
    leaver = persona(pay={"salary": D(48000)}, job_change={"separation_date": separation})
    results = compute(leaver, {"p": plan})
    assert results.payroll.paychecks == paychecks
    assert "paychecks_until_separation" in results.estimates


def test_rolling_an_old_plan_to_an_ira_in_a_backdoor_year_costs_the_pro_rata_difference():
    from generator.profiles import load_profiles
    from pathlib import Path
    examples = load_profiles(Path(__file__).resolve().parent.parent / "profiles")
    javier = next(p for p in examples.personas if p.id == "javier")
    (_, initech), = compute(javier, examples.plans).leaving
    # Form 8606 without the rollover: basis 7,500; Dec 31 value 40,000; 7,500 × 7,500 / 47,500 = 1,184.21
    # tax-free, 6,315.79 taxable. Rolling Initech's 120,000 pre-tax + 4,000 after-tax earnings (pre-tax too)
    # to an IRA: 7,500 × 7,500 / 171,500 = 327.99 tax-free, 7,172.01 taxable: 856.22 more taxable income.
    assert initech.backdoor_effect.value == D("856.22")
    assert initech.sources["pre_tax"].recommendation.value != "ira"
