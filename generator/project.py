"""A project folder and the checks that need only its profiles: what `guides check` and `guides
calc` use, kept apart from the build (build.py) so those commands do not import the site machinery
(Jinja2, MkDocs, charts, the calendar) they never run."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .compute import Results
from .errors import Problem
from .limits import limits_file, limits_problems
from .new_year import profiles_dir_for
from .notes import maintainer_notes
from .profiles import Profiles
from .settings import Settings, load_settings


@dataclass(frozen=True)
class Project:
    """A project folder: mkdocs.yml, profiles/, templates/, site_content/ (the repository is one)."""

    root: Path

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    def profiles_for(self, year: int | None) -> Path:
        """profiles/YEAR/ when that year has its own folder (written by `guides new-year`), else profiles/."""
        return profiles_dir_for(self.root, year)

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def content_dir(self) -> Path:
        return self.root / "site_content"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def docs_dir(self) -> Path:
        return self.root / "build" / "docs"

    @property
    def protected(self) -> dict[Path, str]:
        """The project's own folders, which a site may never replace or live in (see publish.target_for)."""
        return {self.profiles_dir: "which holds the profiles", self.templates_dir: "which holds the templates",
                self.content_dir: "which holds the hand-written pages", self.root / "overrides": "which holds the theme",
                self.root / "build": "which holds the generated Markdown, private pages included",
                self.root / ".git": "which holds the project's history"}

    @cached_property
    def settings(self) -> Settings:
        """guides.yml; load_and_validate reports its problems first."""
        return load_settings(self.root)[0]



def unfinished_years(profiles: Profiles) -> dict[int, list[Problem]]:
    """The limits files of years after every persona's that do not validate yet: a new year being
    filled in (`guides new-year` writes it blank). They stop nothing built for an earlier year, and
    the site leaves them out until they validate; `guides check --year YEAR` lists their problems."""
    built = max((persona.tax_year for persona in profiles.personas), default=None)
    if built is None:  # no valid persona: every problem is shown
        return {}
    return {year: found for year, found in limits_problems().items() if found and year > built}


def unfinished_warnings(profiles: Profiles) -> list[str]:
    """One warning per limits file being filled in (unfinished_years)."""
    return [f"warning: {limits_file(year)} is not finished ({len(found)} problem{'s' if len(found) != 1 else ''}): "
            f"the site leaves {year} out until it is; guides check --year {year} lists what to fix"
            for year, found in sorted(unfinished_years(profiles).items())]


def all_problems(profiles: Profiles, project: Project) -> list[Problem]:
    """The problems of every limits file (but a later year's being filled in: unfinished_years), of
    guides.yml and of the profiles, sorted, each once."""
    later = unfinished_years(profiles)
    return sorted(set([p for year, found in limits_problems().items() if year not in later for p in found]
                      + load_settings(project.root)[1] + profiles.problems))


def profile_notes(project: Project, profiles: Profiles, results: list[Results]) -> list[Problem]:
    """For each persona, the inputs its guide had to assume, located in its file (notes.py)."""
    notes = []
    for found in results:
        shown = profiles.persona_files[found.persona.id]
        notes += maintainer_notes(found, project.root / shown, shown)
    return notes
