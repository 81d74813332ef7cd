"""The figures of a business owner's own plans for one persona, in dependency order (part of compute):
earnings as plans see them, then what a solo 401(k), a SEP IRA and a SIMPLE IRA would each take,
then (once the IRA route is known) what each does to a backdoor Roth and which one to choose.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .figure import Figure, Step, from_profile
from .limits import Constant, Limits
from .money import ZERO, clamp
from .profiles import Iras, Persona, Plan
from .rules import business_plan_choice as choice
from .rules import contributions as c
from .rules import self_employment as se
from .rules import simple_ira as simple
from .rules import solo_401k as solo
from .rules.sep_ira import sep_contribution_limit

PROFILE = "your profile"


def business_plan(persona: Persona, plans: Mapping[str, Plan]) -> Plan | None:
    business = persona.business
    return plans.get(business.plan) if business and business.plan else None


def business_figures(persona: Persona, plans: Mapping[str, Plan], limits: Limits, constants: Mapping[str, Constant],
                     age: int, day_job_deferrals: Decimal) -> dict[str, Figure]:
    """Every contribution figure of the business, for all three kinds of plan (the guide compares them)."""
    business, plan = persona.business, business_plan(persona, plans)
    found: dict[str, Figure] = {}
    add = lambda figure: found.setdefault(figure.name, figure)  # noqa: E731
    if business.incorporated:
        compensation = simple_compensation = business.w2_pay
    else:
        earnings = add(se.net_earnings_from_self_employment(constants, net_profit=business.net_profit)).value
        tax = add(se.self_employment_tax(limits, constants, net_earnings=earnings,
                                         social_security_wages=persona.pay.salary)).value
        half = add(se.self_employment_tax_deduction(constants, self_employment_tax=tax)).value
        compensation = add(se.self_employed_compensation(net_profit=business.net_profit, se_tax_deduction=half)).value
        simple_compensation = add(simple.simple_compensation_self_employed(net_earnings=earnings)).value
    add(deferral_limit_split(limits, day_job_deferrals=day_job_deferrals))
    solo_total = _solo_401k(limits, constants, persona, plan, age, compensation, day_job_deferrals, add)
    sep = add(sep_contribution_limit(limits, constants, compensation=compensation, incorporated=business.incorporated))
    simple_total = _simple_ira(limits, constants, plan, age, simple_compensation, day_job_deferrals, add)
    add(choice.business_plan_totals(solo_401k=solo_total, sep_ira=sep.value, simple_ira=simple_total))
    if plan is not None and plan.type == "solo_401k":
        add(solo.form_5500_ez_required(constants, plan_assets=business.plan_assets))
    if plan is not None and plan.type == "simple_ira" and business.simple_first_participation:
        add(simple.simple_two_year_period_end(constants, first_participation=business.simple_first_participation))
    return found


def deferral_limit_split(limits: Limits, *, day_job_deferrals: Decimal) -> Figure:
    """One 402(g) limit for the person, not one per plan: what a job's plans use, what is left for the business."""
    limit = limits.elective_deferral
    left = clamp(limit.value - day_job_deferrals)
    steps = (Step(f"Elective deferral limit for {limits.tax_year}, for all your plans together", limit.value, limit.source),
             Step("Deferrals to a job's 401(k), 403(b) or SIMPLE IRA this year", day_job_deferrals, PROFILE, "−"),
             Step("Left for your business's plan", left, "IRC 402(g)(1)", "="))
    return Figure("deferral_limit_split", {"day_job": day_job_deferrals, "business": left}, steps)


