"""Which parts of a guide apply to this person: the ordered plan, the mistake callouts and the
checklist items. Python decides *whether*, and which facts the words print; the templates decide
*how it reads* (templates/actions/KEY.md.j2, templates/callouts/KEY.md.j2, one per key).

Each area (workplace plan, IRA, old plans) says what applies to it and, beside each key, the values
its words print; `advise` puts them in order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .compute import Results
from .limits import law

CHECKLISTS = ("payroll", "hr_questions", "rollover", "year_end")


@dataclass(frozen=True)
class Advice:
    actions: tuple[str, ...] = ()       # the order of operations, first thing first
    callouts: tuple[str, ...] = ()      # common mistakes this person is exposed to
    checklists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # checklist → its items
    business_callouts: tuple[str, ...] = ()       # mistakes with a business's plan, in its own section
    public_sector_callouts: tuple[str, ...] = ()  # mistakes with a 403(b)/457(b), in its own section
    values: dict[str, dict] = field(default_factory=dict)  # action or callout key → the facts its words print

    @property
    def owner_callouts(self) -> tuple[str, ...]:
        return self.business_callouts + self.public_sector_callouts

    def __add__(self, other: Advice) -> Advice:
        return Advice(self.actions + other.actions, self.callouts + other.callouts,
                      {name: self.checklists.get(name, ()) + other.checklists.get(name, ()) for name in CHECKLISTS},
                      self.business_callouts + other.business_callouts,
                      self.public_sector_callouts + other.public_sector_callouts, self.values | other.values)


EVERY_YEAR = Advice(checklists={"year_end": ("review_next_year_limits", "ira_deadline")})


def advise(results: Results) -> Advice:
    """Match and deferrals first, then the IRA, then the rest of the plan's room, then old plans."""
    plan = _plan_advice(results) if results.plan else _no_plan_advice(results)
    first, rest = _split_after(plan, "choose_pre_tax_roth")
    return (first + _ira_advice(results) + rest + _business_advice(results) + _public_sector_advice(results)
            + _leaving_advice(results) + EVERY_YEAR)


def _split_after(advice: Advice, action: str) -> tuple[Advice, Advice]:
    """Cut the plan's actions after `action`, so the IRA comes right after the pre-tax/Roth choice."""
    cut = advice.actions.index(action) + 1 if action in advice.actions else len(advice.actions)
    return (Advice(advice.actions[:cut], advice.callouts, advice.checklists, values=advice.values),
            Advice(advice.actions[cut:]))


def _when(*pairs: tuple[str, bool]) -> tuple[str, ...]:
    return tuple(key for key, applies in pairs if applies)


def _values(keys: tuple[str, ...], words: dict[str, Callable[[], dict]]) -> dict[str, dict]:
    """The facts the words of each key that applies print (worked out only for those: a figure a
    callout prints may not exist for a person the callout does not apply to)."""
    return {key: words[key]() for key in keys if key in words}


def match_timing(plan) -> str | None:
    """How the plan's match meets the timing of contributions: "per_paycheck" (a paycheck without a
    contribution earns nothing, and nothing tops it up), "true_up" or "yearly"; None without a match."""
    if not plan.match.tiers:
        return None
    if plan.match.true_up:
        return "true_up"
    return "per_paycheck" if plan.match.period == "per_pay_period" else "yearly"


def _no_plan_advice(results: Results) -> Advice:
    if results.persona.business:
        return Advice()
    pay = results.persona.pay
    return Advice(("no_plan",), values={"no_plan": {
        "tax_year": results.persona.tax_year, "self_employed": bool(pay.self_employment_income),
        "own_pay": bool(pay.salary or pay.self_employment_income),
        "spousal_ira": "spousal_ira" in results.figures["ira_contribution_limit"].flags,
        "leaving": bool(results.leaving)}})


