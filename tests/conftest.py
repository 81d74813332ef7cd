"""Shared fixtures: a copy of the example project to build in, and one built example site."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example time limit (a busy CI machine is not a bug); in CI the examples are derived from the
# test itself, so a run is repeatable, while local runs keep exploring new examples.
settings.register_profile("project", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("project")

from generator.build import Project, build

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
