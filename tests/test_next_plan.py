"""A job change within the year: one 402(g) limit split so that neither employer's match is lost
(rules/next_plan.py). Expected figures worked by hand in the comments."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from generator.rules.next_plan import match_kept, match_reserve, next_plan_deferral_limit

RESERVE_CASES = [
    # room, here_most, new_pay, new_capture_pct, step, here_capture -> kept back, flag
    (D(24500), D(29450), D(39600), D(5), D(1), D(3534), D(1980), "both_matches_kept"),
    # Omar: 5% × 39,600 = 1,980 needed; 29,450 + 1,980 − 24,500 = 6,930 would be eaten; spare 24,500 − 3,534
    (D(24500), D(10000), D(39600), D(5), D(1), D(600), D(0), "both_matches_kept"),
    # the old job can defer only 10,000 (its cap on its pay): 10,000 + 1,980 − 24,500 < 0, nothing to keep back
    (D(5000), D(30000), D(39600), D(5), D(1), D(4000), D(1000), "room_short_for_both"),
    # 19,500 already deferred elsewhere leaves 5,000; the old job's own match needs 4,000: only 1,000 spare
    (D(24500), D(40000), D(50000), D("4.5"), D(1), D(3000), D(2500), "both_matches_kept"),
    # a 4.5% match top in whole-percent elections needs 5%: 5% × 50,000 = 2,500
    (D(24500), D(24500), D(39600), D(5), D(1), D(3534), D(1980), "both_matches_kept"),
    # boundary: the old job can take exactly the limit: 24,500 + 1,980 − 24,500 = 1,980, all of it kept back
]


@pytest.mark.parametrize("room, here_most, new_pay, capture, step, here_capture, expected, flag", RESERVE_CASES, ids=[
    "omar-keeps-the-new-jobs-whole-match", "old-job-cannot-fill-the-limit-nothing-kept",
    "room-short-old-jobs-match-first", "capture-rounded-up-to-the-election-step", "old-job-takes-exactly-the-limit"])
def test_match_reserve(room, here_most, new_pay, capture, step, here_capture, expected, flag):
    figure = match_reserve(room=room, here_most=here_most, new_pay=new_pay, new_capture_pct=capture,
                           new_step_pct=step, here_capture_amount=here_capture)
    assert figure.value == expected
    assert figure.has(flag)


@pytest.mark.parametrize("limit, catch_up, other, here, expected", [
    (D(24500), D(0), D(0), D("22508.21"), D("1991.79")),   # 24,500 − 22,508.21
    (D(24500), D(8000), D(0), D(24500), D(8000)),           # 55: the catch-up is still there for the new plan
    (D(24500), D(0), D(10000), D(20000), D(0)),             # 30,000 > 24,500: nothing left, never negative
], ids=["room-left-after-this-plan", "catch-up-left-for-the-new-plan", "never-below-zero"])
def test_next_plan_deferral_limit(limit, catch_up, other, here, expected):
    assert next_plan_deferral_limit(limit=limit, catch_up=catch_up, other_deferrals=other, deferred_here=here,
                                    limit_source="IRC 402(g)(1)").value == expected


@pytest.mark.parametrize("kept, without, expected", [
    (D(1584), D(0), D(1584)),     # filling the old job first leaves no room: the whole new match is kept
    (D(1584), D(400), D(1184)),   # it would leave some room: only the difference
    (D(0), D(0), D(0)),
], ids=["whole-match-kept", "part-kept", "no-match-nothing-kept"])
def test_match_kept(kept, without, expected):
    assert match_kept(kept=kept, without_split=without).value == expected
