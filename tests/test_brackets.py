"""Federal income tax at the year's brackets, and a partial withdrawal priced at them.

Every expected number is worked out by hand in the comment beside its case, from the rate tables of
the year's Revenue Procedure (generator/limits/YEAR.yaml, income_tax_brackets):
  2026 single:  10 % to 12,400; 12 % to 50,400; 22 % to 105,700; 24 % to 201,775; 32 % to 256,225;
                35 % to 640,600; 37 % above (Rev. Proc. 2025-32)
  2026 joint:   10 % to 24,800; 12 % to 100,800; 22 % to 211,400; 24 % to 403,550; ...
  2025 single:  10 % to 11,925; 12 % to 48,475; 22 % to 103,350; 24 % to 197,300; 32 % to 250,525;
                35 % to 626,350 (Rev. Proc. 2024-40)
  2018 separate: 35 % to 300,000, 37 % above (Rev. Proc. 2018-18)
Withholding 20 % of the taxable part (IRC 3405(c)).
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from worked import replay as _replay

from generator.limits import load_constants, load_limits
from generator.rules.brackets import bracket_room, tax_at_brackets, tax_on_added_income
from generator.rules.withdrawal import withdrawal_at_brackets

D = Decimal
C = load_constants()
L2026 = load_limits(2026)


@pytest.mark.parametrize("year, status, taxable_income, tax", [
    # 10 % × 10,000
    (2026, "single", 10_000, D("1000.00")),
    # 1,240 (10 % × 12,400) + 12 % × 38,000 = 4,560 → 5,800 at the top of the 12 % bracket
    (2026, "single", 50_400, D("5800.00")),
    # 5,800 + 22 % × 55,300 = 12,166 → 17,966; + 24 % × 96,075 = 23,058 → 41,024; + 32 % × 54,450 =
    # 17,424 → 58,448; + 35 % × 384,375 = 134,531.25 → 192,979.25
    (2026, "single", 640_600, D("192979.25")),
    # 2025, the top of the 35 % bracket: 1,192.50 + 4,386 + 12,072.50 + 22,548 + 17,032 + 131,538.75 = 188,769.75
    (2025, "single", 626_350, D("188769.75")),
    # a surviving spouse uses the joint table: 10 % × 24,800 = 2,480 + 12 % × 5,200 = 624 → 3,104
    (2026, "qualifying_surviving_spouse", 30_000, D("3104.00")),
    (2026, "single", 0, D("0.00")),
], ids=["first-bracket", "top-of-12", "top-of-35-2026", "top-of-35-2025", "surviving-spouse-joint-table", "nothing"])
def test_tax_at_brackets(year, status, taxable_income, tax):
    assert tax_at_brackets(load_limits(year).income_tax_brackets, status, D(taxable_income)) == tax


@pytest.mark.parametrize("year, status, taxable_income, added, tax", [
    # all of it in the 10 % bracket: 10 % × 10,000
    (2026, "single", 0, 10_000, D("1000.00")),
    # 2,400 fills the 10 % bracket (12,400 − 10,000) = 240, 2,600 at 12 % = 312 → 552
    (2026, "single", 10_000, 5_000, D("552.00")),
    # joint: 11,400 at 22 % (to 211,400) = 2,508, 8,600 at 24 % = 2,064 → 4,572
    (2026, "married_joint", 200_000, 20_000, D("4572.00")),
    # 2018 separate: the 37 % bracket starts at 300,000, so all 10,000 is at 37 % = 3,700
    (2018, "married_separate", 300_000, 10_000, D("3700.00")),
    # head of household 2026: 12 % to 67,450, so 7,450 at 12 % = 894 + 2,550 at 22 % = 561 → 1,455
    (2026, "head_of_household", 60_000, 10_000, D("1455.00")),
], ids=["within-one-bracket", "across-10-and-12", "joint-across-22-and-24", "separate-top-bracket-2018",
        "head-of-household-across-12-and-22"])
def test_tax_on_added_income_taxes_each_part_at_its_brackets_rate(year, status, taxable_income, added, tax):
    figure = tax_on_added_income(load_limits(year), filing_status=status, taxable_income=D(taxable_income),
                                 added=D(added))
    assert figure.value == tax
    _replay(figure.steps)


@pytest.mark.parametrize("status, taxable_income, rate, next_rate, room", [
    # 50,400 − 21,900 = 28,500 left at 12 %
    ("single", 21_900, 12, 22, 28_500),
    # at the threshold the next dollar is over it: 22 %, room 105,700 − 50,400 = 55,300
    ("single", 50_400, 22, 24, 55_300),
    # one dollar below it: 12 %, room 1
    ("single", 50_399, 12, 22, 1),
    # joint 24 % bracket: 403,550 − 300,000 = 103,550
    ("married_joint", 300_000, 24, 32, 103_550),
    # separate 35 % ends at 384,350: 384,350 − 300,000 = 84,350
    ("married_separate", 300_000, 35, 37, 84_350),
    # the top bracket has no room above it
    ("single", 700_000, 37, None, None),
], ids=["in-12", "at-a-threshold", "just-below-a-threshold", "joint-24", "separate-35", "top-bracket"])
def test_bracket_room(status, taxable_income, rate, next_rate, room):
    figure = bracket_room(L2026, filing_status=status, taxable_income=D(taxable_income))
    assert figure.value == {"rate_pct": D(rate), "next_rate_pct": None if next_rate is None else D(next_rate),
                            "room": None if room is None else D(room)}
    _replay(figure.steps)


@settings(max_examples=60, deadline=None)
@given(income=st.integers(0, 900_000), added=st.integers(0, 300_000),
       status=st.sampled_from(["single", "head_of_household", "married_joint", "married_separate"]))
def test_tax_on_added_income_is_the_difference_of_two_taxes(income, added, status):
    # the tax a payout adds is the tax with it minus the tax without it, within the cent of rounding
    # of each bracket's part
    with_it = tax_at_brackets(L2026.income_tax_brackets, status, D(income + added))
    without = tax_at_brackets(L2026.income_tax_brackets, status, D(income))
    added_tax = tax_on_added_income(L2026, filing_status=status, taxable_income=D(income), added=D(added)).value
    assert abs(added_tax - (with_it - without)) <= D("0.01")
    assert D(0) <= added_tax <= D(added) * D("0.37")


# ----------------------------------------------------------------------------- a partial withdrawal

def _withdrawal(amount, taxable, income, state=0, additional=0, status="single"):
    return withdrawal_at_brackets(L2026, C, amount=D(amount), taxable=D(taxable), filing_status=status,
                                  taxable_income=D(income), state_rate_pct=D(state), additional_tax=D(additional))


def test_rule_of_55_drawdown_of_roth_and_after_tax_money():
    # Hank's 30,000 from 300,000 pre-tax + 60,000 Roth (45,000 contributions) + 30,000 after-tax basis +
    # 10,000 earnings = 400,000: 7.5 % of each → 22,500 pre-tax + 4,500 Roth × (15,000 ÷ 60,000) = 1,125 +
    # 750 after-tax earnings = 24,375 taxable (rollover.partial_payout). Taxable income 21,900 (38,000 pay −
    # 16,100 standard deduction), so 21,900 + 24,375 = 46,275 stays in the 12 % bracket:
    # federal 12 % × 24,375 = 2,925; withheld 20 % × 24,375 = 4,875; state 5 % × 24,375 = 1,218.75;
    # rule of 55: no additional tax. Check 30,000 − 4,875 = 25,125; after all tax 30,000 − 2,925 − 1,218.75 =
    # 25,856.25; at filing 2,925 + 1,218.75 − 4,875 = −731.25 (a refund).
    # Room at 12 %: 50,400 − 21,900 = 28,500 of taxable income; each dollar paid out is 24,375 ÷ 30,000 =
    # 0.8125 taxable, so 28,500 ÷ 0.8125 = 35,076.923… → 35,076.92 can be paid out before any is taxed at 22 %.
    figure = _withdrawal(30_000, 24_375, 21_900, state=5)
    assert figure.value == {
        "paid_out": D("30000.00"), "taxable": D("24375.00"), "tax_free": D("5625.00"), "withheld": D("4875.00"),
        "federal_income_tax": D("2925.00"), "state_income_tax": D("1218.75"), "additional_tax": D("0.00"),
        "net_cash": D("25125.00"), "net_after_tax": D("25856.25"), "tax_due_at_filing": D("-731.25"),
        "refund_at_filing": D("731.25"),        "rate_pct": D(12), "next_rate_pct": D(22), "payout_room": D("35076.92"), "crosses_bracket": False}
    _replay(figure.steps)


@pytest.mark.parametrize("amount, taxable, income, additional, federal, due, room, crosses", [
    # all pre-tax, before 59½ with no exception (additional 3,000 given): 10,400 at 12 % = 1,248 + 19,600 at
    # 22 % = 4,312 → 5,560; due 5,560 + 3,000 − 6,000 withheld = 2,560; room 50,400 − 40,000 = 10,400 (share 1)
    (30_000, 30_000, 40_000, 3_000, D("5560.00"), D("2560.00"), D("10400.00"), True),
    # a third taxable: room 400 ÷ (10,000 ÷ 30,000) = 1,200 exactly; 400 at 12 % = 48 + 9,600 at 22 % = 2,112
    # → 2,160; due 2,160 − 2,000 = 160
    (30_000, 10_000, 50_000, 0, D("2160.00"), D("160.00"), D("1200.00"), True),
    # nothing taxable (a qualified Roth payout): no tax, no withholding, no bracket to cross
    (10_000, 0, 50_000, 0, D("0.00"), D("0.00"), None, False),
    # the top bracket: 37 % × 10,000 = 3,700; due 3,700 − 2,000 = 1,700; no higher bracket
    (10_000, 10_000, 700_000, 0, D("3700.00"), D("1700.00"), None, False),
], ids=["crosses-into-22", "a-third-taxable", "all-tax-free", "top-bracket"])
def test_withdrawal_at_brackets(amount, taxable, income, additional, federal, due, room, crosses):
    figure = _withdrawal(amount, taxable, income, additional=additional)
    value = figure.value
    assert (value["federal_income_tax"], value["tax_due_at_filing"], value["payout_room"], value["crosses_bracket"]) == (
        federal, due, room, crosses)
    assert figure.has("crosses_bracket") is crosses
    _replay(figure.steps)
