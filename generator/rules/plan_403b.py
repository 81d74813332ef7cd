"""A 403(b): the same 402(g) limit as a 401(k), and one extra catch-up for long service at a
qualified organization — an educational organization, hospital, home health or health and welfare
service agency, or church (IRC 402(g)(7)).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..figure import COUNT, Figure, Step
from ..limits import Constant, law
from ..money import ZERO, clamp

PROFILE = "your profile"
# Deferrals above the regular limit count first as the 15-year catch-up, then as the age-50 one.
ORDERING = "IRS Pub 571, chapter 2; Treas. Reg. 1.402(g)-2"


def fifteen_year_catch_up(constants: Mapping[str, Constant], *, qualified_organization: bool, years_of_service: int,
                          used_before: Decimal, earlier_deferrals: Decimal) -> Figure:
    """IRC 402(g)(7): with 15 or more years of service at a qualified organization, the 402(g) limit
    rises by the least of $3,000, $15,000 less the amounts used this way in earlier years, and $5,000
    times the years of service less all earlier elective deferrals to that employer."""
    years = constants["fifteen_year_catch_up_years"]
    steps = [Step("Completed years of service with this employer", Decimal(years_of_service), PROFILE, unit=COUNT)]
    if not qualified_organization:
        steps.append(Step("Your employer is not a qualified organization for this catch-up", ZERO, years.source, "="))
        return Figure("fifteen_year_catch_up", ZERO, tuple(steps))
    if years_of_service < years.value:
        steps.append(Step(f"It starts after {int(years.value)} years of service", ZERO, years.source, "="))
        return Figure("fifteen_year_catch_up", ZERO, tuple(steps))
    annual = constants["fifteen_year_catch_up_annual"]
    lifetime = constants["fifteen_year_catch_up_lifetime"]
    per_year = constants["fifteen_year_catch_up_per_year_of_service"]
    lifetime_left = clamp(lifetime.value - used_before)
    service_left = clamp(per_year.value * years_of_service - earlier_deferrals)
    value = min(annual.value, lifetime_left, service_left)
    steps += [Step("Most in one year", annual.value, annual.source),
              Step("Lifetime amount less what you used in earlier years",
                   lifetime_left, lifetime.source, "min"),
              Step("An amount per year of service × your years, less all your earlier deferrals here",
                   service_left, per_year.source, "min"),
              Step("15-year catch-up this year", value, "", "=")]
    return Figure("fifteen_year_catch_up", value, tuple(steps), flags=frozenset({"fifteen_year_catch_up"} if value else ()))


def deferral_split_403b(*, deferral: Decimal, regular_room: Decimal, fifteen_year: Decimal, age_catch_up: Decimal) -> Figure:
    """How a year's 403(b) deferrals count: up to the regular room, then as the 15-year catch-up, then as
    the age-50 catch-up; anything beyond is an excess deferral. The order matters because the 15-year
    catch-up uses up its lifetime amount."""
    regular = min(deferral, regular_room)
    as_fifteen = min(clamp(deferral - regular), fifteen_year)
    as_age = min(clamp(deferral - regular - as_fifteen), age_catch_up)
    excess = clamp(deferral - regular - as_fifteen - as_age)
    value = {"regular": regular, "fifteen_year": as_fifteen, "age_catch_up": as_age, "excess": excess}
    steps = (Step("Your 403(b) deferrals this year", deferral, PROFILE),
             Step("Counted against the regular limit", regular, "IRC 402(g)(1)"),
             Step("Then as the 15-year catch-up", as_fifteen, ORDERING),
             Step(f"Then as the age-{law('catch_up_age').shown} catch-up", as_age, "IRC 414(v)"),
             Step("Above every limit (an excess deferral to take out)", excess, "IRC 402(g)(2)"))
    return Figure("deferral_split_403b", value, steps, flags=frozenset({"excess"} if excess else ()))
