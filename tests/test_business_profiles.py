"""A business owner's and a public employee's profiles, computed end to end.

The example personas are worked by hand (2026 figures as in test_self_employed.py) so that the
wiring — which deferrals share the 402(g) limit, which compensation each plan uses, what a SEP does
to a backdoor — is checked, not only the rules.
"""
from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from generator.advice import advise
from generator.compute import compute
from generator.profiles import load_profiles

D = Decimal
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def examples():
    profiles = load_profiles(REPO / "profiles")
    assert profiles.problems == []
    return {p.id: compute(p, profiles.plans) for p in profiles.personas}


def test_nadia_sole_proprietor_at_250000_with_a_solo_401k(examples):
    r = examples["nadia"]
    # step 3 = 235,213.31; deferral 24,500; employer 47,042.66 (see test_self_employed.py); age 45: no catch-up
    assert r.value("business_plan_totals") == {"solo_401k": D("71542.66"), "sep_ira": D("47042.66"),
                                               # SIMPLE: 17,000 + 3% × 230,875 (Schedule SE line 4a) = 6,926.25
                                               "simple_ira": D("23926.25")}
    assert r.value("recommended_business_plan") == "solo_401k"
    assert r.value("form_5500_ez_required") is True           # 310,000 of plan assets > 250,000
    assert "form_5500_ez" in advise(r).owner_callouts


def test_theo_job_and_side_business_share_one_deferral_limit(examples):
    r = examples["theo"]
    # the job's plan fills the whole limit: 150,000 / 26 = 5,769.23 a paycheck; 16% = 923.08 × 25 = 23,077.00,
    # then the last paycheck's change puts in the remaining 1,423.08: 24,500, so 24,500 − 24,500 = 0 is left
    # for the business (counting the job's deferrals at 16% × 150,000 = 24,000 would count 500 twice)
    assert r.value("deferral_limit_split") == {"day_job": D(24_500), "business": D(0)}
    # SE tax with 150,000 of W-2 wages: base left 34,500 → 5,884.89; step 3 = 57,057.55; employer 20% = 11,411.51
    assert r.value("self_employment_tax") == D("5884.89")
    assert r.value("solo_401k_employer_contribution") == D("11411.51")
    # the business's own 415(c): min(72,000, 57,057.55 − 11,411.51) = 45,646.04, apart from Acme's 72,000
    assert r.value("solo_401k_annual_additions_limit") == D("45646.04")
    assert r.value("annual_additions_limit") == D(72_000)
    assert "deferral_limit_counted_twice" in advise(r).owner_callouts


def test_sol_sep_balance_spoils_the_backdoor(examples):
    r = examples["sol"]
    # 120,000: 110,820 net earnings; tax 16,955.46; half 8,477.73; step 3 = 111,522.27; SEP 20% = 22,304.45
    assert r.value("sep_contribution_limit") == D("22304.45")
    # Form 8606: 85,000 SEP balance + this year's 22,304.45 = 107,304.45 pre-tax; 7,500 basis of 114,804.45;
    # taxable = 7,500 − 7,500 × 7,500 / 114,804.45 = 7,500 − 489.96 = 7,010.04
    assert r.value("business_plan_backdoor_tax")["sep_ira"] == D("7010.04")
    assert r.value("recommended_business_plan") == "solo_401k"
    assert "sep_spoils_backdoor" in advise(r).owner_callouts


def test_rosa_incorporated_with_employees_and_a_simple_ira(examples):
    r = examples["rosa"]
    # small employer 18,100 + 60-63 catch-up 5,250 + 3% match of 70,000 = 2,100: 25,450; SEP 25% × 70,000 = 17,500;
    # no solo 401(k) with employees
    assert r.value("business_plan_totals") == {"solo_401k": D(0), "sep_ira": D(17_500), "simple_ira": D(25_450)}
    assert r.value("recommended_business_plan") == "simple_ira"
    assert r.value("simple_two_year_period_end") == "2027-04-01"   # first took part 2025-04-01
    assert "simple_first_two_years" in advise(r).owner_callouts


def test_tamara_403b_room_includes_the_15_year_catch_up(examples):
    r = examples["tamara"]
    # 20 years, 60,000 deferred before: min(3,000, 15,000, 100,000 − 60,000) = 3,000 on top of 24,500; age 52: +8,000
    assert r.value("fifteen_year_catch_up") == D(3000)
    assert r.payroll.deferral_room == D(27_500) and r.payroll.catch_up_room == D(8000)


