"""The worked example on a page is pencil work a reader can redo: one helper replays it for every test.

A Figure's steps are read top to bottom as a reader would. A note (`Step.role == NOTE`, or a step
without an amount) is context and takes no part. An operand with no `op` starts a chain; "+", "−",
"×", "÷", "min" and "max" fold the next operand into it, "↑" and "↓" round it up or down to a
multiple of the operand (a percent stands for its hundredth); an "="
line must equal the chain so far, to the cent (a percent to the hundredth of a percent), and carries
on as its total. An "=" that opens
a Figure states a result that needs no arithmetic (no workplace plan: $0).
"""
from __future__ import annotations

from decimal import Decimal

from generator.figure import PCT, Figure, Step
from generator.money import cents, round_down_to, round_up_to


def replay(steps: tuple[Step, ...] | list[Step]) -> Decimal | None:
    """Redo the arithmetic of `steps`; fails on the first "=" that does not follow. Returns the last total."""
    total: Decimal | None = None
    for step in steps:
        if not step.is_operand:
            continue
        amount, op = (step.amount / 100 if step.unit == PCT else step.amount), step.op
        if op == "" or (op == "=" and total is None):
            total = amount
            continue
        assert total is not None, f"{step.label!r}: {op!r} with nothing above it to work on"
        if op == "=":
            shown = (lambda x: cents(x * 100)) if step.unit == PCT else cents
            assert shown(total) == shown(amount), f"{step.label!r}: the lines above make {total}, not {amount}"
            total = amount
        elif op == "+":
            total += amount
        elif op == "−":
            total -= amount
        elif op == "×":
            total = total * amount
        elif op == "÷":
            total = total / amount
        elif op == "min":
            total = min(total, amount)
        elif op == "max":
            total = max(total, amount)
        elif op == "↑":
            total = round_up_to(total, amount)
        elif op == "↓":
            total = round_down_to(total, amount)
        else:
            raise AssertionError(f"{step.label!r}: unknown operator {op!r}")
    return total


def checks_out(figure: Figure) -> None:
    """A Figure's working cites its sources and replays; a Figure whose value is one amount ends on an
    "=" line that prints that value (a decision — a route, a yes/no, a table of options — need not)."""
    assert not figure.steps or figure.sources, f"{figure.name} cites nothing"
    if isinstance(figure.value, Decimal):
        operands = [step for step in figure.steps if step.is_operand]
        assert operands and operands[-1].op == "=", f"{figure.name}: the working does not end on its result"
        assert cents(operands[-1].amount) == cents(figure.value), f"{figure.name}: the working ends on another amount"
    replay(figure.steps)