def _solo_401k(limits, constants, persona, plan, age, compensation, day_job_deferrals, add) -> Decimal:
    business = persona.business
    own = plan is not None and plan.type == "solo_401k"
    if business.has_employees:  # a plan for the owner alone would fail the coverage rules
        return add(Figure("solo_401k_total", ZERO, (Step(
            "A solo 401(k) is only for a business whose only employees are you and your spouse", ZERO,
            "IRC 410(b)", "="),), flags=frozenset({"not_available"}))).value
    deferral = add(solo.solo_401k_deferral_limit(limits, other_deferrals=day_job_deferrals, compensation=compensation)).value
    if business.incorporated:
        employer = se.employer_contribution_incorporated(limits, constants, w2_pay=compensation, deferrals=deferral,
                                                         name="solo_401k_employer_contribution")
        # the Roth catch-up rule looks at last year's wages from the corporation (the profile gives them)
        roth_required = c.roth_catch_up_required(limits, age=age, prior_year_fica_wages=business.prior_year_w2_pay,
                                                 source=from_profile("business.prior_year_w2_pay")).value
    else:
        rate = constants["employer_contribution_rate_pct"].value
        employer = se.employer_contribution_self_employed(limits, compensation=compensation, plan_rate_pct=rate,
                                                          deferrals=deferral, name="solo_401k_employer_contribution")
        roth_required = False  # self-employment income is not FICA wages (IRC 414(v)(7)(A))
    employer = add(employer).value
    additions = add(solo.solo_401k_annual_additions_limit(limits, compensation=compensation, employer_contribution=employer,
                                                          incorporated=business.incorporated)).value
    catch_up = add(solo.solo_401k_catch_up_limit(
        limits, age=age, other_deferrals=day_job_deferrals, roth_required=roth_required,
        plan_offers_roth=plan.contributions.roth if own else True,
        compensation_left=compensation - deferral - employer)).value
    after_tax = add(solo.solo_401k_after_tax_space(annual_additions_limit=additions, deferral=deferral,
                                                   employer_contribution=employer,
                                                   plan_allows_after_tax=own and plan.contributions.after_tax)).value
    return add(solo.solo_401k_total(deferral=deferral, catch_up=catch_up, employer_contribution=employer,
                                    after_tax=after_tax)).value


def _simple_ira(limits, constants, plan, age, compensation, day_job_deferrals, add) -> Decimal:
    settings = plan.simple if plan is not None and plan.type == "simple_ira" else None
    small = bool(settings and settings.small_employer_limit)
    deferral = add(simple.simple_deferral_limit(limits, other_deferrals=day_job_deferrals, compensation=compensation,
                                                small_employer_limit=small)).value
    catch_up_room = simple.simple_catch_up_limit(limits, age=age, small_employer_limit=small)
    catch_up = min(catch_up_room.value, clamp(compensation - deferral))
    add(Figure("simple_catch_up_limit", catch_up, catch_up_room.steps + (
        Step("Compensation left after your deferrals", clamp(compensation - deferral), "IRC 414(v)(2)(A)(ii)", "min"),
        Step("Catch-up you can add to a SIMPLE IRA", catch_up, "", "=")), flags=catch_up_room.flags))
    employer = add(simple.simple_employer_contribution(
        limits, constants, formula=settings.employer_contribution if settings else "match",
        compensation=compensation, deferral=deferral)).value
    total = deferral + catch_up + employer
    add(Figure("simple_ira_total", total, (
        Step("Deferrals", deferral, "IRC 408(p)(2)(E)"), Step("Catch-up", catch_up, "IRC 414(v)", "+"),
        Step("Employer contribution", employer, "IRC 408(p)(2)", "+"),
        Step("Most you can put into a SIMPLE IRA", total, "", "="))))
    return total


def iras_with_business_contribution(persona: Persona, plans: Mapping[str, Plan], figures: Mapping[str, Figure]) -> Iras:
    """The person's IRAs as Form 8606 sees them on Dec 31: this year's contribution to the business's
    SEP or SIMPLE IRA is pre-tax IRA money too (the profile's balance leaves it out)."""
    plan, iras = business_plan(persona, plans), persona.iras
    kind = plan.type if plan else None
    if kind not in choice.IRA_TYPES:
        return iras
    added = figures["business_plan_totals"].value[kind]
    return iras.model_copy(update={"traditional_pretax_balance": iras.traditional_pretax_balance + added})


def business_choice_figures(persona: Persona, figures: Mapping[str, Figure], ira_contribution: Decimal) -> dict[str, Figure]:
    """What each plan does to a backdoor Roth (when income is too high for a full direct Roth IRA
    contribution), and the plan to choose."""
    totals = figures["business_plan_totals"].value
    iras = persona.iras
    wants_backdoor = figures["roth_ira_limit"].value < figures["ira_contribution_limit"].value
    tax = choice.business_plan_backdoor_tax(
        totals=totals, backdoor_roth=wants_backdoor, ira_contribution=ira_contribution,
        prior_basis=iras.nondeductible_basis, pretax_balance=iras.traditional_pretax_balance, tax_year=persona.tax_year)
    return {tax.name: tax, "recommended_business_plan": choice.recommended_business_plan(totals=totals, backdoor_tax=tax.value)}
