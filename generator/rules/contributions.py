"""Workplace-plan limits for one person and one employer: 402(g), catch-ups, 401(a)(17), 415(c)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..figure import BOOL, COUNT, NOTE, Figure, Step, from_profile
from ..limits import Limit, Limits, law
from ..money import ZERO, clamp

OTHER_DEFERRALS = from_profile("pay.other_deferrals_this_year")


def age_on_dec_31(birth_date: date, tax_year: int) -> int:
    """Catch-up eligibility is judged by the age reached by the end of the year (IRC 414(v)(5)(A))."""
    return tax_year - birth_date.year


def elective_deferral_limit(limits: Limits, *, other_deferrals: Decimal, separate_limit: bool = False,
                            reserved: Decimal = ZERO) -> Figure:
    """402(g) room left at this employer, without catch-up.

    The limit is per person across every 401(k) and 403(b) in the year (IRC 402(g)(1)), so
    deferrals made at an earlier employer reduce it. A governmental 457(b) has its own limit of
    the same amount (IRC 457(b)(2), 457(e)(15)), which other plans' deferrals do not touch.
    """
    limit = limits.elective_deferral
    steps = [Step(f"Elective deferral limit for {limits.tax_year}", limit.value, limit.source)]
    if separate_limit:
        steps.append(Step("A governmental 457(b) has its own limit: deferrals to other plans do not reduce it",
                          None, "IRC 457(e)(15)"))
        room = limit.value
    else:
        room = clamp(limit.value - other_deferrals - reserved)
        steps.append(Step("Deferrals already made at another employer this year", other_deferrals, OTHER_DEFERRALS, "−"))
        if reserved:  # room kept back for a next job's match later this year (rules/next_plan.py)
            steps.append(Step("Kept back for your next job's whole match", reserved, "next_plan_match_reserve", "−"))
    steps.append(Step("Room left for pre-tax and Roth deferrals here", room, "", "="))
    return Figure("elective_deferral_limit", room, tuple(steps))


def catch_up_for_age(limits: Limits, age: int) -> tuple[str, Limit] | None:
    """The catch-up that applies at `age` on Dec 31 (IRC 414(v)(2)(B)), with its name: ages 60 to 63
    get the larger amount instead, from 2025 (IRC 414(v)(2)(E)); None before the year of turning 50."""
    start, low, high = (law(key) for key in ("catch_up_age", "catch_up_60_63_first_age", "catch_up_60_63_last_age"))
    if age < start.value:
        return None
    big = limits.catch_up_60_63
    if big.value is not None and low.value <= age <= high.value:
        return f"Catch-up for ages {low.shown} to {high.shown} (instead of the age-{start.shown} amount)", big
    return f"Catch-up for age {start.shown} and over", limits.catch_up_50


def catch_up_limit(limits: Limits, *, age: int, other_deferrals: Decimal, roth_required: bool,
                   plan_offers_roth: bool, separate_limit: bool = False) -> Figure:
    """Catch-up room above 402(g) (IRC 414(v)); 60-63 gets the larger amount instead, from 2025.

    The catch-up is per person too (IRC 402(g)(1)(C)): deferrals at another employer beyond the
    regular limit have already used part of it.
    """
    steps = [Step(f"Your age on Dec 31, {limits.tax_year}", Decimal(age), "your birth date", unit=COUNT, role=NOTE)]
    applies = catch_up_for_age(limits, age)
    if applies is None:
        steps.append(Step(f"Catch-up contributions start in the year you turn {law('catch_up_age').shown}", ZERO,
                          limits.catch_up_50.source, "="))
        return Figure("catch_up_limit", ZERO, tuple(steps))
    label, limit = applies
    amount = limit.value
    flags = {"catch_up"} | ({"catch_up_60_63"} if limit.key == "catch_up_60_63" else set())
    steps.append(Step(label, amount, limit.source))
    if not separate_limit:
        used = clamp(other_deferrals - limits.elective_deferral.value)
        if used:
            steps.append(Step("Catch-up already used at another employer this year", used, OTHER_DEFERRALS, "−"))
            amount = clamp(amount - used)
    if roth_required and not plan_offers_roth:
        flags.add("catch_up_blocked_no_roth")
        steps.append(Step("Your catch-up must be Roth and this plan offers no Roth: no catch-up here",
                          ZERO, limits.roth_catch_up_wage_threshold.source, "="))
        return Figure("catch_up_limit", ZERO, tuple(steps), flags=frozenset(flags))
    steps.append(Step("Catch-up room (for deferrals past the regular limits)", amount, "", "="))
    return Figure("catch_up_limit", amount, tuple(steps), flags=frozenset(flags))


def roth_catch_up_required(limits: Limits, *, age: int, prior_year_fica_wages: Decimal | None,
                           source: str = from_profile("pay.prior_year_fica_wages")) -> Figure:
    """SECURE 2.0 s.603 (IRC 414(v)(7)): catch-ups must be Roth when last year's FICA wages from
    this employer exceeded the threshold. 2024-2025 were an administrative transition (Notice 2023-62).

    The test is per employer: a new hire had no FICA wages from it last year (0). The wages are never
    guessed; the profile must give them wherever the rule can apply (profiles._roth_catch_up_wages).
    """
    rule = limits.roth_catch_up_wage_threshold
    steps = []
    if prior_year_fica_wages is not None:
        steps.append(Step("Last year's FICA wages from this employer (W-2 box 3)", prior_year_fica_wages, source))
    if age < law("catch_up_age").value:
        steps.append(Step("No catch-up at your age, so the Roth catch-up rule does not apply", None, rule.source))
        return Figure("roth_catch_up_required", False, tuple(steps), unit=BOOL)
    if rule.value is None:
        steps.append(Step(f"No Roth catch-up rule in {limits.tax_year} (it starts in 2024)", None, rule.source))
        return Figure("roth_catch_up_required", False, tuple(steps), unit=BOOL)
    if prior_year_fica_wages is None:
        raise ValueError("prior_year_fica_wages is required at catch-up age in a year with the Roth catch-up rule")
    steps.append(Step("Wage threshold for the Roth catch-up rule", rule.value, rule.source))
    above = prior_year_fica_wages > rule.value
    if not rule.enforced:
        steps.append(Step("Transition years 2024-2025: pre-tax catch-ups are still allowed", None, "IRS Notice 2023-62"))
        flags = {"roth_catch_up_transition"} | ({"roth_catch_up_from_2026"} if above else set())
        return Figure("roth_catch_up_required", False, tuple(steps), unit=BOOL, flags=frozenset(flags))
    label = "above the threshold: catch-ups must be Roth" if above else "not above the threshold: catch-ups may be pre-tax"
    steps.append(Step(f"Your wages are {label}", None, rule.source))
    return Figure("roth_catch_up_required", above, tuple(steps), unit=BOOL)


def plan_compensation(limits: Limits, *, salary: Decimal) -> Figure:
    """The pay a match or nonelective formula may use: capped by IRC 401(a)(17)."""
    cap = limits.compensation_limit
    value = min(salary, cap.value)
    steps = (Step("Your pay from this employer this year", salary, from_profile("pay.salary")),
             Step("Compensation limit", cap.value, cap.source, "min"),
             Step("Pay the plan's formulas use", value, "", "="))
    return Figure("plan_compensation", value, steps,
                  flags=frozenset({"compensation_capped"} if salary > cap.value else ()))


def annual_additions_limit(limits: Limits, *, compensation: Decimal) -> Figure:
    """IRC 415(c)(1): the lesser of the dollar limit and 100 % of compensation, per employer.

    Compensation here is all pay from the employer (415(c)(3)), not capped by 401(a)(17).
    """
    dollar = limits.annual_additions
    value = min(dollar.value, compensation)
    steps = (Step(f"Annual additions limit for {limits.tax_year}", dollar.value, dollar.source),
             Step("100% of your pay from this employer", compensation, "IRC 415(c)(1)(B)", "min"),
             Step("All contributions to this employer's plans, catch-ups excluded, may not exceed", value, "", "="))
    return Figure("annual_additions_limit", value, steps)


def plan_deferral_cap(limits: Limits, *, age: int, roth_required: bool, plan_offers_roth: bool) -> Decimal:
    """Where a plan's payroll stops deferrals: the yearly limit plus catch-up as if it were the only
    plan. Deferrals made at another employer are the person's to watch (the excess_deferrals figure)."""
    alone = catch_up_limit(limits, age=age, other_deferrals=ZERO, roth_required=roth_required,
                           plan_offers_roth=plan_offers_roth)
    return limits.elective_deferral.value + alone.value
