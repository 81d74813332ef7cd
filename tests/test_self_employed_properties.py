"""Properties of the self-employed and public-sector rules for any year, profit, job and age:
no limit is ever exceeded and nothing is negative."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.limits import load_constants, load_limits
from generator.rules import self_employment as se
from generator.rules.plan_403b import fifteen_year_catch_up
from generator.rules.plan_457b import governmental_457b_limit
from generator.rules.sep_ira import sep_contribution_limit
from generator.rules.simple_ira import simple_deferral_limit, simple_employer_contribution
from generator.rules.solo_401k import solo_401k_annual_additions_limit, solo_401k_deferral_limit

D = Decimal
CONSTANTS = load_constants()
SETTINGS = settings(max_examples=300, deadline=None)
years = st.integers(2018, 2026)


def money(high: int):
    return st.decimals(places=2, min_value=D(0), max_value=D(high), allow_nan=False, allow_infinity=False)


@SETTINGS
@given(year=years, profit=money(2_000_000), wages=money(400_000), other=money(40_000),
       rate=st.decimals(places=1, min_value=D(1), max_value=D(25)))
def test_solo_401k_and_sep_stay_within_every_limit(year, profit, wages, other, rate):
    limits = load_limits(year)
    earnings = se.net_earnings_from_self_employment(CONSTANTS, net_profit=profit).value
    tax = se.self_employment_tax(limits, CONSTANTS, net_earnings=earnings, social_security_wages=wages).value
    half = se.self_employment_tax_deduction(CONSTANTS, self_employment_tax=tax).value
    step3 = se.self_employed_compensation(net_profit=profit, se_tax_deduction=half).value
    assert D(0) <= tax <= earnings * D("0.153") + D("0.005")   # never more than 15.3 % of net earnings
    assert D(0) <= step3 <= profit

    deferral = solo_401k_deferral_limit(limits, other_deferrals=other, compensation=step3).value
    employer = se.employer_contribution_self_employed(limits, compensation=step3, plan_rate_pct=rate,
                                                      deferrals=deferral).value
    additions = solo_401k_annual_additions_limit(limits, compensation=step3, employer_contribution=employer,
                                                 incorporated=False).value
    assert deferral >= 0 and employer >= 0
    assert deferral + other <= max(limits.elective_deferral.value, other)   # one 402(g) limit across all plans
    assert deferral + employer <= limits.annual_additions.value              # 415(c) dollar limit of this plan
    assert deferral + employer <= additions                                  # 100 % of earned income after the deduction
    assert employer <= step3 * rate / 100                                    # the plan rate on step 3, before reduction
    assert employer <= limits.compensation_limit.value * rate / 100          # 401(a)(17)

    sep = sep_contribution_limit(limits, CONSTANTS, compensation=step3, incorporated=False).value
    assert D(0) <= sep <= min(limits.annual_additions.value, step3 * D("0.2"))


@SETTINGS
@given(year=years, pay=money(1_000_000), other=money(40_000), small=st.booleans(), deferral=money(30_000),
       formula=st.sampled_from(["match", "nonelective"]))
def test_simple_ira_stays_within_every_limit(year, pay, other, small, deferral, formula):
    limits = load_limits(year)
    room = simple_deferral_limit(limits, other_deferrals=other, compensation=pay, small_employer_limit=small).value
    ceiling = limits.simple_deferral_small_employer.value if small and limits.simple_deferral_small_employer.value else (
        limits.simple_deferral.value)
    assert D(0) <= room <= min(ceiling, pay)
    assert room + other <= max(limits.elective_deferral.value, other)
    used = min(deferral, room)
    employer = simple_employer_contribution(limits, CONSTANTS, formula=formula, compensation=pay, deferral=used).value
    assert D(0) <= employer <= pay * D("0.03")
    if formula == "match":
        assert employer <= used


@SETTINGS
@given(years_of_service=st.integers(0, 45), used=money(20_000), earlier=money(500_000), qualified=st.booleans())
def test_fifteen_year_catch_up_never_above_any_of_its_three_limits(years_of_service, used, earlier, qualified):
    value = fifteen_year_catch_up(CONSTANTS, qualified_organization=qualified, years_of_service=years_of_service,
                                  used_before=used, earlier_deferrals=earlier).value
    assert D(0) <= value <= D(3000)
    assert value <= max(D(15_000) - used, D(0))
    assert value <= max(D(5000) * years_of_service - earlier, D(0))


@SETTINGS
@given(year=years, born=st.integers(1950, 2000), nra=st.integers(55, 70), unused=money(200_000))
def test_457b_limit_at_most_twice_the_regular_limit_or_limit_plus_catch_up(year, born, nra, unused):
    limits = load_limits(year)
    age = year - born
    value = governmental_457b_limit(limits, CONSTANTS, age=age, birth_date=date(born, 7, 1), normal_retirement_age=nra,
                                    unused_earlier_limits=unused).value
    base = limits.elective_deferral.value
    biggest_catch_up = max(v for v in (limits.catch_up_50.value, limits.catch_up_60_63.value) if v is not None)
    assert base <= value <= max(2 * base, base + biggest_catch_up)
