"""What to type into payroll: deferral and after-tax percentages that capture the whole match,
spread the limits over every paycheck and never exceed 402(g), 414(v), 415(c) or the plan's caps;
and the after-tax space left for a mega backdoor Roth."""
from __future__ import annotations

from decimal import Decimal

from ..figure import PCT, Figure, Step
from ..money import HUNDRED, ZERO, cents, clamp, ratio, round_down_to, round_up_to
from .payroll import Payroll, match_on

PLAN = "your plan"


def _match(payroll: Payroll, deferral_pct: Decimal, after_tax_pct: Decimal) -> Decimal:
    matched = deferral_pct + (after_tax_pct if payroll.matches_after_tax else ZERO)
    return match_on(payroll.amount(matched), payroll.plan_compensation, payroll.tiers)


def _fits(payroll: Payroll, deferral_pct: Decimal, after_tax_pct: Decimal) -> bool:
    """Every limit at once: 402(g)+catch-up, the plan's caps, and 415(c) for this employer."""
    deferrals = payroll.amount(deferral_pct)
    if deferrals > payroll.deferral_room + payroll.catch_up_room:
        return False
    if deferral_pct + after_tax_pct > payroll.max_total_pct:
        return False
    if after_tax_pct and (not payroll.after_tax_offered or
                          (payroll.after_tax_max_pct is not None and after_tax_pct > payroll.after_tax_max_pct)):
        return False
    additions = (payroll.counted_deferrals(deferrals) + _match(payroll, deferral_pct, after_tax_pct)
                 + payroll.nonelective + payroll.amount(after_tax_pct))
    return additions <= payroll.annual_additions_limit


def _largest_fitting(payroll: Payroll, start: Decimal, fits) -> Decimal:
    pct = max(round_down_to(start, payroll.increment_pct), ZERO)
    while pct > 0 and not fits(pct):
        pct -= payroll.increment_pct
    return max(pct, ZERO)


def max_deferral_pct(payroll: Payroll) -> Decimal:
    """The largest election that spreads the deferral room (402(g) + catch-up) over every paycheck."""
    room = payroll.deferral_room + payroll.catch_up_room
    start = min(ratio(room, payroll.plan_compensation) * HUNDRED, payroll.max_total_pct)
    return _largest_fitting(payroll, start, lambda pct: _fits(payroll, pct, ZERO))


def max_after_tax_pct(payroll: Payroll, deferral_pct: Decimal) -> Decimal:
    if not payroll.after_tax_offered:
        return ZERO
    start = payroll.max_total_pct - deferral_pct
    if payroll.after_tax_max_pct is not None:
        start = min(start, payroll.after_tax_max_pct)
    return _largest_fitting(payroll, start, lambda pct: _fits(payroll, deferral_pct, pct))


def after_tax_space(payroll: Payroll) -> Figure:
    """415(c) room left after full deferrals and employer money, capped by the plan's own limits.

    Catch-ups are excluded from 415(c) (IRC 414(v)(3)(A)), so they never shrink this space.
    """
    name = "after_tax_space"
    if not payroll.after_tax_offered:
        return Figure(name, ZERO, (Step("Your plan does not take after-tax contributions", ZERO, PLAN, "="),))
    deferral_pct = max_deferral_pct(payroll)
    deferrals = payroll.counted_deferrals(payroll.amount(deferral_pct))
    # When the plan matches after-tax money too, after-tax dollars can fill the match: count it whole.
    matched_pct = max(deferral_pct, payroll.tiers[-1].up_to_pct) if payroll.matches_after_tax and payroll.tiers else deferral_pct
    match = match_on(payroll.amount(matched_pct), payroll.plan_compensation, payroll.tiers)
    room = clamp(payroll.annual_additions_limit - deferrals - match - payroll.nonelective)
    steps = [Step("Annual additions limit for this employer", payroll.annual_additions_limit, "IRC 415(c)(1)"),
             Step(f"Your pre-tax and Roth deferrals at {deferral_pct}% (catch-up not counted)", cents(deferrals),
                  "IRC 414(v)(3)(A)", "−"),
             Step("Employer match", cents(match), "your plan's match formula", "−"),
             Step("Employer nonelective contribution", cents(payroll.nonelective), PLAN, "−"),
             Step("Room under the annual additions limit", cents(room), "", "=")]
    space, flags = room, set()
    if payroll.after_tax_max_pct is not None:
        cap = payroll.amount(payroll.after_tax_max_pct)
        steps.append(Step(f"Your plan's after-tax cap: {payroll.after_tax_max_pct}% of pay", cents(cap), PLAN, "min"))
        if cap < room:
            flags.add("plan_cap_binding")
        space = min(space, cap)
    total_cap = clamp(payroll.amount(payroll.max_total_pct - deferral_pct))
    steps.append(Step(f"Your plan's cap on all contributions ({payroll.max_total_pct}% of pay) less your deferrals",
                      cents(total_cap), PLAN, "min"))
    space = cents(min(space, total_cap))
    steps.append(Step("After-tax space for a mega backdoor Roth", space, "", "="))
    return Figure(name, space, tuple(steps), flags=frozenset(flags))


