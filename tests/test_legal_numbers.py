"""Legal numbers live in data: no rule or template writes an age, rate, day count or deadline itself.

The ages (50, 55, 59½, 60-63, 73, 75), rates (10 %, 20 %, 6 %, 25 %), the 60 days and the
deadlines (April 15, March 1) come from generator/limits/constants.yaml or the year files, read
through generator.limits (`law(key)` in code, `law.key` in templates). "Rule of 55" is a name.
A line may say why a number is not a legal one with the words "not a legal number".
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CODE = sorted((REPO / "generator" / "rules").rglob("*.py")) + [REPO / "generator" / p for p in ("compute.py", "advice.py")]
TEMPLATES = sorted((REPO / "templates").rglob("*.j2"))

AGES = {"50", "55", "59.5", "60", "63", "72", "73", "75"}
LEGAL_WORDS = re.compile(
    r"(?<![\w.$,])(?<![Rr]ule of )"
    r"(?:(?:50|55|60|63|73|75)(?![\w%])(?!,\d)(?! ?(?:days?|%))"  # an age (not $55,000)
    r"|59(?:½| 1/2|\.5)"                                      # the age of 59½
    r"|(?:10|20|25|6) ?(?:%|percent)"                         # the additional tax, withholding, excise rates
    r"|60[- ]days?"                                           # the indirect rollover window
    r"|April 15|March 1\b)")                                  # the deadlines
EXEMPT = "not a legal number"


def code_hits(source: str) -> list[tuple[int, str]]:
    """Ages compared in code, and legal numbers in the words of string literals (docstrings aside)."""
    lines = source.splitlines()
    hits = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        line = lines[token.start[0] - 1] if token.start[0] <= len(lines) else ""
        if EXEMPT in line:
            continue
        if token.type == tokenize.NUMBER and token.string in AGES:
            hits.append((token.start[0], token.string))
        elif token.type == tokenize.STRING and not token.string.lstrip("rbfu").startswith(('"""', "'''")):
            hits += [(token.start[0], m.group(0)) for m in LEGAL_WORDS.finditer(token.string)]
    return hits


def template_hits(source: str) -> list[tuple[int, str]]:
    """Legal numbers in a template's words (outside {{ }}, {% %} and {# #})."""
    hits = []
    for number, line in enumerate(source.splitlines(), 1):
        words = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", line)
        hits += [(number, m.group(0)) for m in LEGAL_WORDS.finditer(words)]
    return hits


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_no_rule_writes_a_legal_number_itself(path):
    assert code_hits(path.read_text(encoding="utf-8")) == [], f"{path}: read these from generator.limits.law"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(REPO / "templates")))
def test_no_template_writes_a_legal_number_itself(path):
    assert template_hits(path.read_text(encoding="utf-8")) == [], f"{path}: print these from law.<key> (constants.yaml)"


@pytest.mark.parametrize("source, found", [
    ('if age < 50:\n    pass\n', [(1, "50")]),
    ('x = 59.5\n', [(1, "59.5")]),
    ('label = "Additional tax on payouts before 59½"\n', [(1, "59½")]),
    ('label = f"deposit it within 60 days, or {rate}: 10 % of it"\n', [(1, "60 days"), (1, "10 %")]),
    ('label = "claim it by March 1"\n', [(1, "March 1")]),
    ('"""A docstring may explain the 59½ rule."""\n', []),
    ('flag = "rule_of_55_applies"\nname = "the rule of 55"\n', []),
    ('PRECISION = 50  # digits (not a legal number)\n', []),
    ('amount = "$50,000"\n', []),
], ids=["age-compared", "age-as-number", "age-in-words", "days-and-rate", "deadline", "docstring",
        "rule-of-55-is-a-name", "exempted-line", "money-is-not-an-age"])
def test_the_code_scan_finds_what_it_should(source, found):
    assert code_hits(source) == found


@pytest.mark.parametrize("source, found", [
    ("You can take money out without the 10% tax after 59½.\n", [(1, "10%"), (1, "59½")]),
    ("You left in or after the year you turned 55, so\n", [(1, "55")]),
    ("a balance of $55,000 at 60 days\n", [(1, "60 days")]),
    ("After {{ law.penalty_free_age.shown }} there is no additional tax.\n", []),
    ("{# a comment about age 55 #}From the year you turn {{ law.rule_of_55_age.shown }}.\n", []),
], ids=["words", "age-before-a-comma", "money-is-not-an-age", "from-data", "comment"])
def test_the_template_scan_finds_what_it_should(source, found):
    assert template_hits(source) == found
