"""IRAs: contribution limit (catch-up, compensation, spousal IRA), the traditional IRA deduction and the
Roth IRA limit by MAGI, the MAGI estimate, the IRA route and the pro-rata fix.

Every expected number is worked by hand in the comment beside its case:
- deduction cases follow Pub 590-A Worksheet 1-2: line 1 = end of the range, line 2 = MAGI,
  line 3 = line 1 − line 2, line 4 = line 3 × (dollar limit ÷ width) rounded UP to the next $10 and
  at least $200, line 5 = compensation; the answer is the lesser of lines 4 and 5;
- Roth cases follow Pub 590-A Worksheet 2-2: line 3 = MAGI − start, line 5 = line 3 ÷ width,
  line 6 = the lesser of the dollar limit and compensation, line 7 = line 5 × line 6, line 8 =
  line 6 − line 7 rounded UP to the next $10 and at least $200, line 10 = line 6 − traditional
  contributions, line 11 = the lesser of lines 8 and 10.
Ranges (IRS Notices 2023-75, 2024-80, 2025-67; married-separate ranges are not indexed):
  deduction, single/HoH covered:  2024 77,000-87,000   2025 79,000-89,000   2026 81,000-91,000
  deduction, joint covered:       2024 123,000-143,000 2025 126,000-146,000 2026 129,000-149,000
  deduction, joint spouse covered:2024 230,000-240,000 2025 236,000-246,000 2026 242,000-252,000
  Roth, single/HoH:               2024 146,000-161,000 2025 150,000-165,000 2026 153,000-168,000
  Roth, joint/QSS:                2024 230,000-240,000 2025 236,000-246,000 2026 242,000-252,000
  married separate, lived together (both): 0-10,000
  dollar limit 2024-2025 $7,000 (+$1,000 at 50); 2026 $7,500 (+$1,100 at 50).
Worksheet 1-2 percentages: limit ÷ width, e.g. 2026 single 7,500 ÷ 10,000 = 75 % (86 % at 50+),
2026 joint covered 7,500 ÷ 20,000 = 37.5 % (43 %); 2024-2025: 70 % (80 %) and 35 % (40 %).
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.limits import available_years, load_limits
from generator.rules.ira import (
    FILING_STATUSES,
    FIXES,
    ROUTES,
    deduction_phaseout_range,
    estimated_magi,
    ira_contribution_limit,
    ira_dollar_limit,
    ira_route,
    pro_rata_fix,
    roth_ira_limit,
    roth_phaseout_range,
    traditional_ira_deductible_limit,
)
from worked import checks_out

D = Decimal


# ----------------------------------------------------------------------------- contribution limit

CONTRIBUTION_CASES = [
    # (year, age, compensation, filing_status, spouse_compensation, spouse_ira) -> limit
    ((2024, 49, 100_000, "single", 0, 0), 7000),          # 49 on Dec 31: no catch-up, $7,000
    ((2024, 50, 100_000, "single", 0, 0), 8000),          # 50: 7,000 + 1,000
    ((2025, 49, 100_000, "head_of_household", 0, 0), 7000),
    ((2025, 50, 100_000, "head_of_household", 0, 0), 8000),
    ((2026, 49, 100_000, "single", 0, 0), 7500),          # 2026 limit $7,500
    ((2026, 50, 100_000, "single", 0, 0), 8600),          # 7,500 + 1,100 (catch-up indexed for 2026)
    ((2026, 30, 4321, "single", 0, 0), 4321),             # lesser of 7,500 and 4,321 of pay
    ((2026, 55, 8000, "single", 0, 0), 8000),             # lesser of 8,600 and 8,000
    ((2026, 40, 0, "single", 0, 0), 0),                   # no compensation, no IRA
    # spousal IRA: lower earner counts own pay + spouse's pay − spouse's IRA contributions
    ((2026, 45, 0, "married_joint", 60_000, 7500), 7500),      # 0 + 60,000 − 7,500 = 52,500; lesser of 7,500
    ((2025, 40, 2000, "married_joint", 9000, 7000), 4000),     # 2,000 + (9,000 − 7,000) = 4,000 < 7,000
    ((2025, 40, 1000, "married_joint", 5000, 5000), 1000),     # 1,000 + (5,000 − 5,000) = 1,000
    ((2024, 51, 0, "married_joint", 200_000, 8000), 8000),     # catch-up and spousal: 7,000 + 1,000 = 8,000
    ((2024, 40, 3000, "married_joint", 2000, 0), 3000),        # the higher earner uses own pay only: 3,000
    ((2026, 40, 0, "married_separate", 100_000, 0), 0),        # no spousal IRA on separate returns
    ((2026, 40, 0, "qualifying_surviving_spouse", 100_000, 0), 0),  # no living spouse to count
]


@pytest.mark.parametrize("inputs, expected", CONTRIBUTION_CASES, ids=[
    "2024-age-49-no-catch-up", "2024-age-50-catch-up", "2025-age-49-no-catch-up", "2025-age-50-catch-up",
    "2026-age-49-no-catch-up", "2026-age-50-catch-up", "2026-compensation-below-limit",
    "2026-age-55-compensation-below-catch-up-limit", "2026-no-compensation-zero",
    "2026-spousal-ira-nonworking-spouse-full-limit", "2025-spousal-ira-squeezed-by-spouse-contribution",
    "2025-spousal-ira-spouse-used-all-pay", "2024-spousal-ira-with-catch-up", "2024-higher-earner-no-spousal",
    "2026-married-separate-no-spousal", "2026-qualifying-surviving-spouse-no-spousal",
])
def test_ira_contribution_limit(inputs, expected):
    year, age, comp, status, spouse_comp, spouse_ira = inputs
    figure = ira_contribution_limit(load_limits(year), age=age, compensation=D(comp), filing_status=status,
                                    spouse_compensation=D(spouse_comp), spouse_ira_contributions=D(spouse_ira))
    assert figure.value == expected
    assert figure.has("catch_up") == (age >= 50)
    assert figure.has("spousal_ira") == (status == "married_joint" and comp < spouse_comp)
    checks_out(figure)


def test_spousal_ira_steps_read_as_the_pencil_working():
    # 0 + 60,000 − 7,500 = 52,500, then the lesser of 7,500 and 52,500
    figure = ira_contribution_limit(load_limits(2026), age=45, compensation=D(0), filing_status="married_joint",
                                    spouse_compensation=D(60_000), spouse_ira_contributions=D(7500))
    amounts = [(s.op, s.amount) for s in figure.steps]
    assert amounts[-5:] == [("+", 60_000), ("−", 7500), ("=", 52_500), ("min", 7500), ("=", 7500)]
    assert "IRC 219(c)" in figure.sources


def test_ira_dollar_limit_has_no_60_to_63_catch_up():
    # IRAs have one catch-up (IRC 219(b)(5)(B)); the 60-63 amount is for workplace plans only
    assert ira_dollar_limit(load_limits(2026), age=61).value == 8600  # 7,500 + 1,100


# ----------------------------------------------------------------------------- deduction

def _deduction(year, status, lived, covered, spouse_covered, age, magi, contribution_limit=None):
    limits = load_limits(year)
    if contribution_limit is None:
        contribution_limit = ira_dollar_limit(limits, age=age).value
    return traditional_ira_deductible_limit(
        limits, age=age, filing_status=status, lived_with_spouse=lived, covered=covered,
        spouse_covered=spouse_covered, magi=D(magi), contribution_limit=D(contribution_limit))


DEDUCTION_CASES = [
    # (year, status, lived_with_spouse, covered, spouse_covered, age, magi, contribution_limit or None) -> deductible
    # ---- 2026, single covered 81,000-91,000, 75 % (86 % at 50)
    (2026, "single", False, True, False, 40, 81_000, None, 7500),   # line 3 = 10,000 ≥ 10,000: full
    (2026, "single", False, True, False, 40, 81_001, None, 7500),   # 9,999 × 75% = 7,499.25 → up to 7,500
    (2026, "single", False, True, False, 40, 85_000, None, 4500),   # 6,000 × 75% = 4,500 (a multiple of 10)
    (2026, "single", False, True, False, 40, 85_123, None, 4410),   # 5,877 × 75% = 4,407.75 → 4,410
    (2026, "single", False, True, False, 50, 85_123, None, 5060),   # 5,877 × 86% = 5,054.22 → 5,060
    (2026, "single", False, True, False, 40, 90_730, None, 210),    # 270 × 75% = 202.50 → 210 (above the floor)
    (2026, "single", False, True, False, 40, 90_800, None, 200),    # 200 × 75% = 150 → 150 < 200 → 200
    (2026, "single", False, True, False, 40, 90_999, None, 200),    # 1 × 75% = 0.75 → 10 → 200 (last dollar)
    (2026, "single", False, True, False, 40, 91_000, None, 0),      # line 2 ≥ line 1: nothing
    (2026, "single", False, True, False, 40, 85_000, 3000, 3000),   # line 4 = 4,500; line 5 = 3,000: lesser 3,000
    (2026, "single", False, False, False, 40, 500_000, None, 7500),  # not covered: no phase-out at any MAGI
    (2026, "head_of_household", False, True, False, 40, 88_000, None, 2250),  # 3,000 × 75% = 2,250
    (2026, "head_of_household", False, False, True, 40, 500_000, None, 7500),  # HoH: a spouse's plan is irrelevant
    # ---- 2026, joint covered 129,000-149,000, 37.5 % (43 % at 50)
    (2026, "married_joint", True, True, False, 40, 129_000, None, 7500),  # line 3 = 20,000: full
    (2026, "married_joint", True, True, False, 40, 140_000, None, 3380),  # 9,000 × 37.5% = 3,375 → 3,380
    (2026, "married_joint", True, True, False, 50, 140_000, None, 3870),  # 9,000 × 43% = 3,870
    (2026, "married_joint", True, True, False, 40, 148_500, None, 200),   # 500 × 37.5% = 187.50 → 190 → 200
    (2026, "married_joint", True, True, False, 40, 148_999, None, 200),   # 1 × 37.5% = 0.375 → 10 → 200
    (2026, "married_joint", True, True, False, 40, 149_000, None, 0),
    (2026, "married_joint", True, True, True, 40, 200_000, None, 0),      # both covered: contributor's range applies
    (2026, "qualifying_surviving_spouse", False, True, False, 40, 139_000, None, 3750),  # 10,000 × 37.5% = 3,750
    (2026, "qualifying_surviving_spouse", False, False, True, 40, 900_000, None, 7500),  # no spouse: not covered
    # ---- 2026, joint, only the spouse covered 242,000-252,000, 75 %
    (2026, "married_joint", True, False, True, 40, 242_000, None, 7500),
    (2026, "married_joint", True, False, True, 40, 245_555, None, 4840),  # 6,445 × 75% = 4,833.75 → 4,840
    (2026, "married_joint", True, False, True, 40, 251_999, None, 200),   # 0.75 → 10 → 200
    (2026, "married_joint", True, False, True, 40, 252_000, None, 0),
    (2026, "married_joint", True, False, False, 40, 1_000_000, None, 7500),  # neither covered: all deductible
    # ---- 2026, married separate, lived together 0-10,000, 75 % (86 % at 50)
    (2026, "married_separate", True, True, False, 40, 0, None, 7500),       # MAGI 0 ≤ start 0: full
    (2026, "married_separate", True, True, False, 40, 5000, None, 3750),    # 5,000 × 75% = 3,750
    (2026, "married_separate", True, True, False, 50, 4321, None, 4890),    # 5,679 × 86% = 4,883.94 → 4,890
    (2026, "married_separate", True, False, True, 40, 9999, None, 200),     # spouse covered is enough: 0.75 → 200
    (2026, "married_separate", True, True, False, 40, 10_000, None, 0),
    (2026, "married_separate", True, False, False, 40, 50_000, None, 7500),  # neither covered: all deductible
    # ---- 2026, married separate, apart all year: treated as single (IRC 219(g)(4))
    (2026, "married_separate", False, True, False, 40, 85_000, None, 4500),  # single range: 6,000 × 75%
    (2026, "married_separate", False, False, True, 40, 85_000, None, 7500),  # the spouse's plan does not count
    # ---- 2025, 70 % (80 % at 50) single and spouse-covered; 35 % (40 %) joint covered
    (2025, "single", False, True, False, 40, 79_000, None, 7000),
    (2025, "single", False, True, False, 40, 84_321, None, 3280),   # 4,679 × 70% = 3,275.30 → 3,280
    (2025, "single", False, True, False, 50, 84_321, None, 3750),   # 4,679 × 80% = 3,743.20 → 3,750
    (2025, "single", False, True, False, 40, 88_999, None, 200),    # 0.70 → 10 → 200
    (2025, "single", False, True, False, 40, 89_000, None, 0),
    (2025, "head_of_household", False, True, False, 40, 80_000, None, 6300),  # 9,000 × 70% = 6,300
    (2025, "married_joint", True, True, False, 40, 126_000, None, 7000),
    (2025, "married_joint", True, True, False, 40, 131_234, None, 5170),  # 14,766 × 35% = 5,168.10 → 5,170
    (2025, "married_joint", True, True, False, 50, 131_234, None, 5910),  # 14,766 × 40% = 5,906.40 → 5,910
    (2025, "married_joint", True, True, False, 40, 145_999, None, 200),   # 0.35 → 10 → 200
    (2025, "married_joint", True, True, False, 40, 146_000, None, 0),
    (2025, "married_joint", True, False, True, 40, 236_000, None, 7000),
    (2025, "married_joint", True, False, True, 40, 240_001, None, 4200),  # 5,999 × 70% = 4,199.30 → 4,200
    (2025, "married_joint", True, False, True, 40, 245_999, None, 200),
    (2025, "married_joint", True, False, True, 40, 246_000, None, 0),
    (2025, "married_separate", True, True, False, 40, 0, None, 7000),
    (2025, "married_separate", True, True, False, 40, 7777, None, 1560),  # 2,223 × 70% = 1,556.10 → 1,560
    (2025, "married_separate", True, True, False, 40, 9999, None, 200),
    (2025, "married_separate", True, True, False, 40, 10_000, None, 0),
    # ---- 2024, same percentages as 2025
    (2024, "single", False, True, False, 40, 77_000, None, 7000),
    (2024, "single", False, True, False, 40, 80_555, None, 4520),   # 6,445 × 70% = 4,511.50 → 4,520
    (2024, "single", False, True, False, 40, 86_700, None, 210),    # 300 × 70% = 210 (a multiple of 10, ≥ 200)
    (2024, "single", False, True, False, 40, 86_750, None, 200),    # 250 × 70% = 175 → 180 → 200
    (2024, "single", False, True, False, 40, 86_999, None, 200),
    (2024, "single", False, True, False, 40, 87_000, None, 0),
    (2024, "married_joint", True, True, False, 40, 123_000, None, 7000),
    (2024, "married_joint", True, True, False, 40, 133_333, None, 3390),  # 9,667 × 35% = 3,383.45 → 3,390
    (2024, "married_joint", True, True, False, 50, 133_333, None, 3870),  # 9,667 × 40% = 3,866.80 → 3,870
    (2024, "married_joint", True, True, False, 40, 142_999, None, 200),
    (2024, "married_joint", True, True, False, 40, 143_000, None, 0),
    (2024, "qualifying_surviving_spouse", False, True, False, 40, 130_000, None, 4550),  # 13,000 × 35% = 4,550
    (2024, "married_joint", True, False, True, 40, 230_000, None, 7000),
    (2024, "married_joint", True, False, True, 40, 235_000, None, 3500),  # 5,000 × 70% = 3,500
    (2024, "married_joint", True, False, True, 40, 239_999, None, 200),
    (2024, "married_joint", True, False, True, 40, 240_000, None, 0),
    (2024, "married_separate", True, True, False, 40, 2500, None, 5250),  # 7,500 × 70% = 5,250
    (2024, "married_separate", True, True, False, 40, 9999, None, 200),
    (2024, "married_separate", True, True, False, 40, 10_000, None, 0),
]

DEDUCTION_IDS = [
    "2026-single-covered-at-range-start-full", "2026-single-covered-one-dollar-in-rounds-back-to-full",
    "2026-single-covered-mid-range-exact-ten", "2026-single-covered-rounds-up-to-ten",
    "2026-single-covered-age-50-catch-up-in-phase-out", "2026-single-covered-just-above-floor",
    "2026-single-covered-floor-200", "2026-single-covered-last-dollar-floor-200",
    "2026-single-covered-at-range-end-zero", "2026-single-covered-compensation-below-phased-limit",
    "2026-single-not-covered-full-at-any-magi", "2026-hoh-covered-mid-range", "2026-hoh-spouse-plan-irrelevant",
    "2026-joint-covered-at-range-start-full", "2026-joint-covered-rounds-up", "2026-joint-covered-age-50",
    "2026-joint-covered-floor-200", "2026-joint-covered-last-dollar-floor-200", "2026-joint-covered-at-range-end-zero",
    "2026-joint-both-covered-uses-contributor-range", "2026-qss-covered-uses-joint-range",
    "2026-qss-not-covered-full", "2026-joint-spouse-covered-at-start-full", "2026-joint-spouse-covered-rounds-up",
    "2026-joint-spouse-covered-last-dollar-floor-200", "2026-joint-spouse-covered-at-end-zero",
    "2026-joint-nobody-covered-full", "2026-mfs-lived-together-at-start-full", "2026-mfs-lived-together-mid",
    "2026-mfs-lived-together-age-50", "2026-mfs-spouse-covered-last-dollar-floor-200",
    "2026-mfs-lived-together-at-end-zero", "2026-mfs-nobody-covered-full", "2026-mfs-apart-treated-as-single",
    "2026-mfs-apart-spouse-plan-irrelevant",
    "2025-single-covered-at-start-full", "2025-single-covered-rounds-up", "2025-single-covered-age-50",
    "2025-single-covered-last-dollar-floor-200", "2025-single-covered-at-end-zero", "2025-hoh-covered-mid",
    "2025-joint-covered-at-start-full", "2025-joint-covered-rounds-up", "2025-joint-covered-age-50",
    "2025-joint-covered-last-dollar-floor-200", "2025-joint-covered-at-end-zero",
    "2025-joint-spouse-covered-at-start-full", "2025-joint-spouse-covered-rounds-up",
    "2025-joint-spouse-covered-last-dollar-floor-200", "2025-joint-spouse-covered-at-end-zero",
    "2025-mfs-at-start-full", "2025-mfs-rounds-up", "2025-mfs-last-dollar-floor-200", "2025-mfs-at-end-zero",
    "2024-single-covered-at-start-full", "2024-single-covered-rounds-up", "2024-single-covered-exactly-210",
    "2024-single-covered-floor-200", "2024-single-covered-last-dollar-floor-200", "2024-single-covered-at-end-zero",
    "2024-joint-covered-at-start-full", "2024-joint-covered-rounds-up", "2024-joint-covered-age-50",
    "2024-joint-covered-last-dollar-floor-200", "2024-joint-covered-at-end-zero", "2024-qss-covered-mid",
    "2024-joint-spouse-covered-at-start-full", "2024-joint-spouse-covered-mid",
    "2024-joint-spouse-covered-last-dollar-floor-200", "2024-joint-spouse-covered-at-end-zero",
    "2024-mfs-mid", "2024-mfs-last-dollar-floor-200", "2024-mfs-at-end-zero",
]


@pytest.mark.parametrize("year, status, lived, covered, spouse_covered, age, magi, contribution_limit, expected",
                         DEDUCTION_CASES, ids=DEDUCTION_IDS)
def test_traditional_ira_deductible_limit(year, status, lived, covered, spouse_covered, age, magi,
                                          contribution_limit, expected):
    figure = _deduction(year, status, lived, covered, spouse_covered, age, magi, contribution_limit)
    assert figure.value == expected
    checks_out(figure)


@pytest.mark.parametrize("status, lived, covered, spouse_covered, key", [
    ("single", True, True, True, "deduction_phaseout_single_covered"),
    ("head_of_household", True, True, False, "deduction_phaseout_single_covered"),
    ("married_joint", True, True, False, "deduction_phaseout_joint_covered"),
    ("married_joint", True, True, True, "deduction_phaseout_joint_covered"),
    ("married_joint", True, False, True, "deduction_phaseout_joint_spouse_covered"),
    ("qualifying_surviving_spouse", False, True, False, "deduction_phaseout_joint_covered"),
    ("qualifying_surviving_spouse", False, False, True, None),
    ("married_separate", True, True, False, "deduction_phaseout_married_separate"),
    ("married_separate", True, False, True, "deduction_phaseout_married_separate"),
    ("married_separate", False, True, True, "deduction_phaseout_single_covered"),
    ("married_separate", False, False, True, None),
    ("single", False, False, False, None),
    ("married_joint", True, False, False, None),
    ("married_separate", True, False, False, None),
], ids=["single-covered", "hoh-covered", "joint-covered", "joint-both-covered", "joint-spouse-covered",
        "qss-covered", "qss-spouse-ignored", "mfs-together-covered", "mfs-together-spouse-covered",
        "mfs-apart-covered-as-single", "mfs-apart-spouse-ignored", "single-not-covered", "joint-nobody-covered",
        "mfs-nobody-covered"])
def test_deduction_phaseout_range_choice(status, lived, covered, spouse_covered, key):
    rng, who, source = deduction_phaseout_range(load_limits(2026), filing_status=status, lived_with_spouse=lived,
                                                covered=covered, spouse_covered=spouse_covered)
    assert (rng.key if rng else None) == key
    assert who and source.startswith("IRC 219(g)")


def test_deduction_flags_say_how_the_limit_came_out():
    assert _deduction(2026, "single", False, True, False, 40, 90_999).has("floor_200")        # 0.75 → 200
    assert not _deduction(2026, "single", False, True, False, 40, 90_730).has("floor_200")    # 202.50 → 210
    assert _deduction(2026, "single", False, True, False, 40, 91_000).has("phased_out")
    assert _deduction(2026, "single", False, False, False, 40, 91_000).has("not_covered")
    assert _deduction(2026, "married_joint", True, False, True, 40, 245_555).has(
        "deduction_phaseout_joint_spouse_covered")


def test_deduction_steps_follow_worksheet_1_2():
    # 2026 single covered, MAGI 85,123: 91,000 − 85,123 = 5,877; × 75% = 4,407.75; up to 4,410; min 7,500
    figure = _deduction(2026, "single", False, True, False, 40, 85_123)
    worked = [(s.op, s.amount) for s in figure.steps if s.amount is not None]
    assert worked == [("", 91_000), ("−", 85_123), ("=", 5877), ("×", 75), ("=", D("4407.75")),
                      ("↑", 10), ("=", 4410), ("min", 7500), ("=", 4410)]


def test_estimated_magi_is_flagged_in_the_deduction():
    figure = traditional_ira_deductible_limit(
        load_limits(2026), age=40, filing_status="single", lived_with_spouse=False, covered=True,
        spouse_covered=False, magi=D(85_000), contribution_limit=D(7500), magi_estimated=True)
    assert figure.has("magi_estimate")
    assert any("estimated" in s.source for s in figure.steps)


# ----------------------------------------------------------------------------- Roth limit

def _roth(year, status, lived, magi, base, traditional=0):
    return roth_ira_limit(load_limits(year), filing_status=status, lived_with_spouse=lived, magi=D(magi),
                          contribution_limit=D(base), traditional_contributions=D(traditional))


ROTH_CASES = [
    # (year, status, lived_with_spouse, magi, line 6 base, traditional contributions) -> Roth limit
    # ---- 2026 single/HoH 153,000-168,000 (width 15,000)
    (2026, "single", False, 153_000, 7500, 0, 7500),     # MAGI at the start: line 8 = line 6
    (2026, "single", False, 160_000, 7500, 0, 4000),     # l3 7,000; l7 7,500 × 7,000/15,000 = 3,500; l8 4,000
    (2026, "single", False, 160_001, 7500, 0, 4000),     # l7 7,500 × 7,001/15,000 = 3,500.50; l8 3,999.50 → 4,000
    (2026, "single", False, 158_000, 7500, 0, 5000),     # l5 = 1/3 exactly; l7 2,500; l8 5,000 (0.333 would give 5,010)
    (2026, "single", False, 167_700, 7500, 0, 200),      # l7 7,500 × 14,700/15,000 = 7,350; l8 150 → 200
    (2026, "single", False, 167_999, 7500, 0, 200),      # l7 7,499.50; l8 0.50 → 10 → 200 (last dollar)
    (2026, "single", False, 168_000, 7500, 0, 0),        # at the end: nothing
    (2026, "single", False, 160_000, 8600, 0, 4590),     # age 50: l7 8,600 × 7/15 = 4,013.33; l8 4,586.67 → 4,590
    (2026, "single", False, 160_000, 5000, 0, 2670),     # pay 5,000: l7 5,000 × 7/15 = 2,333.33; l8 2,666.67 → 2,670
    (2026, "single", False, 161_000, 1800, 0, 840),      # pay 1,800: l7 1,800 × 8,000/15,000 = 960 exactly; l8 840
                                                         # (8/15 held to 28 digits, then × 1,800, ends at 850)
    (2026, "single", False, 160_000, 7500, 2000, 4000),  # l8 4,000; l10 7,500 − 2,000 = 5,500; lesser 4,000
    (2026, "single", False, 160_000, 7500, 5000, 2500),  # l8 4,000; l10 7,500 − 5,000 = 2,500; lesser 2,500
    (2026, "single", False, 100_000, 7500, 7500, 0),     # full range but traditional used it all: l10 0
    (2026, "head_of_household", False, 165_000, 7500, 0, 1500),  # l7 7,500 × 12,000/15,000 = 6,000; l8 1,500
    (2026, "married_separate", False, 160_000, 7500, 0, 4000),   # apart all year: single range, as above
    # ---- 2026 joint/QSS 242,000-252,000 (width 10,000)
    (2026, "married_joint", True, 242_000, 7500, 0, 7500),
    (2026, "married_joint", True, 247_777, 7500, 0, 3170),  # l7 7,500 × 0.5777 = 4,332.75; l8 3,167.25 → 3,170
    (2026, "married_joint", True, 251_999, 7500, 0, 200),   # l7 7,499.25; l8 0.75 → 10 → 200
    (2026, "married_joint", True, 252_000, 7500, 0, 0),
    (2026, "qualifying_surviving_spouse", False, 245_000, 7500, 0, 5250),  # l7 7,500 × 0.3 = 2,250; l8 5,250
    # ---- 2026 married separate, lived together 0-10,000
    (2026, "married_separate", True, 0, 7500, 0, 7500),
    (2026, "married_separate", True, 3000, 7500, 0, 5250),  # l7 7,500 × 0.3 = 2,250; l8 5,250
    (2026, "married_separate", True, 9999, 7500, 0, 200),   # l8 0.75 → 200
    (2026, "married_separate", True, 10_000, 7500, 0, 0),
    # ---- 2025 single 150,000-165,000; joint 236,000-246,000
    (2025, "single", False, 150_000, 7000, 0, 7000),
    (2025, "single", False, 155_555, 7000, 0, 4410),   # l7 7,000 × 5,555/15,000 = 2,592.33; l8 4,407.67 → 4,410
    (2025, "single", False, 155_555, 8000, 0, 5040),   # age 50: l7 8,000 × 5,555/15,000 = 2,962.67; l8 5,037.33
    (2025, "single", False, 164_999, 7000, 0, 200),    # l7 6,999.53; l8 0.47 → 10 → 200
    (2025, "single", False, 165_000, 7000, 0, 0),
    (2025, "married_joint", True, 236_000, 7000, 0, 7000),
    (2025, "married_joint", True, 240_000, 7000, 0, 4200),  # l5 0.4; l7 2,800; l8 4,200 (also a spousal IRA base)
    (2025, "married_joint", True, 245_999, 7000, 0, 200),   # l7 6,999.30; l8 0.70 → 200
    (2025, "married_joint", True, 246_000, 7000, 0, 0),
    (2025, "married_separate", True, 5000, 7000, 0, 3500),  # l5 0.5; l8 3,500
    # ---- 2024 single 146,000-161,000; joint 230,000-240,000
    (2024, "single", False, 146_000, 7000, 0, 7000),
    (2024, "single", False, 150_000, 7000, 0, 5140),   # l7 7,000 × 4,000/15,000 = 1,866.67; l8 5,133.33 → 5,140
    (2024, "single", False, 160_600, 7000, 0, 200),    # l7 7,000 × 14,600/15,000 = 6,813.33; l8 186.67 → 190 → 200
    (2024, "single", False, 160_999, 7000, 0, 200),
    (2024, "single", False, 161_000, 7000, 0, 0),
    (2024, "married_joint", True, 230_000, 7000, 0, 7000),
    (2024, "married_joint", True, 235_000, 7000, 0, 3500),  # l5 0.5; l8 3,500
    (2024, "married_joint", True, 235_000, 8000, 0, 4000),  # age 50: l8 8,000 − 4,000
    (2024, "married_joint", True, 239_999, 7000, 0, 200),
    (2024, "married_joint", True, 240_000, 7000, 0, 0),
    (2024, "married_separate", True, 1, 7000, 0, 7000),     # l7 0.70; l8 6,999.30 → 7,000
    (2024, "married_separate", True, 9999, 7000, 0, 200),
]

ROTH_IDS = [
    "2026-single-at-start-full", "2026-single-mid-exact-ten", "2026-single-rounds-up",
    "2026-single-one-third-ratio-kept-exact", "2026-single-floor-200", "2026-single-last-dollar-floor-200",
    "2026-single-at-end-zero", "2026-single-age-50", "2026-single-compensation-below-limit",
    "2026-single-product-taken-before-the-quotient",
    "2026-single-small-traditional-contribution-no-effect", "2026-single-traditional-contribution-caps",
    "2026-traditional-used-whole-limit", "2026-hoh-uses-single-range", "2026-mfs-apart-uses-single-range",
    "2026-joint-at-start-full", "2026-joint-rounds-up", "2026-joint-last-dollar-floor-200", "2026-joint-at-end-zero",
    "2026-qss-uses-joint-range", "2026-mfs-together-at-start-full", "2026-mfs-together-mid",
    "2026-mfs-together-last-dollar-floor-200", "2026-mfs-together-at-end-zero",
    "2025-single-at-start-full", "2025-single-rounds-up", "2025-single-age-50", "2025-single-last-dollar-floor-200",
    "2025-single-at-end-zero", "2025-joint-at-start-full", "2025-joint-mid", "2025-joint-last-dollar-floor-200",
    "2025-joint-at-end-zero", "2025-mfs-together-mid",
    "2024-single-at-start-full", "2024-single-rounds-up", "2024-single-floor-200", "2024-single-last-dollar-floor-200",
    "2024-single-at-end-zero", "2024-joint-at-start-full", "2024-joint-mid", "2024-joint-age-50",
    "2024-joint-last-dollar-floor-200", "2024-joint-at-end-zero", "2024-mfs-together-first-dollar-rounds-back",
    "2024-mfs-together-last-dollar-floor-200",
]


@pytest.mark.parametrize("year, status, lived, magi, base, traditional, expected", ROTH_CASES, ids=ROTH_IDS)
def test_roth_ira_limit(year, status, lived, magi, base, traditional, expected):
    figure = _roth(year, status, lived, magi, base, traditional)
    assert figure.value == expected
    checks_out(figure)


@pytest.mark.parametrize("status, lived, key", [
    ("single", False, "roth_phaseout_single"), ("head_of_household", False, "roth_phaseout_single"),
    ("married_separate", False, "roth_phaseout_single"), ("married_separate", True, "roth_phaseout_married_separate"),
    ("married_joint", True, "roth_phaseout_joint"), ("qualifying_surviving_spouse", False, "roth_phaseout_joint"),
], ids=["single", "hoh", "mfs-apart-as-single", "mfs-together", "joint", "qss"])
def test_roth_phaseout_range_choice(status, lived, key):
    rng, who, source = roth_phaseout_range(load_limits(2025), filing_status=status, lived_with_spouse=lived)
    assert rng.key == key
    assert who and source.startswith("IRC 408A(c)(3)")


def test_roth_steps_follow_worksheet_2_2():
    # 2026 single, MAGI 160,001: l3 7,001; l4 15,000; l5 0.466733…; l6 7,500; l7 3,500.50;
    # 7,500 − 3,500.50 = 3,999.50, up to 4,000; l9 0; l10 7,500; l11 4,000
    figure = _roth(2026, "single", False, 160_001, 7500)
    worked = [s.amount for s in figure.steps if s.amount is not None]
    line_5 = worked.pop(4)
    # line 6 and line 7 restated before line 8; line 6 again before line 9, line 8 again before line 11
    assert worked == [160_001, 153_000, 7001, 15_000, 7500, D("3500.5"), 7500, D("3500.5"), D("3999.5"), 10, 4000,
                      7500, 0, 7500, 4000, 4000]
    assert abs(line_5 - D(7001) / D(15_000)) < D("1e-25")  # kept far past 3 places
    assert figure.has("partial") and figure.has("roth_phaseout_single")


def test_roth_flags():
    assert _roth(2026, "single", False, 167_999, 7500).has("floor_200")
    assert _roth(2026, "single", False, 168_000, 7500).has("phased_out")
    assert _roth(2026, "single", False, 100_000, 7500).has("full")
    assert _roth(2026, "single", False, 100_000, 7500, 100).has("reduced_by_traditional")


# ----------------------------------------------------------------------------- phase-out properties

def _exact_phase_out(amount: int, end: int, start: int, magi: int) -> int:
    """An independent oracle in whole fractions: amount × (end − MAGI) ÷ width, up to $10, ≥ $200."""
    if magi <= start:
        return amount
    if magi >= end:
        return 0
    remaining = Fraction(amount * (end - magi), end - start)
    tens = -(-remaining.numerator // (remaining.denominator * 10))
    return max(tens * 10, 200)


years = st.sampled_from(available_years())
ages = st.integers(min_value=18, max_value=80)
magis = st.integers(min_value=0, max_value=400_000)


@given(year=years, status=st.sampled_from(FILING_STATUSES), lived=st.booleans(), covered=st.booleans(),
       spouse_covered=st.booleans(), age=ages, a=magis, b=magis, pay=st.integers(min_value=0, max_value=12_000))
def test_deductible_limit_never_increases_with_magi(year, status, lived, covered, spouse_covered, age, a, b, pay):
    limits = load_limits(year)
    base = min(ira_dollar_limit(limits, age=age).value, D(pay))
    low, high = (_deduction(year, status, lived, covered, spouse_covered, age, m, base).value for m in sorted((a, b)))
    assert base >= low >= high >= 0


@given(year=years, status=st.sampled_from(FILING_STATUSES), lived=st.booleans(), age=ages, a=magis, b=magis,
       pay=st.integers(min_value=0, max_value=12_000), traditional=st.integers(min_value=0, max_value=9000))
def test_roth_limit_never_increases_with_magi(year, status, lived, age, a, b, pay, traditional):
    base = min(ira_dollar_limit(load_limits(year), age=age).value, D(pay))
    low, high = (_roth(year, status, lived, m, base, traditional).value for m in sorted((a, b)))
    assert base >= low >= high >= 0


@given(year=years, covered_case=st.sampled_from([
    ("single", False, True, False), ("married_joint", True, True, False), ("married_joint", True, False, True),
    ("married_separate", True, True, True)]), age=ages, magi=magis)
def test_deductible_limit_matches_exact_fractions(year, covered_case, age, magi):
    status, lived, covered, spouse_covered = covered_case
    limits = load_limits(year)
    rng, _, _ = deduction_phaseout_range(limits, filing_status=status, lived_with_spouse=lived, covered=covered,
                                         spouse_covered=spouse_covered)
    dollar = int(ira_dollar_limit(limits, age=age).value)
    expected = _exact_phase_out(dollar, int(rng.end), int(rng.start), magi)
    assert _deduction(year, status, lived, covered, spouse_covered, age, magi).value == expected


@given(year=years, status=st.sampled_from(FILING_STATUSES), lived=st.booleans(), magi=magis,
       base=st.integers(min_value=200, max_value=9000))
def test_roth_limit_matches_exact_fractions(year, status, lived, magi, base):
    # line 8 = base − base × (MAGI − start) ÷ width = base × (end − MAGI) ÷ width, the same oracle
    rng, _, _ = roth_phaseout_range(load_limits(year), filing_status=status, lived_with_spouse=lived)
    expected = min(_exact_phase_out(base, int(rng.end), int(rng.start), magi), base)
    assert _roth(year, status, lived, magi, base).value == expected


# ----------------------------------------------------------------------------- modified AGI

@pytest.mark.parametrize("modified_agi, pay, deferrals, status, spouse_pay, spouse_deferrals, expected, estimate, other_pay", [
    (310_000, 240_000, 24_500, "married_joint", 90_000, 0, 310_000, False, 0),  # given: used as is
    (0, 50_000, 0, "single", 0, 0, 0, False, 0),                                # a given zero is still given
    (None, 120_000, 23_000, "single", 0, 0, 97_000, True, 0),                   # 120,000 − 23,000
    (None, 200_000, 24_500, "married_joint", 50_000, 5000, 220_500, True, 0),   # 200,000 − 24,500 + 50,000 − 5,000
    (None, 90_000, 10_000, "married_separate", 70_000, 0, 80_000, True, 0),     # separate: the spouse's pay is not on it
    (None, 90_000, 10_000, "head_of_household", 70_000, 0, 80_000, True, 0),
    (None, 62_000, 10_500, "single", 0, 0, 97_500, True, 46_000),         # job changer: 62,000 − 10,500 + 46,000
                                                                            # box 1 from the first employer
    (310_000, 62_000, 10_500, "single", 0, 0, 310_000, False, 46_000),    # a given MAGI already holds it
    (None, 0, 0, "married_joint", 85_000, 8_000, 77_000, True, 0),             # no pay of one's own: 0 + 85,000 − 8,000
], ids=["given-used", "given-zero-used", "single-estimate", "joint-estimate-adds-spouse",
        "separate-estimate-own-pay-only", "hoh-estimate-own-pay-only", "job-changer-adds-other-employers-pay",
        "given-ignores-other-employers-pay", "no-own-pay-joint-spouse-pay-only"])
def test_estimated_magi(modified_agi, pay, deferrals, status, spouse_pay, spouse_deferrals, expected, estimate,
                        other_pay):
    figure = estimated_magi(modified_agi=None if modified_agi is None else D(modified_agi), pay=D(pay),
                            pre_tax_deferrals=D(deferrals), filing_status=status,
                            spouse_compensation=D(spouse_pay), spouse_pre_tax_deferrals=D(spouse_deferrals),
                            other_employer_pay=D(other_pay))
    assert figure.value == expected
    assert figure.has("estimate") == estimate
    checks_out(figure)


# ----------------------------------------------------------------------------- route

ROUTE_CASES = [
    # (contribution limit, deductible, roth, pre-tax IRA balance, plan accepts roll-ins, rate now, rate later)
    #   -> route, flags
    ((7500, 7500, 7500, 0, False, 32, 24), "deductible_traditional", set()),  # deduction worth more now
    ((7500, 7500, 7500, 0, False, 22, 22), "roth", set()),                    # same rate: Roth
    ((7500, 7500, 7500, 0, False, None, None), "roth", set()),                # rates unknown: Roth
    ((7500, 0, 7500, 50_000, False, None, None), "roth", set()),              # direct Roth: pro-rata is moot
    ((7500, 0, 0, 0, False, None, None), "backdoor_roth", set()),             # clean backdoor
    ((7500, 0, 4000, 0, False, None, None), "backdoor_roth", {"roth_partial"}),  # backdoor for the whole 7,500
    ((7500, 0, 0, 50_000, True, None, None), "backdoor_roth", {"pro_rata_problem", "fix_roll_in"}),
    ((7500, 0, 0, 50_000, False, None, None), "nondeductible_traditional", {"pro_rata_problem", "fix_convert_all"}),
    ((7500, 0, 4000, 50_000, False, None, None), "roth", {"roth_partial", "pro_rata_problem", "fix_convert_all"}),
    ((7500, 7500, 0, 50_000, False, None, None), "deductible_traditional", {"pro_rata_problem", "fix_convert_all"}),
    ((7500, 7500, 0, 0, False, 35, 24), "deductible_traditional", set()),     # not covered, high pay, pre-tax
    ((7500, 7500, 0, 0, False, 24, 24), "backdoor_roth", set()),              # designate it nondeductible
    ((7500, 3380, 7500, 0, False, 32, 24), "deductible_traditional", {"deduction_partial"}),
    ((0, 0, 0, 0, False, None, None), None, {"no_compensation"}),
]


@pytest.mark.parametrize("inputs, route, flags", ROUTE_CASES, ids=[
    "deduction-when-rate-falls-in-retirement", "same-rate-prefers-roth", "unknown-rates-prefer-roth",
    "direct-roth-ignores-pretax-balance", "above-roth-limit-clean-backdoor", "partial-roth-clean-backdoor",
    "pretax-balance-roll-into-plan-then-backdoor", "pretax-balance-no-plan-nondeductible",
    "pretax-balance-partial-roth-direct", "pretax-balance-deduction-available",
    "not-covered-high-pay-deducts", "not-covered-high-pay-same-rate-backdoor", "partial-deduction-still-deducts",
    "no-compensation-no-route",
])
def test_ira_route(inputs, route, flags):
    limit, deductible, roth, balance, roll_ins, now, later = inputs
    figure = ira_route(contribution_limit=D(limit), deductible_limit=D(deductible), roth_limit=D(roth),
                       pretax_balance=D(balance), plan_accepts_roll_ins=roll_ins,
                       marginal_rate_now=None if now is None else D(now),
                       marginal_rate_retirement=None if later is None else D(later))
    assert figure.value == route
    assert route is None or route in ROUTES
    assert set(figure.flags) == flags
    assert figure.steps[-1].label  # the reason
    checks_out(figure)


# ----------------------------------------------------------------------------- pro-rata fix

@pytest.mark.parametrize("balance, roll_ins, taxable, rate, state, expected", [
    # 92,500 × (32 + 5)% = 34,225; 6,937.50 × 37% = 2,566.875 → 2,566.88
    (92_500, True, D("6937.50"), 32, 5, {"action": "roll_into_plan", "pretax_balance": 92_500, "tax_rate_pct": 37,
                                         "tax_if_converted": 34_225, "tax_if_left": D("2566.88")}),
    (92_500, False, D("6937.50"), 32, 5, {"action": "convert_all", "pretax_balance": 92_500, "tax_rate_pct": 37,
                                          "tax_if_converted": 34_225, "tax_if_left": D("2566.88")}),
    # 40,000 × 24% = 9,600; 5,384.62 × 24% = 1,292.3088 → 1,292.31
    (40_000, False, D("5384.62"), 24, 0, {"action": "convert_all", "pretax_balance": 40_000, "tax_rate_pct": 24,
                                          "tax_if_converted": 9600, "tax_if_left": D("1292.31")}),
    (40_000, True, D("5384.62"), None, 0, {"action": "roll_into_plan", "pretax_balance": 40_000, "tax_rate_pct": None,
                                           "tax_if_converted": None, "tax_if_left": None}),
    (0, False, 0, 32, 5, {"action": "none_needed", "pretax_balance": 0, "tax_rate_pct": None,
                          "tax_if_converted": 0, "tax_if_left": 0}),
], ids=["roll-in-beats-converting-34225", "no-plan-convert-all-34225", "no-plan-no-state-tax",
        "rate-unknown-no-prices", "no-balance-nothing-to-fix"])
def test_pro_rata_fix(balance, roll_ins, taxable, rate, state, expected):
    figure = pro_rata_fix(pretax_balance=D(balance), plan_accepts_roll_ins=roll_ins, backdoor_taxable=D(taxable),
                          marginal_rate_pct=None if rate is None else D(rate), state_rate_pct=D(state))
    assert figure.value == expected
    assert figure.value["action"] in FIXES
    assert figure.has("rate_unknown") == (rate is None and balance > 0)
    checks_out(figure)


@pytest.mark.parametrize("limit, deductible, roth, nondeductible, roth_instead", [
    # Elena, 2026 (profiles/personas/elena.yaml): limit 7,500, deductible 4,500 (spouse covered, MAGI
    # 246,000 in 242,000-252,000: 7,500 × 6,000 / 10,000 = 4,500), Roth limit 4,500 (the same range):
    # nondeductible 7,500 − 4,500 = 3,000; Roth instead min(4,500, 3,000) = 3,000 (Pub 590-A Worksheet 2-2)
    (D(7500), D(4500), D(4500), D(3000), D(3000)),
    # Roth fully phased out: 3,000 nondeductible, none of it may go to a Roth IRA
    (D(7500), D(4500), D(0), D(3000), D(0)),
    # Roth limit 1,200 after the phase-out: only 1,200 of the 3,000 may go to a Roth IRA
    (D(7500), D(4500), D(1200), D(3000), D(1200)),
], ids=["elena-all-to-roth", "roth-phased-out", "roth-partly-phased-out"])
def test_nondeductible_part_and_the_roth_alternative(limit, deductible, roth, nondeductible, roth_instead):
    from generator.rules.ira import nondeductible_part
    figure = nondeductible_part(contribution_limit=limit, deductible_limit=deductible, roth_limit=roth)
    assert (figure.value["nondeductible"], figure.value["roth_instead"]) == (nondeductible, roth_instead)
    assert figure.value["form_8606_penalty"] == 50   # IRC 6693(b)
