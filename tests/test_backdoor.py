"""Backdoor Roth: Form 8606 lines 1-18 per person, and the year's conversion with the pro-rata rule.

Every expected number is worked by hand in the comment beside its case, line by line as on
Form 8606: 3 = 1 + 2; 5 = 3 − 4; 9 = 6 + 7 + 8; 10 = 5 ÷ 9 (not above 1); 11 = 8 × 10; 12 = 7 × 10;
13 = 11 + 12; 14 = 3 − 13; 15a = 7 − 12, 15c = 15a − 15b; 16 = 8; 17 = 11; 18 = 16 − 17.
Line 10 is kept exact rather than cut to 3 places (see generator/rules/backdoor.py); lines 11 and
12 are rounded to the cent.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.figure import RATIO, Figure
from generator.rules.backdoor import backdoor_conversion, form_8606
from worked import checks_out

D = Decimal


def _line_10(figure: Figure) -> Decimal | None:
    found = [s for s in figure.steps if s.label.startswith("Line 10:")]
    assert len(found) <= 1
    if found:
        assert found[0].unit == RATIO
        return found[0].amount
    return None


def _form(contributions, prior_basis, year_end, distributions=0, converted=0, after_year_end=0):
    return form_8606(nondeductible_contributions=D(contributions), prior_basis=D(prior_basis),
                     year_end_traditional_value=D(year_end), distributions=D(distributions), converted=D(converted),
                     contributions_after_year_end=D(after_year_end), tax_year=2026)


# ----------------------------------------------------------------------------- Form 8606

FORM_CASES = [
    # (line 1, line 2, line 6, line 7, line 8, line 4) -> lines, line 10 as (numerator, denominator)
    # clean backdoor: 3 = 7,500; 9 = 0 + 0 + 7,500; 10 = 7,500 ÷ 7,500 = 1; 11 = 7,500; 14 = 0; 18 = 0
    ((7500, 0, 0, 0, 7500, 0),
     {"1": 7500, "2": 0, "3": 7500, "4": 0, "5": 7500, "6": 0, "7": 0, "8": 7500, "9": 7500, "11": 7500, "12": 0,
      "13": 7500, "14": 0, "16": 7500, "17": 7500, "18": 0}, (1, 1)),
    # $5 of earnings: 9 = 7,005; 10 = 7,000 ÷ 7,005 = 0.999286…; 11 = 7,005 × 7,000 ÷ 7,005 = 7,000; 18 = 5
    # (cut to 0.999 the form would give 11 = 6,997.995 → 6,998 and tax $7 instead of the $5 earned)
    ((7000, 0, 0, 0, 7005, 0),
     {"1": 7000, "2": 0, "3": 7000, "4": 0, "5": 7000, "6": 0, "7": 0, "8": 7005, "9": 7005, "11": 7000, "12": 0,
      "13": 7000, "14": 0, "16": 7005, "17": 7000, "18": 5}, (7000, 7005)),
    # $63,000 pre-tax IRA on Dec 31: 9 = 63,000 + 7,000 = 70,000; 10 = 0.1; 11 = 700; 14 = 7,000 − 700 = 6,300;
    # 18 = 7,000 − 700 = 6,300
    ((7000, 0, 63_000, 0, 7000, 0),
     {"1": 7000, "2": 0, "3": 7000, "4": 0, "5": 7000, "6": 63_000, "7": 0, "8": 7000, "9": 70_000, "11": 700,
      "12": 0, "13": 700, "14": 6300, "16": 7000, "17": 700, "18": 6300}, (1, 10)),
    # basis from earlier years converted with this year's: 3 = 7,000 + 14,000 = 21,000; 9 = 22,500 (with $1,500
    # earned); 10 = 21,000 ÷ 22,500 = 0.9333…; 11 = 22,500 × 21,000 ÷ 22,500 = 21,000; 14 = 0; 18 = 1,500
    ((7000, 14_000, 0, 0, 22_500, 0),
     {"1": 7000, "2": 14_000, "3": 21_000, "4": 0, "5": 21_000, "6": 0, "7": 0, "8": 22_500, "9": 22_500,
      "11": 21_000, "12": 0, "13": 21_000, "14": 0, "16": 22_500, "17": 21_000, "18": 1500}, (21_000, 22_500)),
    # no distribution, no conversion: the form stops at line 3 and 14 = 3 = 6,500 + 13,000 = 19,500
    ((6500, 13_000, 45_000, 0, 0, 0), {"1": 6500, "2": 13_000, "3": 19_500, "14": 19_500}, None),
    # a distribution only: 9 = 30,000 + 10,000 = 40,000; 10 = 10,000 ÷ 40,000 = 0.25; 12 = 10,000 × 0.25 = 2,500;
    # 14 = 10,000 − 2,500 = 7,500; 15a = 10,000 − 2,500 = 7,500 = 15c; no Part II
    ((0, 10_000, 30_000, 10_000, 0, 0),
     {"1": 0, "2": 10_000, "3": 10_000, "4": 0, "5": 10_000, "6": 30_000, "7": 10_000, "8": 0, "9": 40_000,
      "11": 0, "12": 2500, "13": 2500, "14": 7500, "15a": 7500, "15b": 0, "15c": 7500}, (1, 4)),
    # distribution and conversion: 3 = 10,000; 9 = 30,000 + 5,000 + 15,000 = 50,000; 10 = 0.2; 11 = 3,000;
    # 12 = 1,000; 13 = 4,000; 14 = 6,000; 15a = 5,000 − 1,000 = 4,000; 18 = 15,000 − 3,000 = 12,000
    ((7000, 3000, 30_000, 5000, 15_000, 0),
     {"1": 7000, "2": 3000, "3": 10_000, "4": 0, "5": 10_000, "6": 30_000, "7": 5000, "8": 15_000, "9": 50_000,
      "11": 3000, "12": 1000, "13": 4000, "14": 6000, "15a": 4000, "15b": 0, "15c": 4000, "16": 15_000,
      "17": 3000, "18": 12_000}, (1, 5)),
    # this year's 7,000 paid next February (line 4): 3 = 12,000; 5 = 12,000 − 7,000 = 5,000; 9 = 15,000 + 5,000
    # = 20,000; 10 = 0.25; 11 = 1,250; 14 = 12,000 − 1,250 = 10,750 (the late contribution stays basis); 18 = 3,750
    ((7000, 5000, 15_000, 0, 5000, 7000),
     {"1": 7000, "2": 5000, "3": 12_000, "4": 7000, "5": 5000, "6": 15_000, "7": 0, "8": 5000, "9": 20_000,
      "11": 1250, "12": 0, "13": 1250, "14": 10_750, "16": 5000, "17": 1250, "18": 3750}, (1, 4)),
    # basis above the IRAs' value (a loss): 9 = 2,000 + 5,000 = 7,000; 10,000 ÷ 7,000 > 1 → 1; 11 = 5,000;
    # 14 = 10,000 − 5,000 = 5,000; 18 = 0
    ((0, 10_000, 2000, 0, 5000, 0),
     {"1": 0, "2": 10_000, "3": 10_000, "4": 0, "5": 10_000, "6": 2000, "7": 0, "8": 5000, "9": 7000, "11": 5000,
      "12": 0, "13": 5000, "14": 5000, "16": 5000, "17": 5000, "18": 0}, (1, 1)),
    # a third: 9 = 14,000 + 7,000 = 21,000; 10 = 1/3; 11 = 7,000 ÷ 3 = 2,333.33…→ 2,333.33;
    # 14 = 7,000 − 2,333.33 = 4,666.67; 18 = 4,666.67
    ((7000, 0, 14_000, 0, 7000, 0),
     {"1": 7000, "2": 0, "3": 7000, "4": 0, "5": 7000, "6": 14_000, "7": 0, "8": 7000, "9": 21_000,
      "11": D("2333.33"), "12": 0, "13": D("2333.33"), "14": D("4666.67"), "16": 7000, "17": D("2333.33"),
      "18": D("4666.67")}, (1, 3)),
    # two half cents: 9 = 0 + 1,000 + 11,800 = 12,800; 10 = 7,000 ÷ 12,800 = 0.546875; 11 = 6,453.125 → 6,453.13;
    # 12 = 546.875 would round to 546.88 and spend 7,000.01 of a 7,000 basis, so it takes the 546.87 left;
    # 13 = 7,000; 14 = 0; 15a = 1,000 − 546.87 = 453.13; 18 = 11,800 − 6,453.13 = 5,346.87
    ((7000, 0, 0, 1000, 11_800, 0),
     {"1": 7000, "2": 0, "3": 7000, "4": 0, "5": 7000, "6": 0, "7": 1000, "8": 11_800, "9": 12_800,
      "11": D("6453.13"), "12": D("546.87"), "13": 7000, "14": 0, "15a": D("453.13"), "15b": 0, "15c": D("453.13"),
      "16": 11_800, "17": D("6453.13"), "18": D("5346.87")}, (7000, 12_800)),
]


@pytest.mark.parametrize("inputs, lines, line_10", FORM_CASES, ids=[
    "clean-backdoor", "backdoor-with-five-dollars-earnings", "pretax-balance-spoils-backdoor",
    "prior-basis-carried-and-converted", "basis-only-part-i-skipped", "distribution-only",
    "distribution-and-conversion", "contribution-made-after-year-end-line-4", "basis-above-value-ratio-capped",
    "one-third-rounded-to-the-cent", "half-cents-never-spend-more-basis-than-exists",
])
def test_form_8606(inputs, lines, line_10):
    figure = _form(*inputs)
    assert figure.value == lines
    ratio = _line_10(figure)
    if line_10 is None:
        assert ratio is None
    else:
        assert abs(ratio - D(line_10[0]) / D(line_10[1])) < D("1e-25")
    checks_out(figure)


def test_form_8606_steps_read_line_by_line():
    figure = _form(7000, 0, 63_000, 0, 7000)
    numbers = [s.label.split(":")[0] for s in figure.steps if ":" in s.label]  # not the lines restated
    assert numbers == [f"Line {n}" for n in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
                                              "14", "16", "17", "18")]
    line_6 = figure.steps[5]
    assert line_6.label == "Line 6: value of all traditional, SEP and SIMPLE IRAs on Dec 31, 2026"
    assert line_6.source == "Form 8606 line 6"


def test_form_8606_rejects_impossible_inputs():
    with pytest.raises(ValueError):
        _form(-1, 0, 0)
    with pytest.raises(ValueError):
        _form(7000, 0, 0, after_year_end=7001)  # line 4 is part of line 1


# ----------------------------------------------------------------------------- the year's backdoor

CONVERSION_CASES = [
    # (contribution, prior basis, pre-tax balance, converted or None, earnings, distributions) -> value, flags
    # clean: line 6 = 0 + 0 + 7,500 − 7,500 = 0; 9 = 7,500; 10 = 1; nothing taxable
    ((7500, 0, 0, None, 0, 0), (7500, 7500, 0, 0), {"tax_free", "ratio_capped"}),
    # $12.34 earned: converted 7,012.34; line 6 = 0; 11 = 7,012.34 × 7,000 ÷ 7,012.34 = 7,000; taxable 12.34
    ((7000, 0, 0, None, D("12.34"), 0), (D("7012.34"), 7000, D("12.34"), 0), set()),
    # $92,500 pre-tax: line 6 = 92,500; 9 = 100,000; 10 = 0.075; 11 = 562.50; 18 = 6,937.50; 14 = 6,937.50
    ((7500, 0, 92_500, None, 0, 0), (7500, D("562.50"), D("6937.50"), D("6937.50")),
     {"pro_rata_problem", "basis_carried_forward"}),
    # basis 5,000 and 40,000 pre-tax: line 6 = 52,000 − 7,000 = 45,000; 3 = 12,000; 9 = 52,000;
    # 11 = 7,000 × 12,000 ÷ 52,000 = 1,615.384… → 1,615.38; 18 = 5,384.62; 14 = 12,000 − 1,615.38 = 10,384.62
    ((7000, 5000, 40_000, None, 0, 0), (7000, D("1615.38"), D("5384.62"), D("10384.62")),
     {"pro_rata_problem", "basis_carried_forward"}),
    # the convert-everything fix: 100,000 converted; line 6 = 0; 10 = 7,500 ÷ 100,000 = 0.075;
    # 11 = 7,500; taxable 92,500 (the whole pre-tax balance); basis 0
    ((7500, 0, 92_500, 100_000, 0, 0), (100_000, 7500, 92_500, 0), {"pro_rata_problem"}),
    # contributed but not converted yet: Part I stops at line 3; basis 7,000 carried forward
    ((7000, 0, 0, 0, 0, 0), (0, 0, 0, 7000), {"basis_carried_forward", "part_i_skipped"}),
    # 8,000 converted from 7,000 held: line 6 = 0 (not −1,000); 9 = 8,000; 11 = 8,000 × 7,000 ÷ 8,000 = 7,000;
    # taxable 1,000
    ((7000, 0, 0, 8000, 0, 0), (8000, 7000, 1000, 0), {"conversion_exceeds_balance"}),
    # a 3,000 distribution too: line 6 = 27,000 − 3,000 − 7,000 = 17,000; 9 = 27,000; 10 = 7/27;
    # 11 = 7,000 × 7,000 ÷ 27,000 = 1,814.814… → 1,814.81; 12 = 3,000 × 7/27 = 777.777… → 777.78;
    # 13 = 2,592.59; 14 = 7,000 − 2,592.59 = 4,407.41; 18 = 7,000 − 1,814.81 = 5,185.19
    ((7000, 0, 20_000, None, 0, 3000), (7000, D("1814.81"), D("5185.19"), D("4407.41")),
     {"pro_rata_problem", "basis_carried_forward"}),
]


@pytest.mark.parametrize("inputs, expected, flags", CONVERSION_CASES, ids=[
    "clean-backdoor-tax-free", "clean-backdoor-earnings-only-taxable", "pretax-balance-spoils",
    "prior-basis-with-pretax-balance", "convert-everything-taxes-the-pretax-balance", "no-conversion-basis-carried",
    "conversion-above-balance-flagged", "distribution-and-conversion",
])
def test_backdoor_conversion(inputs, expected, flags):
    contribution, prior, pretax, converted, earnings, distributions = inputs
    figure = backdoor_conversion(contribution=D(contribution), prior_basis=D(prior), pretax_balance=D(pretax),
                                 converted=None if converted is None else D(converted), earnings=D(earnings),
                                 distributions=D(distributions), tax_year=2026)
    assert figure.value == dict(zip(("converted", "nontaxable", "taxable", "basis_carried_forward"), expected))
    assert set(figure.flags) == flags
    checks_out(figure)


def test_each_spouse_files_their_own_form():
    # Ana has no IRA money; Ben holds 50,000 pre-tax. Ana: 10 = 1, nothing taxable. Ben: 9 = 57,000;
    # 11 = 7,000 × 7,000 ÷ 57,000 = 859.649… → 859.65; 18 = 6,140.35. Ben's IRA is not on Ana's form.
    ana = backdoor_conversion(contribution=D(7000), prior_basis=D(0), pretax_balance=D(0))
    ben = backdoor_conversion(contribution=D(7000), prior_basis=D(0), pretax_balance=D(50_000))
    assert ana.value["taxable"] == 0
    assert ben.value["taxable"] == D("6140.35")


def test_default_conversion_is_marked_as_assumed():
    figure = backdoor_conversion(contribution=D(7500), prior_basis=D(0), pretax_balance=D(0))
    converted = next(s for s in figure.steps if s.label == "Converted to a Roth IRA")
    assert converted.source.startswith("assumed")


# ----------------------------------------------------------------------------- properties

cents = st.integers(min_value=0, max_value=50_000_000).map(lambda c: D(c).scaleb(-2))
small_cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: D(c).scaleb(-2))


@given(contributions=small_cents, prior=cents, year_end=cents, distributions=cents, converted=cents,
       late_share=st.integers(min_value=0, max_value=100))
def test_form_8606_invariants(contributions, prior, year_end, distributions, converted, late_share):
    late = (contributions * late_share / 100).quantize(D("0.01"), rounding=ROUND_DOWN)
    lines = form_8606(nondeductible_contributions=contributions, prior_basis=prior,
                      year_end_traditional_value=year_end, distributions=distributions, converted=converted,
                      contributions_after_year_end=late).value
    assert lines["14"] >= 0                                   # basis is never negative
    if "13" in lines:
        assert lines["13"] + lines["14"] == lines["3"]
        assert lines["11"] + lines["12"] <= lines["5"]
    if "18" in lines:
        assert 0 <= lines["18"] <= lines["16"]                # taxable part between 0 and the amount converted
    if "15c" in lines:
        assert 0 <= lines["15c"] <= lines["7"]


@given(contribution=small_cents, prior=cents, pretax=cents, earnings=small_cents, distributions=cents,
       converted=st.none() | cents)
def test_backdoor_taxable_part_between_zero_and_converted(contribution, prior, pretax, earnings, distributions,
                                                          converted):
    value = backdoor_conversion(contribution=contribution, prior_basis=prior, pretax_balance=pretax,
                                converted=converted, earnings=earnings, distributions=distributions).value
    assert 0 <= value["taxable"] <= value["converted"]
    assert value["nontaxable"] + value["taxable"] == value["converted"]
    assert value["basis_carried_forward"] >= 0


@given(contribution=small_cents.filter(lambda c: c > 0),
       earnings=st.integers(0, 100_000).map(lambda c: D(c).scaleb(-2)))
def test_clean_backdoor_taxes_only_the_earnings(contribution, earnings):
    # nothing else in traditional IRAs: 9 = contribution + earnings, and with line 10 kept exact
    # 11 = (c + e) × c ÷ (c + e) = c, so 18 = e to the cent, however small e is
    value = backdoor_conversion(contribution=contribution, prior_basis=D(0), pretax_balance=D(0),
                                earnings=earnings).value
    assert value["taxable"] == earnings
    assert value["basis_carried_forward"] == 0
