"""Workplace-plan limits for one person at one employer: 402(g), 414(v) catch-ups, the Roth
catch-up rule, 401(a)(17) and 415(c).

Every expected number is worked by hand from the law and the IRS figures (the IRS notice of each
year, as verified in shared/reference/irs_limits_2018_2026.yaml), never from generator/limits, so
a typo in a limits file fails here. The derivation is in the comment beside each case.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.compute import compute
from generator.limits import load_limits
from generator.profiles import Persona, Plan
from generator.rules.contributions import (
    age_on_dec_31,
    annual_additions_limit,
    catch_up_limit,
    elective_deferral_limit,
    plan_compensation,
    roth_catch_up_required,
)

D = Decimal
ZERO = D(0)


# ----------------------------------------------------------------------------- each tax year

# (year, 402(g), 414(v) age-50 catch-up, 60-63 catch-up or None, 415(c) dollar limit, 401(a)(17))
# typed from the IRS notice of each year (the reference YAML's `years:` table)
IRS_BY_YEAR = [
    (2018, D(18500), D(6000), None, D(55000), D(275000)),       # Notice 2017-64
    (2019, D(19000), D(6000), None, D(56000), D(280000)),       # Notice 2018-83
    (2020, D(19500), D(6500), None, D(57000), D(285000)),       # Notice 2019-59
    (2021, D(19500), D(6500), None, D(58000), D(290000)),       # Notice 2020-79
    (2022, D(20500), D(6500), None, D(61000), D(305000)),       # Notice 2021-61
    (2023, D(22500), D(7500), None, D(66000), D(330000)),       # Notice 2022-55
    (2024, D(23000), D(7500), None, D(69000), D(345000)),       # Notice 2023-75
    (2025, D(23500), D(7500), D(11250), D(70000), D(350000)),   # Notice 2024-80; 60-63: max(10,000, 150% × 7,500)
    (2026, D(24500), D(8000), D(11250), D(72000), D(360000)),   # Notice 2025-67; 60-63 unchanged
]
YEAR_IDS = [str(row[0]) for row in IRS_BY_YEAR]


@pytest.mark.parametrize("year, deferral, catch_up, catch_up_60_63, additions, comp_limit", IRS_BY_YEAR, ids=YEAR_IDS)
def test_402g_limit_each_year_with_no_other_deferrals(year, deferral, catch_up, catch_up_60_63, additions, comp_limit):
    # no deferrals elsewhere: the whole 402(g) limit is room here
    figure = elective_deferral_limit(load_limits(year), other_deferrals=ZERO)
    assert figure.value == deferral


@pytest.mark.parametrize("year, deferral, catch_up, catch_up_60_63, additions, comp_limit", IRS_BY_YEAR, ids=YEAR_IDS)
def test_catch_up_each_year_at_50_and_at_61(year, deferral, catch_up, catch_up_60_63, additions, comp_limit):
    limits = load_limits(year)
    common = dict(other_deferrals=ZERO, roth_required=False, plan_offers_roth=True)
    # 50 on Dec 31: the regular 414(v)(2)(B)(i) amount
    assert catch_up_limit(limits, age=50, **common).value == catch_up
    # 61 on Dec 31: the 60-63 amount from 2025 (414(v)(2)(E)), the age-50 amount before it
    expected_61 = catch_up_60_63 if catch_up_60_63 is not None else catch_up
    assert catch_up_limit(limits, age=61, **common).value == expected_61
    # 49 on Dec 31: none in any year
    assert catch_up_limit(limits, age=49, **common).value == 0


@pytest.mark.parametrize("year, deferral, catch_up, catch_up_60_63, additions, comp_limit", IRS_BY_YEAR, ids=YEAR_IDS)
def test_415c_dollar_limit_each_year_for_high_pay(year, deferral, catch_up, catch_up_60_63, additions, comp_limit):
    # pay 1,000,000 > the dollar limit: the dollar limit is the lesser (415(c)(1)(A))
    assert annual_additions_limit(load_limits(year), compensation=D(1_000_000)).value == additions


@pytest.mark.parametrize("year, deferral, catch_up, catch_up_60_63, additions, comp_limit", IRS_BY_YEAR, ids=YEAR_IDS)
def test_401a17_compensation_limit_each_year(year, deferral, catch_up, catch_up_60_63, additions, comp_limit):
    figure = plan_compensation(load_limits(year), salary=D(1_000_000))
    assert figure.value == comp_limit          # 1,000,000 capped at the year's 401(a)(17) limit
    assert figure.has("compensation_capped")


@pytest.mark.parametrize("year, required", [
    (2018, False), (2019, False), (2020, False), (2021, False), (2022, False), (2023, False),  # no rule before SECURE 2.0 s.603
    (2024, False), (2025, False),   # Notice 2023-62 transition: pre-tax catch-ups still allowed
    (2026, True),                    # first enforced year: 1,000,000 > 150,000
], ids=["2018-no-rule", "2019-no-rule", "2020-no-rule", "2021-no-rule", "2022-no-rule", "2023-no-rule",
        "2024-transition-not-required", "2025-transition-not-required", "2026-required"])
def test_roth_catch_up_rule_each_year_for_a_high_earner(year, required):
    figure = roth_catch_up_required(load_limits(year), age=55, prior_year_fica_wages=D(1_000_000))
    assert figure.value is required


# ----------------------------------------------------------------------------- age on Dec 31

AGE_CASES = [
    # (tax year, birth date) -> age on Dec 31, catch-up (catch-up from IRS notices above)
    (2026, date(1977, 1, 1), 49, D(0)),        # 2026 − 1977 = 49: no catch-up
    (2026, date(1977, 12, 31), 49, D(0)),      # turns 49 on Dec 31: still 49
    (2026, date(1976, 1, 1), 50, D(8000)),     # 2026 − 1976 = 50: age-50 catch-up 8,000
    (2026, date(1976, 12, 31), 50, D(8000)),   # turns 50 on the last day of the year: counts (414(v)(5))
    (2026, date(1967, 1, 1), 59, D(8000)),     # 59: still the age-50 amount
    (2026, date(1967, 12, 31), 59, D(8000)),
    (2026, date(1966, 1, 1), 60, D(11250)),    # 60: the 60-63 amount instead, 11,250
    (2026, date(1966, 12, 31), 60, D(11250)),
    (2026, date(1963, 1, 1), 63, D(11250)),    # 63: last year of the larger amount
    (2026, date(1963, 12, 31), 63, D(11250)),
    (2026, date(1962, 1, 1), 64, D(8000)),     # 64: back to the age-50 amount
    (2026, date(1962, 12, 31), 64, D(8000)),
    (2025, date(1965, 12, 31), 60, D(11250)),  # 2025 is the first year of the 60-63 catch-up
    (2025, date(1962, 1, 1), 63, D(11250)),
    (2025, date(1961, 12, 31), 64, D(7500)),   # 64 in 2025: the 2025 age-50 amount 7,500
    (2025, date(1975, 12, 31), 50, D(7500)),
    (2025, date(1976, 1, 1), 49, D(0)),
    (2024, date(1963, 6, 15), 61, D(7500)),    # 61 in 2024: no 60-63 catch-up before 2025, age-50 amount 7,500
    (2024, date(1964, 12, 31), 60, D(7500)),
    (2023, date(1973, 12, 31), 50, D(7500)),   # 2023 age-50 catch-up 7,500
    (2018, date(1968, 1, 1), 50, D(6000)),     # 2018 age-50 catch-up 6,000
    (2018, date(1969, 12, 31), 49, D(0)),
]


@pytest.mark.parametrize("year, birth, age, catch_up", AGE_CASES, ids=[
    "2026-born-jan-1-1977-is-49-no-catch-up", "2026-born-dec-31-1977-is-49-no-catch-up",
    "2026-born-jan-1-1976-is-50-gets-catch-up", "2026-born-dec-31-1976-is-50-gets-catch-up",
    "2026-59-jan-1-age-50-amount", "2026-59-dec-31-age-50-amount",
    "2026-60-jan-1-gets-60-63-amount", "2026-60-dec-31-gets-60-63-amount",
    "2026-63-jan-1-gets-60-63-amount", "2026-63-dec-31-gets-60-63-amount",
    "2026-64-jan-1-back-to-age-50-amount", "2026-64-dec-31-back-to-age-50-amount",
    "2025-60-first-year-of-60-63", "2025-63-gets-60-63", "2025-64-age-50-amount",
    "2025-50-on-dec-31", "2025-49-on-dec-31-no-catch-up",
    "2024-61-gets-age-50-amount-no-60-63-yet", "2024-60-gets-age-50-amount",
    "2023-50-on-dec-31", "2018-50-on-dec-31", "2018-49-on-dec-31-no-catch-up",
])
def test_age_on_dec_31_decides_the_catch_up(year, birth, age, catch_up):
    assert age_on_dec_31(birth, year) == age
    figure = catch_up_limit(load_limits(year), age=age, other_deferrals=ZERO, roth_required=False, plan_offers_roth=True)
    assert figure.value == catch_up
    assert figure.has("catch_up_60_63") == (catch_up == D(11250))


# ----------------------------------------------------------------------------- other employers

OTHER_EMPLOYER_CASES = [
    # (year, age, deferrals at another 401(k)/403(b) this year) -> (402(g) room here, catch-up here)
    (2026, 40, D(0), D(24500), D(0)),                # full 24,500; under 50 no catch-up
    (2026, 40, D(10000), D(14500), D(0)),            # 24,500 − 10,000 = 14,500
    (2026, 40, D("24499.99"), D("0.01"), D(0)),      # 24,500 − 24,499.99 = 0.01
    (2026, 40, D(24500), D(0), D(0)),                # equal to the limit: nothing left
    (2026, 40, D(30000), D(0), D(0)),                # above it: room never negative; under 50 no catch-up
    (2026, 55, D(10000), D(14500), D(8000)),         # catch-up untouched while other deferrals ≤ 24,500
    (2026, 55, D(24500), D(0), D(8000)),             # equal: regular room gone, catch-up 8,000 intact
    (2026, 55, D(30000), D(0), D(2500)),             # 30,000 − 24,500 = 5,500 catch-up used there; 8,000 − 5,500 = 2,500
    (2026, 61, D(30000), D(0), D(5750)),             # 60-63: 11,250 − 5,500 = 5,750
    (2026, 55, D(32500), D(0), D(0)),                # 24,500 + 8,000 = 32,500: whole catch-up used
    (2026, 55, D(40000), D(0), D(0)),                # beyond it: catch-up never negative
    (2025, 55, D(25000), D(0), D(6000)),             # 2025: 25,000 − 23,500 = 1,500 used; 7,500 − 1,500 = 6,000
    (2024, 61, D(25000), D(0), D(5500)),             # 2024: 25,000 − 23,000 = 2,000 used; age-50 amount 7,500 − 2,000
    (2018, 52, D(8500), D(10000), D(6000)),          # 2018: 18,500 − 8,500 = 10,000
]


@pytest.mark.parametrize("year, age, other, room, catch_up", OTHER_EMPLOYER_CASES, ids=[
    "no-other-deferrals-full-limit", "old-job-10000-leaves-14500", "old-job-one-cent-below-limit",
    "old-job-equal-to-limit-leaves-nothing", "old-job-above-limit-under-50-nothing",
    "50-plus-below-limit-catch-up-intact", "50-plus-equal-to-limit-catch-up-intact",
    "50-plus-above-limit-eats-into-catch-up", "61-above-limit-eats-into-60-63-catch-up",
    "50-plus-used-whole-catch-up-elsewhere", "50-plus-far-above-catch-up-not-negative",
    "2025-above-limit-eats-into-catch-up", "2024-61-above-limit-eats-into-age-50-catch-up",
    "2018-old-job-reduces-room",
])
def test_deferrals_at_another_employer_share_402g_and_the_catch_up(year, age, other, room, catch_up):
    limits = load_limits(year)
    assert elective_deferral_limit(limits, other_deferrals=other).value == room
    figure = catch_up_limit(limits, age=age, other_deferrals=other, roth_required=False, plan_offers_roth=True)
    assert figure.value == catch_up


@pytest.mark.parametrize("age, other, catch_up", [
    (40, D(20000), D(0)),       # under 50: none
    (55, D(30000), D(8000)),    # 457(b) catch-up is its own: other plans' 5,500 excess does not touch it
], ids=["457b-under-50-no-catch-up", "457b-catch-up-not-reduced-by-other-plans"])
def test_governmental_457b_has_its_own_limit(age, other, catch_up):
    limits = load_limits(2026)
    # 457(e)(15): other plans' deferrals do not reduce a governmental 457(b)'s 24,500
    assert elective_deferral_limit(limits, other_deferrals=other, separate_limit=True).value == D(24500)
    figure = catch_up_limit(limits, age=age, other_deferrals=other, roth_required=False, plan_offers_roth=True,
                            separate_limit=True)
    assert figure.value == catch_up


# ----------------------------------------------------------------------------- Roth catch-up rule

ROTH_RULE_CASES = [
    # (year, age, last year's FICA wages from this employer) -> required?, flags
    (2026, 55, D(150000), False, set()),                     # not above: 150,000 does not EXCEED 150,000
    (2026, 55, D(149999), False, set()),
    (2026, 55, D(150001), True, set()),                      # one dollar above: must be Roth
    (2026, 55, D("150000.01"), True, set()),                 # one cent above exceeds too
    (2026, 50, D(150001), True, set()),                      # 50 on Dec 31 is catch-up eligible
    (2026, 61, D(400000), True, set()),                      # 60-63 catch-up is a catch-up too
    (2026, 49, D(500000), False, set()),                     # no catch-up at 49: rule moot
    (2026, 55, D(0), False, set()),                          # no wages from this employer last year
    (2025, 55, D(300000), False, {"roth_catch_up_transition", "roth_catch_up_from_2026"}),  # above 145,000, transition
    (2025, 55, D(145000), False, {"roth_catch_up_transition"}),   # 145,000 not above 145,000
    (2024, 55, D(145001), False, {"roth_catch_up_transition", "roth_catch_up_from_2026"}),
    (2023, 55, D(300000), False, set()),                     # no rule in 2023
]


@pytest.mark.parametrize("year, age, wages, required, flags", ROTH_RULE_CASES, ids=[
    "2026-wages-exactly-150000-not-required", "2026-wages-below-threshold-not-required",
    "2026-one-dollar-above-required", "2026-one-cent-above-required", "2026-age-50-above-required",
    "2026-age-61-above-required", "2026-age-49-never-required", "2026-no-wages-last-year-not-required",
    "2025-transition-not-required-flags-2026", "2025-at-145000-transition-only",
    "2024-transition-not-required", "2023-no-rule",
])
def test_roth_catch_up_required(year, age, wages, required, flags):
    figure = roth_catch_up_required(load_limits(year), age=age, prior_year_fica_wages=wages)
    assert figure.value is required
    assert set(figure.flags) == flags


@pytest.mark.parametrize("year, age, roth_required, offers_roth, catch_up, blocked", [
    (2026, 55, True, False, D(0), True),          # must be Roth, plan has none: no catch-up at all
    (2026, 61, True, False, D(0), True),          # same for the 60-63 amount
    (2026, 55, True, True, D(8000), False),       # must be Roth and the plan has Roth: 8,000
    (2026, 55, False, False, D(8000), False),     # not required: pre-tax catch-up in a no-Roth plan
    (2025, 61, False, False, D(11250), False),    # 2025 transition: required is False, 11,250 pre-tax
], ids=["2026-roth-required-no-roth-plan-catch-up-0", "2026-61-roth-required-no-roth-plan-catch-up-0",
        "2026-roth-required-roth-plan-keeps-catch-up", "2026-not-required-no-roth-plan-keeps-catch-up",
        "2025-transition-no-roth-plan-keeps-60-63"])
def test_roth_catch_up_rule_blocks_catch_up_without_roth(year, age, roth_required, offers_roth, catch_up, blocked):
    figure = catch_up_limit(load_limits(year), age=age, other_deferrals=ZERO, roth_required=roth_required,
                            plan_offers_roth=offers_roth)
    assert figure.value == catch_up
    assert figure.has("catch_up_blocked_no_roth") is blocked


# ----------------------------------------------------------------------------- 401(a)(17), 415(c)

@pytest.mark.parametrize("year, salary, expected, capped", [
    (2026, D(359999), D(359999), False),           # just below 360,000: all of it
    (2026, D(360000), D(360000), False),           # at the limit: all of it, not "capped"
    (2026, D(360001), D(360000), True),            # just above: 360,000
    (2026, D("360000.01"), D(360000), True),
    (2026, D(85000), D(85000), False),
    (2024, D(345001), D(345000), True),            # 2024 limit 345,000
    (2018, D(275000), D(275000), False),           # 2018 limit 275,000, at it
], ids=["2026-just-below-401a17", "2026-at-401a17", "2026-one-dollar-above-401a17", "2026-one-cent-above-401a17",
        "2026-ordinary-pay", "2024-above-401a17", "2018-at-401a17"])
def test_plan_compensation_is_capped_by_401a17(year, salary, expected, capped):
    figure = plan_compensation(load_limits(year), salary=salary)
    assert figure.value == expected
    assert figure.has("compensation_capped") is capped


@pytest.mark.parametrize("year, pay, expected", [
    (2026, D(30000), D(30000)),                  # 100% of 30,000 < 72,000
    (2026, D("71999.99"), D("71999.99")),         # just below the dollar limit: pay
    (2026, D(72000), D(72000)),                  # equal
    (2026, D("72000.01"), D(72000)),              # just above: 72,000
    (2026, D(500000), D(72000)),
    (2018, D(40000), D(40000)),                  # 2018: 40,000 < 55,000
    (2018, D(60000), D(55000)),                  # 2018: 55,000 < 60,000
], ids=["2026-low-pay-100pct", "2026-just-below-dollar-limit", "2026-at-dollar-limit",
        "2026-just-above-dollar-limit", "2026-high-pay", "2018-low-pay-100pct", "2018-dollar-limit"])
def test_415c_is_the_lesser_of_dollar_limit_and_pay(year, pay, expected):
    assert annual_additions_limit(load_limits(year), compensation=pay).value == expected


# ----------------------------------------------------------------------------- end to end

def _plan(**contributions) -> Plan:
    return Plan.model_validate({"id": "p", "name": "Test plan", "pay_periods": 26, "contributions": contributions})


def _persona(year: int, birth: date, **pay) -> Persona:
    return Persona.model_validate({"id": "t", "name": "Test", "tax_year": year, "birth_date": birth, "plan": "p",
                                   "pay": pay})


E2E_CASES = [
    # (year, birth, pay, plan has Roth) -> room, catch-up, Roth required, estimates
    (2026, date(1971, 12, 31), dict(salary=D(200000), prior_year_fica_wages=D(150000)), False,
     D(24500), D(8000), False, ()),             # 55; wages exactly 150,000 do not exceed: pre-tax catch-up 8,000
    (2026, date(1971, 1, 1), dict(salary=D(200000), prior_year_fica_wages=D(150001)), False,
     D(24500), D(0), True, ()),                 # 55; 150,001 > 150,000 and no Roth: catch-up 0
    (2026, date(1971, 1, 1), dict(salary=D(200000), prior_year_fica_wages=D(150001)), True,
     D(24500), D(8000), True, ()),              # same with Roth in the plan: 8,000, Roth
    (2026, date(1971, 6, 1), dict(salary=D(160000), prior_year_fica_wages=D(0)), False,
     D(24500), D(8000), False, ()),             # 55, new hire: no FICA wages here last year, 0 ≤ 150,000, so a
                                                # pre-tax catch-up of 8,000 even in a plan without Roth
    (2025, date(1964, 3, 3), dict(salary=D(300000), prior_year_fica_wages=D(300000)), False,
     D(23500), D(11250), False, ()),            # 2025: 61, transition year, 11,250 pre-tax even without Roth
    (2026, date(1964, 3, 3), dict(salary=D(120000), prior_year_fica_wages=D(110000),
                                  other_deferrals_this_year=D(26000)), True,
     D(0), D(9750), False, ()),                 # 62: 26,000 − 24,500 = 1,500 used; 11,250 − 1,500 = 9,750
    (2026, date(1990, 5, 5), dict(salary=D(120000), other_deferrals_this_year=D(10000)), True,
     D(14500), D(0), False, ()),                # 36: 24,500 − 10,000; no estimate needed under 50
]


@pytest.mark.parametrize("year, birth, pay, roth, room, catch_up, required, estimates", E2E_CASES, ids=[
    "e2e-2026-wages-at-threshold-pre-tax-catch-up", "e2e-2026-wages-above-no-roth-plan-no-catch-up",
    "e2e-2026-wages-above-roth-plan-keeps-catch-up", "e2e-2026-new-hire-not-subject-to-roth-rule",
    "e2e-2025-61-transition-no-roth-plan", "e2e-2026-62-old-job-above-limit", "e2e-2026-36-old-job",
])
def test_compute_workplace_limits(year, birth, pay, roth, room, catch_up, required, estimates):
    results = compute(_persona(year, birth, **pay), {"p": _plan(roth=roth)})
    assert results.value("elective_deferral_limit") == room
    assert results.value("catch_up_limit") == catch_up
    assert results.value("roth_catch_up_required") is required
    # only the wage estimate is in question here (MAGI is estimated too when the persona gives none)
    assert tuple(e for e in results.estimates if e != "modified_agi") == estimates


def test_compute_governmental_457b_ignores_other_plans():
    plan = Plan.model_validate({"id": "p", "name": "City 457(b)", "type": "governmental_457b", "pay_periods": 26,
                                "contributions": {"after_tax": True}})
    persona = _persona(2026, date(1980, 1, 1), salary=D(90000), other_deferrals_this_year=D(24500))
    results = compute(persona, {"p": plan})
    assert results.value("elective_deferral_limit") == D(24500)   # 457(e)(15): own 24,500
    assert results.value("after_tax_space") == 0                  # a 457(b) takes no after-tax money
