"""`guides new-year YEAR`: start next year's limits file and next year's copies of the personas.

The limits file is written with every value blank and last year's value in a comment, so nothing
stale can pass for new figures (check.py refuses blanks). The personas are copied line by line, so
their comments survive: durable facts carry forward, one-year facts are reset or estimated, and
each fact the maintainer must confirm is listed under `review:` in the copy (and by `guides check`).

Where a year's profiles live: `profiles/YEAR/` (personas/ and plans/), beside the one-folder
`profiles/` that a single-year site uses. The source of a new year is the year before's folder
when it exists, otherwise `profiles/`.
"""
from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from . import limits as limits_data
from .errors import Problem, ProblemsFound, display_path
from .yamlio import Node, load_yaml, read_profile_text

REVIEW_HEADER = "# Written by `guides new-year {year}`: confirm each fact below, correct it above, then delete its line."


@dataclass
class NewYear:
    """What `new-year` wrote, and what the maintainer must confirm in each persona."""

    year: int
    written: list[str] = field(default_factory=list)  # as the user sees the paths
    to_confirm: dict[str, dict[str, str]] = field(default_factory=dict)  # persona file -> key -> what to do


def profiles_dir_for(root: Path, year: int | None) -> Path:
    """A year's own profiles folder (profiles/YEAR/) when it exists, otherwise the one folder profiles/."""
    if year is not None and (root / "profiles" / str(year) / "personas").is_dir():
        return root / "profiles" / str(year)
    return root / "profiles"


def new_year(root: Path, year: int, *, force: bool = False) -> NewYear:
    """Write generator/limits/YEAR.yaml and profiles/YEAR/; refuse to overwrite anything without `force`."""
    source = profiles_dir_for(root, year - 1)
    target = root / "profiles" / str(year)
    limits_path = limits_data.LIMITS_DIR / f"{year}.yaml"
    files = {limits_path: blank_limits(year)}
    result = NewYear(year)
    problems: list[Problem] = []
    shown = lambda path: limits_data.limits_file(year) if path == limits_path else display_path(path, root)  # noqa: E731
    for kind in ("plans", "personas"):
        for path in sorted((source / kind).glob("*.yaml")):
            if kind == "plans":  # copied as it is; read as a profile (a named pipe is not waited on)
                text, read_problems = read_profile_text(path, shown(path))
                problems += read_problems
                files[target / kind / path.name] = text
                continue
            data, load_problems = load_yaml(path, shown(path))
            if load_problems or not isinstance(data, Node):
                problems += load_problems or [Problem(shown(path), 1, "", "is not a persona (a mapping of keys)")]
                continue
            text, review = next_year_persona(path.read_text(encoding="utf-8"), data, year)
            files[target / kind / path.name] = text
            result.to_confirm[shown(target / kind / path.name)] = review
    for path in files:
        if path.exists() and not force:
            problems.append(Problem(shown(path), 1, "", "already exists", "add --force to overwrite it"))
    if problems:
        raise ProblemsFound(problems)
    _write_all(files)
    result.written = [shown(path) for path in files]
    return result


def _write_all(files: dict[Path, str]) -> None:
    """Write every file, the limits file (first in `files`) last, so that the limits folder is touched
    only once every profile is written. If the disk refuses one, remove the files and folders this
    call made and raise: the command leaves nothing half-made (a file overwritten with --force stays
    overwritten)."""
    limits_entry, *profiles = files.items()
    made: list[Path] = []
    try:
        for path, text in [*profiles, limits_entry]:
            missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            made += reversed(missing)
            existed = path.exists()
            path.write_text(text, encoding="utf-8")
            if not existed:
                made.append(path)
    except OSError:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        raise


# ----------------------------------------------------------------------------- limits

def blank_limits(year: int) -> str:
    """Next year's limits file: the keys of the schema, every value blank, last year's in a comment."""
    before = limits_data.load_limits(year - 1)
    lines = [f"# IRS limits for tax year {year}: enter each figure from the IRS notice for {year}",
             f"# (the {year - 1} figure is in the comment beside it), then the notice's title, link and date.",
             "# What each key means, its statute and link: generator/limits/schema.yaml.",
             "# For figures projected before the IRS publishes, add `provisional: true` (see the README).",
             f"tax_year: {year}", "notice:", "  title:", "  href:", "  published:", "limits:"]
    for spec in limits_data.load_schema().values():
        if not spec.in_force(year):
            continue
        entry = before.entries.get(spec.key)
        if spec.unit == "dollars_range":
            lines += [f"  {spec.key}:", f"    start:  # {year - 1}: {_amount(entry.start)}",
                      f"    end:    # {year - 1}: {_amount(entry.end)}"]
        elif spec.unit == "brackets":
            was = {"set_by": entry.notice, "href": entry.procedure_href, "rates": _list(entry.rates)}
            was |= {status: _list(amounts) for status, amounts in entry.thresholds.items()}
            lines += [f"  {spec.key}:"] + [f"    {key}:  # {year - 1}: {shown}" for key, shown in was.items()]
        elif spec.unit == "yes_no":
            target = before.entries.get(spec.applies_to)
            lines.append(f"  {spec.key}:  # {year - 1}: {'true' if target and target.enforced else 'false'}")
        else:
            was = "none" if entry is None or entry.value is None else _amount(entry.value)
            lines.append(f"  {spec.key}:  # {year - 1}: {was}")
    return "\n".join(lines) + "\n"


def _amount(value: Decimal) -> str:
    return f"{value:,}"


def _list(values: tuple[Decimal, ...]) -> str:
    return "[" + ", ".join(f"{int(v):_}" for v in values) + "]"


