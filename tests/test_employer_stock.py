"""Company stock in a plan: net unrealized appreciation (IRC 402(e)(4)) against rolling to an IRA.

Every expected number is worked out by hand in the comment beside its case. 2026 single brackets
(Rev. Proc. 2025-32): 12 % to 50,400, 22 % to 105,700, 24 % to 201,775. Additional tax 10 %.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from worked import replay as _replay

from generator.limits import load_constants, load_limits
from generator.rules.employer_stock import net_unrealized_appreciation

D = Decimal
C = load_constants()
L2026 = load_limits(2026)


def nua(value, basis, *, income=60_000, now=22, retirement=22, state=4, gains=15, additional=False):
    return net_unrealized_appreciation(
        L2026, C, market_value=D(value), cost_basis=D(basis), filing_status="single",
        taxable_income=None if income is None else D(income), marginal_rate_now_pct=D(now),
        retirement_rate_pct=D(retirement), state_rate_pct=D(state),
        capital_gains_rate_pct=None if gains is None else D(gains), additional_tax_applies=additional)


@pytest.mark.parametrize("kwargs, basis_now, additional, later, nua_route, ira_route, saves, better", [
    # Carl: 200,000 of shares, 40,000 basis, NUA 160,000. Basis on top of 60,000 taxable income stays in
    # 22 % (to 105,700): 8,800 + state 4 % 1,600 = 10,400 now; NUA × (15 + 4) % = 30,400 later;
    # 40,800 in all. IRA: 200,000 × (22 + 4) % = 52,000. Taking the shares out saves 11,200.
    ({}, D("10400.00"), D("0.00"), D("30400.00"), D("40800.00"), D("52000.00"), D("11200.00"), "nua"),
    # the same before 59½ without an exception: 10 % × 40,000 basis = 4,000 more now; still saves 7,200
    ({"additional": True}, D("10400.00"), D("4000.00"), D("30400.00"), D("44800.00"), D("52000.00"), D("7200.00"),
     "nua"),
    # a basis near the value: 200,000 of shares, 180,000 basis, NUA 20,000. Basis on 60,000: 45,700 at 22 %
    # = 10,054, 96,075 at 24 % = 23,058, 38,225 at 32 % (201,775 to 240,000) = 12,232 → 45,344 + state 7,200
    # = 52,544; NUA 20,000 × 19 % = 3,800 → 56,344 against 52,000: the IRA costs 4,344 less
    ({"basis": 180_000}, D("52544.00"), D("0.00"), D("3800.00"), D("56344.00"), D("52000.00"), D("-4344.00"), "ira"),
    # no taxable income in the profile: the marginal rate now, 22 % × 40,000 = 8,800, same as Carl
    ({"income": None}, D("10400.00"), D("0.00"), D("30400.00"), D("40800.00"), D("52000.00"), D("11200.00"), "nua"),
    # no capital-gains rate in the profile: 15 % assumed, the same answer as Carl's 15 %
    ({"gains": None}, D("10400.00"), D("0.00"), D("30400.00"), D("40800.00"), D("52000.00"), D("11200.00"), "nua"),
], ids=["carl", "before-59-half", "high-basis-ira-wins", "marginal-rate-without-taxable-income",
        "gains-rate-assumed"])
def test_nua_against_an_ira_rollover(kwargs, basis_now, additional, later, nua_route, ira_route, saves, better):
    basis = kwargs.pop("basis", 40_000)
    figure = nua(200_000, basis, **kwargs)
    v = figure.value
    assert (v["tax_on_basis_now"], v["additional_tax_now"], v["tax_on_nua_later"], v["nua_route_tax"],
            v["ira_route_tax"], v["nua_saves"], v["better"]) == (basis_now, additional, later, nua_route, ira_route,
                                                                 saves, better)
    assert figure.has("capital_gains_rate_assumed") is ("gains" in kwargs)
    _replay(figure.steps)


def test_shares_worth_less_than_their_basis_have_no_nua():
    # 30,000 of shares bought for 50,000: NUA 0, so a lump sum makes their 30,000 value income now (never more
    # than was paid out): 30,000 at 22 % on top of 60,000 = 6,600 + 4 % state 1,200 = 7,800, the same as rolling
    # over (30,000 × 26 % = 7,800) but sooner: the IRA is the better home
    figure = nua(30_000, 50_000)
    assert (figure.value["nua"], figure.value["tax_on_basis_now"], figure.value["ira_route_tax"]) == (
        D("0.00"), D("7800.00"), D("7800.00"))
    assert figure.value["better"] == "ira" and figure.has("no_appreciation")
    _replay(figure.steps)
