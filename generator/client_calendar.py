"""The client's calendar: the dated actions of a guide, and the same list as an .ics file.

Which actions apply comes from the advice (the same checklists the guide prints); their dates come
from the profile, the figures and constants.yaml, never from templates. The words (event titles)
live in templates/partials/_dates.md.j2, shared by the guide's "Your dates" list and the .ics.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field


from .advice import Advice
from .compute import Results
from .limits import load_constants
from .rules.rollover import excess_deferral_claim_deadline, excess_deferral_deadline

# Conversions the guide plans, after each period's contributions: the period ends of the year.
PERIOD_MONTHS = {"monthly": range(1, 13), "quarterly": (3, 6, 9, 12), "annually": (12,)}
REMINDER_BEFORE = dt.timedelta(days=14)  # deadlines ring two weeks ahead: transfers take time


@dataclass(frozen=True)
class DatedAction:
    key: str          # what to do; its words are in templates/partials/_dates.md.j2
    day: dt.date
    deadline: bool    # the last day to act (reminded ahead), rather than the day to act
    values: dict = field(default_factory=dict, compare=False)  # what the words print (a plan's name)


def next_payroll_change(as_of: dt.date, tax_year: int) -> dt.date | None:
    """The guide's as-of date within its tax year; Jan 1 for a guide made ahead of its year."""
    if as_of.year > tax_year:
        return None
    return max(as_of, dt.date(tax_year, 1, 1))


def ira_contribution_deadline(tax_year: int) -> dt.date:
    """The day of the next year in constants.yaml (written like "April 15"): the return's due date."""
    day = load_constants()["ira_contribution_deadline_day"].value
    return dt.datetime.strptime(f"{day} {tax_year + 1}", "%B %d %Y").date()


def dated_actions(results: Results, advice: Advice, as_of: dt.date) -> list[DatedAction]:
    """Every dated action of the guide, in date order."""
    persona, figures = results.persona, results.figures
    year, leaving = persona.tax_year, persona.job_change
    payroll, year_end, rollover = (advice.checklists.get(name, ()) for name in ("payroll", "year_end", "rollover"))
    start = next_payroll_change(as_of, year)
    actions: list[DatedAction] = []
    if start and "set_elections" in payroll:
        actions.append(DatedAction("set_elections", start, False))
    if start and "set_conversion" in payroll:
        actions += [DatedAction("convert_after_tax", day, False)
                    for day in conversion_days(figures["conversion_cadence"].value, start, leaving)]
    if "pro_rata_fix" in figures and figures["pro_rata_fix"].value["action"] == "roll_into_plan":
        actions.append(DatedAction("roll_in_pre_tax_ira", dt.date(year, 12, 31), True))
    if leaving and "deposit_in_60_days" in rollover:
        days = int(load_constants()["indirect_rollover_days"].value)
        # counted from the payout, which the guide takes to be the day you leave
        actions.append(DatedAction("rollover_window_ends", leaving.separation_date + dt.timedelta(days=days), True,
                                   {"days": days, "from": leaving.separation_date}))
    if "excess_by_april_15" in year_end or ("excess_deferrals" in figures and figures["excess_deferrals"].value > 0):
        actions.append(DatedAction("excess_deferral_claim", excess_deferral_claim_deadline(year), True))
        actions.append(DatedAction("excess_deferral_payout", excess_deferral_deadline(year), True))
    if "ira_deadline" in year_end:
        actions.append(DatedAction("ira_deadline", ira_contribution_deadline(year), True, {"year": year}))
    return sorted(actions, key=lambda action: (action.day, action.key))


def conversion_days(cadence: str | None, start: dt.date, leaving) -> list[dt.date]:
    """The days to convert or withdraw after-tax money from `start` to the end of its year.

    Every paycheck: the plan does it automatically once set up, so no dated action of its own.
    """
    if cadence == "at_separation":
        return [leaving.separation_date] if leaving and leaving.separation_date >= start else []
    ends = [dt.date(start.year, month, calendar.monthrange(start.year, month)[1])
            for month in PERIOD_MONTHS.get(cadence, ())]
    last = leaving.separation_date if leaving else dt.date(start.year, 12, 31)
    return [day for day in ends if start <= day <= last]


def ics(actions: list[DatedAction], titles, uid_seed: str, as_of: dt.date) -> bytes:
    """An iCalendar file (RFC 5545) of all-day events; deadlines carry a reminder ahead.

    `titles(action)` gives an event's words. Same input, same bytes: the stamp is the as-of date and
    each UID is derived from `uid_seed` (the page's path), so no person's id is written out.

    Written here rather than with the icalendar package, which took about 2 ms a guide (as much as
    working out its figures): these files use six properties, one kind of text and one kind of date.
    tests/test_calendar.py reads every one back with icalendar and compares it with what icalendar
    writes itself, for any text.
    """
    stamp = f"{as_of:%Y%m%d}T000000Z"  # midnight UTC of the as-of date
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//retirement-guides//client calendar//EN"]
    for action in actions:
        uid = hashlib.sha256(f"{uid_seed}|{action.key}|{action.day}".encode()).hexdigest()[:24]
        title = _text(titles(action))
        lines += ["BEGIN:VEVENT", f"SUMMARY:{title}", f"DTSTART;VALUE=DATE:{action.day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{action.day + dt.timedelta(days=1):%Y%m%d}", f"DTSTAMP:{stamp}",
                  f"UID:{uid}@retirement-guides", "TRANSP:TRANSPARENT"]
        if action.deadline:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{title}",
                      f"TRIGGER:-P{REMINDER_BEFORE.days}D", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_folded(line) + "\r\n" for line in lines).encode("utf-8")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT (a line break is escaped first)


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _folded(line: str, limit: int = 75) -> str:
    """The line folded into lines of at most `limit` octets (RFC 5545 3.1), each after the first
    starting with a space; never inside a character, nor between a backslash and what it escapes."""
    if len(line) <= limit and line.isascii():
        return line
    pieces, piece, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit - (1 if pieces else 0):
            keep = "\\" if (len(piece) - len(piece.rstrip("\\"))) % 2 else ""  # an odd one starts an escape
            pieces.append(piece[:len(piece) - len(keep)])
            piece, size = keep, len(keep)
        piece += char
        size += width
    return "\r\n ".join(pieces + [piece])