def test_walt_457b_special_catch_up_replaces_the_age_catch_up(examples):
    r = examples["walt"]
    # normal retirement age 62 reached in 2028: special years 2025-2027; min(2 × 24,500, 24,500 + 30,000) = 49,000
    # > 24,500 + 11,250 (age 60): the whole 49,000 is deferral room, no age catch-up on top
    assert r.value("governmental_457b_limit") == D(49_000)
    assert (r.payroll.deferral_room, r.payroll.catch_up_room) == (D(49_000), D(0))
    # the age catch-up shows as none on top (never both), and the elections reach the whole 49,000:
    # 49,000 ÷ 120,000 = 40.83%, so 41% on every paycheck with payroll stopping at the limit (no match to lose)
    assert r.value("catch_up_limit") == 0 and r["catch_up_limit"].has("special_457b_instead")
    assert r.value("election_schedule")["deferrals"] == D(49_000)
    assert r.value("election_schedule")["method"] == "round_up"


def test_ines_teacher_defers_the_full_limit_to_both_her_403b_and_her_457b(examples):
    r = examples["ines"]
    # 403(b): 402(g) 24,500. 457(b): its own 24,500 (457(e)(15)), untouched by the 403(b). Age 41: no catch-ups.
    # Dollar elections over 24 paychecks of 88,000 ÷ 24 = 3,666.67: 24,500 ÷ 88,000 = 27.8409% → 27.84% in
    # hundredths, 3,666.666… × 27.84% = 1,020.80 a paycheck, × 24 = 24,499.20; the last paycheck takes the other
    # 0.80: 1,021.60. The same in each plan: 49,000 in all. Pre-tax (22% now > 12% later): MAGI 88,000 − 49,000.
    assert r.second_plan.id == "harbor-schools-457b"
    assert r.value("elective_deferral_limit") == D(24_500) and r.value("second_plan_457b_limit") == D(24_500)
    for prefix in ("", "second_plan_"):
        schedule = r.value(prefix + "election_schedule")
        assert schedule["unit"] == "dollar"
        assert (schedule["per_paycheck_pre_tax"], schedule["per_paycheck_roth"]) == (D("1020.80"), D(0))
        assert (schedule["last_paychecks"], schedule["last_paycheck_deferral"]) == (1, D("1021.60"))
        assert schedule["deferrals"] == D(24_500)
    assert r.value("modified_agi") == D(39_000)


SECOND_PLAN_457B = "name: City 457(b)\ntype: governmental_457b\npay_periods: 26\n"


@pytest.mark.parametrize("persona, key, words", [
    ("plan: mine\nsecond_plan: mine\n", "second_plan", "is a 401k plan"),          # two plans sharing 402(g)
    ("second_plan: city\n", "second_plan", "needs plan"),                            # a 457(b) alone goes in plan
    ("plan: city\nsecond_plan: city\n", "second_plan", "sits beside a 401k or 403b"),
], ids=["second-plan-not-a-457b", "second-plan-without-plan", "second-plan-beside-a-457b"])
def test_second_plan_mistakes_are_located(tmp_path, persona, key, words):
    (tmp_path / "plans").mkdir()
    (tmp_path / "personas").mkdir()
    (tmp_path / "plans" / "mine.yaml").write_text(JOB_PLAN)
    (tmp_path / "plans" / "city.yaml").write_text(SECOND_PLAN_457B)
    (tmp_path / "personas" / "pat.yaml").write_text(
        "name: Pat\ntax_year: 2026\nbirth_date: 1980-01-01\npay: {salary: 50000}\n" + persona)
    problems = load_profiles(tmp_path).problems
    assert [(p.key, p.line) for p in problems] == [(key, 6 if persona.startswith("plan") else 5)], problems
    assert words in problems[0].message


def test_omar_splits_the_limit_so_both_jobs_match(examples):
    r = examples["omar"]
    # Acme matches per paycheck (100% of 3% + 50% of the next 2%), no true-up: its whole match needs 5% of his
    # 39,600 of Acme pay = 1,980 deferred there. Globex could take 50% × 58,900 = 29,450, more than 24,500, so
    # filling it first would leave Acme nothing: keep 1,980 back. Globex room 24,500 − 1,980 = 22,520, which
    # still holds Globex's own whole match (6% × 58,900 = 3,534).
    assert r.value("next_plan_match_reserve") == D(1980)
    assert r.value("elective_deferral_limit") == D(22_520)
    here = r.value("election_schedule")["deferrals"]
    assert here <= D(22_520)
    # the new plan gets the rest of the one limit: 24,500 − what Globex's elections put in
    assert r.value("next_plan_deferral_limit") == D(24_500) - here
    assert r.value("next_plan_election_schedule")["deferrals"] == D(24_500) - here
    # its match at 5% of 39,600: 3% × 100% + 2% × 50% = 4% = 1,584; filling Globex first leaves 0 there: all kept
    assert r.value("next_plan_employer_match") == D(1584)
    assert r.value("next_plan_match_kept") == D(1584)
    # the Roth catch-up wage test is per employer: a new hire had no FICA wages there last year
    assert r.value("next_plan_roth_catch_up_required") is False
    assert r["next_plan_roth_catch_up_required"].steps[0].amount == 0


