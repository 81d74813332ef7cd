"""The Jinja2 environment for the Markdown templates, and the filters that print numbers and text.

Templates are strict (an undefined name is an error, never an empty string) and hold no
arithmetic: every number they print comes from a Figure or from the limits data.
"""
from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import jinja2

from .figure import COUNT, PCT, RATIO, USD, Step
from .money import cents

# The characters Python-Markdown (and its tables extension) lets a backslash escape.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


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
            RATIO: lambda v: f"{v:.6f}"}[step.unit](step.amount)


def front_matter_text(text: str) -> str:
    """A quoted YAML scalar for front matter, HTML-escaped: MkDocs Material prints a page title
    into <title> without escaping it, so a name like "<script>" must arrive as entities."""
    return json.dumps(html.escape(" ".join(str(text).split()), quote=False), ensure_ascii=False)


def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: profile text goes through `inert` instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, pct=pct, amount=amount, inert=inert, front_matter_text=front_matter_text)
    return env
