"""What to type into payroll: deferral and after-tax percentages that capture the whole match,
spread the limits over every paycheck and never exceed 402(g), 414(v), 415(c) or the plan's caps;
and the after-tax space left for a mega backdoor Roth."""
from __future__ import annotations

from decimal import Decimal

from ..figure import PCT, USD, Figure, Step, from_profile
from .. import formatting as fmt
from ..formatting import dollars
from ..money import CENT, HUNDRED, ZERO, cents, clamp, pct_of, ratio, round_down_to, round_up_to
from .match import lost_match_from_front_loading
from .payroll import Payroll, match_on

PLAN = "your plan"


def _match(payroll: Payroll, deferral_pct: Decimal, after_tax_pct: Decimal) -> Decimal:
    matched = deferral_pct + (after_tax_pct if payroll.matches_after_tax else ZERO)
    return match_on(payroll.amount(matched), payroll.plan_compensation, payroll.tiers)


def _fits(payroll: Payroll, deferral_pct: Decimal, after_tax_pct: Decimal) -> bool:
    """Every limit at once: 402(g)+catch-up, the plan's caps, and 415(c) for this employer."""
    deferrals = cents(payroll.amount(deferral_pct))  # payroll deducts cents: an exact share of pay fits
    if deferrals > payroll.deferral_room + payroll.catch_up_room:
        return False
    if deferral_pct + after_tax_pct > payroll.max_total_pct:
        return False
    if after_tax_pct and (not payroll.after_tax_offered or
                          (payroll.after_tax_max_pct is not None and after_tax_pct > payroll.after_tax_max_pct)):
        return False
    employer = _match(payroll, deferral_pct, after_tax_pct) + payroll.nonelective
    additions = payroll.counted_deferrals(deferrals, employer) + employer + payroll.amount(after_tax_pct)
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


def full_deferral_room(payroll: Payroll) -> Decimal:
    """The deferral dollars the law and the plan allow this year: 402(g) room plus catch-up, less what
    the plan's total cap or 415(c) leave (an exact amount, before any election step)."""
    room = payroll.deferral_room + payroll.catch_up_room
    room = min(room, payroll.amount(payroll.max_total_pct))
    if _fits(payroll, _exact_pct(payroll, room), ZERO):
        return room
    # 415(c) binds on low pay: the largest cent amount that fits, found by halving (fits is monotone).
    low, high = ZERO, room
    while high - low > CENT:
        mid = cents((low + high) / 2)
        low, high = (mid, high) if _fits(payroll, _exact_pct(payroll, mid), ZERO) else (low, mid)
    return low


def _exact_pct(payroll: Payroll, amount: Decimal) -> Decimal:
    return ratio(amount, payroll.plan_compensation) * HUNDRED if payroll.plan_compensation else ZERO


def per_paycheck(payroll: Payroll, pct: Decimal) -> Decimal:
    """One paycheck's dollars of an election of `pct` percent of plan compensation."""
    return cents(pct_of(pct, payroll.plan_compensation / payroll.paychecks))


def _election(payroll: Payroll, label: str, pct: Decimal, source: str = "", op: str = "") -> Step:
    """A step showing an election as the plan takes it: dollars per paycheck in a dollar-election plan
    (elections.unit: dollar), else a percentage of pay."""
    if payroll.unit == "dollar":
        return Step(f"{label}, in dollars per paycheck", per_paycheck(payroll, pct), source, op)
    return Step(label, pct, source, op, PCT)


def _words(payroll: Payroll, pct: Decimal) -> str:
    return f"{fmt.money(per_paycheck(payroll, pct))} a paycheck" if payroll.unit == "dollar" else fmt.pct(pct)


def _front_loading_costs_match(payroll: Payroll) -> bool:
    return bool(payroll.tiers) and payroll.match_per_paycheck and not payroll.true_up


