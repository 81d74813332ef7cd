"""Figures as JSON (`guides calc --json`): amounts as two-place decimal strings, percentages as
decimal strings of percent, so no consumer ever parses money as a float."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .compute import Results
from .figure import PCT, Figure, Step
from .formatting import json_number
from .rules.rollover import RolloverOptions


def _value(value: Any, unit: str) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return json_number(value, unit)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # an entry named *_pct is a percentage whatever the Figure's unit
        return {key: _value(item, PCT if key.endswith("_pct") else unit) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_value(item, unit) for item in value]
    if isinstance(value, int):
        return value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _step(step: Step) -> dict:
    return {"label": step.label, "amount": None if step.amount is None else json_number(step.amount, step.unit),
            "source": step.source}


def figure_json(figure: Figure) -> dict:
    return {"value": _value(figure.value, figure.unit), "steps": [_step(s) for s in figure.steps],
            "sources": list(figure.sources)}


def leaving_json(plan: str, options: RolloverOptions, extras: dict[str, Figure]) -> dict:
    """One plan being left: its plan-wide figures and, per kind of money, every option with its working."""
    figures = {f.name: figure_json(f) for f in (options.rule_of_55, *options.plan_figures(), *extras.values())}
    by_source = {source: {"taxable_part": figure_json(choice.taxable),
                          "recommended_option": figure_json(choice.recommendation),
                          **{name: figure_json(option) for name, option in choice.options.items()}}
                 for source, choice in options.sources.items()}
    return {"plan": plan, "figures": figures, "rollover_options": by_source}


def results_json(results: Results) -> dict:
    return {"persona": results.persona.id, "tax_year": results.persona.tax_year, "age": results.age,
            "figures": {name: figure_json(figure) for name, figure in sorted(results.figures.items())},
            "leaving": [leaving_json(plan, options, extras)
                        for (plan, options), extras in zip(results.leaving, results.leaving_extras)]}
