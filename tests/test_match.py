"""Employer money: the tiered match formula, the match capture percent, nonelective money and the
match lost to front-loading in a plan that matches each paycheck without a true-up.

Every expected number is worked by hand in the comment beside its case. Payrolls are built
directly (generator/rules/payroll.py); limits in them are the 2026 IRS figures (Notice 2025-67:
402(g) 24,500, age-50 catch-up 8,000, 415(c) 72,000, 401(a)(17) 360,000).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from generator.compute import compute
from generator.profiles import MatchTier, Persona, Plan
from generator.rules.elections import employer_match_pct
from generator.rules.match import employer_match, employer_nonelective, lost_match_from_front_loading, match_capture_pct
from generator.rules.payroll import Payroll, match_on

D = Decimal
ZERO = D(0)


def tiers(*pairs) -> list[MatchTier]:
    """(rate %, up to % of pay) pairs."""
    return [MatchTier(rate_pct=D(rate), up_to_pct=D(up_to)) for rate, up_to in pairs]


SAFE_HARBOR = tiers((100, 3), (50, 5))          # 100% of the first 3% + 50% of the next 2%
THREE_TIERS = tiers((100, 1), (50, 4), (25, 6))


def payroll(**changes) -> Payroll:
    base = Payroll(
        compensation=D(100000), plan_compensation=D(100000), paychecks=26, increment_pct=D(1),
        max_total_pct=D(100), deferral_room=D(24500), catch_up_room=ZERO, annual_additions_limit=D(72000),
        tiers=SAFE_HARBOR, match_per_paycheck=True, true_up=False, matches_after_tax=False, nonelective=ZERO,
        roth_offered=True, after_tax_offered=False, after_tax_max_pct=None, roth_catch_up_required=False)
    return replace(base, **changes)


# ----------------------------------------------------------------------------- the formula

MATCH_CASES = [
    # (tiers, plan pay, matched % of pay) -> yearly match
    (SAFE_HARBOR, D(100000), D(0), D(0)),              # nothing in, nothing matched
    (SAFE_HARBOR, D(100000), D(2), D(2000)),            # below the first tier: 100% × 2,000
    (SAFE_HARBOR, D(100000), D(3), D(3000)),            # at the first tier: 100% × 3,000
    (SAFE_HARBOR, D(100000), D(4), D(3500)),            # between: 3,000 + 50% × 1,000
    (SAFE_HARBOR, D(100000), D("4.5"), D(3750)),        # between: 3,000 + 50% × 1,500
    (SAFE_HARBOR, D(100000), D(5), D(4000)),            # at the last tier: 3,000 + 50% × 2,000
    (SAFE_HARBOR, D(100000), D(10), D(4000)),           # above: nothing more past 5%
    (tiers((50, 6)), D(85000), D(4), D(1700)),          # 50% × 4% × 85,000 = 50% × 3,400
    (tiers((50, 6)), D(85000), D(6), D(2550)),          # 50% × 5,100
    (tiers((50, 6)), D(85000), D(8), D(2550)),          # capped at 6%
    (THREE_TIERS, D(60000), D("2.5"), D(1050)),         # 600 + 50% × 1.5% × 60,000 (900) = 600 + 450
    (THREE_TIERS, D(60000), D(5), D(1650)),             # 600 + 50% × 1,800 + 25% × 600 = 600 + 900 + 150
    (THREE_TIERS, D(60000), D(6), D(1800)),             # 600 + 900 + 25% × 1,200 = 1,800
    (THREE_TIERS, D(60000), D(50), D(1800)),
    ([], D(100000), D(10), D(0)),                       # no match formula
    (SAFE_HARBOR, D(360000), D(6), D(14400)),           # pay at 401(a)(17): 10,800 + 50% × 7,200
    (SAFE_HARBOR, D(359999), D(6), D("14399.96")),      # 10,799.97 + 50% × 7,199.98 = 10,799.97 + 3,599.99
    (tiers((100, 6)), D("33333.33"), D(6), D(2000)),    # 1,999.9998 to the cent, half up: 2,000.00
]
MATCH_IDS = [
    "zero-contribution-no-match", "below-first-tier", "at-first-tier", "between-tiers", "between-tiers-half-pct",
    "at-last-tier", "above-last-tier-no-more", "single-tier-below", "single-tier-at", "single-tier-above",
    "three-tiers-in-second", "three-tiers-in-third", "three-tiers-at-top", "three-tiers-far-above", "no-match-formula",
    "pay-at-401a17", "pay-just-below-401a17", "rounds-to-the-cent",
]


@pytest.mark.parametrize("formula, pay, pct, expected", MATCH_CASES, ids=MATCH_IDS)
def test_employer_match_on_tiers(formula, pay, pct, expected):
    figure = employer_match(payroll(tiers=formula, plan_compensation=pay, compensation=pay), matched_pct=pct)
    assert figure.value == expected


@pytest.mark.parametrize("formula, pay, pct, expected", MATCH_CASES, ids=MATCH_IDS)
def test_match_on_dollars_agrees_with_the_percent_formula(formula, pay, pct, expected):
    # the per-paycheck helper works on dollars: the same bands in dollars of the same pay
    assert match_on(pay * pct / 100, pay, formula).quantize(D("0.01"), "ROUND_HALF_UP") == expected


@pytest.mark.parametrize("formula, expected", [
    (SAFE_HARBOR, D(5)),       # top of the last tier, 5%
    (tiers((50, 6)), D(6)),
    (THREE_TIERS, D(6)),
    (tiers((100, 4)), D(4)),
    ([], D(0)),                # no match: nothing to capture
], ids=["two-tiers-capture-at-5", "single-tier-capture-at-6", "three-tiers-capture-at-6", "simple-4",
        "no-match-capture-0"])
def test_match_capture_pct_is_the_top_of_the_last_tier(formula, expected):
    assert match_capture_pct(formula).value == expected


@pytest.mark.parametrize("matches_after_tax, expected", [
    (True, D(6)),    # 3 + 1 + 2
    (False, D(4)),   # 3 + 1; after-tax not matched
], ids=["after-tax-matched-counts", "after-tax-not-matched-left-out"])
def test_matched_share_of_pay(matches_after_tax, expected):
    elections = {"pre_tax_pct": D(3), "roth_pct": D(1), "after_tax_pct": D(2)}
    assert employer_match_pct(payroll(matches_after_tax=matches_after_tax), elections) == expected


@pytest.mark.parametrize("pay, pct, expected", [
    (D(100000), D(3), D(3000)),             # 3% × 100,000
    (D(360000), D(5), D(18000)),            # 5% × 360,000 (401(a)(17)-capped pay)
    (D(359999), D(5), D("17999.95")),       # 5% × 359,999
    (D(85000), D("2.5"), D(2125)),          # 2.5% × 85,000
    (D("33333.33"), D(3), D(1000)),         # 999.9999 to the cent, half up
    (D(85000), D(0), D(0)),                 # no nonelective money
], ids=["nonelective-3pct", "nonelective-at-401a17", "nonelective-just-below-401a17", "nonelective-fraction-pct",
        "nonelective-rounds-to-cent", "no-nonelective"])
def test_employer_nonelective(pay, pct, expected):
    assert employer_nonelective(plan_compensation=pay, nonelective_pct=pct).value == expected


# ----------------------------------------------------------------------------- front-loading

FRONT_LOADING_CASES = [
    # 240,000 over 24 paychecks = 10,000 a check; 100% match up to 4% = at most 400 a check.
    # 20% = 2,000 a check: checks 1-12 defer 24,000, check 13 the last 500, checks 14-24 nothing.
    # Paid: 12 × 400 + min(500, 400) = 5,200. Trued up: 4% × 240,000 = 9,600 (24,500 ≥ 9,600). Lost 4,400.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=tiers((100, 4))),
     D(20), ZERO, D(4400), True),
    # Same plan, but trued up at year end: nothing lost.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=tiers((100, 4)), true_up=True),
     D(20), ZERO, D(0), False),
    # Same plan, matched on the year's total: nothing lost.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=tiers((100, 4)),
          match_per_paycheck=False), D(20), ZERO, D(0), False),
    # No match formula at all.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=[]), D(20), ZERO, D(0), False),
    # 10% = 1,000 a check × 24 = 24,000 ≤ 24,500: never stops, 24 × 400 = 9,600 = trued up.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=tiers((100, 4))),
     D(10), ZERO, D(0), False),
    # 10.2% = 1,020 × 24 = 24,480 ≤ 24,500: spread over the year, never stops.
    (dict(plan_compensation=D(240000), compensation=D(240000), paychecks=24, tiers=tiers((100, 4))),
     D("10.2"), ZERO, D(0), False),
    # Tiered, 260,000 / 26 = 10,000 a check; 15% = 1,500 a check; match a check 300 + 50% × 200 = 400.
    # 24,500 / 1,500: checks 1-16 = 24,000, check 17 = 500 (match 300 + 100 = 400), 18-26 nothing.
    # Paid 17 × 400 = 6,800. Trued up on 24,500 of 260,000: 7,800 + 50% × 5,200 = 10,400. Lost 3,600.
    (dict(plan_compensation=D(260000), compensation=D(260000)), D(15), ZERO, D(3600), True),
    # Room 24,200 (300 deferred at an old job): check 17 defers only 200, matched 100% = 200.
    # Paid 16 × 400 + 200 = 6,600. Trued up on 24,200: still 10,400 (≥ 5% = 13,000). Lost 3,800.
    (dict(plan_compensation=D(260000), compensation=D(260000), deferral_room=D(24200)), D(15), ZERO, D(3800), True),
    # With an 8,000 catch-up the room is 32,500: checks 1-21 = 31,500, check 22 = 1,000 (match 400).
    # Paid 22 × 400 = 8,800; trued up 10,400; lost 1,600.
    (dict(plan_compensation=D(260000), compensation=D(260000), catch_up_room=D(8000)), D(15), ZERO, D(1600), True),
    # The plan matches after-tax money, 2% = 200 a check goes on all year.
    # Checks 1-16: 1,500 + 200 → 400; check 17: 500 + 200 → 400; checks 18-26: 200 → 100% × 200 = 200.
    # Paid 17 × 400 + 9 × 200 = 8,600. Trued up on 24,500 + 26 × 200 = 29,700: 10,400. Lost 1,800.
    (dict(plan_compensation=D(260000), compensation=D(260000), matches_after_tax=True), D(15), D(2), D(1800), True),
    # The same after-tax money in a plan that does not match it changes nothing: lost 3,600.
    (dict(plan_compensation=D(260000), compensation=D(260000)), D(15), D(2), D(3600), True),
    # 2% = 200 a check, far under the limit: 26 × 200 = 5,200 either way.
    (dict(plan_compensation=D(260000), compensation=D(260000)), D(2), ZERO, D(0), False),
    # No deferral election: nothing paid, nothing to true up.
    (dict(plan_compensation=D(260000), compensation=D(260000)), ZERO, ZERO, D(0), False),
]


@pytest.mark.parametrize("changes, deferral_pct, after_tax_pct, lost, flagged", FRONT_LOADING_CASES, ids=[
    "per-paycheck-no-true-up-loses-match", "true-up-loses-nothing", "annual-match-loses-nothing",
    "no-match-loses-nothing", "spread-over-all-paychecks-loses-nothing", "spread-just-under-limit-loses-nothing",
    "tiered-limit-reached-mid-year", "partial-last-deferral-below-first-tier", "catch-up-extends-the-year",
    "after-tax-matched-keeps-some-match", "after-tax-not-matched-no-help", "small-election-never-stops",
    "no-election-nothing-lost",
])
def test_lost_match_from_front_loading(changes, deferral_pct, after_tax_pct, lost, flagged):
    figure = lost_match_from_front_loading(payroll(**changes), deferral_pct=deferral_pct, after_tax_pct=after_tax_pct)
    assert figure.value == lost
    assert figure.has("front_loading") is flagged


def test_lost_match_is_never_negative_with_a_rising_tier_rate():
    # 240,000 / 24 = 10,000 a check; 22,500 deferred at an old job leaves 24,500 − 22,500 = 2,000 of room.
    # 4% = 400 a check: checks 1-5 defer 2,000, checks 6-24 nothing.
    # Per check: 50% × 200 (first 2%) + 100% × 200 (next 2%) = 300; paid 5 × 300 = 1,500.
    # On the year's total: 2,000 < 2% × 240,000 = 4,800, all in the first tier: 50% × 2,000 = 1,000.
    # A true-up would pay max(1,500, 1,000) = 1,500: nothing lost.
    p = payroll(plan_compensation=D(240000), compensation=D(240000), paychecks=24, deferral_room=D(2000),
                tiers=tiers((50, 2), (100, 4)))
    assert lost_match_from_front_loading(p, deferral_pct=D(4), after_tax_pct=ZERO).value == 0


def test_front_loading_counts_the_full_paychecks():
    # the worked tiered case above: 24,500 / 1,500 = 16.3, so 16 full paychecks before the limit bites
    figure = lost_match_from_front_loading(payroll(plan_compensation=D(260000), compensation=D(260000)),
                                           deferral_pct=D(15), after_tax_pct=ZERO)
    full = [step.amount for step in figure.steps if step.label.startswith("Paychecks with a full deferral")]
    assert full == [D(16)]


# ----------------------------------------------------------------------------- end to end

def _plan(**match) -> Plan:
    return Plan.model_validate({
        "id": "p", "name": "Test plan", "pay_periods": 26, "nonelective_pct": D(5),
        "match": {"tiers": [{"rate_pct": D(100), "up_to_pct": D(3)}, {"rate_pct": D(50), "up_to_pct": D(5)}],
                  **match}})


def _persona(salary: Decimal, **extra) -> Persona:
    return Persona.model_validate({"id": "t", "name": "Test", "tax_year": 2026, "birth_date": date(1986, 7, 1),
                                   "plan": "p", "pay": {"salary": salary}, **extra})


@pytest.mark.parametrize("salary, nonelective, match", [
    # 2026, age 40, no Roth: whole-% election is floor(24,500 / plan pay); match 100% of 3% + 50% of 2%
    (D(359999), D("17999.95"), D("14399.96")),   # 5% × 359,999; 6% election: 10,799.97 + 3,599.99
    (D(360000), D(18000), D(14400)),             # 5% × 360,000; 6%: 10,800 + 3,600
    (D(360001), D(18000), D(14400)),             # pay capped at 360,000: the same figures
    (D(500000), D(18000), D(14400)),
    (D(85000), D(4250), D(3400)),                # 5% × 85,000; 28% election ≥ 5%: 2,550 + 850
], ids=["e2e-pay-just-below-401a17", "e2e-pay-at-401a17", "e2e-pay-just-above-401a17", "e2e-pay-far-above-401a17",
        "e2e-ordinary-pay"])
def test_compute_employer_money_uses_capped_pay(salary, nonelective, match):
    results = compute(_persona(salary), {"p": _plan()})
    assert results.value("employer_nonelective") == nonelective
    assert results.value("employer_match") == match
    assert results.value("match_capture_pct") == D(5)


@pytest.mark.parametrize("match, lost", [
    ({}, D(3600)),                          # 260,000 / 26, 15% election: the tiered case worked above
    ({"true_up": True}, D(0)),
    ({"period": "annual"}, D(0)),
], ids=["e2e-per-paycheck-no-true-up-loses-3600", "e2e-true-up-loses-nothing", "e2e-annual-loses-nothing"])
def test_compute_lost_match(match, lost):
    persona = _persona(D(260000), elections={"pre_tax_pct": D(15)})
    assert compute(persona, {"p": _plan(**match)}).value("lost_match_from_front_loading") == lost


def test_compute_no_current_elections_no_lost_match():
    assert compute(_persona(D(260000)), {"p": _plan()}).value("lost_match_from_front_loading") == 0
