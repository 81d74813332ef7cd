"""The homes for money that is not paid out: leave it in the old plan, or roll it directly to the
new employer's plan, an IRA or a solo 401(k); and whether the old plan may force a small balance out."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ...figure import Figure, Step
from ...limits import Constant, Limits
from ...money import ZERO, cents
from .kinds import (IRA_DESTINATION, IRA_DESTINATION_SOURCE, NO_RULE_OF_55_IN_IRAS, NO_WITHHOLDING, NOT_TAXED,
                    PENALTY_FREE_AGE, PRE_TAX_SOURCES, PRO_RATA, PROFILE, RULE_OF_55_AGE, SOURCE_LABEL)
from .payout import no_cash


def leave_in_plan(*, source: str, amount: Decimal, may_be_forced_out: bool, force_out_source: str,
                  rule_of_55_at_stake: bool) -> Figure:
    """Leaving the money where it is: nothing taxed; the rule of 55 is kept. A plan may still pay
    out a balance at or below the force-out limit without consent (IRC 411(a)(11))."""
    steps = [Step(f"Your {SOURCE_LABEL[source]} stays in the old plan", amount, PROFILE),
             Step("Nothing is paid out, withheld or taxed", ZERO, NOT_TAXED)]
    flags = set()
    if rule_of_55_at_stake:
        flags.add("keeps_rule_of_55")
        steps.append(Step(f"Keeps the rule of 55: withdrawals from this plan before {PENALTY_FREE_AGE} "
                          "pay no additional tax",
                          None, "IRC 72(t)(2)(A)(v)"))
    if may_be_forced_out:
        flags.add("may_be_forced_out")
        steps.append(Step("Your balance is at or below the force-out limit: the plan may pay it out without asking",
                          None, force_out_source))
    value = no_cash(True, amount, "the old plan") | {"may_be_forced_out": may_be_forced_out}
    return Figure("leave", value, tuple(steps), flags=frozenset(flags))


def _rollover_steps(source: str, amount: Decimal, destination: str, destination_source: str) -> list[Step]:
    return [Step(f"Your {SOURCE_LABEL[source]} moved by direct rollover to {destination}", amount, destination_source),
            Step("Withheld: nothing on a direct rollover", ZERO, NO_WITHHOLDING),
            Step("Taxed: nothing", ZERO, NOT_TAXED)]


def _unavailable(name: str, reason: str, source: str) -> Figure:
    return Figure(name, no_cash(False, ZERO, ""), (Step(reason, None, source),), flags=frozenset({"unavailable"}))


def _gives_up_rule_of_55(steps: list[Step], flags: set[str], rule_of_55_at_stake: bool, why: str, cite: str) -> None:
    if rule_of_55_at_stake:
        flags.add("gives_up_rule_of_55")
        steps.append(Step(f"Gives up the rule of 55 for this money: {why}", None, cite))


def _gives_up_457b(steps: list[Step], flags: set[str], at_stake: bool, where: str) -> None:
    if at_stake:
        flags.add("gives_up_457b_exemption")
        steps.append(Step(f"Gives up the governmental 457(b)'s freedom from the additional tax: payouts from {where} "
                          f"before {PENALTY_FREE_AGE} pay it", None, "IRC 72(t)(9)"))


def roll_to_new_plan(*, source: str, amount: Decimal, accepts_roll_ins: bool | None, offers_roth: bool,
                     rule_of_55_at_stake: bool, exemption_457b_at_stake: bool = False) -> Figure:
    """A direct rollover into the new employer's plan (IRC 402(c)(8)(B)(iv)), when it takes roll-ins.

    Roth money only goes to a plan with Roth accounts (IRC 402A(c)(3)). After-tax basis needs a
    plan that accounts for it separately (IRC 402(c)(2)(A)): ask. Pre-tax money there stays out of
    the IRA pro-rata arithmetic; the old employer's rule of 55 does not come with it.
    """
    if accepts_roll_ins is None:
        return _unavailable("new_plan", "No new employer plan in your profile", PROFILE)
    if not accepts_roll_ins:
        return _unavailable("new_plan", "Your new employer's plan does not accept roll-ins", "your new plan")
    if source == "roth" and not offers_roth:
        return _unavailable("new_plan", "Your new plan has no Roth accounts, and Roth money may only roll to a Roth account",
                            "IRC 402A(c)(3)")
    steps = _rollover_steps(source, amount, "your new employer's plan", "IRC 402(c)(8)(B)(iv)")
    flags: set[str] = set()
    if source == "after_tax_basis":
        steps.append(Step("Only if the new plan keeps after-tax money in a separate account: ask", None, "IRC 402(c)(2)(A)"))
    if source in PRE_TAX_SOURCES:
        steps.append(Step("Stays out of your traditional IRA balance, so a backdoor Roth is unaffected", ZERO, PRO_RATA))
    _gives_up_rule_of_55(steps, flags, rule_of_55_at_stake,
                         "the new plan pays nothing out while you work there, and its rule of 55 needs you to leave "
                         f"that employer in or after the year you turn {RULE_OF_55_AGE}", "IRC 401(k)(2)(B); 72(t)(2)(A)(v)")
    _gives_up_457b(steps, flags, exemption_457b_at_stake, "a plan that is not a governmental 457(b)")
    value = no_cash(True, amount, "your new employer's plan", gives_up_rule_of_55=rule_of_55_at_stake) | {
        "gives_up_457b_exemption": exemption_457b_at_stake}
    return Figure("new_plan", value, tuple(steps), flags=frozenset(flags))


def roll_to_ira(*, source: str, amount: Decimal, rule_of_55_at_stake: bool, backdoor_this_year: bool,
                exemption_457b_at_stake: bool = False, roth_ira_clock: Figure | None = None) -> Figure:
    """A direct rollover to an IRA: pre-tax money and after-tax earnings to a traditional IRA, Roth
    money and after-tax basis to a Roth IRA (IRS Notice 2014-54). An IRA has no rule of 55
    (IRC 72(t)(3)(A)); pre-tax money in a traditional IRA on Dec 31 enters the Form 8606 pro-rata
    arithmetic of any conversion that year (flag `backdoor_pro_rata` when one is planned)."""
    destination = IRA_DESTINATION[source]
    steps = _rollover_steps(source, amount, f"a {destination}", IRA_DESTINATION_SOURCE[source])
    flags: set[str] = set()
    qualified_from = None
    if source == "roth" and roth_ira_clock is not None:
        steps += list(roth_ira_clock.steps)
        flags |= roth_ira_clock.flags
        qualified_from = roth_ira_clock.value["qualified_from"]
        steps.append(Step("What you contributed (all of it, when the payout is qualified) counts as Roth IRA "
                          "contributions, which come out tax-free first", None, "Treas. Reg. 1.408A-10, Q&A-3"))
    elif source == "roth":
        steps.append(Step("From now on the Roth IRA's own five-year clock applies, not the plan's", None,
                          "Treas. Reg. 1.408A-10, Q&A-4"))
    if source == "after_tax_basis":
        steps.append(Step("Only together with its earnings, in one payout split between the two IRAs", None,
                          "IRS Notice 2014-54"))
    _gives_up_rule_of_55(steps, flags, rule_of_55_at_stake,
                         f"an IRA has no rule of 55, so withdrawals before {PENALTY_FREE_AGE} pay the additional tax",
                         NO_RULE_OF_55_IN_IRAS)
    _gives_up_457b(steps, flags, exemption_457b_at_stake, "an IRA")
    pro_rata = amount if source in PRE_TAX_SOURCES else ZERO
    if pro_rata:
        when = "this year's backdoor Roth conversion and every later one" if backdoor_this_year else "any later backdoor Roth conversion"
        flags.add("backdoor_pro_rata" if backdoor_this_year else "future_backdoor_pro_rata")
        steps.append(Step(f"Adds to the Dec 31 traditional IRA balance that makes {when} partly taxable",
                          pro_rata, PRO_RATA))
    value = no_cash(True, amount, destination, gives_up_rule_of_55=rule_of_55_at_stake,
                     adds_to_ira_pro_rata=pro_rata) | {"gives_up_457b_exemption": exemption_457b_at_stake}
    if source == "roth":
        value["roth_ira_qualified_from"] = qualified_from
    return Figure("ira", value, tuple(steps), flags=frozenset(flags))


def roll_to_solo_401k(*, source: str, amount: Decimal, self_employment_income: bool, rule_of_55_at_stake: bool) -> Figure:
    """A direct rollover into the person's own solo 401(k), which needs self-employment income.
    Assumed to take pre-tax money only: many solo 401(k) documents have no Roth or after-tax
    accounts to receive the rest (IRC 402A(c)(3), 402(c)(2)(A))."""
    if not self_employment_income:
        return _unavailable("solo_401k", "A solo 401(k) needs self-employment income", "IRC 401(c)(1)")
    if source not in PRE_TAX_SOURCES:
        return _unavailable("solo_401k", "Solo 401(k) plans usually have no account to receive this money; ask your provider",
                            "IRC 402A(c)(3); 402(c)(2)(A)")
    steps = _rollover_steps(source, amount, "your solo 401(k)", "IRC 402(c)(8)(B)(iv)")
    steps.append(Step("Stays out of your traditional IRA balance, so a backdoor Roth is unaffected", ZERO, PRO_RATA))
    flags: set[str] = set()
    _gives_up_rule_of_55(steps, flags, rule_of_55_at_stake,
                         f"withdrawals before {PENALTY_FREE_AGE} from your solo 401(k) pay the additional tax unless you stop "
                         f"working in that business in or after the year you turn {RULE_OF_55_AGE}", "IRC 72(t)(2)(A)(v)")
    value = no_cash(True, amount, "your solo 401(k)", gives_up_rule_of_55=rule_of_55_at_stake)
    return Figure("solo_401k", value, tuple(steps), flags=frozenset(flags))


# ----------------------------------------------------------------------------- whole-plan figures

def force_out(limits: Limits, constants: Mapping[str, Constant], *, plan_balance: Decimal) -> Figure:
    """IRC 411(a)(11): a plan may pay out a leaver's balance at or below the limit without consent
    ($5,000 before 2024, $7,000 from 2024: SECURE 2.0 s.304). Above $1,000 it must go to a default
    IRA unless the person chooses otherwise (IRC 401(a)(31)(B)); at or below, a check may be sent.
    The plan may leave rolled-in money out of the balance it compares (411(a)(11)(D)); not modelled."""
    limit = limits.force_out_limit
    auto = constants["auto_rollover_ira_above"]
    may = plan_balance <= limit.value
    to_ira = may and plan_balance > auto.value
    steps = [Step("Your balance in this plan", plan_balance, PROFILE),
             Step(f"Force-out limit in {limits.tax_year}", limit.value, limit.source)]
    if not may:
        steps.append(Step("Above the limit: the plan needs your consent to pay it out", None, limit.source))
    elif to_ira:
        steps += [Step("Automatic-rollover threshold", auto.value, auto.source),
                  Step("At or below the limit and above the threshold: unless you choose, the plan may move it "
                       "to an IRA it picks (a default IRA)", None, auto.source)]
    else:
        steps += [Step("Automatic-rollover threshold", auto.value, auto.source),
                  Step("At or below the threshold: the plan may mail you a check, with federal tax withheld "
                       "from the taxable part", None, limit.source)]
    flags = {"may_be_forced_out"} if may else set()
    if to_ira:
        flags.add("default_ira")
    value = {"threshold": cents(limit.value), "may_force_out": may, "to_default_ira": to_ira}
    return Figure("force_out", value, tuple(steps), flags=frozenset(flags))


