"""The exceptions to the 10 % additional tax on payouts before 59½ that a profile names (IRC 72(t)(2)).

59½, the rule of 55 and a governmental 457(b) are judged from dates and plan facts (rollover.py).
The others depend on what happened to the person, so the profile names them, per plan: a disability,
a QDRO, a levy, a birth... Each covers only the money the law lets it cover: some a whole payout, some
a dollar amount (a $5,000 birth or adoption payout, one $1,000 emergency payout a year), some only
payouts from a workplace plan (a QDRO, the public-safety age) or only from an IRA (a first home). The
result is how much of a payout's taxable part escapes the additional tax, and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from ..figure import BOOL, COUNT, PCT, Figure, Step
from ..formatting import money, pct
from ..limits import Constant
from ..money import ZERO, cents, pct_of

PROFILE = "your profile"
PLAN, IRA = "plan", "ira"


@dataclass(frozen=True)
class Kind:
    """One exception: what it is called, where the law puts it, what money it covers."""

    words: str
    statute: str
    accounts: tuple[str, ...]  # PLAN, IRA or both
    cap: str | None = None     # constants.yaml key of its dollar limit
    from_year: int | None = None  # the first year payouts could use it
    whole_payout: bool = True  # covers a whole payout (else only the amount the profile gives, up to the cap)


KINDS: dict[str, Kind] = {
    "sepp": Kind("substantially equal periodic payments", "IRC 72(t)(2)(A)(iv)", (PLAN, IRA)),
    "disability": Kind("a disability", "IRC 72(t)(2)(A)(iii); IRC 72(m)(7)", (PLAN, IRA)),
    "death": Kind("a payout to a beneficiary after the owner's death", "IRC 72(t)(2)(A)(ii)", (PLAN, IRA)),
    "qdro": Kind("a payout to a former spouse under a qualified domestic relations order", "IRC 72(t)(2)(C)", (PLAN,)),
    "medical": Kind("unreimbursed medical expenses above the AGI floor", "IRC 72(t)(2)(B)", (PLAN, IRA),
                    whole_payout=False),
    "irs_levy": Kind("an IRS levy on the plan", "IRC 72(t)(2)(A)(vii)", (PLAN, IRA), whole_payout=False),
    "birth_or_adoption": Kind("a birth or adoption", "IRC 72(t)(2)(H)", (PLAN, IRA), "birth_or_adoption_cap", 2020,
                              whole_payout=False),
    "terminal_illness": Kind("a terminal illness", "IRC 72(t)(2)(L)", (PLAN, IRA), from_year=2023),
    "emergency": Kind("an emergency personal expense", "IRC 72(t)(2)(I)", (PLAN, IRA), "emergency_expense_cap", 2024,
                      whole_payout=False),
    "domestic_abuse": Kind("domestic abuse", "IRC 72(t)(2)(K)", (PLAN, IRA), "domestic_abuse_cap", 2024,
                           whole_payout=False),
    "disaster": Kind("a qualified disaster", "IRC 72(t)(11)", (PLAN, IRA), "disaster_cap", 2021, whole_payout=False),
    # IRA-only exceptions: named on a plan, they do not apply, and the guide says an IRA payout would have them
    "first_home": Kind("a first home (up to $10,000 in a lifetime)", "IRC 72(t)(2)(F)", (IRA,), whole_payout=False),
    "higher_education": Kind("higher-education expenses", "IRC 72(t)(2)(E)", (IRA,), whole_payout=False),
    "health_insurance_unemployed": Kind("health insurance while unemployed", "IRC 72(t)(2)(D)", (IRA,),
                                        whole_payout=False),
}
ACCOUNT_WORDS = {PLAN: "a workplace plan", IRA: "an IRA"}


@dataclass(frozen=True)
class Named:
    """An exception the profile names for a plan, with the amount it covers where the law limits it
    (`amount`: a levy, the payout for a birth) or the medical expenses it rests on (`expenses`)."""

    kind: str
    amount: Decimal | None = None
    expenses: Decimal | None = None


def exempt_from_additional_tax(constants: Mapping[str, Constant], *, named: Iterable[Named], account: str, year: int,
                               taxable: Decimal, vested_balance: Decimal, agi: Decimal | None) -> Figure:
    """How much of a payout's taxable part (`taxable`) the named exceptions take out of the 10 %
    additional tax, for a payout from `account` (PLAN or IRA) in `year`.

    Exceptions add up (a birth and an emergency in one payout), never beyond the taxable part. Value:
    {"exempt": the part free of the additional tax, "subject": the rest, "applied": kinds that count,
    "not_applied": kinds named that cannot count here}. Flag `whole_payout` when one covers all of it."""
    steps: list[Step] = []
    parts: list[tuple[str, Decimal]] = []
    applied, refused, whole = [], [], False
    for item in named:
        kind = KINDS[item.kind]
        why_not = _why_not(kind, account, year)
        if why_not:
            refused.append(item.kind)
            steps.append(Step(f"{kind.words[0].upper()}{kind.words[1:]}: {why_not}", None, kind.statute))
            continue
        applied.append(item.kind)
        if kind.whole_payout:
            whole = True
            steps.append(Step(f"Covered by {kind.words}: the whole payout", None, kind.statute))
            if item.kind == "sepp" and account == PLAN:
                steps.append(Step("From a workplace plan, only once you have left that employer", None, "IRC 72(t)(3)(B)"))
            continue
        covered, item_steps = _covered(constants, kind, item, vested_balance, agi)
        steps += item_steps
        parts.append((kind.words, covered))
    if whole:
        exempt = taxable
        steps += [Step("Free of the additional tax: all of the taxable part", taxable, "IRC 72(t)(2)")]
    else:
        exempt = cents(min(sum((c for _, c in parts), ZERO), taxable))
        steps += [Step(f"Covered for {words}", covered, "", "+" if n else "") for n, (words, covered) in enumerate(parts)]
        steps += [Step("Taxable part of the payout (the most they can cover)", taxable, "IRC 72(t)(1)",
                       "min" if parts else ""),
                  Step("Free of the additional tax", exempt, "", "=")] if parts else [
                  Step("No exception in your profile covers this payout", ZERO, "")]
    steps += [Step("Taxable part", taxable, "IRC 72(t)(1)"), Step("Free of the additional tax", exempt, "", "−"),
              Step("Still subject to the additional tax", cents(taxable - exempt), "", "=")]
    value = {"exempt": exempt, "subject": cents(taxable - exempt), "applied": applied, "not_applied": refused}
    return Figure("additional_tax_exceptions", value, tuple(steps), flags=frozenset({"whole_payout"} if whole else ()))


def covers_whole_payout(named: Iterable[Named], account: str, year: int) -> Named | None:
    """The first named exception that frees a whole payout from `account` in `year`, if any."""
    return next((item for item in named if KINDS[item.kind].whole_payout and not _why_not(KINDS[item.kind], account, year)),
                None)


def exempt_amount(constants: Mapping[str, Constant], *, named: Iterable[Named], account: str, year: int,
                  vested_balance: Decimal, agi: Decimal | None) -> Decimal:
    """The dollars of one payout's taxable part that the named partial exceptions free (before capping
    at the taxable part, which the payout's own arithmetic does)."""
    return sum((_covered(constants, KINDS[item.kind], item, vested_balance, agi)[0] for item in named
                if not KINDS[item.kind].whole_payout and not _why_not(KINDS[item.kind], account, year)), ZERO)


