"""The home recommended for each kind of money, with its reasons. Never cash out."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ...figure import PCT, TEXT, Figure, Step
from .kinds import OPTION_LABEL, PENALTY_FREE_AGE, PRE_TAX_SOURCES, PRO_RATA, PROFILE, PUBLIC_SAFETY_AGE, RULE_OF_55_AGE

# Order of preference when neither the rule of 55, the backdoor Roth nor known fees decide:
# another workplace plan consolidates the money, keeps ERISA creditor protection and keeps pre-tax
# money out of the IRA pro-rata arithmetic; an IRA gives the widest choice of investments.
DEFAULT_PREFERENCE = {
    "pre_tax": ("new_plan", "ira", "solo_401k", "leave"),
    "after_tax_earnings": ("new_plan", "ira", "solo_401k", "leave"),
    "roth": ("ira", "new_plan", "leave"),
    "after_tax_basis": ("ira", "new_plan", "leave"),
}


def recommended_option(source: str, options: Mapping[str, Figure], *, rule_of_55_at_stake: bool,
                       backdoor_this_year: bool, moves_with_basis: bool = False, exemption_457b_at_stake: bool = False,
                       expense_ratios: Mapping[str, Decimal | None] | None = None) -> Figure:
    """The option recommended for one balance, with its reasons. Never cash out.

    The two things that usually decide it are always called out: the rule of 55 (only the old plan
    keeps it) and the backdoor Roth (only an IRA brings pre-tax money into its pro-rata arithmetic).
    After-tax basis goes to a Roth IRA (Notice 2014-54), taking its earnings out of the plan with it.
    Expense ratios decide between the remaining options only when the profile gives every one of them.
    """
    candidates = [o for o in DEFAULT_PREFERENCE[source] if o in options and options[o].value["available"]]
    if "leave" in candidates and options["leave"].value.get("may_be_forced_out") and len(candidates) > 1:
        candidates.remove("leave")
    steps: list[Step] = []
    flags: set[str] = set()
    if moves_with_basis and "leave" in candidates:
        candidates.remove("leave")
        steps.append(Step("These earnings leave the plan with your after-tax contributions, in the same payout",
                          None, "IRC 72(e)(8); IRS Notice 2014-54"))
    steps.append(_rule_of_55_reason(rule_of_55_at_stake, can_stay="leave" in candidates))
    steps.append(_backdoor_reason(source, backdoor_this_year))
    if source == "after_tax_basis":
        choice = "ira"
        flags.add("decided_by_notice_2014_54")
        steps.append(Step("In a Roth IRA your after-tax contributions' future growth is tax-free; in the plan "
                          "it would be taxable earnings", None, "IRS Notice 2014-54"))
    elif rule_of_55_at_stake and "leave" in candidates:
        choice = "leave"
        flags.add("decided_by_rule_of_55")
    elif exemption_457b_at_stake and "leave" in candidates:
        choice = "leave"
        flags.add("decided_by_457b")
        steps.append(Step(f"Governmental 457(b): only this plan pays you before {PENALTY_FREE_AGE} "
                          "without the additional tax",
                          None, "IRC 72(t)(9)"))
    else:
        backdoor_conflict = backdoor_this_year and source in PRE_TAX_SOURCES
        if backdoor_conflict and "ira" in candidates and len(candidates) > 1:
            candidates.remove("ira")
            flags.add("decided_by_backdoor_roth")
        choice, fee_steps, by_fees = _by_fees(candidates, expense_ratios or {})
        steps += fee_steps
        flags.add("decided_by_fees" if by_fees else "default_choice")
        if backdoor_conflict and choice == "ira":
            flags.add("backdoor_conflict")
            steps.append(Step("No workplace plan can take this money: in a traditional IRA on Dec 31 it makes this "
                              "year's conversion partly taxable unless it moves into a workplace plan first",
                              None, PRO_RATA))
    steps.append(Step(f"Recommended: {OPTION_LABEL[choice]}"
                      + (f" ({options[choice].value['destination']})" if choice == "ira" else ""), None, ""))
    return Figure("recommended_option", choice, tuple(steps), unit=TEXT, flags=frozenset(flags))


def _rule_of_55_reason(at_stake: bool, *, can_stay: bool) -> Step:
    cite = "IRC 72(t)(2)(A)(v), 72(t)(3)(A)"
    if at_stake and can_stay:
        return Step(f"Rule of 55: you left in or after the year you turned {RULE_OF_55_AGE} "
                    f"({PUBLIC_SAFETY_AGE} in public safety) and are under "
                    f"{PENALTY_FREE_AGE}. Only this plan pays you without the additional tax; an IRA or another plan would not",
                    None, cite)
    if at_stake:
        return Step("Rule of 55: it would keep this money free of the additional tax only in this plan, "
                    "but this money cannot stay there", None, cite)
    return Step("Rule of 55: it does not change the choice for this money", None, cite)


def _backdoor_reason(source: str, backdoor_this_year: bool) -> Step:
    if source not in PRE_TAX_SOURCES:
        return Step("Backdoor Roth: Roth IRAs are not in the pro-rata arithmetic, so no effect", None, PRO_RATA)
    if backdoor_this_year:
        return Step("Backdoor Roth: you convert this year, and pre-tax money in a traditional IRA on Dec 31 "
                    "would make the conversion partly taxable", None, PRO_RATA)
    return Step("Backdoor Roth: none this year; in a traditional IRA this money would count against any later one",
                None, PRO_RATA)


def _by_fees(candidates: list[str], expense_ratios: Mapping[str, Decimal | None]) -> tuple[str, list[Step], bool]:
    """The cheapest option when every candidate's expense ratio is known; else the default order.
    Returns the choice, the steps that show it, and whether fees decided."""
    known = {o: expense_ratios.get(o) for o in candidates if expense_ratios.get(o) is not None}
    if len(candidates) < 2 or not known:
        return candidates[0], [], False
    if len(known) < len(candidates):
        missing = ", ".join(OPTION_LABEL[o] for o in candidates if o not in known)
        return candidates[0], [Step(f"Fees not compared: no expense ratio in your profile to {missing}", None, PROFILE)], False
    steps = [Step(f"Expense ratio if you {OPTION_LABEL[o]}", known[o], PROFILE, "min" if n else "", PCT)
             for n, o in enumerate(candidates)]
    cheapest = min(candidates, key=lambda o: known[o])  # ties keep the default order
    steps.append(Step(f"Lowest yearly cost: {OPTION_LABEL[cheapest]}", known[cheapest], "", "=", PCT))
    return cheapest, steps, True

