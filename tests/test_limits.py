"""The limits files: complete, cited, consistent across years, and equal to the verified reference."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.limits import LIMITS_DIR, Limit, MissingLimits, PhaseOut, available_years, load_constants, load_limits

YEARS = list(range(2018, 2027))
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "irs_limits_2018_2026.yaml"


def test_a_file_for_every_year_2018_to_2026():
    assert available_years() == YEARS


def test_every_year_has_the_same_keys():
    keys = {year: set(load_limits(year).entries) for year in YEARS}
    assert all(found == keys[2026] for found in keys.values()), keys


@pytest.mark.parametrize("year", YEARS)
def test_every_value_is_cited(year):
    limits = load_limits(year)
    assert limits.notice.startswith("IRS Notice ") and limits.notice_href.startswith("https://www.irs.gov/")
    for entry in limits.entries.values():
        assert entry.statute.startswith("IRC "), entry
        assert entry.href.startswith("https://www.law.cornell.edu/uscode/text/26/"), entry
        assert limits.notice in entry.source


@pytest.mark.parametrize("year", YEARS)
def test_cross_field_relations_hold(year):
    lim = load_limits(year)
    assert lim.elective_deferral.value < lim.annual_additions.value < lim.compensation_limit.value
    assert lim.ira_limit.value < lim.elective_deferral.value
    assert lim.simple_deferral.value < lim.elective_deferral.value
    if lim.catch_up_60_63.value is not None:
        assert lim.catch_up_60_63.value > lim.catch_up_50.value
    for entry in lim.entries.values():
        if isinstance(entry, PhaseOut):
            assert Decimal(0) <= entry.start < entry.end, entry
    # the Roth ranges sit above the deduction ranges for a covered single filer and a covered joint filer
    assert lim.deduction_phaseout_single_covered.end <= lim.roth_phaseout_single.start
    assert lim.deduction_phaseout_joint_covered.end <= lim.roth_phaseout_joint.start
    # only the spouse covered: the same range as the joint Roth phase-out in every year on record
    assert (lim.deduction_phaseout_joint_spouse_covered.start, lim.deduction_phaseout_joint_spouse_covered.end) == (
        lim.roth_phaseout_joint.start, lim.roth_phaseout_joint.end)


def test_limits_never_fall_from_one_year_to_the_next():
    for old, new in zip(YEARS, YEARS[1:]):
        for key, entry in load_limits(new).entries.items():
            before = load_limits(old).entries[key]
            if isinstance(entry, Limit) and entry.value is not None and before.value is not None:
                assert entry.value >= before.value, (key, old, new)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/ reference not beside the checkout")
@pytest.mark.parametrize("year", YEARS)
def test_values_equal_the_verified_reference(year):
    ref = yaml.safe_load(REFERENCE.read_text())["years"][year]
    lim = load_limits(year)
    pairs = {"elective_deferral": "elective_deferral_402g", "catch_up_50": "catch_up_50_414v",
             "catch_up_60_63": "catch_up_60_63", "annual_additions": "annual_additions_415c",
             "compensation_limit": "comp_limit_401a17", "highly_compensated": "hce_414q",
             "ira_limit": "ira_limit", "ira_catch_up": "ira_catch_up", "simple_deferral": "simple_deferral",
             "simple_catch_up": "simple_catch_up"}
    for ours, theirs in pairs.items():
        expected = ref[theirs]
        assert lim.entries[ours].value == (None if expected is None else Decimal(expected)), ours
    ranges = {"roth_phaseout_single": ("roth_phaseout", "single_hoh"), "roth_phaseout_joint": ("roth_phaseout", "mfj_qss"),
              "roth_phaseout_married_separate": ("roth_phaseout", "mfs"),
              "deduction_phaseout_single_covered": ("trad_ira_deduction_phaseout", "single_hoh_covered"),
              "deduction_phaseout_joint_covered": ("trad_ira_deduction_phaseout", "mfj_contributor_covered"),
              "deduction_phaseout_joint_spouse_covered": ("trad_ira_deduction_phaseout", "mfj_contributor_not_covered_spouse_covered"),
              "deduction_phaseout_married_separate": ("trad_ira_deduction_phaseout", "mfs_covered_or_spouse_covered")}
    for ours, (group, row) in ranges.items():
        entry = lim.entries[ours]
        assert [entry.start, entry.end] == [Decimal(v) for v in ref[group][row]], ours
    threshold = ref["roth_catch_up_wage_threshold_414v7"]
    rule = lim.roth_catch_up_wage_threshold
    if threshold is None:
        assert rule.value is None and rule.enforced is False
    else:
        assert (rule.value, rule.enforced) == (Decimal(threshold["amount"]), threshold["enforced"])


@pytest.mark.parametrize("year, expected", [(2023, 5000), (2024, 7000), (2026, 7000)],
                         ids=["before-secure-2-0-304", "first-year-of-7000", "later-year"])
def test_force_out_limit_rose_to_7000_in_2024(year, expected):
    # SECURE 2.0 s.304: distributions after Dec 31 2023 may be cashed out up to $7,000 (was $5,000)
    assert load_limits(year).force_out_limit.value == expected


def test_a_year_without_a_file_names_the_file_to_add():
    with pytest.raises(MissingLimits) as missing:
        load_limits(2031)
    assert "generator/limits/2031.yaml" in str(missing.value)


def test_limits_files_use_one_schema():
    for path in sorted(LIMITS_DIR.glob("[0-9]*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert set(data) == {"tax_year", "notice", "limits"}, path
        for key, item in data["limits"].items():
            assert set(item) - {"value", "start", "end", "enforced"} == {"statute", "href"}, (path, key)


def test_constants_are_cited():
    constants = load_constants()
    assert constants["mandatory_withholding_pct"].value == 20
    assert constants["early_distribution_tax_pct"].value == 10
    assert all(c.statute.startswith("IRC ") and c.href.startswith("https://") for c in constants.values())
