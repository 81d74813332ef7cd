"""What one guide page shows, decided in Python so the templates only word and format it.

The engine's Figures and the advice stay as they are; this module picks, for one reader on one
date, the "What to do" list at the top of the page (each item a key the template words, the
Figures' values it prints and the section it links to), the rows of the glance table that carry
information for this person, and whether dates in the guide are still ahead of the reader.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .advice import Advice
from .compute import Results


@dataclass(frozen=True)
class Todo:
    """One thing the reader must do: `key` names the sentence, `anchor` the section it links to."""

    key: str
    anchor: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GuideView:
    generated_on: dt.date
    todo: tuple[Todo, ...]
    glance: tuple[str, ...]          # glance-table rows that say something about this person, in order
    left_already: bool               # the separation date in the profile is on or before generated_on
    plan_sections: tuple[str, ...]   # the workplace-plan sections (templates/sections/*.md.j2), in order
    checklists: dict[str, tuple[str, ...]]  # advice's checklists without those for a job already left
    actions: tuple[str, ...]         # advice's order of operations, without the old job's payroll steps


# The order-of-operations steps that are payroll elections at the plan the person has left.
PAYROLL_ACTIONS = ("capture_match", "no_match", "choose_pre_tax_roth", "fill_deferrals", "catch_up", "mega_backdoor",
                   "ask_about_after_tax")

# Section anchors: MkDocs' slugs of the section headings the items link to.
ELECTIONS, AFTER_TAX, IRA, LEAVING, MATCH = ("your-payroll-elections", "after-tax-contributions-the-mega-backdoor-roth",
                                            "your-ira", "leaving-your-job", "capture-the-match")
BUSINESS = "your-business-plan"


def guide_view(results: Results, advice: Advice, generated_on: dt.date) -> GuideView:
    separation = results.persona.job_change.separation_date if results.persona.job_change else None
    left_already = separation is not None and separation <= generated_on
    return GuideView(generated_on, _todo(results, advice, separation, left_already), _glance(results, left_already),
                     left_already, _plan_sections(results, left_already),
                     {name: () if left_already and name in ("payroll", "hr_questions") else items
                      for name, items in advice.checklists.items()},
                     tuple(a for a in advice.actions if not (left_already and a in PAYROLL_ACTIONS)))


def _plan_sections(results: Results, left_already: bool) -> tuple[str, ...]:
    """After the last paycheck, choosing elections is past: only the yearly limit, which the next job
    shares, still matters."""
    if results.plan is None:
        return ()
    if left_already:
        return ("deferrals",)
    return ("match", "pre_tax_or_roth", "deferrals", "after_tax", "elections")


def _todo(results: Results, advice: Advice, separation: dt.date | None, left_already: bool) -> tuple[Todo, ...]:
    """The actions, first thing first: payroll elections, after-tax conversions, the IRA, old plans."""
    f = results.figures
    items: list[Todo] = []
    if results.plan and not left_already:
        rec = f["recommended_elections"].value
        schedule = f["election_schedule"].value
        items.append(Todo("elections", ELECTIONS, {**rec, "until": separation,
                                                   "last_paychecks": schedule.get("last_paychecks", 0),
                                                   "last_deferral_pct": schedule.get("last_paycheck_deferral_pct"),
                                                   "last_after_tax_pct": schedule.get("last_paycheck_after_tax_pct"),
                                                   "catch_up": f["catch_up_limit"].value,
                                                   "roth_catch_up": f["roth_catch_up_required"].value is True}))
        if "mega_backdoor" in advice.actions:
            items.append(Todo("convert_after_tax", AFTER_TAX, {"cadence": f["conversion_cadence"].value,
                                                               "space": f["after_tax_space"].value}))
    if "business_plan" in advice.actions:
        # the plan the business has, else the one the comparison recommends
        kind = results.business_plan.type if results.business_plan else f["recommended_business_plan"].value
        items.append(Todo("business_plan", BUSINESS, {"plan": kind, "has_plan": results.business_plan is not None,
                                                      "total": f["business_plan_totals"].value[kind]}))
    fix = f["pro_rata_fix"].value if "pro_rata_fix" in f else None
    if fix and fix["action"] in ("roll_into_plan", "convert_all"):
        # Form 8606 line 6 counts IRA balances on Dec 31 of the tax year (IRC 408(d)(2)).
        items.append(Todo("pro_rata_" + fix["action"], IRA, {"balance": fix["pretax_balance"],
                                                             "by": dt.date(results.persona.tax_year, 12, 31)}))
    if "ira" in advice.actions:
        route, limit = f["ira_route"].value, f["ira_contribution_limit"].value
        amount = min(limit, f["roth_ira_limit"].value) if route == "roth" else limit
        items.append(Todo("ira", IRA, {"route": route, "amount": amount,
                                       "deductible": f["traditional_ira_deductible_limit"].value}))
    if "ask_about_after_tax" in advice.actions and not left_already:
        items.append(Todo("ask_about_after_tax", ELECTIONS))
    old_plans = [Todo("old_plan", LEAVING, {
        "plan": plan_name, "before": None if left_already else separation,
        "amount": sum(choice.amount for choice in options.sources.values()),
        "choices": _choices(options)}) for plan_name, options in results.leaving]
    # Someone leaving a job this year must decide about the plan they leave before anything else.
    return tuple(old_plans + items if separation else items + old_plans)


def _choices(options) -> list[tuple[str | None, object, str]]:
    """(source, amount, suggested option) per kind of money, or one (None, total, option) when all agree."""
    picks = [(source, choice.amount, choice.recommendation.value) for source, choice in options.sources.items()]
    if len({option for _, _, option in picks}) == 1:
        return [(None, sum(amount for _, amount, _ in picks), picks[0][2])]
    return picks


def _glance(results: Results, left_already: bool) -> tuple[str, ...]:
    """Rows that carry information: a zero or a "no" is left out, and so are elections for a job
    the person has already left."""
    f = results.figures
    rows = ["age"]  # the tax year is in the title
    if results.plan:
        rows += ["plan", "deferral_room"]
        if f["catch_up_limit"].value > 0:
            rows += ["catch_up"] + (["roth_catch_up"] if f["roth_catch_up_required"].value is True else [])
        if f["plan_compensation"].has("compensation_capped"):
            rows.append("plan_compensation")
        if f["employer_match"].value > 0 and not left_already:
            rows += ["match_capture", "employer_match"]
        if f["employer_nonelective"].value > 0:
            rows.append("employer_nonelective")
        if f["after_tax_space"].value > 0:
            rows.append("after_tax_space")
        if not left_already:
            schedule = f["election_schedule"].value
            rows.append("elections")
            rows += ["last_paychecks"] if schedule["last_paychecks"] else []
            rows += ["after_tax_total"] if f["recommended_elections"].value["after_tax_pct"] else []
        rows.append("deferrals_total")  # what the year's paychecks put in, also for a job already left
        if f["lost_match_from_front_loading"].value and not left_already:
            rows.append("lost_match")
    else:
        rows.append("no_plan")
    rows.append("ira_limit")
    if f["ira_route"].value:
        rows.append("ira_route")
    return tuple(rows)
