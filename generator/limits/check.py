"""Every year file held to the schema, every problem located: `path:line: key: message (hint)`.

The checks are the ways a yearly update goes wrong: a typo (`25,000`), a blank left from
`guides new-year`, a misspelled key, a `tax_year` that does not match the file name, the notice of
another year, and an unedited copy of last year's file (stale figures under a new year's name).
"""
from __future__ import annotations

import difflib
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..yamlio import Node, line_of, load_yaml
from . import BRACKET_TABLES, LIMITS_SHOWN

TOP_KEYS = ("tax_year", "notice", "provisional", "limits")
NOTICE_KEYS = ("title", "href", "published")


def check_year_files(directory: Path, schema: dict) -> dict[int, list[Problem]]:
    """The problems of every YEAR.yaml in `directory`, by year."""
    loaded: dict[int, tuple[str, Any]] = {}
    problems: dict[int, list[Problem]] = {}
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9].yaml")):
        year, shown = int(path.stem), LIMITS_SHOWN + path.name
        data, problems[year] = load_yaml(path, shown)
        if not problems[year]:
            problems[year] = check_year(data, year, shown, schema)
        if isinstance(data, Node):
            loaded[year] = (shown, data)
    for year, (shown, data) in loaded.items():
        problems[year] += _notice_reused(year, shown, data, loaded)
        if year - 1 in loaded:
            problems[year] += _copy_of(year, shown, data, loaded[year - 1][1], schema)
    return problems


def check_year(data: Any, year: int, shown: str, schema: dict) -> list[Problem]:
    """One file on its own: its shape, its year, and a number for every key the law had that year."""
    if not isinstance(data, Node):
        return [Problem(shown, getattr(data, "line", 1), "", "the file is not a mapping of keys",
                        "expected tax_year, notice and limits; see generator/limits/2026.yaml")]
    problems = _unknown(data, TOP_KEYS, shown, ())
    for key in ("tax_year", "notice", "limits"):
        if key not in data:
            problems.append(Problem(shown, data.line, key, "is missing"))
    tax_year = data.get("tax_year")
    if "tax_year" in data and tax_year != year:
        problems.append(Problem(shown, line_of(data, ("tax_year",)), "tax_year",
                                f"says {_shown(tax_year)} but the file is {year}.yaml",
                                f"a file holds the limits of the year in its name: set tax_year: {year}"))
    if "provisional" in data and not isinstance(data["provisional"], bool):
        problems.append(Problem(shown, line_of(data, ("provisional",)), "provisional",
                                f"must be true or false (got {_shown(data['provisional'])})"))
    problems += _notice(data.get("notice"), data, shown)
    if isinstance(data.get("limits"), Node):
        problems += _limits(data["limits"], data, year, shown, schema)
    elif "limits" in data:
        problems.append(Problem(shown, line_of(data, ("limits",)), "limits", "must be a mapping of keys to values"))
    return problems


def _notice(notice: Any, data: Node, shown: str) -> list[Problem]:
    if "notice" not in data:
        return []
    if not isinstance(notice, Node):
        return [Problem(shown, line_of(data, ("notice",)), "notice", "must hold title, href and published",
                        "the IRS notice that set this year's figures")]
    problems = _unknown(notice, NOTICE_KEYS, shown, ("notice",))
    for key in NOTICE_KEYS:
        if notice.get(key) in (None, ""):
            problems.append(Problem(shown, notice.key_lines.get(key, notice.line), f"notice.{key}",
                                    "is blank" if key in notice else "is missing",
                                    "the IRS notice's title (IRS Notice 2025-67), its link, and its date (YYYY-MM-DD)"))
    return problems


def _limits(values: Node, data: Node, year: int, shown: str, schema: dict) -> list[Problem]:
    problems = _unknown(values, tuple(schema), shown, ("limits",))
    for spec in schema.values():
        where = ("limits", spec.key)
        if spec.key not in values:
            if spec.in_force(year):
                problems.append(Problem(shown, line_of(data, ("limits",)), f"limits.{spec.key}", "is missing",
                                        f"{spec.label}, {_unit_hint(spec)}"))
            continue
        if not spec.in_force(year):
            problems.append(Problem(shown, line_of(data, where), f"limits.{spec.key}",
                                    f"the law had no such limit before {spec.from_year}", "remove this line"))
            continue
        problems += _value(values[spec.key], spec, data, where, shown)
    return problems


def _value(value: Any, spec, data: Node, where: tuple, shown: str) -> list[Problem]:
    key = ".".join(where)
    if spec.unit == "dollars_range":
        if not isinstance(value, Node):
            return [Problem(shown, line_of(data, where), key, f"must be a range with start and end{_got(value)}",
                            "write start: and end: on their own lines, indented below the key")]
        problems = _unknown(value, ("start", "end"), shown, where)
        for end in ("start", "end"):
            problems += _amount(value.get(end), spec, data, where + (end,), shown, present=end in value)
        if not problems and value["start"] >= value["end"]:
            problems.append(Problem(shown, line_of(data, where + ("end",)), f"{key}.end",
                                    f"must be above start ({value['start']})"))
        return problems
    if spec.unit == "brackets":
        return _brackets(value, spec, data, where, shown)
    if spec.unit == "yes_no":
        if isinstance(value, bool):
            return []
        return [Problem(shown, line_of(data, where), key, f"must be true or false{_got(value)}", spec.label)]
    return _amount(value, spec, data, where, shown)


