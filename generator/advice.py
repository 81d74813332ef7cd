"""Which parts of a guide apply to this person: the ordered plan, the mistake callouts and the
checklist items. Python decides *whether*; the templates decide *how it reads*.

Each area (workplace plan, IRA, old plans) says what applies to it; `advise` puts them in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .compute import Results
from .limits import law

CHECKLISTS = ("payroll", "hr_questions", "rollover", "year_end")


@dataclass(frozen=True)
class Advice:
    actions: tuple[str, ...] = ()       # the order of operations, first thing first
    callouts: tuple[str, ...] = ()      # common mistakes this person is exposed to
    checklists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # checklist → its items
    owner_callouts: tuple[str, ...] = ()  # mistakes with a business's plan or a 403(b)/457(b), in their own section

    def __add__(self, other: Advice) -> Advice:
        return Advice(self.actions + other.actions, self.callouts + other.callouts,
                      {name: self.checklists.get(name, ()) + other.checklists.get(name, ()) for name in CHECKLISTS},
                      self.owner_callouts + other.owner_callouts)


EVERY_YEAR = Advice(checklists={"year_end": ("review_next_year_limits", "ira_deadline")})


def advise(results: Results) -> Advice:
    """Match and deferrals first, then the IRA, then the rest of the plan's room, then old plans."""
    plan = _plan_advice(results) if results.plan else Advice(() if results.persona.business else ("no_plan",))
    first, rest = _split_after(plan, "choose_pre_tax_roth")
    return (first + _ira_advice(results) + rest + _business_advice(results) + _public_sector_advice(results)
            + _leaving_advice(results) + EVERY_YEAR)


def _split_after(advice: Advice, action: str) -> tuple[Advice, Advice]:
    """Cut the plan's actions after `action`, so the IRA comes right after the pre-tax/Roth choice."""
    cut = advice.actions.index(action) + 1 if action in advice.actions else len(advice.actions)
    return (Advice(advice.actions[:cut], advice.callouts, advice.checklists), Advice(advice.actions[cut:]))


def _when(*pairs: tuple[str, bool]) -> tuple[str, ...]:
    return tuple(key for key, applies in pairs if applies)


def _plan_advice(results: Results) -> Advice:
    plan, persona, figures = results.plan, results.persona, results.figures
    current = persona.elections
    has_match = bool(plan.match.tiers)
    per_paycheck_match = has_match and plan.match.period == "per_pay_period"
    catch_up = figures["catch_up_limit"].value > 0
    after_tax = figures["after_tax_space"].value > 0
    roth_catch_up = figures["roth_catch_up_required"].value is True
    route, cadence = figures["after_tax_route"].value, figures["conversion_cadence"].value
    job_change_year = persona.pay.other_deferrals_this_year > 0
    actions = _when(
        ("capture_match", has_match), ("no_match", not has_match), ("choose_pre_tax_roth", True),
        ("fill_deferrals", persona.savings_goal != "match"), ("catch_up", catch_up),
        ("mega_backdoor", after_tax and figures["recommended_elections"].value["after_tax_pct"] > 0),
        ("ask_about_after_tax", not plan.contributions.after_tax))
    callouts = _when(
        ("match_not_captured", current is not None and has_match
         and current.pre_tax_pct + current.roth_pct < figures["match_capture_pct"].value),
        ("front_loading", per_paycheck_match and not plan.match.true_up),
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
         and results.payroll.amount(current.after_tax_pct) > figures["after_tax_space"].value),
        ("compensation_capped", figures["plan_compensation"].has("compensation_capped")),
        ("after_tax_left_to_sit", after_tax and cadence in ("annually", "at_separation")),
        ("after_tax_crowds_out_match", after_tax and has_match),
        ("after_tax_earnings_to_traditional_ira", after_tax and route in ("in_service_withdrawal", "at_separation")),
        ("plan_after_tax_cap", figures["after_tax_space"].has("plan_cap_binding")),
        ("plan_total_cap", figures["after_tax_space"].has("total_cap_binding")))
    checklists = {
        "payroll": _when(
            ("set_elections", True), ("check_first_paycheck", True),
            ("set_roth_catch_up", catch_up and roth_catch_up), ("tell_new_employer", job_change_year),
            ("set_conversion", after_tax)),
        "hr_questions": _when(
            ("ask_true_up", per_paycheck_match), ("ask_after_tax", not plan.contributions.after_tax),
            ("ask_conversion", plan.contributions.after_tax),
            ("ask_split", after_tax and route in ("in_service_withdrawal", "at_separation")),
            ("ask_after_tax_limit", after_tax),
            ("ask_comp_limit", figures["plan_compensation"].has("compensation_capped"))),
        "year_end": _when(("check_402g_total", True), ("excess_by_april_15", job_change_year)),
    }
    return Advice(actions, callouts, checklists)


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
    return Advice(_when(("ira", route is not None)), callouts, {"year_end": year_end})


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
    return Advice(("business_plan",), owner_callouts=callouts, checklists={"year_end": year_end})


def _public_sector_advice(results: Results) -> Advice:
    figures = results.figures
    callouts = _when(
        ("fifteen_year_catch_up_order", "fifteen_year_catch_up" in figures and figures["fifteen_year_catch_up"].value > 0
         and figures["catch_up_limit"].value > 0),
        ("special_457b_catch_up", "governmental_457b_limit" in figures
         and bool(figures["governmental_457b_limit"].flags)),
        ("second_plan_457b", results.plan is not None and results.plan.type in ("403b", "governmental_457b")))
    return Advice(owner_callouts=callouts)


def _leaving_advice(results: Results) -> Advice:
    leaving = results.leaving
    if not leaving:
        return Advice()
    sources = [choice for _, options in leaving for choice in options.sources.values()]
    callouts = _when(
        ("cash_out_early", any("additional_tax" in c.options["cash_out"].flags for c in sources)),
        ("ira_before_rule_of_55", any(options.rule_of_55.value for _, options in leaving)),
        ("ira_in_backdoor_year", any("backdoor_pro_rata" in options.backdoor_effect.flags for _, options in leaving)),
        ("indirect_rollover_make_up_taxed", any(o.indirect_rollover.value["additional_tax_applies"] for _, o in leaving)),
        ("indirect_rollover_make_up", not any(o.indirect_rollover.value["additional_tax_applies"] for _, o in leaving)))
    rollover = _when(("open_destination", True), ("ask_direct_rollover", True),
                     ("ask_split_checks", any(c.source == "after_tax_basis" for c in sources)),
                     ("deposit_in_60_days", True), ("keep_1099r", True))
    return Advice((), callouts, {"rollover": rollover})

