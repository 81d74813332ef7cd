"""Self-employment tax, Pub 560 plan compensation, solo 401(k), SEP IRA and SIMPLE IRA.

Every expected number is worked by hand in the comment beside it, from the law, Schedule SE, the
IRS notices of each year and the SSA's wage bases — never from the code's output. Amounts are to
the cent: tax lines round half up, contribution limits round down (never above the law's limit).
2026 figures used below: 402(g) 24,500; 415(c) 72,000; 401(a)(17) 360,000; catch-up 8,000
(60-63: 11,250); SIMPLE 17,000 (small employer 18,100), SIMPLE catch-up 4,000 (small employer
3,850; 60-63: 5,250); Social Security wage base 184,500.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.limits import load_constants, load_limits
from generator.rules import self_employment as se
from generator.rules.sep_ira import pro_rata_ira_balance, sep_contribution_limit
from generator.rules.simple_ira import (
    simple_catch_up_limit,
    simple_compensation_self_employed,
    simple_deferral_limit,
    simple_early_distribution_tax,
    simple_employer_contribution,
    simple_rollover_destinations,
)
from generator.rules.solo_401k import (
    form_5500_ez_required,
    solo_401k_after_tax_space,
    solo_401k_annual_additions_limit,
    solo_401k_catch_up_limit,
    solo_401k_deferral_limit,
    solo_401k_total,
)

D = Decimal
ZERO = D(0)
CONSTANTS = load_constants()
L2026 = load_limits(2026)


def self_employed(net_profit, year=2026, w2_social_security_wages=ZERO):
    """Schedule SE then Pub 560 steps 1-3, as the rules chain them."""
    limits = load_limits(year)
    earnings = se.net_earnings_from_self_employment(CONSTANTS, net_profit=D(net_profit)).value
    tax = se.self_employment_tax(limits, CONSTANTS, net_earnings=earnings,
                                 social_security_wages=D(w2_social_security_wages)).value
    half = se.self_employment_tax_deduction(CONSTANTS, self_employment_tax=tax).value
    compensation = se.self_employed_compensation(net_profit=D(net_profit), se_tax_deduction=half).value
    return earnings, tax, half, compensation


# ----------------------------------------------------------------------------- self-employment tax

SE_TAX_CASES = [
    # (name, year, net profit, W-2 Social Security wages) -> (net earnings, SE tax, half of it, Pub 560 step 3)
    ("sole-proprietor-50000",  # 50,000 × 92.35% = 46,175; 46,175 × 12.4% = 5,725.70; × 2.9% = 1,339.075;
     # tax 7,064.775 → 7,064.78; half 3,532.39; 50,000 − 3,532.39 = 46,467.61
     2026, 50_000, 0, ("46175.00", "7064.78", "3532.39", "46467.61")),
    ("sole-proprietor-250000-above-wage-base",  # 230,875 > 184,500: SS 184,500 × 12.4% = 22,878;
     # Medicare 230,875 × 2.9% = 6,695.375; tax 29,573.375 → 29,573.38; half 14,786.69; 250,000 − that = 235,213.31
     2026, 250_000, 0, ("230875.00", "29573.38", "14786.69", "235213.31")),
    ("side-business-beside-150000-job",  # 60,000 × 92.35% = 55,410; base left 184,500 − 150,000 = 34,500:
     # SS 34,500 × 12.4% = 4,278; Medicare 55,410 × 2.9% = 1,606.89; tax 5,884.89; half 2,942.445 → 2,942.45;
     # 60,000 − 2,942.45 = 57,057.55
     2026, 60_000, 150_000, ("55410.00", "5884.89", "2942.45", "57057.55")),
    ("job-wages-above-wage-base-medicare-only",  # base fully used by the job: 55,410 × 2.9% = 1,606.89; half 803.445 → 803.45
     2026, 60_000, 200_000, ("55410.00", "1606.89", "803.45", "59196.55")),
    ("2018-wage-base-128400",  # 200,000 × 92.35% = 184,700; SS 128,400 × 12.4% = 15,921.60; Medicare 184,700 × 2.9% = 5,356.30;
     # tax 21,277.90; half 10,638.95; 200,000 − 10,638.95 = 189,361.05
     2018, 200_000, 0, ("184700.00", "21277.90", "10638.95", "189361.05")),
    ("below-400-no-tax",  # 433 × 92.35% = 399.8755 → 399.88 < 400 (IRC 1402(b)(2)): no net earnings, no tax
     2026, 433, 0, ("0", "0.00", "0.00", "433")),
    ("at-400-taxed",  # 434 × 92.35% = 400.799 → 400.80 ≥ 400; × 15.3% = 61.3224 → 61.32; half 30.66; 434 − 30.66 = 403.34
     2026, 434, 0, ("400.80", "61.32", "30.66", "403.34")),
]


@pytest.mark.parametrize("year, net_profit, wages, expected", [c[1:] for c in SE_TAX_CASES], ids=[c[0] for c in SE_TAX_CASES])
def test_self_employment_tax_and_plan_compensation(year, net_profit, wages, expected):
    assert self_employed(net_profit, year, wages) == tuple(D(v) for v in expected)


# SSA contribution and benefit base of each year (ssa.gov/oact/cola/cbb.html)
WAGE_BASES = [(2018, 128_400), (2019, 132_900), (2020, 137_700), (2021, 142_800), (2022, 147_000),
              (2023, 160_200), (2024, 168_600), (2025, 176_100), (2026, 184_500)]


@pytest.mark.parametrize("year, base", WAGE_BASES, ids=[str(y) for y, _ in WAGE_BASES])
def test_social_security_part_stops_at_each_years_wage_base(year, base):
    # 1,000,000 of net earnings: SS part = base × 12.4%, Medicare part = 1,000,000 × 2.9% = 29,000
    figure = se.self_employment_tax(load_limits(year), CONSTANTS, net_earnings=D(1_000_000))
    assert figure.value == D(base) * D("0.124") + D(29_000)
    assert figure.has("wage_base_reached")


@pytest.mark.parametrize("wages, reached", [(129_090, False), (129_091, True)],
                         ids=["earnings-exactly-fill-the-base", "one-dollar-over"])
def test_wage_base_boundary_with_a_job(wages, reached):
    # 184,500 − 129,090 = 55,410 = the net earnings: all of them taxed for SS, 55,410 × 12.4% = 6,870.84
    figure = se.self_employment_tax(L2026, CONSTANTS, net_earnings=D(55_410), social_security_wages=D(wages))
    assert figure.has("wage_base_reached") is reached
    expected_ss = D("6870.84") if not reached else D(55_409) * D("0.124")  # 6,870.716
    assert figure.value == (expected_ss + D("1606.89")).quantize(D("0.01"))


# ----------------------------------------------------------------------------- Pub 560 rate table

RATE_TABLE = [  # Pub 560 chapter 5, Rate Table for Self-Employed: column A → column B
    (1, "0.009901"), (3, "0.029126"), (8, "0.074074"), (10, "0.090909"),  # 10%: the Pub's own example
    (15, "0.130435"), (20, "0.166667"), (25, "0.200000"),
    ("10.5", "0.095023"),  # Rate Worksheet: 0.105 ÷ 1.105 = 0.0950226… (the Pub rounds to "at least 3" places: 0.095)
]


@pytest.mark.parametrize("plan_rate, expected", RATE_TABLE, ids=[f"{r}pct" for r, _ in RATE_TABLE])
def test_pub_560_rate_table(plan_rate, expected):
    assert se.self_employed_rate(plan_rate_pct=D(plan_rate)).value == D(expected)


def test_pub_560_worksheet_example_10_and_a_half_percent_plan_no_deferrals():
    # Pub 560 chapter 5 example shape: a sole proprietor, plan rate 10½%, net profit 200,000, no deferrals; 2025.
    # Schedule SE: 200,000 × 92.35% = 184,700; SS 176,100 (2025 base) × 12.4% = 21,836.40; Medicare 184,700 × 2.9%
    # = 5,356.30; tax 27,192.70; step 2 = half = 13,596.35; step 3 = 186,403.65
    earnings, tax, half, step3 = self_employed(200_000, 2025)
    assert (tax, half, step3) == (D("27192.70"), D("13596.35"), D("186403.65"))
    figure = se.employer_contribution_self_employed(load_limits(2025), compensation=step3, plan_rate_pct=D("10.5"))
    # step 4 = 0.095023; step 5 = 186,403.65 × 0.095023 = 17,712.634… → 17,712.63 (at the Pub's 3 places: 17,708.35)
    # step 6 = 350,000 × 10.5% = 36,750; step 7 = 17,712.63; step 8 = 70,000; step 21 = 17,712.63
    assert figure.value == D("17712.63")
    assert [s.amount for s in figure.steps if s.label.startswith("Step 6")] == [D("36750.00")]


def test_pub_560_worksheet_25_percent_plan_is_20_percent_of_step_3():
    # step 3 = 186,403.65 (above); × 0.200000 = 37,280.73; step 6 = 350,000 × 25% = 87,500; step 8 = 70,000
    figure = se.employer_contribution_self_employed(load_limits(2025), compensation=D("186403.65"), plan_rate_pct=D(25))
    assert figure.value == D("37280.73")


def test_pub_560_step_6_compensation_limit_binds_at_a_low_plan_rate():
    # 2026, net profit 500,000: 461,750 net earnings; SS 22,878; Medicare 13,390.75; tax 36,268.75; half 18,134.375
    # → 18,134.38; step 3 = 481,865.62. Plan rate 10%: step 5 = 481,865.62 × 0.090909 ≈ 43,806 > step 6 = 360,000 × 10%
    # = 36,000: the compensation limit binds
    *_, step3 = self_employed(500_000)
    assert step3 == D("481865.62")
    figure = se.employer_contribution_self_employed(L2026, compensation=step3, plan_rate_pct=D(10))
    assert figure.value == D(36_000)
    assert figure.has("compensation_capped")


# ----------------------------------------------------------------------------- solo 401(k)

def solo(net_profit, *, age=40, other_deferrals=0, w2_wages=0, after_tax=False):
    """Every solo 401(k) figure of a self-employed owner in 2026, chained as the engine chains them."""
    *_, step3 = self_employed(net_profit, 2026, w2_wages)
    deferral = solo_401k_deferral_limit(L2026, other_deferrals=D(other_deferrals), compensation=step3)
    employer = se.employer_contribution_self_employed(L2026, compensation=step3, plan_rate_pct=D(25),
                                                      deferrals=deferral.value)
    additions = solo_401k_annual_additions_limit(L2026, compensation=step3, employer_contribution=employer.value,
                                                 incorporated=False)
    catch_up = solo_401k_catch_up_limit(L2026, age=age, other_deferrals=D(other_deferrals), roth_required=False,
                                        plan_offers_roth=True,
                                        compensation_left=step3 - deferral.value - employer.value)
    space = solo_401k_after_tax_space(annual_additions_limit=additions.value, deferral=deferral.value,
                                      employer_contribution=employer.value, plan_allows_after_tax=after_tax)
    total = solo_401k_total(deferral=deferral.value, catch_up=catch_up.value, employer_contribution=employer.value,
                            after_tax=space.value)
    return deferral, employer, additions, catch_up, space, total


SOLO_CASES = [
    # (name, kwargs) -> (deferral, employer, 415(c) limit, catch-up, after-tax space, total)
    ("sole-proprietor-50000",
     # step 3 = 46,467.61; deferral min(24,500, 46,467.61) = 24,500; employer min(46,467.61 × 0.2 = 9,293.522 → 9,293.52,
     # 90,000, half of (46,467.61 − 24,500) = 10,983.80, 72,000 − 24,500 = 47,500) = 9,293.52;
     # 415(c): min(72,000, 46,467.61 − 9,293.52 = 37,174.09); total 24,500 + 9,293.52 = 33,793.52
     dict(net_profit=50_000), ("24500", "9293.52", "37174.09", "0", "0", "33793.52")),
    ("sole-proprietor-50000-after-tax-allowed",
     # after-tax fills 37,174.09 − 24,500 − 9,293.52 = 3,380.57; total 33,793.52 + 3,380.57 = 37,174.09
     dict(net_profit=50_000, after_tax=True), ("24500", "9293.52", "37174.09", "0", "3380.57", "37174.09")),
    ("sole-proprietor-250000",
     # step 3 = 235,213.31; employer 235,213.31 × 0.2 = 47,042.662 → 47,042.66 (< 47,500 dollar room, < 105,356.65 half);
     # 415(c): min(72,000, 188,170.65) = 72,000; total 24,500 + 47,042.66 = 71,542.66
     dict(net_profit=250_000), ("24500", "47042.66", "72000", "0", "0", "71542.66")),
    ("sole-proprietor-250000-age-55-catch-up-outside-415c",
     # the same plus 8,000 catch-up (compensation left 163,670.65): 79,542.66
     dict(net_profit=250_000, age=55), ("24500", "47042.66", "72000", "8000", "0", "79542.66")),
    ("sole-proprietor-250000-age-61-catch-up-60-63",
     dict(net_profit=250_000, age=61), ("24500", "47042.66", "72000", "11250", "0", "82792.66")),
    ("sole-proprietor-400000-dollar-limit-binds",
     # 369,400 net earnings; SS 22,878; Medicare 10,712.60; tax 33,590.60; half 16,795.30; step 3 = 383,204.70;
     # × 0.2 = 76,640.94 > 72,000 − 24,500 = 47,500: employer 47,500; total exactly 72,000
     dict(net_profit=400_000), ("24500", "47500", "72000", "0", "0", "72000")),
    ("day-job-150000-already-deferred-24500-plus-60000-side-profit",
     # 402(g) room 24,500 − 24,500 = 0: no deferral here. Step 3 = 57,057.55 (SE tax above, base left 34,500);
     # employer 57,057.55 × 0.2 = 11,411.51; the business's own 415(c): min(72,000, 57,057.55 − 11,411.51 = 45,646.04)
     dict(net_profit=60_000, other_deferrals=24_500, w2_wages=150_000), ("0", "11411.51", "45646.04", "0", "0", "11411.51")),
    ("day-job-deferred-24500-age-52-catch-up-still-open",
     # the catch-up is per person above a full 402(g) deferral: the job used none of it, so 8,000 here
     dict(net_profit=60_000, other_deferrals=24_500, w2_wages=150_000, age=52),
     ("0", "11411.51", "45646.04", "8000", "0", "19411.51")),
    ("day-job-deferred-10000-rest-of-the-limit-here",
     # 24,500 − 10,000 = 14,500 left; employer min(11,411.51, half of (57,057.55 − 14,500) = 21,278.77) = 11,411.51
     dict(net_profit=60_000, other_deferrals=10_000, w2_wages=150_000), ("14500", "11411.51", "45646.04", "0", "0", "25911.51")),
    ("small-profit-20000-deferral-squeezes-employer-part",
     # 18,470 net earnings; tax 18,470 × 15.3% = 2,825.91; half 1,412.955 → 1,412.96; step 3 = 18,587.04;
     # deferral min(24,500, 18,587.04) = 18,587.04; employer min(3,717.408 → 3,717.40, half of 0 = 0) = 0;
     # 415(c): min(72,000, 18,587.04 − 0) = 18,587.04
     dict(net_profit=20_000), ("18587.04", "0", "18587.04", "0", "0", "18587.04")),
]


@pytest.mark.parametrize("kwargs, expected", [c[1:] for c in SOLO_CASES], ids=[c[0] for c in SOLO_CASES])
def test_solo_401k(kwargs, expected):
    figures = solo(**kwargs)
    assert tuple(f.value for f in figures) == tuple(D(v) for v in expected)


def test_day_job_that_used_the_limit_leaves_no_deferral_room_and_says_why():
    deferral, *_ = solo(60_000, other_deferrals=24_500, w2_wages=150_000)
    assert deferral.has("no_deferral_room") and deferral.has("limit_shared_with_day_job")


INCORPORATED = [
    # (name, W-2 pay, deferral) -> employer contribution (25% of W-2 capped by 401(a)(17), within 415(c) with deferrals)
    ("w2-100000", 100_000, 24_500, "25000"),          # 25% × 100,000 = 25,000 ≤ 72,000 − 24,500
    ("w2-400000-capped", 400_000, 24_500, "47500"),   # 25% × 360,000 = 90,000; 72,000 − 24,500 = 47,500
    ("w2-20000-all-deferred", 20_000, 20_000, "0"),   # 25% × 20,000 = 5,000, but 100% of pay 20,000 − 20,000 = 0
]


@pytest.mark.parametrize("w2, deferral, expected", [c[1:] for c in INCORPORATED], ids=[c[0] for c in INCORPORATED])
def test_incorporated_owner_25_percent_of_w2_pay(w2, deferral, expected):
    figure = se.employer_contribution_incorporated(L2026, CONSTANTS, w2_pay=D(w2), deferrals=D(deferral))
    assert figure.value == D(expected)


@pytest.mark.parametrize("assets, required", [(250_000, False), ("250000.01", True), (0, False)],
                         ids=["at-threshold-no-filing", "a-cent-above-files", "empty-plan"])
def test_form_5500_ez_above_250000_of_assets(assets, required):
    assert form_5500_ez_required(CONSTANTS, plan_assets=D(assets)).value is required


# ----------------------------------------------------------------------------- SEP IRA

SEP_CASES = [
    ("sole-proprietor-50000", 50_000, "9293.52"),      # 20% × 46,467.61 = 9,293.522 → 9,293.52
    ("sole-proprietor-250000", 250_000, "47042.66"),   # 20% × 235,213.31 = 47,042.662 → 47,042.66
    ("sole-proprietor-400000-dollar-limit", 400_000, "72000"),  # 20% × 383,204.70 = 76,640.94 > 72,000
]


@pytest.mark.parametrize("net_profit, expected", [c[1:] for c in SEP_CASES], ids=[c[0] for c in SEP_CASES])
def test_sep_contribution_self_employed(net_profit, expected):
    *_, step3 = self_employed(net_profit)
    assert sep_contribution_limit(L2026, CONSTANTS, compensation=step3, incorporated=False).value == D(expected)


def test_sep_contribution_incorporated_owner():
    # 25% × min(400,000, 360,000) = 90,000 > 72,000 dollar limit; no deferrals in a SEP
    assert sep_contribution_limit(L2026, CONSTANTS, compensation=D(400_000), incorporated=True).value == D(72_000)
    # 25% × 80,000 = 20,000
    assert sep_contribution_limit(L2026, CONSTANTS, compensation=D(80_000), incorporated=True).value == D(20_000)


def test_sep_and_simple_balances_count_in_the_backdoor_pro_rata_rule():
    # Form 8606 line 6: 0 traditional + 30,000 SEP + 5,000 SIMPLE = 35,000 of pre-tax IRA money
    figure = pro_rata_ira_balance(traditional=ZERO, sep=D(30_000), simple=D(5_000))
    assert figure.value == D(35_000) and figure.has("sep_or_simple_spoils_backdoor")
    assert not pro_rata_ira_balance(traditional=D(1_000), sep=ZERO, simple=ZERO).has("sep_or_simple_spoils_backdoor")


# ----------------------------------------------------------------------------- SIMPLE IRA

SIMPLE_DEFERRAL = [
    # (name, year, other deferrals, compensation, small employer) -> limit
    ("2026-regular", 2026, 0, 100_000, False, "17000"),
    ("2026-small-employer-110pct", 2026, 0, 100_000, True, "18100"),
    ("2024-first-year-of-small-employer-limit", 2024, 0, 100_000, True, "17600"),
    ("2023-no-small-employer-limit-yet", 2023, 0, 100_000, True, "15500"),
    ("shares-402g-with-day-job", 2026, 10_000, 100_000, False, "14500"),  # 24,500 − 10,000 = 14,500 < 17,000
    ("day-job-used-402g", 2026, 24_500, 100_000, False, "0"),
    ("low-pay", 2026, 0, 12_000, False, "12000"),                        # 100% of compensation
]


@pytest.mark.parametrize("year, other, pay, small, expected", [c[1:] for c in SIMPLE_DEFERRAL], ids=[c[0] for c in SIMPLE_DEFERRAL])
def test_simple_deferral_limit(year, other, pay, small, expected):
    figure = simple_deferral_limit(load_limits(year), other_deferrals=D(other), compensation=D(pay),
                                   small_employer_limit=small)
    assert figure.value == D(expected)


SIMPLE_CATCH_UP = [
    ("2026-age-49-none", 2026, 49, False, "0"),
    ("2026-age-50", 2026, 50, False, "4000"),
    ("2026-age-50-small-employer", 2026, 50, True, "3850"),     # the frozen 110% amount (Notice 2025-67)
    ("2026-age-61-60-to-63", 2026, 61, False, "5250"),
    ("2025-age-63-60-to-63", 2025, 63, False, "5250"),
    ("2025-age-64-back-to-50-plus", 2025, 64, False, "3500"),
    ("2024-age-61-before-the-60-63-rule", 2024, 61, False, "3500"),
    ("2018-age-55", 2018, 55, False, "3000"),
]


@pytest.mark.parametrize("year, age, small, expected", [c[1:] for c in SIMPLE_CATCH_UP], ids=[c[0] for c in SIMPLE_CATCH_UP])
def test_simple_catch_up(year, age, small, expected):
    assert simple_catch_up_limit(load_limits(year), age=age, small_employer_limit=small).value == D(expected)


SIMPLE_EMPLOYER = [
    # (name, formula, compensation, deferral) -> employer contribution, 2026
    ("match-capped-at-3pct", "match", 100_000, 5_000, "3000"),       # min(5,000, 3% × 100,000)
    ("match-equals-small-deferral", "match", 100_000, 2_000, "2000"),
    ("match-no-401a17-cap", "match", 400_000, 17_000, "12000"),      # 3% × 400,000 = 12,000, pay not capped
    ("nonelective-without-deferring", "nonelective", 50_000, 0, "1000"),   # 2% × 50,000
    ("nonelective-capped-pay", "nonelective", 400_000, 17_000, "7200"),    # 2% × 360,000
    ("sole-proprietor-50000-match", "match", "46175", 17_000, "1385.25"),  # SIMPLE compensation = 46,175 (no half-SE cut)
]


@pytest.mark.parametrize("formula, pay, deferral, expected", [c[1:] for c in SIMPLE_EMPLOYER], ids=[c[0] for c in SIMPLE_EMPLOYER])
def test_simple_employer_contribution(formula, pay, deferral, expected):
    figure = simple_employer_contribution(L2026, CONSTANTS, formula=formula, compensation=D(pay), deferral=D(deferral))
    assert figure.value == D(expected)


def test_simple_compensation_of_the_self_employed_is_schedule_se_line_4a():
    # 50,000 × 92.35% = 46,175 — not 46,467.61 (a SEP's step 3): no half-SE-tax deduction for a SIMPLE
    earnings, *_ = self_employed(50_000)
    assert simple_compensation_self_employed(net_earnings=earnings).value == D(46_175)


SIMPLE_PAYOUTS = [
    # first participation 2025-03-01: the two years run through 2027-02-28. Payout of 10,000 before 59½.
    ("year-2-payout-25pct", date(2026, 6, 15), True, "2500"),     # 25% × 10,000
    ("last-day-of-year-2", date(2027, 2, 28), True, "2500"),
    ("first-day-after-year-2-back-to-10pct", date(2027, 3, 1), True, "1000"),
    ("year-2-payout-after-59-half", date(2026, 6, 15), False, "0"),
]


@pytest.mark.parametrize("paid, owes, expected", [c[1:] for c in SIMPLE_PAYOUTS], ids=[c[0] for c in SIMPLE_PAYOUTS])
def test_simple_payout_additional_tax(paid, owes, expected):
    figure = simple_early_distribution_tax(CONSTANTS, amount=D(10_000), payout_date=paid,
                                           first_participation=date(2025, 3, 1), additional_tax_applies=owes)
    assert figure.value == D(expected)


@pytest.mark.parametrize("moved, expected", [
    (date(2026, 6, 15), "simple_ira_only"), (date(2027, 2, 28), "simple_ira_only"), (date(2027, 3, 1), "any_ira_or_plan"),
], ids=["year-2", "last-day-of-year-2", "after-year-2"])
def test_simple_rollover_only_to_a_simple_ira_in_the_first_two_years(moved, expected):
    figure = simple_rollover_destinations(CONSTANTS, rollover_date=moved, first_participation=date(2025, 3, 1))
    assert figure.value == expected


def test_simple_two_years_from_a_leap_day_run_through_feb_28():
    # began 2024-02-29: no Feb 29 in 2026, so the period includes Feb 28 and ends with Mar 1
    start = date(2024, 2, 29)
    owed = lambda day: simple_early_distribution_tax(CONSTANTS, amount=D(100), payout_date=day,  # noqa: E731
                                                     first_participation=start, additional_tax_applies=True).value
    assert owed(date(2026, 2, 28)) == D(25) and owed(date(2026, 3, 1)) == D(10)
