"""Reading profiles: Decimal numbers, a line for every key, and every mistake reported at once."""
from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from generator.limits import available_years
from generator.profiles import load_profiles
from generator.yamlio import line_of, load_yaml


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_numbers_are_decimal_and_keys_keep_their_lines(tmp_path):
    data, problems = load_yaml(write(tmp_path / "a.yaml", """
        salary: 85_000
        nested:
          rate: 6.5
          tiers:
            - {up_to_pct: 3}
    """), "a.yaml")
    assert problems == []
    assert data["salary"] == Decimal("85000") and isinstance(data["nested"]["rate"], Decimal)
    assert data["nested"]["rate"] == Decimal("6.5")  # exact: a float would be 6.5 too, but 0.1 would not
    assert line_of(data, ("nested", "rate")) == 3
    assert line_of(data, ("nested", "tiers", 0, "up_to_pct")) == 5


@pytest.mark.parametrize("text, line, key, words", [
    ("a: 1\nb: 2\na: 3\n", 3, "a", "duplicate key (first given on line 1)"),
    ("a: [1\nb: 2\n", 2, "", "malformed YAML"),
    ("a: 1\n  b: 2\n", 2, "", "malformed YAML"),
], ids=["duplicate-key-names-both-lines", "unclosed-bracket", "bad-indentation"])
def test_yaml_mistakes_are_problems_not_crashes(tmp_path, text, line, key, words):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    data, problems = load_yaml(path, "x.yaml")
    assert data is None and len(problems) == 1
    assert (problems[0].line, problems[0].key) == (line, key) and words in problems[0].message


PLAN = """
    name: Test plan
    pay_periods: 26
    contributions: {roth: true}
"""


def test_every_mistake_in_every_file_is_reported_with_file_line_and_key(tmp_path):
    profiles = tmp_path / "profiles"
    write(profiles / "plans" / "test-plan.yaml", PLAN)
    write(profiles / "personas" / "many.yaml", """
        name: Many Mistakes
        tax_year: 2031
        birth_date: 1980-02-30
        plan: no-such-plan
        pay:
          salary: -100
          other_deferrals_this_year: "5000"
          bonus: 1000
        filing_status: married
    """)
    write(profiles / "personas" / "broken.yaml", "name: [unclosed\n")
    write(profiles / "personas" / "fine.yaml", """
        name: Fine
        tax_year: 2026
        birth_date: 1990-01-01
        plan: test-plan
        pay: {salary: 50000}
    """)
    problems = [str(p) for p in sorted(load_profiles(profiles, tmp_path).problems)]
    assert problems == [
        "profiles/personas/broken.yaml:2: (file): malformed YAML: while parsing a flow sequence expected ',' or ']', "
        "but got '<stream end>' (check indentation, colons and quotes)",
        f"profiles/personas/many.yaml:2: tax_year: no IRS limits for 2031 (add generator/limits/2031.yaml; limits exist for {available_years()[0]}-{available_years()[-1]})",
        "profiles/personas/many.yaml:3: birth_date: must be a date (got '1980-02-30') (write it as YYYY-MM-DD, e.g. 1984-03-02)",
        "profiles/personas/many.yaml:4: plan: no plan with id 'no-such-plan' (known plans: test-plan)",
        "profiles/personas/many.yaml:6: pay.salary: must be at least 0 (got -100)",
        "profiles/personas/many.yaml:7: pay.other_deferrals_this_year: must be a number (got '5000') "
        "(write it without quotes, e.g. 85000 or 6.5)",
        "profiles/personas/many.yaml:8: pay.bonus: unknown key (expected one of: salary, prior_year_fica_wages, "
        "other_deferrals_this_year, paychecks_this_year, self_employment_income, other_employer_pay)",
        "profiles/personas/many.yaml:9: filing_status: must be one of 'single', 'head_of_household', 'married_joint', "
        "'married_separate' or 'qualifying_surviving_spouse' (got 'married')",
    ]


@pytest.mark.parametrize("persona, key, words", [
    ("pay: {salary: 1}\nelections: {pre_tax_pct: 60, roth_pct: 50}", "elections", "add up to more than 100"),
    ("pay: {salary: 1}\nsavings_goal: lots", "savings_goal", "must be max, match, or a percent"),
    ("pay: {salary: 1}\ntax: {marginal_rate_now: 120}", "tax.marginal_rate_now", "must be at most 100"),
    ("pay: {salary: 1, paychecks_this_year: 2.5}", "pay.paychecks_this_year", "must be a whole number"),
    ("pay: {salary: 1}\nfiling_status: married_joint", "spouse", "is required for married_joint"),
    ("pay: {salary: 1}\ntax: {marginal_rate_now: 22}\njob_change: {separation_date: 2025-06-30}", "job_change.separation_date",
     "is not in tax year 2026"),
    ("pay: {salary: 1}\nprevious_plans: [{name: Old, pre_tax: 100}]", "tax.marginal_rate_now", "is required when"),
    ("pay: {salary: 1}\nid: other-name", "id", "does not match the file name"),
    ("pay: {salary: 1}\nprevious_plans: [{name: Old, pre_tax: yes}]", "previous_plans[0].pre_tax", "must be a number"),
], ids=["elections-over-100", "savings-goal-word", "rate-over-100", "fractional-paychecks", "joint-without-spouse",
        "separation-outside-the-year", "old-plan-needs-a-tax-rate", "id-not-file-name", "list-item-key"])
def test_single_mistakes_name_the_key(tmp_path, persona, key, words):
    profiles = tmp_path / "profiles"
    write(profiles / "plans" / "test-plan.yaml", PLAN)
    write(profiles / "personas" / "p.yaml", "name: P\ntax_year: 2026\nbirth_date: 1990-01-01\n" + persona + "\n")
    problems = load_profiles(profiles, tmp_path).problems
    assert [(p.key, words in p.message) for p in problems] == [(key, True)], problems


def test_unknown_plan_keys_are_reported_with_the_allowed_ones(tmp_path):
    profiles = tmp_path / "profiles"
    write(profiles / "plans" / "p.yaml", PLAN + "    match: {tiers: [{rate_pct: 100, up_to_pct: 6}, {rate_pct: 50, up_to_pct: 3}]}\n"
          "    roth_conversion: {frequncy: monthly}\n")
    write(profiles / "personas" / "x.yaml", "name: X\ntax_year: 2026\nbirth_date: 1990-01-01\npay: {salary: 1}\n")
    problems = {p.key: p for p in load_profiles(profiles, tmp_path).problems}
    assert "larger than the one before" in problems["match"].message
    assert problems["roth_conversion.frequncy"].message == "unknown key"
    assert "frequency" in problems["roth_conversion.frequncy"].hint


def test_a_vesting_schedule_short_of_100_percent_says_where_it_stops(tmp_path):
    # 20 % after 2 years, 60.5 % after 4: the last step must reach 100 %; the message prints percents as pages do
    profiles = tmp_path / "profiles"
    write(profiles / "plans" / "p.yaml", PLAN + "    vesting: [{years: 2, vested_pct: 20}, {years: 4, vested_pct: 60.50}]\n")
    write(profiles / "personas" / "x.yaml", "name: X\ntax_year: 2026\nbirth_date: 1990-01-01\npay: {salary: 1}\n")
    problems = {p.key: p.message for p in load_profiles(profiles, tmp_path).problems}
    assert problems["vesting"] == "the last step must vest 100% (it vests 60.5%)"