def election_schedule(payroll: Payroll, deferral_pct: Decimal, *, fill: bool) -> Figure:
    """How the year's deferrals reach the whole room from a per-paycheck election of `deferral_pct`.

    When a whole-step election leaves room unused (`fill`: the goal is to fill every limit):
    - the plan matches on the year's total, trues up, or has no match, and payroll stops deferrals
      at the limit: one step more on every paycheck, and payroll stops at the limit (`round_up`);
    - otherwise the election stays and the last paycheck(s) take a larger election for the rest
      (`last_paycheck_change`): front-loading would cost match. Where payroll does not stop at the
      limit the last election rounds down, and what is left under one step stays unused.
    Dollar elections always reach the room exactly this way. The match lost by rounding up instead
    is worked out (lost_match_from_front_loading), never guessed.
    """
    step = payroll.increment_pct
    n = payroll.paychecks
    per_check_pay = payroll.plan_compensation / n
    every = payroll.amount(deferral_pct)
    target = full_deferral_room(payroll) if fill else every
    unused = clamp(target - every)
    steps = [Step("Deferral room you can use this year (402(g) + catch-up, within the plan's caps and 415(c))",
                  cents(target), payroll.cite("deferral_room", "catch_up_room", "annual_additions_limit")),
             Step(f"Your election of {_words(payroll, deferral_pct)} on all {n} paychecks", cents(every), "", "−"),
             Step("Room a whole-step election leaves", cents(unused), "", "=")]
    every_check = cents(pct_of(deferral_pct, per_check_pay))
    value = {"deferral_pct": deferral_pct, "per_paycheck_deferral": every_check, "last_paychecks": 0,
             "last_paycheck_deferral_pct": deferral_pct, "last_paycheck_deferral": every_check,
             "deferrals": cents(min(every, target)), "unused_deferral_room": cents(unused),
             "match_lost_if_rounded_up": cents(ZERO), "method": "every_paycheck_the_same"}
    flags: set[str] = set()
    if unused < CENT:
        return Figure("election_schedule", value, tuple(steps), unit=USD)
    # Payroll stops exactly at the room only when its stop is the room: not when deferrals at another
    # employer this year, the plan's total cap or 415(c) end the room sooner.
    stops = payroll.stops_at_limit and payroll.unit != "dollar" and payroll.payroll_stop <= target
    up = deferral_pct + step
    lost_up = ZERO
    if stops and up <= payroll.max_total_pct:
        if _front_loading_costs_match(payroll):
            lost_up = lost_match_from_front_loading(payroll, deferral_pct=up, after_tax_pct=ZERO).value
        value["match_lost_if_rounded_up"] = cents(lost_up)
        if not lost_up:
            steps += [Step(f"Elect one step more, {_words(payroll, up)}, on every paycheck", cents(payroll.amount(up)), ""),
                      Step("Payroll stops your deferrals at the limit, and your plan's match loses nothing by it",
                           cents(target), "your plan", "min"),
                      Step("Deferrals for the year", cents(target), "", "=")]
            value |= {"deferral_pct": up, "per_paycheck_deferral": cents(pct_of(up, per_check_pay)),
                      "last_paycheck_deferral_pct": up, "last_paycheck_deferral": cents(pct_of(up, per_check_pay)),
                      "deferrals": cents(target),
                      "unused_deferral_room": cents(ZERO), "method": "round_up"}
            return Figure("election_schedule", value, tuple(steps), unit=USD, flags=frozenset({"round_up"}))
        steps.append(Step(f"Match lost if you elected {_words(payroll, up)} instead and payroll stopped you early", cents(lost_up),
                          "lost_match_from_front_loading"))
    # The last paycheck(s) carry the rest: as few as the plan's total cap allows.
    headroom = payroll.amount(payroll.max_total_pct - deferral_pct) / n
    k = 1
    while k < n and headroom * k < unused:
        k += 1
    extra_each = unused / k
    exact_last = deferral_pct + _exact_pct(payroll, extra_each * n)
    if payroll.unit == "dollar":
        last_pct = exact_last
    elif stops:
        last_pct = min(round_up_to(exact_last, step), payroll.max_total_pct)
    else:
        last_pct = round_down_to(exact_last, step)
    if last_pct <= deferral_pct:  # the plan's cap leaves less than one step on any paycheck: nothing to change
        steps.append(Step("Room left unused: less than one election step fits on any paycheck", cents(unused), ""))
        value["unused_deferral_room"] = cents(unused)
        return Figure("election_schedule", value, tuple(steps), unit=USD, flags=frozenset({"rounding_leaves_room"}))
    per_check_last = min(pct_of(last_pct, per_check_pay), pct_of(deferral_pct, per_check_pay) + extra_each)
    deferred = cents(pct_of(deferral_pct, per_check_pay) * (n - k) + per_check_last * k)
    deferred = min(deferred, cents(target))
    left = clamp(cents(target) - deferred)
    which = "last paycheck" if k == 1 else f"last {k} paychecks"
    steps += [Step(f"Spread over your {which}", cents(unused), ""),
              _election(payroll, f"Deferral election for your {which}" + (" (payroll stops at the limit)" if stops else ""),
                        last_pct),
              Step("Deferrals for the year", deferred, ""),
              Step("Room left unused (less than one election step on one paycheck)" if left else "Room left unused",
                   left, "")]
    if left:
        flags.add("rounding_leaves_room")
    value |= {"last_paychecks": k, "last_paycheck_deferral_pct": last_pct, "last_paycheck_deferral": cents(per_check_last),
              "deferrals": deferred,
              "unused_deferral_room": left, "method": "last_paycheck_change"}
    flags.add("last_paycheck_change")
    return Figure("election_schedule", value, tuple(steps), unit=USD, flags=frozenset(flags))


