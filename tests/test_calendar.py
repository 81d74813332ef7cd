"""The client calendar: which dated actions a guide has, on which day, and the .ics that carries them."""
from __future__ import annotations

import datetime as dt
import re

import hashlib

import icalendar
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.build import Project, load_and_validate, plan_guide, render_pages
from generator.client_calendar import REMINDER_BEFORE, DatedAction, dated_actions, ics, next_payroll_change
from conftest import REPO

D = dt.date
JAN_5 = D(2026, 1, 5)  # the as-of date of these guides: a build early in tax year 2026


@pytest.fixture(scope="module")
def example():
    project = Project(REPO)
    profiles, _ = load_and_validate(project)
    secret = b"3f9c2a7e5b1d8046" * 4  # private guides need one for their link
    guides = {p.id: plan_guide(p, profiles.plans, secret) for p in profiles.personas}
    return guides, render_pages(project, list(guides.values()), JAN_5)


def actions_of(example, persona, as_of=JAN_5):
    guide = example[0][persona]
    return [(a.day, a.key) for a in dated_actions(guide.results, guide.advice, as_of)]


CASES = {
    # acme-401k converts quarterly; Priya fills after-tax space, so a conversion after each quarter
    # from her payroll change on; the IRA deadline is the 2026 return's due date, Apr 15, 2027.
    "priya_quarterly_conversions_and_the_ira_deadline": ("priya", JAN_5, [
        (JAN_5, "set_elections"), (D(2026, 3, 31), "convert_after_tax"), (D(2026, 6, 30), "convert_after_tax"),
        (D(2026, 9, 30), "convert_after_tax"), (D(2026, 12, 31), "convert_after_tax"), (D(2027, 4, 15), "ira_deadline")]),
    # Omar leaves on Aug 14, 2026: 17 days to Aug 31, 30 in September, 13 in October = 60 → Oct 13.
    "omar_sixty_day_window_from_the_day_he_leaves": ("omar", JAN_5, [
        (JAN_5, "set_elections"), (D(2026, 10, 13), "rollover_window_ends"), (D(2027, 4, 15), "ira_deadline")]),
    # Sam went over the 402(g) limit across two jobs: claim by Mar 1, paid back by Apr 15, 2027.
    "sam_excess_deferral_claim_and_payout": ("sam", JAN_5, [
        (JAN_5, "set_elections"), (D(2027, 3, 1), "excess_deferral_claim"), (D(2027, 4, 15), "excess_deferral_payout"),
        (D(2027, 4, 15), "ira_deadline")]),
    # Javier's pre-tax IRA money must be in his plan by Dec 31 for the backdoor; his plan converts quarterly.
    "javier_roll_in_by_december_31": ("javier", JAN_5, [
        (JAN_5, "set_elections"), (D(2026, 3, 31), "convert_after_tax"), (D(2026, 6, 30), "convert_after_tax"),
        (D(2026, 9, 30), "convert_after_tax"), (D(2026, 12, 31), "convert_after_tax"),
        (D(2026, 12, 31), "roll_in_pre_tax_ira"), (D(2027, 4, 15), "ira_deadline")]),
    # Victor's plan allows monthly withdrawals: from mid-May, the ends of May to December.
    "victor_monthly_from_a_mid_year_guide": ("victor", D(2026, 5, 10), [
        (D(2026, 5, 10), "set_elections")]
        + [(D(2026, m, d), "convert_after_tax") for m, d in ((5, 31), (6, 30), (7, 31), (8, 31), (9, 30),
                                                               (10, 31), (11, 30), (12, 31))]
        + [(D(2027, 4, 15), "ira_deadline")]),
    # Elena has no workplace plan: only the IRA deadline.
    "elena_no_plan_only_the_ira_deadline": ("elena", JAN_5, [(D(2027, 4, 15), "ira_deadline")]),
    # A 2026 guide made in 2027: the payroll change and conversions are past, the deadlines remain.
    "priya_guide_made_after_its_year": ("priya", D(2027, 2, 1), [(D(2027, 4, 15), "ira_deadline")]),
}


@pytest.mark.parametrize("persona, as_of, expected", CASES.values(), ids=CASES.keys())
def test_dated_actions(example, persona, as_of, expected):
    assert actions_of(example, persona, as_of) == expected


@pytest.mark.parametrize("as_of, expected", [
    (D(2025, 11, 20), D(2026, 1, 1)),  # made ahead of its year: the first paycheck of the year
    (D(2026, 1, 1), D(2026, 1, 1)),
    (D(2026, 12, 31), D(2026, 12, 31)),
    (D(2027, 1, 1), None),             # the year is over
])
def test_next_payroll_change(as_of, expected):
    assert next_payroll_change(as_of, 2026) == expected


