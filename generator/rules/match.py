"""Employer money: the match (tiered, per paycheck or annual, with or without true-up) and
nonelective contributions."""
from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from ..figure import COUNT, NOTE, PCT, Figure, Step, from_profile
from ..formatting import pct
from ..money import ZERO, cents, pct_of
from .payroll import STATUTES, MatchTier, Payroll, match_by_tier, match_on

PLAN = "your plan's match formula"


def match_capture_pct(tiers: Sequence[MatchTier]) -> Figure:
    """The deferral percentage at which the match stops growing: the top of the last tier."""
    if not tiers:
        return Figure("match_capture_pct", ZERO, (Step("Your plan has no match", ZERO, PLAN, "=", PCT),), unit=PCT)
    steps = [Step(f"Tier {n}: {pct(t.rate_pct)} match on contributions up to {pct(t.up_to_pct)} of pay", t.up_to_pct, PLAN,
                  "max" if n > 1 else "", PCT)
             for n, t in enumerate(tiers, 1)]
    steps.append(Step("Contribute at least this share of each paycheck to get the whole match", tiers[-1].up_to_pct,
                      "", "=", unit=PCT))
    return Figure("match_capture_pct", tiers[-1].up_to_pct, tuple(steps), unit=PCT)


def employer_match(payroll: Payroll, *, matched_pct: Decimal) -> Figure:
    """The year's match when `matched_pct` of pay goes in every paycheck (no front-loading)."""
    pay = payroll.plan_compensation
    matched = payroll.amount(matched_pct)
    steps = [Step("Pay the match formula uses", pay, payroll.cite("plan_compensation"), role=NOTE),
             Step(f"Your matched contributions: {pct(matched_pct)} of that pay", cents(matched), "recommended elections",
                  role=NOTE)]
    by_tier = match_by_tier(matched, pay, payroll.tiers)
    for n, (tier, lower, amount) in enumerate(by_tier):
        steps.append(Step(f"{pct(tier.rate_pct)} of your contributions between {pct(lower)} and {pct(tier.up_to_pct)} of pay",
                          amount, PLAN, "+" if n else ""))
    if not by_tier:
        steps.append(Step("Your plan has no match", ZERO, PLAN))
    total = cents(sum((amount for _tier, _lower, amount in by_tier), ZERO))
    steps.append(Step("Employer match for the year", total, "", "="))
    return Figure("employer_match", total, tuple(steps))


def employer_nonelective(*, plan_compensation: Decimal, nonelective_pct: Decimal,
                         compensation_source: str = STATUTES["plan_compensation"]) -> Figure:
    """Profit-sharing or safe-harbor nonelective money: a percentage of plan compensation, whatever you defer."""
    value = cents(pct_of(nonelective_pct, plan_compensation))
    steps = (Step("Pay the plan's formulas use", plan_compensation, compensation_source),
             Step("Nonelective (profit-sharing) rate", nonelective_pct, "your plan", "×", unit=PCT),
             Step("Employer nonelective contribution", value, "", "="))
    return Figure("employer_nonelective", value, steps)


def lost_match_from_front_loading(payroll: Payroll, *, deferral_pct: Decimal, after_tax_pct: Decimal) -> Figure:
    """Match lost when deferrals stop at the 402(g) limit before the last paycheck of a plan that
    matches each paycheck and never trues up. Measured against the match the same total
    contributions would earn with a true-up."""
    name = "lost_match_from_front_loading"
    if not payroll.tiers or not payroll.match_per_paycheck or payroll.true_up:
        reason = ("Your plan has no match" if not payroll.tiers else
                  "Your plan trues up the match at year end" if payroll.true_up else
                  "Your plan matches on the year's total")
        return Figure(name, ZERO, (Step(f"{reason}: front-loading costs no match", ZERO, PLAN, "="),))
    n = payroll.paychecks
    pay = payroll.plan_compensation / n
    per_check = pct_of(deferral_pct, pay)
    after_tax = pct_of(after_tax_pct, pay) if payroll.matches_after_tax else ZERO
    room = payroll.payroll_stop
    paid, deferred, last_full = ZERO, ZERO, n
    for check in range(1, n + 1):
        deferral = min(per_check, room - deferred)
        if deferral < per_check and last_full == n:
            last_full = check - 1
        deferred += deferral
        paid += match_on(deferral + after_tax, pay, payroll.tiers)
    trued_up = match_on(deferred + after_tax * n, payroll.plan_compensation, payroll.tiers)
    # A true-up only ever adds money: when a rising tier rate pays more per paycheck than on the
    # year's total, nothing is lost (and nothing is taken back).
    lost = cents(max(trued_up - paid, ZERO))
    steps = [Step(f"Your election: {pct(deferral_pct)} of each paycheck's pay", cents(per_check), from_profile("elections"),
                  role=NOTE),
             Step("Where this plan's payroll stops your deferrals (402(g) plus any catch-up)", room,
                  payroll.cite("deferral_room", "catch_up_room"), role=NOTE),
             Step("Paychecks with a full deferral before the limit stops it", Decimal(last_full), "", unit=COUNT,
                  role=NOTE),
             Step("The year's deferrals", cents(deferred), "", role=NOTE),
             Step("Match on them if they were trued up", trued_up, PLAN),
             Step("Match paid paycheck by paycheck", paid, PLAN, "−")]
    if trued_up < paid:
        steps.append(Step("A true-up never takes match back", ZERO, PLAN, "max"))
    steps.append(Step("Match lost to front-loading", lost, "", "="))
    return Figure(name, lost, tuple(steps), flags=frozenset({"front_loading"} if lost > 0 else ()))
