"""Recommended payroll elections and the after-tax (mega backdoor) space.

Every expected number is worked by hand in the comment beside its case, from the 2026 IRS
figures (Notice 2025-67: 402(g) 24,500, age-50 catch-up 8,000, 60-63 catch-up 11,250, 415(c)
72,000, 401(a)(17) 360,000, Roth catch-up wage threshold 150,000). Payrolls are built directly;
a few cases go end to end through `compute`.

The base payroll: plan pay 200,000, 26 paychecks, whole-percent elections, match 100% of the
first 3% + 50% of the next 2% (full match 3% × 200,000 + 50% × 2% × 200,000 = 6,000 + 2,000 = 8,000),
paid per paycheck with no true-up, and payroll stops deferrals at the limit.

Goal max reaches the whole deferral room. When a whole-step election leaves room: if one step more
on every paycheck loses no match (payroll stops at the limit after the last matched paycheck), the
election is that step more ("round up"); otherwise the election stays and the last paycheck takes
a larger one ("last-paycheck change"). Per paycheck pay is 200,000 ÷ 26 = 7,692.31, and the match
on one paycheck is 8,000 ÷ 26 = 307.69.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from generator.compute import compute
from generator.profiles import MatchTier, Persona, Plan
from generator.rules.elections import after_tax_space, elections_for_the_year, max_deferral_pct, recommended_elections
from generator.rules.payroll import Payroll

D = Decimal
ZERO = D(0)
SAFE_HARBOR = [MatchTier(rate_pct=D(100), up_to_pct=D(3)), MatchTier(rate_pct=D(50), up_to_pct=D(5))]


def payroll(**changes) -> Payroll:
    base = Payroll(
        compensation=D(200000), plan_compensation=D(200000), paychecks=26, increment_pct=D(1),
        max_total_pct=D(100), deferral_room=D(24500), catch_up_room=ZERO, annual_additions_limit=D(72000),
        tiers=SAFE_HARBOR, match_per_paycheck=True, true_up=False, matches_after_tax=False, nonelective=ZERO,
        roth_offered=True, after_tax_offered=False, after_tax_max_pct=None, roth_catch_up_required=False)
    return replace(base, **changes)


def pay(amount: int | str) -> dict:
    return {"compensation": D(amount), "plan_compensation": D(amount)}


def elect(p: Payroll, goal="max", now=D(32), retirement=D(24)) -> dict:
    return recommended_elections(p, goal=goal, rate_now=now, rate_retirement=retirement, capture_pct=D(5)).value


def pcts(pre, roth, after=0) -> dict:
    return {"pre_tax_pct": D(pre), "roth_pct": D(roth), "after_tax_pct": D(after)}


# ----------------------------------------------------------------------------- goal: max

MAX_CASES = [
    # (payroll changes, rate now, rate in retirement) -> elections
    # 24,500 / 200,000 = 12.25% → 12% (24,000); 13% would stop after 24 full paychecks + 500 (6.5%) and leave the
    # 26th unmatched (307.69 lost), so 12% stays with a last-paycheck change; 32 > 24: pre-tax
    ({}, D(32), D(24), pcts(12, 0)),
    ({}, D(22), D(24), pcts(0, 12)),             # 22 < 24: Roth
    ({}, D(24), D(24), pcts(6, 6)),              # equal rates: half and half
    ({}, None, None, pcts(6, 6)),                # rates not given: half and half
    ({}, D(32), None, pcts(6, 6)),               # one rate missing: half and half
    (pay(180000), None, None, pcts(6, 7)),       # 24,500 / 180,000 = 13.6% → 13; half 6.5 rounds down to 6, Roth 7
    ({"roth_offered": False}, D(22), D(24), pcts(12, 0)),   # no Roth in the plan: pre-tax whatever the rates
    # 24,500 / 85,000 = 28.8% → 28%; 29% of 3,269.23 = 948.08 a paycheck: 25 × 948.08 = 23,701.92, the 26th
    # gets the last 798.08 (24.4% ≥ 5%): every paycheck matched, so round up to 29% and payroll stops at 24,500
    (pay(85000), D(32), D(24), pcts(29, 0)),
    (pay(175000), D(32), D(24), pcts(14, 0)),    # 24,500 / 175,000 = exactly 14%
    ({"increment_pct": D("0.25")}, D(32), D(24), pcts("12.25", 0)),   # quarter-% steps: exactly 12.25%
    # half-% steps: 12.25 → 12.0; 12.5% = 961.54 a paycheck, 25 × = 24,038.46, the 26th gets 461.54 (6% ≥ 5%):
    # nothing lost, so 12.5
    ({"increment_pct": D("0.5")}, D(32), D(24), pcts("12.5", 0)),
    ({"increment_pct": D("0.5"), **pay(196000)}, D(32), D(24), pcts("12.5", 0)),  # 24,500 / 196,000 = 12.5%
    ({"max_total_pct": D(10)}, D(32), D(24), pcts(10, 0)),          # the plan's 10% cap binds before 12%
    ({"deferral_room": D(14500)}, D(32), D(24), pcts(7, 0)),         # 10,000 at an old job: 14,500 / 200,000 = 7.25% → 7
    ({"deferral_room": ZERO}, D(32), D(24), pcts(0, 0)),             # old job used the whole limit, under 50
    ({"catch_up_room": D(8000)}, D(32), D(24), pcts(16, 0)),         # 32,500 / 200,000 = 16.25% → 16 (32,000)
    # 35,750 / 200,000 = 17.875% → 17; 18% = 1,384.62 a paycheck, 25 × = 34,615.38, the 26th gets 1,134.62
    # (14.75% ≥ 5%): nothing lost → 18
    ({"catch_up_room": D(11250)}, D(32), D(24), pcts(18, 0)),
    # only 2,500 catch-up left: 1.25% → 1; 2% = 153.85 a paycheck stops in the 17th paycheck, but the match
    # is 100% of the first 3%, so per-paycheck match = 153.85 each = 2,500 in all = the trued-up match: round up to 2
    ({"deferral_room": ZERO, "catch_up_room": D(2500)}, D(32), D(24), pcts(2, 0)),
]


@pytest.mark.parametrize("changes, now, retirement, expected", MAX_CASES, ids=[
    "pre-tax-when-rate-now-higher", "roth-when-rate-now-lower", "split-when-rates-equal", "split-when-rates-unknown",
    "split-when-one-rate-unknown", "odd-split-rounds-pre-tax-down", "no-roth-plan-all-pre-tax",
    "whole-percent-rounds-down", "exact-percent-no-rounding", "quarter-percent-steps", "half-percent-steps-round-down",
    "half-percent-steps-exact", "plan-total-cap-binds", "old-job-deferrals-shrink-election", "old-job-used-all-room",
    "age-50-catch-up-on-top", "age-60-63-catch-up-on-top", "only-catch-up-room-left",
])
def test_goal_max_elections(changes, now, retirement, expected):
    assert elect(payroll(**changes), "max", now, retirement) == expected


SCHEDULE_CASES = [
    # (payroll changes) -> method, last paychecks, last-paycheck deferral %, deferrals, unused, match lost by rounding up
    # 12% = 923.08 a paycheck; 25 × = 23,076.92; the last paycheck needs 24,500 − 23,076.92 = 1,423.08 =
    # 18.5% of 7,692.31 → 19% and payroll stops at the limit; 13% instead loses the 26th paycheck's 307.69
    ({}, "last_paycheck_change", 1, D(19), D(24500), D(0), D("307.69")),
    # payroll does not stop at the limit: the last election rounds DOWN to 18% = 1,384.62 →
    # 23,076.92 + 1,384.62 = 24,461.54, leaving 38.46 (under one step of one paycheck); rounding up is not offered
    ({"stops_at_limit": False}, "last_paycheck_change", 1, D(18), D("24461.54"), D("38.46"), D(0)),
    # match on the year's total (no front-loading loss): 13% on every paycheck, payroll stops at 24,500
    ({"match_per_paycheck": False}, "round_up", 0, D(13), D(24500), D(0), D(0)),
    # a true-up: the same
    ({"true_up": True}, "round_up", 0, D(13), D(24500), D(0), D(0)),
    # 14% of 175,000 = 24,500 exactly: nothing to fill
    (pay(175000), "every_paycheck_the_same", 0, D(14), D(24500), D(0), D(0)),
]


@pytest.mark.parametrize("changes, method, k, last_pct, deferrals, unused, lost_up", SCHEDULE_CASES, ids=[
    "per-paycheck-match-last-paycheck-change", "no-payroll-stop-rounds-last-down", "annual-match-rounds-up",
    "true-up-rounds-up", "exact-percent-nothing-to-fill",
])
def test_election_schedule_uses_the_whole_room(changes, method, k, last_pct, deferrals, unused, lost_up):
    _, schedule, _ = elections_for_the_year(payroll(**changes), goal="max", rate_now=D(32), rate_retirement=D(24),
                                            capture_pct=D(5))
    v = schedule.value
    assert (v["method"], v["last_paychecks"], v["last_paycheck_deferral_pct"]) == (method, k, last_pct)
    assert (v["deferrals"], v["unused_deferral_room"], v["match_lost_if_rounded_up"]) == (deferrals, unused, lost_up)


def test_dollar_elections_reach_the_room_to_the_cent():
    # 190,000 pay, dollar elections: 7,307.69 a paycheck. The search in hundredths of a percent gives
    # 12.89% (24,491.00 of 24,500); per paycheck 12.89% × 7,307.6923 = 941.96; the last paycheck takes the
    # 9.00 left on top: 950.96. 25 × 941.9615 + 950.9615 = 24,500.00: no room unused.
    _, schedule, _ = elections_for_the_year(payroll(**pay(190000), unit="dollar", increment_pct=D("0.01")),
                                            goal="max", rate_now=D(32), rate_retirement=D(24), capture_pct=D(5))
    v = schedule.value
    assert (v["per_paycheck_deferral"], v["last_paycheck_deferral"]) == (D("941.96"), D("950.96"))
    assert (v["deferrals"], v["unused_deferral_room"]) == (D(24500), D(0))


def test_job_change_year_never_rounds_up_past_the_room():
    # 10,000 deferred elsewhere: room 14,500 here, but this plan's payroll stops only at its own 24,500.
    # 14,500 / 200,000 = 7.25% → 7% (538.46 a paycheck); the last paycheck needs 538.46 + 500 = 1,038.46 =
    # 13.5% of 7,692.31: rounded DOWN to 13% (1,000) since payroll will not stop at 14,500 → 14,461.54, 38.46 unused
    _, schedule, _ = elections_for_the_year(payroll(deferral_room=D(14500), plan_deferral_cap=D(24500)), goal="max",
                                            rate_now=D(32), rate_retirement=D(24), capture_pct=D(5))
    assert (schedule.value["last_paycheck_deferral_pct"], schedule.value["deferrals"]) == (D(13), D("14461.54"))


# ----------------------------------------------------------------------------- 415(c) on low pay

LOW_PAY_CASES = [
    # 25,000 pay, under 50, 415(c) = 100% of pay = 25,000; match 100% up to 6% = 1,500 at any election ≥ 6%.
    # 24,500 / 25,000 = 98%, but 24,500 + 1,500 = 26,000 > 25,000: largest d with 250·d + 1,500 ≤ 25,000 is 94%.
    ({"tiers": [MatchTier(rate_pct=D(100), up_to_pct=D(6))], **pay(25000), "annual_additions_limit": D(25000)},
     D(94)),
    # 25,000 pay, 10% nonelective = 2,500 and no match: 250·d + 2,500 ≤ 25,000 → d ≤ 90%.
    ({"tiers": [], **pay(25000), "annual_additions_limit": D(25000), "nonelective": D(2500)}, D(90)),
    # 40,000 pay: 24,500 / 40,000 = 61.25% → 61% = 24,400; match 1,200 + 400 = 1,600; 26,000 ≤ 40,000 fits.
    ({**pay(40000), "annual_additions_limit": D(40000)}, D(61)),
    # Catch-up age: deferrals over 415(c) are catch-up too (Treas. Reg. 1.414(v)-1(b)(1)(i)). The nonelective
    # case above with 8,000 catch-up room: 98% (24,500 = the 402(g) room, 250 × 98) + 2,500 = 27,000, over
    # 415(c) by 2,000 ≤ 8,000 of catch-up: fits. 99% = 24,750 is over 402(g) by 250, and 24,750 + 2,500 is
    # over 415(c) by 2,250: 2,250 of catch-up covers both, so 99% fits; 100% = 25,000: 2,500 ≤ 8,000, fits.
    ({"tiers": [], **pay(25000), "annual_additions_limit": D(25000), "nonelective": D(2500),
      "catch_up_room": D(8000)}, D(100)),
    # The same with 1,000 of catch-up room: d% with 250·d + 2,500 − 25,000 ≤ 1,000 → d ≤ 94%.
    ({"tiers": [], **pay(25000), "annual_additions_limit": D(25000), "nonelective": D(2500),
      "catch_up_room": D(1000)}, D(94)),
]


@pytest.mark.parametrize("changes, top", LOW_PAY_CASES, ids=[
    "415c-100pct-of-pay-trims-deferral-with-match", "415c-100pct-of-pay-trims-deferral-with-nonelective",
    "415c-100pct-of-pay-not-binding", "catch-up-age-defers-past-415c-by-the-catch-up",
    "catch-up-age-defers-past-415c-by-no-more-than-the-catch-up"])
def test_low_pay_415c_limits_the_deferral(changes, top):
    assert max_deferral_pct(payroll(**changes)) == top


# ----------------------------------------------------------------------------- goal: match, a percent

GOAL_CASES = [
    # (payroll changes, goal) -> elections; rates 32 > 24 so pre-tax
    ({}, "match", pcts(5, 0)),                                                   # capture at 5%
    ({"after_tax_offered": True}, "match", pcts(5, 0)),                          # match goal puts nothing after-tax
    ({"deferral_room": D(4000)}, "match", pcts(2, 0)),                           # room only 4,000 = 2%: capped at top
    ({}, D(8), pcts(8, 0)),                                                      # 8% of pay, within 12%
    ({}, D("8.7"), pcts(8, 0)),                                                  # rounds down to 8
    ({}, D(3), pcts(5, 0)),                                                      # below the match: raised to 5 (match first)
    ({}, D(30), pcts(12, 0)),                                                    # above the deferral room: 12 and no after-tax
    # after-tax plan with a 15% after-tax cap: at 12% the largest after-tax is 15% (see the after-tax table)
    ({"after_tax_offered": True, "after_tax_max_pct": D(15)}, D(30), pcts(12, 0, 15)),   # min(15, 30 − 12 = 18)
    ({"after_tax_offered": True, "after_tax_max_pct": D(15)}, D(20), pcts(12, 0, 8)),    # min(15, 20 − 12 = 8)
    ({"after_tax_offered": True, "after_tax_max_pct": D(15)}, D("7.5"), pcts(7, 0, 0)),  # 7.5 → 7, nothing left over
]


@pytest.mark.parametrize("changes, goal, expected", GOAL_CASES, ids=[
    "goal-match-captures-at-5", "goal-match-no-after-tax", "goal-match-capped-by-room",
    "goal-8pct", "goal-rounds-down", "goal-below-match-raised-to-capture", "goal-above-room-capped",
    "goal-30-fills-after-tax-to-cap", "goal-20-after-tax-is-the-rest", "goal-7-5-all-deferral",
])
def test_goal_elections(changes, goal, expected):
    assert elect(payroll(**changes), goal) == expected


def test_goal_match_uses_matched_after_tax_money_when_deferral_room_is_short():
    # 20,500 deferred at an old job: room 4,000 = 2% of 200,000. The plan matches after-tax money,
    # so 2% deferral + 3% after-tax = 5% matched earns the whole 8,000 (2% alone earns 4,000).
    p = payroll(deferral_room=D(4000), after_tax_offered=True, matches_after_tax=True)
    assert elect(p, "match") == pcts(2, 0, 3)


@pytest.mark.parametrize("increment, capture", [
    (D(1), D(5)),        # a 4.5% capture point rounds UP to 5 in whole steps (4% would miss some match)
    (D("0.5"), D("4.5")),
], ids=["capture-4-5-rounds-up-to-5", "capture-4-5-in-half-steps"])
def test_goal_match_rounds_capture_up(increment, capture):
    p = payroll(increment_pct=increment)
    figure = recommended_elections(p, goal="match", rate_now=D(32), rate_retirement=D(24), capture_pct=D("4.5"))
    assert figure.value == pcts(capture, 0)


# ----------------------------------------------------------------------------- Roth catch-up

ROTH_CATCH_UP_CASES = [
    # 55, catch-up 8,000, Roth catch-up required: top 16% = 32,000 (32,500 / 200,000 = 16.25%).
    # Pre-tax stops at floor(24,500 / 200,000 = 12.25%) = 12% = 24,000; Roth 4% = 8,000 ≥ the 7,500 above 24,500.
    (dict(catch_up_room=D(8000), roth_catch_up_required=True), D(32), D(24), pcts(12, 4), True),
    # Same, not required (2025 transition): all 16% pre-tax
    (dict(catch_up_room=D(8000)), D(32), D(24), pcts(16, 0), False),
    # Required but Roth preferred anyway: all Roth, no change needed
    (dict(catch_up_room=D(8000), roth_catch_up_required=True), D(22), D(24), pcts(0, 16), False),
    # Required, rates equal: 8 / 8, pre-tax 8 ≤ 12 already
    (dict(catch_up_room=D(8000), roth_catch_up_required=True), None, None, pcts(8, 8), False),
    # 61: 35,750 / 200,000 = 17.875% → 17, rounded up to 18 (no match lost: see MAX_CASES); pre-tax 12 (24,000),
    # Roth 6 (payroll stops at 35,750: 11,750 Roth ≥ the 11,250 catch-up part)
    (dict(catch_up_room=D(11250), roth_catch_up_required=True), D(32), D(24), pcts(12, 6), True),
    # Required and the plan has no Roth: the catch-up room is 0 (catch_up_limit), all 12% pre-tax
    (dict(catch_up_room=ZERO, roth_catch_up_required=True, roth_offered=False), D(32), D(24), pcts(12, 0), False),
    # Old job used all regular room: 2,500 catch-up left, 1.25% → 1, rounded up to 2 (see MAX_CASES); all Roth
    (dict(deferral_room=ZERO, catch_up_room=D(2500), roth_catch_up_required=True), D(32), D(24), pcts(0, 2), True),
    # 415(c) binds first: pay 360,000, nonelective 54,000, no match. Deferrals past 72,000 − 54,000 = 18,000 are
    # catch-up (Treas. Reg. 1.414(v)-1(b)(1)(i)). 9% = 32,400: catch-up max(7,900, 14,400) → 8,000, counted 24,400
    # + 54,000 > 72,000; 8% = 28,800: counted 20,800, over; 7% = 25,200: catch-up 7,200, counted 18,000, fits.
    # Pre-tax stops at floor(18,000 / 360,000 = 5%) = 5%, not at 402(g)'s 6% (21,600 would be 3,600 of catch-up):
    # 5% + 2% Roth.
    (dict(**pay(360000), tiers=[], nonelective=D(54000), catch_up_room=D(8000), roth_catch_up_required=True),
     D(32), D(24), pcts(5, 2), True),
]


@pytest.mark.parametrize("changes, now, retirement, expected, made_roth", ROTH_CATCH_UP_CASES, ids=[
    "roth-catch-up-makes-catch-up-part-roth", "transition-year-all-pre-tax", "roth-preferred-already-roth",
    "split-under-regular-limit-unchanged", "60-63-catch-up-part-roth", "no-roth-plan-no-catch-up-all-pre-tax",
    "only-catch-up-left-all-roth", "catch-up-past-415c-made-roth",
])
def test_roth_catch_up_rule_in_elections(changes, now, retirement, expected, made_roth):
    figure = recommended_elections(payroll(**changes), goal="max", rate_now=now, rate_retirement=retirement,
                                   capture_pct=D(5))
    assert figure.value == expected
    assert figure.has("catch_up_made_roth") is made_roth


# ----------------------------------------------------------------------------- after-tax space

AFTER_TAX = {"after_tax_offered": True}
AFTER_TAX_CASES = [
    # (payroll changes) -> after-tax space (dollars), after-tax election with goal max (whole %)
    # The deferrals fill the whole room, 24,500 (12% + a last-paycheck change); match 8,000.
    # 72,000 − 24,500 − 8,000 = 39,500; plan cap 15% = 30,000; total cap 75% = 150,000 − 24,500 → 30,000; 15%.
    ({**AFTER_TAX, "after_tax_max_pct": D(15), "max_total_pct": D(75)}, D(30000), D(15)),
    # No plan caps: 39,500; election 39,500 / 2,000 = 19.75% → 19%.
    ({**AFTER_TAX}, D(39500), D(19)),
    # Plan total cap 25% = 50,000 − 24,500 = 25,500 (binds); 12.75% → 12% (and 25 − 12 = 13% a paycheck allows it).
    ({**AFTER_TAX, "max_total_pct": D(25)}, D(25500), D(12)),
    # Nonelective 3% = 6,000: 72,000 − 24,500 − 8,000 − 6,000 = 33,500; election 16.75% → 16%.
    ({**AFTER_TAX, "nonelective": D(6000)}, D(33500), D(16)),
    # 55, catch-up 8,000: top 16% = 32,000, only 24,500 counts (414(v)(3)(A)): 72,000 − 24,500 − 8,000 = 39,500;
    # election 39,500 / 2,000 = 19.75% → 19%.
    ({**AFTER_TAX, "catch_up_room": D(8000)}, D(39500), D(19)),
    # Old job left 4,000 of room: top 2% = 4,000, match at 2% = 4,000: 72,000 − 4,000 − 4,000 = 64,000; 32%.
    ({**AFTER_TAX, "deferral_room": D(4000)}, D(64000), D(32)),
    # Same, but the plan matches after-tax money: the match is counted whole, 8,000:
    # 72,000 − 4,000 − 8,000 = 60,000; election: 2% + x ≥ 5% earns 8,000 → 2,000·x ≤ 60,000 → 30%.
    ({**AFTER_TAX, "deferral_room": D(4000), "matches_after_tax": True}, D(60000), D(30)),
    # 40,000 pay, 415(c) 40,000: deferrals 24,500 (61.25% → 62%, payroll stops: no match lost), match 1,600:
    # 40,000 − 24,500 − 1,600 = 13,900; total cap 100% − 24,500 = 15,500 → 13,900; 34.75% → 34%.
    ({**AFTER_TAX, **pay(40000), "annual_additions_limit": D(40000)}, D(13900), D(34)),
    # 25,000 pay, match 100% up to 6%: 415(c) already full at 94% (23,500 + 1,500): no after-tax room.
    ({**AFTER_TAX, **pay(25000), "annual_additions_limit": D(25000), "tiers": [MatchTier(rate_pct=D(100), up_to_pct=D(6))]},
     D(0), D(0)),
    # The plan takes no after-tax money.
    ({}, D(0), D(0)),
    # After-tax cap 0% of pay: nothing.
    ({**AFTER_TAX, "after_tax_max_pct": D(0)}, D(0), D(0)),
]


@pytest.mark.parametrize("changes, space, election", AFTER_TAX_CASES, ids=[
    "after-tax-cap-binds", "415c-room-binds", "plan-total-cap-binds", "nonelective-shrinks-space",
    "catch-up-does-not-shrink-space", "small-deferral-room-more-space", "matched-after-tax-counts-full-match",
    "low-pay-415c-100pct", "low-pay-415c-already-full", "no-after-tax-in-plan", "after-tax-cap-zero",
])
def test_after_tax_space_and_election(changes, space, election):
    p = payroll(**changes)
    assert after_tax_space(p).value == space
    assert elect(p)["after_tax_pct"] == election


# The seeds' formula: 415(c) − the full deferral room − employer money (12,500 here as nonelective, no match,
# no plan caps), on pay of 150,000 where whole percents alone would leave deferral room unused.
@pytest.mark.parametrize("year_limits, space", [
    # 2018: 55,000 − 18,500 − 12,500 = 24,000 (18,500 / 150,000 = 12.33%: 12% alone would give 24,500)
    ((D(18500), D(55000)), D(24000)),
    # 2020: 57,000 − 19,500 − 12,500 = 25,000 (13%: exact)
    ((D(19500), D(57000)), D(25000)),
    # 2024: 69,000 − 23,000 − 10,000 = 36,000, with employer money 10,000
    ((D(23000), D(69000)), D(36000)),
], ids=["2018-seed", "2020-seed", "2024-seed"])
def test_after_tax_space_seed_examples(year_limits, space):
    room, additions = year_limits
    employer = D(10000) if additions == D(69000) else D(12500)
    p = payroll(**pay(150000), deferral_room=room, annual_additions_limit=additions, tiers=[], nonelective=employer,
                after_tax_offered=True)
    assert after_tax_space(p).value == space
    _, schedule, found = elections_for_the_year(p, goal="max", rate_now=D(32), rate_retirement=D(24), capture_pct=D(0))
    assert schedule.value["deferrals"] == room and found.value == space


@pytest.mark.parametrize("changes, binding, space", [
    # Grace-like: 48,000 pay over 10 paychecks, 55 (catch-up 8,000), after-tax cap 15%, total cap 75%.
    # Deferrals 32,500; 415(c) 48,000 − 24,500 − match 1,920 (3% + 50% × 2% of 48,000) = 21,580;
    # after-tax cap 15% = 7,200; total cap 75% = 36,000 − 32,500 = 3,500 → the total cap binds: 3,500
    ({**pay(48000), "paychecks": 10, "annual_additions_limit": D(48000), "catch_up_room": D(8000),
      "after_tax_offered": True, "after_tax_max_pct": D(15), "max_total_pct": D(75)}, "total_cap_binding", D(3500)),
    # 200,000 pay, after-tax cap 15% = 30,000 < 39,500 of 415(c) room: the after-tax cap binds
    ({"after_tax_offered": True, "after_tax_max_pct": D(15), "max_total_pct": D(75)}, "plan_cap_binding", D(30000)),
    # no caps: 415(c) binds, no flag
    ({"after_tax_offered": True}, None, D(39500)),
], ids=["total-cap-binds", "after-tax-cap-binds", "415c-binds"])
def test_after_tax_space_names_the_binding_cap(changes, binding, space):
    figure = after_tax_space(payroll(**changes))
    assert figure.value == space
    assert figure.flags == (frozenset({binding}) if binding else frozenset())


def test_after_tax_election_never_breaks_415c():
    # No caps, 3% nonelective (6,000), 60-63 catch-up 11,250. Deferrals 35,750 (18%, see MAX_CASES), counted
    # 24,500 (rest catch-up); match 8,000; nonelective 6,000: 72,000 − 24,500 − 8,000 − 6,000 = 33,500 → 16.75% → 16%.
    p = payroll(after_tax_offered=True, catch_up_room=D(11250), nonelective=D(6000))
    assert elect(p) == pcts(18, 0, 16)
    # 24,500 + 8,000 + 6,000 + 32,000 = 70,500 ≤ 72,000; 17% more would be 72,500 > 72,000
    assert after_tax_space(p).value == D(33500)


# ----------------------------------------------------------------------------- end to end

ACME = {
    "id": "p", "name": "Acme-like plan", "pay_periods": 26,
    "contributions": {"roth": True, "after_tax": True, "after_tax_max_pct": D(15), "max_total_pct": D(75)},
    "match": {"tiers": [{"rate_pct": D(100), "up_to_pct": D(3)}, {"rate_pct": D(50), "up_to_pct": D(5)}]},
}


def _persona(birth: date, salary: Decimal, **extra) -> Persona:
    pay = {"salary": salary, **extra.pop("pay", {})}
    return Persona.model_validate({"id": "t", "name": "Test", "tax_year": 2026, "birth_date": birth, "plan": "p",
                                   "pay": pay, **extra})


def test_compute_61_roth_catch_up_end_to_end():
    # 2026, born 1965: 61 → catch-up 11,250; last year's wages 176,500 > 150,000 → catch-up must be Roth.
    # Room 24,500 + 11,250 = 35,750; 35,750 / 185,000 = 19.3% → 19% (35,150); counted 24,500 for 415(c).
    # Match at 19%: 3% × 185,000 = 5,550 + 50% × 3,700 = 1,850 → 7,400.
    # Pre-tax preferred (32 > 24) but stops at floor(24,500 / 185,000 = 13.2%) = 13%; Roth 6%.
    # After-tax: cap 15% (27,750), total cap 75 − 19 = 56%; 415(c): 24,500 + 7,400 + 27,750 = 59,650 ≤ 72,000 → 15%.
    # Space: 72,000 − 24,500 − 7,400 = 40,100; min 27,750 (cap), 103,600 (56%) → 27,750.
    persona = _persona(date(1965, 2, 20), D(185000), pay={"prior_year_fica_wages": D(176500)},
                       tax={"marginal_rate_now": D(32), "marginal_rate_retirement": D(24)},
                       elections={"pre_tax_pct": D(15)})
    results = compute(persona, {"p": Plan.model_validate(ACME)})
    assert results.value("catch_up_limit") == D(11250)
    assert results.value("roth_catch_up_required") is True
    assert results.value("recommended_elections") == pcts(13, 6, 15)
    assert results.value("employer_match") == D(7400)
    assert results.value("after_tax_space") == D(27750)
    # 15% of 185,000 / 26 a check: 26 × 1,067.31 ≈ 27,750 < 35,750, never stops: nothing lost
    assert results.value("lost_match_from_front_loading") == 0


def test_compute_old_job_and_rates_unknown_end_to_end():
    # 2026, 36, 120,000 here, 10,000 deferred at an old job: room 14,500 → 12.08% → 12% (14,400); no catch-up.
    # Rates not given: half and half, 6 / 6. After-tax: top 12%, match 3,600 + 1,200 = 4,800 (5% capture);
    # 72,000 − 14,400 − 4,800 = 52,800; cap 15% = 18,000; total cap 63% = 75,600 → 18,000; election 15%.
    persona = _persona(date(1990, 5, 5), D(120000), pay={"other_deferrals_this_year": D(10000)})
    results = compute(persona, {"p": Plan.model_validate(ACME)})
    assert results.value("recommended_elections") == pcts(6, 6, 15)
    assert results.value("employer_match") == D(4800)
    assert results.value("after_tax_space") == D(18000)


def test_compute_low_pay_end_to_end():
    # 2026, 40, 25,000 pay; plan 100% match up to 6%, after-tax allowed, no caps.
    # 415(c) = 25,000 (100% of pay): 94% (23,500) + 1,500 match = 25,000; 95% would be 25,250. No after-tax room.
    plan = Plan.model_validate({"id": "p", "name": "Small plan", "pay_periods": 12,
                                "contributions": {"roth": True, "after_tax": True},
                                "match": {"tiers": [{"rate_pct": D(100), "up_to_pct": D(6)}]}})
    persona = _persona(date(1986, 1, 1), D(25000), tax={"marginal_rate_now": D(12), "marginal_rate_retirement": D(22)})
    results = compute(persona, {"p": plan})
    assert results.value("annual_additions_limit") == D(25000)
    assert results.value("recommended_elections") == pcts(0, 94, 0)   # 12 < 22: Roth
    assert results.value("employer_match") == D(1500)
    assert results.value("after_tax_space") == 0