BRACKET_KEYS = ("set_by", "href", "rates") + BRACKET_TABLES


def _brackets(value: Any, spec, data: Node, where: tuple, shown: str) -> list[Problem]:
    """The Revenue Procedure, the rates, and one table per filing status: as many amounts as rates,
    starting at 0 and rising (taxable income over each amount is taxed at the rate beside it)."""
    key = ".".join(where)
    if not isinstance(value, Node):
        return [Problem(shown, line_of(data, where), key, f"must hold {', '.join(BRACKET_KEYS)}{_got(value)}",
                        "see generator/limits/2026.yaml")]
    problems = _unknown(value, BRACKET_KEYS, shown, where)
    for text in ("set_by", "href"):
        if not isinstance(value.get(text), str) or not value[text].strip():
            problems.append(Problem(shown, value.key_lines.get(text, value.line), f"{key}.{text}",
                                    "is blank" if text in value else "is missing",
                                    "the Revenue Procedure that set this year's brackets (Rev. Proc. 2025-32) and its link"))
    rates = value.get("rates")
    rates_ok = (isinstance(rates, list) and rates and all(isinstance(r, Decimal) and not isinstance(r, bool)
                                                          and 0 < r <= 100 for r in rates)
                and all(a < b for a, b in zip(rates, rates[1:])))
    if not rates_ok:
        problems.append(Problem(shown, value.key_lines.get("rates", value.line), f"{key}.rates",
                                f"must be a list of percentages, lowest first{_got(rates)}", "[10, 12, 22, 24, 32, 35, 37]"))
    for status in BRACKET_TABLES:
        amounts, line = value.get(status), value.key_lines.get(status, value.line)
        if status not in value:
            problems.append(Problem(shown, line, f"{key}.{status}", "is missing",
                                    "the taxable income each rate applies above, from 0, one amount per rate"))
        elif not (isinstance(amounts, list) and all(isinstance(a, Decimal) and not isinstance(a, bool)
                                                     and a == a.to_integral_value() for a in amounts)
                  and amounts[:1] == [0] and all(a < b for a, b in zip(amounts, amounts[1:]))):
            problems.append(Problem(shown, line, f"{key}.{status}",
                                    f"must be whole dollars from 0, each above the one before{_got(amounts)}",
                                    "write digits only: [0, 12_400, 50_400, ...]"))
        elif rates_ok and len(amounts) != len(rates):
            problems.append(Problem(shown, line, f"{key}.{status}",
                                    f"has {len(amounts)} amounts for {len(rates)} rates", "one amount per rate"))
    return problems


def _amount(value: Any, spec, data: Node, where: tuple, shown: str, present: bool = True) -> list[Problem]:
    key, line = ".".join(where), line_of(data, where)
    if not present:
        return [Problem(shown, line, key, "is missing", _unit_hint(spec))]
    if value is None or value == "":
        return [Problem(shown, line, key, "is blank", f"{spec.label}: enter it from the IRS notice")]
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        return [Problem(shown, line, key, f"must be a number{_got(value)}",
                        "write digits only, without commas, $ or quotes: 25000 or 25_000")]
    if value < 0 or value != value.to_integral_value():
        return [Problem(shown, line, key, f"must be a whole number of dollars, 0 or more (got {value})")]
    return []


def _notice_reused(year: int, shown: str, data: Node, loaded: dict) -> list[Problem]:
    """The notice of an earlier year: reported on the later file, the one most likely copied."""
    title = data["notice"].get("title") if isinstance(data.get("notice"), Node) else None
    others = [other for other, (_, d) in loaded.items() if other < year and isinstance(d.get("notice"), Node)
              and d["notice"].get("title") == title]
    if not title or not others:
        return []
    return [Problem(shown, line_of(data, ("notice", "title")), "notice.title",
                    f"{title} is also the notice of {', '.join(f'{y}.yaml' for y in others)}",
                    f"each year's figures come from that year's notice: enter the {year} notice")]


def _copy_of(year: int, shown: str, data: Node, before: Node, schema: dict) -> list[Problem]:
    """Every value the same as the year before: an unedited copy, not new figures."""
    now, then = data.get("limits"), before.get("limits")
    if not isinstance(now, Node) or not isinstance(then, Node):
        return []
    if any(_plain(now.get(key)) != _plain(then.get(key)) for key in schema):
        return []
    return [Problem(shown, line_of(data, ("limits",)), "limits",
                    f"every value is the same as in {year - 1}.yaml: this is a copy of last year's figures",
                    f"enter the {year} figures from the IRS notice, or start again from blanks with "
                    f"`guides new-year {year} --force`")]


def _plain(value: Any) -> Any:
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, dict) else value


def _unknown(node: Node, allowed: tuple, shown: str, where: tuple) -> list[Problem]:
    problems = []
    for key in node:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]}?" if close else f"expected one of: {', '.join(allowed)}"
            problems.append(Problem(shown, node.key_lines.get(key, node.line), ".".join(where + (str(key),)),
                                    "unknown key", hint))
    return problems


def _unit_hint(spec) -> str:
    return {"dollars": "a whole number of dollars", "dollars_range": "a range: start: and end: in dollars",
            "yes_no": "true or false", "brackets": "the Revenue Procedure's tax rate tables"}[spec.unit]


def _got(value: Any) -> str:
    return "" if isinstance(value, dict) else f" (got {_shown(value)})"


def _shown(value: Any) -> str:
    return str(value) if isinstance(value, Decimal) else repr(value)