def test_mei_no_pay_of_her_own_funds_a_spousal_ira(examples):
    r = examples["mei"]
    # no plan, no pay: the IRA limit counts David's 150,000 (219(c)); age 52: 7,500 + 1,100 = 8,600.
    # MAGI estimate: 0 + 150,000 − 24,500 = 125,500. Mei is not covered, David is: joint "spouse covered"
    # range 242,000-252,000, so fully deductible; Roth joint range 242,000-252,000 too: full 8,600 direct.
    assert r.plan is None and r.payroll is None
    assert r.value("ira_contribution_limit") == D(8600) and r["ira_contribution_limit"].has("spousal_ira")
    assert r.value("modified_agi") == D(125_500)
    assert r.value("traditional_ira_deductible_limit") == D(8600)
    assert r.value("roth_ira_limit") == D(8600)


def test_sam_magi_counts_the_first_employers_pay(examples):
    r = examples["sam"]
    # Globex 62,000 less the pre-tax deferrals recommended there, plus 44,000 of W-2 box 1 pay from the
    # January-June job. His Globex room is 24,500 − 14,000 = 10,500, so pre-tax is at most 10,500 and MAGI is
    # at least 62,000 − 10,500 + 44,000 = 95,500: above the single "covered" range's end (91,000), so a
    # traditional IRA contribution is not deductible at all (it was "deductible $7,500" on 57,040 without it).
    assert r.value("modified_agi") >= D(95_500)
    assert r.value("traditional_ira_deductible_limit") == 0


def _profiles(tmp_path, persona: str, plan: str):
    (tmp_path / "plans").mkdir()
    (tmp_path / "personas").mkdir()
    (tmp_path / "plans" / "mine.yaml").write_text(textwrap.dedent(plan))
    (tmp_path / "personas" / "pat.yaml").write_text(textwrap.dedent(persona))
    return load_profiles(tmp_path).problems


BUSINESS_PLAN = "name: My solo 401(k)\ntype: solo_401k\npay_periods: 12\n"
JOB_PLAN = "name: Job 401(k)\ntype: 401k\npay_periods: 26\n"


@pytest.mark.parametrize("persona, plan, key, line, words", [
    ("name: Pat\ntax_year: 2026\nbirth_date: 1980-01-01\nplan: mine\npay: {salary: 50000}\n", BUSINESS_PLAN,
     "plan", 4, "solo_401k plan"),
    ("name: Pat\ntax_year: 2026\nbirth_date: 1980-01-01\npay: {salary: 0}\nmodified_agi: 1\nbusiness:\n  net_profit: 1\n  plan: mine\n",
     JOB_PLAN, "business.plan", 8, "401k plan"),
    ("name: Pat\ntax_year: 2026\nbirth_date: 1980-01-01\nplan: mine\npay: {salary: 0}\n", JOB_PLAN, "pay.salary", 5,
     "must be above 0 with a workplace plan"),
    ("name: Pat\ntax_year: 2026\nbirth_date: 1971-01-01\nplan: mine\npay: {salary: 90000}\n", JOB_PLAN,
     "pay.prior_year_fica_wages", 5, "is required at age 55"),
    ("name: Pat\ntax_year: 2026\nbirth_date: 1971-01-01\npay: {salary: 0}\nmodified_agi: 1\nbusiness:\n"
     "  incorporated: true\n  w2_pay: 1\n", JOB_PLAN, "business.prior_year_w2_pay", 6, "is required at age 55"),
    ("name: Pat\ntax_year: 2026\nbirth_date: 1980-01-01\npay: {salary: 1}\nbusiness:\n  net_profit: 1\n", JOB_PLAN,
     "modified_agi", 5, "required with business"),
], ids=["business-plan-as-job-plan", "job-plan-as-business-plan", "no-pay-with-a-plan",
        "catch-up-age-without-last-years-wages", "incorporated-catch-up-age-without-last-years-wages",
        "business-without-magi"])
def test_business_profile_mistakes_are_located(tmp_path, persona, plan, key, line, words):
    problems = [p for p in _profiles(tmp_path, persona, plan) if p.path.endswith("pat.yaml")]
    assert [(p.key, p.line) for p in problems] == [(key, line)], problems
    assert words in problems[0].message
