"""A solo 401(k): a 401(k) of a business with no employees but its owner (and spouse).

The owner puts money in twice: as the employee (deferrals, pre-tax or Roth, sharing the one
402(g) limit with every other plan of the year, a day job's included) and as the employer (a
nonelective contribution, see rules/self_employment.py). The business is an employer of its own,
so its plan has its own 415(c) limit, apart from a day job's plan (IRC 415(c) applies per employer;
unrelated employers are not aggregated, 415(h)). Catch-ups sit outside 415(c).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..figure import BOOL, Figure, Step
from ..limits import Constant, Limits
from ..money import ZERO, clamp
from . import contributions as c

PROFILE = "your profile"
COMPENSATION_SOURCE = "IRC 415(c)(1)(B); Pub 560 worksheet step 3"


def solo_401k_deferral_limit(limits: Limits, *, other_deferrals: Decimal, compensation: Decimal) -> Figure:
    """402(g) room left after this year's deferrals to every other plan (a day job's 401(k) or 403(b),
    a SIMPLE IRA), and no more than the business's compensation for the plan."""
    room = c.elective_deferral_limit(limits, other_deferrals=other_deferrals)
    value = min(room.value, clamp(compensation))
    steps = room.steps[:-1] + (
        Step("Room left under the one limit for all your plans", room.value, "IRC 402(g)(1)", "="),
        Step("Your compensation from the business", compensation, COMPENSATION_SOURCE, "min"),
        Step("Deferrals you can make to your solo 401(k)", value, "", "="))
    flags = {"no_deferral_room"} if value == 0 else set()
    if other_deferrals and room.value < limits.elective_deferral.value:
        flags.add("limit_shared_with_day_job")
    return Figure("solo_401k_deferral_limit", value, steps, flags=frozenset(flags))


def solo_401k_catch_up_limit(limits: Limits, *, age: int, other_deferrals: Decimal, roth_required: bool,
                             plan_offers_roth: bool, compensation_left: Decimal) -> Figure:
    """The age catch-up (IRC 414(v)), per person across plans like the deferral limit, on top of a
    full deferral and outside 415(c); never more than the compensation the other contributions leave
    (414(v)(2)(A)(ii))."""
    base = c.catch_up_limit(limits, age=age, other_deferrals=other_deferrals, roth_required=roth_required,
                            plan_offers_roth=plan_offers_roth)
    value = min(base.value, clamp(compensation_left))
    steps = base.steps + (
        Step("Compensation left after your deferrals and the employer contribution", compensation_left,
             "IRC 414(v)(2)(A)(ii)", "min"),
        Step("Catch-up you can add to your solo 401(k)", value, "", "="))
    return Figure("solo_401k_catch_up_limit", value, steps, flags=base.flags)


def solo_401k_annual_additions_limit(limits: Limits, *, compensation: Decimal, employer_contribution: Decimal,
                                     incorporated: bool) -> Figure:
    """IRC 415(c) for the business's own plan: the dollar limit, or 100 % of compensation if less.

    For a self-employed owner compensation is earned income, figured after the deduction for the
    employer contribution (415(c)(3)(B), 401(c)(2)); deferrals stay in it (415(c)(3)(D)).
    An incorporated owner's compensation is the W-2 pay."""
    dollar = limits.annual_additions
    if incorporated:
        pay = compensation
        steps = [Step("W-2 pay from your corporation", compensation, PROFILE)]
    else:
        pay = clamp(compensation - employer_contribution)
        steps = [Step("Net earnings from self-employment for the plan", compensation, COMPENSATION_SOURCE),
                 Step("Less the employer contribution for yourself", employer_contribution, "IRC 401(c)(2)(A)(v)", "−"),
                 Step("Earned income for the limit", pay, "IRC 415(c)(3)(B)", "=")]
    value = min(dollar.value, pay)
    steps += [Step(f"Annual additions limit for {limits.tax_year}, per employer", dollar.value, dollar.source, "min"),
              Step("Your business's plan may receive, catch-ups excluded", value, "IRC 415(c)(1)", "=")]
    return Figure("solo_401k_annual_additions_limit", value, tuple(steps))


def solo_401k_after_tax_space(*, annual_additions_limit: Decimal, deferral: Decimal, employer_contribution: Decimal,
                              plan_allows_after_tax: bool) -> Figure:
    """After-tax (non-Roth) contributions fill what 415(c) leaves, only where the plan document
    allows them (many solo 401(k) documents do not)."""
    if not plan_allows_after_tax:
        steps = (Step("Your plan document does not allow after-tax contributions", ZERO, "your plan", "="),)
        return Figure("solo_401k_after_tax_space", ZERO, steps)
    value = clamp(annual_additions_limit - deferral - employer_contribution)
    steps = (Step("Annual additions limit of your business's plan", annual_additions_limit, "IRC 415(c)(1)"),
             Step("Your deferrals", deferral, "", "−"),
             Step("Employer contribution for yourself", employer_contribution, "", "−"),
             Step("Room for after-tax contributions", value, "", "="))
    return Figure("solo_401k_after_tax_space", value, steps)


def solo_401k_total(*, deferral: Decimal, catch_up: Decimal, employer_contribution: Decimal,
                    after_tax: Decimal) -> Figure:
    """Everything the owner can put into the solo 401(k) this year."""
    value = deferral + catch_up + employer_contribution + after_tax
    steps = (Step("Deferrals (pre-tax or Roth)", deferral, "IRC 402(g)(1)"),
             Step("Catch-up", catch_up, "IRC 414(v)", "+"),
             Step("Employer contribution for yourself", employer_contribution, "IRC 404(a)(3)", "+"),
             Step("After-tax contributions", after_tax, "IRC 415(c)(1)", "+"),
             Step("Most you can put into your solo 401(k)", value, "", "="))
    return Figure("solo_401k_total", value, steps)


def form_5500_ez_required(constants: Mapping[str, Constant], *, plan_assets: Decimal) -> Figure:
    """A one-participant plan files Form 5500-EZ for a year whose end-of-year assets (all such plans of
    the owner together) are above $250,000, and for its final year whatever the amount."""
    threshold = constants["form_5500_ez_threshold"]
    required = plan_assets > threshold.value
    verdict = "above it: file Form 5500-EZ for this year" if required else (
        "not above it: no Form 5500-EZ this year (except in the plan's final year)")
    steps = (Step("Plan assets on the last day of the plan year", plan_assets, PROFILE),
             Step("Filing threshold", threshold.value, threshold.source),
             Step(f"Your plan's assets are {verdict}", None, threshold.source))
    return Figure("form_5500_ez_required", required, steps, unit=BOOL)