def recommended_elections(payroll: Payroll, *, goal: str | Decimal, rate_now: Decimal | None,
                          rate_retirement: Decimal | None, capture_pct: Decimal) -> Figure:
    """The percentages per paycheck: the match first, then deferrals, then after-tax money.

    goal "max" fills every limit, "match" stops at the full match, a number is a total % of pay.
    Pre-tax or Roth follows the tax rates now and in retirement; catch-ups go Roth when the
    Roth catch-up rule applies (IRC 414(v)(7)).
    """
    top = max_deferral_pct(payroll)
    capture = min(round_up_to(capture_pct, payroll.increment_pct), top)
    steps = [Step("Deferral room: 402(g) room left here", payroll.deferral_room, "IRC 402(g)(1)"),
             Step("Catch-up room", payroll.catch_up_room, "IRC 414(v)", "+"),
             Step("Pay the elections apply to", payroll.plan_compensation, "IRC 401(a)(17)", "÷"),
             Step("Largest whole-step election that stays under the room on every paycheck", top, "", "=", PCT),
             Step("Smallest election that gets the whole match", capture, "your plan's match formula", unit=PCT)]
    if goal == "max":
        deferral = top
    elif goal == "match":
        deferral = capture
    else:
        deferral = min(max(round_down_to(goal, payroll.increment_pct), capture), top)
        steps.append(Step("Your savings goal, as a share of pay", goal, "your profile", unit=PCT))
    pre_tax, roth, flags = _split(payroll, deferral, rate_now, rate_retirement)
    steps.append(Step("Pre-tax deferral election", pre_tax, "", unit=PCT))
    steps.append(Step("Roth deferral election", roth, "", "+", PCT))
    after_tax = ZERO
    if payroll.after_tax_offered:
        room = max_after_tax_pct(payroll, deferral)
        if goal == "max":
            after_tax = room
        elif goal == "match":
            # A plan that matches after-tax money can complete the match when deferral room runs short.
            short = clamp(round_up_to(capture_pct, payroll.increment_pct) - deferral) if payroll.matches_after_tax else ZERO
            after_tax = min(room, short)
        else:
            after_tax = min(room, max(round_down_to(goal, payroll.increment_pct) - deferral, ZERO))
        steps.append(Step("After-tax election (mega backdoor Roth)", after_tax, "", "+", PCT))
    steps.append(Step("Total share of each paycheck", pre_tax + roth + after_tax, "", "=", PCT))
    unused = clamp(payroll.deferral_room + payroll.catch_up_room - payroll.amount(deferral))
    if goal == "max" and unused > 0:
        flags.add("rounding_leaves_room")
        steps.append(Step("Deferral room a whole-step election leaves unused", cents(unused), ""))
    value = {"pre_tax_pct": pre_tax, "roth_pct": roth, "after_tax_pct": after_tax}
    return Figure("recommended_elections", value, tuple(steps), unit=PCT, flags=frozenset(flags))


def _split(payroll: Payroll, deferral: Decimal, rate_now: Decimal | None,
           rate_retirement: Decimal | None) -> tuple[Decimal, Decimal, set[str]]:
    """Pre-tax when today's rate is higher than the expected retirement rate, Roth when lower,
    half and half when they are equal or unknown; catch-ups Roth when the law requires it."""
    if not payroll.roth_offered:
        return deferral, ZERO, {"no_roth_in_plan"}
    if rate_now is None or rate_retirement is None or rate_now == rate_retirement:
        pre_tax, flags = round_down_to(deferral / 2, payroll.increment_pct), {"prefer_split"}
    elif rate_now > rate_retirement:
        pre_tax, flags = deferral, {"prefer_pre_tax"}
    else:
        pre_tax, flags = ZERO, {"prefer_roth"}
    if payroll.roth_catch_up_required:
        regular = round_down_to(ratio(payroll.deferral_room, payroll.plan_compensation) * HUNDRED, payroll.increment_pct)
        if pre_tax > regular:
            pre_tax = regular
            flags.add("catch_up_made_roth")
    return pre_tax, deferral - pre_tax, flags


def employer_match_pct(payroll: Payroll, elections: dict[str, Decimal]) -> Decimal:
    """The matched share of pay at `elections` (after-tax counts only when the plan matches it)."""
    matched = elections["pre_tax_pct"] + elections["roth_pct"]
    return matched + (elections["after_tax_pct"] if payroll.matches_after_tax else ZERO)

