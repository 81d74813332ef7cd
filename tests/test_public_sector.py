"""403(b) 15-years-of-service catch-up and the governmental 457(b) limits: hand-worked cases
(457(b) payouts are in test_rollover.py).

2026 figures: 402(g) and the 457(b) limit 24,500 each (separate limits); catch-up 8,000, 60-63 11,250.
15-year catch-up (IRC 402(g)(7)): least of 3,000; 15,000 less used before; 5,000 × years less earlier deferrals.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.limits import load_constants, load_limits
from generator.rules.contributions import catch_up_limit, elective_deferral_limit
from generator.rules.plan_403b import deferral_split_403b, fifteen_year_catch_up
from generator.rules.plan_457b import governmental_457b_limit

D = Decimal
ZERO = D(0)
CONSTANTS = load_constants()
L2026 = load_limits(2026)

FIFTEEN_YEAR = [
    # (name, qualified organization, years of service, used before, earlier deferrals) -> catch-up
    ("teacher-20-years-full-3000", True, 20, 0, 60_000, "3000"),      # min(3,000, 15,000, 100,000 − 60,000)
    ("lifetime-nearly-used", True, 20, 13_500, 60_000, "1500"),       # 15,000 − 13,500 = 1,500
    ("lifetime-used-up", True, 25, 15_000, 60_000, "0"),
    ("service-test-binds", True, 15, 0, 73_500, "1500"),              # 5,000 × 15 − 73,500 = 1,500
    ("saved-a-lot-before-no-room", True, 20, 0, 100_000, "0"),        # 5,000 × 20 − 100,000 = 0
    ("14-years-not-yet", True, 14, 0, 0, "0"),
    ("exactly-15-years", True, 15, 0, 0, "3000"),
    ("not-a-qualified-organization", False, 30, 0, 0, "0"),
]


@pytest.mark.parametrize("qualified, years, used, earlier, expected", [c[1:] for c in FIFTEEN_YEAR], ids=[c[0] for c in FIFTEEN_YEAR])
def test_fifteen_year_catch_up(qualified, years, used, earlier, expected):
    figure = fifteen_year_catch_up(CONSTANTS, qualified_organization=qualified, years_of_service=years,
                                   used_before=D(used), earlier_deferrals=D(earlier))
    assert figure.value == D(expected)


SPLIT = [
    # 2026, age 52, 15-year catch-up available 3,000: regular room 24,500, then 15-year, then age-50 (8,000)
    ("all-three-full", 35_500, ("24500", "3000", "8000", "0")),
    ("15-year-counts-first", 26_000, ("24500", "1500", "0", "0")),    # 1,500 over: 15-year first, age-50 untouched
    ("into-the-age-catch-up", 30_000, ("24500", "3000", "2500", "0")),
    ("over-every-limit", 40_000, ("24500", "3000", "8000", "4500")),  # 40,000 − 35,500 = 4,500 excess
    ("below-the-regular-limit", 10_000, ("10000", "0", "0", "0")),
]


@pytest.mark.parametrize("deferral, expected", [c[1:] for c in SPLIT], ids=[c[0] for c in SPLIT])
def test_403b_deferrals_count_as_15_year_catch_up_before_the_age_catch_up(deferral, expected):
    figure = deferral_split_403b(deferral=D(deferral), regular_room=D(24_500), fifteen_year=D(3_000), age_catch_up=D(8_000))
    assert tuple(figure.value[k] for k in ("regular", "fifteen_year", "age_catch_up", "excess")) == tuple(D(v) for v in expected)


def test_teacher_defers_to_both_a_403b_and_a_457b():
    # 2026, born 1974 (52 on Dec 31), 20 years at a school district, 60,000 deferred there before.
    # 403(b): 24,500 + 15-year 3,000 + age-50 8,000 = 35,500.
    # 457(b): its own 24,500, untouched by the 35,500 in the 403(b), + age-50 8,000 = 32,500 (normal retirement
    # age 65 is reached in 2039: special years 2036-2038, not this year). Together 68,000.
    regular = elective_deferral_limit(L2026, other_deferrals=ZERO).value
    fifteen = fifteen_year_catch_up(CONSTANTS, qualified_organization=True, years_of_service=20, used_before=ZERO,
                                    earlier_deferrals=D(60_000)).value
    age = catch_up_limit(L2026, age=52, other_deferrals=ZERO, roth_required=False, plan_offers_roth=True).value
    in_403b = regular + fifteen + age
    assert in_403b == D(35_500)
    own_457_room = elective_deferral_limit(L2026, other_deferrals=in_403b, separate_limit=True).value
    assert own_457_room == D(24_500)
    in_457b = governmental_457b_limit(L2026, CONSTANTS, age=52, birth_date=date(1974, 5, 1), normal_retirement_age=65,
                                      unused_earlier_limits=D(40_000))
    assert in_457b.value == D(32_500) and not in_457b.flags
    assert in_403b + in_457b.value == D(68_000)


SPECIAL_457 = [
    # (name, birth year, unused earlier limits) -> limit in 2026, flag; normal retirement age 65
    ("first-special-year-double-limit", 1964, 30_000, "49000", "special_catch_up"),
    # reaches 65 in 2029: special years 2026-2028; age 62: age catch-up total 24,500 + 11,250 = 35,750;
    # special min(2 × 24,500 = 49,000, 24,500 + 30,000 = 54,500) = 49,000 > 35,750
    ("little-unused-age-catch-up-larger", 1964, 5_000, "35750", "age_catch_up_larger"),
    # special min(49,000, 24,500 + 5,000 = 29,500) = 29,500 < 35,750: the larger, never both (457(e)(18))
    ("last-special-year", 1962, 10_000, "34500", "special_catch_up"),
    # reaches 65 in 2027: special 2024-2026; age 64: 24,500 + 8,000 = 32,500 < min(49,000, 34,500) = 34,500
    ("year-before-special-years", 1965, 30_000, "35750", None),
    # reaches 65 in 2030: special 2027-2029; age 61: 24,500 + 11,250
    ("year-of-normal-retirement-age", 1961, 30_000, "32500", None),
    # reaches 65 in 2026: special years were 2023-2025; age 65: 24,500 + 8,000
]


@pytest.mark.parametrize("born, unused, expected, flag", [c[1:] for c in SPECIAL_457], ids=[c[0] for c in SPECIAL_457])
def test_457b_special_catch_up_or_age_catch_up_whichever_is_larger(born, unused, expected, flag):
    figure = governmental_457b_limit(L2026, CONSTANTS, age=2026 - born, birth_date=date(born, 6, 1),
                                     normal_retirement_age=65, unused_earlier_limits=D(unused))
    assert figure.value == D(expected)
    assert figure.flags == (frozenset({flag}) if flag else frozenset())


def test_457b_without_a_normal_retirement_age_gets_the_age_catch_up_only():
    figure = governmental_457b_limit(L2026, CONSTANTS, age=40, birth_date=date(1986, 1, 1), normal_retirement_age=None,
                                     unused_earlier_limits=D(100_000))
    assert figure.value == D(24_500)