def _why_not(kind: Kind, account: str, year: int) -> str:
    if account not in kind.accounts:
        return (f"applies to payouts from {ACCOUNT_WORDS[kind.accounts[0]]} only, not from "
                f"{ACCOUNT_WORDS[account]}")
    if kind.from_year is not None and year < kind.from_year:
        return f"only for payouts from {kind.from_year}"
    return ""


def _covered(constants: Mapping[str, Constant], kind: Kind, item: Named, vested_balance: Decimal,
             agi: Decimal | None) -> tuple[Decimal, list[Step]]:
    """The dollars one partial exception covers, with its working."""
    if item.kind == "medical":
        floor = constants["medical_agi_floor_pct"]
        expenses, income = item.expenses or ZERO, agi or ZERO
        covered = max(expenses - cents(pct_of(floor.value, income)), ZERO)
        return covered, [Step("Unreimbursed medical expenses this year", expenses, PROFILE),
                         Step(f"Less {pct(floor.value)} of your AGI ({money(income)})", cents(pct_of(floor.value, income)),
                              floor.source, "−"),
                         Step("Under zero counts as zero", ZERO, "", "max"),
                         Step("Covered by the medical-expense exception", covered, kind.statute, "=")]
    asked = item.amount or ZERO
    steps = [Step(f"Payout for {kind.words}", asked, PROFILE)]
    covered = asked
    if kind.cap is not None:
        cap = constants[kind.cap]
        covered = min(covered, cap.value)
        steps.append(Step("Its dollar limit", cap.value, cap.source, "min"))
    if item.kind == "domestic_abuse":
        share = constants["domestic_abuse_balance_pct"]
        half = cents(pct_of(share.value, vested_balance))
        covered = min(covered, half)
        steps += [Step(f"{pct(share.value)} of your vested balance", half, share.source, "min")]
    steps.append(Step(f"Covered by the exception for {kind.words}", covered, kind.statute, "="))
    return covered, steps


