"""The exceptions to the 10 % additional tax a profile names: what each covers, from which money.

Every expected number is worked out by hand in the comment beside its case. Constants
(generator/limits/constants.yaml): birth or adoption $5,000 per child, one $1,000 emergency payout a
year (from 2024), domestic abuse $10,000 and 50 % of the vested balance (from 2024), $22,000 per
qualified disaster, medical expenses above 7.5 % of AGI, public safety at 50 or 25 years of service.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from worked import replay as _replay

from generator.limits import load_constants
from generator.rules.early_payout_exceptions import (IRA, PLAN, Named, additional_tax_after_exceptions,
                                                     exempt_from_additional_tax, public_safety_separation)

D = Decimal
C = load_constants()


def exempt(named, account=PLAN, year=2026, taxable=20_000, vested=100_000, agi=80_000):
    return exempt_from_additional_tax(C, named=named, account=account, year=year, taxable=D(taxable),
                                      vested_balance=D(vested), agi=D(agi))


@pytest.mark.parametrize("named, account, year, taxable, vested, exempt_amount, applied, not_applied", [
    # a disability covers the whole payout: 20,000 free, 0 subject
    ([Named("disability")], PLAN, 2026, 20_000, 100_000, 20_000, ["disability"], []),
    # a QDRO covers payouts from a plan only: from an IRA nothing is free
    ([Named("qdro")], IRA, 2026, 20_000, 100_000, 0, [], ["qdro"]),
    ([Named("qdro")], PLAN, 2026, 20_000, 100_000, 20_000, ["qdro"], []),
    # a first home covers IRA payouts only
    ([Named("first_home", amount=D(10_000))], PLAN, 2026, 20_000, 100_000, 0, [], ["first_home"]),
    # birth or adoption: 8,000 asked, capped at 5,000
    ([Named("birth_or_adoption", amount=D(8_000))], PLAN, 2026, 20_000, 100_000, 5_000, ["birth_or_adoption"], []),
    # the emergency payout exists from 2024: in 2023 it does not count
    ([Named("emergency", amount=D(1_000))], PLAN, 2023, 20_000, 100_000, 0, [], ["emergency"]),
    # 1,500 asked, 1,000 a year at most
    ([Named("emergency", amount=D(1_500))], PLAN, 2026, 20_000, 100_000, 1_000, ["emergency"], []),
    # two of them add up: 5,000 + 1,000 = 6,000
    ([Named("birth_or_adoption", amount=D(5_000)), Named("emergency", amount=D(1_000))], PLAN, 2026, 20_000, 100_000,
     6_000, ["birth_or_adoption", "emergency"], []),
    # medical: 12,000 expenses − 7.5 % × 80,000 AGI (6,000) = 6,000
    ([Named("medical", expenses=D(12_000))], PLAN, 2026, 20_000, 100_000, 6_000, ["medical"], []),
    # medical under the floor: 5,000 − 6,000 → 0
    ([Named("medical", expenses=D(5_000))], PLAN, 2026, 20_000, 100_000, 0, ["medical"], []),
    # domestic abuse: 9,000 asked, under 10,000, but 50 % of a 12,000 vested balance is 6,000
    ([Named("domestic_abuse", amount=D(9_000))], PLAN, 2026, 20_000, 12_000, 6_000, ["domestic_abuse"], []),
    # disaster: 30,000 asked of a 40,000 taxable payout, 22,000 at most
    ([Named("disaster", amount=D(30_000))], PLAN, 2026, 40_000, 100_000, 22_000, ["disaster"], []),
    # a levy covers what the IRS took, no dollar limit, but never more than the taxable part
    ([Named("irs_levy", amount=D(7_000))], PLAN, 2026, 20_000, 100_000, 7_000, ["irs_levy"], []),
    ([Named("irs_levy", amount=D(50_000))], PLAN, 2026, 20_000, 100_000, 20_000, ["irs_levy"], []),
    # terminal illness counts for payouts from 2023 (after Dec 29, 2022)
    ([Named("terminal_illness")], IRA, 2022, 20_000, 100_000, 0, [], ["terminal_illness"]),
    ([Named("terminal_illness")], IRA, 2024, 20_000, 100_000, 20_000, ["terminal_illness"], []),
    # SEPP covers the whole payout from a plan (after leaving) or an IRA
    ([Named("sepp")], IRA, 2026, 20_000, 100_000, 20_000, ["sepp"], []),
    # nothing named: nothing free
    ([], PLAN, 2026, 20_000, 100_000, 0, [], []),
], ids=["disability-whole-payout", "qdro-not-from-an-ira", "qdro-from-a-plan", "first-home-not-from-a-plan",
        "birth-capped-at-5000", "emergency-before-2024", "emergency-capped-at-1000", "birth-and-emergency-add-up",
        "medical-above-the-agi-floor", "medical-under-the-floor", "domestic-abuse-half-the-balance",
        "disaster-capped-at-22000", "levy-amount", "levy-at-most-the-taxable-part", "terminal-illness-before-2023",
        "terminal-illness-from-2023", "sepp-from-an-ira", "none"])
def test_each_exception_covers_only_the_money_it_covers(named, account, year, taxable, vested, exempt_amount,
                                                        applied, not_applied):
    figure = exempt(named, account, year, taxable, vested)
    assert figure.value == {"exempt": D(exempt_amount), "subject": D(taxable - exempt_amount), "applied": applied,
                            "not_applied": not_applied}
    _replay(figure.steps)


def test_additional_tax_on_what_is_left():
    # birth 5,000 of a 20,000 taxable payout: 15,000 × 10 % = 1,500
    figure = additional_tax_after_exceptions(C, exempt([Named("birth_or_adoption", amount=D(5_000))]))
    assert figure.value == D("1500.00")
    _replay(figure.steps)


@pytest.mark.parametrize("birth, left, years, applies, flag", [
    # born 1975: turns 50 in 2025; leaving in 2025 counts
    (date(1975, 11, 30), 2025, None, True, "by_age"),
    # leaving in 2024, the year before turning 50: no
    (date(1975, 11, 30), 2024, None, False, None),
    # born 1980, left 2024 at 44 with 25 years under the plan: the years alternative
    (date(1980, 3, 1), 2024, 25, True, "by_years_of_service"),
    # 24 years: not yet
    (date(1980, 3, 1), 2024, 24, False, None),
    # no separation year: not assumed
    (date(1975, 11, 30), None, 30, False, None),
], ids=["year-of-50", "year-before-50", "25-years-of-service", "24-years", "no-separation-year"])
def test_public_safety_age_50_or_25_years_of_service(birth, left, years, applies, flag):
    figure = public_safety_separation(C, birth_date=birth, separation_year=left, years_of_service=years)
    assert figure.value is applies
    assert figure.flags == (frozenset({flag}) if flag else frozenset())


# ----------------------------------------------------------------------------- through the one hook

from generator.limits import load_limits  # noqa: E402
from generator.rules.rollover import Leaver, PlanLeft, rollover_options  # noqa: E402

BORN_1981 = date(1981, 5, 10)  # 45 in 2026: no 59½, no rule of 55 (left at 44 in 2025)


def leaving(named=(), payout=None, public_safety=False, years=None, born=BORN_1981):
    # 24 % federal + 5 % state, 100,000 pre-tax, paid out Jan 1, 2026
    return rollover_options(load_limits(2026), C, Leaver(born, D(24), D(5)), PlanLeft(
        {"pre_tax": D(100_000)}, date(2026, 1, 1), 2025, public_safety_employee=public_safety,
        years_of_service=years, named_exceptions=tuple(named), payout=payout, agi=D(80_000)))


@pytest.mark.parametrize("kwargs, cash_out_additional, payout_additional", [
    # no exception: 10 % of 100,000 = 10,000; of a 20,000 payout, 2,000
    ({}, D("10000.00"), D("2000.00")),
    # a disability frees every payout from the plan
    ({"named": [Named("disability")]}, D("0.00"), D("0.00")),
    # a birth frees 5,000 of the payout: (20,000 − 5,000) × 10 % = 1,500; cashing out all: 95,000 × 10 % = 9,500
    ({"named": [Named("birth_or_adoption", amount=D(5_000))]}, D("9500.00"), D("1500.00")),
    # a first home is an IRA exception: nothing freed from a plan
    ({"named": [Named("first_home", amount=D(10_000))]}, D("10000.00"), D("2000.00")),
    # public safety: left in 2025 at 44, after 25 years of service: no additional tax from this plan
    ({"public_safety": True, "years": 25}, D("0.00"), D("0.00")),
    # 24 years and 44 years old: neither the years nor the age (50): the full tax
    ({"public_safety": True, "years": 24}, D("10000.00"), D("2000.00")),
    # public safety at the age: born 1975, 50 in 2025, left in 2025
    ({"public_safety": True, "born": date(1975, 6, 1)}, D("0.00"), D("0.00")),
], ids=["none", "disability", "birth-5000-of-the-payout", "first-home-not-from-a-plan", "public-safety-25-years",
        "public-safety-24-years", "public-safety-age-50"])
def test_named_exceptions_go_through_the_one_hook(kwargs, cash_out_additional, payout_additional):
    result = leaving(payout=D(20_000), **kwargs)
    assert result.sources["pre_tax"].options["cash_out"].value["additional_tax"] == cash_out_additional
    assert result.partial_payout.value["additional_tax"] == payout_additional
    _replay(result.sources["pre_tax"].options["cash_out"].steps)
    assert bool(result.additional_tax_exception.value) is (payout_additional == 0)
