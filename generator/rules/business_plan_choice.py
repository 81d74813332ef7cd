"""Choosing a business owner's plan: a solo 401(k), a SEP IRA or a SIMPLE IRA, side by side.

The choice follows the money first (the most the owner can put in), then the backdoor Roth: a SEP
or SIMPLE IRA is a traditional IRA for Form 8606's pro-rata rule (IRC 408(d)(2)), so with a
backdoor Roth its Dec 31 balance makes most of the conversion taxable, while a solo 401(k) is not
counted. On a tie without a backdoor, the SEP IRA wins on paperwork: no plan of its own to run and
no Form 5500-EZ to file.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..figure import TEXT, Figure, Step
from ..money import ZERO
from . import backdoor

PLAN_TYPES = ("solo_401k", "sep_ira", "simple_ira")
IRA_TYPES = ("sep_ira", "simple_ira")  # accounts that are IRAs for the pro-rata rule
WORDS = {"solo_401k": "solo 401(k)", "sep_ira": "SEP IRA", "simple_ira": "SIMPLE IRA"}
PRO_RATA = "IRC 408(d)(2); Form 8606 line 6"


def business_plan_totals(*, solo_401k: Decimal, sep_ira: Decimal, simple_ira: Decimal) -> Figure:
    """The most the owner can put into each kind of plan this year."""
    value = {"solo_401k": solo_401k, "sep_ira": sep_ira, "simple_ira": simple_ira}
    steps = tuple(Step(f"Most you can put into a {WORDS[kind]}", amount, "worked out below") for kind, amount in value.items())
    return Figure("business_plan_totals", value, steps)


def business_plan_backdoor_tax(*, totals: Mapping[str, Decimal], backdoor_roth: bool, ira_contribution: Decimal,
                               prior_basis: Decimal, pretax_balance: Decimal, tax_year: int) -> Figure:
    """The taxable part of this year's backdoor Roth conversion with each plan's money in it on Dec 31:
    nothing extra for a solo 401(k); the whole SEP or SIMPLE contribution joins Form 8606 line 6."""
    if not backdoor_roth:
        steps = (Step("You are not making a backdoor Roth this year: no plan changes its tax", None, PRO_RATA),)
        return Figure("business_plan_backdoor_tax", {kind: ZERO for kind in PLAN_TYPES}, steps)
    value, steps = {}, []
    for kind in PLAN_TYPES:
        added = totals[kind] if kind in IRA_TYPES else ZERO
        form = backdoor.backdoor_conversion(contribution=ira_contribution, prior_basis=prior_basis,
                                            pretax_balance=pretax_balance + added, converted=None,
                                            distributions=ZERO, tax_year=tax_year)
        value[kind] = form.value["taxable"]
        where = "is in a traditional IRA on Dec 31" if kind in IRA_TYPES else "stays out of the IRAs"
        steps.append(Step(f"{WORDS[kind]}: this year's contribution {where}; taxable part of the conversion",
                          value[kind], PRO_RATA))
    return Figure("business_plan_backdoor_tax", value, tuple(steps))


def recommended_business_plan(*, totals: Mapping[str, Decimal], backdoor_tax: Mapping[str, Decimal]) -> Figure:
    """The plan to open (or keep): the largest total; among equal totals the one that leaves a
    backdoor Roth untaxed, then the SEP IRA for its lighter paperwork."""
    best = max(totals.values())
    tied = [kind for kind in PLAN_TYPES if totals[kind] == best]
    steps = [Step(f"{WORDS[kind]}: most you can put in", totals[kind], "worked out below") for kind in PLAN_TYPES]
    if len(tied) == 1:
        choice = tied[0]
        steps.append(Step(f"The {WORDS[choice]} takes the most", None, ""))
    else:
        lowest = min(backdoor_tax[kind] for kind in tied)
        clean = [kind for kind in tied if backdoor_tax[kind] == lowest]
        if "sep_ira" in clean:
            choice, why = "sep_ira", "no plan document to maintain and no Form 5500-EZ to file"
        else:
            choice, why = clean[0], "it keeps your backdoor Roth conversion untaxed"
        steps.append(Step(f"{', '.join(WORDS[k] for k in tied)} take the same: the {WORDS[choice]}, as {why}", None,
                          PRO_RATA))
    flags = {"backdoor_spoiled"} if backdoor_tax[choice] > 0 else set()
    return Figure("recommended_business_plan", choice, tuple(steps), unit=TEXT, flags=frozenset(flags))