@pytest.mark.parametrize("persona", ["priya", "omar"])
def test_the_ics_holds_exactly_the_guides_dated_actions(example, persona):
    guides, pages = example
    calendar = icalendar.Calendar.from_ical(pages[f"guides/{persona}.ics"])
    events = [(e.decoded("dtstart"), str(e["summary"])) for e in calendar.walk("VEVENT")]
    page = pages[f"guides/{persona}.md"]
    rows = re.findall(r"^ *\| (\w+ \d+, \d{4}) \| (.+) \|$", page.split("## Your dates")[1], re.M)  # in a collapsed block
    assert [(f"{day:%b} {day.day}, {day.year}", summary) for day, summary in events] == rows  # Jan 5, 2026
    assert [day for day, _ in events] == [day for day, _ in actions_of(example, persona)]
    assert f"]({persona}.ics)" in page
    assert len({e["uid"] for e in calendar.walk("VEVENT")}) == len(events)


def test_deadlines_remind_two_weeks_ahead_and_actions_do_not(example):
    calendar = icalendar.Calendar.from_ical(example[1]["guides/omar.ics"])
    alarms = {e.decoded("dtstart"): [a.decoded("trigger") for a in e.walk("VALARM")] for e in calendar.walk("VEVENT")}
    assert alarms == {JAN_5: [], D(2026, 10, 13): [dt.timedelta(days=-14)], D(2027, 4, 15): [dt.timedelta(days=-14)]}


def test_the_same_input_gives_the_same_calendar_bytes(example):
    guides, pages = example
    again = render_pages(Project(REPO), list(guides.values()), JAN_5)
    assert again["guides/priya.ics"] == pages["guides/priya.ics"]


def icalendar_writes(actions: list[DatedAction], titles, uid_seed: str, as_of: dt.date) -> bytes:
    """The same calendar as the icalendar package writes it (how client_calendar.ics made it before)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//retirement-guides//client calendar//EN")
    calendar.add("version", "2.0")
    for action in actions:
        event = icalendar.Event()
        event.add("uid", hashlib.sha256(f"{uid_seed}|{action.key}|{action.day}".encode()).hexdigest()[:24]
                  + "@retirement-guides")
        event.add("dtstamp", dt.datetime.combine(as_of, dt.time(), dt.timezone.utc))
        event.add("dtstart", action.day)
        event.add("dtend", action.day + dt.timedelta(days=1))
        event.add("summary", titles(action))
        event.add("transp", "TRANSPARENT")
        if action.deadline:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", titles(action))
            alarm.add("trigger", -REMINDER_BEFORE)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


# Titles of any length up to two folds, of any characters but control ones (tabs and line breaks
# aside), with many of those TEXT escapes
TITLE = st.integers(0, 160).flatmap(lambda size: st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n,;\\:\"\t"), min_size=size, max_size=size))


def unfolded(calendar: bytes) -> list[str]:
    return calendar.decode("utf-8").replace("\r\n ", "").split("\r\n")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(TITLE, st.dates(D(2000, 1, 1), D(2099, 12, 30)), st.booleans()), max_size=4),
       st.dates(D(2000, 1, 1), D(2099, 12, 31)))
def test_icalendar_reads_the_calendar_back_as_it_would_write_it_itself(events, as_of):
    """Escaping, folding and dates: unfolded, the file is what icalendar writes from the same events,
    whatever the words; icalendar reads it back as that; and every line is folded as RFC 5545 says."""
    # icalendar takes a \N typed in the words for an escaped line break; the file keeps the backslash
    assume(not any("\\N" in title for title, _, _ in events))
    actions = [DatedAction(f"action-{n}", day, deadline) for n, (_, day, deadline) in enumerate(events)]
    words = {f"action-{n}": title for n, (title, _, _) in enumerate(events)}
    written = ics(actions, lambda action: words[action.key], "c/page.md", as_of)
    expected = icalendar_writes(actions, lambda action: words[action.key], "c/page.md", as_of)
    assert unfolded(written) == unfolded(expected)  # the same properties, in the same order, escaped alike
    assert icalendar.Calendar.from_ical(written).to_ical() == expected
    lines = written.decode("utf-8").split("\r\n")  # whole characters on every line
    assert lines[-1] == "" and all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert all((len(line) - len(line.rstrip("\\"))) % 2 == 0 for line in lines)  # an escape is never cut


def test_a_title_of_control_characters_is_written_without_them_and_a_backslash_stays_one():
    written = ics([DatedAction("a", D(2026, 4, 15), False)], lambda _: "Ann\x07 Lee\r\nC:\\New\x00", "c/p.md", JAN_5)
    assert b"SUMMARY:Ann Lee\\nC:\\\\New\r\n" in written
    assert icalendar.Calendar.from_ical(written).walk("VEVENT")[0]["summary"] == "Ann Lee\nC:\\New"
