"""A governmental 457(b) (a state or local government's plan): a deferral limit of its own, the same
amount as 402(g) but separate from it (IRC 457(b)(2), 457(e)(15)), so someone with a 403(b) or a
401(k) as well can defer the full amount to each. It has a special catch-up in the three years
before the plan's normal retirement age, which replaces the age-50 catch-up when it is larger
(457(e)(18)). Its payouts owe no 10 % additional tax except on money rolled in from other plans
or IRAs (72(t)(9)): see rules/rollover/early_payout.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ..figure import Figure, Step
from ..limits import Constant, Limits
from ..money import ZERO, clamp
from . import contributions as c

PROFILE = "your profile"


def special_457b_catch_up_years(constants: Mapping[str, Constant], *, birth_date: date,
                                normal_retirement_age: int) -> tuple[int, int]:
    """The first and last tax year of the special catch-up: the last three years that end before the
    year in which the person reaches the plan's normal retirement age (IRC 457(b)(3))."""
    span = int(constants["special_457_catch_up_years"].value)
    reached = birth_date.year + normal_retirement_age
    return reached - span, reached - 1


def governmental_457b_limit(limits: Limits, constants: Mapping[str, Constant], *, age: int, birth_date: date,
                            normal_retirement_age: int | None, unused_earlier_limits: Decimal) -> Figure:
    """The most a person can defer to a governmental 457(b) this year, on its own limit.

    - the regular limit (457(b)(2), 457(e)(15)), untouched by deferrals to any 401(k) or 403(b);
    - in the special years, the lesser of twice that limit and the limit plus the limits left unused
      in earlier years (457(b)(3));
    - at 50 or over, the regular limit plus the age catch-up (414(v));
    - the larger of the last two applies, never both (457(e)(18)).
    """
    base = limits.elective_deferral
    steps = [Step(f"Governmental 457(b) limit for {limits.tax_year}, separate from 401(k) and 403(b) deferrals",
                  base.value, f"IRC 457(e)(15); {base.notice}")]
    age_rule = c.catch_up_for_age(limits, age)
    age_total = base.value + (age_rule[1].value if age_rule else ZERO)
    if age_rule:
        steps.append(Step("The regular limit plus your age catch-up", age_total, age_rule[1].source))
    special_total = None
    if normal_retirement_age is not None:
        first, last = special_457b_catch_up_years(constants, birth_date=birth_date, normal_retirement_age=normal_retirement_age)
        multiple = constants["special_457_catch_up_multiple"]
        steps.append(Step(f"Special catch-up years before normal retirement age {normal_retirement_age}: {first}-{last}",
                          None, constants["special_457_catch_up_years"].source))
        if first <= limits.tax_year <= last:
            special_total = min(multiple.value * base.value, base.value + clamp(unused_earlier_limits))
            steps += [Step(f"{int(multiple.value)} × the regular limit", multiple.value * base.value, multiple.source),
                      Step("The regular limit plus limits you left unused in earlier years",
                           base.value + clamp(unused_earlier_limits), "IRC 457(b)(3)(B)", "min"),
                      Step("With the special catch-up", special_total, "", "=")]
    value = age_total if special_total is None else max(age_total, special_total)
    flags = set()
    if special_total is not None:
        flags.add("special_catch_up" if special_total > age_total else "age_catch_up_larger")
        steps.append(Step("The larger of the two applies, never both", value, "IRC 457(e)(18)", "max"))
    steps.append(Step("Most you can defer to the 457(b) this year", value, "", "="))
    return Figure("governmental_457b_limit", value, tuple(steps), flags=frozenset(flags))



def age_catch_up_replaced(catch_up: Figure, limit: Figure) -> Figure:
    """The age catch-up in a year when the larger special 457(b) catch-up applies instead: none on top,
    so no page adds both (IRC 457(e)(18))."""
    steps = catch_up.steps + (
        Step("Left out: this year the larger 457(b) special catch-up applies instead, never both",
             catch_up.value, "IRC 457(e)(18)", "−"),
        Step("Age catch-up on top of your 457(b) limit", ZERO, "", "="))
    return Figure(catch_up.name, ZERO, steps, flags=frozenset({"special_457b_instead"}))
