"""Growth projection: the closed-form annuity for both timings, year by year, against a taxable account.

Formulas (DOMAIN.md, "Projections"): contributions P a year for n years at return r
- end of each year (ordinary annuity):  FV = P × ((1 + r)^n − 1) ÷ r
- start of each year (annuity due):     FV = P × ((1 + r)^n − 1) ÷ r × (1 + r)
- r = 0:                                FV = P × n
The taxable account uses r − tax drag. Every expected number is worked by hand beside its case.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.rules.projection import (
    TIMINGS,
    growth_projection,
    projection_by_year,
    roth_projection,
    taxable_account_projection,
)

D = Decimal

ROTH_CASES = [
    # (P, r %, n, timing) -> FV
    # (1.1³ − 1) ÷ 0.1 = (1.331 − 1) ÷ 0.1 = 3.31; × 1000 = 3,310
    ((D(1000), D(10), 3, "end_of_year"), D("3310.00")),
    # 3,310 × 1.1 = 3,641
    ((D(1000), D(10), 3, "start_of_year"), D("3641.00")),
    # no return: 10,000 × 5 whatever the timing
    ((D(10000), D(0), 5, "end_of_year"), D("50000.00")),
    ((D(10000), D(0), 5, "start_of_year"), D("50000.00")),
    # 1.05^30 by squaring: 1.05² = 1.1025, ^4 = 1.21550625, ^8 = 1.4774554437890625,
    # ^16 = 2.182874588..., ^30 = ^16 × ^8 × ^4 × ^2 = 4.3219423751506...(table value 4.32194);
    # (4.3219423751506 − 1) ÷ 0.05 = 66.438847503012; × 20,000 = 1,328,776.95
    # (one seed article claims "over $2,000,000" for these inputs: it is wrong)
    ((D(20000), D(5), 30, "end_of_year"), D("1328776.95")),
    # 1,328,776.95006 × 1.05 = 1,395,215.7976 → 1,395,215.80
    ((D(20000), D(5), 30, "start_of_year"), D("1395215.80")),
    # doubling money: (2² − 1) ÷ 1 = 3 → 3; start × 2 = 6
    ((D(1), D(100), 2, "end_of_year"), D("3.00")),
    ((D(1), D(100), 2, "start_of_year"), D("6.00")),
    # a falling market: (0.5² − 1) ÷ (−0.5) = 1.5 → 1,500; start × 0.5 = 750
    ((D(1000), D(-50), 2, "end_of_year"), D("1500.00")),
    ((D(1000), D(-50), 2, "start_of_year"), D("750.00")),
    # one year: end of year is just the contribution; start earns a year: 36,700 × 1.06 = 38,902
    ((D(36700), D(6), 1, "end_of_year"), D("36700.00")),
    ((D(36700), D(6), 1, "start_of_year"), D("38902.00")),
    # no years yet: nothing
    ((D(36700), D(6), 0, "end_of_year"), D("0.00")),
    # 2 years at 6 %: (1.06² − 1) ÷ 0.06 = 0.1236 ÷ 0.06 = 2.06; × 333.33 = 686.6598 → 686.66
    ((D("333.33"), D(6), 2, "end_of_year"), D("686.66")),
]


@pytest.mark.parametrize("inputs, expected", ROTH_CASES, ids=[
    "end-of-year-10pct-3y", "start-of-year-10pct-3y", "zero-return-end", "zero-return-start",
    "end-of-year-5pct-30y", "start-of-year-5pct-30y", "doubling-end", "doubling-start",
    "negative-return-end", "negative-return-start", "one-year-end", "one-year-start", "zero-years",
    "rounds-to-cents",
])
def test_roth_projection_matches_the_annuity_formula(inputs, expected):
    contribution, return_pct, years, timing = inputs
    figure = roth_projection(annual_contribution=contribution, annual_return_pct=return_pct, years=years,
                             timing=timing)
    assert figure.value == expected
    assert figure.steps[-1].op == "=" and figure.steps[-1].amount == expected
    assert figure.sources


TAXABLE_CASES = [
    # (P, r %, drag %, n, timing) -> FV at r − drag
    # 7 − 2 = 5 %: (1.05² − 1) ÷ 0.05 = 0.1025 ÷ 0.05 = 2.05; × 1000 = 2,050
    ((D(1000), D(7), D(2), 2, "end_of_year"), D("2050.00")),
    # 2,050 × 1.05 = 2,152.50
    ((D(1000), D(7), D(2), 2, "start_of_year"), D("2152.50")),
    # no drag: the same as the Roth, 3,310 (see the Roth cases)
    ((D(1000), D(10), D(0), 3, "end_of_year"), D("3310.00")),
    # drag eats the whole return: 1,000 × 4
    ((D(1000), D(1), D(1), 4, "start_of_year"), D("4000.00")),
]


@pytest.mark.parametrize("inputs, expected", TAXABLE_CASES, ids=[
    "drag-2pct-end", "drag-2pct-start", "no-drag-equals-roth", "drag-equals-return",
])
def test_taxable_account_projection(inputs, expected):
    contribution, return_pct, drag, years, timing = inputs
    figure = taxable_account_projection(annual_contribution=contribution, annual_return_pct=return_pct,
                                        tax_drag_pct=drag, years=years, timing=timing)
    assert figure.value == expected
    # the drag is stated as a step of its own, with its assumption as the source
    assert any(step.amount == drag and "assumption" in step.source for step in figure.steps)


def test_growth_projection_json_shape():
    figure = growth_projection(annual_contribution=D(1000), annual_return_pct=D(7), years=2, tax_drag_pct=D(2),
                               timing="start_of_year")
    assert figure.name == "projection"
    value = figure.value
    assert {"years", "annual_return_pct", "timing", "roth_value", "taxable_account_value"} <= set(value)
    # Roth at 7 %: (1.07² − 1) ÷ 0.07 = 0.1449 ÷ 0.07 = 2.07; × 1.07 = 2.2149; × 1000 = 2,214.90
    # taxable at 5 %: 2,152.50 (above); money put in 1,000 × 2 = 2,000
    assert value["years"] == 2 and value["timing"] == "start_of_year" and value["annual_return_pct"] == D(7)
    assert (value["roth_value"], value["taxable_account_value"], value["contributed"]) == (
        D("2214.90"), D("2152.50"), D("2000.00"))
    # 2,214.90 − 2,152.50 = 62.40 is what tax-free growth adds
    assert figure.steps[-1].amount == D("62.40")


BY_YEAR_CASES = [
    # 1,000 a year at 10 %, end of year: 1,000; 1,000 × 1.1 + 1,000 = 2,100; 2,100 × 1.1 + 1,000 = 3,310
    ("end_of_year", [D("1000.00"), D("2100.00"), D("3310.00")]),
    # start of year: 1,000 × 1.1 = 1,100; (1,100 + 1,000) × 1.1 = 2,310; (2,310 + 1,000) × 1.1 = 3,641
    ("start_of_year", [D("1100.00"), D("2310.00"), D("3641.00")]),
]


@pytest.mark.parametrize("timing, roth", BY_YEAR_CASES, ids=["year-by-year-end", "year-by-year-start"])
def test_projection_by_year(timing, roth):
    rows = projection_by_year(annual_contribution=D(1000), annual_return_pct=D(10), years=3, tax_drag_pct=D(10),
                              timing=timing)
    assert [row.year for row in rows] == [1, 2, 3]
    assert [row.roth_value for row in rows] == roth
    assert [row.contributed for row in rows] == [D(1000), D(2000), D(3000)]
    # a 10 % drag on a 10 % return leaves no growth: the taxable account holds what was put in
    assert [row.taxable_account_value for row in rows] == [D(1000), D(2000), D(3000)]


@pytest.mark.parametrize("bad", [dict(timing="mid_year"), dict(years=-1)], ids=["unknown-timing", "negative-years"])
def test_projection_rejects_bad_inputs(bad):
    arguments = dict(annual_contribution=D(1000), annual_return_pct=D(6), years=3, timing="end_of_year") | bad
    with pytest.raises(ValueError):
        roth_projection(**arguments)


# ----------------------------------------------------------------------------- properties

contributions = st.decimals(min_value=1, max_value=100_000, places=2)
returns = st.decimals(min_value=0, max_value=15, places=1)
drags = st.decimals(min_value=0, max_value=3, places=1)
years = st.integers(min_value=0, max_value=45)
timings = st.sampled_from(TIMINGS)


@given(p=contributions, r=returns, n=years, timing=timings)
def test_projection_increases_with_years(p, r, n, timing):
    shorter = roth_projection(annual_contribution=p, annual_return_pct=r, years=n, timing=timing).value
    longer = roth_projection(annual_contribution=p, annual_return_pct=r, years=n + 1, timing=timing).value
    assert longer > shorter


@given(p=contributions, r=returns, n=years, timing=timings)
def test_projection_never_falls_as_the_return_rises(p, r, n, timing):
    low = roth_projection(annual_contribution=p, annual_return_pct=r, years=n, timing=timing).value
    high = roth_projection(annual_contribution=p, annual_return_pct=r + D("0.5"), years=n, timing=timing).value
    assert high >= low


@given(p=contributions, r=returns, n=years)
def test_start_of_year_is_never_below_end_of_year(p, r, n):
    end = roth_projection(annual_contribution=p, annual_return_pct=r, years=n, timing="end_of_year").value
    start = roth_projection(annual_contribution=p, annual_return_pct=r, years=n, timing="start_of_year").value
    assert start >= end >= p * n


@given(p=contributions, r=returns, drag=drags, n=years, timing=timings)
def test_taxable_account_never_beats_the_roth(p, r, drag, n, timing):
    value = growth_projection(annual_contribution=p, annual_return_pct=r, years=n, tax_drag_pct=drag,
                              timing=timing).value
    assert value["taxable_account_value"] <= value["roth_value"]


@given(p=contributions, r=returns, drag=drags, n=st.integers(min_value=1, max_value=45), timing=timings)
def test_year_by_year_ends_at_the_closed_form(p, r, drag, n, timing):
    rows = projection_by_year(annual_contribution=p, annual_return_pct=r, years=n, tax_drag_pct=drag, timing=timing)
    value = growth_projection(annual_contribution=p, annual_return_pct=r, years=n, tax_drag_pct=drag,
                              timing=timing).value
    assert len(rows) == n
    assert (rows[-1].roth_value, rows[-1].taxable_account_value) == (value["roth_value"],
                                                                      value["taxable_account_value"])
