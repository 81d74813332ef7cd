"""A partial withdrawal from a plan (a rule-of-55 drawdown, a payout after 59½) at the person's brackets.

What the payout's taxable part is comes first (rollover.partial_payout: pro rata between basis and
earnings within a designated Roth account and within after-tax money, IRC 72(e)(8); Treas. Reg.
1.402A-1 Q&A-3). This module prices it: the 20 % withheld from the taxable part (IRC 3405(c)), the
federal income tax it adds at the year's brackets on top of the rest of the year's taxable income, the
state tax at the profile's rate, the additional tax when it applies, the cash left, and how much can be
paid out before the taxable part reaches the next, higher bracket.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Mapping

from ..figure import PCT, RATIO, Figure, Step
from ..formatting import pct
from ..limits import Constant, Limits
from ..money import CENT, ZERO, cents, pct_of, ratio
from .brackets import bracket_room, tax_on_added_income

PROFILE = "your profile"


def withdrawal_at_brackets(limits: Limits, constants: Mapping[str, Constant], *, amount: Decimal, taxable: Decimal,
                           filing_status: str, taxable_income: Decimal, state_rate_pct: Decimal,
                           additional_tax: Decimal) -> Figure:
    """A payout of `amount` whose taxable part is `taxable`, taken in a year with `taxable_income`
    (Form 1040 line 15 without it). `additional_tax` is the 10 % additional tax the payout owes (zero
    when an exception covers it): that decision is the rollover module's.

    Value: paid_out, taxable, tax_free, withheld, federal_income_tax, state_income_tax, additional_tax,
    net_cash (what the check is), net_after_tax (after every tax), tax_due_at_filing (negative: a
    refund) and refund_at_filing (that refund, else 0), rate_pct and next_rate_pct (the bracket the payout starts in and the one above it),
    payout_room (the payout that fills the current bracket; None in the top bracket or when none of a
    payout is taxable) and crosses_bracket (this payout goes past it)."""
    withholding = constants["mandatory_withholding_pct"]
    withheld = cents(pct_of(withholding.value, taxable))
    federal = tax_on_added_income(limits, filing_status=filing_status, taxable_income=taxable_income, added=taxable)
    state = cents(pct_of(state_rate_pct, taxable))
    room = bracket_room(limits, filing_status=filing_status, taxable_income=taxable_income)
    after_tax = amount - federal.value - state - additional_tax
    due = federal.value + state + additional_tax - withheld
    payout_room, room_steps = _payout_room(room, amount, taxable)
    steps = [Step("Payout you plan to take", amount, PROFILE),
             Step("Taxable part of it", taxable, "IRC 72(e)(8); Treas. Reg. 1.402A-1, Q&A-3"),
             Step("Mandatory federal withholding on the taxable part", withholding.value, withholding.source, "×", PCT),
             Step("Withheld from the payout", withheld, "", "="),
             Step("Payout", amount, PROFILE),
             Step("Withheld", withheld, withholding.source, "−"),
             Step("Cash to you now, before the rest of the tax", amount - withheld, "", "="),
             *federal.steps,
             Step("Taxable part", taxable, ""),
             Step(f"Your state rate ({pct(state_rate_pct)})", state_rate_pct, PROFILE, "×", PCT),
             Step("State income tax on the payout", state, "", "="),
             Step("Federal and state income tax + additional tax", federal.value + state + additional_tax, ""),
             Step("Already withheld", withheld, withholding.source, "−"),
             Step("Still to pay when you file (negative: refunded)", cents(due), "", "="),
             *room_steps,
             Step("Payout", amount, PROFILE),
             Step("Federal income tax", federal.value, "", "−"),
             Step("State income tax", state, "", "−"),
             Step("Additional tax", additional_tax, constants["early_distribution_tax_pct"].source, "−"),
             Step("Left to you after all tax", cents(after_tax), "", "=")]
    value = {"paid_out": cents(amount), "taxable": cents(taxable), "tax_free": cents(amount - taxable),
             "withheld": withheld, "federal_income_tax": federal.value, "state_income_tax": state,
             "additional_tax": cents(additional_tax), "net_cash": cents(amount - withheld),
             "net_after_tax": cents(after_tax), "tax_due_at_filing": cents(due), "refund_at_filing": cents(max(-due, ZERO)),
             "rate_pct": room.value["rate_pct"], "next_rate_pct": room.value["next_rate_pct"],
             "payout_room": payout_room, "crosses_bracket": payout_room is not None and amount > payout_room}
    flags = {name for name, on in (("crosses_bracket", value["crosses_bracket"]), ("refund_at_filing", due < 0)) if on}
    return Figure("withdrawal_at_brackets", value, tuple(steps), flags=frozenset(flags))


def _payout_room(room: Figure, amount: Decimal, taxable: Decimal) -> tuple[Decimal | None, list[Step]]:
    """The payout whose taxable part just fills the bracket: the room ÷ the taxable share of each
    dollar paid out (the same share as this payout's, since every payout is pro rata), cut to the cent
    so that it stays inside the bracket."""
    steps = list(room.steps)
    if room.value["room"] is None or not taxable:
        steps.append(Step("No payout of this money moves you into a higher bracket"
                          if not taxable else "You are in the top bracket already", None, ""))
        return None, steps
    share = ratio(taxable, amount)
    payout_room = (room.value["room"] / share).quantize(CENT, rounding=ROUND_FLOOR)
    steps += [Step("Taxable share of each dollar paid out (taxable part ÷ payout)", share,
                   "IRC 72(e)(8)", "÷", RATIO),
              Step(f"Payout you can take before any of it is taxed at {pct(room.value['next_rate_pct'])}",
                   payout_room, "", "=")]
    return payout_room, steps
