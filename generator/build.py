"""The pipeline end to end: load → validate → compute → advise → render → write docs → mkdocs build.

A build works in fresh folders and swaps the result into place only when everything succeeded,
so a failed build never damages the last good site.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import logging
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import charts as charts_svg
from .advice import Advice, advise
from .changes import Change, changes, last_year
from .compute import Results, compute
from .errors import Problem, ProblemsFound, display_path
from .limits import limits_problems, load_limits, provisional_refused, published_years
from .new_year import profiles_dir_for
from .profiles import Persona, Plan, Profiles, load_profiles
from .render import environment, inert

PRIVATE_DIR = "c"  # advisor-client guides live at c/<unguessable token>/


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


@dataclass(frozen=True)
class Guide:
    results: Results
    advice: Advice
    path: str  # where the page lives in the docs folder
    since_last_year: tuple[Change, ...] | None = None  # None: no limits for the year before

    @property
    def private(self) -> bool:
        return self.results.persona.audience == "private"


@dataclass(frozen=True)
class BuildReport:
    site_dir: Path
    guides: tuple[Guide, ...]
    left_out: dict[str, list[Problem]] = field(default_factory=dict)  # persona file -> why (--keep-going)
    to_confirm: tuple[Problem, ...] = ()  # review: entries of the built personas


# ----------------------------------------------------------------------------- the pipeline

def build(project: Project, *, year: int | None = None, out: Path | None = None,
          today: dt.date | None = None, allow_provisional: bool = False, keep_going: bool = False) -> BuildReport:
    profiles, left_out = load_and_validate(project, year, keep_going=keep_going)
    if not allow_provisional:
        refuse_projections(profiles)
    guides = [plan_guide(project, persona, profiles.plans) for persona in profiles.personas]
    generated_on = today or build_date()
    pages = render_pages(project, guides, generated_on, allow_provisional)
    site_dir = out or project.root / "site"
    with tempfile.TemporaryDirectory(prefix=".guides-build-", dir=project.root) as work:
        docs = Path(work) / "docs"
        write_docs(project, pages, docs)
        built = Path(work) / "site"
        mkdocs_build(project, docs, built, generated_on)
        hide_private_pages(built)
        swap_into_place(built, site_dir)
        swap_into_place(docs, project.docs_dir)
    built_files = {profiles.persona_files[p.id] for p in profiles.personas}
    return BuildReport(site_dir, tuple(guides), left_out,
                       tuple(p for p in profiles.to_confirm if p.path in built_files))


def load_and_validate(project: Project, year: int | None = None, *,
                      keep_going: bool = False) -> tuple[Profiles, dict[str, list[Problem]]]:
    """Every limits file and every profile, checked; all their problems at once.

    With `keep_going`, a persona with problems of its own is left out (returned with its problems)
    and the others go on; a problem in a limits or plan file still stops everything.
    """
    profiles_dir = project.profiles_for(year)
    profiles = load_profiles(profiles_dir, project.root, year)
    problems = [p for year_problems in limits_problems().values() for p in year_problems] + profiles.problems
    left_out: dict[str, list[Problem]] = {}
    if keep_going:
        personas = display_path(profiles_dir / "personas", project.root) + "/"
        for problem in problems:
            if problem.path.startswith(personas):
                left_out.setdefault(problem.path, []).append(problem)
        problems = [p for p in problems if p.path not in left_out]
        profiles.personas = [p for p in profiles.personas if profiles.persona_files[p.id] not in left_out]
        if not profiles.personas:
            problems += [p for found in left_out.values() for p in found]
    if problems:
        raise ProblemsFound(problems)
    return profiles, left_out


def refuse_projections(profiles: Profiles) -> None:
    """Projected limits never reach a site unless the build asked for them."""
    years = sorted({p.tax_year for p in profiles.personas if load_limits(p.tax_year).provisional})
    if years:
        raise ProblemsFound([provisional_refused(year) for year in years])


def plan_guide(project: Project, persona: Persona, plans: dict[str, Plan]) -> Guide:
    """Compute and advise one guide, and compare it with the same profile under last year's limits."""
    results = compute(persona, plans)
    before = last_year(persona, plans)
    slug = private_token(project, persona) if persona.audience == "private" else persona.id
    folder = PRIVATE_DIR if persona.audience == "private" else "guides"
    return Guide(results, advise(results), f"{folder}/{slug}.md", changes(results, before) if before else None)


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


# ----------------------------------------------------------------------------- private links

