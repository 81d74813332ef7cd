"""Rolling pre-tax money straight into a Roth IRA: a taxable conversion (IRC 408A(d)(3)(A), 402(c)(8)(B)).

The whole amount is income this year, at the person's marginal rate; no 10 % additional tax applies
to the conversion itself (408A(d)(3)(A)(ii)), nothing is withheld on a direct rollover, so the tax is
paid from other money. In exchange the money and its growth come out tax-free later (a qualified
distribution, 408A(d)(2)), where the same money in a traditional IRA would be taxed at the rate of
the retirement years (with today's state rate). The comparison grows the amount at the profile's return for the years to
retirement; it leaves out what the tax paid now would have earned elsewhere.
"""
from __future__ import annotations

from decimal import Decimal

from ...figure import PCT, RATIO, Figure, Step
from ...formatting import pct
from ...money import HUNDRED, cents, pct_of
from .kinds import PROFILE

CONVERSION = "IRC 408A(d)(3)(A); 402(c)(8)(B)"


def roth_conversion(*, amount: Decimal, marginal_rate_pct: Decimal, state_rate_pct: Decimal,
                    retirement_rate_pct: Decimal, annual_return_pct: Decimal, years: int,
                    years_source: str = PROFILE) -> Figure:
    """Tax this year on converting `amount` against the tax a traditional IRA would pay on it later.

    The two are compared at retirement: the tax paid now is grown at the same return (what that money
    would have become), against the tax on the grown amount at the retirement rate. Converting wins
    exactly when the rate later is higher than the rate now.

    Value: {"converted", "tax_now", "tax_now_grown", "value_at_retirement", "tax_free_growth",
    "tax_later_if_not_converted", "difference", "gap", "years"}; difference = tax later − tax now grown
    (positive: converting saves), gap its size. Flags: conversion_saves, conversion_costs or conversion_even.
    """
    rate_now = marginal_rate_pct + state_rate_pct
    tax_now = cents(pct_of(rate_now, amount))
    factor = (1 + annual_return_pct / HUNDRED) ** years
    tax_now_grown = cents(tax_now * factor)
    later = cents(amount * factor)
    growth = later - amount
    rate_later = retirement_rate_pct + state_rate_pct  # the state's rate assumed unchanged
    tax_later = cents(pct_of(rate_later, later))
    difference = tax_later - tax_now_grown
    grow = Step(f"Growth at {pct(annual_return_pct)} a year for {years} years", factor,
                f"{PROFILE}: assumptions; {years_source}", "×", RATIO)
    steps = (
        Step("Pre-tax money rolled straight to a Roth IRA: all of it income this year", amount, CONVERSION),
        Step(f"Your federal marginal rate ({pct(marginal_rate_pct)}) + state rate ({pct(state_rate_pct)})", rate_now, PROFILE, "×", PCT),
        Step("Tax this year (no additional tax on a conversion; pay it from other money)", tax_now,
             "IRC 408A(d)(3)(A)(ii)", "="),
        grow,
        Step("What the tax paid now would have grown to", tax_now_grown, "", "="),
        Step("Converted", amount, ""),
        grow,
        Step("Value at retirement", later, "", "="),
        Step("Converted", amount, "", "−"),
        Step("Growth you would take out tax-free from the Roth IRA", growth, "IRC 408A(d)(2)", "="),
        Step("Value at retirement, if left in a traditional IRA instead", later, ""),
        Step(f"Your federal marginal rate in retirement ({pct(retirement_rate_pct)}) + state rate ({pct(state_rate_pct)})",
             rate_later, PROFILE, "×", PCT),
        Step("Tax later on the same money, not converted", tax_later, "IRC 408(d)(1)", "="),
        Step("Tax paid now, grown", tax_now_grown, "", "−"),
        Step("Saved by converting, in retirement-day dollars (negative: it costs)", difference, "", "="),
    )
    value = {"converted": cents(amount), "tax_now": tax_now, "tax_now_grown": tax_now_grown,
             "value_at_retirement": later, "tax_free_growth": growth, "tax_later_if_not_converted": tax_later,
             "difference": difference, "gap": abs(difference), "years": years}
    flag = "conversion_saves" if difference > 0 else "conversion_costs" if difference < 0 else "conversion_even"
    return Figure("roth_conversion", value, steps, flags=frozenset({flag}))