def after_tax_space(payroll: Payroll, deferrals: Decimal | None = None) -> Figure:
    """415(c) room left after the year's deferrals and all employer money, capped by the plan's own
    limits. `deferrals`: what the elections put in (default: the full deferral room).

    Catch-ups are excluded from 415(c) (IRC 414(v)(3)(A)), so they never shrink this space. The
    flags say which cap binds: `plan_cap_binding` (the after-tax cap) or `total_cap_binding` (the
    cap on all contributions).
    """
    name = "after_tax_space"
    if not payroll.after_tax_offered:
        return Figure(name, ZERO, (Step("Your plan does not take after-tax contributions", ZERO, PLAN, "="),))
    if deferrals is None:
        deferrals = full_deferral_room(payroll)
    deferral_pct = _exact_pct(payroll, deferrals)
    # When the plan matches after-tax money too, after-tax dollars can fill the match: count it whole.
    matched_pct = max(deferral_pct, payroll.tiers[-1].up_to_pct) if payroll.matches_after_tax and payroll.tiers else deferral_pct
    match = match_on(payroll.amount(matched_pct), payroll.plan_compensation, payroll.tiers)
    counted = payroll.counted_deferrals(deferrals, match + payroll.nonelective)
    room = clamp(payroll.annual_additions_limit - counted - match - payroll.nonelective)
    steps = [Step("Annual additions limit for this employer", payroll.annual_additions_limit,
                  payroll.cite("annual_additions_limit")),
             Step("Your pre-tax and Roth deferrals for the year (catch-up not counted)", cents(counted),
                  "IRC 414(v)(3)(A)", "−"),
             Step("Employer match", cents(match), "your plan's match formula", "−"),
             Step("Employer nonelective contribution", cents(payroll.nonelective), PLAN, "−"),
             Step("Room under the annual additions limit", cents(room), "", "=")]
    space, binding = room, None
    if payroll.after_tax_max_pct is not None:
        cap = payroll.amount(payroll.after_tax_max_pct)
        steps.append(Step(f"Your plan's after-tax cap: {fmt.pct(payroll.after_tax_max_pct)} of pay", cents(cap), PLAN, "min"))
        if cap < space:
            space, binding = cap, "plan_cap_binding"
    total_cap = clamp(payroll.amount(payroll.max_total_pct) - deferrals)
    steps.append(Step(f"Your plan's cap on all contributions ({fmt.pct(payroll.max_total_pct)} of pay, "
                      f"{dollars(payroll.amount(payroll.max_total_pct))}) less your deferrals",
                      cents(total_cap), PLAN, "min"))
    if total_cap < space:
        space, binding = total_cap, "total_cap_binding"
    space = cents(space)
    steps.append(Step("After-tax space for a mega backdoor Roth", space, "", "="))
    return Figure(name, space, tuple(steps), flags=frozenset({binding} if binding else ()))


