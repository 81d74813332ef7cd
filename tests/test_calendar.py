"""The client calendar: which dated actions a guide has, on which day, and the .ics that carries them."""
from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from generator.build import Project, load_and_validate, plan_guide, render_pages
from generator.client_calendar import dated_actions, next_payroll_change
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
