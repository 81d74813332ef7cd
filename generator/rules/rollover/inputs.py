"""What the leaving-a-job rules need to know, grouped by whom it is about.

`rollover_options` takes one of each: the person leaving, the plan they leave, the workplace plan
that could receive the money, and their IRAs. All frozen: the rules read them and never change them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence

from ...money import ZERO
from .kinds import SOURCES


@dataclass(frozen=True)
class Outlook:
    """What the person expects until retirement, for comparisons over time: the federal marginal rate
    then, the yearly return, and the years to go (`years_source`: where that number came from)."""

    retirement_rate_pct: Decimal
    annual_return_pct: Decimal
    years: int
    years_source: str = "your profile"


@dataclass(frozen=True)
class Leaver:
    """The person: their age and how a payout to them is taxed."""

    birth_date: date
    marginal_rate_pct: Decimal            # federal marginal rate, percent
    state_rate_pct: Decimal = ZERO
    self_employment_income: bool = False  # a solo 401(k) could receive the money
    outlook: Outlook | None = None        # None: no rate in retirement known, so no conversion comparison


@dataclass(frozen=True)
class Vesting:
    """The plan's vesting schedule ((years of service, percent vested) steps), the employer money in
    the account (part of the pre-tax balance, vested or not) and the first day of service."""

    schedule: Sequence[tuple[int, Decimal]]
    employer_money: Decimal
    service_start: date


@dataclass(frozen=True)
class PlanLeft:
    """The plan being left (or left earlier) and what it holds.

    `balances` maps a source in SOURCES to its amount. `distribution_date` is when a payout would be
    made (59½ is judged on that day); `separation_year` is when the person left this employer
    (None: not known, so the rule of 55 is not assumed). `rule_of_55_withdrawals`: the plan lets a
    leaver take partial withdrawals. `rolled_in`: the part of a governmental 457(b)'s pre-tax
    balance rolled in from other kinds of plan or an IRA (IRC 72(t)(9)). `payout`: an amount the
    person plans to draw this year. `other_exception` names a further exception to the 10 %
    additional tax that the profile states; none is ever assumed.
    """

    balances: Mapping[str, Decimal]
    distribution_date: date
    separation_year: int | None
    rule_of_55_withdrawals: bool = True
    public_safety_employee: bool = False
    roth_contributions: Decimal | None = None
    first_roth_year: int | None = None     # year of the first designated Roth contribution to this plan
    governmental_457b: bool = False
    rolled_in: Decimal = ZERO
    payout: Decimal | None = None
    expense_ratio_pct: Decimal | None = None
    other_exception: str = ""
    loan: Decimal = ZERO                   # a plan loan still owed at separation: offset against the account
    vesting: Vesting | None = None         # None: everything in the balances is vested
    dec_31_last_year: Decimal | None = None  # the balance an RMD is figured on (None: today's balances)
    years_of_service: int | None = None  # under this plan when the person left (public safety's 25 years)
    named_exceptions: tuple = ()  # early_payout_exceptions.Named: exceptions the profile names for this plan
    agi: Decimal | None = None  # the year's AGI, for the medical-expense exception's floor

    def __post_init__(self) -> None:
        unknown = set(self.balances) - set(SOURCES)
        if unknown:
            raise ValueError(f"unknown balance source(s): {', '.join(sorted(unknown))}")

    @property
    def total(self) -> Decimal:
        return sum(self.balances.values(), ZERO)


@dataclass(frozen=True)
class Destination:
    """The workplace plan that could take the money (the new employer's). `accepts_roll_ins` None: no such plan."""

    accepts_roll_ins: bool | None = None
    offers_roth: bool = False
    expense_ratio_pct: Decimal | None = None
    governmental_457b: bool = False


NO_NEW_PLAN = Destination()


@dataclass(frozen=True)
class IraPicture:
    """The person's IRAs as this year's Form 8606 sees them before any rollover: the Dec 31 value of
    their traditional, SEP and SIMPLE IRAs (line 6), the total basis (line 3) and a backdoor Roth
    conversion this year (line 8)."""

    backdoor_this_year: bool = False
    dec_31_balance: Decimal = ZERO
    nondeductible_basis: Decimal = ZERO
    conversion_amount: Decimal = ZERO
    expense_ratio_pct: Decimal | None = None
    roth_ira_balance: Decimal = ZERO
    first_roth_ira_year: int | None = None  # year of the first contribution or conversion to any Roth IRA

    def __post_init__(self) -> None:
        if self.backdoor_this_year and not self.conversion_amount:
            raise ValueError("a backdoor Roth this year needs its conversion_amount")


NO_IRAS = IraPicture()
