"""Compute every Figure for one persona in one tax year: the rules, called in dependency order."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from .figure import BOOL, PCT, Figure, Step
from .limits import Limits, load_constants, load_limits
from .money import HUNDRED, ZERO, cents, clamp, pct_of, ratio, round_up_to
from .profiles import Persona, Plan
from . import business as biz
from .rules import backdoor, employer_stock, ira, projection, rollover, withdrawal
from .rules import early_payout_exceptions as exceptions
from .rules import contributions as c
from .rules import next_plan as nxt
from .rules import plan_403b, plan_457b
from .rules import elections as e
from .rules import match as m
from .rules import mega_backdoor as mb
from .rules.payroll import Payroll, paychecks_this_year
from .rules.rollover import RolloverOptions, rmd

RETIREMENT_AGE = 65  # the projection's horizon when the profile gives no years_to_retirement


@dataclass(frozen=True)
class Results:
    """Everything the engine knows about one person for one year."""

    persona: Persona
    plan: Plan | None
    limits: Limits
    age: int
    figures: dict[str, Figure]
    payroll: Payroll | None = None
    estimates: tuple[str, ...] = field(default=())  # inputs the engine had to assume, said in the guide
    projection_rows: tuple = ()  # year-by-year values behind the projection chart and table
    leaving: tuple[tuple[str, RolloverOptions], ...] = ()  # (plan name, options) per old or departing plan
    year_end_plan: Plan | None = None  # the plan the person is in on Dec 31 (takes roll-ins, if any)
    business_plan: Plan | None = None  # the plan of the person's own business, if it has one
    # per plan in `leaving`, in the same order: figures kept beside its RolloverOptions, by JSON name
    leaving_extras: tuple[dict[str, Figure], ...] = ()
    second_plan: Plan | None = None  # a governmental 457(b) beside the 401(k)/403(b) at the same employer
    second_payroll: Payroll | None = None
    next_payroll: Payroll | None = None  # the new job's plan later this year (job_change.new_plan and new_pay)

    def __getitem__(self, name: str) -> Figure:
        return self.figures[name]

    def value(self, name: str):
        return self.figures[name].value


def compute(persona: Persona, plans: dict[str, Plan]) -> Results:
    limits = load_limits(persona.tax_year)
    age = c.age_on_dec_31(persona.birth_date, persona.tax_year)
    plan = plans.get(persona.plan) if persona.plan else None
    figures: dict[str, Figure] = {}
    estimates: list[str] = []
    payroll = next_payroll = None
    if plan is None:
        figures.update(_no_plan_figures())
    else:
        next_plan = _next_plan_of(persona, plans)
        payroll, found, assumed = _workplace_plan(persona, plan, limits, age, next_plan)
        figures.update(found)
        estimates += assumed
        if next_plan is not None:
            next_payroll, found = _next_plan(persona, next_plan, limits, age, figures, payroll)
            figures.update(found)
    second = plans.get(persona.second_plan) if persona.second_plan and plan is not None else None
    second_payroll = None
    if second:
        second_payroll, found = _second_plan(persona, second, limits, age, figures)
        figures.update(found)
    if persona.business is not None:
        figures.update(biz.business_figures(persona, plans, limits, load_constants(), age,
                                            _day_job_deferrals(persona, plan, payroll, figures)))
    found, assumed = _iras(persona, plan, plans, payroll, limits, age, figures, second_payroll)
    figures.update(found)
    estimates += assumed
    if persona.business is not None:
        figures.update(biz.business_choice_figures(persona, figures, _ira_contribution(persona, figures["ira_contribution_limit"].value)))
    after_tax, rows, assumed = _after_tax_money(persona, plan, payroll, age, figures)
    figures.update(after_tax)
    estimates += assumed
    leaving = _old_plans(persona, plan, plans, limits, figures)
    figures.update(_leaving_figures(persona, plan, payroll, limits, age, figures, leaving))
    extras = tuple(_leaving_extras(persona, limits, options, balances)
                   for (_, options), balances in zip(leaving, _departing_balances(persona, plan)))
    if extras:
        figures.update(extras[0])
    return Results(persona, plan, limits, age, figures, payroll, tuple(estimates), rows, tuple(leaving),
                   _year_end_plan(persona, plan, plans), biz.business_plan(persona, plans), leaving_extras=extras,
                   second_plan=second, second_payroll=second_payroll, next_payroll=next_payroll)


def _plan_balances(balances) -> dict[str, Decimal]:
    return {source: getattr(balances, source) for source in rollover.SOURCES}


def _departing_balances(persona: Persona, plan: Plan | None) -> list:
    """The balances of each plan in `leaving`, in the same order (the plan left this year, then old ones)."""
    found = [persona.job_change.balances] if persona.job_change is not None and plan is not None else []
    return found + list(persona.previous_plans)


def _leaving_extras(persona: Persona, limits: Limits, options: RolloverOptions, balances) -> dict[str, Figure]:
    """A plan's figures beside its RolloverOptions: the exceptions the profile names for a planned
    payout, that payout priced at the year's brackets, and company stock's NUA against an IRA."""
    constants = load_constants()
    extras: dict[str, Figure] = {}
    payout = options.partial_payout
    age_or_plan_exception = bool(options.additional_tax_exception.value)
    if payout is not None:
        if balances.additional_tax_exceptions and not age_or_plan_exception:
            extras["additional_tax_exceptions"] = exceptions.exempt_from_additional_tax(
                constants, named=_named_exceptions(balances), account=exceptions.PLAN, year=persona.tax_year,
                taxable=payout.value["taxable"], vested_balance=sum(_plan_balances(balances).values(), ZERO),
                agi=persona.modified_agi or persona.pay.salary)
        if persona.tax.taxable_income is not None:
            extras["withdrawal_at_brackets"] = withdrawal.withdrawal_at_brackets(
                limits, constants, amount=payout.value["paid_out"], taxable=payout.value["taxable"],
                filing_status=persona.filing_status, taxable_income=persona.tax.taxable_income,
                state_rate_pct=persona.tax.state_rate, additional_tax=payout.value["additional_tax"])
    stock = balances.employer_stock
    if stock is not None:
        tax = persona.tax
        extras["net_unrealized_appreciation"] = employer_stock.net_unrealized_appreciation(
            limits, constants, market_value=stock.market_value, cost_basis=stock.cost_basis,
            filing_status=persona.filing_status, taxable_income=tax.taxable_income,
            marginal_rate_now_pct=tax.marginal_rate_now,
            retirement_rate_pct=tax.marginal_rate_now if tax.marginal_rate_retirement is None else tax.marginal_rate_retirement,
            state_rate_pct=tax.state_rate, capital_gains_rate_pct=tax.capital_gains_rate,
            additional_tax_applies=not age_or_plan_exception)
    return extras


def _day_job_deferrals(persona: Persona, plan: Plan | None, payroll: Payroll | None, figures: dict[str, Figure]) -> Decimal:
    """Deferrals this year that share the 402(g) limit with a business's plan: at an earlier employer,
    and what the recommended elections put in at the job's plan, their last-paycheck change included
    (the election schedule), so the limit is never counted twice (a governmental 457(b) has its own)."""
    here = ZERO
    if payroll is not None and plan.type != "governmental_457b":
        here = figures["election_schedule"].value["deferrals"]
    return persona.pay.other_deferrals_this_year + here


def _next_plan_of(persona: Persona, plans: dict[str, Plan]) -> Plan | None:
    """The 401(k) or 403(b) of the job someone moves to this year, when the profile gives the pay there."""
    change = persona.job_change
    if change is None or change.new_plan is None or change.new_pay is None:
        return None
    plan = plans.get(change.new_plan)
    return plan if plan is not None and plan.type in ("401k", "403b") else None


def _workplace_plan(persona: Persona, plan: Plan, limits: Limits, age: int,
                    next_plan: Plan | None = None) -> tuple[Payroll, dict[str, Figure], list[str]]:
    """The plan's limits, the payroll they make, and the elections on it; with the inputs assumed."""
    figures: dict[str, Figure] = {}
    estimates: list[str] = []
    pay = persona.pay
    separate = plan.type == "governmental_457b"
    add = lambda figure: figures.setdefault(figure.name, figure)  # noqa: E731
    reserved = ZERO
    if next_plan is not None and next_plan.match.tiers and not separate:
        here_capture = round_up_to(m.match_capture_pct(plan.match.tiers).value, plan.elections.step_pct)
        reserved = add(nxt.match_reserve(
            room=clamp(limits.elective_deferral.value - pay.other_deferrals_this_year),
            here_most=pct_of(plan.contributions.max_total_pct, min(pay.salary, limits.compensation_limit.value)),
            new_pay=persona.job_change.new_pay, new_capture_pct=m.match_capture_pct(next_plan.match.tiers).value,
            new_step_pct=next_plan.elections.step_pct,
            here_capture_amount=cents(pct_of(here_capture, min(pay.salary, limits.compensation_limit.value))))).value
    add(c.elective_deferral_limit(limits, other_deferrals=pay.other_deferrals_this_year, separate_limit=separate,
                                  reserved=reserved))
    add(c.roth_catch_up_required(limits, age=age, prior_year_fica_wages=pay.prior_year_fica_wages))
    add(c.catch_up_limit(limits, age=age, other_deferrals=pay.other_deferrals_this_year,
                         roth_required=figures["roth_catch_up_required"].value,
                         plan_offers_roth=plan.contributions.roth, separate_limit=separate))
    extra_room, catch_up_room, public = _public_sector_room(persona, plan, limits, age, figures["catch_up_limit"])
    figures.update(public)
    paychecks, estimated = paychecks_this_year(given=pay.paychecks_this_year, pay_periods=plan.pay_periods,
                                               separation_date=persona.job_change.separation_date if persona.job_change else None)
    if estimated:
        estimates.append("paychecks_until_separation")
    add(c.plan_compensation(limits, salary=pay.salary))
    add(c.annual_additions_limit(limits, compensation=pay.salary))
    add(m.employer_nonelective(plan_compensation=figures["plan_compensation"].value, nonelective_pct=plan.nonelective_pct,
                               compensation_source=limits.compensation_limit.source))
    payroll = Payroll.from_plan(
        plan, compensation=pay.salary, plan_compensation=figures["plan_compensation"].value, paychecks=paychecks,
        deferral_room=figures["elective_deferral_limit"].value + extra_room, catch_up_room=catch_up_room,
        annual_additions_limit=figures["annual_additions_limit"].value, nonelective=figures["employer_nonelective"].value,
        roth_catch_up_required=figures["roth_catch_up_required"].value, sources=_payroll_sources(limits, age),
        # A governmental 457(b) sits outside 415(c) and takes no after-tax money.
        after_tax_offered=plan.contributions.after_tax and not separate,
        # a governmental 457(b)'s limit is its own: payroll stops at the whole room, special catch-up included
        plan_deferral_cap=None if separate else c.plan_deferral_cap(
            limits, age=age, roth_required=figures["roth_catch_up_required"].value,
            plan_offers_roth=plan.contributions.roth) + extra_room)
    add(m.match_capture_pct(plan.match.tiers))
    for figure in e.elections_for_the_year(payroll, goal=persona.savings_goal, rate_now=persona.tax.marginal_rate_now,
                                           rate_retirement=persona.tax.marginal_rate_retirement,
                                           capture_pct=figures["match_capture_pct"].value):
        add(figure)
    recommended = figures["recommended_elections"].value
    deferrals = figures["election_schedule"].value["deferrals"]
    add(m.employer_match(payroll, matched_pct=e.employer_match_pct(payroll, recommended, deferrals)))
    current = persona.elections
    if current is None:
        add(Figure("lost_match_from_front_loading", ZERO,
                   (Step("No current elections in your profile", ZERO, "your profile", "="),)))
    else:
        add(m.lost_match_from_front_loading(payroll, deferral_pct=current.pre_tax_pct + current.roth_pct,
                                            after_tax_pct=current.after_tax_pct))
    return payroll, figures, estimates