# ----------------------------------------------------------------------------- personas

def next_year_persona(text: str, data: Node, year: int) -> tuple[str, dict[str, str]]:
    """The persona's file for `year` and what to confirm in it, edited line by line to keep its comments."""
    old = year - 1
    lines = text.splitlines()
    review: dict[str, str] = {}
    added: list[tuple[int, str]] = []  # lines to insert once every in-place edit is done (indexes stay valid)
    pay = data.get("pay") if isinstance(data.get("pay"), Node) else Node()
    iras = data.get("iras") if isinstance(data.get("iras"), Node) else Node()

    def set_line(node: Node, key: str, value: str, comment: str) -> None:
        number = node.key_lines[key] - 1
        indent = re.match(r"\s*", lines[number]).group(0)
        lines[number] = f"{indent}{key}: {value}  # {comment}"

    def reset(node: Node, key: str, path: str, what: str) -> None:
        """Comment a one-year fact out, keeping last year's figure visible beside it."""
        number = node.key_lines[key] - 1
        indent = re.match(r"\s*", lines[number]).group(0)
        lines[number] = f"{indent}# {key}: {_shown(node[key])}  # {old}, reset by guides new-year"
        review[path] = f"reset (was {_shown(node[key])} in {old}): {what}"

    if "tax_year" in data:
        set_line(data, "tax_year", str(year), f"was {_shown(data['tax_year'])}")
    part_year = bool(pay.get("paychecks_this_year") or pay.get("other_deferrals_this_year") or pay.get("other_employer_pay")
                     or data.get("job_change"))
    if pay.get("other_deferrals_this_year"):
        reset(pay, "other_deferrals_this_year", "pay.other_deferrals_this_year",
              f"enter any {year} deferrals at another employer")
    if pay.get("other_employer_pay"):
        reset(pay, "other_employer_pay", "pay.other_employer_pay", f"enter any {year} pay from another employer")
    if pay.get("paychecks_this_year"):
        reset(pay, "paychecks_this_year", "pay.paychecks_this_year",
              f"set it only if you join or leave the plan during {year}")
    if part_year and "salary" in pay:
        review["pay.salary"] = f"{_shown(pay['salary'])} was pay for part of {old}: enter the pay for {year}"
    if data.get("plan") and "salary" in pay:
        estimate = _shown(pay["salary"])
        review["pay.prior_year_fica_wages"] = (f"estimated as your {old} pay here ({estimate}): enter the "
                                               f"{old} Social Security wages from this employer (W-2 box 3)")
        if "prior_year_fica_wages" in pay:
            set_line(pay, "prior_year_fica_wages", estimate, f"estimated from {old} pay by guides new-year")
        elif data.key_lines["pay"] < pay.key_lines["salary"]:  # a block mapping: add the line below salary
            number = pay.key_lines["salary"]
            indent = re.match(r"\s*", lines[number - 1]).group(0)
            added.append((number, f"{indent}prior_year_fica_wages: {estimate}  # estimated from {old} pay by guides new-year"))
    for key, what in (("contribution_this_year", f"enter what you plan to contribute for {year}"),
                      ("conversion_amount", f"enter any conversion planned for {year}"),
                      ("distributions_this_year", f"enter any {year} IRA withdrawals")):
        if iras.get(key):
            reset(iras, key, f"iras.{key}", what)
    if iras and all(f"iras.{key}" in review for key in iras):  # every line commented out: keep a mapping
        lines[data.key_lines["iras"] - 1] += " {}"
    if isinstance(data.get("job_change"), Node) and _year_of(data["job_change"].get("separation_date")) not in (None, year):
        left = data["job_change"]["separation_date"]
        review["job_change"] = (f"you left on {left}: list that plan under previous_plans (separation_year: "
                                f"{_year_of(left)}), set plan and pay for {year}, then delete job_change")
    if data.get("modified_agi") is not None:
        review["modified_agi"] = f"{_shown(data['modified_agi'])} was {old}'s: enter the figure you expect for {year}"
    tax = data.get("tax") if isinstance(data.get("tax"), Node) else Node()
    if tax.get("taxable_income") is not None:
        review["tax.taxable_income"] = f"{_shown(tax['taxable_income'])} was {old}'s: enter the figure you expect for {year}"
    business = data.get("business") if isinstance(data.get("business"), Node) else Node()
    for key, what in (("net_profit", "the profit you expect"), ("w2_pay", "the wages you expect from your corporation"),
                      ("plan_assets", "the business plan's value on Dec 31")):
        if business.get(key):
            review[f"business.{key}"] = f"{_shown(business[key])} was {old}'s: enter {what} for {year}"
    if isinstance(data.get("service_history"), Node):
        review["service_history"] = f"add {old}'s year of service, deferrals and catch-ups to these totals"
    spouse = data.get("spouse") if isinstance(data.get("spouse"), Node) else Node()
    for key in ("pre_tax_deferrals", "ira_contributions"):
        if spouse.get(key):
            review[f"spouse.{key}"] = f"{_shown(spouse[key])} was {old}'s: enter your spouse's for {year}"
    if "review" in data:  # a file already marked: keep the old list out, the new one replaces it
        lines = lines[:data.key_lines["review"] - 1]
    for number, line in sorted(added, reverse=True):
        lines.insert(number, line)
    if review:
        lines += ["", REVIEW_HEADER.format(year=year), "review:"]
        lines += [f"  {key}: {json.dumps(message)}" for key, message in review.items()]
    return "\n".join(lines) + "\n", review


def _year_of(value) -> int | None:
    return value.year if isinstance(value, date) else None


def _shown(value) -> str:
    return str(value) if not isinstance(value, date) else value.isoformat()
