"""Shared fixtures: a copy of the example project to build in, and one built example site."""
from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# No per-example time limit (a busy CI machine is not a bug); in CI the examples are derived from the
# test itself, so a run is repeatable, while local runs keep exploring new examples.
settings.register_profile("project", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("project")

import generator.limits
from generator.build import Project, build
from generator import secret
from generator.shards import CACHE

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "profiles", "templates", "site_content", "overrides")


def copy_project(target: Path) -> Project:
    """A throwaway copy of the repository's example project."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy(source, target / part)
    return Project(target)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    """The example site, built once with real MkDocs Material for every test that only reads it."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(project)
    return project


def warm_copy(target: Path, built: Project) -> Project:
    """A copy of the example project as after an earlier build of it: its build cache holds the example's
    shards (its link secret is the one they were made with) but there is no site yet. For tests whose
    starting point is a built site rather than a build from scratch: a first build publishes from the
    cache in about a second. The cache is content-addressed, so whatever a test changes is built for
    real. Not for a test that monkeypatches how a shard is built or compares two builds' output: a
    cached shard would not run the patched code, and two cached builds would be equal by construction."""
    project = copy_project(target)
    shutil.copytree(built.root / CACHE, project.root / CACHE)
    shutil.copy2(built.root / secret.FILE, project.root / secret.FILE)
    return project


@pytest.fixture
def warm_project(tmp_path: Path, built: Project) -> Project:
    return warm_copy(tmp_path / "project", built)


@pytest.fixture
def limits_dir(tmp_path: Path, monkeypatch) -> Path:
    """A throwaway copy of the limits folder, used by the generator for this test (a test may add a year)."""
    copy = tmp_path / "limits"
    shutil.copytree(generator.limits.LIMITS_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(generator.limits, "LIMITS_DIR", copy)
    return copy


REFERENCE = REPO.parent / "shared" / "reference" / "irs_limits_2018_2026.yaml"


@functools.cache
def reference_rows() -> dict:
    """The verified reference figures by year ({} where the reference is not beside the checkout).
    Read once: the tests only read it."""
    return yaml.safe_load(REFERENCE.read_text())["years"] if REFERENCE.exists() else {}


def pytest_terminal_summary(terminalreporter):
    """Say in one line which limits years have no verified reference row (checked against the schema only)."""
    missing = [year for year in generator.limits.available_years() if year not in reference_rows()]
    if missing and REFERENCE.exists():
        terminalreporter.write_line(
            f"limits: no reference row for {', '.join(map(str, missing))} in irs_limits_2018_2026.yaml; "
            "checked against the schema only")
