"""Federal income tax at the year's brackets (IRC 1(j)(2), amounts from that year's Revenue Procedure).

Two questions a payout raises: how much federal income tax it adds on top of the rest of the year's
taxable income (the part of it that falls in each bracket, at that bracket's rate), and how much more
taxable income fits before the next, higher rate starts. Taxable income is the profile's figure
(Form 1040 line 15 without the payout); the tax is the rate-schedule tax, exact to the cent (the IRS
Tax Table's $50 rows below $100,000 can differ from it by a few dollars).
"""
from __future__ import annotations

from decimal import Decimal

from ..figure import PCT, Figure, Step
from ..formatting import money, pct
from ..limits import Brackets, Limits
from ..money import ZERO, cents, pct_of

PROFILE = "your profile"


def tax_at_brackets(brackets: Brackets, filing_status: str, taxable_income: Decimal) -> Decimal:
    """The rate-schedule tax on `taxable_income`, to the cent."""
    return cents(sum((pct_of(rate, part) for rate, _, _, part in _slices(brackets, filing_status, ZERO, taxable_income)),
                     ZERO))


def _slices(brackets: Brackets, filing_status: str, low: Decimal, high: Decimal):
    """(rate, from, to, amount) for each bracket that taxable income between `low` and `high` reaches."""
    table = brackets.table(filing_status)
    for n, (rate, start) in enumerate(table):
        end = table[n + 1][1] if n + 1 < len(table) else None
        bottom, top = max(low, start), high if end is None else min(high, end)
        if top > bottom:
            yield rate, bottom, top, top - bottom


def _bracket_of(brackets: Brackets, filing_status: str, taxable_income: Decimal) -> int:
    """Index of the bracket the next dollar of income falls in (income over a threshold takes its rate)."""
    table = brackets.table(filing_status)
    return max(n for n, (_, start) in enumerate(table) if taxable_income >= start)


def tax_on_added_income(limits: Limits, *, filing_status: str, taxable_income: Decimal, added: Decimal,
                        what: str = "the taxable part of the payout") -> Figure:
    """The federal income tax `added` taxable income costs on top of `taxable_income`: each part of it
    taxed at the rate of the bracket it falls in. Value: the tax, to the cent."""
    brackets = limits.income_tax_brackets
    taxable_income = max(taxable_income, ZERO)
    steps = [Step("Your taxable income this year without it", taxable_income, PROFILE),
             Step(f"Plus {what}", added, "", "+"),
             Step("Your taxable income with it", taxable_income + added, "", "=")]
    taxes = []
    for rate, bottom, top, part in _slices(brackets, filing_status, taxable_income, taxable_income + added):
        taxes.append((rate, cents(pct_of(rate, part))))
        steps += [Step(f"The part from {money(bottom)} to {money(top)} of taxable income", part, brackets.source),
                  Step(f"Taxed at {pct(rate)}", rate, brackets.source, "×", PCT),
                  Step("Tax on that part", taxes[-1][1], "", "=")]
    if len(taxes) > 1:  # add up the parts
        steps += [Step(f"Tax on the part at {pct(rate)}", tax, "", "+" if n else "") for n, (rate, tax) in enumerate(taxes)]
    if not taxes:
        steps.append(Step("Nothing added, so no tax", ZERO, ""))
    total = cents(sum((tax for _, tax in taxes), ZERO))
    steps.append(Step(f"Federal income tax on {what}", total, "", "="))
    return Figure("federal_tax_on_payout", total, tuple(steps))


def bracket_room(limits: Limits, *, filing_status: str, taxable_income: Decimal) -> Figure:
    """How much more taxable income fits before the next bracket's higher rate starts.

    Value: {"rate_pct": the rate the next dollar pays, "next_rate_pct": the rate after it (None in the
    top bracket), "room": taxable income left at the current rate (None in the top bracket)}."""
    brackets = limits.income_tax_brackets
    table = brackets.table(filing_status)
    taxable_income = max(taxable_income, ZERO)
    n = _bracket_of(brackets, filing_status, taxable_income)
    rate = table[n][0]
    steps = [Step("Your taxable income this year", taxable_income, PROFILE),
             Step(f"Your bracket: {pct(rate)} on taxable income over {money(table[n][1])}", rate, brackets.source, unit=PCT)]
    if n + 1 == len(table):
        steps.append(Step("The top bracket: no higher rate above it", None, brackets.source))
        return Figure("bracket_room", {"rate_pct": rate, "next_rate_pct": None, "room": None}, tuple(steps))
    next_rate, next_start = table[n + 1]
    room = next_start - taxable_income
    steps += [Step(f"Where the {pct(next_rate)} bracket starts", next_start, brackets.source),
              Step("Your taxable income", taxable_income, PROFILE, "−"),
              Step(f"Room left at {pct(rate)}", room, "", "=")]
    return Figure("bracket_room", {"rate_pct": rate, "next_rate_pct": next_rate, "room": room}, tuple(steps))
