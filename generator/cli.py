"""The `guides` command: a thin layer over the library (build.py, profiles.py, compute.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import build as pipeline
from .compute import compute
from .errors import ProblemsFound
from .jsonout import results_json
from .profiles import load_persona_file, load_profiles
from .render import amount


def _project() -> pipeline.Project:
    root = Path.cwd()
    if not (root / "profiles").is_dir() or not (root / "mkdocs.yml").is_file():
        raise click.ClickException(
            f"{root} is not a guides project: run this in a folder with mkdocs.yml and profiles/ "
            "(the repository is one)")
    return pipeline.Project(root)


def _report(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was written.", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="retirement-guides")
def main() -> None:
    """Personalised retirement-savings guides from YAML profiles."""


@main.command()
@click.option("--year", type=int, help="Regenerate every persona for this tax year.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Site folder (default: site/).")
@click.option("--allow-provisional", is_flag=True,
              help="Build with limits marked provisional (projected); every such page says so.")
def build(year: int | None, out: Path | None, allow_provisional: bool) -> None:
    """Validate, compute and render every guide, then build the site with MkDocs Material."""
    project = _project()
    try:
        report = pipeline.build(project, year=year, out=out, allow_provisional=allow_provisional)
    except ProblemsFound as found:
        _report(found.problems)
    public = [g for g in report.guides if not g.private]
    click.echo(f"Built {len(report.guides)} guides ({len(public)} public) into {report.site_dir}")
    for guide in report.guides:
        if guide.private:
            url = guide.path.removesuffix(".md") + "/"
            click.echo(f"  private: {guide.results.persona.id} -> {url}")


@main.command()
@click.option("--year", type=int, help="Check every persona against this tax year's limits.")
def check(year: int | None) -> None:
    """Validate the profiles only: print every problem, write nothing."""
    project = _project()
    try:
        profiles = pipeline.load_and_validate(project, year)
    except ProblemsFound as found:
        _report(found.problems)
        return
    click.echo(f"OK: {len(profiles.personas)} personas, {len(profiles.plans)} plans.")


@main.command()
@click.argument("persona")
@click.option("--year", type=int, help="Compute for this tax year instead of the persona's.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def calc(persona: str, year: int | None, as_json: bool) -> None:
    """Print every figure for PERSONA (an id, or a path to a persona file) with its working."""
    path = Path(persona)
    if path.suffix in (".yaml", ".yml") or path.exists():
        found, plans, problems = load_persona_file(path, year)
    else:
        project = _project()
        profiles = load_profiles(project.profiles_dir, project.root, year)
        found = next((p for p in profiles.personas if p.id == persona), None)
        problems = profiles.problems_of(profiles.persona_files.get(persona, f"profiles/personas/{persona}.yaml"))
        plans = profiles.plans
        if found is None and not problems:
            raise click.ClickException(f"no persona with id {persona!r} in profiles/personas/")
    if problems or found is None:
        _report(problems)
    results = compute(found, plans)
    if as_json:
        click.echo(json.dumps(results_json(results), indent=2))
        return
    click.echo(f"{found.name} ({found.id}), tax year {results.persona.tax_year}, age {results.age} on Dec 31")
    for name, figure in results.figures.items():
        click.echo(f"\n{name}:")
        for step in figure.steps:
            click.echo(f"  {step.op or ' ':>3} {step.label:<70} {amount(step):>14}  {step.source}")
