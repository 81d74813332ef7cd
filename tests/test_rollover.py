"""Leaving a job: the rollover options, the 10 % additional tax and its exceptions, force-outs,
indirect rollovers, the backdoor-Roth interplay and 402(g) excesses across two employers.

Every expected number is worked out by hand in the comment beside its case.
Limits used (generator/limits/*.yaml): 402(g) $24,500 in 2026 ($23,000 in 2024), catch-up $8,000
(2026) / $7,500 (2024), 60-63 catch-up $11,250 (2026, none in 2024); force-out $5,000 before 2024,
$7,000 from 2024; default IRA above $1,000; withholding 20 %; additional tax 10 %.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.limits import load_constants, load_limits
from generator.money import cents
from generator.rules.rollover import (
    SOURCES,
    Destination,
    IraPicture,
    Leaver,
    PlanLeft,
    backdoor_pro_rata_effect,
    cash_out,
    date_of_age,
    excess_deferral_deadline,
    excess_deferrals,
    force_out,
    leave_in_plan,
    no_exception,
    roll_to_ira,
    roll_to_new_plan,
    roll_to_solo_401k,
    rollover_options,
    taxable_part,
)
from worked import replay

D = Decimal
C = load_constants()
L2026 = load_limits(2026)

BORN_1981 = date(1981, 5, 10)   # 45 in 2026: 55 in 2036, 59½ on 2040-11-10


def options(**overrides):
    """A 2026 leaver: born 1981 (45), left in 2026, paid out July 1, 2026, 24 % federal + 5 % state,
    no new plan, no backdoor, no self-employment; the plan has the rule of 55. Overrides are named
    after the fields of Leaver, PlanLeft, Destination and IraPicture."""
    args = dict(balances={"pre_tax": D(100_000)}, birth_date=BORN_1981, distribution_date=date(2026, 7, 1),
                separation_year=2026, marginal_rate_pct=D(24), state_rate_pct=D(5))
    args.update(overrides)
    limits = load_limits(args.pop("year", 2026))

    def take(cls, **renamed):
        """The overrides meant for `cls`: its renamed ones, else (no renames given) those named as its fields."""
        names = set(renamed) if renamed else {f.name for f in fields(cls)}
        return cls(**{renamed.get(key, key): args.pop(key) for key in list(args) if key in names})

    destination = take(Destination, new_plan_accepts_roll_ins="accepts_roll_ins", new_plan_offers_roth="offers_roth",
                       new_plan_expense_ratio_pct="expense_ratio_pct", new_plan_is_governmental_457b="governmental_457b")
    iras = take(IraPicture, backdoor_this_year="backdoor_this_year", traditional_ira_balance="dec_31_balance",
                nondeductible_basis="nondeductible_basis", conversion_amount="conversion_amount",
                ira_expense_ratio_pct="expense_ratio_pct")
    plan = take(PlanLeft, balances="balances", distribution_date="distribution_date", separation_year="separation_year",
                plan_has_rule_of_55="rule_of_55_withdrawals", public_safety_employee="public_safety_employee",
                roth_contributions="roth_contributions", first_roth_year="first_roth_year",
                governmental_457b="governmental_457b", rolled_in="rolled_in", payout="payout",
                old_plan_expense_ratio_pct="expense_ratio_pct", other_exception="other_exception")
    leaver = take(Leaver)
    assert not args, f"unknown overrides: {args}"
    return rollover_options(limits, C, leaver, plan, destination, iras)


# ----------------------------------------------------------------------------- the 10 % and its exceptions

# Every case cashes out $100,000 of pre-tax money at 22 % federal + 5 % state = 27 %:
# withheld 20 % × 100,000 = 20,000; income tax 27 % × 100,000 = 27,000; net cash 100,000 − 20,000 = 80,000.
# With the 10 %: additional 10,000, due at filing 27,000 + 10,000 − 20,000 = 17,000.
# Without it:    additional 0,      due at filing 27,000 − 20,000 = 7,000.
AGE_CASES = [
    # born 1981: 55 in 2036, 59½ in 2040; left 2026 → no exception
    (date(1981, 5, 10), 2026, date(2026, 7, 1), False, True, "", D(10_000), D(17_000)),
    # born 1972-03-15: 55 in 2027; left in 2026, the year before → the rule of 55 does not apply
    (date(1972, 3, 15), 2026, date(2026, 10, 1), False, True, "", D(10_000), D(17_000)),
    # same person paid out in June 2027, after turning 55: it is the year of *separation* that counts → still 10 %
    (date(1972, 3, 15), 2026, date(2027, 6, 1), False, True, "", D(10_000), D(17_000)),
    # born 1971-11-20: turns 55 on 2026-11-20; left in March 2026, before the birthday but in the calendar year → 0
    (date(1971, 11, 20), 2026, date(2026, 3, 15), False, True, "", D(0), D(7_000)),
    # born 1971-12-31: turns 55 on the last day of 2026; leaving on Jan 2 2026 is still in that year → 0
    (date(1971, 12, 31), 2026, date(2026, 1, 2), False, True, "", D(0), D(7_000)),
    # born 1976-08-01: 50 in 2026, public-safety employee leaving in 2026 → 72(t)(10) → 0
    (date(1976, 8, 1), 2026, date(2026, 9, 1), True, True, "", D(0), D(7_000)),
    # the same 50-year-old outside public safety: 55 only in 2031 → 10 %
    (date(1976, 8, 1), 2026, date(2026, 9, 1), False, True, "", D(10_000), D(17_000)),
    # public safety born 1977-02-01: 50 in 2027, left in 2026 → 10 %
    (date(1977, 2, 1), 2026, date(2026, 9, 1), True, True, "", D(10_000), D(17_000)),
    # born 1966-01-10: 59½ on 2025-07-10; left an old job in 2010 (age 44, no rule of 55); paid 2026-02-01 → 0
    (date(1966, 1, 10), 2010, date(2026, 2, 1), False, True, "", D(0), D(7_000)),
    # born 1967-01-15: 59½ on 2026-07-15; paid the day before → 10 %
    (date(1967, 1, 15), 2000, date(2026, 7, 14), False, True, "", D(10_000), D(17_000)),
    # ... paid on that day → 0
    (date(1967, 1, 15), 2000, date(2026, 7, 15), False, True, "", D(0), D(7_000)),
    # born 1971-06-01, left in 2026 (year of 55) from a plan without partial withdrawals: the exception is the
    # law's, so a lump sum still pays no 10 %
    (date(1971, 6, 1), 2026, date(2026, 9, 30), False, False, "", D(0), D(7_000)),
    # 45-year-old with an exception the profile names (disability) → 0
    (date(1981, 5, 10), 2026, date(2026, 7, 1), False, True, "disability, IRC 72(t)(2)(A)(iii)", D(0), D(7_000)),
]
AGE_IDS = [
    "age-45-pays-10pct",
    "age-54-separating-year-before-55-pays-10pct",
    "left-at-54-paid-after-55th-birthday-still-pays-10pct",
    "age-55-separating-in-year-of-55-before-birthday-no-10pct",
    "turns-55-on-dec-31-separating-jan-2-no-10pct",
    "public-safety-50-in-year-of-separation-no-10pct",
    "age-50-not-public-safety-pays-10pct",
    "public-safety-separating-year-before-50-pays-10pct",
    "age-60-past-59-half-no-10pct",
    "day-before-59-half-pays-10pct",
    "on-59-half-date-no-10pct",
    "plan-without-rule-of-55-withdrawals-lump-sum-still-exempt",
    "named-other-exception-no-10pct",
]


@pytest.mark.parametrize("birth, separated, paid, public_safety, plan_rule, other, additional, due", AGE_CASES, ids=AGE_IDS)
def test_cash_out_additional_tax_by_age_and_separation(birth, separated, paid, public_safety, plan_rule, other,
                                                        additional, due):
    result = options(birth_date=birth, separation_year=separated, distribution_date=paid,
                     public_safety_employee=public_safety, plan_has_rule_of_55=plan_rule, other_exception=other,
                     marginal_rate_pct=D(22), state_rate_pct=D(5))
    cash = result.sources["pre_tax"].options["cash_out"].value
    assert cash["withheld"] == D(20_000)
    assert cash["income_tax"] == D(27_000)
    assert cash["net_cash"] == D(80_000)
    assert cash["additional_tax"] == additional
    assert cash["tax_due_at_filing"] == due
    assert result.additional_tax_exception.value is (additional == 0)


RULE_OF_55_CASES = [
    # (birth, separation year, public safety, expected)
    (date(1972, 3, 15), 2026, False, False),   # 55 in 2027 > 2026
    (date(1971, 3, 15), 2026, False, True),    # 55 in 2026 = 2026
    (date(1961, 3, 15), 2026, False, True),    # 55 in 2016 < 2026 (left at 65: in *or after*)
    (date(1976, 8, 1), 2026, True, True),      # 50 in 2026, public safety
    (date(1976, 8, 1), 2026, False, False),    # 55 in 2031
    (date(1971, 3, 15), None, False, False),   # year left unknown: never assumed
]


@pytest.mark.parametrize("birth, separated, public_safety, expected", RULE_OF_55_CASES,
                         ids=["left-year-before-55-no", "left-in-year-of-55-yes", "left-at-65-yes",
                              "public-safety-left-in-year-of-50-yes", "age-50-not-public-safety-no",
                              "separation-year-unknown-not-assumed"])
def test_rule_of_55_applies(birth, separated, public_safety, expected):
    result = options(birth_date=birth, separation_year=separated, public_safety_employee=public_safety)
    assert result.rule_of_55.value is expected
    assert result.to_json()["rule_of_55_applies"] is expected


@pytest.mark.parametrize("birth, age, expected", [
    (date(1967, 1, 15), D("59.5"), date(2026, 7, 15)),   # Jan 15 + 59 years 6 months
    (date(1966, 8, 31), D("59.5"), date(2026, 2, 28)),   # Aug 31 + 6 months → Feb has 28 days in 2026
    (date(1968, 2, 29), D("59.5"), date(2027, 8, 29)),   # Feb 29 + 59y6m → Aug 29, 2027
    (date(1966, 12, 31), D("59.5"), date(2026, 6, 30)),  # Dec 31 + 6 months → June has 30 days
    (date(1971, 6, 1), D(55), date(2026, 6, 1)),         # a whole age is the birthday
], ids=["mid-month", "end-of-august-to-february", "leap-day", "december-31-to-june-30", "whole-age"])
def test_date_of_age(birth, age, expected):
    assert date_of_age(birth, age) == expected


# ----------------------------------------------------------------------------- each balance source

# 45-year-old (born 1981, paid July 2026, no exception) at 24 % + 5 % = 29 % unless stated.
SOURCE_CASES = [
    # pre-tax 50,000: all taxable; withheld 20 % = 10,000; income tax 29 % = 14,500; additional 10 % = 5,000;
    # net 50,000 − 10,000 = 40,000; due 14,500 + 5,000 − 10,000 = 9,500
    ("pre_tax", D(50_000), {}, D(50_000), D(10_000), D(14_500), D(5_000), D(40_000), D(9_500)),
    # after-tax basis 20,000: nothing taxable, so nothing withheld, no tax; net = the whole 20,000; due 0
    ("after_tax_basis", D(20_000), {}, D(0), D(0), D(0), D(0), D(20_000), D(0)),
    # after-tax earnings 4,000: all taxable; withheld 800; income 29 % = 1,160; additional 400; net 3,200;
    # due 1,160 + 400 − 800 = 760
    ("after_tax_earnings", D(4_000), {}, D(4_000), D(800), D(1_160), D(400), D(3_200), D(760)),
    # Roth 10,000 at 45 (not qualified), contributions 8,000 → earnings 2,000 taxable; withheld 400;
    # income 580; additional 200; net 9,600; due 580 + 200 − 400 = 380
    ("roth", D(10_000), {"roth_contributions": D(8_000)}, D(2_000), D(400), D(580), D(200), D(9_600), D(380)),
    # Roth 10,000 at 45 with the contributions unknown: worst case, all 10,000 taxable; withheld 2,000;
    # income 2,900; additional 1,000; net 8,000; due 2,900 + 1,000 − 2,000 = 1,900
    ("roth", D(10_000), {}, D(10_000), D(2_000), D(2_900), D(1_000), D(8_000), D(1_900)),
    # Roth 10,000 at 60 (born 1966-01-10, 59½ on 2025-07-10), first Roth contribution in 2021: the five
    # taxable years 2021-2025 are over by 2026 → qualified: nothing taxable
    ("roth", D(10_000), {"birth_date": date(1966, 1, 10), "first_roth_year": 2021}, D(0), D(0), D(0), D(0), D(10_000), D(0)),
    # Roth at 60 but first contribution in 2022: qualified only from 2027; contributions 8,000 → 2,000 taxable;
    # withheld 400; income 580; no additional (59½); net 9,600; due 580 − 400 = 180
    ("roth", D(10_000), {"birth_date": date(1966, 1, 10), "first_roth_year": 2022, "roth_contributions": D(8_000)},
     D(2_000), D(400), D(580), D(0), D(9_600), D(180)),
    # Roth at 60, the first year not in the profile: the five years are not assumed; contributions unknown too,
    # so all 10,000 taxable; withheld 2,000; income 2,900; no additional (59½); net 8,000; due 2,900 − 2,000 = 900
    ("roth", D(10_000), {"birth_date": date(1966, 1, 10)}, D(10_000), D(2_000), D(2_900), D(0), D(8_000), D(900)),
    # Roth at 55 under the rule of 55 (born 1971-06-01, left 2026), contributions 6,000 → 4,000 taxable;
    # withheld 800; income 1,160; additional 0; net 9,200; due 1,160 − 800 = 360
    ("roth", D(10_000), {"birth_date": date(1971, 6, 1), "roth_contributions": D(6_000)},
     D(4_000), D(800), D(1_160), D(0), D(9_200), D(360)),
    # cents: pre-tax 12,345.67 at 22 % + 4.5 % = 26.5 %. withheld 2,469.134 → 2,469.13; income 3,271.60255 →
    # 3,271.60; additional 1,234.567 → 1,234.57; net 12,345.67 − 2,469.13 = 9,876.54;
    # due 3,271.60 + 1,234.57 − 2,469.13 = 2,037.04
    ("pre_tax", D("12345.67"), {"marginal_rate_pct": D(22), "state_rate_pct": D("4.5")},
     D("12345.67"), D("2469.13"), D("3271.60"), D("1234.57"), D("9876.54"), D("2037.04")),
    # low bracket past 59½ gets money back: pre-tax 10,000 at 10 % + 0 %, born 1966; withheld 2,000;
    # income 1,000; no additional; net 8,000; due 1,000 − 2,000 = −1,000 (a refund)
    ("pre_tax", D(10_000), {"birth_date": date(1966, 1, 10), "marginal_rate_pct": D(10), "state_rate_pct": D(0)},
     D(10_000), D(2_000), D(1_000), D(0), D(8_000), D(-1_000)),
]
SOURCE_IDS = [
    "pre-tax-all-taxable-withheld-and-10pct",
    "after-tax-basis-not-taxed-not-withheld",
    "after-tax-earnings-taxed-like-pre-tax",
    "roth-not-qualified-earnings-taxed",
    "roth-split-unknown-worst-case-all-taxed",
    "roth-qualified-at-60-tax-free",
    "roth-at-60-five-years-not-met-earnings-taxed-no-10pct",
    "roth-at-60-five-years-unknown-not-assumed",
    "roth-rule-of-55-earnings-taxed-no-10pct",
    "odd-cents-round-half-up-per-amount",
    "low-bracket-gets-refund-at-filing",
]


@pytest.mark.parametrize("source, amount, extra, taxable, withheld, income_tax, additional, net, due", SOURCE_CASES,
                         ids=SOURCE_IDS)
def test_cash_out_by_balance_source(source, amount, extra, taxable, withheld, income_tax, additional, net, due):
    result = options(balances={source: amount}, **extra)
    found = result.sources[source]
    assert found.taxable.value == taxable
    cash = found.options["cash_out"].value
    assert (cash["withheld"], cash["income_tax"], cash["additional_tax"], cash["net_cash"], cash["tax_due_at_filing"]) == \
        (withheld, income_tax, additional, net, due)


def test_zero_balances_are_left_out_and_unknown_sources_refused():
    result = options(balances={"pre_tax": D(1_000), "roth": D(0)})
    assert list(result.sources) == ["pre_tax"]
    with pytest.raises(ValueError, match="unknown balance source"):
        options(balances={"pretax": D(1_000)})


def test_json_has_every_option_with_decimal_amounts_to_the_cent():
    data = options(balances={"pre_tax": D(100_000), "after_tax_basis": D(20_000)}, new_plan_accepts_roll_ins=True).to_json()
    assert set(data) == {"rollover_options", "rule_of_55_applies"}
    pre_tax = data["rollover_options"]["pre_tax"]
    assert {"cash_out", "leave", "new_plan", "ira", "recommended_option", "reasons"} <= set(pre_tax)
    assert "solo_401k" not in pre_tax   # no self-employment income: only shown where available
    for option in ("cash_out", "leave", "new_plan", "ira"):
        for key in ("withheld", "income_tax", "additional_tax", "net_cash"):
            assert str(pre_tax[option][key]).count(".") == 1 and len(str(pre_tax[option][key]).split(".")[1]) == 2
    assert str(pre_tax["ira"]["withheld"]) == "0.00"
    assert pre_tax["cash_out"]["net_cash"] == D("80000.00")    # 100,000 − 20 % withheld


# ----------------------------------------------------------------------------- the options and the recommendation

OPTION_CASES = [
    # 55-year-old under the rule of 55 (born 1971-06-01, left 2026): only the old plan keeps penalty-free access,
    # so leave it; rolling to an IRA gives it up.
    ("pre_tax", {"birth_date": date(1971, 6, 1), "distribution_date": date(2026, 9, 30), "new_plan_accepts_roll_ins": True},
     "leave", {"ira": True, "new_plan": True}),
    # 45, no backdoor, new plan takes roll-ins: default order puts the new plan first.
    ("pre_tax", {"new_plan_accepts_roll_ins": True}, "new_plan", {}),
    # 45, no new plan, no backdoor: an IRA.
    ("pre_tax", {}, "ira", {}),
    # 45, backdoor this year, no new plan: an IRA would poison the conversion, so leave it.
    ("pre_tax", {"backdoor_this_year": True, "conversion_amount": D(7_500), "nondeductible_basis": D(7_500)}, "leave", {}),
    # 45, backdoor, self-employed, no new plan: the solo 401(k) keeps it out of the IRA balance.
    ("pre_tax", {"backdoor_this_year": True, "conversion_amount": D(7_500), "self_employment_income": True},
     "solo_401k", {}),
    # Roth money at 45: a Roth IRA.
    ("roth", {"new_plan_accepts_roll_ins": True, "new_plan_offers_roth": True}, "ira", {}),
    # after-tax basis always to a Roth IRA (Notice 2014-54), even in a backdoor year.
    ("after_tax_basis", {"backdoor_this_year": True, "conversion_amount": D(7_500)}, "ira", {}),
    # at 60 (born 1966-01-10) the rule of 55 is no longer worth keeping: new plan by default.
    ("pre_tax", {"birth_date": date(1966, 1, 10), "distribution_date": date(2026, 2, 1), "new_plan_accepts_roll_ins": True},
     "new_plan", {"ira": False, "new_plan": False}),
]


@pytest.mark.parametrize("source, extra, recommended, gives_up", OPTION_CASES, ids=[
    "rule-of-55-leaver-keeps-money-in-old-plan",
    "age-45-new-plan-takes-roll-ins",
    "age-45-no-new-plan-rolls-to-ira",
    "backdoor-year-without-new-plan-leaves-it",
    "backdoor-year-self-employed-uses-solo-401k",
    "roth-money-to-roth-ira",
    "after-tax-basis-to-roth-ira-in-backdoor-year",
    "age-60-rule-of-55-no-longer-matters",
])
def test_recommended_option(source, extra, recommended, gives_up):
    result = options(balances={source: D(100_000)}, **extra)
    found = result.sources[source]
    assert found.recommendation.value == recommended
    assert found.options["cash_out"].value["available"] and found.recommendation.value != "cash_out"
    for option, expected in gives_up.items():
        assert found.options[option].value["gives_up_rule_of_55"] is expected
    labels = " ".join(step.label for step in found.recommendation.steps)
    assert "Rule of 55" in labels and "Backdoor Roth" in labels   # the two deciders are always called out


@pytest.mark.parametrize("fees, recommended, decided_by_fees", [
    # no new plan: candidates are the IRA and the old plan, both known. 0.04 % < 0.60 % → IRA
    ({"old_plan_expense_ratio_pct": D("0.60"), "ira_expense_ratio_pct": D("0.04")}, "ira", True),
    # a very cheap old plan: 0.02 % < 0.10 % → leave it
    ({"old_plan_expense_ratio_pct": D("0.02"), "ira_expense_ratio_pct": D("0.10")}, "leave", True),
    # equal fees: the default order (IRA before leaving it) breaks the tie
    ({"old_plan_expense_ratio_pct": D("0.05"), "ira_expense_ratio_pct": D("0.05")}, "ira", True),
    # only one fee known: fees are not compared, never guessed → default (IRA)
    ({"old_plan_expense_ratio_pct": D("0.02")}, "ira", False),
], ids=["cheaper-ira-wins", "cheaper-old-plan-wins", "equal-fees-default-order", "one-fee-unknown-not-compared"])
def test_fees_decide_only_when_all_known(fees, recommended, decided_by_fees):
    recommendation = options(**fees).sources["pre_tax"].recommendation
    assert recommendation.value == recommended
    assert recommendation.has("decided_by_fees") is decided_by_fees


def test_after_tax_earnings_leave_with_their_basis():
    # Basis goes to a Roth IRA; the same payout takes the earnings out, so "leave" is not offered as the choice
    # even for a rule-of-55 leaver; backdoor year → not the IRA → the new plan.
    result = options(balances={"after_tax_basis": D(20_000), "after_tax_earnings": D(4_000)},
                     birth_date=date(1971, 6, 1), distribution_date=date(2026, 9, 30), new_plan_accepts_roll_ins=True,
                     backdoor_this_year=True, conversion_amount=D(7_500))
    assert result.sources["after_tax_basis"].recommendation.value == "ira"
    assert result.sources["after_tax_basis"].options["ira"].value["destination"] == "Roth IRA"
    assert result.sources["after_tax_earnings"].recommendation.value == "new_plan"
    assert result.sources["after_tax_earnings"].options["ira"].value["destination"] == "traditional IRA"


@pytest.mark.parametrize("source, accepts, offers_roth, available", [
    ("pre_tax", None, False, False),     # no new plan in the profile
    ("pre_tax", False, False, False),    # plan refuses roll-ins
    ("pre_tax", True, False, True),
    ("roth", True, False, False),        # Roth money needs a Roth account (402A(c)(3))
    ("roth", True, True, True),
], ids=["no-new-plan", "no-roll-ins", "roll-ins-accepted", "roth-into-plan-without-roth", "roth-into-plan-with-roth"])
def test_new_plan_availability(source, accepts, offers_roth, available):
    figure = roll_to_new_plan(source=source, amount=D(1_000), accepts_roll_ins=accepts, offers_roth=offers_roth,
                              rule_of_55_at_stake=False)
    assert figure.value["available"] is available
    assert figure.value["stays_tax_advantaged"] == (D(1_000) if available else D(0))


@pytest.mark.parametrize("source, se_income, available", [
    ("pre_tax", True, True), ("after_tax_earnings", True, True), ("roth", True, False),
    ("after_tax_basis", True, False), ("pre_tax", False, False),
], ids=["pre-tax-ok", "earnings-ok", "roth-not-assumed", "basis-not-assumed", "no-self-employment"])
def test_solo_401k_availability(source, se_income, available):
    figure = roll_to_solo_401k(source=source, amount=D(1_000), self_employment_income=se_income,
                               rule_of_55_at_stake=False)
    assert figure.value["available"] is available


@pytest.mark.parametrize("source, backdoor, pro_rata, flag", [
    ("pre_tax", True, D(30_000), "backdoor_pro_rata"),             # the whole 30,000 joins the Dec 31 balance
    ("pre_tax", False, D(30_000), "future_backdoor_pro_rata"),
    ("after_tax_earnings", True, D(30_000), "backdoor_pro_rata"),  # earnings go to a traditional IRA too
    ("roth", True, D(0), None),                                    # Roth IRAs are not in the denominator
    ("after_tax_basis", True, D(0), None),
], ids=["pre-tax-backdoor-year", "pre-tax-future-backdoor", "earnings-backdoor-year", "roth-no-effect", "basis-no-effect"])
def test_ira_rollover_and_the_pro_rata_balance(source, backdoor, pro_rata, flag):
    figure = roll_to_ira(source=source, amount=D(30_000), rule_of_55_at_stake=False, backdoor_this_year=backdoor)
    assert figure.value["adds_to_ira_pro_rata"] == pro_rata
    assert figure.value["withheld"] == D(0) and figure.value["income_tax"] == D(0)
    if flag:
        assert figure.has(flag)


def test_rolling_to_ira_gives_up_rule_of_55_only_when_at_stake():
    assert roll_to_ira(source="pre_tax", amount=D(1), rule_of_55_at_stake=True, backdoor_this_year=False).has("gives_up_rule_of_55")
    assert not roll_to_ira(source="pre_tax", amount=D(1), rule_of_55_at_stake=False, backdoor_this_year=False).has("gives_up_rule_of_55")


# ----------------------------------------------------------------------------- force-outs

@pytest.mark.parametrize("year, balance, may, to_ira", [
    (2023, D("5000.00"), True, True),    # 5,000 ≤ 5,000 (pre-2024 limit); 5,000 > 1,000 → default IRA
    (2023, D("5000.01"), False, False),  # one cent over the 2023 limit: consent needed
    (2023, D(6_000), False, False),      # 6,000 > 5,000 in 2023 ...
    (2024, D(6_000), True, True),        # ... but ≤ 7,000 from 2024 (SECURE 2.0 s.304)
    (2024, D("7000.00"), True, True),    # exactly 7,000: may be forced out
    (2024, D("7000.01"), False, False),  # one cent over
    (2018, D(4_999), True, True),        # 4,999 ≤ 5,000 in 2018
    (2026, D("1000.00"), True, False),   # 1,000 is not above 1,000: a check may be mailed
    (2026, D("1000.01"), True, True),    # above 1,000: default IRA
], ids=["2023-at-5000", "2023-cent-over-5000", "2023-6000-not-forced", "2024-6000-forced", "2024-at-7000",
        "2024-cent-over-7000", "2018-under-5000", "2026-at-1000-check", "2026-cent-over-1000-default-ira"])
def test_force_out_threshold_by_year(year, balance, may, to_ira):
    figure = force_out(load_limits(year), C, plan_balance=balance)
    assert figure.value["may_force_out"] is may
    assert figure.value["to_default_ira"] is to_ira
    assert figure.value["threshold"] == (D(5_000) if year < 2024 else D(7_000))


def test_small_balance_is_not_recommended_to_stay():
    # 5,000 pre-tax in 2026 (≤ 7,000): the plan may pay it out, so "leave" is not the recommendation even
    # in a backdoor year without a new plan; the IRA is then the only home, with the conflict flagged.
    result = options(balances={"pre_tax": D(5_000)}, backdoor_this_year=True, conversion_amount=D(7_500))
    found = result.sources["pre_tax"]
    assert found.options["leave"].value["may_be_forced_out"] is True
    assert found.recommendation.value == "ira"
    assert found.recommendation.has("backdoor_conflict")
    # the same 5,000 in 2023 (limit 5,000) may be forced out too; 6,000 in 2023 may not
    assert options(year=2023, balances={"pre_tax": D(6_000)}).force_out.value["may_force_out"] is False


# ----------------------------------------------------------------------------- the 60-day indirect rollover

# What is not made up is paid out for good. Within each account (a designated Roth account is a
# separate contract) the amount rolled over is the taxable part first (IRC 402(c)(2); Treas. Reg.
# 1.402A-1 Q&A-5(a)), so the shortfall is the account's tax-free money first: after-tax basis, Roth
# contributions. Taxed shortfall per account = max(withheld from it − its tax-free money, 0).
@pytest.mark.parametrize("balances, extra, check, make_up, taxed, tax", [
    # 50,000 pre-tax at 45: withheld 20 % = 10,000; check 40,000; make up 10,000 from other money;
    # no tax-free money, so 10,000 is taxed at 24 + 5 + 10 = 39 % → 3,900
    ({"pre_tax": D(50_000)}, {}, D(40_000), D(10_000), D(10_000), D(3_900)),
    # same under the rule of 55 (born 1971-06-01, left 2026): no 10 % → 29 % × 10,000 = 2,900
    ({"pre_tax": D(50_000)}, {"birth_date": date(1971, 6, 1), "distribution_date": date(2026, 9, 30)},
     D(40_000), D(10_000), D(10_000), D(2_900)),
    # 30,000 pre-tax + 10,000 basis: only 30,000 taxable → withheld 6,000; check 40,000 − 6,000 = 34,000;
    # make up 6,000; the shortfall is basis first: max(6,000 − 10,000, 0) = 0 taxed → tax 0
    ({"pre_tax": D(30_000), "after_tax_basis": D(10_000)}, {}, D(34_000), D(6_000), D(0), D(0)),
    # Javier's Initech 401(k) (profiles/personas/javier.yaml, age 42, 32 % + 5 % + 10 %): 120,000 pre-tax,
    # 20,000 basis, 4,000 earnings. Taxable 124,000 → withheld 24,800; check 144,000 − 24,800 = 119,200.
    # Shortfall 24,800 − basis 20,000 = 4,800 taxed × 47 % = 2,256 (the old sum taxed all 24,800: 11,656)
    ({"pre_tax": D(120_000), "after_tax_basis": D(20_000), "after_tax_earnings": D(4_000)},
     {"birth_date": date(1984, 3, 2), "marginal_rate_pct": D(32)},
     D(119_200), D(24_800), D(4_800), D(2_256)),
    # Omar (omar.yaml, 45, 24 % + 5 % + 10 % = 39 %): 85,000 pre-tax; Roth 12,000 of which 9,500
    # contributions → Roth taxable 2,500. Non-Roth withheld 17,000, Roth withheld 500; make up 17,500;
    # check 97,000 − 17,500 = 79,500. Taxed: pre-tax 17,000 − 0 = 17,000; Roth max(500 − 9,500, 0) = 0.
    # 17,000 × 39 % = 6,630 (the old sum taxed 17,500: 6,825)
    ({"pre_tax": D(85_000), "roth": D(12_000)}, {"birth_date": date(1981, 4, 22), "roth_contributions": D(9_500)},
     D(79_500), D(17_500), D(17_000), D(6_630)),
    # Grace (grace.yaml): born 1971-09-03, leaves 2026-05-29, the year she turns 55 → rule of 55, no 10 %;
    # 22 % + 4 % = 26 %. 420,000 pre-tax, Roth 30,000 of which 24,000 contributions → Roth taxable 6,000.
    # Withheld 84,000 + 1,200 = 85,200; check 450,000 − 85,200 = 364,800. Taxed: 84,000 + max(1,200 −
    # 24,000, 0) = 84,000 × 26 % = 21,840 (the old sum taxed 85,200: 22,152)
    ({"pre_tax": D(420_000), "roth": D(30_000)},
     {"birth_date": date(1971, 9, 3), "distribution_date": date(2026, 5, 29), "marginal_rate_pct": D(22),
      "state_rate_pct": D(4), "roth_contributions": D(24_000)},
     D(364_800), D(85_200), D(84_000), D(21_840)),
], ids=["age-45-make-up-20pct", "rule-of-55-no-additional-tax-on-shortfall", "shortfall-is-basis-first",
        "javier-basis-absorbs-most-of-shortfall", "omar-roth-shortfall-from-contributions",
        "grace-rule-of-55-roth-shortfall-from-contributions"])
def test_indirect_rollover(balances, extra, check, make_up, taxed, tax):
    figure = options(balances=balances, **extra).indirect_rollover
    assert figure.value["check_received"] == check
    assert figure.value["make_up"] == make_up
    assert figure.value["taxed_if_not_made_up"] == taxed
    assert figure.value["tax_if_not_made_up"] == tax
    assert any(step.amount == D(60) and "Days" in step.label for step in figure.steps)
    replay(figure.steps)


@pytest.mark.parametrize("source, where", [
    ("pre_tax", "a traditional IRA, or a workplace plan"),
    ("after_tax_earnings", "a traditional IRA, or a workplace plan"),
    # 402(c)(2)(A): after-tax basis reaches a plan only by direct rollover
    ("after_tax_basis", "an IRA only"),
    # Treas. Reg. 1.402A-1 Q&A-5(a): in 60 days Roth money goes only to a Roth IRA
    ("roth", "a Roth IRA only"),
], ids=["pre-tax-ira-or-plan", "earnings-ira-or-plan", "basis-ira-only", "roth-roth-ira-only"])
def test_sixty_day_destination_per_source(source, where):
    figure = options(balances={source: D(10_000)}, roth_contributions=D(0)).indirect_rollover
    assert figure.value["sixty_day_destinations"][source].startswith(where)
    assert any(where in step.label for step in figure.steps)


# Cash out, net after all tax = paid − income tax − additional tax (the table's "cash to you now" is
# before the rest of the tax: paid − 20 % withheld).
@pytest.mark.parametrize("amount, extra, net_now, net_after_tax", [
    # Omar's pre-tax 85,000 at 24 + 5 = 29 % + 10 %: income 24,650, additional 8,500 → 85,000 − 33,150 = 51,850;
    # now: 85,000 − 17,000 = 68,000
    (D(85_000), {"birth_date": date(1981, 4, 22)}, D(68_000), D(51_850)),
    # Javier's pre-tax 120,000 at 32 + 5 = 37 % + 10 %: 44,400 + 12,000 = 56,400 → 63,600; now 96,000
    (D(120_000), {"birth_date": date(1984, 3, 2), "marginal_rate_pct": D(32)}, D(96_000), D(63_600)),
    # Grace's pre-tax 420,000 at 22 + 4 = 26 %, rule of 55 (no 10 %): 109,200 → 310,800; now 420,000 − 84,000
    (D(420_000), {"birth_date": date(1971, 9, 3), "distribution_date": date(2026, 5, 29), "marginal_rate_pct": D(22),
                  "state_rate_pct": D(4)}, D(336_000), D(310_800)),
], ids=["omar-with-additional-tax", "javier-with-additional-tax", "grace-rule-of-55"])
def test_cash_out_net_after_all_tax(amount, extra, net_now, net_after_tax):
    cash = options(balances={"pre_tax": amount}, **extra).sources["pre_tax"].options["cash_out"]
    assert (cash.value["net_cash"], cash.value["net_after_tax"]) == (net_now, net_after_tax)
    replay(cash.steps)


# A nonqualified partial payout is pro rata (IRC 72(e)(8); Treas. Reg. 1.402A-1 Q&A-3), taken from every
# account in proportion to its balance.
@pytest.mark.parametrize("balances, payout, roth_contributions, extra, taxable, additional", [
    # $10,000 of a $30,000 Roth 401(k) with $24,000 contributions: earnings share 6,000 ÷ 30,000 = 0.2 →
    # 2,000 taxable (a Roth IRA, contributions first, would be 0); 10 % of 2,000 = 200
    ({"roth": D(30_000)}, D(10_000), D(24_000), {}, D(2_000), D(200)),
    # Grace draws 45,000 from 420,000 pre-tax + 30,000 Roth (24,000 contributions) under the rule of 55:
    # share 45,000 ÷ 450,000 = 0.1 → 42,000 pre-tax (all taxable) + 3,000 Roth × 0.2 = 600 → 42,600; no 10 %
    ({"pre_tax": D(420_000), "roth": D(30_000)}, D(45_000), D(24_000),
     {"birth_date": date(1971, 9, 3), "distribution_date": date(2026, 5, 29)}, D(42_600), D(0)),
    # after-tax: 8,000 basis + 2,000 earnings, 5,000 out: 4,000 basis + 1,000 earnings → 1,000 taxable, 100 additional
    ({"after_tax_basis": D(8_000), "after_tax_earnings": D(2_000)}, D(5_000), None, {}, D(1_000), D(100)),
    # qualified Roth (born 1960: past 59½ in 2026; first Roth contribution 2019, five years met from 2024): nothing taxable
    ({"roth": D(30_000)}, D(10_000), D(24_000), {"birth_date": date(1960, 1, 1), "first_roth_year": 2019}, D(0), D(0)),
], ids=["roth-401k-pro-rata-not-basis-first", "grace-rule-of-55-drawdown", "after-tax-pro-rata",
        "qualified-roth-tax-free"])
def test_partial_payout_is_pro_rata(balances, payout, roth_contributions, extra, taxable, additional):
    figure = options(balances=balances, payout=payout, roth_contributions=roth_contributions, **extra).partial_payout
    assert figure.value["taxable"] == taxable
    assert figure.value["tax_free"] == payout - taxable
    assert figure.value["additional_tax"] == additional
    replay(figure.steps)


# A governmental 457(b) payout pays no 10 % additional tax except on money rolled in from other plans
# (IRC 72(t)(9)). At 45, 24 % + 5 %.
@pytest.mark.parametrize("pre_tax, rolled_in, additional, shortfall_tax", [
    # 100,000 pre-tax, nothing rolled in: additional tax 0; indirect shortfall 20,000 × 29 % = 5,800
    (D(100_000), D(0), D(0), D(5_800)),
    # 30,000 of it rolled in: 10 % × 30,000 = 3,000; the shortfall may be rolled-in money: 20,000 × 39 % = 7,800
    (D(100_000), D(30_000), D(3_000), D(7_800)),
], ids=["457b-no-additional-tax", "457b-rolled-in-part-pays-it"])
def test_governmental_457b(pre_tax, rolled_in, additional, shortfall_tax):
    result = options(balances={"pre_tax": pre_tax}, governmental_457b=True, rolled_in=rolled_in,
                     new_plan_accepts_roll_ins=True)
    pre = result.sources["pre_tax"]
    assert pre.options["cash_out"].value["additional_tax"] == additional
    assert result.indirect_rollover.value["tax_if_not_made_up"] == shortfall_tax
    # rolling to an IRA or a 401(k) gives the exemption up, and the comparison says so
    assert pre.options["ira"].value["gives_up_457b_exemption"] is True
    assert pre.options["new_plan"].value["gives_up_457b_exemption"] is True
    assert pre.recommendation.value == "leave"


def test_457b_to_another_governmental_457b_keeps_the_exemption():
    result = options(balances={"pre_tax": D(100_000)}, governmental_457b=True, new_plan_accepts_roll_ins=True,
                     new_plan_is_governmental_457b=True)
    assert result.sources["pre_tax"].options["new_plan"].value["gives_up_457b_exemption"] is False


# ----------------------------------------------------------------------------- backdoor Roth: this year's conversion

@pytest.mark.parametrize("rolled, ira_balance, basis, converted, extra", [
    # without: 7,000 ÷ (0 + 7,000) = 1 → all tax-free, taxable 0. with 93,000 rolled: 7,000 ÷ 100,000 = 0.07 →
    # tax-free 490, taxable 6,510. extra 6,510
    (D(93_000), D(0), D(7_000), D(7_000), D(6_510)),
    # without: 7,000 ÷ (13,000 + 7,000) = 0.35 → 2,450 tax-free, 4,550 taxable. with 50,000 more:
    # 7,000 ÷ 70,000 = 0.1 → 700 tax-free, 6,300 taxable. extra 6,300 − 4,550 = 1,750
    (D(50_000), D(13_000), D(7_000), D(7_000), D(1_750)),
    # nothing rolled: nothing changes
    (D(0), D(0), D(7_000), D(7_000), D(0)),
    # no conversion this year: this year's return unaffected
    (D(93_000), D(0), D(7_000), D(0), D(0)),
], ids=["clean-backdoor-made-93pct-taxable", "existing-balance-gets-worse", "nothing-rolled", "no-conversion-this-year"])
def test_backdoor_pro_rata_effect(rolled, ira_balance, basis, converted, extra):
    figure = backdoor_pro_rata_effect(rolled_to_ira=rolled, traditional_ira_balance=ira_balance,
                                      nondeductible_basis=basis, conversion_amount=converted)
    assert figure.value == extra


def test_backdoor_year_needs_a_conversion_amount():
    with pytest.raises(ValueError, match="conversion_amount"):
        options(backdoor_this_year=True)


# ----------------------------------------------------------------------------- 402(g) across two employers

@pytest.mark.parametrize("year, old, new, age, excess", [
    # 15,000 + 12,000 = 27,000 − 24,500 = 2,500
    (2026, D(15_000), D(12_000), 40, D(2_500)),
    # 12,000 + 12,500 = 24,500: exactly the limit → 0
    (2026, D(12_000), D(12_500), 40, D(0)),
    # 12,000 + 12,500.01 = 24,500.01 → 0.01
    (2026, D(12_000), D("12500.01"), 40, D("0.01")),
    # 52: 20,000 + 12,000 = 32,000 − (24,500 + 8,000 = 32,500) = −500 → 0
    (2026, D(20_000), D(12_000), 52, D(0)),
    # 52: 20,000 + 13,000 = 33,000 − 32,500 = 500
    (2026, D(20_000), D(13_000), 52, D(500)),
    # 61: 36,000 − (24,500 + 11,250 = 35,750) = 250
    (2026, D(20_000), D(16_000), 61, D(250)),
    # 64: back to the age-50 catch-up: 36,000 − 32,500 = 3,500
    (2026, D(20_000), D(16_000), 64, D(3_500)),
    # 2024, 61: no 60-63 catch-up yet: 32,000 − (23,000 + 7,500 = 30,500) = 1,500
    (2024, D(20_000), D(12_000), 61, D(1_500)),
    # 49: no catch-up: 26,000 − 24,500 = 1,500
    (2026, D(13_000), D(13_000), 49, D(1_500)),
], ids=["age-40-over-by-2500", "age-40-exactly-at-limit", "age-40-one-cent-over", "age-52-catch-up-covers-it",
        "age-52-over-limit-plus-catch-up", "age-61-larger-catch-up", "age-64-regular-catch-up",
        "2024-age-61-no-60-63-catch-up-yet", "age-49-no-catch-up"])
def test_excess_deferrals_across_two_employers(year, old, new, age, excess):
    figure = excess_deferrals(load_limits(year), deferrals_by_employer={"Initech": old, "Globex": new}, age_on_dec_31=age)
    assert figure.value == excess
    assert figure.has("excess_deferral") is (excess > 0)


def test_excess_deferrals_deadline_is_april_15_next_year():
    assert excess_deferral_deadline(2026) == date(2027, 4, 15)
    figure = excess_deferrals(L2026, deferrals_by_employer={"Initech": D(15_000), "Globex": D(12_000)}, age_on_dec_31=40)
    assert any("Apr 15, 2027" in step.label for step in figure.steps)


# ----------------------------------------------------------------------------- the worked example reads as pencil work

@pytest.mark.parametrize("source", SOURCES)
def test_cash_out_steps_add_up(source):
    result = options(balances={source: D("43210.99")}, roth_contributions=D(30_000))
    replay(result.sources[source].options["cash_out"].steps)


def test_indirect_rollover_and_excess_steps_add_up():
    replay(options(balances={"pre_tax": D(50_000)}).indirect_rollover.steps)
    replay(excess_deferrals(L2026, deferrals_by_employer={"A": D(15_000), "B": D(12_000)}, age_on_dec_31=52).steps)
    replay(excess_deferrals(L2026, deferrals_by_employer={"A": D(15_000), "B": D(22_000)}, age_on_dec_31=52).steps)
    replay(backdoor_pro_rata_effect(rolled_to_ira=D(50_000), traditional_ira_balance=D(13_000),
                                     nondeductible_basis=D(7_000), conversion_amount=D(7_000)).steps)


# ----------------------------------------------------------------------------- properties

money = st.decimals(min_value=D(0), max_value=D(10_000_000), places=2, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=D(0), max_value=D(50), places=1, allow_nan=False, allow_infinity=False)
births = st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31))


@settings(max_examples=300, deadline=None)
@given(source=st.sampled_from(SOURCES), amount=money, marginal=rate, state=st.decimals(min_value=D(0), max_value=D(15), places=2),
       birth=births, separated=st.integers(1990, 2026), paid=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
       public_safety=st.booleans(), roth_contributions=st.one_of(st.none(), money),
       accepts=st.one_of(st.none(), st.booleans()), se=st.booleans())
def test_properties_of_every_option(source, amount, marginal, state, birth, separated, paid, public_safety,
                                    roth_contributions, accepts, se):
    result = options(balances={source: amount}, marginal_rate_pct=marginal, state_rate_pct=state, birth_date=birth,
                     separation_year=separated, distribution_date=paid, public_safety_employee=public_safety,
                     roth_contributions=roth_contributions, new_plan_accepts_roll_ins=accepts,
                     self_employment_income=se)
    # From the year of the first RMD (born 1953: 2026) the year's RMD comes out of the pre-tax money first,
    # whatever the choice; the options compare what is left (roth owes none from 2024).
    rmd = result.rmd_this_year.value
    assert rmd == 0 or source != "roth"
    amount -= min(rmd, amount) if source == "pre_tax" else 0
    if not amount:
        assert source not in result.sources
        return
    found = result.sources[source]
    cash = found.options["cash_out"].value
    taxable = found.taxable.value
    assert D(0) <= taxable <= amount
    assert D(0) <= cash["net_cash"] <= amount
    # 20 % of the taxable part, none on a payout under $200 (Treas. Reg. 31.3405(c)-1, Q&A-14)
    assert cash["withheld"] == (cents(taxable * 20 / 100) if amount >= 200 else 0)
    assert cash["tax_due_at_filing"] == cash["income_tax"] + cash["additional_tax"] - cash["withheld"]
    if result.additional_tax_exception.value:
        assert cash["additional_tax"] == 0
    else:
        assert cash["additional_tax"] == cents(taxable * 10 / 100)
    if source == "after_tax_basis":
        assert cash["withheld"] == 0 and cash["net_cash"] == amount
    for name, figure in found.options.items():
        if name != "cash_out":   # direct rollovers and leaving it: nothing withheld, taxed or paid in cash
            value = figure.value
            assert value["withheld"] == value["income_tax"] == value["additional_tax"] == value["net_cash"] == 0
    assert found.recommendation.value != "cash_out"
    assert found.options[found.recommendation.value].value["available"]
    indirect = result.indirect_rollover.value
    assert indirect["check_received"] + indirect["make_up"] == amount


@settings(max_examples=200, deadline=None)
@given(balance=money, year=st.sampled_from([2018, 2023, 2024, 2026]))
def test_force_out_property(balance, year):
    figure = force_out(load_limits(year), C, plan_balance=balance)
    assert figure.value["may_force_out"] is (balance <= figure.value["threshold"])
    if figure.value["to_default_ira"]:
        assert figure.value["may_force_out"] and balance > 1000


@settings(max_examples=200, deadline=None)
@given(old=money, new=money, age=st.integers(18, 80))
def test_excess_deferrals_property(old, new, age):
    figure = excess_deferrals(L2026, deferrals_by_employer={"old": old, "new": new}, age_on_dec_31=age)
    assert figure.value >= 0
    assert figure.value <= old + new
    if old + new <= L2026.elective_deferral.value:
        assert figure.value == 0


def test_cash_out_and_leave_figures_directly():
    # Direct use of the small functions: 2,000 of pre-tax at 45 → withheld 400, net 1,600.
    taxable = taxable_part("pre_tax", D(2_000))
    cash = cash_out(C, amount=D(2_000), taxable=taxable, marginal_rate_pct=D(12), state_rate_pct=D(0),
                    additional_tax=no_exception(C))
    # income 12 % × 2,000 = 240; additional 200; due 240 + 200 − 400 = 40
    assert (cash.value["withheld"], cash.value["net_cash"], cash.value["tax_due_at_filing"]) == (D(400), D(1_600), D(40))
    leave = leave_in_plan(source="pre_tax", amount=D(2_000), may_be_forced_out=True,
                          force_out_source=L2026.force_out_limit.source, rule_of_55_at_stake=False)
    assert leave.has("may_be_forced_out") and leave.value["stays_tax_advantaged"] == D(2_000)


def test_excess_deferrals_claim_by_march_1_and_payout_by_april_15():
    # 15,000 + 22,000 = 37,000 at 40 in 2026 (24,500 limit, no catch-up): 12,500 over. Treas. Reg.
    # 1.402(g)-1(e)(2) lets plans require the claim by March 1 of the next year; IRC 402(g)(2)(A)(ii)
    # wants the excess paid out by April 15.
    figure = excess_deferrals(L2026, deferrals_by_employer={"A": D(15_000), "B": D(22_000)}, age_on_dec_31=40)
    assert figure.value == D(12_500)
    labels = " ".join(step.label for step in figure.steps)
    assert "Mar 1, 2027" in labels and "Apr 15, 2027" in labels
