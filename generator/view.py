"""What one guide page shows, decided in Python so the templates only word and format it.

The engine's Figures and the advice stay as they are; this module picks, for one reader on one
date, the "What to do" list at the top of the page, the order of operations, the mistake callouts
and the estimates the guide made (each an Item: a key that names its template, the values the
template prints and, for "What to do", the section it links to), the rows of the glance table that
carry information for this person, and whether dates in the guide are still ahead of the reader.
Each kind of item has a folder of templates, one per key (see the README's "Development"); each
section template says in its first line where it stands and when it applies (read_sections).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import jinja2

from .advice import Advice, match_timing
from .compute import RETIREMENT_AGE, Results
from .limits import law


@dataclass(frozen=True)
class Item:
    """One piece of a page: `key` names its template, `values` are what it prints, `anchor` the
    section a "What to do" item links to."""

    key: str
    anchor: str = ""
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GuideView:
    generated_on: dt.date
    todo: tuple[Item, ...]           # templates/todo/KEY.md.j2
    glance: tuple[str, ...]          # glance-table rows that say something about this person, in order
    left_already: bool               # the separation date in the profile is on or before generated_on
    sections: tuple[str, ...]        # the sections after the glance table (templates/sections/*.md.j2), in order
    checklists: dict[str, tuple[str, ...]]  # advice's checklists without those for a job already left
    actions: tuple[Item, ...]        # advice's order of operations, without the old job's payroll steps
    callouts: tuple[Item, ...]       # templates/callouts/KEY.md.j2, in "Mistakes to avoid"
    business_callouts: tuple[Item, ...]       # ... in the business plan's section
    public_sector_callouts: tuple[Item, ...]  # ... in the 403(b)/457(b) section
    estimates: tuple[Item, ...]      # templates/estimates/KEY.md.j2: what the guide assumed, in "Sources"
    magi_estimate: Item | None       # ... the modified AGI the guide assumed, said in the IRA section
    match_timing: str | None         # advice.match_timing: "per_paycheck", "true_up", "yearly" or None
    last_year: int                   # the tax year before this guide's, for "What changed since"
    catch_up_age_reached: bool       # old enough for a catch-up, so whether it must be Roth matters
    ira_deduction_limited: bool      # a traditional IRA contribution is only partly deductible
    ira_roth_limited: bool           # a direct Roth IRA contribution is limited below the IRA limit
    public_sector_plan: str | None   # "403b" or "governmental_457b": the extra-room section names it
    projection_rows: tuple           # the projection table's rows: every fifth year, and the last
    tax_rate_now_known: bool         # the profile gives today's tax rate
    tax_rates_known: bool            # the profile gives both tax rates, now and in retirement
    solo_401k_without_roth: bool     # the business's plan is a solo 401(k) whose document offers no Roth
    business_plan_step: str | None   # "keep", "open" or "move to" the plan the comparison recommends
    second_plan_beside: str | None   # "403(b)" or "401(k)": the plan a second plan (a 457(b)) sits beside


# The order-of-operations steps that are payroll elections at the plan the person has left.
PAYROLL_ACTIONS = ("capture_match", "no_match", "choose_pre_tax_roth", "fill_deferrals", "catch_up", "mega_backdoor",
                   "ask_about_after_tax")

# Section anchors: MkDocs' slugs of the section headings the items link to.
ELECTIONS, AFTER_TAX, IRA, LEAVING, MATCH = ("your-payroll-elections", "after-tax-contributions-the-mega-backdoor-roth",
                                            "your-ira", "leaving-your-job", "capture-the-match")
BUSINESS = "your-business-plan"
SECOND_PLAN = "your-second-plan"

# The ways out of the pro-rata rule that are a thing to do (rules/backdoor.py's pro_rata_fix) → their item.
PRO_RATA_TODO = {"roll_into_plan": "pro_rata_roll_into_plan", "convert_all": "pro_rata_convert_all"}


def guide_view(results: Results, advice: Advice, generated_on: dt.date, sections: Sequence[Section]) -> GuideView:
    """What the page shows on `generated_on`; `sections`: those the templates declare (read_sections)."""
    f, business = results.figures, results.business_plan
    separation = results.persona.job_change.separation_date if results.persona.job_change else None
    left_already = separation is not None and separation <= generated_on
    keyed = lambda keys: tuple(Item(key, values=advice.values.get(key, {})) for key in keys)  # noqa: E731
    tax, rows = results.persona.tax, results.projection_rows
    estimates, magi_estimate = _estimates(results, left_already)
    return GuideView(
        generated_on=generated_on, todo=_todo(results, advice, separation, left_already),
        glance=_glance(results, left_already), left_already=left_already,
        sections=tuple(s.name for s in sections if WHEN[s.when](results, left_already)),
        checklists={name: () if left_already and name in ("payroll", "hr_questions") else items
                    for name, items in advice.checklists.items()},
        actions=keyed(a for a in advice.actions if not (left_already and a in PAYROLL_ACTIONS)),
        callouts=keyed(advice.callouts), business_callouts=keyed(advice.business_callouts),
        public_sector_callouts=keyed(advice.public_sector_callouts),
        estimates=estimates, magi_estimate=magi_estimate,
        match_timing=match_timing(results.plan) if results.plan else None,
        last_year=results.persona.tax_year - 1,
        catch_up_age_reached=results.age >= law("catch_up_age").value,
        ira_deduction_limited=f["traditional_ira_deductible_limit"].value < f["ira_contribution_limit"].value,
        ira_roth_limited=f["roth_ira_limit"].value < f["ira_contribution_limit"].value,
        public_sector_plan=_public_sector_plan(results, advice),
        projection_rows=tuple(row for n, row in enumerate(rows, 1) if row.year % 5 == 0 or n == len(rows)),
        tax_rate_now_known=tax.marginal_rate_now is not None,
        tax_rates_known=None not in (tax.marginal_rate_now, tax.marginal_rate_retirement),
        solo_401k_without_roth=bool(business and business.type == "solo_401k" and not business.contributions.roth),
        business_plan_step=_business_plan_step(results),
        second_plan_beside=(("403(b)" if results.plan.type == "403b" else "401(k)") if results.second_plan else None))


def _business_plan_step(results: Results) -> str | None:
    """What to do about the plan the comparison recommends: keep the one there is, open one, or move."""
    if results.persona.business is None:
        return None
    best, plan = results.figures["recommended_business_plan"].value, results.business_plan
    return "open" if plan is None else "keep" if plan.type == best else "move to"


def _public_sector_plan(results: Results, advice: Advice) -> str | None:
    """The plan the "Extra room" section is about: a 403(b)'s 15-year catch-up, a governmental
    457(b)'s own limit and special catch-up."""
    f, plan = results.figures, results.plan
    if "fifteen_year_catch_up" in f or "governmental_457b_limit" in f or advice.public_sector_callouts:
        return "403b" if plan.type == "403b" else "governmental_457b"
    return None


