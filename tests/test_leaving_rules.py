"""Leaving a job, the situations beyond the five homes: vesting, a loan offset, required minimum
distributions, rolling pre-tax money straight to a Roth IRA and a late 60-day rollover.

Every expected number is worked out by hand in the comment beside its case.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.limits import load_constants
from generator.rules.rollover import AdditionalTax, no_exception
from generator.rules.rollover.conversion import roth_conversion
from generator.rules.rollover.late_rollover import REASONS, late_rollover
from generator.rules.rollover.loan import loan_offset
from generator.rules.rollover.rmd import EMPLOYER_PLAN, IRA_ACCOUNT, ROTH_IRA, first_rmd, rmd_age, rmd_for_year
from generator.rules.rollover.vesting import vesting, years_of_service

D = Decimal
C = load_constants()
GRADED = ((2, D(20)), (3, D(40)), (4, D(60)), (5, D(80)), (6, D(100)))  # 2-to-6-year graded, IRC 411(a)(2)(B)(ii)
CLIFF = ((3, D(100)),)                                                    # 3-year cliff, IRC 411(a)(2)(B)(i)


# ----------------------------------------------------------------------------- vesting

@pytest.mark.parametrize("schedule, start, left, years, pct, kept, forfeited, next_date, days, adds, close", [
    # 2021-03-01 to 2026-01-15: the 5th anniversary (2026-03-01) not reached → 4 years → 60 %.
    # 60 % × 10,000 = 6,000 kept, 4,000 forfeited. Next: 80 % on 2026-03-01, 16 (Jan 16-31) + 28 (Feb) + 1 = 45
    # days away; 80 % × 10,000 − 6,000 = 2,000 more.
    (GRADED, date(2021, 3, 1), date(2026, 1, 15), 4, D(60), D(6_000), D(4_000), date(2026, 3, 1), 45, D(2_000), True),
    # cliff: 2023-06-10 to 2026-06-09 is 2 years (the 3rd anniversary is the next day) → 0 %, all 10,000 lost;
    # one more day vests all of it.
    (CLIFF, date(2023, 6, 10), date(2026, 6, 9), 2, D(0), D(0), D(10_000), date(2026, 6, 10), 1, D(10_000), True),
    # leaving on the 3rd anniversary itself: 3 years → 100 %, nothing lost, no next step
    (CLIFF, date(2023, 6, 10), date(2026, 6, 10), 3, D(100), D(10_000), D(0), None, None, None, False),
    # 2024-01-01 to 2026-01-01: 2 years → 20 % = 2,000; next 40 % on 2027-01-01, 365 days away: not close
    (GRADED, date(2024, 1, 1), date(2026, 1, 1), 2, D(20), D(2_000), D(8_000), date(2027, 1, 1), 365, D(2_000), False),
    # the 90-day edge: 2026-01-15 to 2026-04-15 is 16 + 28 + 31 + 15 = 90 days → close
    (GRADED, date(2021, 4, 15), date(2026, 1, 15), 4, D(60), D(6_000), D(4_000), date(2026, 4, 15), 90, D(2_000), True),
    # one day earlier: 91 days → not close
    (GRADED, date(2021, 4, 15), date(2026, 1, 14), 4, D(60), D(6_000), D(4_000), date(2026, 4, 15), 91, D(2_000), False),
    # started on Feb 29, 2020: the 5th anniversary in 2025 falls on Feb 28 → 5 years on 2025-02-28 → 80 %
    (GRADED, date(2020, 2, 29), date(2025, 2, 28), 5, D(80), D(8_000), D(2_000), date(2026, 2, 28), 365, D(2_000), False),
], ids=["graded-45-days-short", "cliff-one-day-short", "cliff-on-the-anniversary", "graded-a-year-away",
        "exactly-90-days-is-close", "91-days-is-not", "leap-day-start"])
def test_vesting(schedule, start, left, years, pct, kept, forfeited, next_date, days, adds, close):
    figure = vesting(schedule=schedule, employer_money=D(10_000), service_start=start, separation_date=left)
    v = figure.value
    assert (v["years_of_service"], v["vested_pct"], v["kept"], v["forfeited"]) == (years, pct, kept, forfeited)
    assert (v["next_step_date"], v["days_to_next_step"], v["next_step_adds"]) == (next_date, days, adds)
    assert v["next_step_close"] is close and figure.has("next_step_close") is close
    assert figure.has("forfeits") is (forfeited > 0)


def test_vesting_without_employer_money_has_no_next_step():
    v = vesting(schedule=GRADED, employer_money=D(0), service_start=date(2024, 1, 1), separation_date=date(2026, 1, 1)).value
    assert (v["kept"], v["forfeited"], v["next_step_date"]) == (D(0), D(0), None)


def test_years_of_service_count_whole_anniversaries():
    assert years_of_service(date(2020, 5, 1), date(2026, 4, 30)) == 5   # the 6th anniversary is May 1
    assert years_of_service(date(2020, 5, 1), date(2026, 5, 1)) == 6
    assert years_of_service(date(2026, 5, 1), date(2026, 12, 31)) == 0


# ----------------------------------------------------------------------------- a loan offset

@pytest.mark.parametrize("decision, income_tax, additional, cost", [
    # 8,000 offset at 22 % + 5 % = 27 %: 2,160 income tax; 10 % × 8,000 = 800; 2,960 in all
    (no_exception(C), D(2_160), D(800), D(2_960)),
    # an exception (the rule of 55, say) takes the 800 off: 2,160
    (AdditionalTax(D(0), "Rule of 55", "IRC 72(t)(2)(A)(v)", "rule_of_55"), D(2_160), D(0), D(2_160)),
], ids=["before-59-half", "with-an-exception"])
def test_loan_offset(decision, income_tax, additional, cost):
    figure = loan_offset(C, loan=D(8_000), offset_year=2026, marginal_rate_pct=D(22), state_rate_pct=D(5),
                         additional_tax=decision)
    v = figure.value
    assert (v["offset"], v["withheld"], v["income_tax"], v["additional_tax"], v["cost_if_not_rolled"]) == (
        D(8_000), D(0), income_tax, additional, cost)
    # the 2026 return is due April 15, 2027; an extension runs to October 15, 2027 (IRC 6072(a), 6081(a))
    assert (v["rollover_deadline"], v["rollover_deadline_extended"]) == (date(2027, 4, 15), date(2027, 10, 15))


# ----------------------------------------------------------------------------- required minimum distributions

@pytest.mark.parametrize("born, age", [
    (date(1949, 6, 30), D("70.5")),   # 70½ before July 1, 2019: the law before the SECURE Act
    (date(1949, 7, 1), D(72)),        # SECURE Act 2019, s.114
    (date(1950, 12, 31), D(72)),
    (date(1951, 1, 1), D(73)),        # SECURE 2.0 s.107: born 1951-1959
    (date(1959, 12, 31), D(73)),
    (date(1960, 1, 1), D(75)),        # born 1960 or later
])
def test_rmd_age_by_birth_date(born, age):
    assert rmd_age(C, born).value == age


@pytest.mark.parametrize("kind, born, retired, working, first_year, beginning, exception", [
    # an IRA: 73 in 2026 for someone born in 1953 → first RMD for 2026, due April 1, 2027
    (IRA_ACCOUNT, date(1953, 5, 5), None, False, 2026, date(2027, 4, 1), False),
    # an IRA ignores work: still 2026
    (IRA_ACCOUNT, date(1953, 5, 5), 2029, True, 2026, date(2027, 4, 1), False),
    # the plan of the employer still worked for, no date to leave: none until retirement
    (EMPLOYER_PLAN, date(1953, 5, 5), None, True, None, None, True),
    # left that employer in 2028, at 75: first RMD for 2028, due April 1, 2029
    (EMPLOYER_PLAN, date(1953, 5, 5), 2028, False, 2028, date(2029, 4, 1), True),
    # left in 2020, before the RMD year: the age decides → 2026
    (EMPLOYER_PLAN, date(1953, 5, 5), 2020, False, 2026, date(2027, 4, 1), False),
    # born 1960: 75 in 2035 → first RMD for 2035, due April 1, 2036
    (EMPLOYER_PLAN, date(1960, 2, 1), 2025, False, 2035, date(2036, 4, 1), False),
    # born mid-1949: 70½ on 2019-12-30 → 2019
    (IRA_ACCOUNT, date(1949, 6, 30), None, False, 2019, date(2020, 4, 1), False),
], ids=["ira", "ira-no-still-working-exception", "still-working", "retired-after-rmd-age", "retired-before",
        "born-1960", "born-before-july-1949"])
def test_first_rmd(kind, born, retired, working, first_year, beginning, exception):
    v = first_rmd(C, kind=kind, birth_date=born, retired_year=retired, still_working=working).value
    assert (v["first_rmd_year"], v["required_beginning_date"], v["still_working_exception"]) == (first_year, beginning, exception)


def test_a_roth_ira_owes_no_rmd():
    figure = first_rmd(C, kind=ROTH_IRA, birth_date=date(1950, 1, 1))
    assert figure.has("no_rmd") and figure.value["first_rmd_year"] is None


@pytest.mark.parametrize("born, year, first, amount", [
    # 74 in 2026: 500,000 ÷ 25.5 = 19,607.843… → 19,607.84
    (date(1952, 8, 1), 2026, 2025, D("19607.84")),
    # 73 in 2025, the first year: 500,000 ÷ 26.5 = 18,867.924… → 18,867.92
    (date(1952, 8, 1), 2025, 2025, D("18867.92")),
    # the year before the first: nothing
    (date(1952, 8, 1), 2024, 2025, D(0)),
    # 121: the table stops at 120 and over, 2.0 → 250,000
    (date(1905, 1, 1), 2026, 1975, D(250_000)),
    # still working, no first year yet: nothing
    (date(1952, 8, 1), 2026, None, D(0)),
], ids=["age-74", "first-year-age-73", "before-the-first-year", "age-121", "still-working"])
def test_rmd_for_year(born, year, first, amount):
    figure = rmd_for_year(balance_last_dec_31=D(500_000), birth_date=born, tax_year=year, first_rmd_year=first)
    assert figure.value == amount
    assert figure.has("rmd_due") is (amount > 0)


# ----------------------------------------------------------------------------- pre-tax money straight to a Roth IRA

# 50,000 converted at 22 % + 5 % = 27 %: 13,500 tax now. At 6 % for 10 years, 1.06^10 = 1.7908476965…
# the money grows to 50,000 × 1.7908476965 = 89,542.38 (39,542.38 of growth), and the 13,500 paid now would
# have grown to 13,500 × 1.7908476965 = 24,176.44.
@pytest.mark.parametrize("later_rate, tax_later, difference, flag", [
    # 12 % + 5 % = 17 % later: 0.17 × 89,542.38 = 15,222.20; 15,222.20 − 24,176.44 = −8,954.24: converting costs
    (D(12), D("15222.20"), D("-8954.24"), "conversion_costs"),
    # 32 % + 5 % = 37 % later: 0.37 × 89,542.38 = 33,130.68; 33,130.68 − 24,176.44 = 8,954.24: converting saves
    (D(32), D("33130.68"), D("8954.24"), "conversion_saves"),
    # the same 27 % later: 0.27 × 89,542.38 = 24,176.44, no difference
    (D(22), D("24176.44"), D(0), "conversion_even"),
], ids=["lower-rate-later", "higher-rate-later", "same-rate"])
def test_roth_conversion(later_rate, tax_later, difference, flag):
    figure = roth_conversion(amount=D(50_000), marginal_rate_pct=D(22), state_rate_pct=D(5),
                             retirement_rate_pct=later_rate, annual_return_pct=D(6), years=10)
    v = figure.value
    assert (v["tax_now"], v["tax_now_grown"], v["value_at_retirement"], v["tax_free_growth"]) == (
        D(13_500), D("24176.44"), D("89542.38"), D("39542.38"))
    assert (v["tax_later_if_not_converted"], v["difference"]) == (tax_later, difference)
    assert figure.has(flag)


# ----------------------------------------------------------------------------- a late 60-day rollover

def test_late_rollover_self_certification():
    figure = late_rollover(C)
    # Rev. Proc. 2020-46: twelve reasons (the eleven of Rev. Proc. 2016-47 and a state unclaimed property
    # fund), and a deposit within 30 days of the reason ending always counts as soon as practicable
    assert figure.value["days_after_reason"] == D(30)
    assert len(REASONS) == 12 and "state unclaimed property fund" in REASONS[-1]
    assert all("Rev. Proc. 2020-46" in step.source for step in figure.steps if step.source)


# ----------------------------------------------------------------------------- no withholding under $200

@pytest.mark.parametrize("amount, withheld", [
    (D("199.99"), D(0)),       # under $200: nothing withheld (Treas. Reg. 31.3405(c)-1, Q&A-14)
    (D(200), D(40)),           # $200: 20 % × 200 = 40
    (D(150), D(0)),
], ids=["just-under-200", "at-200", "150"])
def test_no_withholding_on_a_payout_under_200(amount, withheld):
    from generator.rules.rollover import cash_out, taxable_part
    cash = cash_out(C, amount=amount, taxable=taxable_part("pre_tax", amount), marginal_rate_pct=D(12),
                    state_rate_pct=D(0), additional_tax=no_exception(C))
    assert cash.value["withheld"] == withheld
    assert cash.value["net_cash"] == amount - withheld


# ----------------------------------------------------------------------------- the Roth five-year clocks

from generator.limits import load_limits  # noqa: E402
from generator.rules.rollover import (Leaver, PlanLeft, Vesting, reached_penalty_free_age,  # noqa: E402
                                      roth_ira_five_years, roth_qualified_distribution, rollover_options)


@pytest.mark.parametrize("first_year, paid, qualified, flag", [
    # born 1960-01-01: 59½ on 2019-07-01. First Roth contribution 2021: the five taxable years 2021-2025 are over
    # on January 1, 2026 → a 2026 payout is qualified
    (2021, date(2026, 1, 2), True, None),
    # first contribution 2022: qualified only from 2027
    (2022, date(2026, 12, 31), False, "five_years_not_met"),
    # not in the profile: not assumed
    (None, date(2026, 6, 1), False, "five_years_unknown"),
], ids=["five-years-met", "one-year-short", "unknown-not-assumed"])
def test_roth_qualified_distribution(first_year, paid, qualified, flag):
    at_59_half = reached_penalty_free_age(C, birth_date=date(1960, 1, 1), distribution_date=paid)
    figure = roth_qualified_distribution(C, reached_59_half=at_59_half, first_roth_year=first_year,
                                         distribution_year=paid.year)
    assert figure.value is qualified
    assert flag is None or figure.has(flag)


@pytest.mark.parametrize("cause, first_year, qualified", [
    # born 1980-01-01, paid in 2026 at 46: before 59½. 402A(d)(2)(A) takes 408A(d)(2)(A)'s list, so a payout on
    # disability or after death qualifies once the five years (first contribution 2018 → from 2023) are over
    ("disability", 2018, True),
    ("death", 2018, True),
    # ... but never before the five years: first contribution 2023 → qualified only from 2028
    ("disability", 2023, False),
    # no such cause: at 46 the payout is not qualified, however old the account
    (None, 2018, False),
], ids=["disability", "death", "disability-five-years-short", "neither-before-59-half"])
def test_roth_qualified_on_disability_or_death(cause, first_year, qualified):
    paid = date(2026, 6, 1)
    at_59_half = reached_penalty_free_age(C, birth_date=date(1980, 1, 1), distribution_date=paid)
    figure = roth_qualified_distribution(C, reached_59_half=at_59_half, first_roth_year=first_year,
                                         distribution_year=paid.year, disability_or_death=cause)
    assert figure.value is qualified


@pytest.mark.parametrize("first_ira_year, balance, start, qualified_from", [
    (None, D(0), 2026, 2031),        # no Roth IRA yet: the 2026 rollover starts its clock → 2026 + 5 = 2031
    (2012, D(60_000), 2012, 2017),   # a Roth IRA since 2012: its clock ran out in 2017, whatever the plan's
    (None, D(60_000), None, None),   # a Roth IRA whose first year is not given: not known
], ids=["rollover-starts-the-clock", "old-roth-ira", "unknown"])
def test_roth_ira_clock_replaces_the_plans(first_ira_year, balance, start, qualified_from):
    v = roth_ira_five_years(C, first_roth_ira_year=first_ira_year, roth_ira_balance=balance, rollover_year=2026).value
    assert (v["clock_start"], v["qualified_from"]) == (start, qualified_from)


# ----------------------------------------------------------------------------- what can move

def test_forfeited_money_and_this_years_rmd_are_left_out_of_the_options():
    # Vesting: 64,000 pre-tax holding 18,000 of employer money, 60 % vested after 4 years → 7,200 forfeited:
    # 64,000 − 7,200 = 56,800 to compare
    luis = rollover_options(load_limits(2026), C, Leaver(date(1984, 6, 12), D(22), D(5)), PlanLeft(
        balances={"pre_tax": D(64_000)}, distribution_date=date(2026, 7, 31), separation_year=2026,
        vesting=Vesting(((2, D(20)), (3, D(40)), (4, D(60)), (5, D(80)), (6, D(100))), D(18_000), date(2021, 9, 15))))
    assert luis.sources["pre_tax"].amount == D(56_800)
    # RMD: born 1952 (73 in 2025), left in 2017: 420,000 ÷ 25.5 = 16,470.59 first, 410,000 − 16,470.59 = 393,529.41
    ruth = rollover_options(load_limits(2026), C, Leaver(date(1952, 3, 20), D(22), D(4)), PlanLeft(
        balances={"pre_tax": D(410_000)}, distribution_date=date(2026, 1, 1), separation_year=2017,
        dec_31_last_year=D(420_000)))
    assert ruth.rmd_this_year.value == D("16470.59")
    assert ruth.sources["pre_tax"].amount == D("393529.41")
    # leaving the job in the year of 75 (born 1951: RMD age 73): the still-working exception ends with the job,
    # so the year of leaving is the first RMD year; 100,000 (today's balance, none given for Dec 31) ÷ 24.6 = 4,065.04
    late = rollover_options(load_limits(2026), C, Leaver(date(1951, 2, 1), D(22)), PlanLeft(
        balances={"pre_tax": D(100_000)}, distribution_date=date(2026, 6, 30), separation_year=2026))
    assert late.first_rmd.value["first_rmd_year"] == 2026 and late.first_rmd.value["still_working_exception"]
    assert late.rmd_this_year.value == D("4065.04")
