"""Properties of the workplace-plan engine that hold for every valid persona and plan.

Hypothesis draws personas and plans (every tax year with a limits file, ages 20-75, pay from 1,000 to 600,000,
deferrals at an old job, any tier structure, caps, increments, goals and tax rates) and checks the
limits the law and the plan set: the recommended elections never exceed the deferral room plus
catch-up, never exceed 415(c), never exceed the plan's caps; nothing is negative; the lost match is
between 0 and the full match; deferrals at another employer never add room here.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.compute import compute
from generator.limits import available_years, load_limits
from generator.money import pct_of
from generator.profiles import Persona, Plan
from generator.rules.contributions import catch_up_limit, elective_deferral_limit
from generator.rules.payroll import match_on

D = Decimal
CENT = D("0.01")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def money(low: int, high: int):
    return pct(low, high, places=2)


def pct(low, high, places=2):
    """Decimals from `low` to `high` with `places` decimal places: whole numbers of the last place, drawn
    as integers (st.decimals draws the same values several times slower)."""
    unit = D(1).scaleb(-places)
    return st.integers(int(D(low) / unit), int(D(high) / unit)).map(lambda n: D(n) * unit)


# The strategies the composites below draw from are made once, here: a strategy made inside a
# composite is made and validated again on every draw, which took most of these tests' time.
TIER_BOUNDS = [st.sets(st.sampled_from([D(n) / 2 for n in range(1, 17)]), min_size=count, max_size=count)
               for count in range(4)]
TIER_RATE = st.sampled_from([D(25), D(50), D(75), D(100)])
PLAN_TYPE = st.sampled_from(["401k", "403b", "governmental_457b"])
PAY_PERIODS = st.sampled_from([12, 24, 26, 52])
AFTER_TAX_CAP = st.one_of(st.none(), pct(0, 30, 0))
MAX_TOTAL = pct(5, 100, 0)
ELECTION_RULES = st.one_of(
    st.builds(dict, unit=st.just("whole_pct"), stops_at_limit=st.booleans()),
    st.builds(dict, unit=st.just("fractional_pct"), step=st.sampled_from([D("0.1"), D("0.25"), D("0.5"), D(2)]),
              stops_at_limit=st.booleans()),
    st.builds(dict, unit=st.just("dollar"), stops_at_limit=st.booleans()))
MATCH_PERIOD = st.sampled_from(["per_pay_period", "annual"])
NONELECTIVE = pct(0, 10, 1)
YEAR = st.sampled_from(available_years())
AGE = st.integers(20, 75)
MONTH, DAY = st.integers(1, 12), st.integers(1, 28)
ELECTION = pct(0, 30, 1)
GOAL = st.one_of(st.sampled_from(["max", "match"]), pct("0.5", 100, 1))
RATE = st.one_of(st.none(), st.sampled_from([D(10), D(12), D(22), D(24), D(32), D(35), D(37)]))
SALARY, FICA_WAGES, OTHER_DEFERRALS = money(1000, 600000), money(0, 600000), money(0, 40000)
PAYCHECKS = st.one_of(st.none(), st.integers(1, 53))
HAS_ELECTIONS = st.booleans()


@st.composite
def match_tiers(draw, rising_rates=False):
    # realistic formulas: 0-3 tiers, rates 25-100 %, the last tier at most 8 % of pay, so employer money
    # (≤ 8 % match + ≤ 10 % nonelective) always fits under 415(c) on its own. Usual formulas pay the
    # highest rate first; `rising_rates` allows any order (see the any-tier-order property below).
    count = draw(st.integers(0, 3))
    bounds = sorted(draw(TIER_BOUNDS[count]))
    rates = [draw(TIER_RATE) for _ in bounds]
    if not rising_rates:
        rates.sort(reverse=True)
    return [{"rate_pct": rate, "up_to_pct": bound} for rate, bound in zip(rates, bounds)]


@st.composite
def plans(draw, rising_rates=False):
    after_tax_cap = draw(AFTER_TAX_CAP)
    return Plan.model_validate({
        "id": "p", "name": "Drawn plan",
        "type": draw(PLAN_TYPE),
        "pay_periods": draw(PAY_PERIODS),
        "contributions": {
            "roth": draw(st.booleans()), "after_tax": draw(st.booleans()), "after_tax_max_pct": after_tax_cap,
            "max_total_pct": draw(MAX_TOTAL),
        },
        "elections": draw(ELECTION_RULES),
        "match": {"tiers": draw(match_tiers(rising_rates)), "period": draw(MATCH_PERIOD),
                  "true_up": draw(st.booleans()), "matches_after_tax": draw(st.booleans())},
        "nonelective_pct": draw(NONELECTIVE),
    })


@st.composite
def personas(draw, other_deferrals=OTHER_DEFERRALS):
    year = draw(YEAR)
    age = draw(AGE)
    birth = date(year - age, draw(MONTH), draw(DAY))
    pre, roth, after = (draw(ELECTION) for _ in range(3))
    goal = draw(GOAL)
    return Persona.model_validate({
        "id": "t", "name": "Drawn", "tax_year": year, "birth_date": birth, "plan": "p",
        "pay": {"salary": draw(SALARY),
                "prior_year_fica_wages": draw(FICA_WAGES),  # required at catch-up age: never guessed
                "other_deferrals_this_year": draw(other_deferrals),
                "paychecks_this_year": draw(PAYCHECKS)},
        "elections": {"pre_tax_pct": pre, "roth_pct": roth, "after_tax_pct": after} if draw(HAS_ELECTIONS) else None,
        "savings_goal": goal,
        "tax": {"marginal_rate_now": draw(RATE), "marginal_rate_retirement": draw(RATE)},
    })


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


@SETTINGS
@given(persona=personas(), plan=plans())
def test_recommended_elections_keep_every_limit(persona, plan):
    results = compute(persona, {"p": plan})
    p = results.payroll
    elections = results.value("recommended_elections")
    schedule = results.value("election_schedule")
    pre, roth, after = elections["pre_tax_pct"], elections["roth_pct"], elections["after_tax_pct"]
    # what the year's schedule puts in: payroll stops an election that would pass the room
    deferrals, after_tax = schedule["deferrals"], schedule["after_tax_contributions"]

    # 402(g) room here plus the 414(v) catch-up
    assert deferrals <= p.deferral_room + p.catch_up_room
    # 415(c): deferrals less catch-up + match + nonelective + after-tax, per employer; the match earns on the
    # year's deferrals (never more than the election) plus matched after-tax money. Catch-up is the part of
    # the deferrals over 402(g) or over 415(c) beside the employer money, within the catch-up room
    # (Treas. Reg. 1.414(v)-1(b)(1)(i)); after-tax money never makes catch-up.
    matched = min(p.amount(pre + roth), deferrals) + (p.amount(after) if p.matches_after_tax else 0)
    match = match_on(matched, p.plan_compensation, p.tiers)
    employer = match + p.nonelective
    catch_up = min(p.catch_up_room, max(deferrals - p.deferral_room, deferrals + employer - p.annual_additions_limit, 0))
    assert deferrals - catch_up + employer + after_tax <= p.annual_additions_limit + CENT
    if p.roth_catch_up_required:  # SECURE 2.0 §603: every catch-up dollar Roth, so pre-tax within the rest
        assert min(p.amount(pre), deferrals) <= deferrals - catch_up + CENT
    assert abs(results.value("employer_match") - match.quantize(CENT, "ROUND_HALF_UP")) <= CENT
    # the plan's own caps and features, on every paycheck and on the last ones
    assert pre + roth + after <= plan.contributions.max_total_pct
    assert schedule["last_paycheck_deferral_pct"] + schedule["last_paycheck_after_tax_pct"] <= plan.contributions.max_total_pct
    if plan.contributions.after_tax_max_pct is not None:
        assert after <= plan.contributions.after_tax_max_pct
    if not p.after_tax_offered:
        assert after == 0
    if not plan.contributions.roth:
        assert roth == 0
    # the Roth catch-up rule: pre-tax money never goes past the regular 402(g) room
    if p.roth_catch_up_required:
        assert p.amount(pre) <= p.deferral_room
    # whole steps of the plan's increment
    for value in (pre, roth, after):
        assert value >= 0 and _is_multiple(value, p.increment_pct)
    # the whole room is used whenever payroll stops at it or takes dollars; otherwise within one step of the year
    if persona.savings_goal == "max":
        exact = p.unit == "dollar" or (p.stops_at_limit and p.payroll_stop <= deferrals)
        assert schedule["unused_deferral_room"] <= (CENT if exact else p.amount(p.increment_pct) + CENT)


@SETTINGS
@given(persona=personas(), plan=plans())
def test_nothing_is_negative_and_after_tax_space_is_within_its_limits(persona, plan):
    results = compute(persona, {"p": plan})
    p = results.payroll
    for figure in results.figures.values():
        values = figure.value.values() if isinstance(figure.value, dict) else [figure.value]
        for value in values:
            if isinstance(value, Decimal):
                assert value >= 0, figure.name
    space = results.value("after_tax_space")
    assert space >= 0
    if p.after_tax_offered:
        assert space <= p.annual_additions_limit
        if plan.contributions.after_tax_max_pct is not None:
            assert space <= p.amount(plan.contributions.after_tax_max_pct) + CENT
    else:
        assert space == 0


@SETTINGS
@given(persona=personas(), plan=plans())
def test_goal_max_after_tax_election_fits_in_the_after_tax_space(persona, plan):
    results = compute(persona.model_copy(update={"savings_goal": "max"}), {"p": plan})
    p = results.payroll
    after = results.value("recommended_elections")["after_tax_pct"]
    # the election is whole steps, the space is dollars (to the cent): the election never holds more
    assert p.amount(after) <= results.value("after_tax_space") + CENT / 2
    assert results.value("election_schedule")["after_tax_contributions"] <= results.value("after_tax_space") + CENT


def _check_lost_match(persona, plan):
    results = compute(persona, {"p": plan})
    p = results.payroll
    full = match_on(p.plan_compensation, p.plan_compensation, p.tiers)   # every dollar of pay matched: the most there is
    lost = results.value("lost_match_from_front_loading")
    assert 0 <= lost <= full.quantize(CENT, "ROUND_HALF_UP")
    if not p.tiers or not p.match_per_paycheck or p.true_up or persona.elections is None:
        assert lost == 0


@SETTINGS
@given(persona=personas(), plan=plans())
def test_lost_match_is_between_nothing_and_the_full_match(persona, plan):
    _check_lost_match(persona, plan)


# The hand-worked case of tests/test_match.py::test_lost_match_is_never_negative_with_a_rising_tier_rate,
# end to end: 2026, 40, 240,000 over 24 paychecks, 22,500 deferred at an old job, 4% election,
# 50% of the first 2% + 100% of the next 2%, per paycheck without true-up. Lost is 0 (the code once gave −500).
RISING_PERSONA = Persona.model_validate({
    "id": "t", "name": "Rising", "tax_year": 2026, "birth_date": date(1986, 1, 1), "plan": "p",
    "pay": {"salary": D(240000), "other_deferrals_this_year": D(22500)}, "elections": {"pre_tax_pct": D(4)}})
RISING_PLAN = Plan.model_validate({
    "id": "p", "name": "Rising plan", "pay_periods": 24,
    "match": {"tiers": [{"rate_pct": D(50), "up_to_pct": D(2)}, {"rate_pct": D(100), "up_to_pct": D(4)}]}})


@SETTINGS
@example(persona=RISING_PERSONA, plan=RISING_PLAN)
@given(persona=personas(), plan=plans(rising_rates=True))
def test_lost_match_is_between_nothing_and_the_full_match_for_any_tier_order(persona, plan):
    _check_lost_match(persona, plan)


@SETTINGS
@given(year=st.sampled_from(available_years()), age=st.integers(20, 75), low=money(0, 50000), extra=money(0, 50000),
       separate=st.booleans())
def test_more_deferrals_elsewhere_never_add_room_here(year, age, low, extra, separate):
    limits = load_limits(year)
    high = low + extra

    def room(other):
        regular = elective_deferral_limit(limits, other_deferrals=other, separate_limit=separate).value
        catch_up = catch_up_limit(limits, age=age, other_deferrals=other, roth_required=False, plan_offers_roth=True,
                                  separate_limit=separate).value
        return regular, catch_up

    (regular_low, catch_low), (regular_high, catch_high) = room(low), room(high)
    assert regular_high <= regular_low
    assert catch_high <= catch_low
    # and never more than the year's 402(g) limit (test_limits holds the files to the verified reference)
    assert regular_low <= limits.elective_deferral.value


@SETTINGS
@given(persona=personas(other_deferrals=money(0, 20000)), extra=money(0, 30000), plan=plans())
def test_more_deferrals_elsewhere_never_raise_the_election(persona, extra, plan):
    pay = persona.pay.model_copy(update={"other_deferrals_this_year": persona.pay.other_deferrals_this_year + extra})
    before = compute(persona.model_copy(update={"savings_goal": "max"}), {"p": plan})
    after = compute(persona.model_copy(update={"savings_goal": "max", "pay": pay}), {"p": plan})
    assert after.value("elective_deferral_limit") <= before.value("elective_deferral_limit")
    assert after.value("catch_up_limit") <= before.value("catch_up_limit")
    deferral = lambda r: r.value("recommended_elections")["pre_tax_pct"] + r.value("recommended_elections")["roth_pct"]  # noqa: E731
    assert deferral(after) <= deferral(before)
    assert after.value("election_schedule")["deferrals"] <= (
        after.value("elective_deferral_limit") + after.value("catch_up_limit"))
