"""A plan loan still owed when you leave: the plan offsets it against your account.

An offset because you left (within a year of leaving) of a loan in good standing is a qualified plan
loan offset: it may be rolled over, by putting the same amount of other money into an IRA or a plan,
until the due date of that year's tax return including extensions (IRC 402(c)(3)(C); Treas. Reg.
1.402(c)-3). Nothing is withheld on an offset, which pays no cash (Treas. Reg. 31.3405(c)-1, Q&A-11).
Not made up, it is a taxable distribution, and before 59½ the 10 % additional tax applies unless an
exception does. The loan is taken to be owed to the pre-tax account, so all of it is taxable.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from ...figure import PCT, Figure, Step
from ...formatting import day, pct
from ...limits import Constant
from ...money import ZERO, cents, pct_of
from .early_payout import AdditionalTax
from .kinds import PROFILE

QPLO = "IRC 402(c)(3)(C); Treas. Reg. 1.402(c)-3"


def _next_year(constant: Constant, tax_year: int) -> date:
    return datetime.strptime(f"{constant.value} {tax_year + 1}", "%B %d %Y").date()


def loan_offset(constants: Mapping[str, Constant], *, loan: Decimal, offset_year: int, marginal_rate_pct: Decimal,
                state_rate_pct: Decimal, additional_tax: AdditionalTax) -> Figure:
    """The loan offset at separation, the deadline to make it up, and what it costs if not made up.

    Value: {"offset", "rollover_deadline" (the return's due date), "rollover_deadline_extended" (with an
    extension), "withheld", "income_tax", "additional_tax", "cost_if_not_rolled"}.
    """
    due = _next_year(constants["return_due_day"], offset_year)
    extended = _next_year(constants["return_due_day_with_extension"], offset_year)
    rate = marginal_rate_pct + state_rate_pct
    income_tax = cents(pct_of(rate, loan))
    extra = cents(pct_of(additional_tax.rate_pct, loan))
    additional_label = (f"Additional tax: none ({additional_tax.reason})" if additional_tax.rate_pct == 0
                        else additional_tax.reason)
    steps = (
        Step("Loan you still owe the plan when you leave: offset against your account", loan, PROFILE),
        Step("Withheld: nothing, an offset pays you no cash", ZERO, "Treas. Reg. 31.3405(c)-1, Q&A-11"),
        Step(f"To keep it untaxed, put the same amount into an IRA or a plan by {day(due)}, or by {day(extended)} "
             "if you extend your return (later when that day is a weekend or holiday)", None, QPLO),
        Step("Offset not made up: taxable", loan, "IRC 402(a); 72(p)"),
        Step(f"Your federal marginal rate ({pct(marginal_rate_pct)}) + state rate ({pct(state_rate_pct)})", rate, PROFILE, "×", PCT),
        Step("Income tax", income_tax, "", "="),
        Step("Offset not made up: taxable", loan, "IRC 72(t)(1)"),
        Step(additional_label, additional_tax.rate_pct, additional_tax.citation, "×", PCT),
        Step("Additional tax", extra, "", "="),
        Step("Income tax", income_tax, ""),
        Step("Additional tax", extra, additional_tax.citation, "+"),
        Step("Cost of not making up the offset", income_tax + extra, "", "="),
    )
    value = {"offset": cents(loan), "rollover_deadline": due, "rollover_deadline_extended": extended,
             "withheld": cents(ZERO), "income_tax": income_tax, "additional_tax": extra,
             "cost_if_not_rolled": income_tax + extra}
    return Figure("loan_offset", value, steps, flags=frozenset({"additional_tax"} if extra else ()))
