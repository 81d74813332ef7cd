"""Decimal helpers and the rounding rules the law names.

Money and rates never touch a float: amounts arrive from YAML as Decimal and every rounding is
an explicit, named rule.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def D(value: int | str | Decimal) -> Decimal:
    """A Decimal from an int, a string or a Decimal (never from a float)."""
    if isinstance(value, float):  # pragma: no cover - a programming error, not an input error
        raise TypeError("money must not be a float")
    return value if isinstance(value, Decimal) else Decimal(value)


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up: how payroll and the forms round a dollar amount.

    Adding zero turns a negative zero (from a sum that cancels out) into a plain zero."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + ZERO


def whole_dollars(amount: Decimal) -> Decimal:
    """Round to the dollar, half up (IRS forms allow whole-dollar amounts)."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def round_up_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round up to the next multiple of `step` (IRA phase-outs: next $10, IRC 219(g)(2)(C))."""
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def round_down_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of `step` (payroll elections in the plan's increment)."""
    return (amount / step).to_integral_value(rounding=ROUND_FLOOR) * step


def pct_of(pct: Decimal, amount: Decimal) -> Decimal:
    """`pct` percent of `amount`, exact."""
    return amount * pct / HUNDRED


def ratio(numerator: Decimal, denominator: Decimal, places: int = 28) -> Decimal:
    """An exact-as-Decimal-allows ratio (28 significant digits), never cut to 3 decimals."""
    with localcontext() as ctx:
        ctx.prec = places
        return numerator / denominator


def clamp(amount: Decimal, low: Decimal = ZERO, high: Decimal | None = None) -> Decimal:
    """`amount` held between `low` and `high`."""
    if high is not None and amount > high:
        amount = high
    return max(amount, low)
