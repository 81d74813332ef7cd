"""Compute every Figure for one persona in one tax year: the rules, called in dependency order."""
from __future__ import annotations

from dataclasses import dataclass, field
from .figure import Figure, Step
from .limits import Limits, load_limits
from .money import ZERO
from .profiles import Persona, Plan
from .rules import contributions as c
from .rules import elections as e
from .rules import match as m
from .rules.payroll import Payroll


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
    payroll = None
    if plan is None:
        figures.update(_no_plan_figures())
    else:
        payroll = _workplace_plan(persona, plan, limits, age, figures, estimates)
    return Results(persona, plan, limits, age, figures, payroll, tuple(estimates))


def _workplace_plan(persona: Persona, plan: Plan, limits: Limits, age: int,
                    figures: dict[str, Figure], estimates: list[str]) -> Payroll:
    pay = persona.pay
    separate = plan.type == "governmental_457b"
    wages = pay.prior_year_fica_wages
    if wages is None:
        wages = pay.salary
        if age >= 50:
            estimates.append("prior_year_fica_wages")
    add = lambda figure: figures.setdefault(figure.name, figure)  # noqa: E731
    add(c.elective_deferral_limit(limits, other_deferrals=pay.other_deferrals_this_year, separate_limit=separate))
    add(c.roth_catch_up_required(limits, age=age, prior_year_fica_wages=wages,
                                 wages_assumed=pay.prior_year_fica_wages is None))
    add(c.catch_up_limit(limits, age=age, other_deferrals=pay.other_deferrals_this_year,
                         roth_required=figures["roth_catch_up_required"].value,
                         plan_offers_roth=plan.contributions.roth, separate_limit=separate))
    add(c.plan_compensation(limits, salary=pay.salary))
    add(c.annual_additions_limit(limits, compensation=pay.salary))
    add(m.employer_nonelective(plan_compensation=figures["plan_compensation"].value, nonelective_pct=plan.nonelective_pct))
    payroll = Payroll(
        compensation=pay.salary,
        plan_compensation=figures["plan_compensation"].value,
        paychecks=pay.paychecks_this_year or plan.pay_periods,
        increment_pct=plan.contributions.election_increment_pct,
        max_total_pct=plan.contributions.max_total_pct,
        deferral_room=figures["elective_deferral_limit"].value,
        catch_up_room=figures["catch_up_limit"].value,
        annual_additions_limit=figures["annual_additions_limit"].value,
        tiers=plan.match.tiers,
        match_per_paycheck=plan.match.period == "per_pay_period",
        true_up=plan.match.true_up,
        matches_after_tax=plan.match.matches_after_tax,
        nonelective=figures["employer_nonelective"].value,
        roth_offered=plan.contributions.roth,
        # A governmental 457(b) sits outside 415(c) and takes no after-tax money.
        after_tax_offered=plan.contributions.after_tax and not separate,
        after_tax_max_pct=plan.contributions.after_tax_max_pct,
        roth_catch_up_required=figures["roth_catch_up_required"].value,
    )
    add(m.match_capture_pct(plan.match.tiers))
    add(e.after_tax_space(payroll))
    add(e.recommended_elections(payroll, goal=persona.savings_goal, rate_now=persona.tax.marginal_rate_now,
                                rate_retirement=persona.tax.marginal_rate_retirement,
                                capture_pct=figures["match_capture_pct"].value))
    recommended = figures["recommended_elections"].value
    add(m.employer_match(payroll, matched_pct=e.employer_match_pct(payroll, recommended)))
    current = persona.elections
    if current is None:
        add(Figure("lost_match_from_front_loading", ZERO,
                   (Step("No current elections in your profile", ZERO, "your profile", "="),)))
    else:
        add(m.lost_match_from_front_loading(payroll, deferral_pct=current.pre_tax_pct + current.roth_pct,
                                            after_tax_pct=current.after_tax_pct))
    return payroll


def _no_plan_figures() -> dict[str, Figure]:
    none = (Step("You have no workplace plan in your profile", ZERO, "your profile", "="),)
    zero = lambda name: Figure(name, ZERO, none)  # noqa: E731
    figures = {name: zero(name) for name in (
        "elective_deferral_limit", "catch_up_limit", "plan_compensation", "annual_additions_limit",
        "employer_match", "employer_nonelective", "after_tax_space", "lost_match_from_front_loading")}
    figures["match_capture_pct"] = Figure("match_capture_pct", ZERO, none, unit="pct")
    figures["roth_catch_up_required"] = Figure("roth_catch_up_required", False, none, unit="bool")
    figures["recommended_elections"] = Figure(
        "recommended_elections", {"pre_tax_pct": ZERO, "roth_pct": ZERO, "after_tax_pct": ZERO}, none, unit="pct")
    return figures

