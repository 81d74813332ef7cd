"""A SEP IRA: only the employer contributes, into an IRA in the owner's name (IRC 408(k)).

The contribution is the same 20 %/25 % as a solo 401(k)'s employer part, up to the 415(c) dollar
limit, on compensation capped by 401(a)(17) (402(h)(2), 408(k)(3)(C)). There are no deferrals
(new SARSEPs are not allowed since 1997). The account is a traditional IRA for the backdoor Roth's
pro-rata rule, and so is a SIMPLE IRA (IRC 408(d)(2): all of a person's IRAs are one).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..figure import Figure, Step
from ..limits import Constant, Limits
from . import self_employment as se

PROFILE = "your profile"
ONE_IRA = "IRC 408(d)(2); Form 8606 line 6"


def sep_contribution_limit(limits: Limits, constants: Mapping[str, Constant], *, compensation: Decimal,
                           incorporated: bool) -> Figure:
    """The most the business can put into the owner's SEP IRA: Pub 560 steps 1-8 and 21 at the 25 %
    plan rate for a self-employed owner (20 % of net earnings less half of self-employment tax), or
    25 % of W-2 pay for an incorporated owner."""
    rate = constants["employer_contribution_rate_pct"]
    if incorporated:
        figure = se.employer_contribution_incorporated(limits, constants, w2_pay=compensation, name="sep_contribution_limit")
    else:
        figure = se.employer_contribution_self_employed(limits, compensation=compensation, plan_rate_pct=rate.value,
                                                        name="sep_contribution_limit")
    steps = figure.steps + (Step("A SEP takes no deferrals: this is all that goes in", None, "IRC 408(k)(6)(H)"),)
    return Figure(figure.name, figure.value, steps, flags=figure.flags)


def pro_rata_ira_balance(*, traditional: Decimal, sep: Decimal, simple: Decimal) -> Figure:
    """Form 8606 line 6 adds the Dec 31 value of every traditional, SEP and SIMPLE IRA: pre-tax money
    in a SEP or SIMPLE IRA makes part of a backdoor Roth conversion taxable."""
    value = traditional + sep + simple
    steps = (Step("Traditional IRAs (pre-tax part)", traditional, PROFILE),
             Step("SEP IRA", sep, PROFILE, "+"),
             Step("SIMPLE IRA", simple, PROFILE, "+"),
             Step("Pre-tax IRA money the pro-rata rule counts on Dec 31", value, ONE_IRA, "="))
    flags = {"sep_or_simple_spoils_backdoor"} if sep + simple > 0 else set()
    return Figure("pro_rata_ira_balance", value, steps, flags=frozenset(flags))
