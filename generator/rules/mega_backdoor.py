"""After-tax money out of the plan: the route, the taxable earnings by conversion cadence, and the
IRS Notice 2014-54 split of a distribution holding after-tax basis and earnings.

After-tax (non-Roth) contributions are basis: moving them to Roth status is tax-free, but the
earnings they make while they wait are taxable when converted (IRC 402A(c)(4)(A) in the plan,
IRC 408A(d)(3) into a Roth IRA). Converting often keeps those earnings small.

Cadence model (one that a pencil can check, in exact Decimal):
- the year's after-tax contributions land at the end of each of the year's equal pay periods;
- a plan that converts `k` times a year does so at the end of each of `k` equal windows (month
  ends, quarter ends, Dec 31); "per paycheck" converts the day the contribution lands;
- a contribution earns simple interest at the annual return for the time it waits (no compounding
  within the year: for a wait under a year this slightly *overstates* the earnings, so the tax is
  not understated);
- "only at separation": nothing is converted while employed, so each contribution earns a full
  year of growth (and keeps earning taxable growth in later years until you leave; the figure is
  that first year, the same yardstick as the other cadences);
- a loss is not a negative taxable amount: earnings are never below zero.
"""
from __future__ import annotations

from decimal import Decimal

from ..figure import COUNT, NOTE, PCT, RATIO, TEXT, Figure, Step
from ..formatting import pct
from ..money import ZERO, cents, pct_of, ratio
from .projection import return_source

NOTICE_2014_54 = "IRS Notice 2014-54"
PRO_RATA = "IRC 72(e)(8); IRS Notice 2014-54"
IN_PLAN_CONVERSION = "IRC 402A(c)(4); IRS Notice 2013-74"
ROTH_IRA_ROLLOVER = "IRC 402(c)(2); IRC 408A(e); IRS Notice 2014-54"
PLAN = "your plan"
PROFILE = "your profile"
ELECTION = "your after-tax election"

ROUTES = ("in_plan_conversion", "in_service_withdrawal", "at_separation", "not_available")

# Most frequent first: the order in which converting less often can only add earnings.
CADENCES = ("per_pay_period", "monthly", "quarterly", "annually", "at_separation")
CONVERSIONS_PER_YEAR = {"monthly": 12, "quarterly": 4, "annually": 1}
# A cadence in a few words (a chart's label), and in full (a sentence): "monthly (at each month end)".
CADENCE_SHORT = {"per_pay_period": "every paycheck", "monthly": "monthly", "quarterly": "quarterly",
                 "annually": "once a year", "at_separation": "only when you leave"}
_CADENCE_DETAIL = {"monthly": " (at each month end)", "quarterly": " (at each quarter end)", "annually": " (on Dec 31)",
                   "at_separation": " the job"}
CADENCE_WORDS = {cadence: short + _CADENCE_DETAIL.get(cadence, "") for cadence, short in CADENCE_SHORT.items()}
FREQUENCY_WORDS = CADENCE_WORDS | {"never": "never while you work there"}
EARNINGS_TO = ("traditional_ira", "plan", "roth_ira")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _plan_frequency(frequency: str) -> str:
    """The plan's conversion frequency in words; the plan format allows these five only."""
    if frequency not in FREQUENCY_WORDS or frequency == "at_separation":
        raise ValueError(f"unknown conversion frequency {frequency!r}")
    return FREQUENCY_WORDS[frequency]


# ----------------------------------------------------------------------------- route

def after_tax_route(*, after_tax_allowed: bool, in_plan_conversion: bool, in_service_withdrawal: bool,
                    conversion_frequency: str) -> Figure:
    """How after-tax money reaches Roth status in this plan, or that it cannot.

    In-plan conversion is preferred when both are offered: it can usually be automated per
    paycheck, needs no IRA and no two-check split, and keeps ERISA protection. A plan that allows
    neither (or converts "never") leaves the money in the plan until separation, when a
    Notice 2014-54 split sends the basis to a Roth IRA.
    """
    steps = [
        Step(f"Plan takes after-tax (non-Roth) contributions: {_yes(after_tax_allowed)}", None, PLAN),
        Step(f"Plan converts after-tax money to Roth inside the plan: {_yes(in_plan_conversion)}", None, PLAN),
        Step(f"Plan pays after-tax money out while you work there: {_yes(in_service_withdrawal)}", None, PLAN),
        Step(f"How often the plan lets you convert or withdraw: {_plan_frequency(conversion_frequency)}", None, PLAN),
    ]
    flags: set[str] = set()
    if not after_tax_allowed:
        route, label, source = "not_available", "No after-tax contributions: no mega backdoor Roth here", PLAN
    elif conversion_frequency == "never" or not (in_plan_conversion or in_service_withdrawal):
        if in_plan_conversion or in_service_withdrawal:
            flags.add("conversion_frequency_never")
        route = "at_separation"
        label = ("After-tax money stays in the plan until you leave; then split it: "
                 "basis to a Roth IRA, earnings to a traditional IRA or your next plan")
        source = NOTICE_2014_54
    elif in_plan_conversion:
        route, source = "in_plan_conversion", IN_PLAN_CONVERSION
        label = "Convert after-tax money to Roth inside the plan"
        if in_service_withdrawal:
            flags.add("both_routes_available")
    else:
        route, label, source = ("in_service_withdrawal",
                                "Withdraw after-tax money while employed and roll it to a Roth IRA", ROTH_IRA_ROLLOVER)
    steps.append(Step(label, None, source, "="))
    return Figure("after_tax_route", route, tuple(steps), unit=TEXT, flags=frozenset(flags))


