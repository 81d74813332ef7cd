"""The pipeline end to end: load → validate → compute → advise → render → write docs → mkdocs build.

The guides are built in shards (shards.py): groups of a fixed size, each computed, rendered and
built by MkDocs in its own process and cached under the hash of its inputs, then linked together
into one site. A build works in fresh folders and publishes the result only when everything
succeeded, so a failed build never damages the last good site.
"""
from __future__ import annotations

import base64
import datetime as dt
import gc
import logging
import os
import shutil
import traceback
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2

from . import charts as charts_svg
from . import client_calendar, environment_variables, privacy, protect, publish, shards
from .advice import Advice, advise
from .archive import keep_earlier_years
from .changes import Change, changes, last_year
from .compute import Results, compute
from .errors import BuildFailed, Problem, ProblemsFound, display_path
from .limits import load_limits, provisional_refused, published_years, read_once
from .persona_cache import PersonaCache
from .project import Project, all_problems, unfinished_warnings
from .plain_text import PlainText
from .profiles import Persona, Plan, Profiles, load_profiles
from .pdf import write_pdfs
from .privacy import PRIVATE_DIR
from .formatting import inert
from .render import environment, read_front_matter
from .secret import load_secret, secret_for_build, token_for
from .settings import Settings, apply_branding, brand_view, copy_brand_assets
from .view import guide_view


@dataclass(frozen=True)
class Guide:
    results: Results
    advice: Advice
    path: str  # where the page lives in the docs folder
    since_last_year: tuple[Change, ...] | None = None  # None: no limits for the year before
    protected: bool = False  # passphrase protection: the page is encrypted (protect.py)

    @property
    def persona(self) -> Persona:
        return self.results.persona

    @property
    def private(self) -> bool:
        return self.results.persona.audience == "private"


@dataclass(frozen=True, eq=False)
class PublishedGuide:
    """A guide of a finished build as its report lists it: whose, where, and its figures on demand
    (worked out again when asked, so a build of thousands of guides never holds them all)."""

    persona: Persona
    plans: dict[str, Plan]
    path: str
    protected: bool

    @property
    def private(self) -> bool:
        return self.persona.audience == "private"

    @cached_property
    def results(self) -> Results:
        return compute(self.persona, self.plans)


@dataclass(frozen=True)
class BuildReport:
    site_dir: Path
    guides: tuple[PublishedGuide, ...]
    left_out: dict[str, list[Problem]] = field(default_factory=dict)  # persona file -> why (--keep-going)
    to_confirm: tuple[Problem, ...] = ()  # review: entries of the built personas
    notices: tuple[str, ...] = ()  # what the user must know (a new link secret was made)
    earlier_years: tuple[int, ...] = ()  # kept under /YEAR/ beside the current year (archive.py)
    withheld: tuple[tuple[Persona, str], ...] = ()  # private guides not published today, and why (sharing)
    notes: tuple[Problem, ...] = ()  # inputs the maintainer could add (warnings, not errors)


# ----------------------------------------------------------------------------- the pipeline

def build(project: Project, *, year: int | None = None, out: Path | None = None,
          today: dt.date | None = None, allow_provisional: bool = False, keep_going: bool = False,
          jobs: int | None = None, only_cached: bool = False) -> BuildReport:
    """Build every guide and publish the site at `out` (default site/) as the very last step.

    `jobs` processes build the shards (default: one per core, or GUIDES_JOBS); with `only_cached`
    (`guides publish`) every guide shard must have been built already (`guides build --shard`).
    BuildFailed or ProblemsFound when anything goes wrong; the published site is then unchanged.
    """
    target = publish.target_for(out or project.root / "site", project.root, project.protected)
    try:
        with publish.locked(project.root), read_once():  # one set of limits from start to end
            publish.clean_leftovers(project.root, target)
            head: shards.HeadStart | None = None
            sweep: publish.Sweep | None = None
            try:
                head = shards.HeadStart(project.root, target)  # begins the new version with the last published shards
                sweep = publish.Sweep(target, keep=head.version)  # removes the other old versions meanwhile
                return _build_and_publish(project, target, sweep, head, year, today, allow_provisional,
                                          keep_going, jobs or default_jobs(), only_cached)
            finally:
                if sweep is not None:
                    sweep.wait()  # a build that failed waits too: it leaves no process behind
                if head is not None:
                    head.close()
                gc.unfreeze()
    except OSError as error:
        raise BuildFailed(publish.describe(error)) from None
    except jinja2.TemplateError as error:
        raise BuildFailed(template_failure(error)) from None