def after_tax_pct_within(payroll: Payroll, space: Decimal, deferral_pct: Decimal) -> Decimal:
    """The largest after-tax election (in the plan's steps) whose year fits in `space` and that, with
    `deferral_pct`, stays within the plan's cap on each paycheck."""
    if not payroll.after_tax_offered or space <= 0:
        return ZERO
    start = min(_exact_pct(payroll, space), payroll.max_total_pct - deferral_pct)
    if payroll.after_tax_max_pct is not None:
        start = min(start, payroll.after_tax_max_pct)
    return max(round_down_to(start, payroll.increment_pct), ZERO)


def recommended_elections(payroll: Payroll, *, goal: str | Decimal, rate_now: Decimal | None,
                          rate_retirement: Decimal | None, capture_pct: Decimal) -> Figure:
    """The percentages per paycheck (see `elections_for_the_year`)."""
    return elections_for_the_year(payroll, goal=goal, rate_now=rate_now, rate_retirement=rate_retirement,
                                  capture_pct=capture_pct)[0]


def elections_for_the_year(payroll: Payroll, *, goal: str | Decimal, rate_now: Decimal | None,
                           rate_retirement: Decimal | None, capture_pct: Decimal) -> tuple[Figure, Figure, Figure]:
    """The percentages per paycheck: the match first, then deferrals, then after-tax money; with the
    schedule that makes the deferrals reach the whole room, and the after-tax space left by them.

    goal "max" fills every limit, "match" stops at the full match, a number is a total % of pay.
    Pre-tax or Roth follows the tax rates now and in retirement; catch-ups go Roth when the
    Roth catch-up rule applies (IRC 414(v)(7)). Returns (recommended_elections, election_schedule,
    after_tax_space): one set of elections that every part of the guide uses.
    """
    top = max_deferral_pct(payroll)
    capture = min(round_up_to(capture_pct, payroll.increment_pct), top)
    steps = [Step("Deferral room left in this plan", payroll.deferral_room, payroll.cite("deferral_room")),
             Step("Catch-up room", payroll.catch_up_room, payroll.cite("catch_up_room"), "+"),
             Step("Pay the elections apply to", payroll.plan_compensation, payroll.cite("plan_compensation"), "÷"),
             Step("The room as a share of pay", _exact_pct(payroll, payroll.deferral_room + payroll.catch_up_room)
                  .quantize(CENT), "", "=", PCT),
             _election(payroll, "Largest whole-step election that stays under the room on every paycheck", top),
             _election(payroll, "Smallest election that gets the whole match", capture, "your plan's match formula")]
    if goal == "max":
        deferral = top
    elif goal == "match":
        deferral = capture
    else:
        deferral = min(max(round_down_to(goal, payroll.increment_pct), capture), top)
        steps.append(Step("Your savings goal, as a share of pay", goal, from_profile("savings_goal"), unit=PCT))
    schedule = election_schedule(payroll, deferral, fill=goal == "max")
    if schedule.value["method"] == "round_up":
        deferral = schedule.value["deferral_pct"]
        steps.append(_election(payroll, "One step more, so payroll stops you at the limit (see the schedule)", deferral))
    pre_tax, roth, flags = _split(payroll, deferral, rate_now, rate_retirement)
    steps.append(_election(payroll, "Pre-tax deferral election", pre_tax))
    steps.append(_election(payroll, "Roth deferral election", roth, "", "+"))
    after_tax = ZERO
    space = after_tax_space(payroll, schedule.value["deferrals"])
    if payroll.after_tax_offered:
        room = after_tax_pct_within(payroll, space.value, deferral)
        if goal == "max":
            after_tax = room
        elif goal == "match":
            # A plan that matches after-tax money can complete the match when deferral room runs short.
            short = clamp(round_up_to(capture_pct, payroll.increment_pct) - deferral) if payroll.matches_after_tax else ZERO
            after_tax = min(room, short)
        else:
            after_tax = min(room, max(round_down_to(goal, payroll.increment_pct) - deferral, ZERO))
        steps.append(_election(payroll, "After-tax election (mega backdoor Roth)", after_tax, "", "+"))
    steps.append(_election(payroll, "Total of each paycheck", pre_tax + roth + after_tax, "", "="))
    flags |= set(schedule.flags)
    value = {"pre_tax_pct": pre_tax, "roth_pct": roth, "after_tax_pct": after_tax}
    schedule = _with_after_tax(payroll, schedule, after_tax, value)
    return (Figure("recommended_elections", value, tuple(steps), unit=PCT, flags=frozenset(flags)), schedule, space)