def recommended_cadence(*, route: str, plan_frequency: str) -> Figure:
    """The cadence to use: as often as the plan allows, since every wait earns taxable growth.

    Value: one of CADENCES, or None when the plan takes no after-tax money.
    """
    if route == "not_available":
        steps = (Step("No after-tax contributions: nothing to convert", None, PLAN, "="),)
        return Figure("conversion_cadence", None, steps, unit=TEXT, flags=frozenset({"not_available"}))
    cadence = "at_separation" if route == "at_separation" or plan_frequency == "never" else plan_frequency
    steps = (
        Step(f"How often the plan lets you convert or withdraw: {_plan_frequency(plan_frequency)}", None, PLAN),
        Step(f"Convert {CADENCE_WORDS[cadence]}: the most often the plan allows keeps taxable earnings smallest",
             None, PLAN, "="),
    )
    return Figure("conversion_cadence", cadence, steps, unit=TEXT)


def withdrawals_per_year(cadence: str, paychecks_per_year: int) -> int:
    """How many withdrawals a year the cadence makes (one at separation): each takes one window's money."""
    if cadence == "per_pay_period":
        return paychecks_per_year
    return 1 if cadence == "at_separation" else CONVERSIONS_PER_YEAR[cadence]


# ----------------------------------------------------------------------------- cadence earnings

