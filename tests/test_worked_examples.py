"""Every worked example of every example persona replays: its operands, combined by their operators,
give the result the page prints (tests/worked.py says how a reader redoes them)."""
from __future__ import annotations

import pytest

from generator.build import Project, load_and_validate
from generator.compute import Results, compute
from generator.figure import Figure

from conftest import REPO
from worked import checks_out

PROFILES, _ = load_and_validate(Project(REPO))


def every_figure(results: Results):
    """The persona's figures and, for each plan being left, every rollover figure of its section."""
    yield from results.figures.values()
    for _plan, options in results.leaving:
        yield options.rule_of_55
        yield from options.plan_figures()
        for choice in options.sources.values():
            yield choice.taxable
            yield choice.recommendation
            yield from choice.options.values()


CASES = [pytest.param(figure, id=f"{persona.id}-{figure.name}")
         for persona in PROFILES.personas
         for figure in every_figure(compute(persona, PROFILES.plans))]


@pytest.mark.parametrize("figure", CASES)
def test_worked_example_replays(figure: Figure):
    checks_out(figure)


def test_every_example_persona_is_replayed():
    assert {case.id.split("-")[0] for case in CASES} >= {p.id.split("-")[0] for p in PROFILES.personas}
