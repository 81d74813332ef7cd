"""Which parts of a guide apply to this person: the ordered plan, the mistake callouts and the
checklist items. Python decides *whether*; the templates decide *how it reads*."""
from __future__ import annotations

from dataclasses import dataclass

from .compute import Results


@dataclass(frozen=True)
class Advice:
    actions: tuple[str, ...]       # the order of operations, first thing first
    callouts: tuple[str, ...]      # common mistakes this person is exposed to
    checklists: dict[str, tuple[str, ...]]


def advise(results: Results) -> Advice:
    if results.plan is None:
        ira_actions, ira_callouts, ira_year_end = _ira_advice(results)
        return Advice(("no_plan", *ira_actions), tuple(ira_callouts),
                      {"payroll": (), "hr_questions": (), "rollover": (), "year_end": tuple(ira_year_end)})
    return _with_plan(results)


def _ira_advice(results: Results) -> tuple[list[str], list[str], list[str]]:
    """The IRA's place in the plan, the IRA mistakes this person is exposed to, and year-end items."""
    figures, iras = results.figures, results.persona.iras
    route = figures["ira_route"].value
    limit = figures["ira_contribution_limit"].value
    backdoor = route == "backdoor_roth"
    actions = ["ira"] if route else []
    callouts = [key for key, when in (
        ("pre_tax_ira_balance", iras.traditional_pretax_balance > 0 and route in ("backdoor_roth", "nondeductible_traditional")),
        ("old_401k_into_ira_backdoor_year", backdoor and bool(results.persona.previous_plans or results.persona.job_change)),
        ("assuming_a_deduction", results.plan is not None and figures["traditional_ira_deductible_limit"].value < limit),
        ("roth_over_the_limit", figures["roth_ira_limit"].value < limit),
        ("ira_deadline_missed", route is not None),
    ) if when]
    year_end = [key for key, when in (
        ("check_dec_31_ira_balance", backdoor),
        ("conversion_done", backdoor),
        ("file_8606", route in ("backdoor_roth", "nondeductible_traditional")),
        ("ira_deadline", True),
    ) if when]
    return actions, callouts, year_end


def _with_plan(results: Results) -> Advice:
    plan, persona = results.plan, results.persona
    figures = results.figures
    ira_actions, ira_callouts, ira_year_end = _ira_advice(results)
    recommended = figures["recommended_elections"].value
    current = persona.elections
    has_match = bool(plan.match.tiers)
    catch_up = figures["catch_up_limit"].value > 0
    after_tax = figures["after_tax_space"].value > 0

    actions = ["capture_match" if has_match else "no_match", "choose_pre_tax_roth"]
    actions += ira_actions
    if persona.savings_goal != "match":
        actions.append("fill_deferrals")
    if catch_up:
        actions.append("catch_up")
    if after_tax and recommended["after_tax_pct"] > 0:
        actions.append("mega_backdoor")
    elif not plan.contributions.after_tax:
        actions.append("ask_about_after_tax")

    callouts = []
    add = lambda key, when: callouts.append(key) if when else None  # noqa: E731
    current_deferral = (current.pre_tax_pct + current.roth_pct) if current else None
    add("match_not_captured", current is not None and has_match
        and current_deferral < figures["match_capture_pct"].value)
    add("front_loading", has_match and plan.match.period == "per_pay_period" and not plan.match.true_up)
    add("excess_deferrals_two_jobs", persona.pay.other_deferrals_this_year > 0)
    add("catch_up_blocked", figures["catch_up_limit"].has("catch_up_blocked_no_roth"))
    add("roth_catch_up_required", figures["roth_catch_up_required"].value is True and catch_up)
    add("roth_catch_up_next_year", figures["roth_catch_up_required"].has("roth_catch_up_from_2026"))
    add("catch_up_needs_full_deferral", catch_up)
    add("catch_up_60_63_ends", results.age == 63 and figures["catch_up_limit"].has("catch_up_60_63"))
    add("after_tax_is_not_roth", plan.contributions.after_tax)
    add("after_tax_over_limit", current is not None and plan.contributions.after_tax
        and results.payroll.amount(current.after_tax_pct) > figures["after_tax_space"].value)
    add("compensation_capped", figures["plan_compensation"].has("compensation_capped"))
    route, cadence = figures["after_tax_route"].value, figures["conversion_cadence"].value
    add("after_tax_left_to_sit", after_tax and cadence in ("annually", "at_separation"))
    add("after_tax_crowds_out_match", after_tax and has_match)
    add("after_tax_earnings_to_traditional_ira", after_tax and route in ("in_service_withdrawal", "at_separation"))
    add("plan_after_tax_cap", figures["after_tax_space"].has("plan_cap_binding"))

    leaving = results.leaving
    sources = [choice for _, options in leaving for choice in options.sources.values()]
    add("cash_out_early", any("additional_tax" in c.options["cash_out"].flags for c in sources))
    add("ira_before_rule_of_55", any(options.rule_of_55.value for _, options in leaving))
    add("ira_in_backdoor_year", any("backdoor_pro_rata" in options.backdoor_effect.flags for _, options in leaving))
    add("indirect_rollover_make_up", bool(leaving))
    add("excess_deferrals_over_limit", "excess_deferrals" in figures and figures["excess_deferrals"].value > 0)
    after_tax_money = any(c.source == "after_tax_basis" for c in sources)
    callouts += ira_callouts

    checklists = {
        "payroll": tuple(k for k, when in (
            ("set_elections", True),
            ("check_first_paycheck", True),
            ("set_roth_catch_up", catch_up and figures["roth_catch_up_required"].value is True),
            ("tell_new_employer", persona.pay.other_deferrals_this_year > 0),
            ("set_conversion", after_tax),
        ) if when),
        "hr_questions": tuple(k for k, when in (
            ("ask_true_up", has_match and plan.match.period == "per_pay_period"),
            ("ask_after_tax", not plan.contributions.after_tax),
            ("ask_conversion", plan.contributions.after_tax),
            ("ask_auto_conversion", after_tax and route == "in_plan_conversion"),
            ("ask_split", after_tax and route in ("in_service_withdrawal", "at_separation")),
            ("ask_after_tax_limit", after_tax),
            ("ask_comp_limit", figures["plan_compensation"].has("compensation_capped")),
        ) if when),
        "rollover": tuple(k for k, when in (
            ("open_destination", bool(leaving)),
            ("ask_direct_rollover", bool(leaving)),
            ("ask_split_checks", after_tax_money),
            ("deposit_in_60_days", bool(leaving)),
            ("keep_1099r", bool(leaving)),
        ) if when),
        "year_end": tuple(k for k, when in (
            ("check_402g_total", True),
            ("excess_by_april_15", persona.pay.other_deferrals_this_year > 0),
            ("review_next_year_limits", True),
        ) if when) + tuple(ira_year_end),
    }
    return Advice(tuple(actions), tuple(callouts), checklists)
