"""A job-change year: deferrals at two employers against the one 402(g) limit, and the deadlines for
getting an excess paid back."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from ...formatting import day
from ...figure import Figure, Step
from ...limits import Constant, Limits, load_constants
from ...money import ZERO, cents
from ..contributions import catch_up_for_age
from .kinds import PROFILE


def _day_next_year(constant: Constant, tax_year: int) -> date:
    return datetime.strptime(f"{constant.value} {tax_year + 1}", "%B %d %Y").date()


def excess_deferral_deadline(tax_year: int) -> date:
    """Excess deferrals must be paid back by April 15 of the next year (IRC 402(g)(2)(A)(ii))."""
    return _day_next_year(load_constants()["excess_deferral_payout_day"], tax_year)


def excess_deferral_claim_deadline(tax_year: int) -> date:
    """Plans may require the claim for an excess deferral by March 1 of the next year (Treas. Reg.
    1.402(g)-1(e)(2)); many ask for it earlier still."""
    return _day_next_year(load_constants()["excess_deferral_claim_day"], tax_year)


def excess_deferrals(limits: Limits, *, deferrals_by_employer: Mapping[str, Decimal], age_on_dec_31: int) -> Figure:
    """402(g) is one limit per person across every employer (IRC 402(g)(1)): deferrals at the old and
    the new employer together above the limit, plus the catch-up for 50+ (414(v)), are an excess.

    Assumes each plan allows catch-ups; a governmental 457(b)'s separate limit is not handled here.
    """
    limit = limits.elective_deferral
    steps = []
    for n, (employer, amount) in enumerate(deferrals_by_employer.items()):
        steps.append(Step(f"Your deferrals at {employer}", amount, PROFILE, "+" if n else ""))
    total = sum(deferrals_by_employer.values(), ZERO)
    steps += [Step("Your deferrals this year, all employers", total, "", "="),
              Step(f"Elective deferral limit for {limits.tax_year}", limit.value, limit.source, "−")]
    catch_up = catch_up_for_age(limits, age_on_dec_31)
    if catch_up is not None:
        steps.append(Step(catch_up[0], catch_up[1].value, catch_up[1].source, "−"))
    over = total - limit.value - (catch_up[1].value if catch_up else ZERO)
    deadline = excess_deferral_deadline(limits.tax_year)
    claim = excess_deferral_claim_deadline(limits.tax_year)
    if over > 0:
        over = cents(over)
        steps += [Step("Excess deferrals", over, "", "="),
                  Step(f"Tell the plan that is to pay it back by {day(claim)} (plans may require the claim by then)",
                       None, "Treas. Reg. 1.402(g)-1(e)(2)"),
                  Step(f"Have the excess and its earnings paid back by {day(deadline)}; left in, it is taxed "
                       "twice (this year and again when paid out)", None, "IRC 402(g)(2)(A)(ii); Treas. Reg. 1.402(g)-1(e)")]
        return Figure("excess_deferrals", over, tuple(steps), flags=frozenset({"excess_deferral"}))
    steps += [Step("Over (+) or under (−) the limit", over, "", "="),
              Step("Under the limit: no excess", ZERO, "", "max"),
              Step("Excess deferrals", ZERO, "", "=")]
    return Figure("excess_deferrals", cents(ZERO), tuple(steps))

