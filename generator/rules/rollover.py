"""Leaving a job: what each option does to each kind of money in an old plan, in dollars.

For every balance source (pre-tax, Roth, after-tax basis, after-tax earnings) the options are
cash out, leave it, roll to the new employer's plan, roll to an IRA and roll to a solo 401(k).
Around them: the 10 % additional tax and its exceptions (59½, the rule of 55), the force-out
threshold, the 60-day indirect rollover, what an IRA rollover does to a backdoor Roth, and the
402(g) excess that a job change can create. Every amount is a Figure with its working.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from ..figure import BOOL, COUNT, PCT, RATIO, TEXT, Figure, Step
from ..limits import Constant, Limits, law, load_constants
from ..money import ZERO, cents, pct_of, ratio
from .contributions import catch_up_for_age

PROFILE = "your profile"

SOURCES = ("pre_tax", "roth", "after_tax_basis", "after_tax_earnings")
OPTIONS = ("cash_out", "leave", "new_plan", "ira", "solo_401k")
PRE_TAX_SOURCES = ("pre_tax", "after_tax_earnings")  # money never taxed: it counts in IRA pro-rata

SOURCE_LABEL = {
    "pre_tax": "pre-tax money",
    "roth": "Roth money",
    "after_tax_basis": "after-tax contributions",
    "after_tax_earnings": "earnings on after-tax contributions",
}
# Pre-tax money keeps its character in a traditional IRA; Roth money may only go to a Roth account
# (IRC 402A(c)(3)); after-tax basis may go to a Roth IRA tax-free when the earnings go to a
# traditional IRA in the same distribution (IRS Notice 2014-54).
IRA_DESTINATION = {
    "pre_tax": "traditional IRA",
    "roth": "Roth IRA",
    "after_tax_basis": "Roth IRA",
    "after_tax_earnings": "traditional IRA",
}
IRA_DESTINATION_SOURCE = {
    "pre_tax": "IRC 402(c)(8)(B)",
    "roth": "IRC 402A(c)(3)",
    "after_tax_basis": "IRC 402(c)(2); IRS Notice 2014-54",
    "after_tax_earnings": "IRC 402(c)(8)(B); IRS Notice 2014-54",
}
# Order of preference when neither the rule of 55, the backdoor Roth nor known fees decide:
# another workplace plan consolidates the money, keeps ERISA creditor protection and keeps pre-tax
# money out of the IRA pro-rata arithmetic; an IRA gives the widest choice of investments.
DEFAULT_PREFERENCE = {
    "pre_tax": ("new_plan", "ira", "solo_401k", "leave"),
    "after_tax_earnings": ("new_plan", "ira", "solo_401k", "leave"),
    "roth": ("ira", "new_plan", "leave"),
    "after_tax_basis": ("ira", "new_plan", "leave"),
}
OPTION_LABEL = {
    "cash_out": "cash it out",
    "leave": "leave it in the old plan",
    "new_plan": "roll it to your new employer's plan",
    "ira": "roll it to an IRA",
    "solo_401k": "roll it to a solo 401(k)",
}

# The ages the words below name, from constants.yaml (59½, 55, 50)
PENALTY_FREE_AGE = law("penalty_free_age").shown
RULE_OF_55_AGE = law("rule_of_55_age").shown
PUBLIC_SAFETY_AGE = law("public_safety_separation_age").shown
NO_WITHHOLDING = "IRC 3405(c)(2)"  # a direct rollover is not subject to the 20 % withholding
NOT_TAXED = "IRC 402(c)(1)"        # an eligible rollover distribution rolled over is not income
NO_RULE_OF_55_IN_IRAS = "IRC 72(t)(3)(A)"
PRO_RATA = "IRC 408(d)(2); Form 8606 lines 6-13"


def _day(when: date) -> str:
    return f"{when.strftime('%B')} {when.day}, {when.year}"


# ----------------------------------------------------------------------------- ages and exceptions

def date_of_age(birth_date: date, age: Decimal) -> date:
    """The day a person reaches `age` (59.5: six months after the 59th birthday).

    A birthday past the end of the target month (born Aug 31, 59½ in February) falls on that
    month's last day.
    """
    months = age * 12
    if months != months.to_integral_value():
        raise ValueError(f"age {age} is not a whole number of months")
    total = birth_date.year * 12 + (birth_date.month - 1) + int(months)
    year, month0 = divmod(total, 12)
    return date(year, month0 + 1, min(birth_date.day, monthrange(year, month0 + 1)[1]))


def reached_penalty_free_age(constants: Mapping[str, Constant], *, birth_date: date,
                             distribution_date: date) -> Figure:
    """IRC 72(t)(2)(A)(i): no additional tax on a distribution made on or after the day of 59½."""
    rule = constants["penalty_free_age"]
    day = date_of_age(birth_date, rule.value)
    reached = distribution_date >= day
    verdict = "on or after that day: no additional tax" if reached else "before that day"
    steps = (Step(f"You reach {PENALTY_FREE_AGE} on {_day(day)}", None, f"your birth date; {rule.source}"),
             Step(f"The money is paid out on {_day(distribution_date)}, {verdict}", None, PROFILE))
    return Figure("reached_penalty_free_age", reached, steps, unit=BOOL)


def rule_of_55_applies(constants: Mapping[str, Constant], *, birth_date: date, separation_year: int | None,
                       public_safety_employee: bool, plan_has_rule_of_55: bool) -> Figure:
    """IRC 72(t)(2)(A)(v): no additional tax on payouts from the plan of an employer left in or
    after the calendar year of turning 55 (50 for qualified public-safety employees, 72(t)(10)).

    The exception is the law's, so it covers any payout from that plan; `plan_has_rule_of_55`
    says whether the plan also lets a leaver take partial withdrawals, which is what makes
    leaving the money there worth something (flag `withdrawals_not_offered` when it does not).
    It never follows the money into an IRA (72(t)(3)(A)) or into another employer's plan.
    """
    rule = constants["public_safety_separation_age" if public_safety_employee else "rule_of_55_age"]
    age = int(rule.value)
    who = " (the age for qualified public-safety employees)" if public_safety_employee else ""
    steps = [Step(f"Calendar year you turn {age}{who}", Decimal(birth_date.year + age),
                  f"your birth date; {rule.source}", unit=COUNT)]
    if separation_year is None:
        steps.append(Step("Year you left this employer: not in your profile, so the rule of 55 is not assumed",
                          None, PROFILE))
        return Figure("rule_of_55_applies", False, tuple(steps), unit=BOOL)
    applies = separation_year >= birth_date.year + age
    steps.append(Step("Calendar year you left this employer", Decimal(separation_year), PROFILE, unit=COUNT))
    verdict = ("in or after that year: payouts from this plan escape the additional tax" if applies
               else "before that year: the rule of 55 does not apply to this plan")
    steps.append(Step(f"You left {verdict}", None, rule.source))
    flags = set()
    if applies and not plan_has_rule_of_55:
        flags.add("withdrawals_not_offered")
        steps.append(Step("Your plan does not offer partial withdrawals to people who have left; "
                          "a payout of the whole balance still escapes the additional tax", None, "your plan"))
    return Figure("rule_of_55_applies", applies, tuple(steps), unit=BOOL, flags=frozenset(flags))


def additional_tax_exception(*, reached_59_half: Figure, rule_of_55: Figure, other_exception: str = "",
                             governmental_457b: bool = False) -> Figure:
    """Whether the 10 % additional tax of IRC 72(t)(1) is off for a payout from this plan.

    A governmental 457(b) plan is not a qualified plan for 72(t), so its payouts escape the tax
    (IRC 72(t)(9)), except money rolled into it from other kinds of plan or an IRA: flag
    `governmental_457b` (the rolled-in part is taxed by `cash_out`).

    `other_exception` names any further exception of 72(t)(2) the profile states (e.g.
    "disability, IRC 72(t)(2)(A)(iii)"); none is ever assumed.
    """
    steps = list(reached_59_half.steps) + list(rule_of_55.steps)
    flags = set()
    if reached_59_half.value:
        flags.add("age_59_half")
    if rule_of_55.value:
        flags.add("rule_of_55")
    if governmental_457b:
        flags.add("governmental_457b")
        steps.append(Step("A governmental 457(b) payout pays no additional tax, except on money rolled in from "
                          "other kinds of plan or an IRA", None, "IRC 72(t)(9)"))
    if other_exception:
        flags.add("other_exception")
        steps.append(Step(f"Exception from your profile: {other_exception}", None, PROFILE))
    return Figure("additional_tax_exception", bool(flags), tuple(steps), unit=BOOL, flags=frozenset(flags))


def roth_qualified_distribution(*, reached_59_half: Figure, five_years_met: bool | None) -> Figure:
    """IRC 402A(d)(2): a Roth payout is tax-free after 59½ and five years since the first Roth
    contribution to the plan. Disability and death are not modelled. When the profile does not
    say, the five years are assumed met (flag `five_years_assumed`)."""
    steps = list(reached_59_half.steps)
    flags = set()
    if five_years_met is None:
        flags.add("five_years_assumed")
        steps.append(Step("Five years since your first Roth contribution to this plan: assumed", None,
                          "assumption; IRC 402A(d)(2)(B)"))
        five_years_met = True
    else:
        steps.append(Step(f"Five years since your first Roth contribution to this plan: {'yes' if five_years_met else 'no'}",
                          None, PROFILE))
    qualified = bool(reached_59_half.value) and five_years_met
    steps.append(Step("Qualified Roth distribution (tax-free)" if qualified else "Not a qualified Roth distribution: "
                      "the earnings in it are taxable", None, "IRC 402A(d)(2)"))
    return Figure("roth_qualified_distribution", qualified, tuple(steps), unit=BOOL, flags=frozenset(flags))


# ----------------------------------------------------------------------------- one balance paid out

def taxable_part(source: str, amount: Decimal, *, roth_qualified: Figure | None = None,
                 roth_contributions: Decimal | None = None) -> Figure:
    """The part of a payout of this money that is income.

    Pre-tax money and after-tax earnings: all of it (IRC 402(a)). After-tax basis: none (IRC 72(e)).
    Roth: none when qualified; otherwise the earnings (IRC 72(e)(8); the whole balance is paid out,
    so the earnings are what is left after the contributions). When the profile does not give the
    Roth contributions, none are assumed: the worst case (flag `roth_split_assumed`). Without a
    `roth_qualified` Figure, Roth money is treated as not qualified.
    """
    roth = roth_qualified if source == "roth" else None
    qualified = roth is not None and bool(roth.value)
    steps = (list(roth.steps) if roth is not None else []) + [Step(f"Your {SOURCE_LABEL[source]} paid out", amount, PROFILE)]
    flags = set(roth.flags) if roth is not None else set()
    if source in PRE_TAX_SOURCES:
        steps.append(Step("Never taxed, so all of it is income", amount, "IRC 402(a)", "="))
        return Figure("taxable_part", amount, tuple(steps))
    if source == "after_tax_basis":
        tax_free, why, cite = amount, "Your after-tax contributions come back tax-free", "IRC 72(e)"
    elif qualified:
        tax_free, why, cite = amount, "Qualified Roth distribution: tax-free", "IRC 402A(d)(1)"
    elif roth_contributions is None:
        flags.add("roth_split_assumed")
        tax_free, why, cite = ZERO, "Your Roth contributions (tax-free): not in your profile, none assumed", "assumption"
    else:
        tax_free, why, cite = min(roth_contributions, amount), "Your Roth contributions come back tax-free", "IRC 72(e)(8)"
    taxable = amount - tax_free
    steps += [Step(why, tax_free, cite, "−"), Step("Taxable part", taxable, "", "=")]
    return Figure("taxable_part", taxable, tuple(steps), flags=frozenset(flags))


def partial_payout(constants: Mapping[str, Constant], *, balances: Mapping[str, Decimal], amount: Decimal,
                   roth_qualified: Figure, roth_contributions: Decimal | None, marginal_rate_pct: Decimal,
                   state_rate_pct: Decimal, exception_applies: bool) -> Figure:
    """A payout of `amount` from a plan (a rule-of-55 drawdown, say), taken from every account in
    proportion to its balance, as most plans do unless told otherwise.

    Within a designated Roth account a nonqualified payout is pro rata between contributions and
    earnings (IRC 72(e)(8); Treas. Reg. 1.402A-1 Q&A-3), not contributions first as from a Roth IRA;
    after-tax basis and its earnings come out in proportion the same way. Then taxed as `cash_out`.
    """
    total = sum(balances.values(), ZERO)
    amount = min(amount, total)
    steps = [Step("Payout you plan to take", amount, PROFILE), Step("Plan balance", total, PROFILE)]
    taxable_total, paid_so_far, flags = ZERO, ZERO, set()
    present = [s for s in SOURCES if balances.get(s)]
    for n, source in enumerate(present):
        balance = balances[source]
        # the last account takes what rounding left, so the parts add up to the payout
        part = amount - paid_so_far if n == len(present) - 1 else cents(balance * amount / total)
        paid_so_far += part
        steps.append(Step(f"From your {SOURCE_LABEL[source]} (${balance:,} × payout ÷ plan balance)", part, "your plan"))
        if source in PRE_TAX_SOURCES:
            taxable = part
            steps.append(Step("All of it taxable", taxable, "IRC 402(a)"))
        elif source == "after_tax_basis":
            taxable = ZERO
            steps.append(Step("None of it taxable", taxable, "IRC 72(e)"))
        elif roth_qualified.value:
            taxable = ZERO
            steps.append(Step("Qualified Roth distribution: none of it taxable", taxable, "IRC 402A(d)(1)"))
        else:
            if roth_contributions is None:
                flags.add("roth_split_assumed")
            contributions = min(roth_contributions or ZERO, balance)
            earnings_share = ratio(balance - contributions, balance)
            taxable = cents(part * earnings_share)
            steps += [Step("Roth earnings in the account ÷ its balance (contributions: "
                           + ("none assumed" if roth_contributions is None else f"${contributions:,}") + ")",
                           earnings_share, "IRC 72(e)(8); Treas. Reg. 1.402A-1, Q&A-3", "×", RATIO),
                      Step("Taxable part of the Roth money paid out", taxable, "", "=")]
        taxable_total += taxable
    taxable = Figure("taxable_part", taxable_total, tuple(steps) + (Step("Taxable part of the payout", taxable_total, ""),))
    paid = cash_out(constants, amount=amount, taxable=taxable, marginal_rate_pct=marginal_rate_pct,
                    state_rate_pct=state_rate_pct, exception_applies=exception_applies)
    value = dict(paid.value) | {"paid_out": cents(amount), "taxable": cents(taxable_total),
                                "tax_free": cents(amount - taxable_total)}
    for key in ("stays_tax_advantaged", "destination", "gives_up_rule_of_55", "adds_to_ira_pro_rata", "available"):
        value.pop(key)
    return Figure("partial_payout", value, paid.steps, flags=paid.flags | frozenset(flags))


def _no_cash(available: bool, moved: Decimal, destination: str, *, gives_up_rule_of_55: bool = False,
             adds_to_ira_pro_rata: Decimal = ZERO) -> dict:
    """The value of an option that moves or keeps the money instead of paying it out."""
    return {
        "available": available,
        "withheld": cents(ZERO),
        "income_tax": cents(ZERO),
        "additional_tax": cents(ZERO),
        "net_cash": cents(ZERO),
        "net_after_tax": cents(ZERO),
        "tax_due_at_filing": cents(ZERO),
        "stays_tax_advantaged": cents(moved if available else ZERO),
        "destination": destination if available else "",
        "gives_up_rule_of_55": available and gives_up_rule_of_55,
        "adds_to_ira_pro_rata": cents(adds_to_ira_pro_rata if available else ZERO),
    }


def cash_out(constants: Mapping[str, Constant], *, amount: Decimal, taxable: Figure, marginal_rate_pct: Decimal,
             state_rate_pct: Decimal, exception_applies: bool, additional_tax_base: Decimal | None = None,
             additional_tax_base_label: str = "") -> Figure:
    """A payout to the person: 20 % withheld from the taxable part (IRC 3405(c)), income tax at the
    marginal federal + state rate on it, the 10 % additional tax unless an exception applies.

    Net cash now = amount − withheld (before the rest of the tax). Net after all tax = amount −
    income tax − additional tax. Still due at filing = income tax + additional tax − withheld
    (negative: a refund). `additional_tax_base` narrows the additional tax to part of the taxable
    amount (a governmental 457(b): only money rolled in from other plans, IRC 72(t)(9)). The
    income tax uses one marginal rate: a large payout can push part of itself into a higher
    bracket, which the profile's single rate cannot show.
    """
    withholding = constants["mandatory_withholding_pct"]
    early = constants["early_distribution_tax_pct"]
    rate = marginal_rate_pct + state_rate_pct
    additional_pct = ZERO if exception_applies else early.value
    t = taxable.value
    base = t if additional_tax_base is None else min(additional_tax_base, t)
    withheld = cents(pct_of(withholding.value, t))
    income_tax, additional = cents(pct_of(rate, t)), cents(pct_of(additional_pct, base))
    net_cash, due = amount - withheld, income_tax + additional - withheld
    after_tax = amount - income_tax - additional
    additional_label = ("Additional tax: none, an exception applies" if exception_applies
                        else f"Additional tax on payouts before {PENALTY_FREE_AGE}")
    base_step = (Step("Taxable part", t, "IRC 72(t)(1)") if additional_tax_base is None
                 else Step(additional_tax_base_label, base, "IRC 72(t)(9)"))
    steps = list(taxable.steps) + [
        Step("Mandatory federal withholding", withholding.value, withholding.source, "×", PCT),
        Step("Withheld from the payout", withheld, "", "="),
        Step("Paid out", amount, PROFILE),
        Step("Withheld", withheld, withholding.source, "−"),
        Step("Cash to you now, before the rest of the tax", net_cash, "", "="),
        Step("Taxable part", t, "IRC 402(a)"),
        Step(f"Your federal marginal rate ({marginal_rate_pct} %) + state rate ({state_rate_pct} %)", rate, PROFILE, "×", PCT),
        Step("Income tax on the payout", income_tax, "", "="),
        base_step,
        Step(additional_label, additional_pct, early.source, "×", PCT),
        Step("Additional tax", additional, "", "="),
        Step("Income tax", income_tax, ""),
        Step("Additional tax", additional, early.source, "+"),
        Step("Already withheld", withheld, withholding.source, "−"),
        Step("Still to pay when you file (negative: refunded)", due, "", "="),
        Step("Paid out", amount, PROFILE),
        Step("Income tax", income_tax, "", "−"),
        Step("Additional tax", additional, early.source, "−"),
        Step("Left to you after all tax", cents(after_tax), "", "="),
    ]
    value = _no_cash(True, ZERO, "you, in cash") | {
        "withheld": withheld, "income_tax": income_tax, "additional_tax": additional,
        "net_cash": cents(net_cash), "net_after_tax": cents(after_tax), "tax_due_at_filing": cents(due)}
    flags = {"additional_tax"} if additional else set()
    return Figure("cash_out", value, tuple(steps), flags=frozenset(flags))


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
    value = _no_cash(True, amount, "the old plan") | {"may_be_forced_out": may_be_forced_out}
    return Figure("leave", value, tuple(steps), flags=frozenset(flags))


def _rollover_steps(source: str, amount: Decimal, destination: str, destination_source: str) -> list[Step]:
    return [Step(f"Your {SOURCE_LABEL[source]} moved by direct rollover to {destination}", amount, destination_source),
            Step("Withheld: nothing on a direct rollover", ZERO, NO_WITHHOLDING),
            Step("Taxed: nothing", ZERO, NOT_TAXED)]


def _unavailable(name: str, reason: str, source: str) -> Figure:
    return Figure(name, _no_cash(False, ZERO, ""), (Step(reason, None, source),), flags=frozenset({"unavailable"}))


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
    value = _no_cash(True, amount, "your new employer's plan", gives_up_rule_of_55=rule_of_55_at_stake) | {
        "gives_up_457b_exemption": exemption_457b_at_stake}
    return Figure("new_plan", value, tuple(steps), flags=frozenset(flags))


def roll_to_ira(*, source: str, amount: Decimal, rule_of_55_at_stake: bool, backdoor_this_year: bool,
                exemption_457b_at_stake: bool = False) -> Figure:
    """A direct rollover to an IRA: pre-tax money and after-tax earnings to a traditional IRA, Roth
    money and after-tax basis to a Roth IRA (IRS Notice 2014-54). An IRA has no rule of 55
    (IRC 72(t)(3)(A)); pre-tax money in a traditional IRA on Dec 31 enters the Form 8606 pro-rata
    arithmetic of any conversion that year (flag `backdoor_pro_rata` when one is planned)."""
    destination = IRA_DESTINATION[source]
    steps = _rollover_steps(source, amount, f"a {destination}", IRA_DESTINATION_SOURCE[source])
    flags: set[str] = set()
    if source == "roth":
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
    value = _no_cash(True, amount, destination, gives_up_rule_of_55=rule_of_55_at_stake,
                     adds_to_ira_pro_rata=pro_rata) | {"gives_up_457b_exemption": exemption_457b_at_stake}
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
    value = _no_cash(True, amount, "your solo 401(k)", gives_up_rule_of_55=rule_of_55_at_stake)
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


# Where each kind of money may go when it is paid to you and deposited within 60 days.
SIXTY_DAY_DESTINATION = {
    "pre_tax": ("a traditional IRA, or a workplace plan that takes roll-ins", "IRC 402(c)(8)(B)"),
    "after_tax_earnings": ("a traditional IRA, or a workplace plan that takes roll-ins", "IRC 402(c)(8)(B)"),
    "after_tax_basis": ("an IRA only: a workplace plan takes it only by direct rollover", "IRC 402(c)(2)(A)"),
    "roth": ("a Roth IRA only: another plan's Roth account takes it only by direct rollover",
             "Treas. Reg. 1.402A-1, Q&A-5(a)"),
}
# A designated Roth account is a separate contract (IRC 402A(d)(4), 72(d)(2)): its payout and the rest
# of the plan's are withheld on and rolled over apart.
ACCOUNTS = (("your non-Roth account", ("pre_tax", "after_tax_basis", "after_tax_earnings")), ("your Roth account", ("roth",)))
BASIS_FIRST = "IRC 402(c)(2); Treas. Reg. 1.402A-1, Q&A-5(a)"


def indirect_rollover(constants: Mapping[str, Constant], *, paid: Mapping[str, Decimal], taxable: Mapping[str, Decimal],
                      marginal_rate_pct: Decimal, state_rate_pct: Decimal, exception_applies: bool) -> Figure:
    """A payout made to the person and rolled over within 60 days (IRC 402(c)(3)). The plan withholds
    20 % of the taxable part, so rolling over everything takes that much from other money.

    What is not made up is paid out for good. Within each account the amount rolled over counts as
    the taxable part first (IRC 402(c)(2); Treas. Reg. 1.402A-1 Q&A-5(a) for a Roth account), so the
    shortfall uses up the account's tax-free part (after-tax basis, Roth contributions) before any of it
    is taxed. The taxed shortfall pays the additional tax unless an exception applies. The withheld
    amount itself comes back as a credit on the return. `paid` and `taxable` map each source to its
    payout and the taxable part of it."""
    withholding = constants["mandatory_withholding_pct"]
    days = constants["indirect_rollover_days"]
    early = constants["early_distribution_tax_pct"]
    paid_out = sum(paid.values(), ZERO)
    taxable_total = sum(taxable.values(), ZERO)
    steps = []
    withheld_total, taxed_total = ZERO, ZERO
    shortfall_steps = []
    for account, sources in ACCOUNTS:
        account_taxable = sum((taxable.get(s, ZERO) for s in sources), ZERO)
        account_paid = sum((paid.get(s, ZERO) for s in sources), ZERO)
        withheld = cents(pct_of(withholding.value, account_taxable))
        if not withheld:
            continue
        tax_free = account_paid - account_taxable
        taxed = max(withheld - tax_free, ZERO)
        withheld_total += withheld
        taxed_total += taxed
        shortfall_steps += [
            Step(f"Withheld from {account} ({withholding.value} % of its taxable part)", withheld, withholding.source),
            Step(f"Tax-free money in {account}, which the amount not made up uses first", tax_free, BASIS_FIRST, "−"),
            Step("Under zero counts as zero", ZERO, BASIS_FIRST, "max"),
            Step(f"Taxed if not made up, from {account}", taxed, "", "=")]
    rate = marginal_rate_pct + state_rate_pct + (ZERO if exception_applies else early.value)
    tax = cents(pct_of(rate, taxed_total))
    check = paid_out - withheld_total
    steps = [
        Step("Taxable part of the payout", taxable_total, "IRC 402(a)"),
        Step("Mandatory federal withholding", withholding.value, withholding.source, "×", PCT),
        Step("Withheld", withheld_total, "", "="),
        Step("Paid out", paid_out, PROFILE),
        Step("Withheld", withheld_total, withholding.source, "−"),
        Step("The check you receive", check, "", "="),
        Step("Days you have to deposit the full amount", days.value, days.source, unit=COUNT),
        *[Step(f"Your {SOURCE_LABEL[s]} may go to {SIXTY_DAY_DESTINATION[s][0]}", None, SIXTY_DAY_DESTINATION[s][1])
          for s in SOURCES if paid.get(s)],
        Step("To roll over everything, add from other money", withheld_total, days.source),
        *shortfall_steps,
        Step("Taxed if you add nothing", taxed_total, BASIS_FIRST),
        Step("Federal marginal + state rate" + ("" if exception_applies else f" + {early.value} % additional tax"), rate,
             f"your profile; {early.source}", "×", PCT),
        Step("Tax on the amount not made up", tax, "", "="),
    ]
    value = {"check_received": cents(check), "make_up": withheld_total, "taxed_if_not_made_up": cents(taxed_total),
             "tax_if_not_made_up": tax, "additional_tax_applies": not exception_applies,
             "sixty_day_destinations": {s: SIXTY_DAY_DESTINATION[s][0] for s in SOURCES if paid.get(s)}}
    return Figure("indirect_rollover", value, tuple(steps))


def backdoor_pro_rata_effect(*, rolled_to_ira: Decimal, traditional_ira_balance: Decimal,
                             nondeductible_basis: Decimal, conversion_amount: Decimal) -> Figure:
    """How much more of this year's Roth conversion is taxable when pre-tax money is rolled into a
    traditional IRA before Dec 31 (Form 8606: tax-free share = basis ÷ (Dec 31 balance + amount
    converted), at most 1; distributions on line 7 are left to the backdoor rules)."""
    if not conversion_amount or not rolled_to_ira:
        why = ("No Roth conversion this year: this year's return is unaffected; the Dec 31 balance of any later "
               "conversion year counts" if rolled_to_ira else "No pre-tax money goes to an IRA")
        flags = {"future_backdoor_pro_rata"} if rolled_to_ira else set()
        return Figure("backdoor_pro_rata_effect", cents(ZERO), (Step(why, ZERO, PRO_RATA),), flags=frozenset(flags))
    without, steps_without = _taxable_conversion("without the rollover", traditional_ira_balance, nondeductible_basis,
                                                 conversion_amount)
    with_, steps_with = _taxable_conversion("with the rollover", traditional_ira_balance + rolled_to_ira,
                                            nondeductible_basis, conversion_amount)
    extra = with_ - without
    steps = steps_without + steps_with + [
        Step("Taxable conversion with the rollover", with_, ""),
        Step("Taxable conversion without it", without, "", "−"),
        Step("Extra taxable income from rolling pre-tax money to an IRA this year", extra, "", "=")]
    return Figure("backdoor_pro_rata_effect", extra, tuple(steps), flags=frozenset({"backdoor_pro_rata"} if extra else ()))


def _rolled_in_base(source: str, rolled_in: Decimal) -> dict:
    """A governmental 457(b) payout pays the additional tax only on money rolled in (assumed pre-tax)."""
    return {"additional_tax_base": rolled_in if source == "pre_tax" else ZERO,
            "additional_tax_base_label": "Money rolled into this 457(b) from other kinds of plan or an IRA"}


def _taxable_conversion(case: str, dec_31_balance: Decimal, basis: Decimal, converted: Decimal) -> tuple[Decimal, list[Step]]:
    raw = ratio(basis, dec_31_balance + converted)
    share = min(raw, Decimal(1))
    tax_free = cents(converted * share)
    taxable = converted - tax_free
    cap = [Step("The share is at most 1", Decimal(1), "Form 8606 line 10", "min", RATIO)] if raw > 1 else []
    return taxable, [
        Step(f"Your nondeductible basis ({case})", basis, "Form 8606 line 3"),
        Step("Dec 31 traditional IRA balance + amount converted", dec_31_balance + converted, "Form 8606 lines 6, 8, 9", "÷"),
        *cap,
        Step("Tax-free share", share, "Form 8606 line 10", "=", RATIO),
        Step("Amount converted", converted, "Form 8606 line 8", "×"),
        Step("Tax-free part of the conversion", tax_free, "Form 8606 line 11", "="),
        Step("Amount converted", converted, "Form 8606 line 8"),
        Step("Tax-free part", tax_free, "Form 8606 line 11", "−"),
        Step(f"Taxable conversion {case}", taxable, "Form 8606 line 18", "="),
    ]


# ----------------------------------------------------------------------------- a job-change year

def _day_next_year(constant: Constant, tax_year: int) -> date:
    return datetime.strptime(f"{constant.value} {tax_year + 1}", "%B %d %Y").date()


def excess_deferral_deadline(tax_year: int) -> date:
    """Excess deferrals must be paid back by April 15 of the next year (IRC 402(g)(2)(A)(ii))."""
    return _day_next_year(load_constants()["excess_deferral_payout_day"], tax_year)


def excess_deferral_claim_deadline(tax_year: int) -> date:
    """Plans may require the claim for an excess deferral by March 1 of the next year (Treas. Reg.
    1.402(g)-1(e)(2)); many ask for it earlier still."""
    return _day_next_year(load_constants()["excess_deferral_claim_day"], tax_year)


def excess_deferrals(limits: Limits, *, deferrals_by_employer: Mapping[str, Decimal], age_on_dec_31: int) -> Figure:
    """402(g) is one limit per person across every employer (IRC 402(g)(1)): deferrals at the old and
    the new employer together above the limit, plus the catch-up for 50+ (414(v)), are an excess.

    Assumes each plan allows catch-ups; a governmental 457(b)'s separate limit is not handled here.
    """
    limit = limits.elective_deferral
    steps = []
    for n, (employer, amount) in enumerate(deferrals_by_employer.items()):
        steps.append(Step(f"Your deferrals at {employer}", amount, PROFILE, "+" if n else ""))
    total = sum(deferrals_by_employer.values(), ZERO)
    steps += [Step("Your deferrals this year, all employers", total, "", "="),
              Step(f"Elective deferral limit for {limits.tax_year}", limit.value, limit.source, "−")]
    catch_up = catch_up_for_age(limits, age_on_dec_31)
    if catch_up is not None:
        steps.append(Step(catch_up[0], catch_up[1].value, catch_up[1].source, "−"))
    over = total - limit.value - (catch_up[1].value if catch_up else ZERO)
    deadline = excess_deferral_deadline(limits.tax_year)
    claim = excess_deferral_claim_deadline(limits.tax_year)
    if over > 0:
        over = cents(over)
        steps += [Step("Excess deferrals", over, "", "="),
                  Step(f"Tell the plan that is to pay it back by {_day(claim)} (plans may require the claim by then)",
                       None, "Treas. Reg. 1.402(g)-1(e)(2)"),
                  Step(f"Have the excess and its earnings paid back by {_day(deadline)}; left in, it is taxed "
                       "twice (this year and again when paid out)", None, "IRC 402(g)(2)(A)(ii); Treas. Reg. 1.402(g)-1(e)")]
        return Figure("excess_deferrals", over, tuple(steps), flags=frozenset({"excess_deferral"}))
    steps += [Step("Over (+) or under (−) the limit", over, "", "="),
              Step("Under the limit: no excess", ZERO, "", "max"),
              Step("Excess deferrals", ZERO, "", "=")]
    return Figure("excess_deferrals", cents(ZERO), tuple(steps))


# ----------------------------------------------------------------------------- the recommendation

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


# ----------------------------------------------------------------------------- everything for one plan

@dataclass(frozen=True)
class SourceOptions:
    """Every option for one balance source of one plan, and the recommendation."""

    source: str
    amount: Decimal
    taxable: Figure
    options: dict[str, Figure]
    recommendation: Figure

    def to_json(self) -> dict:
        data: dict = {option: dict(figure.value) for option, figure in self.options.items()}
        data["recommended_option"] = self.recommendation.value
        data["reasons"] = [step.label for step in self.recommendation.steps]
        return data


@dataclass(frozen=True)
class RolloverOptions:
    """The figures of the "Leaving your job" section for one old (or departing) plan."""

    reached_59_half: Figure
    rule_of_55: Figure
    additional_tax_exception: Figure
    force_out: Figure
    indirect_rollover: Figure
    backdoor_effect: Figure
    sources: dict[str, SourceOptions]
    partial_payout: Figure | None = None

    def plan_figures(self) -> tuple[Figure, ...]:
        """The plan-wide figures, each under its JSON name."""
        found = (self.reached_59_half, self.additional_tax_exception, self.force_out, self.indirect_rollover,
                 self.backdoor_effect, self.partial_payout)
        return tuple(f for f in found if f is not None)

    def to_json(self) -> dict:
        """`rollover_options` (per source, per option) and `rule_of_55_applies`, as in issue 5:
        amounts are Decimals to the cent, for the JSON writer to print as strings."""
        return {"rollover_options": {s: o.to_json() for s, o in self.sources.items()},
                "rule_of_55_applies": bool(self.rule_of_55.value)}


def rollover_options(limits: Limits, constants: Mapping[str, Constant], *, balances: Mapping[str, Decimal],
                     birth_date: date, distribution_date: date, separation_year: int | None,
                     public_safety_employee: bool, plan_has_rule_of_55: bool, new_plan_accepts_roll_ins: bool | None,
                     marginal_rate_pct: Decimal, state_rate_pct: Decimal = ZERO, new_plan_offers_roth: bool = False,
                     self_employment_income: bool = False, backdoor_this_year: bool = False,
                     traditional_ira_balance: Decimal = ZERO, nondeductible_basis: Decimal = ZERO,
                     conversion_amount: Decimal = ZERO, old_plan_expense_ratio_pct: Decimal | None = None,
                     new_plan_expense_ratio_pct: Decimal | None = None, ira_expense_ratio_pct: Decimal | None = None,
                     roth_contributions: Decimal | None = None, roth_five_years_met: bool | None = None,
                     other_exception: str = "", governmental_457b: bool = False, rolled_in: Decimal = ZERO,
                     new_plan_is_governmental_457b: bool = False, payout: Decimal | None = None) -> RolloverOptions:
    """Every option for every non-zero balance of one plan, plus the plan-wide figures.

    `balances` maps a source in SOURCES to its amount. `distribution_date` is when a payout would
    be made (59½ is judged on that day). The rule of 55 is judged for this plan only.
    `governmental_457b`: the plan is one (no additional tax except on `rolled_in`, the part of the
    pre-tax balance rolled in from other kinds of plan or an IRA: IRC 72(t)(9)).
    """
    unknown = set(balances) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown balance source(s): {', '.join(sorted(unknown))}")
    if backdoor_this_year and not conversion_amount:
        raise ValueError("a backdoor Roth this year needs its conversion_amount")
    at_59_half = reached_penalty_free_age(constants, birth_date=birth_date, distribution_date=distribution_date)
    rule_55 = rule_of_55_applies(constants, birth_date=birth_date, separation_year=separation_year,
                                 public_safety_employee=public_safety_employee, plan_has_rule_of_55=plan_has_rule_of_55)
    exception = additional_tax_exception(reached_59_half=at_59_half, rule_of_55=rule_55, other_exception=other_exception,
                                         governmental_457b=governmental_457b)
    # Only the 457(b) exemption applies: the rolled-in part still pays the additional tax.
    only_457b = exception.flags == {"governmental_457b"}
    roth_qualified = roth_qualified_distribution(reached_59_half=at_59_half, five_years_met=roth_five_years_met)
    plan_balance = sum(balances.values(), ZERO)
    forced = force_out(limits, constants, plan_balance=plan_balance)
    # Partial withdrawals before 59½ are what the rule of 55 is worth keeping for.
    rule_55_usable = bool(rule_55.value) and plan_has_rule_of_55 and not at_59_half.value
    fees = {"leave": old_plan_expense_ratio_pct, "new_plan": new_plan_expense_ratio_pct, "ira": ira_expense_ratio_pct}
    sources: dict[str, SourceOptions] = {}
    for source in SOURCES:
        amount = balances.get(source, ZERO)
        if not amount:
            continue
        taxable = taxable_part(source, amount, roth_qualified=roth_qualified, roth_contributions=roth_contributions)
        at_stake = rule_55_usable and taxable.value > 0
        exempt_457b = only_457b and taxable.value > 0
        leaving_457b = exempt_457b and not new_plan_is_governmental_457b
        options = {
            "cash_out": cash_out(constants, amount=amount, taxable=taxable, marginal_rate_pct=marginal_rate_pct,
                                 state_rate_pct=state_rate_pct, exception_applies=bool(exception.value) and not only_457b,
                                 **(_rolled_in_base(source, rolled_in) if only_457b else {})),
            "leave": leave_in_plan(source=source, amount=amount, may_be_forced_out=bool(forced.value["may_force_out"]),
                                   force_out_source=limits.force_out_limit.source, rule_of_55_at_stake=at_stake),
            "new_plan": roll_to_new_plan(source=source, amount=amount, accepts_roll_ins=new_plan_accepts_roll_ins,
                                         offers_roth=new_plan_offers_roth, rule_of_55_at_stake=at_stake,
                                         exemption_457b_at_stake=leaving_457b),
            "ira": roll_to_ira(source=source, amount=amount, rule_of_55_at_stake=at_stake,
                               backdoor_this_year=backdoor_this_year, exemption_457b_at_stake=exempt_457b),
        }
        if self_employment_income:
            options["solo_401k"] = roll_to_solo_401k(source=source, amount=amount, self_employment_income=True,
                                                     rule_of_55_at_stake=at_stake)
        moves_with_basis = source == "after_tax_earnings" and balances.get("after_tax_basis", ZERO) > 0
        recommendation = recommended_option(source, options, rule_of_55_at_stake=at_stake,
                                            backdoor_this_year=backdoor_this_year, moves_with_basis=moves_with_basis,
                                            exemption_457b_at_stake=exempt_457b, expense_ratios=fees)
        sources[source] = SourceOptions(source, amount, taxable, options, recommendation)
    indirect = indirect_rollover(constants, paid={s: o.amount for s, o in sources.items()},
                                 taxable={s: o.taxable.value for s, o in sources.items()},
                                 marginal_rate_pct=marginal_rate_pct, state_rate_pct=state_rate_pct,
                                 exception_applies=bool(exception.value) and not (only_457b and rolled_in > 0))
    rolled_pre_tax = sum((balances.get(s, ZERO) for s in PRE_TAX_SOURCES), ZERO)
    backdoor = backdoor_pro_rata_effect(rolled_to_ira=rolled_pre_tax, traditional_ira_balance=traditional_ira_balance,
                                        nondeductible_basis=nondeductible_basis,
                                        conversion_amount=conversion_amount if backdoor_this_year else ZERO)
    drawdown = None if not payout else partial_payout(
        constants, balances=balances, amount=payout, roth_qualified=roth_qualified, roth_contributions=roth_contributions,
        marginal_rate_pct=marginal_rate_pct, state_rate_pct=state_rate_pct,
        exception_applies=bool(exception.value) and not (only_457b and rolled_in > 0))
    return RolloverOptions(at_59_half, rule_55, exception, forced, indirect, backdoor, sources, drawdown)
