"""After-tax money out of the plan: route, taxable earnings by conversion cadence, Notice 2014-54 splits.

Every expected number is worked by hand in the comment beside its case. The cadence model (see
generator/rules/mega_backdoor.py): paycheck j of n lands at j/n of the year; with k conversions a
year it waits until the next window end ceil(j·k/n)/k; simple interest at the annual return for
the wait; "only at separation" counts a full year for every paycheck.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.rules.mega_backdoor import (
    CADENCES,
    after_tax_route,
    conversion_earnings,
    conversion_tax,
    conversion_taxable_earnings,
    notice_2014_54_split,
    recommended_cadence,
    waiting_years,
)
from worked import checks_out

D = Decimal


# ----------------------------------------------------------------------------- route

ROUTE_CASES = [
    # (after_tax, in_plan, in_service, frequency) -> route, flags
    ((False, True, True, "per_pay_period"), "not_available", set()),      # no after-tax source: nothing to convert
    ((False, False, False, "never"), "not_available", set()),
    ((True, True, False, "per_pay_period"), "in_plan_conversion", set()),
    ((True, False, True, "quarterly"), "in_service_withdrawal", set()),
    ((True, True, True, "monthly"), "in_plan_conversion", {"both_routes_available"}),  # in-plan preferred
    ((True, False, False, "never"), "at_separation", set()),               # neither route: wait for separation
    ((True, False, False, "quarterly"), "at_separation", set()),           # a frequency without a route is moot
    ((True, True, True, "never"), "at_separation", {"conversion_frequency_never"}),  # routes exist, never usable
]


@pytest.mark.parametrize("inputs, route, flags", ROUTE_CASES, ids=[
    "no-after-tax-source-not-available", "no-after-tax-nothing-else-not-available",
    "in-plan-only", "in-service-only", "both-offered-prefers-in-plan",
    "neither-route-at-separation", "frequency-without-route-at-separation", "frequency-never-at-separation",
])
def test_after_tax_route(inputs, route, flags):
    after_tax, in_plan, in_service, frequency = inputs
    figure = after_tax_route(after_tax_allowed=after_tax, in_plan_conversion=in_plan,
                             in_service_withdrawal=in_service, conversion_frequency=frequency)
    assert figure.value == route
    assert set(figure.flags) == flags
    checks_out(figure)


@pytest.mark.parametrize("route, frequency, cadence", [
    ("in_plan_conversion", "per_pay_period", "per_pay_period"),
    ("in_service_withdrawal", "quarterly", "quarterly"),
    ("in_plan_conversion", "annually", "annually"),
    ("at_separation", "monthly", "at_separation"),   # no in-service route: the frequency cannot be used
    ("at_separation", "never", "at_separation"),
    ("not_available", "monthly", None),
], ids=["per-paycheck-plan", "quarterly-plan", "annual-plan", "no-route-waits-for-separation",
        "never-waits-for-separation", "no-after-tax-no-cadence"])
def test_recommended_cadence_is_the_plans_frequency(route, frequency, cadence):
    assert recommended_cadence(route=route, plan_frequency=frequency).value == cadence


@pytest.mark.parametrize("call", [
    lambda: recommended_cadence(route="in_plan_conversion", plan_frequency="weekly"),
    lambda: after_tax_route(after_tax_allowed=True, in_plan_conversion=True, in_service_withdrawal=False,
                            conversion_frequency="at_separation"),  # a cadence of ours, not a plan frequency
], ids=["unknown-frequency-cadence", "unknown-frequency-route"])
def test_unknown_plan_frequency_is_an_error(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------------- waiting years

WAIT_CASES = [
    # (cadence, paychecks) -> paycheck-years waiting, summed over the year's paychecks
    ("per_pay_period", 26, D(0)),      # converted the day it lands
    # annually, n = 26: waits (26 − j)/26 for j = 1..26 → (25 + 24 + … + 0)/26 = 325/26 = 12.5
    ("annually", 26, D("12.5")),
    # monthly, n = 26: Σ ceil(12j/26)/12 − Σ j/26. ceil(6j/13) for j = 1..13 is
    # 1,1,2,2,3,3,4,4,5,5,6,6,6 = 48; for j = 14..26 it is 6 more each: 48 + 78 = 126; total 174.
    # 174/12 = 14.5; Σ j/26 = 351/26 = 13.5; 14.5 − 13.5 = 1
    ("monthly", 26, D(1)),
    # quarterly, n = 26: ceil(2j/13) is 1 for j = 1..6, 2 for 7..13, 3 for 14..19, 4 for 20..26:
    # 6 + 14 + 18 + 28 = 66; 66/4 = 16.5; 16.5 − 13.5 = 3
    ("quarterly", 26, D(3)),
    ("at_separation", 26, D(26)),      # a full year for each of 26 paychecks
    # n = 24 divides evenly: m = n/k paychecks per window wait (m−1)/n … 0, so the total is (m − 1)/2
    ("monthly", 24, D("0.5")),         # m = 2: (2 − 1)/2
    ("quarterly", 24, D("2.5")),       # m = 6: (6 − 1)/2
    ("annually", 24, D("11.5")),       # m = 24: (24 − 1)/2
    # monthly, n = 52: ceil(3j/13) for j = 1..13 is 1×4, 2×4, 3×5 = 27; the four 13-week blocks add
    # 0, 3, 6, 9 to each of 13 terms: 4·27 + 13·18 = 342; 342/12 = 28.5; Σ j/52 = 1378/52 = 26.5 → 2
    ("monthly", 52, D(2)),
    ("quarterly", 52, D(6)),           # m = 13: (13 − 1)/2
    ("monthly", 12, D(0)),             # monthly pay converted monthly: lands on the conversion date
]


@pytest.mark.parametrize("cadence, paychecks, expected", WAIT_CASES, ids=[
    "per-paycheck-no-wait", "biweekly-annual", "biweekly-monthly-unaligned", "biweekly-quarterly-unaligned",
    "biweekly-at-separation-full-year", "semimonthly-monthly", "semimonthly-quarterly", "semimonthly-annual",
    "weekly-monthly-unaligned", "weekly-quarterly", "monthly-pay-monthly-conversion",
])
def test_waiting_years(cadence, paychecks, expected):
    assert waiting_years(cadence, paychecks) == expected


# ----------------------------------------------------------------------------- earnings by cadence

EARNINGS_CASES = [
    # (cadence, per paycheck, paychecks, return %) -> earnings = per paycheck × waiting years × return
    ("per_pay_period", D(1000), 26, D(6), D("0.00")),      # 1000 × 0 × 6 %
    ("monthly", D(1000), 26, D(6), D("60.00")),            # 1000 × 1 × 0.06
    ("quarterly", D(1000), 26, D(6), D("180.00")),         # 1000 × 3 × 0.06
    ("annually", D(1000), 26, D(6), D("750.00")),          # 1000 × 12.5 × 0.06
    ("at_separation", D(1000), 26, D(6), D("1560.00")),    # 1000 × 26 × 0.06 = a year on $26,000
    ("monthly", D(2000), 24, D(5), D("50.00")),            # 2000 × 0.5 × 0.05
    ("annually", D(2000), 24, D(5), D("1150.00")),         # 2000 × 11.5 × 0.05
    ("monthly", D(500), 52, D(7), D("70.00")),             # 500 × 2 × 0.07
    ("annually", D(500), 52, D(7), D("892.50")),           # 500 × 25.5 × 0.07 (25.5 = 51/2)
    # 333.33 × 12.5 = 4166.625; × 0.055 = 229.164375 → 229.16 (cents, half up)
    ("annually", D("333.33"), 26, D("5.5"), D("229.16")),
    # 1411.54 × 3 = 4234.62; × 0.06 = 254.0772 → 254.08
    ("quarterly", D("1411.54"), 26, D(6), D("254.08")),
    ("annually", D(1000), 26, D(-10), D("0.00")),          # 1000 × 12.5 × −0.10 = −1250: a loss is not taxable
    ("annually", D(1000), 26, D(0), D("0.00")),            # no return, no earnings
]


@pytest.mark.parametrize("cadence, per_paycheck, paychecks, return_pct, expected", EARNINGS_CASES, ids=[
    "per-paycheck-nothing-earned", "biweekly-monthly", "biweekly-quarterly", "biweekly-annual",
    "biweekly-at-separation", "semimonthly-monthly", "semimonthly-annual", "weekly-monthly", "weekly-annual",
    "rounds-half-up-to-cents", "quarterly-cents", "loss-is-not-taxable", "zero-return",
])
def test_conversion_earnings(cadence, per_paycheck, paychecks, return_pct, expected):
    figure = conversion_earnings(cadence, after_tax_per_paycheck=per_paycheck, paychecks_per_year=paychecks,
                                 annual_return_pct=return_pct)
    assert figure.value == expected
    assert figure.steps[-1].amount == expected
    checks_out(figure)


def test_a_loss_is_flagged_and_shows_the_floor():
    figure = conversion_earnings("annually", after_tax_per_paycheck=D(1000), paychecks_per_year=26,
                                 annual_return_pct=D(-10))
    assert figure.has("loss")
    assert [s.op for s in figure.steps][-2:] == ["max", "="]


def test_all_cadences_for_the_json_figure():
    # $1,000 a paycheck, 26 paychecks, 6 %: the worked column of WAIT_CASES × 1000 × 0.06
    figure = conversion_taxable_earnings(after_tax_per_paycheck=D(1000), paychecks_per_year=26,
                                         annual_return_pct=D(6))
    assert figure.name == "conversion_taxable_earnings"
    assert list(figure.value) == list(CADENCES)
    assert figure.value == {"per_pay_period": D("0.00"), "monthly": D("60.00"), "quarterly": D("180.00"),
                            "annually": D("750.00"), "at_separation": D("1560.00")}


@pytest.mark.parametrize("earnings, federal, state, expected", [
    (D("750.00"), D(32), D(5), D("277.50")),    # 750 × 37 % = 277.50
    (D("60.00"), D(32), D(5), D("22.20")),      # 60 × 0.37 = 22.20
    (D("229.16"), D(24), D(0), D("55.00")),     # 229.16 × 0.24 = 54.9984 → 55.00
    (D("0.00"), D(37), D("9.3"), D("0.00")),    # nothing earned, nothing owed
], ids=["federal-plus-state", "small-monthly", "no-state-tax-rounds-up", "no-earnings-no-tax"])
def test_conversion_tax(earnings, federal, state, expected):
    figure = conversion_tax(earnings, marginal_rate_pct=federal, state_rate_pct=state)
    assert figure.value == expected
    checks_out(figure)


# ----------------------------------------------------------------------------- Notice 2014-54

SPLIT_CASES = [
    # (basis, earnings, amount, earnings_to) -> to_roth_ira, to_traditional_ira, to_plan, taxable
    # full: all $20,000 basis to the Roth IRA, all $4,000 earnings to a traditional IRA, nothing taxable
    ((D(20000), D(4000), None, "traditional_ira"), (D(20000), D(4000), D(0), D(0))),
    # full, earnings back into the plan instead
    ((D(20000), D(4000), None, "plan"), (D(20000), D(0), D(4000), D(0))),
    # full, earnings to the Roth IRA too: all $24,000 there, the $4,000 earnings taxable as a conversion
    ((D(20000), D(4000), None, "roth_ira"), (D(24000), D(0), D(0), D(4000))),
    # partial: $10,000 of a $40,000 account that is 3/4 basis → basis 7,500, earnings 2,500
    ((D(30000), D(10000), D(10000), "traditional_ira"), (D(7500), D(2500), D(0), D(0))),
    # partial with a repeating share: 10,000 × 20,000/24,000 = 8,333.333… → 8,333.33 basis;
    # earnings are the rest, 10,000 − 8,333.33 = 1,666.67, so the two checks add up to the distribution
    ((D(20000), D(4000), D(10000), "traditional_ira"), (D("8333.33"), D("1666.67"), D(0), D(0))),
    # partial, earnings to the Roth IRA: 7,500 + 2,500 = 10,000 to the Roth IRA, 2,500 taxable
    ((D(30000), D(10000), D(10000), "roth_ira"), (D(10000), D(0), D(0), D(2500))),
    # no earnings yet (converted the day it landed): everything is basis
    ((D(5000), D(0), None, "traditional_ira"), (D(5000), D(0), D(0), D(0))),
    # taking the whole balance by amount is a full distribution: 24,000 = 20,000 + 4,000
    ((D(20000), D(4000), D(24000), "traditional_ira"), (D(20000), D(4000), D(0), D(0))),
]


@pytest.mark.parametrize("inputs, expected", SPLIT_CASES, ids=[
    "full-earnings-to-traditional-ira", "full-earnings-back-to-plan", "full-earnings-to-roth-taxable",
    "partial-quarter-pro-rata", "partial-repeating-share-rounds-to-cents", "partial-earnings-to-roth-taxable",
    "no-earnings-all-basis", "amount-equal-to-balance-is-full",
])
def test_notice_2014_54_split(inputs, expected):
    basis, earnings, amount, earnings_to = inputs
    figure = notice_2014_54_split(after_tax_basis=basis, after_tax_earnings=earnings, amount=amount,
                                  earnings_to=earnings_to)
    value = figure.value
    assert (value["to_roth_ira"], value["to_traditional_ira"], value["to_plan"], value["taxable"]) == expected
    assert value["to_roth_ira"] + value["to_traditional_ira"] + value["to_plan"] == value["distributed"]
    assert figure.has("partial") == (amount is not None and amount < basis + earnings)
    assert figure.has("earnings_taxable") == (expected[3] > 0)


@pytest.mark.parametrize("amount", [D("24000.01"), D(-1)], ids=["more-than-the-balance", "negative"])
def test_split_rejects_an_impossible_amount(amount):
    with pytest.raises(ValueError):
        notice_2014_54_split(after_tax_basis=D(20000), after_tax_earnings=D(4000), amount=amount)


def test_old_plan_partial_uses_the_same_pro_rata_split():
    # $12,000 of the Initech after-tax account (20,000 basis + 4,000 earnings): half of it →
    # basis 10,000 to the Roth IRA, earnings 2,000 to a traditional IRA
    figure = notice_2014_54_split(after_tax_basis=D(20000), after_tax_earnings=D(4000), amount=D(12000),
                                  plan_name="Initech 401(k)")
    assert (figure.value["to_roth_ira"], figure.value["to_traditional_ira"]) == (D(10000), D(2000))
    assert "Initech 401(k)" in figure.steps[0].label


# ----------------------------------------------------------------------------- properties

cents_amounts = st.decimals(min_value=0, max_value=100_000, places=2)
returns = st.decimals(min_value=-50, max_value=50, places=2)
paychecks = st.sampled_from([1, 4, 12, 24, 26, 52]) | st.integers(min_value=1, max_value=60)


@given(per_paycheck=cents_amounts, n=paychecks, return_pct=returns)
def test_taxable_earnings_are_never_negative(per_paycheck, n, return_pct):
    figure = conversion_taxable_earnings(after_tax_per_paycheck=per_paycheck, paychecks_per_year=n,
                                         annual_return_pct=return_pct)
    assert all(amount >= 0 for amount in figure.value.values())


@given(per_paycheck=cents_amounts, n=paychecks, return_pct=returns)
def test_converting_more_often_never_earns_more(per_paycheck, n, return_pct):
    earnings = conversion_taxable_earnings(after_tax_per_paycheck=per_paycheck, paychecks_per_year=n,
                                           annual_return_pct=return_pct).value
    in_order = [earnings[c] for c in CADENCES]  # most frequent first
    assert in_order == sorted(in_order)


@given(n=paychecks)
def test_waits_are_between_none_and_a_full_year_each(n):
    for cadence in CADENCES:
        assert 0 <= waiting_years(cadence, n) <= n


@given(basis=cents_amounts, earnings=cents_amounts, share=st.fractions(min_value=0, max_value=1))
def test_split_parts_add_up_to_the_distribution(basis, earnings, share):
    balance = basis + earnings
    amount = (balance * share.numerator / share.denominator).quantize(D("0.01"))  # never above the balance
    value = notice_2014_54_split(after_tax_basis=basis, after_tax_earnings=earnings, amount=amount).value
    assert value["basis"] + value["earnings"] == amount
    assert value["to_roth_ira"] + value["to_traditional_ira"] == amount
    assert 0 <= value["basis"] <= basis and 0 <= value["earnings"] <= earnings
    assert value["taxable"] == 0
