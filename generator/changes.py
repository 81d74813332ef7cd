"""What the new year's limits change for one person: the same profile computed under last year's
limits (and the age the person was then), figure by figure. The yearly refresh in one table, and
the maintainer's report (`guides changes`): whose elections change, most dollars at stake first."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .compute import Results, compute
from .limits import available_years
from .profiles import Persona, Plan

# The figures a reader acts on, in the order of the guide; their units decide how they print.
COMPARED = ("elective_deferral_limit", "catch_up_limit", "annual_additions_limit", "plan_compensation",
            "employer_match", "after_tax_space", "ira_contribution_limit", "traditional_ira_deductible_limit",
            "roth_ira_limit")
ELECTIONS = ("pre_tax_pct", "roth_pct", "after_tax_pct")


@dataclass(frozen=True)
class Change:
    name: str          # a figure name, or recommended_elections.<election>
    unit: str
    before: Decimal
    after: Decimal


def last_year(persona: Persona, plans: dict[str, Plan]) -> Results | None:
    """This profile computed for the year before, when that year has limits."""
    year = persona.tax_year - 1
    if year not in available_years():
        return None
    return compute(persona.model_copy(update={"tax_year": year}), plans)


def changes(now: Results, before: Results) -> tuple[Change, ...]:
    """The compared figures whose value differs between the two years."""
    found = []
    for name in COMPARED:
        old, new = before[name], now[name]
        if old.value != new.value:
            found.append(Change(name, new.unit, old.value, new.value))
    for election in ELECTIONS:
        old, new = (r["recommended_elections"].value[election] for r in (before, now))
        if old != new:
            found.append(Change(f"recommended_elections.{election}", "pct", old, new))
    return tuple(found)


@dataclass(frozen=True)
class ForWhom:
    """One person's changes for the maintainer's report, and the dollars at stake in them."""

    persona: Persona
    changes: tuple[Change, ...]
    stake: Decimal  # the largest yearly dollar amount among the changes (an election's share of plan pay)

    @property
    def elections_change(self) -> bool:
        return any(change.name.startswith("recommended_elections.") for change in self.changes)


def for_whom(now: Results, before: Results) -> ForWhom:
    found = changes(now, before)
    pay = now["plan_compensation"].value if now.plan else Decimal(0)
    stakes = [abs(c.after - c.before) * (pay / 100 if c.unit == "pct" else 1)
              for c in found if c.name != "plan_compensation"]  # pay the plan counts is not money put in
    return ForWhom(now.persona, found, max(stakes, default=Decimal(0)))


def report(personas: list[Persona], plans: dict[str, Plan]) -> list[ForWhom]:
    """Every persona compared with the same profile under last year's limits, most dollars at stake first."""
    found = []
    for persona in personas:
        before = last_year(persona, plans)
        if before is not None:
            found.append(for_whom(compute(persona, plans), before))
    return sorted(found, key=lambda who: (-who.stake, who.persona.id))
