"""What a guide page shows on its date (generator/view.py), for the example profiles."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from generator.advice import advise
from generator.compute import compute
from generator.profiles import load_profiles
from generator.view import guide_view, read_sections

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = load_profiles(REPO / "profiles")
SECTIONS = read_sections(REPO / "templates")


def view_for(persona_id: str, on: dt.date):
    persona = next(p for p in EXAMPLES.personas if p.id == persona_id)
    results = compute(persona, EXAMPLES.plans)
    return guide_view(results, advise(results), on, SECTIONS)


def test_a_saver_is_first_told_the_elections_to_set():
    view = view_for("maya", dt.date(2026, 3, 1))
    assert view.todo[0].key == "elections" and view.todo[0].anchor == "your-payroll-elections"
    assert not view.left_already


def test_before_leaving_the_old_plan_comes_first_with_its_date_and_the_elections_run_until_then():
    # omar.yaml: separation_date 2026-08-14
    view = view_for("omar", dt.date(2026, 8, 1))
    assert [t.key for t in view.todo][:2] == ["old_plan", "elections"]
    assert view.todo[0].values["before"] == dt.date(2026, 8, 14)
    assert view.todo[1].values["until"] == dt.date(2026, 8, 14)
    assert "match" in view.sections and view.checklists["payroll"]


def test_after_leaving_nothing_asks_for_elections_at_the_old_job():
    for on in (dt.date(2026, 8, 14), dt.date(2026, 11, 27)):  # on the last day, and after it
        view = view_for("omar", on)
        assert view.left_already
        assert "elections" not in [t.key for t in view.todo]
        assert view.todo[0].key == "old_plan" and view.todo[0].values["before"] is None
        assert "deferrals" in view.sections and [a.key for a in view.actions] == ["ira"]
        assert not {"match", "pre_tax_or_roth", "after_tax", "elections"} & set(view.sections)
        assert view.checklists["payroll"] == () and view.checklists["hr_questions"] == ()
        assert "elections" not in view.glance and "employer_match" not in view.glance


def test_the_glance_leaves_out_rows_that_say_nothing_for_this_person():
    priya = view_for("priya", dt.date(2026, 3, 1)).glance   # 38: no catch-up; after-tax space
    assert "catch_up" not in priya and "roth_catch_up" not in priya
    assert {"after_tax_space", "lost_match", "plan_compensation", "elections"} <= set(priya)
    linda = view_for("linda", dt.date(2026, 3, 1)).glance   # 61: catch-up that must be Roth
    assert {"catch_up", "roth_catch_up"} <= set(linda)


def test_a_pre_tax_ira_that_spoils_the_backdoor_is_an_action_with_its_year_end_date():
    todo = view_for("javier", dt.date(2026, 3, 1)).todo
    fix = next(t for t in todo if t.key.startswith("pro_rata_"))
    assert fix.key == "pro_rata_roll_into_plan" and fix.values["by"] == dt.date(2026, 12, 31)


def test_a_business_owner_is_first_told_what_to_put_into_the_business_plan():
    # nadia.yaml: 45, profit 250,000, a solo 401(k). 250,000 × 92.35 % = 230,875; SE tax = 184,500 × 12.4 %
    # + 230,875 × 2.9 % = 22,878 + 6,695.38 = 29,573.38; half = 14,786.69; plan pay 235,213.31;
    # employer 20 % = 47,042.66; + her 24,500 deferral = 71,542.66 (under the 72,000 415(c) limit)
    view = view_for("nadia", dt.date(2026, 11, 27))
    first = view.todo[0]
    assert (first.key, first.anchor) == ("business_plan", "your-business-plan")
    assert first.values == {"plan": "solo_401k", "has_plan": True, "total": Decimal("71542.66")}


def test_a_day_job_saver_with_a_side_business_sets_elections_then_opens_a_business_plan():
    # theo.yaml: a 401(k) at work and 60,000 of side profit with no plan yet
    view = view_for("theo", dt.date(2026, 11, 27))
    keys = [t.key for t in view.todo]
    assert keys.index("elections") < keys.index("business_plan")
    business = view.todo[keys.index("business_plan")]
    # the job's elections fill the 24,500 deferral limit, so the business adds its employer share only:
    # 60,000 − half SE tax 2,942.45 = 57,057.55 × 20% = 11,411.51 (tests/test_business_profiles.py)
    assert business.values == {"plan": "solo_401k", "has_plan": False, "total": Decimal("11411.51")}


def test_no_pay_of_ones_own_shows_no_zero_rows():
    # Ray, 64, retired: no pay, no plan, an old 401(k). An IRA needs taxable compensation (IRC 219(b)(1)):
    # limit 0, so the glance table has no IRA rows (never "$0"), and the old plan is the one thing to do.
    from generator.profiles import Persona
    ray = Persona.model_validate({"id": "ray", "name": "Ray", "tax_year": 2026, "birth_date": dt.date(1962, 3, 1),
                                  "pay": {"salary": Decimal(0)}, "tax": {"marginal_rate_now": Decimal(12)},
                                  "previous_plans": [{"name": "Initech 401(k)", "pre_tax": Decimal(300000)}]})
    results = compute(ray, EXAMPLES.plans)
    assert results.value("ira_contribution_limit") == 0 and results.value("ira_route") is None
    view = guide_view(results, advise(results), dt.date(2026, 3, 1), SECTIONS)
    assert view.glance == ("age", "no_plan")
    assert [t.key for t in view.todo] == ["old_plan"]


def test_mei_with_no_pay_has_a_spousal_ira_to_fund():
    view = view_for("mei", dt.date(2026, 3, 1))
    # 7,500 + 1,100 (52) from David's pay: the glance keeps the IRA rows, and the IRA is what to do
    assert view.glance == ("age", "no_plan", "ira_limit", "ira_route")
    assert [t.key for t in view.todo] == ["ira"] and view.todo[0].values["amount"] == Decimal(8600)
