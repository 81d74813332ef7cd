"""Templates word and format; Python decides (issue 15).

Every key the code can raise (advice.py's actions and callouts, view.py's "What to do" items,
compute.py's estimates) has its one template, templates/KIND/KEY.md.j2, and every such template has
a key. Each renders from a synthetic view model: the values a test writes by hand, not a persona.
And no template decides with numbers: no arithmetic, no ordering comparison, no comparison against
a raw profile field (r.persona, r.plan, r.business_plan, r.age), no number but 0 or 1 in an expression.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from generator import view
from generator.render import environment

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
ENV = environment(TEMPLATES)


# ----------------------------------------------------------------------------- keys raised by the code

def _when_keys(source: str, targets: tuple[str, ...]) -> set[str]:
    """The keys of the `_when(("key", applies), ...)` tuples assigned to one of `targets`, and the
    literal action tuples given straight to Advice(...)."""
    keys = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in targets for t in node.targets):
            for call in ast.walk(node.value):
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "_when":
                    keys |= {arg.elts[0].value for arg in call.args if isinstance(arg, ast.Tuple)}
        if "actions" in targets and isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Advice" \
                and node.args and isinstance(node.args[0], ast.Tuple):
            keys |= {e.value for e in node.args[0].elts if isinstance(e, ast.Constant)}
    return keys


ADVICE = (REPO / "generator" / "advice.py").read_text(encoding="utf-8")
RAISED = {
    "actions": _when_keys(ADVICE, ("actions",)),
    "callouts": _when_keys(ADVICE, ("callouts",)),
    "todo": {node.args[0].value for node in ast.walk(ast.parse((REPO / "generator" / "view.py").read_text()))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Item"
             and node.args and isinstance(node.args[0], ast.Constant)} | set(view.PRO_RATA_TODO.values()),
    "estimates": set(re.findall(r'estimates\.append\("(\w+)"\)', (REPO / "generator" / "compute.py").read_text())),
    "dates": set(re.findall(r'DatedAction\("(\w+)"', (REPO / "generator" / "client_calendar.py").read_text())),
}


def templates_of(kind: str) -> set[str]:
    return {p.name.removesuffix(".md.j2") for p in (TEMPLATES / kind).glob("*.md.j2")}


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_every_key_the_code_raises_has_a_template_and_every_template_a_key(kind):
    assert RAISED[kind], f"found no {kind} keys in the code: the scan is broken"
    assert RAISED[kind] - templates_of(kind) == set(), f"keys without templates/{kind}/KEY.md.j2"
    assert templates_of(kind) - RAISED[kind] == set(), f"templates/{kind}/ holds templates no code raises"


def test_every_checklist_item_advice_raises_has_its_words_and_every_words_a_key():
    raised = _when_keys(ADVICE, ("checklists", "year_end", "rollover")) | {"review_next_year_limits", "ira_deadline"}
    worded = set(re.findall(r'^\s+"(\w+)": "', (TEMPLATES / "sections" / "checklists.md.j2").read_text(), re.M))
    assert raised and raised == worded


# ----------------------------------------------------------------------------- each key renders from its values

# KIND/KEY → (the values a synthetic view model gives it, words the page must then say). Amounts are
# made up: the test is that the template prints what it is given, in the page's one style. For four
# callouts this is the only render: no example persona raises after_tax_left_to_sit,
# catch_up_60_63_ends, catch_up_blocked or roth_catch_up_next_year today.
D = Decimal
CASES = {
    "actions/ask_about_after_tax": ({}, "Ask about after-tax contributions"),
    "actions/business_plan": ({"has_plan": False, "plan": "sep_ira", "total": D("12345")},
                              "A plan for your business could take up to\n   $12,345 this year"),
    "actions/capture_match": ({"capture_pct": D("6"), "match": D("4200")}, "at least 6% of every"),
    "actions/catch_up": ({"catch_up": D("8000"), "roth": True}, "of $8,000, as Roth money"),
    "actions/choose_pre_tax_roth": ({"choice": "roth", "rate_now": D("12"), "rate_retirement": D("22")},
                                    "Roth, because your tax rate today (12%) is lower"),
    "actions/fill_deferrals": ({"room": D("24500"), "plus_catch_up": False, "deferrals": D("24499.98"),
                                "spread_for_match": True, "last_paychecks": 1},
                               "$24,499.98, spread over every paycheck so no paycheck goes unmatched, with one "
                               "change for the last paycheck."),
    "actions/ira": ({"route": "roth", "limit": D("7500"), "deductible": D("0"), "roth_limit": D("4000"),
                     "roll_into_plan": False}, "directly in a Roth IRA (up to $4,000 at your income)"),
    "actions/mega_backdoor": ({"after_tax": D("30000"), "space": D("31000")}, "$30,000 this year at your elections"),
    "actions/no_match": ({}, "Your plan has no match"),
    "actions/no_plan": ({"tax_year": 2026, "self_employed": True, "own_pay": True, "spousal_ira": False,
                         "leaving": False}, "limits for 2026"),
    "callouts/after_tax_crowds_out_match": ({"capture_pct": D("5")}, "below 5% to fit in more"),
    "callouts/after_tax_earnings_to_traditional_ira": ({}, "sending after-tax money to a traditional IRA"),
    "callouts/after_tax_is_not_roth": ({}, "confusing Roth deferrals with after-tax contributions"),
    "callouts/after_tax_left_to_sit": ({"cadence": "annually", "earnings": D("512.3"),
                                        "earnings_per_paycheck": D("20")}, "$512.30\n    this year"),
    "callouts/after_tax_over_limit": ({"current_pct": D("15"), "space": D("9000")}, "of 15% would put in"),
    "callouts/assuming_a_deduction": ({"deductible": D("3750"), "limit": D("7500")}, "deduct $3,750 of the"),
    "callouts/cash_out_early": ({}, "59½ it usually costs income tax and a\n    10% additional tax, and the 20% withheld"),
    "callouts/catch_up_60_63_ends": ({}, "for ages 60 to 63"),
    "callouts/catch_up_blocked": ({}, "counting on a catch-up your plan cannot take"),
    "callouts/catch_up_needs_full_deferral": ({}, "thinking the catch-up is separate"),
    "callouts/compensation_capped": ({"plan_pay": D("360000")}, "of\n    $360,000, not of your whole salary"),
    "callouts/deferral_limit_counted_twice": ({"day_job": D("20000"), "business": D("4500")},
                                              "takes $20,000\n    of it this year, which leaves $4,500"),
    "callouts/excess_deferrals_over_limit": ({"excess": D("1900")}, "$1,900 more than the limit"),
    "callouts/excess_deferrals_two_jobs": ({"room": D("10500")}, "only $10,500. If the two"),
    "callouts/fifteen_year_catch_up_order": ({}, "Which catch-up you use first"),
    "callouts/form_5500_ez": ({}, "more than $250,000, so it must file Form 5500-EZ"),
    "callouts/front_loading": ({"lost_match": D("0")}, "Keep your election at or below"),
    "callouts/indirect_rollover_make_up": ({"additional_tax": True},
                                           'a 60-day rollover without the 20% make-up"'),
    "callouts/ira_before_rule_of_55": ({}, "the year you turned 55"),
    "callouts/ira_deadline_missed": ({"tax_year": 2026}, "Contributions for 2026 can be made"),
    "callouts/ira_in_backdoor_year": ({}, "in a backdoor Roth year"),
    "callouts/ira_plan_spoils_backdoor": ({"sep_ira": D("1000"), "simple_ira": D("2000"), "solo_401k": D("0")},
                                          "$1,000 (SEP) or $2,000 (SIMPLE)"),
    "callouts/match_not_captured": ({"current_pct": D("3"), "capture_pct": D("6")}, "put 3% of pay into"),
    "callouts/nondeductible_part": ({"deductible": D("3750"), "limit": D("7500"), "nondeductible": D("3750"),
                                     "form_8606_penalty": D("50"), "roth_instead": D("0")},
                                    "the rest — $3,750 —"),
    "callouts/plan_after_tax_cap": ({"cap_pct": D("10"), "space": D("36000")}, "at\n    10% of pay, so your space is $36,000"),
    "callouts/plan_total_cap": ({"cap_pct": D("50"), "deferrals": D("24500"), "space": D("10000")},
                                "at 50% of pay. Your deferrals of\n    $24,500"),
    "callouts/pre_tax_ira_balance": ({"balance": D("40000"), "nontaxable": D("1200"), "converted": D("7500"),
                                      "roll_into_plan": True}, "Roll that money into your workplace plan"),
    "callouts/roth_catch_up_next_year": ({"from_year": D("2026")}, "from 2026 a catch-up"),
    "callouts/roth_catch_up_required": ({"tax_year": 2027}, "so from 2027 every"),
    "callouts/roth_over_the_limit": ({"roth_limit": D("4000")}, "$4,000 directly into a Roth IRA. More than that is an\n"
                                                                "    excess contribution, taxed 6%"),
    "callouts/second_plan_457b": ({}, "do not share a limit"),
    "callouts/sep_spoils_backdoor": ({"plan": "simple_ira", "taxable": D("500")}, "$500 of your backdoor Roth"),
    "callouts/simple_first_two_years": ({"until": "Dec 31, 2027"}, "Until Dec 31, 2027, a payout"),
    "callouts/special_457b_catch_up": ({}, "adding both catch-ups"),
    "dates/convert_after_tax": ({}, "Convert your after-tax plan money to Roth"),
    "dates/excess_deferral_claim": ({}, "ask a plan to pay back your excess deferrals"),
    "dates/excess_deferral_payout": ({}, "for the plan to pay back excess deferrals"),
    "dates/ira_deadline": ({"year": 2026}, "IRA contributions for 2026 (or the next business day)"),
    "dates/roll_in_pre_tax_ira": ({}, "roll your pre-tax IRA money into your workplace plan"),
    "dates/rollover_window_ends": ({"days": D("60"), "from": dt.date(2026, 8, 14)},
                                   "60 days from a payout on Aug 14, 2026"),
    "dates/set_elections": ({}, "Set your payroll elections"),
    "estimates/modified_agi": ({"magi": D("86000"), "parts": ("own_pay", "spouse")}, "about $86,000: your pay less the pre-tax "
                                                                    "deferrals recommended here, plus your spouse's"),
    "estimates/paychecks_until_separation": ({"left_already": True, "separation": dt.date(2026, 8, 14),
                                              "paychecks": 16, "pay_periods": 26},
                                             "You left on Aug 14, 2026, so we counted\n  16 of the plan's 26"),
    "estimates/years_to_retirement": ({"retirement_age": 65}, "retire at 65"),
    "todo/ask_about_after_tax": ({}, "[**Ask HR whether the plan will add after-tax contributions**](#a)"),
    "todo/business_plan": ({"has_plan": True, "plan": "solo_401k", "total": D("71542.66")},
                           "[**Put up to $71,542.66 into your solo 401(k)**](#a)"),
    "todo/convert_after_tax": ({"cadence": "quarterly", "space": D("31000")}, "up to $31,000 this year"),
    "todo/elections": ({"pre_tax_pct": D("6"), "roth_pct": D("0"), "after_tax_pct": D("10"), "until": None,
                        "last_paychecks": 2, "last_deferral_pct": D("3"), "last_after_tax_pct": D("12"),
                        "catch_up": D("0"), "roth_catch_up": False, "by_dollar": False},
                       "[**Set 6% pre-tax, 0% Roth and 10% after-tax**](#a) at your next payroll change, then 3% "
                       "deferral and 12% after-tax for your last 2 paychecks."),
    # a plan taking elections in dollars: dollars a paycheck, never a percent
    "todo/second_plan_elections": ({"pre_tax_pct": D("0"), "roth_pct": D("0"), "by_dollar": True, "pre_tax": D("1020.80"),
                                    "roth": D("0"), "deferrals": D("24500")},
                                   "[**In your 457(b), set $1,020.80 pre-tax and $0 Roth a paycheck**](#a)"),
    "todo/ira": ({"route": "backdoor_roth", "amount": D("7500"), "deductible": D("0")},
                 "[**Put $7,500 in a Roth IRA by the backdoor**](#a)"),
    "todo/old_plan": ({"plan": "Initech <401k>", "before": dt.date(2026, 8, 14), "amount": D("120000"),
                       "choices": [(None, D("120000"), "new_plan")]},
                      "[**Before Aug 14, 2026, choose where your $120,000 at Initech &lt;401k&gt; goes**](#a)"),
    "todo/pro_rata_convert_all": ({"balance": D("40000"), "by": dt.date(2026, 12, 31)}, "Decide before Dec 31, 2026"),
    "todo/pro_rata_roll_into_plan": ({"balance": D("40000"), "by": dt.date(2026, 12, 31)},
                                     "[**Roll your $40,000 of pre-tax IRA money into your plan before Dec 31, 2026**](#a)"),
}


def test_every_keyed_template_has_its_render_case():
    keyed = {f"{kind}/{key}" for kind in RAISED for key in templates_of(kind)}
    assert keyed == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_keyed_template_prints_the_values_it_is_given(name):
    values, words = CASES[name]
    page = ENV.get_template(f"{name}.md.j2").render(v=values, go="](#a)")
    assert words in page
    assert "None" not in page and "Decimal" not in page


def test_a_template_missing_a_value_fails_rather_than_printing_nothing():
    with pytest.raises((jinja2.UndefinedError, TypeError)):  # StrictUndefined, or the filter refusing it
        ENV.get_template("callouts/match_not_captured.md.j2").render(v={"capture_pct": D("6")})


# ----------------------------------------------------------------------------- templates hold no decisions by numbers

ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow, nodes.Neg)
ORDERING = {"lt", "gt", "lteq", "gteq"}
RAW_PROFILE = {"persona", "plan", "business_plan", "age"}  # r.X: the profile as typed, not a decision

# (template, line, what) allowed, each with its reason. Empty: no template needs one today.
ALLOWED: dict[tuple[str, int, str], str] = {}


def _reads_raw_profile(node: nodes.Node, aliases: frozenset[str] = frozenset()) -> bool:
    """Whether `node` reads r.persona, r.plan, r.business_plan or r.age, or a name set from one."""
    for part in [node, *node.find_all((nodes.Getattr, nodes.Name))]:
        if isinstance(part, nodes.Getattr) and isinstance(part.node, nodes.Name) and part.node.name == "r" \
                and part.attr in RAW_PROFILE:
            return True
        if isinstance(part, nodes.Name) and part.name in aliases:
            return True
    return False


def decisions(source: str) -> list[tuple[int, str]]:
    """Arithmetic, ordering comparisons, comparisons or tests on raw profile fields, and numbers
    other than 0 and 1 in expressions (a filter's own arguments aside: indent(4) is layout)."""
    found = []
    tree = ENV.parse(source)
    filter_args = {id(arg) for f in tree.find_all(nodes.Filter) for arg in f.args}
    aliases = frozenset(a.target.name for a in tree.find_all(nodes.Assign)
                        if isinstance(a.target, nodes.Name) and _reads_raw_profile(a.node))
    for node in tree.find_all(nodes.Node):
        if isinstance(node, ARITHMETIC):
            found.append((node.lineno, "arithmetic"))
        elif isinstance(node, nodes.Compare):
            if {op.op for op in node.ops} & ORDERING:
                found.append((node.lineno, "ordering comparison"))
            if _reads_raw_profile(node, aliases):
                found.append((node.lineno, "comparison against a raw profile field"))
        elif isinstance(node, nodes.Test) and _reads_raw_profile(node.node, aliases):
            found.append((node.lineno, "test of a raw profile field"))
        elif isinstance(node, nodes.Const) and type(node.value) in (int, float) and node.value not in (0, 1) \
                and id(node) not in filter_args:
            found.append((node.lineno, f"the number {node.value}"))
    return found


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.j2")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_decides_with_numbers_or_raw_profile_fields(path):
    name = str(path.relative_to(TEMPLATES))
    left = [(line, what) for line, what in decisions(path.read_text(encoding="utf-8"))
            if (name, line, what) not in ALLOWED]
    assert left == [], f"{name}: decide in generator/view.py or advice.py and give the template the answer"


@pytest.mark.parametrize("source, found", [
    ("{{ r.persona.tax_year - 1 }}", [(1, "arithmetic")]),
    ("{% if f.a.value < f.b.value %}x{% endif %}", [(1, "ordering comparison")]),
    ('{% if r.plan.match.period == "per_pay_period" %}x{% endif %}', [(1, "comparison against a raw profile field")]),
    ("{% if r.persona.tax.marginal_rate_now is none %}x{% endif %}", [(1, "test of a raw profile field")]),
    ("{% if view.age_reached %}{{ r.age }}{% endif %}", []),
    ("{% if r.age >= 50 %}x{% endif %}", [(1, "ordering comparison"), (1, "comparison against a raw profile field"),
                                          (1, "the number 50")]),
    ("{{ text | indent(4) }}{{ v.n | paychecks }}", []),
    ('{% set kind = r.business_plan.type %}{% if kind == "sep_ira" %}x{% endif %}',
     [(1, "comparison against a raw profile field")]),
], ids=["arithmetic", "ordering", "raw-field", "raw-test", "printing-is-fine", "legal-age", "layout-argument",
        "raw-field-by-another-name"])
def test_the_decision_scan_finds_what_it_should(source, found):
    assert decisions(source) == found


def test_every_section_template_is_a_section_some_guide_shows():
    """view.sections lists the page's sections; each has its template and no template is left unused
    (prepared.md.j2 is the title block, always included)."""
    from generator.advice import advise
    from generator.compute import compute
    from generator.profiles import load_profiles
    examples = load_profiles(REPO / "profiles")
    shown = set()
    for persona in examples.personas:
        results = compute(persona, examples.plans)
        for on in (dt.date(persona.tax_year, 1, 2), dt.date(persona.tax_year, 12, 30)):
            shown |= set(view.guide_view(results, advise(results), on, view.read_sections(TEMPLATES)).sections)
    assert shown | {"prepared"} == {p.name.removesuffix(".md.j2") for p in (TEMPLATES / "sections").glob("*.md.j2")}


def test_sections_stand_in_the_order_their_templates_declare():
    assert [(s.name, s.when) for s in view.read_sections(TEMPLATES)] == [
        ("match", "payroll"), ("pre_tax_or_roth", "payroll"), ("deferrals", "plan"), ("after_tax", "payroll"),
        ("elections", "payroll"), ("ira", "always"), ("business", "business"), ("public_sector", "always"),
        ("leaving", "always"), ("changes", "always"), ("mistakes", "always"), ("dates", "always"),
        ("checklists", "always"), ("sources", "always")]


def test_a_new_section_is_its_template_alone(tmp_path):
    """A template with the header line is a section, in its place and under its condition; no code
    lists it. Same order: by name. No header: not a section (the title block)."""
    from generator.advice import advise
    from generator.compute import compute
    from generator.profiles import load_profiles
    (tmp_path / "sections").mkdir()
    for name, first_line in (("last", "{#- section 30 when always -#}"), ("first", "{#- section 10 when always -#}"),
                             ("payroll_b", "{#- section 20 when payroll -#}"), ("payroll_a", "{#- section 20 when payroll: a comment may go on -#}"),
                             ("business", "{#- section 25 when business -#}"), ("title", "## No header")):
        (tmp_path / "sections" / f"{name}.md.j2").write_text(first_line + "\nwords\n")
    sections = view.read_sections(tmp_path)
    assert [s.name for s in sections] == ["first", "payroll_a", "payroll_b", "business", "last"]
    examples = load_profiles(REPO / "profiles")
    maya = compute(next(p for p in examples.personas if p.id == "maya"), examples.plans)  # a plan, no business
    assert view.guide_view(maya, advise(maya), dt.date(2026, 3, 1), sections).sections == (
        "first", "payroll_a", "payroll_b", "last")


def test_a_section_under_an_unknown_condition_is_a_template_error(tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "odd.md.j2").write_text("{#- section 10 when someday -#}\n")
    with pytest.raises(jinja2.TemplateSyntaxError, match="not 'someday'") as error:
        view.read_sections(tmp_path)
    assert error.value.name == "sections/odd.md.j2" and error.value.lineno == 1


def test_every_ira_route_is_named_and_told_in_its_one_partial():
    """partials/_ira_route.md.j2 alone words the routes rules/ira.py chooses between: the short name
    (glance table, guides index), the IRA section's headline, the action and the "What to do" line."""
    from generator.rules.ira import ROUTES
    words = ENV.get_template("partials/_ira_route.md.j2").module
    assert set(words.ira_route_names) == set(ROUTES)
    for route in ROUTES:
        v = {"route": route, "limit": D("7500"), "amount": D("7500"), "deductible": D("7500"), "roth_limit": None,
             "roll_into_plan": False}
        told = [str(words.ira_route_headline(route)), str(words.ira_route_action(v)), str(words.ira_route_todo(v, "](#a)"))]
        assert all(told) and not any("None" in text for text in told), (route, told)
        assert told[0].startswith("**Your route: ") and "$7,500" in told[2]
    assert "No IRA contribution this year" in str(words.ira_route_headline(None))
