"""Meta-tests that keep the project whole: docs true to the code, no legal numbers or floats
where they do not belong."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_every_cli_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for command in main.commands:
        assert f"guides {command}" in readme, command


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text()
    quick = readme[readme.index("## Quick start"):]
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", quick, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert commands[1] in (REPO / ".ci" / "run").read_text()


def test_every_json_figure_is_documented_in_the_methodology(tmp_path, monkeypatch):
    import json
    monkeypatch.chdir(REPO)
    figures = json.loads(CliRunner().invoke(main, ["calc", "priya", "--json"]).output)["figures"]
    methodology = (REPO / "site_content" / "methodology.md").read_text()
    for name in figures:
        assert f"`{name}`" in methodology, name


def test_every_persona_and_plan_key_is_in_the_format_reference():
    from generator.profiles import Persona, Plan, _model_in
    reference = (REPO / "site_content" / "reference" / "profile-format.md").read_text()

    def keys(model):
        for name, field in model.model_fields.items():
            yield name
            inner = _model_in(field.annotation)
            if inner is not None:
                yield from keys(inner)

    for model in (Persona, Plan):
        for key in keys(model):
            assert re.search(rf"\b{key}:", reference), f"{model.__name__}.{key} is not documented"


def test_templates_hold_no_dollar_figures_or_limits():
    pattern = re.compile(r"\$ ?\d{1,3}(,\d{3})+|\b(18500|19500|23000|23500|24500|55000|57000|69000|70000|72000|7500|7000)\b")
    for path in (REPO / "templates").rglob("*.j2"):
        assert not pattern.search(path.read_text()), path


def test_no_float_in_the_engine():
    pattern = re.compile(r"\bfloat\(|: *float\b|-> *float\b")
    for path in (REPO / "generator").rglob("*.py"):
        assert not pattern.search(path.read_text()), path
