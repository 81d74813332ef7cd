"""The Figure: a computed amount that carries its own working and sources.

Rules return Figures; guides print worked examples from their steps, so the arithmetic on a
page can never disagree with the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# The unit says how an amount prints (generator/formatting.py): dollars ("24,500.00" in JSON,
# "$24,500" on a page), percent of pay ("6.5"), a plain count (years, paychecks, ages), a calendar
# year ("2036") or a ratio (Form 8606 line 10). A word (a route, a cadence) is TEXT; a yes/no answer is BOOL.
USD, PCT, COUNT, YEAR, RATIO, TEXT, BOOL = "usd", "pct", "count", "year", "ratio", "text", "bool"

# A step's role: an OPERAND takes part in the arithmetic (its `op` joins it to the total above, an empty
# `op` starts a new chain); a NOTE is context beside it (a date, an age, a rule, a choice) that a reader
# does not add up, whatever amount it shows.
OPERAND, NOTE = "operand", "note"


def from_profile(key: str) -> str:
    """The source of an amount read from the persona file, with its key: "your profile: pay.salary"."""
    return f"your profile: {key}"


@dataclass(frozen=True)
class Step:
    """One line of working: `op` joins an operand to the lines above ("+", "−", "×", "÷", "=", "min",
    "max", and "↑"/"↓": rounded up/down to a multiple of the amount); a step without an amount is
    always a note."""

    label: str
    amount: Decimal | None = None
    source: str = ""
    op: str = ""
    unit: str = USD
    role: str = OPERAND

    @property
    def is_operand(self) -> bool:
        return self.role == OPERAND and self.amount is not None


@dataclass(frozen=True)
class Figure:
    """A named result. `value` is a Decimal in `unit`, a bool, a word (TEXT: a route, a cadence),
    or a dict of such values (an entry named *_pct is a percentage)."""

    name: str
    value: Any
    steps: tuple[Step, ...] = ()
    unit: str = USD
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources of the steps, in first-seen order."""
        seen: dict[str, None] = {}
        for step in self.steps:
            if step.source:
                seen.setdefault(step.source, None)
        return tuple(seen)

    def has(self, flag: str) -> bool:
        return flag in self.flags