def _build_and_publish(project: Project, target: publish.Target, sweep: publish.Sweep, head: shards.HeadStart,
                       year: int | None, today: dt.date | None, allow_provisional: bool, keep_going: bool, jobs: int,
                       only_cached: bool) -> BuildReport:
    gc.disable()  # what loading makes lives until the end of the build: no collection can free any of it
    try:
        profiles, left_out = load_and_validate(project, year, keep_going=keep_going, cached=True, jobs=jobs)
    finally:
        gc.enable()
    gc.freeze()  # nor need any collection walk it again (10,000 personas: 0.2 s a time); build() unfreezes
    if not allow_provisional:
        refuse_projections(profiles)
    secret, notice = secret_for_build(project.root, [p.id for p in profiles.personas if p.audience == "private"])
    generated_on = today or build_date()
    shared = {persona.id: sharing(persona, generated_on) for persona in profiles.personas}
    live = [persona for persona in profiles.personas if shared[persona.id] == "live"]
    guides = tuple(PublishedGuide(p, profiles.plans, guide_path(p, secret), is_protected(project.settings, p))
                   for p in live)
    context, planned = shard_plan(project, profiles, guides, secret, generated_on, year, allow_provisional)
    site = head.version_to_build() or publish.new_version(target)
    try:
        with shards.Linker(context, site, head, planned) as linker:  # each shard is linked in once ready
            built = shards.build_all(context, planned, jobs, any(g.protected for g in guides), only_cached,
                                     ready=linker.add)
        problems = [problem for shard in built for problem in shard.problems]
        problems += shards.recheck_cached(context, [shard for shard in built if not shard.problems])
        if problems:
            raise ProblemsFound(problems)
        kept = keep_earlier_years(target.current(), site, year or max(p.tax_year for p in profiles.personas))
    except BaseException:
        publish.discard(site)
        raise
    before = target.current()
    shards.record_published(context, built)
    publish.switch(target, site)
    # The site is published: a step that fails from here is a warning, and the next build does it.
    notices = ([notice] if notice else []) + unfinished_warnings(profiles)
    _or_warn(notices, "the earlier site versions were not removed", sweep.finish)
    if before is not None and (before / publish.MARKER).is_file() and privacy.took_down(before, site):
        # a client's page taken down is not kept on disk until the next build
        _or_warn(notices, "the site version before was not removed", publish.remove_tree, before)
    publish.step("old-removed")
    _or_warn(notices, "build/docs/ was not updated", shards.sync_docs, built, context, project.docs_dir)
    _or_warn(notices, "build/shards/ was not pruned", shards.prune, context, built)
    built_files = {profiles.persona_files[p.id] for p in profiles.personas}
    order = {profiles.persona_files[p.id]: n for n, p in enumerate(profiles.personas)}
    return BuildReport(target.link, guides, left_out,
                       tuple(p for p in profiles.to_confirm if p.path in built_files), tuple(notices), tuple(kept),
                       tuple((p, shared[p.id]) for p in profiles.personas if shared[p.id] != "live"),
                       tuple(sorted((note for shard in built for note in shard.notes),  # in file order, as read
                                    key=lambda note: order.get(note.path, 0))))


def _or_warn(notices: list[str], what: str, step, *arguments) -> None:
    """Run a step that comes after publishing; if the disk refuses it, say so in `notices`."""
    try:
        step(*arguments)
    except OSError as error:
        notices.append(f"warning: the site was published, but {what} ({publish.cause(error)}); "
                       "the next build does it")


