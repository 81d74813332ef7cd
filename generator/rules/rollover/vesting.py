"""Vesting: how much of the employer's money in the plan a leaver keeps.

Your own deferrals are always yours (IRC 411(a)(1)); employer contributions vest on the plan's
schedule, by years of service (411(a)(2)(B): at least a 3-year cliff or 20 % a year from year 2 to 6).
What is not vested on the day you leave is forfeited. Years of service are counted from the start
date to the separation date by whole anniversaries (the elapsed-time method, Treas. Reg. 1.410(a)-7);
a plan that counts 1,000-hour years may count differently, so the guide says to ask it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Sequence

from ...figure import COUNT, PCT, Figure, Step
from ...formatting import day, pct
from ...money import ZERO, cents, pct_of
from .early_payout import date_of_age
from .kinds import PROFILE

CLOSE_DAYS = 90  # a vesting step this near is worth naming: staying a little longer may be a choice
SCHEDULE = "your plan's vesting schedule"
ELAPSED_TIME = "Treas. Reg. 1.410(a)-7"


def years_of_service(start: date, end: date) -> int:
    """Whole anniversaries of `start` reached on or before `end`."""
    years = end.year - start.year
    return years if date_of_age(start, Decimal(years)) <= end else years - 1


def vested_pct(schedule: Sequence[tuple[int, Decimal]], years: int) -> Decimal:
    """The percent vested after `years` of service: the highest step reached, 0 before the first."""
    return max((pct for after, pct in schedule if after <= years), default=ZERO)


def vesting(*, schedule: Sequence[tuple[int, Decimal]], employer_money: Decimal, service_start: date,
            separation_date: date) -> Figure:
    """What of `employer_money` (vested or not) is kept and forfeited on `separation_date`, and the next
    step of the schedule: its date, the days of service still needed and the dollars it would add.

    `schedule` is (years of service, percent vested) pairs. Value: {"employer_money", "years_of_service", "vested_pct",
    "kept", "forfeited", "next_step_date", "days_to_next_step", "next_step_pct", "next_step_adds",
    "next_step_close"} (next_* None once fully vested). Flag `next_step_close`: the next step is at
    most CLOSE_DAYS away.
    """
    years = years_of_service(service_start, separation_date)
    vested = vested_pct(schedule, years)
    kept = cents(pct_of(vested, employer_money))
    forfeited = employer_money - kept
    steps = [Step(f"Service from {day(service_start)} to {day(separation_date)}: whole years", Decimal(years),
                  f"{PROFILE}; {ELAPSED_TIME}", unit=COUNT),
             Step("Employer money in your account, vested or not", employer_money, PROFILE),
             Step(f"Vested after {years} years", vested, SCHEDULE, "×", PCT),
             Step("Yours to keep", kept, "IRC 411(a)(2)", "="),
             Step("Employer money in your account", employer_money, PROFILE),
             Step("Yours to keep", kept, "IRC 411(a)(2)", "−"),
             Step("Forfeited when you leave", forfeited, "IRC 411(a)(2)", "=")]
    value = {"employer_money": cents(employer_money), "years_of_service": years, "vested_pct": vested, "kept": kept, "forfeited": cents(forfeited),
             "next_step_date": None, "days_to_next_step": None, "next_step_pct": None, "next_step_adds": None,
             "next_step_close": False}
    flags: set[str] = {"forfeits"} if forfeited else set()
    ahead = sorted((after, step_pct) for after, step_pct in schedule if after > years and step_pct > vested)
    if ahead and employer_money:
        after, next_pct = ahead[0]
        when = date_of_age(service_start, Decimal(after))
        days = (when - separation_date).days
        adds = cents(pct_of(next_pct, employer_money)) - kept
        close = days <= CLOSE_DAYS
        if close:
            flags.add("next_step_close")
        steps += [Step(f"Next step: {pct(next_pct)} vested after {after} years of service, on {day(when)}, "
                       f"{days} days after you leave", None, SCHEDULE),
                  Step(f"Employer money vested at {pct(next_pct)}", cents(pct_of(next_pct, employer_money)), SCHEDULE),
                  Step("Yours to keep now", kept, "", "−"),
                  Step(f"More you would keep by staying until {day(when)}", adds, "", "=")]
        value |= {"next_step_date": when, "days_to_next_step": days, "next_step_pct": next_pct,
                  "next_step_adds": adds, "next_step_close": close}
    return Figure("vesting", value, tuple(steps), flags=frozenset(flags))