SECOND = "second_plan_"  # the prefix of the second plan's figures


def _second_plan(persona: Persona, plan: Plan, limits: Limits, age: int,
                 figures: dict[str, Figure]) -> tuple[Payroll, dict[str, Figure]]:
    """A governmental 457(b) beside the employer's 401(k) or 403(b): a deferral limit of its own, the
    same amount as 402(g) but apart from it (IRC 457(e)(15)), with its own age catch-up or, in its
    special years, the larger special catch-up (457(e)(18)). It sits outside 415(c); a deferral may not
    exceed pay (457(b)(2)(B)), and the two plans' elections together never pass all of a paycheck."""
    limit = plan_457b.governmental_457b_limit(limits, load_constants(), age=age, birth_date=persona.birth_date,
                                              normal_retirement_age=plan.normal_retirement_age,
                                              unused_earlier_limits=persona.service_history.unused_457b_limits)
    catch_up = c.catch_up_limit(limits, age=age, other_deferrals=ZERO, separate_limit=True,
                                roth_required=figures["roth_catch_up_required"].value,
                                plan_offers_roth=plan.contributions.roth)
    if limit.has("special_catch_up"):
        catch_up = plan_457b.age_catch_up_replaced(catch_up, limit)
    first = figures["recommended_elections"].value
    payroll = Payroll.from_plan(
        plan, compensation=persona.pay.salary, plan_compensation=figures["plan_compensation"].value,
        paychecks=paychecks_this_year(given=persona.pay.paychecks_this_year, pay_periods=plan.pay_periods,
                                      separation_date=persona.job_change.separation_date if persona.job_change else None)[0],
        max_total_pct=min(plan.contributions.max_total_pct,
                          Decimal(100) - first["pre_tax_pct"] - first["roth_pct"] - first["after_tax_pct"]),
        deferral_room=limit.value - catch_up.value if catch_up.value else limit.value, catch_up_room=catch_up.value,
        annual_additions_limit=persona.pay.salary, nonelective=ZERO,
        roth_catch_up_required=figures["roth_catch_up_required"].value,
        # outside 415(c): no after-tax money, so none matched
        matches_after_tax=False, after_tax_offered=False, after_tax_max_pct=None,
        # the same dollar amount as 402(g), on a limit of its own
        sources={**_payroll_sources(limits, age), "deferral_room": "IRC 457(e)(15); " + limits.elective_deferral.source})
    capture = m.match_capture_pct(plan.match.tiers).value
    found = [limit, catch_up, *e.elections_for_the_year(
        payroll, goal=persona.savings_goal, rate_now=persona.tax.marginal_rate_now,
        rate_retirement=persona.tax.marginal_rate_retirement, capture_pct=capture)[:2]]
    if plan.match.tiers:
        found.append(m.employer_match(payroll, matched_pct=e.employer_match_pct(payroll, found[-2].value,
                                                                                 found[-1].value["deferrals"])))
    named = {SECOND + figure.name.removeprefix("governmental_"): figure for figure in found}
    return payroll, {name: _renamed(figure, name) for name, figure in named.items()}