def _plan_advice(results: Results) -> Advice:
    plan, persona, figures = results.plan, results.persona, results.figures
    current = persona.elections
    timing = match_timing(plan)
    has_match = timing is not None
    catch_up = figures["catch_up_limit"].value > 0
    after_tax = figures["after_tax_space"].value > 0
    roth_catch_up = figures["roth_catch_up_required"].value is True
    route, cadence = figures["after_tax_route"].value, figures["conversion_cadence"].value
    job_change_year = persona.pay.other_deferrals_this_year > 0
    flags = figures["recommended_elections"].flags
    schedule = figures["election_schedule"].value
    capture_pct, space = figures["match_capture_pct"].value, figures["after_tax_space"].value
    actions = _when(
        ("capture_match", has_match), ("no_match", not has_match), ("choose_pre_tax_roth", True),
        ("fill_deferrals", persona.savings_goal != "match"), ("catch_up", catch_up),
        ("mega_backdoor", after_tax and figures["recommended_elections"].value["after_tax_pct"] > 0),
        ("ask_about_after_tax", not plan.contributions.after_tax))
    callouts = _when(
        ("match_not_captured", current is not None and has_match
         and current.pre_tax_pct + current.roth_pct < capture_pct),
        ("front_loading", timing == "per_paycheck"),
        ("excess_deferrals_two_jobs", job_change_year),
        ("excess_deferrals_over_limit", "excess_deferrals" in figures and figures["excess_deferrals"].value > 0),
        ("catch_up_blocked", figures["catch_up_limit"].has("catch_up_blocked_no_roth")),
        ("roth_catch_up_required", roth_catch_up and catch_up),
        ("roth_catch_up_next_year", figures["roth_catch_up_required"].has("roth_catch_up_from_2026")),
        ("catch_up_needs_full_deferral", catch_up),
        ("catch_up_60_63_ends", results.age == law("catch_up_60_63_last_age").value
         and figures["catch_up_limit"].has("catch_up_60_63")),
        ("after_tax_is_not_roth", plan.contributions.after_tax),
        ("after_tax_over_limit", current is not None and plan.contributions.after_tax
         and results.payroll.amount(current.after_tax_pct) > space),
        ("compensation_capped", figures["plan_compensation"].has("compensation_capped")),
        ("after_tax_left_to_sit", after_tax and cadence in ("annually", "at_separation")),
        ("after_tax_crowds_out_match", after_tax and has_match),
        ("after_tax_earnings_to_traditional_ira", after_tax and route in ("in_service_withdrawal", "at_separation")),
        ("plan_after_tax_cap", figures["after_tax_space"].has("plan_cap_binding")),
        ("plan_total_cap", figures["after_tax_space"].has("total_cap_binding")))
    rates = {"rate_now": persona.tax.marginal_rate_now, "rate_retirement": persona.tax.marginal_rate_retirement}
    values = _values(actions + callouts, {
        "capture_match": lambda: {"capture_pct": capture_pct, "match": figures["employer_match"].value},
        "choose_pre_tax_roth": lambda: {"choice": _pre_tax_or_roth(flags), **rates},
        "fill_deferrals": lambda: {"room": figures["elective_deferral_limit"].value, "plus_catch_up": catch_up,
                                   "deferrals": schedule["deferrals"], "spread_for_match": timing == "per_paycheck",
                                   "last_paychecks": schedule["last_paychecks"]},
        "catch_up": lambda: {"catch_up": figures["catch_up_limit"].value, "roth": roth_catch_up},
        "mega_backdoor": lambda: {"after_tax": schedule["after_tax_contributions"], "space": space},
        "match_not_captured": lambda: {"current_pct": current.pre_tax_pct + current.roth_pct, "capture_pct": capture_pct},
        "front_loading": lambda: {"lost_match": figures["lost_match_from_front_loading"].value},
        "excess_deferrals_two_jobs": lambda: {"room": figures["elective_deferral_limit"].value},
        "excess_deferrals_over_limit": lambda: {"excess": figures["excess_deferrals"].value},
        "roth_catch_up_required": lambda: {"tax_year": persona.tax_year},
        "roth_catch_up_next_year": lambda: {"from_year": law("roth_catch_up_first_year").value},
        "after_tax_over_limit": lambda: {"current_pct": current.after_tax_pct, "space": space},
        "after_tax_left_to_sit": lambda: {"cadence": cadence,
                                          "earnings": figures["conversion_taxable_earnings"].value[cadence],
                                          "earnings_per_paycheck":
                                              figures["conversion_taxable_earnings"].value["per_pay_period"]},
        "after_tax_crowds_out_match": lambda: {"capture_pct": capture_pct},
        "plan_after_tax_cap": lambda: {"cap_pct": plan.contributions.after_tax_max_pct, "space": space},
        "plan_total_cap": lambda: {"cap_pct": plan.contributions.max_total_pct, "deferrals": schedule["deferrals"],
                                   "space": space},
        "compensation_capped": lambda: {"plan_pay": figures["plan_compensation"].value},
    })
    checklists = {
        "payroll": _when(
            ("set_elections", True), ("check_first_paycheck", True),
            ("set_roth_catch_up", catch_up and roth_catch_up), ("tell_new_employer", job_change_year),
            ("set_conversion", after_tax)),
        "hr_questions": _when(
            ("ask_true_up", has_match and plan.match.period == "per_pay_period"), ("ask_after_tax", not plan.contributions.after_tax),
            ("ask_conversion", plan.contributions.after_tax),
            ("ask_split", after_tax and route in ("in_service_withdrawal", "at_separation")),
            ("ask_after_tax_limit", after_tax),
            ("ask_comp_limit", figures["plan_compensation"].has("compensation_capped"))),
        "year_end": _when(("check_402g_total", True), ("excess_by_april_15", job_change_year)),
    }
    return Advice(actions, callouts, checklists, values=values)