def build_shards(project: Project, part: int, parts: int, *, year: int | None = None,
                 today: dt.date | None = None, allow_provisional: bool = False, jobs: int | None = None) -> list[str]:
    """`guides build --shard K/N`: build every Nth guide shard (from the Kth, counted from 1) into
    build/shards/, and publish nothing; `guides publish` assembles the site once all are there.
    Returns the names of the shards built (or found already built)."""
    with read_once():  # one set of limits from start to end
        return _build_shards(project, part, parts, year, today, allow_provisional, jobs)


def _build_shards(project: Project, part: int, parts: int, year: int | None, today: dt.date | None,
                  allow_provisional: bool, jobs: int | None) -> list[str]:
    jobs = jobs or default_jobs()
    profiles, _ = load_and_validate(project, year, cached=True, jobs=jobs)
    if not allow_provisional:
        refuse_projections(profiles)
    secret = load_secret(project.root)
    if secret is None and any(p.audience == "private" for p in profiles.personas):
        raise BuildFailed("private guides need the link secret: run guides build once (it makes .guides-secret), "
                          "or set GUIDES_LINK_SECRET, before building shards")
    generated_on = today or build_date()
    guides = tuple(PublishedGuide(p, profiles.plans, guide_path(p, secret), is_protected(project.settings, p))
                   for p in profiles.personas if sharing(p, generated_on) == "live")
    context, planned = shard_plan(project, profiles, guides, secret, generated_on, year, allow_provisional)
    mine = planned[part - 1::parts]
    try:
        built, _ = shards.build_guides(context, mine, jobs)
    except OSError as error:
        raise BuildFailed(publish.describe(error)) from None
    problems = [problem for shard in built for problem in shard.problems]
    if problems:
        raise ProblemsFound(problems)
    return [shard.name for shard in built]


def shard_plan(project: Project, profiles: Profiles, guides: tuple[PublishedGuide, ...], secret: bytes | None,
               generated_on: dt.date, year: int | None,
               allow_provisional: bool) -> tuple[shards.Context, list[shards.Shard]]:
    """What every shard of this build shares, and the shards of `guides`, each with its key."""
    pages = tuple(private_page(g) for g in guides if g.private)
    context = shards.Context(project.root, profiles.plans, secret, generated_on, allow_provisional, pages,
                             shards.shared_inputs(project, project.profiles_for(year), year, generated_on,
                                                  allow_provisional, secret),
                             privacy.needles_digest(privacy.needles(list(pages))))
    return context, shards.plan_shards(project, [g.persona for g in guides], profiles.persona_files, context.inputs,
                                       profiles.file_contents)


def default_jobs() -> int:
    """Processes for the shards: GUIDES_JOBS, else one per core this process may use."""
    return (environment_variables.whole_number(environment_variables.JOBS, "processes")
            or len(os.sched_getaffinity(0)))


def template_failure(error: jinja2.TemplateError) -> str:
    """One line naming the template, its line and the error (a template mistake, not an input one)."""
    where = ""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{error.filename or error.name}:{error.lineno}: "
    else:  # a runtime error: the innermost template frame of the traceback says where
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"template error: {where}{error.message or type(error).__name__}; the published site was not changed"


def guide_pdfs(project: Project, report: BuildReport) -> list[Path]:
    """Every guide of a built site as PDF, named after its persona, in pdf/ beside the site folder
    (outside it, so a private client's PDF is never served). A protected guide is printed unlocked:
    the advisor's client packet holds what the client sees after typing the passphrase."""
    pages = {g.persona.id: g.path.removesuffix(".md") + "/" for g in report.guides}
    protected = [g.persona.id for g in report.guides if g.protected]
    secret = load_secret(project.root) if protected else None
    passphrases = {pid: protect.passphrase_for(secret, pid) for pid in protected}
    return write_pdfs(report.site_dir, pages, report.site_dir.parent / "pdf", passphrases)


