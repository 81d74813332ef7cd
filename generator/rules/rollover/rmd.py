"""Required minimum distributions: the age they start, the first year each account owes one, this
year's amount, and why that amount can never be rolled over.

The age is set by birth year (IRC 401(a)(9)(C)(v), SECURE 2.0 s.107): 73 for people born 1951-1959,
75 for people born in 1960 or later (72 and 70½ for earlier births, from the law before). The first
year an account owes one is the year of reaching that age; for the plan of an employer the person
still works for, the year they retire if later (the still-working exception, 401(a)(9)(C)(i)(II)),
which never covers IRAs (408(a)(6)) nor an owner of more than 5% of the employer. The first one may
wait until April 1 of the next year (the required beginning date); every later one is due by Dec 31.
An RMD is not an eligible rollover distribution (IRC 402(c)(4)(B)), and in a year one is due the
first dollars paid out are the RMD (Treas. Reg. 1.402(c)-2, Q&A-7).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Mapping

from ...formatting import day
from ...figure import COUNT, RATIO, Figure, Step
from ...limits import LIMITS_DIR, Constant
from ...money import ZERO, cents, ratio
from ...yamlio import load_yaml
from .early_payout import date_of_age
from .kinds import PROFILE

# The kinds of account, as the rules about the first RMD see them.
EMPLOYER_PLAN = "employer_plan"  # a workplace plan; the still-working exception can apply
IRA_ACCOUNT = "traditional_ira"  # traditional, SEP and SIMPLE IRAs: the age alone decides
ROTH_IRA = "roth_ira"            # no RMD while the owner lives (IRC 408A(c)(5))

# (first birth date, constant key): the age for people born on or after that day
_AGE_BY_BIRTH = ((date(1960, 1, 1), "rmd_age_born_1960_or_later"), (date(1951, 1, 1), "rmd_age_born_1951_1959"),
                 (date(1949, 7, 1), "rmd_age_born_1949_1950"), (date(1900, 1, 1), "rmd_age_born_before_july_1949"))


@dataclass(frozen=True)
class LifetimeTable:
    periods: Mapping[int, Decimal]
    source: str

    def period(self, age: int) -> Decimal:
        """The divisor for `age`; the table's last age covers every later one."""
        return self.periods[min(age, max(self.periods))]


@cache
def uniform_lifetime_table() -> LifetimeTable:
    data, problems = load_yaml(LIMITS_DIR / "uniform_lifetime_table.yaml", "generator/limits/uniform_lifetime_table.yaml")
    if problems:
        raise ValueError("\n".join(map(str, problems)))
    return LifetimeTable({int(age): Decimal(period) for age, period in data["periods"].items()}, data["source"])


def rmd_age(constants: Mapping[str, Constant], birth_date: date) -> Constant:
    """The age RMDs start for someone born on `birth_date`."""
    return next(constants[key] for first_day, key in _AGE_BY_BIRTH if birth_date >= first_day)


def _beginning_date(constants: Mapping[str, Constant], first_year: int) -> date:
    when = constants["rmd_required_beginning_day"]
    return datetime.strptime(f"{when.value} {first_year + 1}", "%B %d %Y").date()


