"""Whether a payout before 59½ pays the 10 % additional tax of IRC 72(t)(1), and on what.

`additional_tax(source, account, facts)` is the one place that decides it, per kind of money and per
account the money is paid from: each exception in EXCEPTIONS is asked in turn and the first that
covers the money wins. An exception is a function (source, account, facts) -> AdditionalTax or None;
adding one (a 72(t) exception the profile can name) means writing that function and listing it.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable, Mapping

from ...formatting import day
from ...figure import BOOL, YEAR, Figure, Step
from ...limits import Constant
from ...money import ZERO
from .. import early_payout_exceptions as named
from .inputs import Leaver, PlanLeft
from .kinds import PENALTY_FREE_AGE, PROFILE

PLAN, IRA = "plan", "ira"  # the accounts a payout can come from: the plan left, or an IRA the money went to


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
    when = date_of_age(birth_date, rule.value)
    reached = distribution_date >= when
    verdict = "on or after that day: no additional tax" if reached else "before that day"
    steps = (Step(f"You reach {PENALTY_FREE_AGE} on {day(when)}", None, f"your birth date; {rule.source}"),
             Step(f"The money is paid out on {day(distribution_date)}, {verdict}", None, PROFILE))
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
                  f"your birth date; {rule.source}", unit=YEAR)]
    if separation_year is None:
        steps.append(Step("Year you left this employer: not in your profile, so the rule of 55 is not assumed",
                          None, PROFILE))
        return Figure("rule_of_55_applies", False, tuple(steps), unit=BOOL)
    applies = separation_year >= birth_date.year + age
    steps.append(Step("Calendar year you left this employer", Decimal(separation_year), PROFILE, unit=YEAR))
    verdict = ("in or after that year: payouts from this plan escape the additional tax" if applies
               else "before that year: the rule of 55 does not apply to this plan")
    steps.append(Step(f"You left {verdict}", None, rule.source))
    flags = set()
    if applies and not plan_has_rule_of_55:
        flags.add("withdrawals_not_offered")
        steps.append(Step("Your plan does not offer partial withdrawals to people who have left; "
                          "a payout of the whole balance still escapes the additional tax", None, "your plan"))
    return Figure("rule_of_55_applies", applies, tuple(steps), unit=BOOL, flags=frozenset(flags))


# ----------------------------------------------------------------------------- the hook

@dataclass(frozen=True)
class PayoutFacts:
    """What the exceptions read: the person, the plan the money is in, and the ages already judged
    (so that each exception does not judge them again)."""

    leaver: Leaver
    plan: PlanLeft
    constants: Mapping[str, Constant]
    reached_59_half: Figure
    rule_of_55: Figure

    @classmethod
    def of(cls, leaver: Leaver, plan: PlanLeft, constants: Mapping[str, Constant]) -> PayoutFacts:
        return cls(leaver, plan, constants,
                   reached_penalty_free_age(constants, birth_date=leaver.birth_date,
                                            distribution_date=plan.distribution_date),
                   rule_of_55_applies(constants, birth_date=leaver.birth_date, separation_year=plan.separation_year,
                                      public_safety_employee=plan.public_safety_employee,
                                      plan_has_rule_of_55=plan.rule_of_55_withdrawals))


@dataclass(frozen=True)
class AdditionalTax:
    """The 10 % additional tax as it falls on one kind of money paid from one account.

    `rate_pct` applies to the taxable part, or only to `only_on` of it when that is set (money
    rolled into a governmental 457(b)). `exception` names the exception that lowered it ("" for none).
    """

    rate_pct: Decimal
    reason: str
    citation: str
    exception: str = ""
    only_on: Decimal | None = None
    only_on_label: str = ""
    exempt: Decimal = ZERO  # dollars of one payout's taxable part the exceptions the profile names free

    @property
    def waived(self) -> bool:
        """No additional tax on any of this money."""
        return self.rate_pct == 0 or self.only_on == 0


def no_exception(constants: Mapping[str, Constant]) -> AdditionalTax:
    early = constants["early_distribution_tax_pct"]
    return AdditionalTax(early.value, f"Additional tax on payouts before {PENALTY_FREE_AGE}", early.source)


def _waived(exception: str, reason: str, citation: str) -> AdditionalTax:
    return AdditionalTax(ZERO, reason, citation, exception)


def _age_59_half(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    if facts.reached_59_half.value:
        return _waived("age_59_half", f"Paid on or after the day you reach {PENALTY_FREE_AGE}",
                       facts.constants["penalty_free_age"].source)
    return None


def _rule_of_55(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    # 72(t)(3)(A): never from an IRA; only from the plan of the employer left.
    if account == PLAN and facts.rule_of_55.value:
        age = "public_safety_separation_age" if facts.plan.public_safety_employee else "rule_of_55_age"
        return _waived("rule_of_55", "Rule of 55: you left this employer in or after the year you reached its age",
                       facts.constants[age].source)
    return None


def _named_in_profile(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    if facts.plan.other_exception:
        return _waived("other_exception", f"Exception from your profile: {facts.plan.other_exception}", PROFILE)
    return None


def _governmental_457b(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    """72(t)(9): a governmental 457(b) is not a qualified plan for 72(t), so its payouts escape the
    tax, except the money rolled into it from other kinds of plan or an IRA (assumed pre-tax)."""
    if account != PLAN or not facts.plan.governmental_457b:
        return None
    rolled_in = facts.plan.rolled_in if source == "pre_tax" else ZERO
    if not rolled_in:
        return _waived("governmental_457b", "A governmental 457(b) payout pays no additional tax", "IRC 72(t)(9)")
    early = facts.constants["early_distribution_tax_pct"]
    return AdditionalTax(early.value, "A governmental 457(b) payout pays the additional tax only on money rolled in "
                         "from other kinds of plan or an IRA", "IRC 72(t)(9)", "governmental_457b", rolled_in,
                         "Money rolled into this 457(b) from other kinds of plan or an IRA")


def _public_safety_years(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    """72(t)(10) as amended by SECURE 2.0 s.329: a public-safety employee who left after 25 years of
    service under the plan, at any age; like the rule of 55, for payouts from that plan only."""
    years = facts.plan.years_of_service
    rule = facts.constants["public_safety_years_of_service"]
    if account == PLAN and facts.plan.public_safety_employee and years is not None and years >= rule.value:
        return _waived("public_safety_years", f"Public safety: you left after {rule.shown} years of service "
                       "under this plan", rule.source)
    return None


def _named_whole_payout(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    """An exception the profile names that frees a whole payout (a disability, a QDRO, SEPP...), when it
    covers payouts from this account in this year (rules/early_payout_exceptions.py)."""
    found = named.covers_whole_payout(facts.plan.named_exceptions, account, facts.plan.distribution_date.year)
    if found is None:
        return None
    kind = named.KINDS[found.kind]
    return _waived(found.kind, f"Exception in your profile: {kind.words}", kind.statute)


def _named_amounts(source: str, account: str, facts: PayoutFacts) -> AdditionalTax | None:
    """Exceptions the profile names that free a dollar amount of the payout it plans (a birth or
    adoption, an emergency, a levy...): the full rate on the rest (`exempt`)."""
    exempt = named.exempt_amount(facts.constants, named=facts.plan.named_exceptions, account=account,
                                 year=facts.plan.distribution_date.year, vested_balance=facts.plan.total,
                                 agi=facts.plan.agi)
    if not exempt:
        return None
    early = facts.constants["early_distribution_tax_pct"]
    return AdditionalTax(early.value, f"Additional tax on payouts before {PENALTY_FREE_AGE}, less what the exceptions "
                         "in your profile cover", early.source, "named_amounts", exempt=exempt)


Exception = Callable[[str, str, PayoutFacts], "AdditionalTax | None"]
# In order: an exception that waives the whole tax comes before one that narrows it.
EXCEPTIONS: tuple[Exception, ...] = (_age_59_half, _rule_of_55, _public_safety_years, _named_in_profile,
                                     _named_whole_payout, _governmental_457b, _named_amounts)


def additional_tax(source: str, account: str, facts: PayoutFacts) -> AdditionalTax:
    """The 10 % additional tax on `source` money paid from `account` (PLAN or IRA): the first
    exception of EXCEPTIONS that covers it, else the full rate."""
    for exception in EXCEPTIONS:
        found = exception(source, account, facts)
        if found is not None:
            return found
    return no_exception(facts.constants)


def additional_tax_exception(facts: PayoutFacts) -> Figure:
    """Whether the 10 % additional tax of IRC 72(t)(1) is off for payouts from this plan, with the
    exceptions that apply as flags (`age_59_half`, `rule_of_55`, `governmental_457b`, `other_exception`,
    `public_safety_years`, `named_exception`; the named dollar amounts are the planned payout's: `additional_tax`).
    A governmental 457(b) alone still taxes money rolled into it: see `additional_tax`."""
    steps = list(facts.reached_59_half.steps) + list(facts.rule_of_55.steps)
    flags = set()
    if facts.reached_59_half.value:
        flags.add("age_59_half")
    if facts.rule_of_55.value:
        flags.add("rule_of_55")
    if facts.plan.governmental_457b:
        flags.add("governmental_457b")
        steps.append(Step("A governmental 457(b) payout pays no additional tax, except on money rolled in from "
                          "other kinds of plan or an IRA", None, "IRC 72(t)(9)"))
    if facts.plan.other_exception:
        flags.add("other_exception")
        steps.append(Step(f"Exception from your profile: {facts.plan.other_exception}", None, PROFILE))
    for exception, flag in ((_public_safety_years, "public_safety_years"), (_named_whole_payout, "named_exception")):
        found = exception("pre_tax", PLAN, facts)
        if found is not None:
            flags.add(flag)
            steps.append(Step(found.reason, None, found.citation))
    return Figure("additional_tax_exception", bool(flags), tuple(steps), unit=BOOL, flags=frozenset(flags))


def roth_five_years_from(constants: Mapping[str, Constant], first_year: int) -> int:
    """The first year a Roth account whose clock started in `first_year` can pay a qualified
    distribution: the five-taxable-year period starts on January 1 of that year."""
    return first_year + int(constants["roth_five_years"].value)


def roth_qualified_distribution(constants: Mapping[str, Constant], *, reached_59_half: Figure,
                                first_roth_year: int | None, distribution_year: int,
                                disability_or_death: str | None = None) -> Figure:
    """IRC 402A(d)(2): a payout from a designated Roth account is tax-free when it comes at least five
    taxable years after the first Roth contribution to the plan (Treas. Reg. 1.402A-1, Q&A-4: the
    period starts on January 1 of that contribution's year) and after 59½, on disability or after
    death (402A(d)(2)(A) by way of 408A(d)(2)(A)); `disability_or_death` is the exception the profile
    names for the plan ("disability" or "death"), if any. When the profile does not give the year, the
    five years are not assumed (flag `five_years_unknown`): the earnings are shown as taxable, the
    cautious side."""
    rule = constants["roth_five_years"]
    steps = list(reached_59_half.steps)
    flags = set()
    if first_roth_year is None:
        flags.add("five_years_unknown")
        five_years = False
        steps.append(Step("Year of your first Roth contribution to this plan: not in your profile, so its "
                          f"{rule.shown} years are not assumed", None, f"{PROFILE}; {rule.source}"))
    else:
        from_year = roth_five_years_from(constants, first_roth_year)
        five_years = distribution_year >= from_year
        steps += [Step(f"Year of your first Roth contribution to this plan: {first_roth_year}", None, PROFILE),
                  Step(f"First year of a qualified payout, {rule.shown} taxable years later: {from_year}", None, rule.source),
                  Step(f"Paid out in {distribution_year}: the {rule.shown} years are "
                       + ("met" if five_years else "not yet met"), None, rule.source)]
    if not five_years:
        flags.add("five_years_not_met")
    if disability_or_death and not reached_59_half.value:
        steps.append(Step(f"Before {PENALTY_FREE_AGE}, but " + ("on disability" if disability_or_death == "disability"
                                                   else "paid after the owner's death") + ", which also qualifies",
                          None, "IRC 402A(d)(2)(A); 408A(d)(2)(A)(ii)-(iii)"))
    qualified = (bool(reached_59_half.value) or disability_or_death is not None) and five_years
    steps.append(Step("Qualified Roth distribution (tax-free)" if qualified else "Not a qualified Roth distribution: "
                      "the earnings in it are taxable", None, "IRC 402A(d)(2)"))
    return Figure("roth_qualified_distribution", qualified, tuple(steps), unit=BOOL, flags=frozenset(flags))


def roth_ira_five_years(constants: Mapping[str, Constant], *, first_roth_ira_year: int | None,
                        roth_ira_balance: Decimal, rollover_year: int) -> Figure:
    """The Roth IRA's own five-year clock, which is what counts once Roth money is rolled into one: the
    plan's years do not come along (Treas. Reg. 1.408A-10, Q&A-4). It started on January 1 of the
    year of the first contribution or conversion to any Roth IRA (Treas. Reg. 1.408A-6, Q&A-2); with
    no Roth IRA yet, the rollover starts it. Value: {"clock_start", "qualified_from"} (None: not known)."""
    rule = constants["roth_five_years"]
    cite = "Treas. Reg. 1.408A-10, Q&A-4; 1.408A-6, Q&A-2"
    steps = [Step("In a Roth IRA the plan's years do not count: the Roth IRA's own clock applies", None,
                  "Treas. Reg. 1.408A-10, Q&A-4")]
    start = first_roth_ira_year
    if start is None and roth_ira_balance > 0:
        steps.append(Step("Year of your first Roth IRA contribution: not in your profile (your Roth IRA's clock "
                          "started then)", None, PROFILE))
        return Figure("roth_ira_five_years", {"clock_start": None, "qualified_from": None}, tuple(steps),
                      flags=frozenset({"roth_ira_clock_unknown"}))
    if start is None:
        start = rollover_year
        steps.append(Step(f"You have no Roth IRA yet: the rollover starts its clock in {start}", None, cite))
    else:
        steps.append(Step(f"Year of your first Roth IRA contribution, when its clock started: {start}", None, PROFILE))
    qualified_from = roth_five_years_from(constants, start)
    steps.append(Step(f"First year the Roth IRA pays out its earnings tax-free (from {PENALTY_FREE_AGE}): {qualified_from}",
                      None, f"{rule.source}; IRC 408A(d)(2)(B)"))
    flags = {"roth_ira_clock_starts"} if first_roth_ira_year is None else set()
    return Figure("roth_ira_five_years", {"clock_start": start, "qualified_from": qualified_from}, tuple(steps),
                  flags=frozenset(flags))