def _pre_tax_or_roth(flags) -> str:
    """Why the deferrals are pre-tax, Roth or split (the recommended elections' flags say)."""
    for flag, choice in (("no_roth_in_plan", "pre_tax_only"), ("prefer_pre_tax", "pre_tax"), ("prefer_roth", "roth")):
        if flag in flags:
            return choice
    return "split"


def _ira_advice(results: Results) -> Advice:
    figures, iras = results.figures, results.persona.iras
    route = figures["ira_route"].value
    limit = figures["ira_contribution_limit"].value
    backdoor = route == "backdoor_roth"
    callouts = _when(
        ("pre_tax_ira_balance", iras.traditional_pretax_balance > 0
         and route in ("backdoor_roth", "nondeductible_traditional")),
        ("assuming_a_deduction", results.plan is not None and figures["traditional_ira_deductible_limit"].value < limit),
        ("roth_over_the_limit", figures["roth_ira_limit"].value < limit),
        ("nondeductible_part", "nondeductible_ira_part" in figures),
        ("ira_deadline_missed", route is not None))
    year_end = _when(("check_dec_31_ira_balance", backdoor), ("conversion_done", backdoor),
                     ("file_8606", route in ("backdoor_roth", "nondeductible_traditional")),
                     ("file_8606_nondeductible_part", "nondeductible_ira_part" in figures
                      and route not in ("backdoor_roth", "nondeductible_traditional")))
    actions = _when(("ira", route is not None))
    roth_limit, deductible = figures["roth_ira_limit"].value, figures["traditional_ira_deductible_limit"].value
    roll_into_plan = "pro_rata_fix" in figures and figures["pro_rata_fix"].value["action"] == "roll_into_plan"
    values = _values(actions + callouts, {
        "ira": lambda: {"route": route, "limit": limit, "deductible": deductible,
                        "roth_limit": roth_limit if roth_limit < limit else None, "roll_into_plan": roll_into_plan},
        "pre_tax_ira_balance": lambda: {"balance": iras.traditional_pretax_balance,
                                        "nontaxable": figures["backdoor_conversion"].value["nontaxable"],
                                        "converted": figures["backdoor_conversion"].value["converted"],
                                        "roll_into_plan": roll_into_plan},
        "assuming_a_deduction": lambda: {"deductible": deductible, "limit": limit},
        "roth_over_the_limit": lambda: {"roth_limit": roth_limit},
        "nondeductible_part": lambda: {"deductible": deductible, "limit": limit,
                                       **figures["nondeductible_ira_part"].value},
        "ira_deadline_missed": lambda: {"tax_year": results.persona.tax_year},
    })
    return Advice(actions, callouts, {"year_end": year_end}, values=values)