def _with_after_tax(payroll: Payroll, schedule: Figure, after_tax_pct: Decimal, elections: dict) -> Figure:
    """The schedule completed with the after-tax dollars the elections put in and, on the last
    paychecks, the after-tax election that still fits the plan's cap beside the larger deferral,
    and which deferral election takes the change."""
    value = dict(schedule.value)
    k, n = value["last_paychecks"], payroll.paychecks
    last_after_tax = after_tax_pct
    if k:
        last_after_tax = min(after_tax_pct, max(round_down_to(payroll.max_total_pct - value["last_paycheck_deferral_pct"],
                                                              payroll.increment_pct), ZERO))
    per_check_pay = payroll.plan_compensation / n
    yearly = cents(pct_of(after_tax_pct, per_check_pay) * (n - k) + pct_of(last_after_tax, per_check_pay) * k)
    raised = "roth" if (payroll.roth_catch_up_required and payroll.catch_up_room) or not elections["pre_tax_pct"] else "pre_tax"
    value |= {"last_paycheck_after_tax_pct": last_after_tax, "after_tax_contributions": yearly,
              "last_paycheck_raises": raised if k else "",
              # the elections as dollars per paycheck: what a plan with dollar elections (unit "dollar") takes
              "unit": payroll.unit, "per_paycheck_pre_tax": per_paycheck(payroll, elections["pre_tax_pct"]),
              "per_paycheck_roth": per_paycheck(payroll, elections["roth_pct"]),
              "per_paycheck_after_tax": per_paycheck(payroll, after_tax_pct),
              "last_paycheck_after_tax": per_paycheck(payroll, last_after_tax)}
    steps = schedule.steps + (Step("After-tax contributions for the year at these elections", yearly, ""),)
    return Figure(schedule.name, value, steps, unit=schedule.unit, flags=schedule.flags)


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
        # Deferrals past 402(g) or past 415(c) beside the employer money are catch-up (Payroll.counted_deferrals)
        employer = _match(payroll, deferral, ZERO) + payroll.nonelective
        room = min(payroll.deferral_room, clamp(payroll.annual_additions_limit - employer))
        regular = round_down_to(ratio(room, payroll.plan_compensation) * HUNDRED, payroll.increment_pct)
        if pre_tax > regular:
            pre_tax = regular
            flags.add("catch_up_made_roth")
    return pre_tax, deferral - pre_tax, flags


def employer_match_pct(payroll: Payroll, elections: dict[str, Decimal], deferrals: Decimal | None = None) -> Decimal:
    """The matched share of pay at `elections` (after-tax counts only when the plan matches it).
    `deferrals`: the year's deferrals when payroll stops the elections at the limit. Past the match's
    top tier the share earns nothing more; below it, the year's deferrals decide."""
    matched = elections["pre_tax_pct"] + elections["roth_pct"]
    if deferrals is not None and payroll.tiers:
        top = payroll.tiers[-1].up_to_pct
        matched = min(matched, top) if deferrals >= payroll.amount(top) else min(matched, _exact_pct(payroll, deferrals))
    return matched + (elections["after_tax_pct"] if payroll.matches_after_tax else ZERO)


def yearly_amounts(payroll: Payroll, elections: dict[str, Decimal], schedule: Figure) -> dict[str, Decimal]:
    """The year's dollars of each kind at these elections and their schedule: payroll stops at the room,
    and a last-paycheck change goes to the election the schedule names."""
    total = schedule.value["deferrals"]
    if schedule.value["last_paycheck_raises"] == "pre_tax":
        roth = min(cents(payroll.amount(elections["roth_pct"])), total)
        pre_tax = total - roth
    else:
        pre_tax = min(cents(payroll.amount(elections["pre_tax_pct"])), total)
        roth = total - pre_tax
    return {"pre_tax": pre_tax, "roth": roth, "after_tax": schedule.value["after_tax_contributions"]}

