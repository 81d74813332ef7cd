"""How the year's Roth-bound after-tax money could grow to retirement, beside a taxable account.

Yearly contributions make an annuity (DOMAIN.md, "Projections"): with a contribution P a year,
a return r and n years,
- at the end of each year (ordinary annuity):  P × ((1 + r)^n − 1) ÷ r
- at the start of each year (annuity due):     the same × (1 + r)
and P × n when r is 0. The taxable account gets the same money at the return less a stated tax
drag (percentage points a year lost to tax on dividends and realised gains); its value is before
any tax due on selling, so the comparison flatters the taxable account a little.

The arithmetic runs exactly at high precision; values are rounded to the cent only at the end.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from ..figure import COUNT, PCT, RATIO, Figure, Step, from_profile
from ..formatting import pct
from ..money import HUNDRED, ZERO, cents

TIMINGS = ("start_of_year", "end_of_year")
TIMING_WORDS = {"start_of_year": "at the start of each year", "end_of_year": "at the end of each year"}
PRECISION = 50  # significant digits of the growth arithmetic (not a legal number)
CONTRIBUTION = "your after-tax space for the year"
ANNUITY = "future value of an annuity: P × ((1 + r)^n − 1) ÷ r"
ANNUITY_DUE = "annuity due: contributions at the start of a year earn one more year of return"


def return_source(annual_return_pct: Decimal) -> str:
    """The citation of an assumed return, printed beside every number that uses it."""
    return f"assumption: {pct(annual_return_pct)} a year, from your profile"


def drag_source(tax_drag_pct: Decimal) -> str:
    return f"assumption: {pct(tax_drag_pct)} of return a year lost to tax"


def _check(years: int, timing: str) -> None:
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}")
    if years < 0:
        raise ValueError("years cannot be negative")


def _annuity_factor(rate_pct: Decimal, years: int, timing: str, source: str) -> tuple[Decimal, list[Step]]:
    """Future value of 1 a year for `years` years, with the steps that derive it."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        rate = rate_pct / HUNDRED
        if rate == ZERO:
            factor = Decimal(years)
            steps = [Step("With no return the factor is the number of years", factor, source, unit=RATIO)]
        else:
            growth = (1 + rate) ** years
            factor = (growth - 1) / rate
            steps = [
                Step(f"Growth of one dollar over {years} years: {1 + rate} to the power {years}",
                     growth, source, unit=RATIO),
                Step("Less the dollar itself", Decimal(1), ANNUITY, "−", RATIO),
                Step("Divided by the annual return as a fraction", rate, ANNUITY, "÷", RATIO),
                Step("Annuity factor, contributions at the end of each year", factor, ANNUITY, "=", RATIO),
            ]
        if timing == "start_of_year":
            factor *= 1 + rate
            steps += [
                Step("Times one more year of return", 1 + rate, ANNUITY_DUE, "×", RATIO),
                Step("Annuity factor, contributions at the start of each year", factor, ANNUITY_DUE, "=", RATIO),
            ]
    return factor, steps


def _future_value(name: str, label: str, contribution: Decimal, rate_pct: Decimal, years: int, timing: str,
                  rate_source: str, head: list[Step]) -> Figure:
    _check(years, timing)
    factor, steps = _annuity_factor(rate_pct, years, timing, rate_source)
    value = cents(contribution * factor)
    steps = head + steps + [
        Step(f"Contribution each year, made {TIMING_WORDS[timing]}", contribution, CONTRIBUTION, "×"),
        Step(label, value, "", "="),
    ]
    return Figure(name, value, tuple(steps))


def roth_projection(*, annual_contribution: Decimal, annual_return_pct: Decimal, years: int,
                    timing: str = "end_of_year") -> Figure:
    """Roth value at retirement of the same contribution every year; growth is tax-free."""
    return _future_value("roth_projection", f"Roth value after {years} years (tax-free)", annual_contribution,
                         annual_return_pct, years, timing, return_source(annual_return_pct), [])