def _business_advice(results: Results) -> Advice:
    """A business of one's own: which plan, and the mistakes of a day job beside it or of a SEP or SIMPLE
    IRA beside a backdoor Roth."""
    if results.persona.business is None:
        return Advice()
    figures, plan = results.figures, results.business_plan
    kind = plan.type if plan else None
    split = figures["deferral_limit_split"].value
    backdoor_tax = figures["business_plan_backdoor_tax"].value
    callouts = _when(
        ("deferral_limit_counted_twice", split["day_job"] > 0),
        ("sep_spoils_backdoor", kind in ("sep_ira", "simple_ira") and backdoor_tax[kind] > 0),
        ("ira_plan_spoils_backdoor", kind is None and any(backdoor_tax.values())),
        ("form_5500_ez", "form_5500_ez_required" in figures and figures["form_5500_ez_required"].value),
        ("simple_first_two_years", "simple_two_year_period_end" in figures))
    year_end = _when(("file_5500_ez", "form_5500_ez" in callouts))
    # the plan the business has, else the one the comparison recommends
    shown = kind or figures["recommended_business_plan"].value
    values = _values(("business_plan",) + callouts, {
        "business_plan": lambda: {"has_plan": plan is not None, "plan": shown,
                                  "total": figures["business_plan_totals"].value[shown]},
        "deferral_limit_counted_twice": lambda: split,
        "sep_spoils_backdoor": lambda: {"plan": kind, "taxable": backdoor_tax[kind]},
        "ira_plan_spoils_backdoor": lambda: backdoor_tax,
        "simple_first_two_years": lambda: {"until": figures["simple_two_year_period_end"].value},
    })
    return Advice(("business_plan",), business_callouts=callouts, checklists={"year_end": year_end}, values=values)


def _public_sector_advice(results: Results) -> Advice:
    figures = results.figures
    callouts = _when(
        ("fifteen_year_catch_up_order", "fifteen_year_catch_up" in figures and figures["fifteen_year_catch_up"].value > 0
         and figures["catch_up_limit"].value > 0),
        ("special_457b_catch_up", "governmental_457b_limit" in figures
         and bool(figures["governmental_457b_limit"].flags)),
        ("second_plan_457b", results.plan is not None and results.plan.type in ("403b", "governmental_457b")
         and results.second_plan is None))
    return Advice(public_sector_callouts=callouts)


def _leaving_advice(results: Results) -> Advice:
    leaving = results.leaving
    if not leaving:
        return Advice()
    sources = [choice for _, options in leaving for choice in options.sources.values()]
    callouts = _when(
        ("cash_out_early", any("additional_tax" in c.options["cash_out"].flags for c in sources)),
        ("ira_before_rule_of_55", any(options.rule_of_55.value and not options.reached_59_half.value
                                      for _, options in leaving)),
        ("ira_in_backdoor_year", any("backdoor_pro_rata" in options.backdoor_effect.flags for _, options in leaving)),
        ("indirect_rollover_make_up", True))
    rollover = _when(("open_destination", True), ("ask_direct_rollover", True),
                     ("ask_split_checks", any(c.source == "after_tax_basis" for c in sources)),
                     ("deposit_in_60_days", True), ("keep_1099r", True))
    values = {"indirect_rollover_make_up": {
        "additional_tax": any(o.indirect_rollover.value["additional_tax_applies"] for _, o in leaving)}}
    return Advice((), callouts, {"rollover": rollover}, values=values)