def load_and_validate(project: Project, year: int | None = None, *, keep_going: bool = False,
                      cached: bool = False, jobs: int = 1) -> tuple[Profiles, dict[str, list[Problem]]]:
    """Every limits file and every profile, checked; all their problems at once.

    With `keep_going`, a persona with problems of its own is left out (returned with its problems)
    and the others go on; a problem in a limits or plan file still stops everything. `cached` (the
    build) reads again only the persona files changed since the last build (persona_cache.py), on
    `jobs` processes when there are many.
    """
    profiles_dir = project.profiles_for(year)
    keeps = lambda persona: not is_protected(project.settings, persona)  # noqa: E731 - a protected client's stays out
    cache = PersonaCache(project.root, profiles_dir, year, keeps, jobs) if cached else None
    profiles = load_profiles(profiles_dir, project.root, year, cache=cache)
    if cache:
        cache.save()
        profiles.file_contents = cache.contents
    problems = all_problems(profiles, project)
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
    years = sorted(year for year in {p.tax_year for p in profiles.personas} if load_limits(year).provisional)
    if years:
        raise ProblemsFound([provisional_refused(year) for year in years])


def plan_guide(persona: Persona, plans: dict[str, Plan], secret: bytes | None,
               settings: Settings = Settings()) -> Guide:
    """Compute and advise one guide, and compare it with the same profile under last year's limits."""
    results = compute(persona, plans)
    before = last_year(persona, plans)
    return Guide(results, advise(results), guide_path(persona, secret), changes(results, before) if before else None,
                 protected=is_protected(settings, persona))


def guide_path(persona: Persona, secret: bytes | None) -> str:
    """Where a guide lives in the docs folder: guides/<id>.md, or c/<unguessable token>.md when private."""
    if persona.audience == "private":
        return f"{PRIVATE_DIR}/{token_for(secret, persona.id)}.md"
    return f"guides/{persona.id}.md"


def is_protected(settings: Settings, persona: Persona) -> bool:
    """A private guide's own protect:, else the project's default for private guides (guides.yml)."""
    default = settings.private_pages.protect if persona.audience == "private" else "none"
    return (persona.protect or default) == "passphrase"


def sharing(persona: Persona, today: dt.date) -> str:
    """live, or why a private guide is not published today: revoked, or expired after share_until."""
    if persona.revoked:
        return "revoked"
    if persona.share_until is not None and persona.share_until < today:
        return "expired"
    return "live"


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise today."""
    return environment_variables.source_date() or dt.date.today()


# ----------------------------------------------------------------------------- private links

def private_page(guide: Guide | PublishedGuide) -> privacy.PrivatePage:
    """What the privacy check must not find outside a private guide's own page."""
    persona = guide.persona
    texts = [persona.name] + ([persona.spouse.name] if persona.spouse and "spouse" in persona.spouse.model_fields_set else [])
    token = guide.path.rsplit("/", 1)[-1].removesuffix(".md")  # c/<token>.md, as a string: 10,000 per build
    return privacy.PrivatePage(persona.id, token, tuple(" ".join(t.split()) for t in texts))


# ----------------------------------------------------------------------------- render

def render_pages(project: Project, guides: list[Guide], generated_on: dt.date,
                 allow_provisional: bool = False) -> dict[str, str]:
    """Every generated file of the docs folder, by path: guides, their charts, and the site-wide pages."""
    env = environment(project.templates_dir)
    pages: dict[str, str] = {}
    for guide in guides:
        pages.update(render_guide(env, guide, generated_on, project.settings))
    if any(g.protected for g in guides):
        pages[protect.UNLOCK_SCRIPT] = protect.unlock_script()
    rows = sorted((index_row(g) for g in guides if not g.private), key=lambda row: (row["name"].lower(), row["file"]))
    return {**pages, **site_pages(env, rows, allow_provisional)}


