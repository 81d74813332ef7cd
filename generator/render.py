"""The Jinja2 environment for the Markdown templates, and the filters that print numbers and text.

Templates are strict (an undefined name is an error, never an empty string) and hold no
arithmetic: every number they print comes from a Figure or from the limits data.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import jinja2
import yaml

from .figure import COUNT, PCT, RATIO, USD, Figure, Step
from .limits import load_constants
from .money import cents, whole_dollars
from .rules import business_plan_choice
from .rules.mega_backdoor import CADENCE_WORDS
from .rules.projection import TIMING_WORDS
from .rules.rollover import OPTION_LABEL, SOURCE_LABEL

# The characters that can start Markdown syntax inside a line: emphasis, code, links and images
# (an escaped "[" stops both), table cells, and attr_list's "{: ...}". Line-start syntax (#, -, +,
# 1.) cannot occur: profile text is folded onto one line and never starts one. "<" and "&" are
# HTML-escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]|])")


CHANGE_LABELS = {
    "elective_deferral_limit": "Deferral room at this employer", "catch_up_limit": "Catch-up room",
    "annual_additions_limit": "Annual additions limit", "plan_compensation": "Pay the plan's formulas use",
    "employer_match": "Employer match", "after_tax_space": "After-tax space (mega backdoor Roth)",
    "ira_contribution_limit": "IRA contribution limit", "traditional_ira_deductible_limit": "Deductible traditional IRA",
    "roth_ira_limit": "Direct Roth IRA contribution", "recommended_elections.pre_tax_pct": "Pre-tax election",
    "recommended_elections.roth_pct": "Roth election", "recommended_elections.after_tax_pct": "After-tax election",
}
IRA_ROUTES = {"deductible_traditional": "deductible traditional IRA", "roth": "Roth IRA",
              "backdoor_roth": "backdoor Roth", "nondeductible_traditional": "nondeductible traditional IRA"}


def inert(text: str) -> str:
    """Text from a profile, made inert: HTML and Markdown characters print as themselves."""
    one_line = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def money(amount: Decimal | None) -> str:
    """$24,500 for whole dollars, $1,234.56 otherwise."""
    if amount is None:
        return "—"
    amount = cents(Decimal(amount))
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}${text}"


def pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral_value() else f"{value:.0f}"
    return f"{text}%"


def amount(step: Step) -> str:
    """A step's amount in its unit."""
    if step.amount is None:
        return ""
    return {USD: money, PCT: pct, COUNT: lambda v: f"{v:,.0f}",
            RATIO: _ratio}[step.unit](step.amount)


def _ratio(value: Decimal) -> str:
    """A ratio to six places without trailing zeros (Form 8606 line 10 keeps more than three): 1, 0.25."""
    return f"{Decimal(value).quantize(Decimal('0.000001')):f}".rstrip("0").rstrip(".")


def result(figure: Figure) -> str:
    """A worked example's answer for its summary line: the amount of its last "=" step, if any."""
    answers = [step for step in figure.steps if step.op == "=" and step.amount is not None]
    return amount(answers[-1]) if answers else ""


def day(when: dt.date) -> str:
    """The one date style of a page: Aug 14, 2026 (as the engine's steps write Dec 31, 2026)."""
    return f"{when:%b} {when.day}, {when.year}"


def dollars(amount: Decimal) -> str:
    """Whole dollars, for projections: cents would claim a precision the assumptions lack."""
    return money(whole_dollars(Decimal(amount)))


def front_matter(title: str, description: str, private: bool, hide_navigation: bool = False) -> str:
    """A page's front matter, written by a YAML emitter (never pasted text). A private page leaves
    search and asks search engines not to index it. The title is HTML-escaped: MkDocs Material
    prints it into <title> without escaping, so a name like "<script>" must arrive as entities."""
    meta: dict = {"title": html.escape(" ".join(title.split()), quote=False), "description": description}
    if private:
        meta.update({"search": {"exclude": True}, "robots": "noindex"})
    if hide_navigation:  # a firm's client pages without the public site's navigation (guides.yml)
        meta["hide"] = ["navigation"]
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000) + "---\n"


def read_front_matter(page: str) -> dict:
    """The front matter as MkDocs will read it (MkDocs' own reader: unreadable front matter gives {})."""
    from mkdocs.utils.meta import get_data
    return get_data(page)[1]


def long_date(day) -> str:
    """March 31, 2027."""
    return f"{day:%B} {day.day}, {day.year}"


def paychecks(count: int) -> str:
    """"paycheck" or "3 paychecks", for "your last ..."."""
    return "paycheck" if count == 1 else f"{count} paychecks"


def fail(message: str) -> str:
    """Stop rendering: a template met a key it has no words for (a programming error, not an input one)."""
    raise jinja2.TemplateRuntimeError(message)


def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: profile text goes through `inert` instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fail=fail, law=load_constants(), front_matter=front_matter, cadence_words=CADENCE_WORDS,
                       timing_words=TIMING_WORDS,
                       source_labels=SOURCE_LABEL, option_labels=OPTION_LABEL, ira_routes=IRA_ROUTES, change_labels=CHANGE_LABELS,
                       plan_words=business_plan_choice.WORDS)
    env.filters.update(money=money, dollars=dollars, pct=pct, amount=amount, inert=inert, long_date=long_date, result=result, day=day,
                       paychecks=paychecks)
    return env