def public_safety_separation(constants: Mapping[str, Constant], *, birth_date: date, separation_year: int | None,
                             years_of_service: int | None) -> Figure:
    """IRC 72(t)(10): a qualified public-safety employee's payouts from the plan of the job left escape
    the additional tax when the separation came in or after the calendar year of turning 50, or after 25
    years of service under the plan, whichever is earlier (the years alternative: SECURE 2.0 s.329).
    Like the rule of 55 it stays with that plan: rolled to an IRA, the money loses it (72(t)(3)(A))."""
    age_rule = constants["public_safety_separation_age"]
    years_rule = constants["public_safety_years_of_service"]
    year_of_50 = birth_date.year + int(age_rule.value)
    steps = [Step(f"Calendar year you turn {age_rule.shown}", Decimal(year_of_50), f"your birth date; {age_rule.source}",
                  unit=COUNT)]
    if separation_year is None:
        steps.append(Step("Year you left: not in your profile, so the public-safety rule is not assumed", None, PROFILE))
        return Figure("public_safety_separation", False, tuple(steps), unit=BOOL)
    steps.append(Step("Calendar year you left", Decimal(separation_year), PROFILE, unit=COUNT))
    by_age = separation_year >= year_of_50
    by_years = years_of_service is not None and years_of_service >= years_rule.value
    if years_of_service is not None:
        steps.append(Step("Your years of service under the plan when you left", Decimal(years_of_service), PROFILE,
                          unit=COUNT))
        steps.append(Step("Years of service that qualify at any age", years_rule.value, years_rule.source, unit=COUNT))
    verdict = ("you left in or after that year" if by_age else
               f"you had {years_rule.shown} years of service" if by_years else
               "neither the age nor the years of service: the public-safety rule does not apply")
    steps.append(Step(f"Public-safety separation: {verdict}", None, age_rule.source))
    flags = {name for name, on in (("by_age", by_age), ("by_years_of_service", by_years and not by_age)) if on}
    return Figure("public_safety_separation", by_age or by_years, tuple(steps), unit=BOOL, flags=frozenset(flags))


def additional_tax_after_exceptions(constants: Mapping[str, Constant], exceptions: Figure) -> Figure:
    """10 % of what the exceptions leave subject to it (IRC 72(t)(1))."""
    early = constants["early_distribution_tax_pct"]
    subject = exceptions.value["subject"]
    tax = cents(pct_of(early.value, subject))
    return Figure("additional_tax", tax, (Step("Still subject to the additional tax", subject, ""),
                                          Step("Additional tax rate", early.value, early.source, "×", PCT),
                                          Step("Additional tax", tax, "", "=")))