def index_row(guide: Guide) -> dict:
    """A public guide's row on the guides index: what guides_index.md.j2 reads, in plain values (a
    shard hands it to the site shard, so it holds nothing else of the guide)."""
    results = guide.results
    return {"name": inert(results.persona.name), "file": Path(guide.path).name,
            "plan_name": inert(results.plan.name) if results.plan else "",
            "results": {"persona": {"tax_year": results.persona.tax_year}, "age": results.age,
                        "figures": {"ira_route": {"value": results.figures["ira_route"].value}}}}


def site_pages(env, rows: list[dict], allow_provisional: bool = False) -> dict[str, str]:
    """The generated site-wide pages: the guides index (`rows`, sorted) and the limits pages."""
    years = published_years(allow_provisional)
    return {"guides/index.md": env.get_template("guides_index.md.j2").render(guides=rows),
            "limits/index.md": env.get_template("limits.md.j2").render(years=list(reversed(years))),
            "limits/changes.md": env.get_template("limits_changes.md.j2").render(
                changes=[(old, new, limit_changes(old, new)) for old, new in zip(years, years[1:])][::-1])}


def render_guide(env, guide: Guide, generated_on: dt.date, settings: Settings = Settings()) -> dict[str, str]:
    """One guide's page, its charts and its calendar. Profile text reaches the template only made inert."""
    results = guide.results
    files, charts = guide_charts(guide)
    dates = client_calendar.dated_actions(results, guide.advice, generated_on)
    calendar = guide_calendar(env, guide, dates, generated_on)
    files.update(calendar.files)
    text = lambda value, default="": inert(value) if value else default  # noqa: E731
    page = env.get_template("guide.md.j2").render(
        r=results, advice=guide.advice, private=guide.private, charts=charts, since_last_year=guide.since_last_year,
        generated_on=generated_on.isoformat(), dates=dates, calendar_href=calendar.href,
        calendar_file=calendar.download_name, brand=brand_view(settings, results.persona),
        share_until=results.persona.share_until,
        hide_site_navigation=guide.private and not settings.private_pages.show_site_navigation,
        view=guide_view(results, guide.advice, generated_on, env.globals["page_sections"]),
        name=text(results.persona.name),
        plan_name=text(results.plan and results.plan.name),
        second_plan_name=text(results.second_plan and results.second_plan.name),
        spouse_name=text(results.persona.spouse and results.persona.spouse.name),
        year_end_plan_name=text(results.year_end_plan and results.year_end_plan.name, "your plan"))
    check_front_matter(guide, page)
    return {guide.path: page, **files}


def check_front_matter(guide: Guide, page: str) -> None:
    """Read the front matter back as MkDocs will: MkDocs drops front matter it cannot read without a
    word, and a private page would then lose its search exclusion."""
    meta = read_front_matter(page)
    private = meta.get("search") == {"exclude": True} and meta.get("robots") == "noindex"
    if not meta.get("title") or private != guide.private:
        raise BuildFailed(f"the front matter of {guide.path} does not read back as written "
                          f"(read {sorted(meta)}); the published site was not changed")


def guide_charts(guide: Guide) -> tuple[dict[str, str], dict[str, str]]:
    """The SVG charts of a guide with after-tax space, named after its page (so a private guide's
    charts are as unguessable as the page), and what the template needs to show them."""
    results = guide.results
    if results.payroll is None or not results.payroll.after_tax_offered:
        return {}, {}
    stem = guide.path.removesuffix(".md")
    projection, cadence = results["projection"].value, results["conversion_cadence"].value
    earnings = results["conversion_taxable_earnings"].value
    narrow = charts_svg.NARROW  # a phone's copy, drawn for its column so the text stays readable
    files = {f"{stem}-projection.svg": charts_svg.projection_chart(projection, results.projection_rows),
             f"{stem}-cadence.svg": charts_svg.cadence_chart(earnings, cadence),
             f"{stem}-projection-narrow.svg": charts_svg.projection_chart(projection, results.projection_rows,
                                                                          layout=narrow),
             f"{stem}-cadence-narrow.svg": charts_svg.cadence_chart(earnings, cadence, layout=narrow)}
    if guide.protected:  # inside the encrypted page, never as files beside it
        shown = [data_uri("image/svg+xml", svg) for svg in files.values()]
        files = {}
    else:
        shown = [Path(path).name for path in files]
    names = dict(zip(("projection", "cadence", "projection_narrow", "cadence_narrow"), shown))
    return files, {**names, "projection_alt": charts_svg.projection_alt(projection),
                   "cadence_alt": charts_svg.cadence_alt(earnings, cadence)}