def waiting_years(cadence: str, paychecks_per_year: int) -> Decimal:
    """Years the year's contributions wait for a conversion, added over all paychecks.

    Paycheck j (of n) lands at j/n of the year; with k conversions a year it waits until the
    next window end ceil(j·k/n)/k. Summed in whole units of 1/(n·k) year so the sum is exact.
    """
    n = paychecks_per_year
    if n < 1:
        raise ValueError("paychecks_per_year must be at least 1")
    if cadence == "per_pay_period":
        return ZERO
    if cadence == "at_separation":
        return Decimal(n)
    k = CONVERSIONS_PER_YEAR[cadence]
    units = sum(-(-j * k // n) * n - j * k for j in range(1, n + 1))
    return ratio(Decimal(units), Decimal(n * k))


def conversion_earnings(cadence: str, *, after_tax_per_paycheck: Decimal, paychecks_per_year: int,
                        annual_return_pct: Decimal) -> Figure:
    """Taxable earnings the year's after-tax contributions make before they are converted.

    earnings = contribution per paycheck × waiting years (summed over paychecks) × annual return.
    """
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    waits = waiting_years(cadence, paychecks_per_year)
    earned = pct_of(annual_return_pct, after_tax_per_paycheck * waits)
    steps = [
        Step("After-tax contribution each paycheck", after_tax_per_paycheck, ELECTION),
        Step(f"Years waiting for a conversion, added over the year's {paychecks_per_year} paychecks, "
             f"converting {CADENCE_WORDS[cadence]}", waits,
             "model: contributions land at the end of each pay period and wait for the next conversion",
             "×", RATIO),
        Step("Assumed annual return (simple interest for the wait)", annual_return_pct,
             return_source(annual_return_pct), "×", PCT),
    ]
    flags: frozenset[str] = frozenset()
    if earned < ZERO:
        steps.append(Step("A loss is not taxable earnings", ZERO, "IRC 402A(c)(4)(A)", "max"))
        earned, flags = ZERO, frozenset({"loss"})
    steps.append(Step(f"Taxable earnings for the year, converting {CADENCE_WORDS[cadence]}", cents(earned), "", "="))
    return Figure("conversion_earnings", cents(earned), tuple(steps), flags=flags)


def conversion_taxable_earnings(*, after_tax_per_paycheck: Decimal, paychecks_per_year: int,
                                annual_return_pct: Decimal) -> Figure:
    """Every cadence side by side: value {cadence: Decimal earnings}, in CADENCES order."""
    by_cadence = {
        cadence: conversion_earnings(cadence, after_tax_per_paycheck=after_tax_per_paycheck,
                                     paychecks_per_year=paychecks_per_year, annual_return_pct=annual_return_pct)
        for cadence in CADENCES
    }
    steps = [
        Step("After-tax contribution each paycheck", after_tax_per_paycheck, ELECTION, role=NOTE),
        Step("Paychecks a year", Decimal(paychecks_per_year), PLAN, unit=COUNT, role=NOTE),
        Step("Assumed annual return", annual_return_pct, return_source(annual_return_pct), unit=PCT, role=NOTE),
    ]
    # a table of results, each worked out in its own conversion_earnings figure
    steps += [Step(f"Taxable earnings converting {CADENCE_WORDS[c]}", f.value) for c, f in by_cadence.items()]
    value = {cadence: figure.value for cadence, figure in by_cadence.items()}
    return Figure("conversion_taxable_earnings", value, tuple(steps))


def conversion_tax(earnings: Decimal, *, marginal_rate_pct: Decimal, state_rate_pct: Decimal) -> Figure:
    """Income tax on converted earnings at the federal marginal rate plus the state rate.

    The two rates are added (the state tax is not treated as deductible federally), which is
    the simple, slightly high estimate.
    """
    combined = marginal_rate_pct + state_rate_pct
    tax = cents(pct_of(combined, earnings))
    steps = (
        Step("Taxable earnings converted", earnings, "conversion earnings above"),
        Step(f"Your tax rate: {pct(marginal_rate_pct)} federal + {pct(state_rate_pct)} state",
             combined, PROFILE, "×", PCT),
        Step("Tax on the conversion", tax, "IRC 402A(c)(4)(A); IRC 408A(d)(3)", "="),
    )
    return Figure("conversion_tax", tax, steps)


# ----------------------------------------------------------------------------- Notice 2014-54 split

def _pro_rata_basis(amount: Decimal, basis: Decimal, balance: Decimal, steps: list[Step]) -> Decimal:
    """Basis in a partial distribution: its pro-rata share of the account (IRC 72(e)(8))."""
    share = ratio(basis, balance)
    in_amount = cents(amount * share)
    steps += [
        Step("Amount taken out", amount, PROFILE),
        Step("Basis share of the account: basis ÷ balance", share, PRO_RATA, "×", RATIO),
        Step("Basis in the amount taken out", in_amount, PRO_RATA, "="),
        Step("Amount taken out", amount, PROFILE),
        Step("Basis in it", in_amount, PRO_RATA, "−"),
        Step("Earnings in the amount taken out", amount - in_amount, PRO_RATA, "="),
    ]
    return in_amount


def notice_2014_54_split(*, after_tax_basis: Decimal, after_tax_earnings: Decimal, amount: Decimal | None = None,
                         balance_source: str = PROFILE,
                         earnings_to: str = "traditional_ira", plan_name: str = "your plan") -> Figure:
    """Split a distribution of after-tax money: basis to a Roth IRA, earnings elsewhere.

    One distribution sent to several destinations at once is allocated as a whole (Notice
    2014-54): the earnings (pre-tax part) go to a traditional IRA or back into a plan, the basis
    to a Roth IRA, and nothing is taxable. Sending the earnings to the Roth IRA as well makes
    them taxable as a conversion. A partial distribution (`amount` below the balance) carries a
    pro-rata share of basis and earnings (IRC 72(e)(8)); the after-tax contributions are assumed
    to be accounted for separately, as a separate contract (IRC 72(d)(2)).

    Value: {distributed, basis, earnings, to_roth_ira, to_traditional_ira, to_plan, taxable}.
    """
    if earnings_to not in EARNINGS_TO:
        raise ValueError(f"earnings_to must be one of {EARNINGS_TO}")
    if after_tax_basis < ZERO or after_tax_earnings < ZERO:
        raise ValueError("after-tax basis and earnings cannot be negative")
    balance = after_tax_basis + after_tax_earnings
    amount = balance if amount is None else amount
    if not ZERO <= amount <= balance:
        raise ValueError(f"cannot take {amount} out of an after-tax balance of {balance}")
    steps = [
        Step(f"After-tax contributions (basis) in {plan_name}", after_tax_basis, balance_source),
        Step("Earnings on them", after_tax_earnings, balance_source, "+"),
        Step("After-tax balance", balance, "", "="),
    ]
    partial = amount < balance
    if partial:
        basis = _pro_rata_basis(amount, after_tax_basis, balance, steps)
    else:
        basis = after_tax_basis
    earnings = amount - basis
    where = {"traditional_ira": "a traditional IRA", "plan": "a workplace plan", "roth_ira": "the Roth IRA too"}
    taxable = earnings if earnings_to == "roth_ira" else ZERO
    steps += [
        Step("Basis to a Roth IRA (not taxable)", basis, NOTICE_2014_54),
        Step(f"Earnings to {where[earnings_to]}" + (" (taxable as a conversion)" if taxable else " (not taxable)"),
             earnings, NOTICE_2014_54 if not taxable else "IRC 408A(d)(3)", "+"),
        Step("The whole distribution", amount, NOTICE_2014_54, "="),
        Step("Taxable now", taxable, NOTICE_2014_54),
    ]
    value = {
        "distributed": amount,
        "basis": basis,
        "earnings": earnings,
        "to_roth_ira": basis + taxable,
        "to_traditional_ira": earnings if earnings_to == "traditional_ira" else ZERO,
        "to_plan": earnings if earnings_to == "plan" else ZERO,
        "taxable": taxable,
    }
    flags = {flag for flag, on in (("partial", partial), ("earnings_taxable", taxable > ZERO)) if on}
    return Figure("notice_2014_54_split", value, tuple(steps), flags=frozenset(flags))