def first_rmd(constants: Mapping[str, Constant], *, kind: str, birth_date: date, retired_year: int | None = None,
              still_working: bool = False) -> Figure:
    """When `kind` of account first owes an RMD.

    For an employer plan, `still_working`: the person works for that employer at the end of the year
    (`retired_year` None: no date to leave known); otherwise `retired_year` is the year they left it
    (None: not known, so the age alone decides, the earliest it can be).

    Value: {"rmd_age", "rmd_age_shown" (70½ for 70.5), "first_rmd_year" (None while the still-working exception holds with no date to
    leave), "required_beginning_date", "still_working_exception"}.
    """
    if kind == ROTH_IRA:
        steps = (Step("A Roth IRA owes no required minimum distribution while you live", None, "IRC 408A(c)(5)"),)
        return Figure("first_rmd", {"rmd_age": None, "rmd_age_shown": "", "first_rmd_year": None,
                                    "required_beginning_date": None, "still_working_exception": False},
                      steps, unit=COUNT, flags=frozenset({"no_rmd"}))
    age = rmd_age(constants, birth_date)
    age_year = date_of_age(birth_date, age.value).year
    steps = [Step(f"Your RMD age (born {birth_date.year}): {age.shown}", None, f"your birth date; {age.source}"),
             Step(f"Calendar year you reach {age.shown}: {age_year}", None, age.source)]
    flags: set[str] = set()
    first_year: int | None = age_year
    exception = False
    if kind == EMPLOYER_PLAN and (still_working or (retired_year is not None and retired_year > age_year)):
        exception = True
        flags.add("still_working_exception")
        cite = "IRC 401(a)(9)(C)(i)(II)"
        if retired_year is None:
            first_year = None
            steps.append(Step("You still work for this employer: its plan owes none until the year you retire "
                              "(not if you own more than 5% of the employer)", None, cite))
        else:
            first_year = max(age_year, retired_year)
            steps.append(Step(f"You left this employer in {retired_year}, after that year: this plan first owes one "
                              f"for {first_year} (not if you own more than 5% of the employer)", None, cite))
    elif kind == IRA_ACCOUNT:
        steps.append(Step("An IRA has no still-working exception: the age alone decides", None, "IRC 408(a)(6)"))
    beginning = _beginning_date(constants, first_year) if first_year is not None else None
    if beginning is not None:
        steps.append(Step(f"First RMD: for {first_year}, due by {day(beginning)} (every later one by December 31)",
                          None, f"{constants['rmd_required_beginning_day'].source}"))
    value = {"rmd_age": age.value, "rmd_age_shown": age.shown, "first_rmd_year": first_year, "required_beginning_date": beginning,
             "still_working_exception": exception}
    return Figure("first_rmd", value, tuple(steps), unit=COUNT, flags=frozenset(flags))


def rmd_for_year(*, balance_last_dec_31: Decimal, birth_date: date, tax_year: int, first_rmd_year: int | None,
                 balance_source: str = PROFILE) -> Figure:
    """This year's RMD from one account: its balance on Dec 31 of last year ÷ the Uniform Lifetime Table's
    period for the age reached this year (Treas. Reg. 1.401(a)(9)-5, Q&A-1 and -4). Nothing before the
    first RMD year."""
    if first_rmd_year is None or tax_year < first_rmd_year:
        why = ("No RMD yet this year" if first_rmd_year is None
               else f"No RMD for {tax_year}: the first is for {first_rmd_year}")
        return Figure("rmd_this_year", cents(ZERO), (Step(why, ZERO, "IRC 401(a)(9)", "="),))
    table = uniform_lifetime_table()
    age = tax_year - birth_date.year
    period = table.period(age)
    amount = cents(ratio(balance_last_dec_31, period))
    steps = (Step(f"Balance on December 31, {tax_year - 1}", balance_last_dec_31, balance_source),
             Step(f"Uniform Lifetime Table period at age {age}", period, table.source, "÷", RATIO),
             Step(f"Required minimum distribution for {tax_year}", amount, "Treas. Reg. 1.401(a)(9)-5, Q&A-1", "="),
             Step("It cannot be rolled over: in a year one is due, the first dollars paid out are the RMD",
                  None, "IRC 402(c)(4)(B); Treas. Reg. 1.402(c)-2, Q&A-7"))
    return Figure("rmd_this_year", amount, steps, flags=frozenset({"rmd_due"}))


SHOWN_WITHIN_YEARS = 10  # the guide lists first RMDs this many years ahead (an editorial choice, not a legal number)


@dataclass(frozen=True)
class Account:
    """One account whose first RMD the guide lists: its name, kind, and for a workplace plan whether
    the person still works for that employer and the year they left it."""

    name: str
    kind: str
    still_working: bool = False
    retired_year: int | None = None


def rmd_schedule(constants: Mapping[str, Constant], *, birth_date: date, tax_year: int,
                 accounts: tuple[Account, ...]) -> Figure:
    """When each account first owes an RMD. Value: {account name: first_rmd's value}. Flag `rmd_near`:
    some account's first RMD is for a year at most SHOWN_WITHIN_YEARS after `tax_year` (or already past)."""
    value, steps, near = {}, [], False
    for account in accounts:
        first = first_rmd(constants, kind=account.kind, birth_date=birth_date, retired_year=account.retired_year,
                          still_working=account.still_working)
        value[account.name] = first.value
        steps += [Step(f"{account.name}: {step.label}", step.amount, step.source, step.op, step.unit) for step in first.steps]
        year = first.value["first_rmd_year"]
        near = near or (year is not None and year <= tax_year + SHOWN_WITHIN_YEARS)
    return Figure("required_minimum_distributions", value, tuple(steps), unit=COUNT,
                  flags=frozenset({"rmd_near"} if near else ()))
