"""Numbers and dates as text, one way everywhere: pages (the Jinja2 filters), `guides calc`, JSON,
charts, and the few step labels that name an amount.

Rules compute Decimals and say their unit (figure.USD, PCT, ...); this module alone decides how
they read: "$24,500" and "$1,234.56", "6.5%" (no space, whole numbers without ".0"), "2036" for a
calendar year, "Aug 14, 2026" for a day. Text from a profile is made inert here too (`inert`).
"""
from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from .figure import COUNT, PCT, RATIO, USD, YEAR
from .money import cents, whole_dollars


def money(amount: Decimal | None) -> str:
    """$24,500 for whole dollars, $1,234.56 otherwise; a minus sign before the dollar sign."""
    if amount is None:
        return "—"
    amount = cents(Decimal(amount))
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}${text}"


def dollars(amount: Decimal) -> str:
    """Whole dollars, for projections: cents would claim a precision the assumptions lack."""
    return money(whole_dollars(Decimal(amount)))


def number(value: Decimal) -> str:
    """A percent or rate as written: 6.00 → "6", 5.50 → "5.5" (never "6.0" or an exponent)."""
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else f"{value:.0f}"


def pct(value: Decimal | None) -> str:
    """A percent: "6.5%", "22%"."""
    return "—" if value is None else f"{number(value)}%"


def count(value: Decimal) -> str:
    """A count of paychecks, years or people: "26", "1,040"."""
    return f"{Decimal(value):,.0f}"


def year(value: Decimal | int) -> str:
    """A calendar year: "2036", never "2,036"."""
    return f"{Decimal(value):.0f}"


def ratio(value: Decimal) -> str:
    """A ratio to six places without trailing zeros (Form 8606 line 10 keeps more than three): 1, 0.25."""
    return f"{Decimal(value).quantize(Decimal('0.000001')):f}".rstrip("0").rstrip(".")


def amount(value: Decimal | None, unit: str) -> str:
    """An amount in its unit, as a page and `guides calc` print it ("" for none)."""
    if value is None:
        return ""
    return {USD: money, PCT: pct, COUNT: count, YEAR: year, RATIO: ratio}[unit](value)


def day(when: dt.date) -> str:
    """The one date style: Aug 14, 2026 (pages, step labels, calendars alike)."""
    return f"{when:%b} {when.day}, {when.year}"


_PROFILE_KEY = re.compile(r"(your profile): [a-z_.]+(?:, [a-z_.]+)*")


def cited(source: str) -> str:
    """A step's source as a page prints it: "your profile", without the key that `guides calc` and
    JSON show ("your profile: pay.salary"): a page speaks to the reader, not to whoever keeps the file."""
    return _PROFILE_KEY.sub(r"\1", source)


def json_number(value: Decimal, unit: str) -> str | int:
    """An amount for JSON: dollars as a two-place string ("24500.00"), a percent as a decimal string of
    percent ("6.5"), a whole count or year as an integer, anything else as a plain decimal string."""
    if unit == USD:
        return f"{cents(value):.2f}"
    if unit == PCT:
        return number(value)
    if value == value.to_integral_value():
        return int(value)
    return f"{value:f}"


# The characters that can start Markdown syntax inside a line: emphasis, code, links and images
# (an escaped "[" stops both), table cells, and attr_list's "{: ...}". Line-start syntax (#, -, +,
# 1.) cannot occur: profile text is folded onto one line and never starts one. "<" and "&" are
# HTML-escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]|])")


def inert(text: str) -> str:
    """Text from a profile, made inert: HTML and Markdown characters print as themselves."""
    one_line = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
