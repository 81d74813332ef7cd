"""A 60-day rollover finished late: the self-certification of Rev. Proc. 2020-46.

Someone who missed the 60 days can still roll the money over by certifying in writing, to the IRA or
plan that receives it, that they qualify (the Rev. Proc.'s model letter will do). They qualify when
(1) the IRS has never denied a waiver for that distribution, (2) one of the listed reasons kept them
from finishing in time, and (3) they deposit the money as soon as the reason stops, which is taken to
be met within 30 days. It is not a waiver from the IRS, which can still check the reasons on exam;
it waives only the deadline, not any other rule of a valid rollover.
"""
from __future__ import annotations

from typing import Mapping

from ...figure import COUNT, Figure, Step
from ...limits import Constant

SELF_CERTIFICATION = "Rev. Proc. 2020-46"

# Rev. Proc. 2020-46, section 3.02(2): the reasons that allow self-certification, in its order.
REASONS = (
    "an error by the financial institution that paid the money out or was to receive it",
    "the check was misplaced and never cashed",
    "the money went into an account you mistakenly thought was an IRA or a plan",
    "your home was severely damaged",
    "a member of your family died",
    "you or a member of your family was seriously ill",
    "you were in prison",
    "a foreign country imposed restrictions",
    "a postal error",
    "the payment was an IRS levy whose proceeds were returned to you",
    "the payer delayed information the receiving plan or IRA needed, despite your efforts to get it",
    "the payment was made to a state unclaimed property fund",
)


def late_rollover(constants: Mapping[str, Constant]) -> Figure:
    """The conditions of self-certifying a late rollover. Value: {"days_after_reason", "reasons"}."""
    days = constants["late_rollover_days_after_reason"]
    window = constants["indirect_rollover_days"]
    steps = (
        Step(f"Missed the {window.shown}-day deadline: you may still roll the money over by certifying in writing "
             "to the IRA or plan that receives it that you qualify", None, SELF_CERTIFICATION),
        Step("The IRS has never denied a waiver for this payout", None, f"{SELF_CERTIFICATION}, section 3.02"),
        Step("One of these kept you from finishing in time: " + "; ".join(REASONS), None,
             f"{SELF_CERTIFICATION}, section 3.02"),
        Step("You deposit the money as soon as the reason stops; within this many days always counts",
             days.value, days.source, unit=COUNT),
        Step("It waives the deadline only, and the IRS can still check your reasons", None, SELF_CERTIFICATION),
    )
    return Figure("late_rollover", {"days_after_reason": days.value, "reasons": list(REASONS)}, steps, unit=COUNT)
