"""A job change within the year, seen from both plans: one 402(g) limit for the two employers
(IRC 402(g)(1)), split so that neither employer's match is lost.

Payroll at the old job does not know about the new one. Filling the whole limit before leaving leaves
nothing to defer at the new job, and a match paid per paycheck on deferrals there is then lost for
the rest of the year. So the old job keeps back what the new job needs for its whole match (its
formula's top tier on the pay there), never so much that the old job's own match falls short.
"""
from __future__ import annotations

from decimal import Decimal

from ..figure import PCT, Figure, Step
from ..money import ZERO, cents, clamp, pct_of, round_up_to

PROFILE = "your profile"


def match_reserve(*, room: Decimal, here_most: Decimal, new_pay: Decimal, new_capture_pct: Decimal,
                  new_step_pct: Decimal, here_capture_amount: Decimal) -> Figure:
    """Deferral room kept back for the next plan's whole match: its capture share of the pay there
    (in its election steps), less what this plan cannot take anyway (`here_most`, its cap on pay here),
    and never more than the room beyond this plan's own whole match."""
    capture = round_up_to(new_capture_pct, new_step_pct)
    needed = cents(pct_of(capture, new_pay))
    overlap = clamp(here_most + needed - room)  # what filling this plan first would take from the new job
    spare = clamp(room - here_capture_amount)
    value = cents(min(needed, overlap, spare))
    steps = [Step("Your pay at the new job this year", new_pay, PROFILE),
             Step("Share of it the new plan's match needs, every paycheck", capture, "the new plan's match formula",
                  "×", PCT),
             Step("Deferrals the new job needs for its whole match", needed, ""),
             Step("Of that, what filling this plan first would use up", cents(overlap), "IRC 402(g)(1)", "min"),
             Step("Room beyond what this plan needs for its own whole match", spare, "IRC 402(g)(1)", "min"),
             Step("Kept back from this plan for the new job", value, "", "=")]
    return Figure("next_plan_match_reserve", value, tuple(steps),
                  flags=frozenset({"both_matches_kept"} if value == min(needed, cents(overlap)) else {"room_short_for_both"}))


def next_plan_deferral_limit(*, limit: Decimal, catch_up: Decimal, other_deferrals: Decimal,
                             deferred_here: Decimal, limit_source: str) -> Figure:
    """The next plan's room this year: the limit (with catch-up) less what was deferred at every
    earlier employer, this one's recommended deferrals included."""
    room = clamp(limit + catch_up - other_deferrals - deferred_here)
    steps = (Step("Elective deferral limit for the year, for all your plans", limit, limit_source),
             Step("Catch-up room, if you are old enough", catch_up, "IRC 414(v)", "+"),
             Step("Deferred at an earlier employer this year", other_deferrals, PROFILE, "−"),
             Step("What your elections here put in before you leave", deferred_here, "election schedule", "−"),
             Step("Room left for the new plan", room, "", "="))
    return Figure("next_plan_deferral_limit", room, steps)


def match_kept(*, kept: Decimal, without_split: Decimal) -> Figure:
    """The new plan's match with the room split, against filling the limit before leaving."""
    steps = (Step("New plan's match this year with the room split", kept, "next_plan_employer_match"),
             Step("New plan's match if you filled the limit here first (only what that leaves there)", without_split,
                  "the new plan's match formula", "−"),
             Step("Match the split keeps", clamp(kept - without_split), "", "="))
    return Figure("next_plan_match_kept", clamp(kept - without_split), steps)
