"""Step labels that name a rate, an amount or a date use the site's one style (generator/formatting.py):
"24%" (no space, no trailing ".00"), "$1,234" / "$1,234.56", "Apr 15, 2027". Each expected label is
written by hand from the inputs beside it, never copied from the program's output."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.limits import load_constants, load_limits
from generator.rules.brackets import bracket_room, tax_on_added_income
from generator.rules.employer_stock import net_unrealized_appreciation
from generator.rules.match import employer_match
from generator.rules.rollover import excess_deferrals, no_exception
from generator.rules.rollover.conversion import roth_conversion
from generator.rules.rollover.late_rollover import late_rollover
from generator.rules.rollover.loan import loan_offset
from generator.rules.rollover.payout import withholding_pct
from generator.rules.rollover.vesting import vesting
from generator.rules.withdrawal import withdrawal_at_brackets

D = Decimal
C = load_constants()
L2026 = load_limits(2026)


def labels(figure) -> list[str]:
    return [step.label for step in figure.steps]


LABELS = [
    # 22 % federal + 5 % state, given as Decimal("22.00") the way a profile's two-place percent arrives;
    # the loan is offset in 2026, so the return is due Apr 15, 2027 and Oct 15, 2027 with an extension
    ("loan-rates-and-deadlines",
     lambda: loan_offset(C, loan=D(8_000), offset_year=2026, marginal_rate_pct=D("22.00"), state_rate_pct=D("5.00"),
                         additional_tax=no_exception(C)),
     ["Your federal marginal rate (22%) + state rate (5%)",
      "To keep it untaxed, put the same amount into an IRA or a plan by Apr 15, 2027, or by Oct 15, 2027 "
      "if you extend your return (later when that day is a weekend or holiday)"]),
    # 24 % now and 22 % in retirement, 5 % state, 6.5 % a year for 20 years
    ("conversion-rates",
     lambda: roth_conversion(amount=D(10_000), marginal_rate_pct=D(24), state_rate_pct=D("5.0"),
                             retirement_rate_pct=D(22), annual_return_pct=D("6.50"), years=20),
     ["Growth at 6.5% a year for 20 years",
      "Your federal marginal rate (24%) + state rate (5%)",
      "Your federal marginal rate in retirement (22%) + state rate (5%)"]),
    # graded 20 % a year from year 2: 2024-01-01 to 2026-01-01 is 2 years (20 %); the next step, 40 %,
    # comes on the third anniversary, Jan 1, 2027, 365 days after leaving
    ("vesting-next-step",
     lambda: vesting(schedule=((2, D(20)), (3, D(40)), (4, D(60)), (5, D(80)), (6, D(100))), employer_money=D(10_000),
                     service_start=date(2024, 1, 1), separation_date=date(2026, 1, 1)),
     ["Service from Jan 1, 2024 to Jan 1, 2026: whole years",
      "Next step: 40% vested after 3 years of service, on Jan 1, 2027, 365 days after you leave",
      "Employer money vested at 40%"]),
    # single, 21,900 of taxable income: the 12 % bracket starts over 12,400 and the 22 % one at 50,400
    ("bracket-room",
     lambda: bracket_room(L2026, filing_status="single", taxable_income=D(21_900)),
     ["Your bracket: 12% on taxable income over $12,400", "Where the 22% bracket starts", "Room left at 12%"]),
    # 21,900 + 1,000.50 stays inside the 12 % bracket (to 50,400)
    ("bracket-tax-with-cents",
     lambda: tax_on_added_income(L2026, filing_status="single", taxable_income=D(21_900), added=D("1000.50")),
     ["The part from $21,900 to $22,900.50 of taxable income", "Taxed at 12%"]),
    # 2026 excess deferrals are claimed by Mar 1, 2027 and paid back by Apr 15, 2027
    ("excess-deferral-deadlines",
     lambda: excess_deferrals(L2026, deferrals_by_employer={"A": D(15_000), "B": D(22_000)}, age_on_dec_31=40),
     ["Tell the plan that is to pay it back by Mar 1, 2027 (plans may require the claim by then)"]),
    # 4 % state on a payout that fits in the 12 % bracket
    ("withdrawal-state-rate",
     lambda: withdrawal_at_brackets(L2026, C, amount=D(5_000), taxable=D(5_000), filing_status="single",
                                    taxable_income=D(21_900), state_rate_pct=D("4.00"), additional_tax=D(0)),
     ["Your state rate (4%)"]),
    # the 60-day window of IRC 402(c)(3)
    ("late-rollover-window",
     lambda: late_rollover(C),
     ["Missed the 60-day deadline: you may still roll the money over by certifying in writing to the IRA or plan "
      "that receives it that you qualify"]),
]


@pytest.mark.parametrize("make, expected", [case[1:] for case in LABELS], ids=[case[0] for case in LABELS])
def test_labels_use_the_one_number_and_date_style(make, expected):
    found = labels(make())
    for label in expected:
        assert label in found


def test_no_withholding_under_the_floor_names_it_in_dollars():
    # under the $200 floor of Treas. Reg. 31.3405(c)-1, Q&A-14: no withholding
    rate, step = withholding_pct(C, D(150))
    assert (rate, step.label) == (D(0), "Mandatory federal withholding: none on a payout under $200")


def test_nua_rates_read_as_percents():
    # 15 % gains (not in the profile) + 5 % state; 22 % in retirement + 5 % state
    figure = net_unrealized_appreciation(
        L2026, C, market_value=D(50_000), cost_basis=D(10_000), filing_status="single", taxable_income=D(60_000),
        marginal_rate_now_pct=D(22), retirement_rate_pct=D("22.00"), state_rate_pct=D("5.00"),
        capital_gains_rate_pct=None, additional_tax_applies=False)
    found = " | ".join(labels(figure))
    assert "(15% + 5%)" in found and "(22% + 5%)" in found
    assert " %" not in found


def test_match_tiers_read_as_percents():
    from generator.rules.payroll import Payroll

    class Tier:  # 100 % of the first 3 % of pay, then 50 % of the next 2 %
        def __init__(self, rate, up_to):
            self.rate_pct, self.up_to_pct = D(rate), D(up_to)

    payroll = Payroll(compensation=D(100_000), plan_compensation=D(100_000), paychecks=26, increment_pct=D(1),
                      max_total_pct=D(100), deferral_room=D(24_500), catch_up_room=D(0),
                      annual_additions_limit=D(72_000), tiers=(Tier("100.00", "3.00"), Tier("50", "5")),
                      match_per_paycheck=False, true_up=True, matches_after_tax=False, nonelective=D(0),
                      roth_offered=True, after_tax_offered=False, after_tax_max_pct=None, roth_catch_up_required=False)
    found = labels(employer_match(payroll, matched_pct=D("5.00")))
    assert "Your matched contributions: 5% of that pay" in found
    assert "100% of your contributions between 0% and 3% of pay" in found
    assert "50% of your contributions between 3% and 5% of pay" in found