@dataclass(frozen=True)
class GuideCalendar:
    files: dict[str, str]  # the .ics beside the page, or nothing when it travels inside a protected page
    href: str
    download_name: str


def guide_calendar(env, guide: Guide, dates: list, generated_on: dt.date) -> GuideCalendar:
    """The guide's dated actions as an .ics file, with the same words as the page's "Your dates"."""
    title = env.get_template("partials/_dates.md.j2").module.event_title
    text = client_calendar.ics(dates, lambda action: str(title(action)), guide.path, generated_on).decode("utf-8")
    name = f"retirement-dates-{guide.results.persona.tax_year}.ics"
    if guide.protected:
        return GuideCalendar({}, data_uri("text/calendar", text), name)
    path = guide.path.removesuffix(".md") + ".ics"
    return GuideCalendar({path: text}, Path(path).name, name)


def data_uri(media_type: str, text: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"


def limit_changes(old, new) -> list[dict]:
    """The entries whose value or range differs between two consecutive years."""
    changed = []
    for key, entry in new.entries.items():
        before = old.entries[key]
        fields = ("start", "end") if hasattr(entry, "start") else ("rates", "thresholds") if hasattr(entry, "rates") else ("value",)
        was, now = [tuple(getattr(e, f) for f in fields) for e in (before, entry)]
        if was != now:
            changed.append({"key": key, "before": before, "after": entry})
    return changed


# ----------------------------------------------------------------------------- write and build

def write_docs(project: Project, pages: dict[str, str], docs: Path) -> None:
    shutil.copytree(project.content_dir, docs)
    copy_brand_assets(project.root, project.settings, docs)
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


def mkdocs_build(project: Project, docs: Path, site: Path, generated_on: dt.date,
                 passphrases: dict[str, str] | None = None, shard_pages=None) -> None:
    """Real MkDocs Material, strict: any warning fails the build (and is reported).

    `passphrases` (docs path → passphrase) are the pages to encrypt while MkDocs renders them;
    `shard_pages` (site_hook.ShardPages) says which pages a shard renders in full."""
    from mkdocs.commands.build import build as run_mkdocs
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("SOURCE_DATE_EPOCH", epoch_of(generated_on))
    warnings = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        config = load_config(str(project.mkdocs_yml), docs_dir=str(docs), site_dir=str(site), strict=True)
        config.markdown_extensions.append(PlainText())  # the same HTML, sooner (plain_text.py)
        apply_branding(config, project.settings)
        if shard_pages is not None:
            config.plugins["guides-shard"] = shard_pages
        if passphrases:
            locked_page = environment(project.templates_dir).get_template("protected.html.j2")
            config.plugins["guides-protect"] = protect.ProtectPages(passphrases, locked_page)
        run_mkdocs(config)
    except MkDocsException as error:
        said = dict.fromkeys(warnings.messages)  # each once: a page converted both ways (markdown_parts) warns twice
        detail = " ".join(("; ".join(said) or str(error)).split())  # one line: YAML errors span several
        raise ProblemsFound([Problem(str(project.mkdocs_yml.name), 1, "", f"MkDocs build failed: {detail}")]) from None
    finally:
        logger.removeHandler(warnings)


def epoch_of(day: dt.date) -> str:
    """The SOURCE_DATE_EPOCH of a build date: MkDocs dates the sitemap with it."""
    return str(int(dt.datetime.combine(day, dt.time(), dt.timezone.utc).timestamp()))
