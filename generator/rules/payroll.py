"""The facts of one person's payroll at one employer that the election rules work from.

Elections are percentages of plan compensation per paycheck: pay spread evenly over the year's
paychecks and capped, pro rata, by IRC 401(a)(17). (Plans differ; the methodology page says so.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence

from ..money import ZERO, clamp, pct_of

if TYPE_CHECKING:
    from ..profiles import Plan


# What each limit of a Payroll rests on when no source is given: the statute alone. The engine gives
# the limits file's source (the statute and the IRS notice of the year).
STATUTES = {"deferral_room": "IRC 402(g)(1)", "catch_up_room": "IRC 414(v)", "plan_compensation": "IRC 401(a)(17)",
            "annual_additions_limit": "IRC 415(c)(1)"}


class MatchTier(Protocol):
    rate_pct: Decimal
    up_to_pct: Decimal


@dataclass(frozen=True)
class Payroll:
    compensation: Decimal            # all pay from this employer (415(c)(3))
    plan_compensation: Decimal       # capped by 401(a)(17): what percentages and formulas apply to
    paychecks: int
    increment_pct: Decimal           # elections move in these steps (1 % in most plans)
    max_total_pct: Decimal           # the plan's cap on all payroll contributions together
    deferral_room: Decimal           # 402(g) room left at this employer, without catch-up
    catch_up_room: Decimal           # 414(v) room above it (0 when none)
    annual_additions_limit: Decimal  # 415(c) for this employer
    tiers: Sequence[MatchTier]
    match_per_paycheck: bool         # matched per pay period ...
    true_up: bool                    # ... and not trued up at year end: front-loading loses match
    matches_after_tax: bool
    nonelective: Decimal             # employer nonelective / profit-sharing dollars
    roth_offered: bool
    after_tax_offered: bool
    after_tax_max_pct: Decimal | None
    roth_catch_up_required: bool
    # Where this plan's payroll stops deferrals. A plan enforces 402(g) on its own deferrals only: it
    # does not know what was deferred at another employer. None: the deferral room plus catch-up.
    plan_deferral_cap: Decimal | None = None
    unit: str = "whole_pct"          # whole_pct | fractional_pct (in increment_pct steps) | dollar (per paycheck)
    stops_at_limit: bool = True      # payroll stops deferrals at the yearly limit (most recordkeepers do)
    sources: Mapping[str, str] = field(default_factory=dict)  # per limit above (STATUTES' keys): what it rests on

    @classmethod
    def from_plan(cls, plan: Plan, **given: Any) -> Payroll:
        """A payroll under `plan`'s election, contribution and match rules; `given` holds the pay and the
        limits at this employer, and any plan rule that does not hold here (a second plan's after-tax)."""
        rules = dict(
            increment_pct=plan.elections.step_pct, unit=plan.elections.unit,
            stops_at_limit=plan.elections.stops_at_limit, max_total_pct=plan.contributions.max_total_pct,
            tiers=plan.match.tiers, match_per_paycheck=plan.match.period == "per_pay_period",
            true_up=plan.match.true_up, matches_after_tax=plan.match.matches_after_tax,
            roth_offered=plan.contributions.roth, after_tax_offered=plan.contributions.after_tax,
            after_tax_max_pct=plan.contributions.after_tax_max_pct)
        return cls(**(rules | given))

    def cite(self, *limits: str) -> str:
        """The sources of limits above, for a step that uses them (each part once: one notice sets them all)."""
        parts = (part for limit in limits for part in (self.sources.get(limit) or STATUTES[limit]).split("; "))
        return "; ".join(dict.fromkeys(parts))

    @property
    def payroll_stop(self) -> Decimal:
        return self.deferral_room + self.catch_up_room if self.plan_deferral_cap is None else self.plan_deferral_cap

    def amount(self, pct: Decimal) -> Decimal:
        """Yearly dollars of an election of `pct` percent of plan compensation."""
        return pct_of(pct, self.plan_compensation)

    def counted_deferrals(self, deferrals: Decimal, employer: Decimal) -> Decimal:
        """Deferrals that count toward 415(c) beside `employer` dollars of employer money. Catch-up is
        what exceeds any applicable limit, 402(g) or 415(c), up to the catch-up room (Treas. Reg.
        1.414(v)-1(a)(1), (b)(1)(i)), and counts toward neither (IRC 414(v)(3)(A)). So on low pay, where
        415(c) is 100 % of pay, a saver of catch-up age may defer past it by up to the catch-up."""
        over = max(deferrals - self.deferral_room, deferrals + employer - self.annual_additions_limit, ZERO)
        return deferrals - min(over, self.catch_up_room)


def match_by_tier(matched: Decimal, pay: Decimal, tiers: Sequence[MatchTier]) -> list[tuple[MatchTier, Decimal, Decimal]]:
    """The match formula on one period, tier by tier: (tier, its lower bound in percent of pay, its match).
    Each tier matches `rate` of the contributions that fall between the previous tier's bound and
    its own, as percentages of that period's pay."""
    found, lower = [], ZERO
    for tier in tiers:
        band = clamp(matched - pct_of(lower, pay), ZERO, pct_of(tier.up_to_pct - lower, pay))
        found.append((tier, lower, pct_of(tier.rate_pct, band)))
        lower = tier.up_to_pct
    return found


def match_on(matched: Decimal, pay: Decimal, tiers: Sequence[MatchTier]) -> Decimal:
    """The match on `matched` dollars of contributions out of `pay` dollars of one period."""
    return sum((match for _tier, _lower, match in match_by_tier(matched, pay, tiers)), ZERO)


def paychecks_this_year(*, given: int | None, pay_periods: int, separation_date: date | None) -> tuple[int, bool]:
    """Paychecks this year from one employer, and whether the count is estimated: the profile's count,
    else the plan's pay periods, or, for someone leaving, the share of them up to the separation date
    (rounded down, at least one: an estimate)."""
    if given:
        return given, False
    if separation_date is None:
        return pay_periods, False
    days = (date(separation_date.year, 12, 31) - date(separation_date.year, 1, 1)).days + 1
    return max(pay_periods * separation_date.timetuple().tm_yday // days, 1), True