def private_token(project: Project, persona: Persona) -> str:
    """An unguessable, stable URL slug for a client's guide: HMAC of the id under the project's secret.

    Stable, so a link shared with a client keeps working after a rebuild; unguessable without the
    secret, which lives in GUIDES_LINK_SECRET or the untracked file .guides-secret.
    """
    digest = hmac.new(link_secret(project), persona.id.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def link_secret(project: Project) -> bytes:
    from_env = os.environ.get("GUIDES_LINK_SECRET")
    if from_env:
        return from_env.encode()
    path = project.root / ".guides-secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


# ----------------------------------------------------------------------------- render

def render_pages(project: Project, guides: list[Guide], generated_on: dt.date,
                 allow_provisional: bool = False) -> dict[str, str]:
    """Every generated file of the docs folder, by path: guides, their charts, and the site-wide pages."""
    env = environment(project.templates_dir)
    pages: dict[str, str] = {}
    for guide in guides:
        pages.update(render_guide(env, guide, generated_on))
    listed = sorted((g for g in guides if not g.private), key=lambda g: (g.results.persona.name.lower(), g.path))
    pages["guides/index.md"] = env.get_template("guides_index.md.j2").render(
        guides=[{"name": inert(g.results.persona.name), "file": Path(g.path).name, "results": g.results,
                 "plan_name": inert(g.results.plan.name) if g.results.plan else ""} for g in listed])
    years = published_years(allow_provisional)
    pages["limits/index.md"] = env.get_template("limits.md.j2").render(years=list(reversed(years)))
    pages["limits/changes.md"] = env.get_template("limits_changes.md.j2").render(
        changes=[(old, new, limit_changes(old, new)) for old, new in zip(years, years[1:])][::-1])
    return pages


def render_guide(env, guide: Guide, generated_on: dt.date) -> dict[str, str]:
    """One guide's page and its charts. Profile text reaches the template only made inert."""
    results = guide.results
    files, charts = guide_charts(guide)
    text = lambda value, default="": inert(value) if value else default  # noqa: E731
    page = env.get_template("guide.md.j2").render(
        r=results, advice=guide.advice, private=guide.private, charts=charts, since_last_year=guide.since_last_year,
        generated_on=generated_on.isoformat(),
        name=text(results.persona.name),
        plan_name=text(results.plan and results.plan.name),
        spouse_name=text(results.persona.spouse and results.persona.spouse.name),
        year_end_plan_name=text(results.year_end_plan and results.year_end_plan.name, "your plan"))
    return {guide.path: page, **files}


def guide_charts(guide: Guide) -> tuple[dict[str, str], dict[str, str]]:
    """The SVG charts of a guide with after-tax space, named after its page (so a private guide's
    charts are as unguessable as the page), and what the template needs to show them."""
    results = guide.results
    if results.payroll is None or not results.payroll.after_tax_offered:
        return {}, {}
    stem = guide.path.removesuffix(".md")
    projection, cadence = results["projection"].value, results["conversion_cadence"].value
    earnings = results["conversion_taxable_earnings"].value
    files = {f"{stem}-projection.svg": charts_svg.projection_chart(projection, results.projection_rows),
             f"{stem}-cadence.svg": charts_svg.cadence_chart(earnings, cadence)}
    names = [Path(path).name for path in files]
    return files, {"projection": names[0], "cadence": names[1],
                   "projection_alt": charts_svg.projection_alt(projection),
                   "cadence_alt": charts_svg.cadence_alt(earnings, cadence)}


def limit_changes(old, new) -> list[dict]:
    """The entries whose value or range differs between two consecutive years."""
    changed = []
    for key, entry in new.entries.items():
        before = old.entries[key]
        fields = ("start", "end") if hasattr(entry, "start") else ("value",)
        was, now = [tuple(getattr(e, f) for f in fields) for e in (before, entry)]
        if was != now:
            changed.append({"key": key, "before": before, "after": entry})
    return changed


# ----------------------------------------------------------------------------- write and build

def write_docs(project: Project, pages: dict[str, str], docs: Path) -> None:
    shutil.copytree(project.content_dir, docs)
    for relative, text in sorted(pages.items()):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_build(project: Project, docs: Path, site: Path, generated_on: dt.date) -> None:
    """Real MkDocs Material, strict: any warning fails the build (and is reported)."""
    from mkdocs.commands.build import build as run_mkdocs
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(dt.datetime.combine(
        generated_on, dt.time(), dt.timezone.utc).timestamp())))
    warnings = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        config = load_config(str(project.mkdocs_yml), docs_dir=str(docs), site_dir=str(site), strict=True)
        run_mkdocs(config)
    except MkDocsException as error:
        detail = "; ".join(warnings.messages) or str(error)
        raise ProblemsFound([Problem(str(project.mkdocs_yml.name), 1, "", f"MkDocs build failed: {detail}")]) from None
    finally:
        logger.removeHandler(warnings)


_PRIVATE_URL = re.compile(r"\s*<url>\s*<loc>[^<]*/" + PRIVATE_DIR + r"/[^<]*</loc>.*?</url>", re.S)


def hide_private_pages(site: Path) -> None:
    """Keep client pages out of the sitemap (search and navigation never list them)."""
    sitemap = site / "sitemap.xml"
    if sitemap.exists():
        text = _PRIVATE_URL.sub("", sitemap.read_text(encoding="utf-8"))
        sitemap.write_text(text, encoding="utf-8")
        with open(site / "sitemap.xml.gz", "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
                packed.write(text.encode("utf-8"))


def swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` by `new` with two renames, so a reader never sees a half-written folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staged, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.move(str(new), staged)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    if old.exists():
        shutil.rmtree(old)
