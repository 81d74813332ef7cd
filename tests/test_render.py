"""How numbers and profile text print on a page."""
from __future__ import annotations

from decimal import Decimal

import pytest

from generator.formatting import money, pct
from generator.render import inert


@pytest.mark.parametrize("amount, shown", [
    (Decimal("24500"), "$24,500"),
    (Decimal("24500.00"), "$24,500"),
    (Decimal("9415.384615"), "$9,415.38"),
    (Decimal("0.005"), "$0.01"),  # half up, as payroll rounds
    (Decimal("-0.00"), "$0"),
    (Decimal("-1200"), "−$1,200"),
    (None, "—"),
], ids=["whole-dollars", "cents-that-are-zero", "cents", "half-cent-rounds-up", "negative-zero", "negative", "missing"])
def test_money(amount, shown):
    assert money(amount) == shown


@pytest.mark.parametrize("value, shown", [(Decimal("6"), "6%"), (Decimal("6.50"), "6.5%"), (Decimal("0"), "0%")],
                         ids=["whole", "fraction-without-trailing-zero", "zero"])
def test_pct(value, shown):
    assert pct(value) == shown


@pytest.mark.parametrize("text, shown", [
    ("Ana", "Ana"),
    ("<b>Ana</b> & co", r"&lt;b&gt;Ana&lt;/b&gt; &amp; co"),
    ("**x** _y_ [z](u) ![i](u)", r"\*\*x\*\* \_y\_ \[z\](u) !\[i\](u)"),  # no link or image without "["
    ("a\n# heading", "a # heading"),     # folded onto one line, "#" is plain text
    ("Bo {: onclick=x}", r"Bo \{: onclick=x\}"),  # no attr_list attributes
    ("Acme Corp. 401(k) - A+", "Acme Corp. 401(k) - A+"),  # ordinary punctuation stays readable
    ("Acme | B", r"Acme \| B"),
], ids=["plain", "html", "markdown", "newline-cannot-start-a-heading", "attr-list", "punctuation", "table-pipe"])
def test_inert(text, shown):
    assert inert(text) == shown


# ----------------------------------------------------------------------------- dates, ratios, answers

@pytest.mark.parametrize("value, unit, shown", [
    ("2036", "year", "2036"),       # a calendar year has no thousands comma
    ("1040", "count", "1,040"),     # a count has
    ("6.50", "pct", "6.5%"),        # a percent has no space and no trailing zero
    ("22", "pct", "22%"),
    ("24500.00", "usd", "$24,500"),
], ids=["year", "count", "percent-with-places", "whole-percent", "whole-dollars"])
def test_one_way_to_print_each_unit(value, unit, shown):
    from generator.formatting import amount
    assert amount(Decimal(value), unit) == shown


@pytest.mark.parametrize("source, shown", [
    ("your profile: pay.salary", "your profile"),
    ("your profile: tax.marginal_rate_now, tax.state_rate", "your profile"),
    ("IRC 219(b)(1); your profile: spouse.compensation", "IRC 219(b)(1); your profile"),
    ("IRC 402(g)(1); IRS Notice 2025-67", "IRC 402(g)(1); IRS Notice 2025-67"),
], ids=["one-key", "two-keys", "key-after-a-statute", "no-key"])
def test_a_page_cites_the_profile_without_its_keys(source, shown):
    from generator.formatting import cited
    assert cited(source) == shown


def test_one_date_style_like_the_engine_steps():
    import datetime as dt

    from generator.formatting import day
    assert day(dt.date(2026, 8, 14)) == "Aug 14, 2026"
    assert day(dt.date(2026, 12, 1)) == "Dec 1, 2026"  # no leading zero


@pytest.mark.parametrize("value, shown", [
    ("1", "1"),               # Form 8606 line 10 at its cap: not "1.0"
    ("3.000000", "3"),        # years waiting for a conversion
    ("0.25", "0.25"),
    ("0.0833333", "0.083333"),  # six places, as the 8606 worksheet keeps
])
def test_ratios_print_without_trailing_zeros(value, shown):
    from generator.figure import RATIO, Step
    from generator.render import amount
    assert amount(Step("ratio", Decimal(value), "", "=", RATIO)) == shown


def test_a_worked_examples_summary_shows_its_last_answer():
    from generator.figure import Figure, Step
    from generator.render import result
    figure = Figure("x", Decimal(5), (Step("a", Decimal(7), ""), Step("b", Decimal(2), "", "−"),
                                      Step("first answer", Decimal(5), "", "="), Step("a note", None, "", "=")))
    assert result(figure) == "$5"  # the last "=" step with an amount; a closing note has none
    assert result(Figure("y", None, (Step("only words", None, ""),))) == ""