def taxable_account_projection(*, annual_contribution: Decimal, annual_return_pct: Decimal, tax_drag_pct: Decimal,
                               years: int, timing: str = "end_of_year") -> Figure:
    """The same money in a taxable account, growing at the return less the tax drag."""
    net = annual_return_pct - tax_drag_pct
    head = [
        Step("Assumed annual return", annual_return_pct, return_source(annual_return_pct), unit=PCT),
        Step("Tax drag: return lost each year to tax on dividends and realised gains", tax_drag_pct,
             drag_source(tax_drag_pct), "−", PCT),
        Step("Return after tax", net, "", "=", PCT),
    ]
    label = f"Taxable account value after {years} years (before tax on selling)"
    return _future_value("taxable_account_projection", label, annual_contribution, net, years, timing,
                         f"{pct(net)} a year after tax drag", head)


def growth_projection(*, annual_contribution: Decimal, annual_return_pct: Decimal, years: int,
                      tax_drag_pct: Decimal, timing: str = "end_of_year") -> Figure:
    """Roth against taxable, for `guides calc --json` ("projection").

    Value: {years (int), annual_return_pct, timing, annual_contribution, tax_drag_pct, contributed,
    roth_value, taxable_account_value}; the worked steps are in roth_projection and
    taxable_account_projection.
    """
    roth = roth_projection(annual_contribution=annual_contribution, annual_return_pct=annual_return_pct,
                           years=years, timing=timing)
    taxable = taxable_account_projection(annual_contribution=annual_contribution, annual_return_pct=annual_return_pct,
                                         tax_drag_pct=tax_drag_pct, years=years, timing=timing)
    steps = (
        Step("Years to retirement", Decimal(years), from_profile("assumptions.years_to_retirement"), unit=COUNT),
        Step(f"Roth value, contributions {TIMING_WORDS[timing]}", roth.value, return_source(annual_return_pct)),
        Step("Taxable account value (before tax on selling)", taxable.value, drag_source(tax_drag_pct), "−"),
        Step("What tax-free growth adds", roth.value - taxable.value, "", "="),
    )
    value = {
        "years": years,
        "annual_return_pct": annual_return_pct,
        "timing": timing,
        "annual_contribution": annual_contribution,
        "tax_drag_pct": tax_drag_pct,
        "contributed": cents(annual_contribution * years),
        "roth_value": roth.value,
        "taxable_account_value": taxable.value,
    }
    return Figure("projection", value, steps)


@dataclass(frozen=True)
class ProjectionYear:
    """One row of the projection table and one point of the chart (values at the end of `year`)."""

    year: int
    contributed: Decimal
    roth_value: Decimal
    taxable_account_value: Decimal


def _grow(balance: Decimal, contribution: Decimal, rate: Decimal, timing: str) -> Decimal:
    if timing == "start_of_year":
        return (balance + contribution) * (1 + rate)
    return balance * (1 + rate) + contribution


def projection_by_year(*, annual_contribution: Decimal, annual_return_pct: Decimal, years: int,
                       tax_drag_pct: Decimal, timing: str = "end_of_year") -> tuple[ProjectionYear, ...]:
    """Year by year, by compounding one year at a time (the last row equals the closed form)."""
    _check(years, timing)
    rows = []
    roth = taxable = ZERO
    with localcontext() as ctx:
        ctx.prec = PRECISION
        gross, net = annual_return_pct / HUNDRED, (annual_return_pct - tax_drag_pct) / HUNDRED
        for year in range(1, years + 1):
            roth = _grow(roth, annual_contribution, gross, timing)
            taxable = _grow(taxable, annual_contribution, net, timing)
            rows.append(ProjectionYear(year, cents(annual_contribution * year), cents(roth), cents(taxable)))
    return tuple(rows)