NEXT = "next_plan_"  # the prefix of the new job's plan's figures


def _next_plan(persona: Persona, plan: Plan, limits: Limits, age: int, figures: dict[str, Figure],
               here: Payroll) -> tuple[Payroll, dict[str, Figure]]:
    """The new job's plan for the rest of the year: the room the old job's elections leave, the elections
    that fill it, and its match, against filling the limit before leaving. The Roth catch-up wage test is
    per employer: a new hire had no FICA wages from the new employer last year, so it never applies there."""
    change = persona.job_change
    other = persona.pay.other_deferrals_this_year
    roth_rule = c.roth_catch_up_required(limits, age=age, prior_year_fica_wages=ZERO,
                                         source="a new hire: no wages from this employer last year")
    catch_up = c.catch_up_limit(limits, age=age, other_deferrals=other, roth_required=False,
                                plan_offers_roth=plan.contributions.roth)
    deferred_here = figures["election_schedule"].value["deferrals"]
    room = nxt.next_plan_deferral_limit(limit=limits.elective_deferral.value, catch_up=catch_up.value,
                                        other_deferrals=other, deferred_here=deferred_here,
                                        limit_source=limits.elective_deferral.source)
    days = (date(change.separation_date.year, 12, 31) - change.separation_date).days
    paychecks = max(plan.pay_periods * days // 365, 1)  # the new plan's pay periods left after the separation date
    plan_pay = min(change.new_pay, limits.compensation_limit.value)
    regular = min(room.value, clamp(limits.elective_deferral.value - other - deferred_here))
    payroll = Payroll.from_plan(
        plan, compensation=change.new_pay, plan_compensation=plan_pay, paychecks=paychecks,
        deferral_room=regular, catch_up_room=room.value - regular,
        annual_additions_limit=min(limits.annual_additions.value, change.new_pay),
        nonelective=m.employer_nonelective(plan_compensation=plan_pay, nonelective_pct=plan.nonelective_pct).value,
        roth_catch_up_required=False, sources=_payroll_sources(limits, age),
        # after-tax money at the new job is left to its own year: none planned for these few months
        after_tax_offered=False, after_tax_max_pct=None)
    elections, schedule, _ = e.elections_for_the_year(
        payroll, goal=persona.savings_goal, rate_now=persona.tax.marginal_rate_now,
        rate_retirement=persona.tax.marginal_rate_retirement, capture_pct=m.match_capture_pct(plan.match.tiers).value)
    match = m.employer_match(payroll, matched_pct=e.employer_match_pct(payroll, elections.value, schedule.value["deferrals"]))
    found = [room, roth_rule, elections, schedule, match]
    if "next_plan_match_reserve" in figures:  # against filling the limit here first: only what that leaves
        left = clamp(limits.elective_deferral.value + catch_up.value - other - here.amount(here.max_total_pct))
        matched = ratio(left, plan_pay) * HUNDRED if plan_pay else ZERO
        found.append(nxt.match_kept(kept=match.value, without_split=m.employer_match(payroll, matched_pct=min(
            matched, m.match_capture_pct(plan.match.tiers).value)).value))
    named = {figure.name if figure.name.startswith(NEXT) else NEXT + figure.name: figure for figure in found}
    return payroll, {name: _renamed(figure, name) for name, figure in named.items()}


def _public_sector_room(persona: Persona, plan: Plan, limits: Limits, age: int,
                        catch_up: Figure) -> tuple[Decimal, Decimal, dict[str, Figure]]:
    """Deferral room a 403(b) or governmental 457(b) adds to the regular limit, and the catch-up room
    beside it: the 403(b) 15-year catch-up raises the limit itself; in a 457(b)'s special years the
    larger of its special catch-up and the age catch-up applies, never both (IRC 457(e)(18)).
    Returns (extra room, catch-up room, the figure that says why)."""
    history = persona.service_history
    constants = load_constants()
    if plan.type == "403b" and plan.qualified_organization:
        fifteen = plan_403b.fifteen_year_catch_up(
            constants, qualified_organization=True, years_of_service=history.years_of_service,
            used_before=history.fifteen_year_catch_up_used, earlier_deferrals=history.earlier_deferrals)
        return fifteen.value, catch_up.value, {fifteen.name: fifteen}
    if plan.type == "governmental_457b" and plan.normal_retirement_age is not None:
        limit = plan_457b.governmental_457b_limit(limits, constants, age=age, birth_date=persona.birth_date,
                                                  normal_retirement_age=plan.normal_retirement_age,
                                                  unused_earlier_limits=history.unused_457b_limits)
        if limit.has("special_catch_up"):
            return (limit.value - limits.elective_deferral.value, ZERO,
                    {limit.name: limit, "catch_up_limit": plan_457b.age_catch_up_replaced(catch_up, limit)})
        return ZERO, catch_up.value, {limit.name: limit}
    return ZERO, catch_up.value, {}


def _iras(persona: Persona, plan: Plan | None, plans: dict[str, Plan], payroll: Payroll | None, limits: Limits,
          age: int, figures: dict[str, Figure], second: Payroll | None = None) -> tuple[dict[str, Figure], list[str]]:
    """IRA limits, deduction and Roth phase-outs, the route for this year, and the backdoor on Form 8606;
    with the inputs assumed."""
    spouse, status, tax = persona.spouse, persona.filing_status, persona.tax
    iras = biz.iras_with_business_contribution(persona, plans, figures)
    joint = status == "married_joint" and spouse is not None
    # an active participant in a workplace plan, a SEP, a SIMPLE IRA or a solo 401(k) (IRC 219(g)(5))
    covered = plan is not None or bool(persona.business and persona.business.plan)
    pre_tax = (e.yearly_amounts(payroll, figures["recommended_elections"].value, figures["election_schedule"])["pre_tax"]
               if payroll else ZERO)
    if second is not None:  # a 457(b)'s pre-tax deferrals are left out of wages too (IRC 457(a))
        pre_tax += e.yearly_amounts(second, figures[SECOND + "recommended_elections"].value,
                                    figures[SECOND + "election_schedule"])["pre_tax"]
    magi = ira.estimated_magi(modified_agi=persona.modified_agi, pay=persona.pay.salary, pre_tax_deferrals=pre_tax,
                              filing_status=status, spouse_compensation=spouse.compensation if spouse else ZERO,
                              spouse_pre_tax_deferrals=spouse.pre_tax_deferrals if spouse else ZERO,
                              other_employer_pay=persona.pay.other_employer_pay,
                              leaving_a_plan=bool(persona.job_change or persona.previous_plans))
    estimated = magi.has("estimate")
    limit = ira.ira_contribution_limit(limits, age=age, compensation=_earned(persona, plans, figures), filing_status=status,
                                       spouse_compensation=spouse.compensation if joint else ZERO,
                                       spouse_ira_contributions=spouse.ira_contributions if joint else ZERO)
    deductible = ira.traditional_ira_deductible_limit(
        limits, age=age, filing_status=status, lived_with_spouse=persona.lived_with_spouse, covered=covered,
        spouse_covered=bool(spouse and spouse.covered_by_workplace_plan), magi=magi.value,
        contribution_limit=limit.value, magi_estimated=estimated)
    roth = ira.roth_ira_limit(limits, filing_status=status, lived_with_spouse=persona.lived_with_spouse, magi=magi.value,
                              contribution_limit=limit.value, magi_estimated=estimated)
    year_end_plan = _year_end_plan(persona, plan, plans)
    accepts_roll_ins = bool(year_end_plan and year_end_plan.rollovers.accepts_roll_ins)
    route = ira.ira_route(contribution_limit=limit.value, deductible_limit=deductible.value, roth_limit=roth.value,
                          pretax_balance=iras.traditional_pretax_balance, plan_accepts_roll_ins=accepts_roll_ins,
                          marginal_rate_now=tax.marginal_rate_now, marginal_rate_retirement=tax.marginal_rate_retirement)
    conversion = backdoor.backdoor_conversion(
        contribution=_ira_contribution(persona, limit.value),
        prior_basis=iras.nondeductible_basis, pretax_balance=iras.traditional_pretax_balance,
        converted=iras.conversion_amount, distributions=iras.distributions_this_year, tax_year=persona.tax_year)
    fix = ira.pro_rata_fix(pretax_balance=iras.traditional_pretax_balance, plan_accepts_roll_ins=accepts_roll_ins,
                           backdoor_taxable=conversion.value["taxable"], marginal_rate_pct=tax.marginal_rate_now,
                           state_rate_pct=tax.state_rate)
    found = {f.name: f for f in (magi, limit, deductible, roth, route, conversion, fix)}
    if ZERO < deductible.value < limit.value:
        found["nondeductible_ira_part"] = ira.nondeductible_part(
            contribution_limit=limit.value, deductible_limit=deductible.value, roth_limit=roth.value)
    if fix.value["action"] == "roll_into_plan":
        found["backdoor_after_fix"] = _renamed(backdoor.backdoor_conversion(
            contribution=conversion.value["converted"], prior_basis=iras.nondeductible_basis, pretax_balance=ZERO,
            converted=iras.conversion_amount, distributions=iras.distributions_this_year, tax_year=persona.tax_year),
            "backdoor_after_fix")
    found["backdoor_conversion"] = conversion
    if joint:
        found.update(_spouse_ira(persona, limits, covered, magi.value, estimated, limit.value))
    estimates = []
    if estimated:
        estimates.append("modified_agi")
    return found, estimates


def _earned(persona: Persona, plans: dict[str, Plan], figures: dict[str, Figure]) -> Decimal:
    """Pay an IRA contribution may come from: wages, and a business's earned income (IRC 219(f)(1)),
    which is figured after the deduction for the owner's own plan contributions (401(c)(2)). All of
    the business plan's contributions are taken out, Roth deferrals too: never more than the law allows."""
    business = persona.business
    if business is None:
        return persona.pay.salary
    own = business.w2_pay if business.incorporated else figures["self_employed_compensation"].value
    plan = biz.business_plan(persona, plans)
    contributed = figures["business_plan_totals"].value[plan.type] if plan else ZERO
    return persona.pay.salary + max(own - contributed, ZERO)


def _ira_contribution(persona: Persona, limit: Decimal) -> Decimal:
    """This year's IRA contribution: the profile's plan, else the full contribution limit."""
    planned = persona.iras.contribution_this_year
    return planned if planned is not None else limit


def _payroll_sources(limits: Limits, age: int) -> dict[str, str]:
    """What each limit of the payroll rests on: its statute and the IRS notice of the year."""
    catch_up = c.catch_up_for_age(limits, age)
    return {"deferral_room": limits.elective_deferral.source, "plan_compensation": limits.compensation_limit.source,
            "annual_additions_limit": limits.annual_additions.source,
            **({"catch_up_room": catch_up[1].source} if catch_up else {})}


def _year_end_plan(persona: Persona, plan: Plan | None, plans: dict[str, Plan]) -> Plan | None:
    """The plan the person is in on Dec 31: where pre-tax IRA money or an old plan can be rolled."""
    if persona.job_change is None:
        return plan
    return plans.get(persona.job_change.new_plan) if persona.job_change.new_plan else None


def _spouse_ira(persona: Persona, limits: Limits, covered: bool, magi: Decimal, estimated: bool,
                own_limit: Decimal) -> dict[str, Figure]:
    """The spouse's own IRA on a joint return: a spousal IRA when the spouse earns little (IRC 219(c))."""
    spouse = persona.spouse
    age = c.age_on_dec_31(spouse.birth_date, persona.tax_year) if spouse.birth_date else None
    planned = _ira_contribution(persona, own_limit)
    limit = ira.ira_contribution_limit(limits, age=age, compensation=spouse.compensation,
                                       filing_status=persona.filing_status, spouse_compensation=persona.pay.salary,
                                       spouse_ira_contributions=planned, person=spouse.name, spouse=persona.name)
    deductible = ira.traditional_ira_deductible_limit(
        limits, age=age, filing_status=persona.filing_status, lived_with_spouse=True,
        covered=spouse.covered_by_workplace_plan, spouse_covered=covered, magi=magi,
        contribution_limit=limit.value, magi_estimated=estimated)
    return {"spouse_ira_contribution_limit": _renamed(limit, "spouse_ira_contribution_limit"),
            "spouse_traditional_ira_deductible_limit": _renamed(deductible, "spouse_traditional_ira_deductible_limit")}


def _renamed(figure: Figure, name: str) -> Figure:
    return replace(figure, name=name)


def _after_tax_money(persona: Persona, plan: Plan | None, payroll: Payroll | None, age: int,
                     figures: dict[str, Figure]) -> tuple[dict[str, Figure], tuple, list[str]]:
    """The mega backdoor Roth: how after-tax money reaches Roth, what waiting costs, and what it could grow
    to; with the year-by-year projection and the inputs assumed."""
    offered = payroll is not None and payroll.after_tax_offered
    conversion = plan.roth_conversion if plan else None
    route = mb.after_tax_route(after_tax_allowed=offered,
                               in_plan_conversion=bool(conversion and conversion.in_plan),
                               in_service_withdrawal=bool(conversion and conversion.in_service_withdrawal),
                               conversion_frequency=conversion.frequency if conversion else "never")
    cadence = mb.recommended_cadence(route=route.value, plan_frequency=conversion.frequency if conversion else "never")
    paychecks = payroll.paychecks if payroll else 1
    after_tax_pct = figures["recommended_elections"].value["after_tax_pct"]
    per_paycheck = payroll.amount(after_tax_pct) / paychecks if payroll else ZERO
    assumptions = persona.assumptions
    earnings = mb.conversion_taxable_earnings(after_tax_per_paycheck=per_paycheck, paychecks_per_year=paychecks,
                                              annual_return_pct=assumptions.annual_return)
    expected = earnings.value.get(cadence.value, ZERO) if cadence.value else ZERO
    tax = mb.conversion_tax(expected, marginal_rate_pct=persona.tax.marginal_rate_now or ZERO,
                            state_rate_pct=persona.tax.state_rate)
    years = assumptions.years_to_retirement
    estimates = []
    if years is None:
        years = max(RETIREMENT_AGE - age, 1)
        if offered:
            estimates.append("years_to_retirement")
    # The projection grows what the elections put in, the same figure as everywhere else in the guide.
    growth = dict(annual_contribution=figures["election_schedule"].value["after_tax_contributions"], annual_return_pct=assumptions.annual_return,
                  years=years, tax_drag_pct=assumptions.taxable_tax_drag, timing=assumptions.contribution_timing)
    figures_out = {}
    if route.value == "in_service_withdrawal" and cadence.value:
        # One withdrawal at the recommended cadence: one window's contributions and their earnings.
        windows = mb.withdrawals_per_year(cadence.value, paychecks)
        figures_out["withdrawal_split"] = mb.notice_2014_54_split(
            after_tax_basis=cents(per_paycheck * paychecks / windows), after_tax_earnings=cents(expected / windows),
            balance_source=f"one {mb.CADENCE_WORDS[cadence.value]} withdrawal: the year's amounts ÷ {windows}")
    at_plan_pace = mb.conversion_earnings(cadence.value or "per_pay_period", after_tax_per_paycheck=per_paycheck,
                                          paychecks_per_year=paychecks, annual_return_pct=assumptions.annual_return)
    figures_out |= {"after_tax_route": route, "conversion_cadence": cadence, "conversion_taxable_earnings": earnings,
                    "conversion_earnings": at_plan_pace, "conversion_tax": tax,
                    "projection": projection.growth_projection(**growth)}
    return figures_out, projection.projection_by_year(**growth), estimates


def _old_plans(persona: Persona, plan: Plan | None, plans: dict[str, Plan], limits: Limits,
               figures: dict[str, Figure]) -> list[tuple[str, RolloverOptions]]:
    """Every option for the plan being left this year and for each old plan, in that order."""
    if not persona.job_change and not persona.previous_plans:
        return []
    leaver = rollover.Leaver(
        birth_date=persona.birth_date, marginal_rate_pct=persona.tax.marginal_rate_now,
        state_rate_pct=persona.tax.state_rate,
        self_employment_income=persona.pay.self_employment_income > 0 or persona.business is not None,
        outlook=_outlook(persona))
    iras = _ira_picture(persona, figures)
    constants = load_constants()
    cases = []
    change = persona.job_change
    if change is not None and plan is not None:
        new = plans.get(change.new_plan) if change.new_plan else None
        vesting = None if not (plan.vesting and change.employer_money) else rollover.Vesting(
            tuple((step.years, step.vested_pct) for step in plan.vesting), change.employer_money, change.service_start)
        left = _plan_left(plan.type, change.balances, persona, distribution_date=change.separation_date,
                          separation_year=change.separation_date.year, public_safety_employee=change.public_safety_employee,
                          rule_of_55_withdrawals=plan.rollovers.rule_of_55, expense_ratio_pct=plan.expense_ratio_pct,
                          loan=change.loan, vesting=vesting, years_of_service=change.years_of_service)
        cases.append((plan.name, rollover.rollover_options(limits, constants, leaver, left, _destination(new), iras)))
    current = _destination(_year_end_plan(persona, plan, plans))
    for old in persona.previous_plans:
        left = _plan_left(old.type, old, persona, distribution_date=date(persona.tax_year, 1, 1),
                          separation_year=old.separation_year, public_safety_employee=old.public_safety_plan,
                          rule_of_55_withdrawals=old.rule_of_55, expense_ratio_pct=old.expense_ratio_pct,
                          years_of_service=old.years_of_service)
        cases.append((old.name, rollover.rollover_options(limits, constants, leaver, left, current, iras)))
    return cases


def _ira_picture(persona: Persona, figures: dict[str, Figure]) -> rollover.IraPicture:
    """Form 8606 line 6 (Dec 31 value) and line 3 (total basis) of this year's backdoor, before any rollover."""
    iras = persona.iras
    backdoor_this_year = figures["ira_route"].value == "backdoor_roth"
    contribution = _ira_contribution(persona, figures["ira_contribution_limit"].value)
    converted = figures["backdoor_conversion"].value["converted"]
    return rollover.IraPicture(
        backdoor_this_year=backdoor_this_year, conversion_amount=converted if backdoor_this_year else ZERO,
        dec_31_balance=backdoor.year_end_value(
            pretax_balance=iras.traditional_pretax_balance, prior_basis=iras.nondeductible_basis,
            contribution=contribution, converted=converted, distributions=iras.distributions_this_year),
        nondeductible_basis=iras.nondeductible_basis + contribution, expense_ratio_pct=iras.expense_ratio_pct,
        roth_ira_balance=iras.roth_balance, first_roth_ira_year=iras.first_roth_ira_year)


def _outlook(persona: Persona) -> rollover.Outlook | None:
    """The retirement rate, return and years the Roth-conversion comparison needs (None: no retirement rate)."""
    rate = persona.tax.marginal_rate_retirement
    if rate is None:
        return None
    years = persona.assumptions.years_to_retirement
    age = c.age_on_dec_31(persona.birth_date, persona.tax_year)
    source = "your profile" if years is not None else f"assumed: to age {RETIREMENT_AGE}, at least 1"
    return rollover.Outlook(rate, persona.assumptions.annual_return,
                            years if years is not None else max(RETIREMENT_AGE - age, 1), source)


def _plan_left(plan_type: str, balances, persona: Persona, **facts) -> rollover.PlanLeft:
    """The plan being left, from its balances in the profile: what it holds, its type, rolled-in money, a planned
    payout, and the exceptions to the additional tax the profile names for it."""
    return rollover.PlanLeft(
        balances=_plan_balances(balances), roth_contributions=balances.roth_contributions,
        governmental_457b=plan_type == "governmental_457b", rolled_in=balances.rolled_in, payout=balances.payout_this_year,
        first_roth_year=balances.first_roth_year, dec_31_last_year=balances.dec_31_last_year,
        named_exceptions=_named_exceptions(balances), agi=persona.modified_agi or persona.pay.salary, **facts)


def _named_exceptions(balances) -> tuple[exceptions.Named, ...]:
    return tuple(exceptions.Named(e.kind, e.amount, e.expenses) for e in balances.additional_tax_exceptions)


def _destination(plan: Plan | None) -> rollover.Destination:
    """What the receiving workplace plan accepts (None: no plan to roll into)."""
    if plan is None:
        return rollover.NO_NEW_PLAN
    return rollover.Destination(accepts_roll_ins=plan.rollovers.accepts_roll_ins, offers_roth=plan.contributions.roth,
                                expense_ratio_pct=plan.expense_ratio_pct,
                                governmental_457b=plan.type == "governmental_457b")


def _leaving_figures(persona: Persona, plan: Plan | None, payroll: Payroll | None, limits: Limits, age: int,
                     figures: dict[str, Figure], leaving: list[tuple[str, RolloverOptions]]) -> dict[str, Figure]:
    """The JSON figures of leaving a job: the options of the plan being left (else the first old plan),
    and the deferrals of a job-change year across both employers."""
    primary = leaving[0][1] if leaving else None
    found = {
        "rollover_options": Figure("rollover_options", primary.to_json()["rollover_options"] if primary else {},
                                   primary.rule_of_55.steps if primary else ()),
        "rule_of_55_applies": Figure("rule_of_55_applies", bool(primary and primary.rule_of_55.value),
                                     primary.rule_of_55.steps if primary else (), unit=BOOL),
    }
    if primary is not None:
        found |= {figure.name: figure for figure in primary.plan_figures()}
    if leaving:
        found["required_minimum_distributions"] = _rmd_schedule(persona, plan)
    if persona.pay.other_deferrals_this_year and payroll is not None:
        found["excess_deferrals"] = _excess_deferrals(persona, plan, payroll, limits, age, figures)
    return found


def _rmd_schedule(persona: Persona, plan: Plan | None) -> Figure:
    """When each of the person's accounts first owes a required minimum distribution."""
    accounts = []
    change = persona.job_change
    if plan is not None:
        accounts.append(rmd.Account(plan.name, rmd.EMPLOYER_PLAN, still_working=change is None,
                                    retired_year=change.separation_date.year if change else None))
    accounts += [rmd.Account(old.name, rmd.EMPLOYER_PLAN, retired_year=old.separation_year) for old in persona.previous_plans]
    iras = persona.iras
    if iras.traditional_pretax_balance or iras.nondeductible_basis:
        accounts.append(rmd.Account("Your traditional IRAs", rmd.IRA_ACCOUNT))
    if iras.roth_balance:
        accounts.append(rmd.Account("Your Roth IRA", rmd.ROTH_IRA))
    return rmd.rmd_schedule(load_constants(), birth_date=persona.birth_date, tax_year=persona.tax_year,
                            accounts=tuple(accounts))


def _excess_deferrals(persona: Persona, plan: Plan, payroll: Payroll, limits: Limits, age: int,
                      figures: dict[str, Figure]) -> Figure:
    """402(g) across the two employers of a job-change year, at the person's current elections, else the
    recommended ones (payroll at the new employer does not know about the old one)."""
    elections = persona.elections or figures["recommended_elections"].value
    pct = elections["pre_tax_pct"] + elections["roth_pct"] if isinstance(elections, dict) else (
        elections.pre_tax_pct + elections.roth_pct)
    return rollover.excess_deferrals(limits, age_on_dec_31=age, deferrals_by_employer={
        "an earlier employer this year": persona.pay.other_deferrals_this_year,
        plan.name: cents(payroll.amount(pct))})


def _no_plan_figures() -> dict[str, Figure]:
    none = (Step("You have no workplace plan in your profile", ZERO, "your profile", "="),)
    zero = lambda name: Figure(name, ZERO, none)  # noqa: E731
    figures = {name: zero(name) for name in (
        "elective_deferral_limit", "catch_up_limit", "plan_compensation", "annual_additions_limit",
        "employer_match", "employer_nonelective", "after_tax_space", "lost_match_from_front_loading")}
    figures["match_capture_pct"] = Figure("match_capture_pct", ZERO, none, unit=PCT)
    figures["roth_catch_up_required"] = Figure("roth_catch_up_required", False, none, unit=BOOL)
    figures["recommended_elections"] = Figure(
        "recommended_elections", {"pre_tax_pct": ZERO, "roth_pct": ZERO, "after_tax_pct": ZERO}, none, unit=PCT)
    figures["election_schedule"] = Figure("election_schedule", {"deferrals": ZERO, "after_tax_contributions": ZERO}, none)
    return figures

