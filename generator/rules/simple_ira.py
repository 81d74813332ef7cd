"""A SIMPLE IRA (IRC 408(p)): employee deferrals with their own, lower limit, and an employer
contribution the law fixes — a 3 % match or a 2 % nonelective contribution.

SIMPLE deferrals count toward the person's one 402(g) limit (402(g)(3)(D)). In the first two years
of participation a payout before 59½ costs 25 % instead of 10 % (72(t)(6)) and the money may only
move to another SIMPLE IRA (408(d)(3)(G)). The account counts in the backdoor's pro-rata rule
(see rules/sep_ira.py).
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ..figure import COUNT, NOTE, TEXT, Figure, Step
from ..formatting import day
from ..limits import Constant, Limits, law
from ..money import CENT, ZERO, cents, clamp, pct_of, round_down_to

PROFILE = "your profile"


def simple_deferral_limit(limits: Limits, *, other_deferrals: Decimal, compensation: Decimal,
                          small_employer_limit: bool) -> Figure:
    """The SIMPLE deferral limit (408(p)(2)(E)), or the 110 % limit of a small employer whose plan
    elects it (SECURE 2.0 s.117, from 2024); never more than the 402(g) room other plans leave, nor
    than compensation."""
    regular = limits.simple_deferral
    higher = limits.simple_deferral_small_employer
    limit, label = regular, f"SIMPLE deferral limit for {limits.tax_year}"
    flags = set()
    if small_employer_limit and higher.value is not None:
        limit, label = higher, f"SIMPLE deferral limit of a small employer that elects the higher limit, {limits.tax_year}"
        flags.add("small_employer_limit")
    elif small_employer_limit:
        flags.add("small_employer_limit_not_yet")
    room = clamp(limits.elective_deferral.value - other_deferrals)
    value = min(limit.value, room, clamp(compensation))
    steps = [Step(label, limit.value, limit.source)]
    if "small_employer_limit_not_yet" in flags:
        steps.append(Step("The higher small-employer limit starts in 2024", None, higher.source))
    steps += [Step("Room left under the one deferral limit for all your plans", room,
                   f"{limits.elective_deferral.source}; IRC 402(g)(3)(D)", "min"),
              Step("Your compensation for the plan", compensation, "IRC 408(p)(6)(A)", "min"),
              Step("Deferrals you can make to your SIMPLE IRA", value, "", "=")]
    return Figure("simple_deferral_limit", value, tuple(steps), flags=frozenset(flags))


def simple_catch_up_limit(limits: Limits, *, age: int, small_employer_limit: bool) -> Figure:
    """The SIMPLE catch-up at 50+ (414(v)(2)(B)(ii)), the small-employer amount where the plan elects
    the higher limits, and the larger amount at 60-63 instead, from 2025 (414(v)(2)(E)(ii))."""
    steps = [Step(f"Your age on Dec 31, {limits.tax_year}", Decimal(age), "your birth date", unit=COUNT, role=NOTE)]
    start, low, high = (law(key) for key in ("catch_up_age", "catch_up_60_63_first_age", "catch_up_60_63_last_age"))
    if age < start.value:
        steps.append(Step(f"Catch-up contributions start in the year you turn {start.shown}", ZERO,
                          limits.simple_catch_up.source, "="))
        return Figure("simple_catch_up_limit", ZERO, tuple(steps))
    at_60 = limits.simple_catch_up_60_63
    small = limits.simple_catch_up_small_employer
    if low.value <= age <= high.value and at_60.value is not None:
        limit = at_60
        label = f"SIMPLE catch-up for ages {low.shown} to {high.shown} (instead of the age-{start.shown} amount)"
    elif small_employer_limit and small.value is not None:
        limit, label = small, "SIMPLE catch-up of a small employer that elects the higher limit"
    else:
        limit, label = limits.simple_catch_up, f"SIMPLE catch-up for age {start.shown} and over"
    steps += [Step(label, limit.value, limit.source),
              Step("Catch-up room (only above a full regular deferral)", limit.value, "", "=")]
    return Figure("simple_catch_up_limit", limit.value, tuple(steps), flags=frozenset({"catch_up"}))


def simple_employer_contribution(limits: Limits, constants: Mapping[str, Constant], *, formula: str,
                                 compensation: Decimal, deferral: Decimal) -> Figure:
    """The employer's part: a dollar-for-dollar match of deferrals up to 3 % of compensation
    (408(p)(2)(A)(iii), with no 401(a)(17) cap), or 2 % of compensation for every eligible employee,
    deferring or not, on compensation capped by 401(a)(17) (408(p)(2)(B))."""
    if formula == "match":
        rate = constants["simple_match_pct"]
        ceiling = round_down_to(pct_of(rate.value, compensation), CENT)
        value = min(deferral, ceiling)
        steps = (Step("Your deferrals", deferral, PROFILE),
                 Step(f"{rate.value}% of your compensation", ceiling, rate.source, "min"),
                 Step("Employer match", value, "", "="))
        return Figure("simple_employer_contribution", value, steps, flags=frozenset({"match"}))
    rate, cap = constants["simple_nonelective_pct"], limits.compensation_limit
    capped = min(compensation, cap.value)
    value = round_down_to(pct_of(rate.value, capped), CENT)
    steps = (Step("Your compensation", compensation, PROFILE),
             Step("Compensation limit", cap.value, cap.source, "min"),
             Step(f"× {rate.value}%, whether you defer or not", value, rate.source, "×"),
             Step("Employer nonelective contribution", value, "", "="))
    return Figure("simple_employer_contribution", value, steps, flags=frozenset({"nonelective"}))


def simple_compensation_self_employed(*, net_earnings: Decimal) -> Figure:
    """For a SIMPLE IRA a self-employed person's compensation is net earnings from self-employment
    under IRC 1402(a) (Schedule SE line 4a), without regard to the SIMPLE contributions: unlike a SEP
    or a solo 401(k), no deduction for half of the self-employment tax (408(p)(6)(A)(ii); Pub 560 ch. 3)."""
    steps = (Step("Net earnings from self-employment (Schedule SE line 4a)", net_earnings, "Schedule SE (Form 1040)"),
             Step("Compensation for your SIMPLE IRA", net_earnings, "IRC 408(p)(6)(A)(ii); IRS Pub 560 ch. 3", "="))
    return Figure("simple_compensation", net_earnings, steps)


def _years_after(start: date, years: int) -> date:
    """The same calendar day `years` later. A Feb 29 start has no such day: the period then runs
    through Feb 28 and ends on Mar 1 (the longer reading, so a payout is never called safe too early)."""
    year = start.year + years
    if start.day > monthrange(year, start.month)[1]:
        return date(year, start.month + 1, 1)
    return date(year, start.month, start.day)


def simple_two_year_period_end(constants: Mapping[str, Constant], *, first_participation: date) -> Figure:
    """The first day after the 2-year period that begins on the day the person first took part in any
    SIMPLE IRA plan of the employer (IRC 72(t)(6), 408(d)(3)(G))."""
    years = constants["simple_first_years"]
    end = _years_after(first_participation, int(years.value))
    steps = (Step(f"You first took part in the SIMPLE IRA on {day(first_participation)}", None, PROFILE),
             Step(f"The {int(years.value)}-year period ends the day before {day(end)}", None, years.source))
    return Figure("simple_two_year_period_end", end.isoformat(), steps, unit=TEXT)


def simple_early_distribution_tax(constants: Mapping[str, Constant], *, amount: Decimal, payout_date: date,
                                  first_participation: date, additional_tax_applies: bool) -> Figure:
    """The additional tax on a SIMPLE IRA payout that owes one (before 59½, no exception): 25 % within
    the first two years of participation (72(t)(6)), 10 % after them (72(t)(1))."""
    end = date.fromisoformat(simple_two_year_period_end(constants, first_participation=first_participation).value)
    within = payout_date < end
    steps = [Step("Amount paid out", amount, PROFILE),
             Step(f"Paid on {day(payout_date)}; the first two years end the day before {day(end)}",
                  None, constants["simple_first_years"].source)]
    if not additional_tax_applies:
        steps.append(Step(f"No additional tax: you are {law('penalty_free_age').shown} or older or an exception applies",
                          ZERO, constants["early_distribution_tax_pct"].source, "="))
        return Figure("simple_early_distribution_tax", ZERO, tuple(steps),
                      flags=frozenset({"within_two_years"} if within else ()))
    rate = constants["simple_early_distribution_tax_pct" if within else "early_distribution_tax_pct"]
    tax = cents(pct_of(rate.value, amount))
    label = "within the first two years" if within else "after the first two years"
    steps += [Step(f"× {rate.value}% ({label})", rate.value, rate.source, "×", unit="pct"),
              Step("Additional tax", tax, "", "=")]
    return Figure("simple_early_distribution_tax", tax, tuple(steps),
                  flags=frozenset({"within_two_years"} if within else ()))


def simple_rollover_destinations(constants: Mapping[str, Constant], *, rollover_date: date,
                                 first_participation: date) -> Figure:
    """Where SIMPLE IRA money may go: only to another SIMPLE IRA in the first two years (a move anywhere
    else is a payout, 408(d)(3)(G)); after them to any IRA or a workplace plan that takes it."""
    end = date.fromisoformat(simple_two_year_period_end(constants, first_participation=first_participation).value)
    years = constants["simple_first_years"]
    if rollover_date < end:
        steps = (Step(f"On {day(rollover_date)}, before {day(end)}: only to another SIMPLE IRA; "
                      "a rollover anywhere else is taxed as a payout (with the "
                      f"{constants['simple_early_distribution_tax_pct'].shown}% additional tax before "
                      f"{law('penalty_free_age').shown})",
                      None, years.source),)
        return Figure("simple_rollover_destinations", "simple_ira_only", steps, unit=TEXT)
    steps = (Step(f"On {day(rollover_date)}, after the first two years: to any IRA or a workplace plan that "
                  "accepts it", None, "IRC 408(d)(3)(A); IRC 408(d)(3)(G)"),)
    return Figure("simple_rollover_destinations", "any_ira_or_plan", steps, unit=TEXT)