def _estimates(results: Results, left_already: bool) -> tuple[tuple[Item, ...], Item | None]:
    """What the engine assumed for inputs the profile leaves out (compute.Results.estimates), with
    what the guide says about each; the modified AGI estimate is said in the IRA section."""
    values = {
        "modified_agi": lambda: {"magi": results.figures["modified_agi"].value, "parts": tuple(
            part for part, counted in (("own_pay", results.persona.pay.salary),
                                       ("other_employer_pay", results.persona.pay.other_employer_pay),
                                       ("spouse", results.persona.filing_status == "married_joint")) if counted)},
        "paychecks_until_separation": lambda: {
            "left_already": left_already, "separation": results.persona.job_change.separation_date,
            "paychecks": results.payroll.paychecks, "pay_periods": results.plan.pay_periods},
        "years_to_retirement": lambda: {"retirement_age": RETIREMENT_AGE},
    }
    items = [Item(key, values=values[key]() if key in values else {}) for key in results.estimates]
    return (tuple(i for i in items if i.key != "modified_agi"),
            # with no IRA contribution possible (no pay, no spouse's), income changes nothing: not said
            next((i for i in items if i.key == "modified_agi" and results.figures["ira_contribution_limit"].value), None))


def _todo(results: Results, advice: Advice, separation: dt.date | None, left_already: bool) -> tuple[Item, ...]:
    """The actions, first thing first: payroll elections, after-tax conversions, the IRA, old plans."""
    f = results.figures
    items: list[Item] = []
    if results.plan and not left_already:
        rec = f["recommended_elections"].value
        schedule = f["election_schedule"].value
        items.append(Item("elections", ELECTIONS, {**rec, "until": separation,
                                                   "last_paychecks": schedule.get("last_paychecks", 0),
                                                   "last_deferral_pct": schedule.get("last_paycheck_deferral_pct"),
                                                   "last_after_tax_pct": schedule.get("last_paycheck_after_tax_pct"),
                                                   # a plan taking dollar elections: the same, in dollars per paycheck
                                                   "by_dollar": schedule.get("unit") == "dollar",
                                                   "pre_tax": schedule.get("per_paycheck_pre_tax"),
                                                   "roth": schedule.get("per_paycheck_roth"),
                                                   "after_tax": schedule.get("per_paycheck_after_tax"),
                                                   "last_deferral": schedule.get("last_paycheck_deferral"),
                                                   "last_after_tax": schedule.get("last_paycheck_after_tax"),
                                                   "catch_up": f["catch_up_limit"].value,
                                                   "roth_catch_up": f["roth_catch_up_required"].value is True}))
        if results.second_plan:
            second = f["second_plan_election_schedule"].value
            items.append(Item("second_plan_elections", SECOND_PLAN, {
                **f["second_plan_recommended_elections"].value, "by_dollar": second["unit"] == "dollar",
                "pre_tax": second["per_paycheck_pre_tax"], "roth": second["per_paycheck_roth"],
                "deferrals": second["deferrals"]}))
        if "mega_backdoor" in advice.actions:
            items.append(Item("convert_after_tax", AFTER_TAX, {"cadence": f["conversion_cadence"].value,
                                                               "space": f["after_tax_space"].value}))
    if "business_plan" in advice.actions:
        items.append(Item("business_plan", BUSINESS, advice.values["business_plan"]))
    fix = f["pro_rata_fix"].value if "pro_rata_fix" in f else None
    if fix and fix["action"] in PRO_RATA_TODO:
        # Form 8606 line 6 counts IRA balances on Dec 31 of the tax year (IRC 408(d)(2)).
        items.append(Item(PRO_RATA_TODO[fix["action"]], IRA, {"balance": fix["pretax_balance"],
                                                             "by": dt.date(results.persona.tax_year, 12, 31)}))
    if "ira" in advice.actions:
        ira = advice.values["ira"]
        roth_only = ira["route"] == "roth" and ira["roth_limit"] is not None  # a Roth IRA limited by income
        items.append(Item("ira", IRA, {"route": ira["route"], "amount": ira["roth_limit"] if roth_only else ira["limit"],
                                       "deductible": ira["deductible"]}))
    if "ask_about_after_tax" in advice.actions and not left_already:
        items.append(Item("ask_about_after_tax", ELECTIONS))
    old_plans = [Item("old_plan", LEAVING, {
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
        if "fifteen_year_catch_up" in f and f["fifteen_year_catch_up"].value > 0:
            rows.append("fifteen_year_catch_up")
        if "governmental_457b_limit" in f and f["governmental_457b_limit"].has("special_catch_up"):
            rows.append("special_457b_limit")  # the larger catch-up, instead of the age one
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
        if results.next_payroll:  # the new job's plan shares the limit: what is left for it, and its match
            rows += ["next_plan_room", "next_plan_elections", "next_plan_match"]
        if results.second_plan:  # a 457(b) beside it, on a limit of its own
            rows += ["second_plan", "second_plan_room"] + ([] if left_already else ["second_plan_elections"])
            rows.append("second_plan_deferrals")
        if f["lost_match_from_front_loading"].value and not left_already:
            rows.append("lost_match")
    else:
        rows.append("no_plan")
    if f["ira_contribution_limit"].value:  # none without pay of one's own (or a spouse's, for a spousal IRA)
        rows.append("ira_limit")
    if f["ira_route"].value:
        rows.append("ira_route")
    return tuple(rows)


# ----------------------------------------------------------------------------- the page's sections

# When a section applies: the condition its template names in its first line.
WHEN = {
    "always": lambda results, left_already: True,  # a section with nothing to say for someone prints nothing
    "plan": lambda results, left_already: results.plan is not None,
    # elections still to choose: after the last paycheck only the yearly limit, which the next job shares, matters
    "payroll": lambda results, left_already: results.plan is not None and not left_already,
    "business": lambda results, left_already: results.persona.business is not None,
}
_HEADER = re.compile(r"\{#-?\s*section (\d+) when (\w+)")


@dataclass(frozen=True)
class Section:
    """A template of templates/sections/ that opens with `{#- section ORDER when CONDITION -#}`: the page
    shows it in ORDER (then by name) whenever CONDITION, a key of WHEN, holds for the guide."""

    name: str
    order: int
    when: str


def read_sections(templates_dir: Path) -> tuple[Section, ...]:
    """The sections templates_dir/sections/ declares, in page order. A template without the header line
    (prepared.md.j2, the title block) is not a section of its own: guide.md.j2 includes it."""
    found = []
    for path in sorted((templates_dir / "sections").glob("*.md.j2")):
        header = _HEADER.match(path.read_text(encoding="utf-8"))
        if header is None:
            continue
        if header[2] not in WHEN:
            raise jinja2.TemplateSyntaxError(f"a section applies when one of {', '.join(WHEN)}, not {header[2]!r}",
                                             1, f"sections/{path.name}", str(path))
        found.append(Section(path.name.removesuffix(".md.j2"), int(header[1]), header[2]))
    return tuple(sorted(found, key=lambda section: (section.order, section.name)))
