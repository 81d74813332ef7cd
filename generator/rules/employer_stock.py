"""Company stock in a plan: take the shares out in a lump-sum distribution (net unrealized
appreciation, IRC 402(e)(4)) or roll everything to an IRA, in dollars at the person's rates.

In a lump-sum distribution (the whole balance of the employer's plans in one tax year, after leaving,
59½, death or disability: 402(e)(4)(D)) the shares can come out as shares. Then only the plan's cost
of them is income now; the rise in value while in the plan (the NUA) is taxed when the shares are
sold, as long-term capital gain whatever the holding period (Treas. Reg. 1.402(a)-1(b)(1)(i); Notice
98-24). Rolled to an IRA instead, nothing is taxed now and every dollar is taxed as ordinary income
when it comes out. The comparison is at today's value of the shares: growth after the payout is left
out (in a brokerage account it is capital gain, in an IRA ordinary income later).

Rates: the cost basis at the year's brackets on top of the profile's taxable income (else at the
profile's marginal rate), plus the state rate; the NUA at the profile's capital-gains rate
(`tax.capital_gains_rate`, 15 % when it is not given: the rate most people pay; say so) plus the
state rate; IRA withdrawals at the profile's marginal rate in retirement plus the state rate.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ..figure import PCT, Figure, Step
from ..formatting import pct
from ..limits import Constant, Limits, law
from ..money import ZERO, cents, pct_of
from .brackets import tax_on_added_income

PROFILE = "your profile"
NUA = "IRC 402(e)(4)(B)"
ASSUMED_CAPITAL_GAINS_RATE = Decimal(15)  # the long-term rate for most taxable incomes (IRC 1(h)(1)(C))


def net_unrealized_appreciation(limits: Limits, constants: Mapping[str, Constant], *, market_value: Decimal,
                                cost_basis: Decimal, filing_status: str, taxable_income: Decimal | None,
                                marginal_rate_now_pct: Decimal, retirement_rate_pct: Decimal, state_rate_pct: Decimal,
                                capital_gains_rate_pct: Decimal | None, additional_tax_applies: bool) -> Figure:
    """Total tax on the shares taken out under 402(e)(4) against rolled to an IRA.

    Value: market_value, cost_basis, nua, tax_on_basis_now (federal + state), additional_tax_now (10 %
    of the basis before 59½ without an exception: the NUA never pays it), tax_on_nua_later,
    nua_route_tax, ira_route_tax, nua_saves (IRA route − NUA route; negative: the IRA costs less),
    better ("nua" or "ira"). Flags: capital_gains_rate_assumed, no_appreciation."""
    early = constants["early_distribution_tax_pct"]
    nua = max(market_value - cost_basis, ZERO)
    gains_rate = ASSUMED_CAPITAL_GAINS_RATE if capital_gains_rate_pct is None else capital_gains_rate_pct
    flags = set()
    steps = [Step("Company shares in the plan, today's value", market_value, PROFILE),
             Step("The plan's cost of them (its basis)", cost_basis, PROFILE, "−")]
    if market_value <= cost_basis:
        flags.add("no_appreciation")
        steps.append(Step("Under zero counts as zero", ZERO, NUA, "max"))
    steps.append(Step("Net unrealized appreciation (NUA)", nua, NUA, "="))
    # what a lump sum makes income now: the value less the NUA (the basis, or the value if it fell below it)
    taxed_now = market_value - nua
    if market_value < cost_basis:
        steps += [Step("Shares worth less than their basis: their value is income now", taxed_now, NUA)]
    # Route 1: the shares come out as shares in a lump-sum distribution
    if taxable_income is not None:
        federal = tax_on_added_income(limits, filing_status=filing_status, taxable_income=taxable_income,
                                      added=taxed_now, what="the shares' cost basis")
        steps += federal.steps
        federal_tax = federal.value
    else:
        federal_tax = cents(pct_of(marginal_rate_now_pct, taxed_now))
        steps += [Step("The shares' cost basis, income this year", taxed_now, NUA),
                  Step("Your federal marginal rate now", marginal_rate_now_pct, PROFILE, "×", PCT),
                  Step("Federal income tax on it", federal_tax, "", "=")]
    state_now = cents(pct_of(state_rate_pct, taxed_now))
    additional = cents(pct_of(early.value, taxed_now)) if additional_tax_applies else cents(ZERO)
    steps += [Step("The shares' cost basis", taxed_now, ""),
              Step("Your state rate", state_rate_pct, PROFILE, "×", PCT),
              Step("State income tax on it", state_now, "", "="),
              Step("The shares' cost basis", taxed_now, ""),
              Step(f"Additional tax before {law('penalty_free_age').shown} (none on the NUA, none when an exception applies)",
                   early.value if additional_tax_applies else ZERO, early.source, "×", PCT),
              Step("Additional tax now", additional, "", "=")]
    if capital_gains_rate_pct is None:
        flags.add("capital_gains_rate_assumed")
    gains_label = (f"Long-term capital-gains rate (not in your profile: {pct(ASSUMED_CAPITAL_GAINS_RATE)} assumed, the rate of most incomes)"
                   if capital_gains_rate_pct is None else "Your long-term capital-gains rate")
    gains_tax = cents(pct_of(gains_rate + state_rate_pct, nua))
    steps += [Step("NUA, taxed only when you sell the shares", nua, "Treas. Reg. 1.402(a)-1(b)(1)(i); IRS Notice 98-24"),
              Step(f"{gains_label} + state rate ({pct(gains_rate)} + {pct(state_rate_pct)})", gains_rate + state_rate_pct,
                   f"{PROFILE}; IRC 1(h)", "×", PCT),
              Step("Tax on the NUA when you sell", gains_tax, "", "=")]
    nua_route = federal_tax + state_now + additional + gains_tax
    steps += [Step("Federal income tax on the basis now", federal_tax, ""),
              Step("State income tax on the basis now", state_now, "", "+"),
              Step("Additional tax now", additional, early.source, "+"),
              Step("Tax on the NUA when you sell", gains_tax, "", "+"),
              Step("Taking the shares out: tax in all", nua_route, "", "=")]
    # Route 2: everything rolled to a traditional IRA, taxed as ordinary income when withdrawn
    ira_rate = retirement_rate_pct + state_rate_pct
    ira_route = cents(pct_of(ira_rate, market_value))
    steps += [Step("Rolled to an IRA instead: the shares' value, all taxed when withdrawn", market_value, "IRC 408(d)(1)"),
              Step(f"Your federal rate in retirement + state rate ({pct(retirement_rate_pct)} + {pct(state_rate_pct)})",
                   ira_rate, PROFILE, "×", PCT),
              Step("Rolling to an IRA: tax in all", ira_route, "", "="),
              Step("Rolling to an IRA: tax in all", ira_route, ""),
              Step("Taking the shares out: tax in all", nua_route, "", "−")]
    saves = ira_route - nua_route
    better = "nua" if saves > 0 else "ira"
    steps.append(Step("Taking the shares out saves (negative: costs more)", saves, "", "="))
    value = {"market_value": cents(market_value), "cost_basis": cents(cost_basis), "nua": cents(nua),
             "tax_on_basis_now": cents(federal_tax + state_now), "additional_tax_now": additional,
             "tax_on_nua_later": gains_tax, "nua_route_tax": cents(nua_route), "ira_route_tax": ira_route,
             "nua_saves": cents(saves), "better": better, "capital_gains_rate_pct": gains_rate}
    return Figure("net_unrealized_appreciation", value, tuple(steps), flags=frozenset(flags))
