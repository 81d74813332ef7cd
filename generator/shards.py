"""Shards: the guides in groups of a fixed size, each built by MkDocs on its own, in parallel, and
kept under the hash of everything it was made from.

A shard's output depends only on its inputs: its personas' files, every plan, the limits, the
templates, the hand-written pages, the theme overrides, mkdocs.yml, guides.yml, the link secret,
the build date and the generator's own code (its version). Their SHA-256 names its folder in
build/shards/, so a rebuild after one persona changed runs MkDocs for that persona's shard and the
site-wide shard only; everything else is linked from the cache into the new site version.

- A guide shard renders its guides' Markdown and builds it with the site-wide pages present as
  placeholders (site_hook.py), so each page looks exactly as in a one-piece build; it keeps its
  guides' files only. Its privacy check runs on its own output.
- The site shard, built last, holds the site-wide pages, the guides index, the sitemap and the
  search index: the site-wide pages and one short summary per public guide (`summary`). Its
  privacy check covers every shared file of the site.

Publishing (build.py, publish.py) links every shard's files into one new site version.
"""
from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import multiprocessing
import os
import pickle
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator

import jinja2

from . import build as pipeline
from . import environment_variables, limits, privacy, protect, publish, workers
from .errors import BuildFailed, Problem, ProblemsFound
from .notes import maintainer_notes
from .privacy import PrivatePage
from .profiles import Persona, Plan
from .render import environment, read_front_matter
from .site_hook import PageCache, ShardPages
from .tree_hash import hash_tree

SHARD_SIZE = 100  # guides per MkDocs build, unless GUIDES_SHARD_SIZE says otherwise
CACHE = Path("build") / "shards"
RESULT = "result.pickle"  # written last: a folder without it is not a finished shard
GUIDES = "guides"  # below the cache: each guide's GuideFiles, by its member key
PAGES = "pages"  # below the cache: each guide page as MkDocs and the theme wrote it (site_hook.PageCache)
RETIRED = ("html",)  # below the cache: what earlier versions kept and this one does not read (prune removes it)
CHECKED = "checked"  # below the cache: the files the privacy check found clean (privacy.CheckedFiles)
COMPILED = "jinja"  # below the cache: the compiled templates (the guides' and the theme's), keyed by their text
NEEDLES = "needles"  # below the cache: the private strings shards were checked for, one file per set, by digest
VERIFIED = "verified"  # in a shard's folder: the digest of the private strings its files were checked for
SITE = "site"  # the name of the site-wide shard
STUB = "---\ntitle: Guide\n---\n\n# Guide\n"  # a public guide in the site shard: its link and sitemap entry
SUMMARY_WORDS = 400
COMMON_FROM = 100  # from this many public guides, a word in more than COMMON_SHARE of them is left to the
COMMON_SHARE = 0.1  # site-wide pages: listing hundreds of guides for one word helps no one, and slows the index
AHEAD = 10  # the most public guides worked out in the main process to build the site shard beside the guides


@dataclass(frozen=True)
class Context:
    """What every shard of one build shares (sent to each worker process)."""

    root: Path
    plans: dict[str, Plan]
    secret: bytes | None
    generated_on: dt.date
    allow_provisional: bool
    private_pages: tuple[PrivatePage, ...]  # every private guide of the build, for the privacy checks
    inputs: str  # digest of the inputs every shard shares
    checked_for: str  # digest of the private strings the privacy checks look for (privacy.needles)

    @property
    def cache(self) -> Path:
        return self.root / CACHE


@dataclass(frozen=True)
class Member:
    """A persona of a shard: its file as shown in messages, and the hash of what its guide is made from."""

    persona: Persona
    shown: str
    key: str


@dataclass(frozen=True)
class Shard:
    name: str
    members: tuple[Member, ...]
    key: str


@dataclass(frozen=True)
class GuideFiles:
    """One guide as its shard needs it: its files, and what the site-wide pages and the checks take
    from it. Kept under its member's key (GUIDES below the cache), so a shard built again because
    one of its personas changed works out and renders that one guide only."""

    path: str
    private: bool
    protected: bool
    pages: dict[str, str]  # docs path -> text: the page, its charts, its calendar
    notes: tuple[Problem, ...]
    row: dict | None  # a public guide's row in the guides index
    summary: dict | None  # a public guide's entry in the search index
    private_page: PrivatePage | None


@dataclass(frozen=True)
class ShardResult:
    name: str
    key: str
    notes: tuple[Problem, ...] = ()  # inputs the maintainer could add
    problems: tuple[Problem, ...] = ()  # what stops the build (privacy, MkDocs); never cached
    rows: tuple[dict, ...] = ()  # the guides index's row of each public guide
    summaries: tuple[dict, ...] = ()  # the search index's entry of each public guide
    kept: tuple[str, ...] = ()  # the files of GUIDES, PAGES and CHECKED it uses (prune drops the others)


# ----------------------------------------------------------------------------- what a shard is made from

def shared_inputs(project, profiles_dir: Path, year: int | None, generated_on: dt.date,
                  allow_provisional: bool, secret: bytes | None) -> str:
    """The digest of everything every shard is made from (a persona's own file is added per shard)."""
    digest = hashlib.sha256()
    limits.hash_code_and_limits(digest)
    for part in (project.mkdocs_yml, project.templates_dir, project.content_dir, project.root / "overrides",
                 project.root / "guides.yml", profiles_dir / "plans"):
        if part.exists():
            hash_tree(digest, part, project.root)
    branding = project.settings.branding
    if branding and branding.logo and (project.root / branding.logo).is_file():
        hash_tree(digest, project.root / branding.logo, project.root)
    versions = [metadata.version(name) for name in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")]
    digest.update(repr((versions, year, generated_on.isoformat(), allow_provisional,
                        os.environ.get("SOURCE_DATE_EPOCH") or pipeline.epoch_of(generated_on),
                        hashlib.sha256(secret).hexdigest() if secret else None)).encode())
    return digest.hexdigest()


def plan_shards(project, personas: list[Persona], persona_files: dict[str, str], inputs: str,
                contents: dict[str, str] | None = None, size: int | None = None) -> list[Shard]:
    """The guides in shards of `size` (default GUIDES_SHARD_SIZE, else SHARD_SIZE), by id, public ones
    first. A guide's key holds its persona file's SHA-256 as it was read (`contents`), else as the
    file is now."""
    size = size or environment_variables.whole_number(environment_variables.SHARD_SIZE, "guides") or SHARD_SIZE
    ordered = sorted(personas, key=lambda p: (p.audience == "private", p.id))
    members = []
    for persona in ordered:
        shown = persona_files[persona.id]
        content = (contents or {}).get(shown) or hashlib.sha256((project.root / shown).read_bytes()).hexdigest()
        key = hashlib.sha256(f"{inputs}\0{persona.id}\0{shown}\0{content}".encode()).hexdigest()
        members.append(Member(persona, shown, key))
    shards = []
    for number, start in enumerate(range(0, len(members), size)):
        group = tuple(members[start:start + size])
        key = hashlib.sha256("\0".join(member.key for member in group).encode()).hexdigest()
        shards.append(Shard(f"guides-{number:04d}", group, key))
    return shards


# ----------------------------------------------------------------------------- building shards

Ready = Callable[[list["ShardResult"]], None]  # told of shards as they are ready, to publish them meanwhile


def build_all(context: Context, shards: list[Shard], jobs: int, any_protected: bool,
              only_cached: bool = False, ready: Ready = lambda done: None) -> list[ShardResult]:
    """Every guide shard, and the site shard from what they return. `ready` is told of each shard
    without problems as soon as it is there: the cached ones first, then each one built.

    The site shard needs every public guide's row and summary. The public guides come first, so
    the site shard is built as soon as their shards are done, beside the private ones. After a
    change to a persona or two, the listing is known before any shard is built (`_listing_ahead`),
    and the site shard is built beside the changed shard, on a core that would wait for it."""
    def told(done: list[ShardResult]) -> None:
        ready([result for result in done if not result.problems])

    def unbuilt(listing: tuple[tuple[dict, ...], tuple[dict, ...]]) -> tuple | None:
        """The site shard's arguments, or None when the cache holds that site shard."""
        return None if read_result(context, site_key(context, *listing, any_protected)) else (*listing, any_protected)

    cached = read_results(context, shards)
    ahead = _listing_ahead(context, shards, cached, jobs)
    site: Site | None
    if ahead is None:  # known once the shards listing public guides are built
        site = Site(lambda done: unbuilt(_listing(done)), frozenset(
            shard.key for shard in shards if any(m.persona.audience != "private" for m in shard.members)))
    else:  # known now: nothing to wait for, and perhaps nothing to build
        arguments = unbuilt(ahead)
        site = Site(lambda _: arguments, frozenset()) if arguments else None
    results, early = build_guides(context, shards, jobs, only_cached, told, cached, site)
    listing = _listing(results)
    if early is not None and early.key == site_key(context, *listing, any_protected):  # as foreseen
        site_result = early
    else:  # after the guide shards (read from the cache when it holds this listing's site shard)
        site_result = build_site_shard(context, *listing, any_protected)
    told([site_result])
    return results + [site_result]


@dataclass(frozen=True)
class Site:
    """When build_guides may build the site shard: once the shards `waits_for` are done, `arguments`
    of their results (and of any other shard done by then) gives the site shard's arguments, or None
    when it need not be built."""

    arguments: Callable[[list["ShardResult"]], tuple | None]
    waits_for: frozenset[str]


def _listing(results: list[ShardResult]) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """The guides index's rows and the search index's summaries of the public guides, in their order."""
    rows = sorted((row for r in results for row in r.rows), key=lambda row: (row["name"].lower(), row["file"]))
    summaries = sorted((s for r in results for s in r.summaries), key=lambda s: s["location"])
    return tuple(rows), tuple(summaries)


def _listing_ahead(context: Context, shards: list[Shard], cached: dict[str, ShardResult | None],
                   jobs: int) -> tuple[tuple[dict, ...], tuple[dict, ...]] | None:
    """The listing before the guide shards are built: from the cached shards, and the public guides
    of the shards to build. When there are some, None unless a core would wait (fewer shards to
    build than processes) and at most AHEAD of those guides must be worked out here, where they are
    worked out one by one. Each guide worked out here is kept under its member key: its shard's
    worker reads it back."""
    missing = [shard for shard in shards if cached[shard.key] is None]
    public = [m for shard in missing for m in shard.members if m.persona.audience != "private"]
    found = [result for result in cached.values() if result is not None]
    if not public:  # the cached shards hold the whole listing
        return _listing(found)
    if len(missing) >= jobs:
        return None
    project = pipeline.Project(context.root)
    new = [m for m in public if pipeline.is_protected(project.settings, m.persona)
           or not (context.cache / GUIDES / f"{m.key}.pickle").is_file()]
    if len(new) > AHEAD:
        return None
    with _failures_as_one_line():  # as its shard would say it
        env = environment(project.templates_dir, context.cache / COMPILED)
        guides = [guide_files(context, project, env, member) for member in public]
    return _listing(found + [ShardResult("", "", rows=tuple(g.row for g in guides),
                                         summaries=tuple(g.summary for g in guides))])


def read_results(context: Context, shards: list[Shard]) -> dict[str, ShardResult | None]:
    """Each shard's result from the cache by its key, or None where it is still to build."""
    return {shard.key: read_result(context, shard.key) for shard in shards}


def build_guides(context: Context, shards: list[Shard], jobs: int, only_cached: bool = False,
                 ready: Ready = lambda done: None, cached: dict[str, ShardResult | None] | None = None,
                 site: Site | None = None) -> tuple[list[ShardResult], ShardResult | None]:
    """Every guide shard, on `jobs` processes; cached shards are read, not built. With `site`, the
    site shard is built among them as soon as it can be, and returned beside them (None if not built)."""
    context.cache.mkdir(parents=True, exist_ok=True)
    _save_needles(context)
    cached = read_results(context, shards) if cached is None else cached
    missing = [shard for shard in shards if cached[shard.key] is None]
    if only_cached and missing:
        raise BuildFailed(f"{len(missing)} of {len(shards)} shards are not built yet (first: {missing[0].name}); "
                          "run guides build --shard K/N for each K, or guides build")
    done = {key: result for key, result in cached.items() if result is not None}
    if len(missing) + bool(site) <= 1 or jobs <= 1:
        ready(list(done.values()))
        for shard in missing:
            done[shard.key] = build_guide_shard(context, shard)
            ready([done[shard.key]])
        arguments = site.arguments(list(done.values())) if site else None
        return [done[s.key] for s in shards], build_site_shard(context, *arguments) if arguments else None
    queued = collections.deque(missing)  # public guides' shards first (plan_shards), so the site shard starts early
    with workers.pool(min(jobs, len(missing) + bool(site)), "building the shards") as pool:
        running: dict[concurrent.futures.Future, str | None] = {}  # each running shard's key (None: the site shard)
        site_running: concurrent.futures.Future | None = None
        told_cached = False
        while queued or running:
            if site and site.waits_for <= done.keys():
                arguments, site = site.arguments(list(done.values())), None
                if arguments:
                    site_running = pool.submit(build_site_shard, context, *arguments)
                    running[site_running] = None
            while queued and len(running) <= jobs:  # one shard waits for each process: none stands idle
                shard = queued.popleft()
                running[pool.submit(build_guide_shard, context, shard)] = shard.key
            if not told_cached:  # only now: the workers are forked, and no thread of this process runs during a fork
                ready(list(done.values()))
                told_cached = True
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                key = running.pop(future)
                if key is not None:
                    done[key] = future.result()
                    ready([done[key]])
        return [done[s.key] for s in shards], site_running.result() if site_running else None


def read_result(context: Context, key: str) -> ShardResult | None:
    done = context.cache / key / RESULT
    return pickle.loads(done.read_bytes()) if done.is_file() else None


@contextlib.contextmanager
def _failures_as_one_line() -> Iterator[None]:
    """A shard's failure as the parent process can show it: template and file errors as one line."""
    try:
        yield
    except jinja2.TemplateError as error:  # its traceback (which says where) does not cross processes
        raise BuildFailed(pipeline.template_failure(error)) from None
    except OSError as error:
        raise BuildFailed(publish.describe(error)) from None


def build_guide_shard(context: Context, shard: Shard) -> ShardResult:
    with _failures_as_one_line():
        return _build_guide_shard(context, shard)


def build_site_shard(context: Context, rows: tuple[dict, ...], summaries: tuple[dict, ...],
                     any_protected: bool) -> ShardResult:
    with _failures_as_one_line():
        return _build_site_shard(context, rows, summaries, any_protected)


def _build_guide_shard(context: Context, shard: Shard) -> ShardResult:
    """Compute, render and build one shard's guides; keep their files under the shard's key."""
    project = pipeline.Project(context.root)
    env = environment(project.templates_dir, context.cache / COMPILED)
    guides = [guide_files(context, project, env, member) for member in shard.members]
    pages: dict[str, str] = {}
    for guide in guides:
        pages.update(guide.pages)
    own_files = set(pages)
    public = [g for g in guides if not g.private]
    result = ShardResult(
        shard.name, shard.key, notes=tuple(note for g in guides for note in g.notes),
        rows=tuple(g.row for g in public), summaries=tuple(g.summary for g in public),
        kept=tuple(f"{GUIDES}/{m.key}.pickle" for m, g in zip(shard.members, guides) if not g.protected))
    pages.update(pipeline.site_pages(env, [], context.allow_provisional))  # placeholders, for the navigation
    passphrases = {g.path: protect.passphrase_for(context.secret, m.persona.id)
                   for m, g in zip(shard.members, guides) if g.protected}
    stems = tuple(g.path.removesuffix(".md") + "/" for g in guides)
    page_cache = PageCache(context.cache / PAGES, context.inputs, {g.path for g in guides if not g.protected})

    def check(site: Path, checked: privacy.CheckedFiles) -> list[Problem]:
        privacy.hide_from_sitemap(site)  # it lists the shard's private pages; the site shard's is published
        private = [g.private_page for g in guides if g.private]
        return (privacy.leaks(site, list(context.private_pages), own=private, checked=checked)
                + protect.readable_on_locked_pages(site, [g.private_page for g in guides if g.protected]))

    return _run_mkdocs(context, result, pages, own_files, lambda rel: rel.startswith(stems) or rel in own_files,
                       {g.path for g in public}, passphrases, check, kept_docs=own_files - set(passphrases),
                       page_cache=page_cache)


def guide_files(context: Context, project, env, member: Member) -> GuideFiles:
    """A guide's files: kept from an earlier build of the same inputs, or worked out and rendered now.
    A passphrase-protected guide is never kept: its text stays out of the cache, as out of build/docs."""
    settings = project.settings
    kept = context.cache / GUIDES / f"{member.key}.pickle"
    protected = pipeline.is_protected(settings, member.persona)
    if not protected and kept.is_file():
        return pickle.loads(zlib.decompress(kept.read_bytes()))
    guide = pipeline.plan_guide(member.persona, context.plans, context.secret, settings)
    pages = pipeline.render_guide(env, guide, context.generated_on, settings)
    files = GuideFiles(guide.path, guide.private, protected, pages,
                       tuple(maintainer_notes(guide.results, project.root / member.shown, member.shown)),
                       None if guide.private else pipeline.index_row(guide),
                       None if guide.private else summary(guide, pages[guide.path]),
                       pipeline.private_page(guide) if guide.private else None)
    if not protected:
        kept.parent.mkdir(parents=True, exist_ok=True)
        staged = kept.with_name(f".{kept.name}.{os.getpid()}")
        staged.write_bytes(zlib.compress(pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL), 1))
        staged.replace(kept)
    return files


def site_key(context: Context, rows: tuple[dict, ...], summaries: tuple[dict, ...], any_protected: bool) -> str:
    """The site shard's key: the shared inputs, and the guides it lists and summarises."""
    listed = json.dumps([rows, summaries, any_protected], default=str, sort_keys=True)
    return hashlib.sha256(f"{context.inputs}\0{SITE}\0{listed}".encode()).hexdigest()


def _build_site_shard(context: Context, rows: tuple[dict, ...], summaries: tuple[dict, ...],
                      any_protected: bool) -> ShardResult:
    """The site-wide pages, the guides index, the sitemap and the search index (with the summaries)."""
    key = site_key(context, rows, summaries, any_protected)
    found = read_result(context, key)
    if found is not None:
        return found
    project = pipeline.Project(context.root)
    env = environment(project.templates_dir)
    pages = pipeline.site_pages(env, list(rows), context.allow_provisional)
    if any_protected:
        pages[protect.UNLOCK_SCRIPT] = protect.unlock_script()
    stubs = {f"guides/{row['file']}" for row in rows}
    pages.update({stub: STUB for stub in stubs})
    stems = tuple(stub.removesuffix(".md") + "/" for stub in stubs)

    def check(site: Path, checked: privacy.CheckedFiles) -> list[Problem]:
        add_summaries(site, summaries)
        privacy.hide_from_sitemap(site)
        privacy.close_listing(site)
        return privacy.leaks(site, list(context.private_pages), own=[], checked=checked)

    return _run_mkdocs(context, ShardResult(SITE, key), pages, None, lambda rel: not rel.startswith(stems),
                       set(), {}, check, kept_docs=None, placeholders=stubs)



def _run_mkdocs(context: Context, result: ShardResult, pages: dict[str, str], own_files: set[str] | None,
                keeps, summarised: set[str], passphrases: dict[str, str], check, kept_docs: set[str] | None,
                placeholders: set[str] | None = None, page_cache: PageCache | None = None) -> ShardResult:
    """Write the docs folder, build it, check it, and keep the files `keeps` names under the key.

    `own_files` (None: every page) are rendered in full; other Markdown pages are placeholders."""
    project = pipeline.Project(context.root)
    checked = privacy.CheckedFiles(context.cache / CHECKED)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=context.cache))
    try:
        docs, site, out = work / "docs", work / "site", work / "out"
        pipeline.write_docs(project, pages, docs)
        markdown = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
        if placeholders is None:
            placeholders = markdown - (own_files or set())
        try:
            pipeline.mkdocs_build(project, docs, site, context.generated_on, passphrases,
                                  ShardPages(placeholders, summarised, own_files, page_cache, context.cache / COMPILED))
            problems = check(site, checked)
        except ProblemsFound as failed:  # as a value: the exception does not cross processes intact
            problems = failed.problems
        if problems:
            return dataclasses.replace(result, problems=tuple(problems))
        if page_cache:
            page_cache.commit()
        _move(site, out / "site", keeps)
        _move(docs, out / "docs", lambda rel: rel not in placeholders and (kept_docs is None or rel in kept_docs))
        pages_used = page_cache.used if page_cache else []
        kept = [f"{CHECKED}/{mark}" for mark in checked.used] + [f"{PAGES}/{name}" for name in pages_used]
        result = dataclasses.replace(result, kept=result.kept + tuple(kept))
        (out / VERIFIED).write_text(context.checked_for, encoding="utf-8")
        (out / RESULT).write_bytes(pickle.dumps(result))
        try:
            out.rename(context.cache / result.key)
        except OSError:  # the same shard finished meanwhile (another build): the two are equal
            pass
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- shards kept from earlier builds

def recheck_cached(context: Context, results: list[ShardResult]) -> list[Problem]:
    """A shard kept from an earlier build was checked for the private strings of that build. A client
    added or renamed since brings strings its files were never checked for: look for those, and only
    those, so that a rebuild refuses what a build from scratch refuses. Shards found clean are marked
    checked for this build's strings."""
    by_digest: dict[str | None, list[Path]] = {}  # the shards to check again, by the strings they were checked for
    for result in results:
        folder = context.cache / result.key
        before = _read_text(folder / VERIFIED)
        if before != context.checked_for:
            by_digest.setdefault(before, []).append(folder)
    if not by_digest:  # most rebuilds: no private string added
        return []
    pages = list(context.private_pages)
    current = {_hashed(context, needle): needle for needle in privacy.needles(pages)}
    problems: list[Problem] = []
    for before, folders in by_digest.items():
        new = frozenset(current[h] for h in current.keys() - _load_needles(context, before))
        found = privacy.leaks_of_new([folder / "site" for folder in folders], pages, new) if new else []
        problems += found
        for folder in folders if not found else ():
            staged = folder / f".{VERIFIED}.{os.getpid()}"
            staged.write_text(context.checked_for, encoding="utf-8")
            staged.replace(folder / VERIFIED)
    return problems


def _hashed(context: Context, needle: str) -> bytes:
    """A private string as the cache keeps it: keyed by the link secret, so no name is kept in clear."""
    return hmac.new(context.secret or b"", needle.encode(), hashlib.sha256).digest()[:16]


def _save_needles(context: Context) -> None:
    """This build's private strings (hashed), kept under their digest for `recheck_cached` of later builds."""
    path = context.cache / NEEDLES / f"{context.checked_for}.pickle"
    if context.checked_for and not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        hashed = frozenset(_hashed(context, needle) for needle in privacy.needles(list(context.private_pages)))
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        staged.write_bytes(zlib.compress(pickle.dumps(hashed)))
        staged.replace(path)


def _load_needles(context: Context, digest: str | None) -> frozenset[bytes]:
    """The hashed private strings of `digest`; none when unknown (a shard without a record: check for all)."""
    if not digest:
        return frozenset()
    try:
        found = pickle.loads(zlib.decompress((context.cache / NEEDLES / f"{digest}.pickle").read_bytes()))
    except (OSError, EOFError, zlib.error, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return frozenset()
    return found if isinstance(found, frozenset) else frozenset()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _move(source: Path, target: Path, keeps) -> None:
    target.mkdir(parents=True)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and keeps(relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            path.rename(target / relative)


# ----------------------------------------------------------------------------- search

_TITLE = re.compile(r'^\s*(?:\?\?\?\+?|!!!)\s+[\w-]+(?:\s+[\w-]+)*\s+"(.*)"\s*$')
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{[^}]*\})?\s*$")
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TAG = re.compile(r"<[^>]+>|\{[^}]*\}|\[|\]\([^)]*\)|[*_`]")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # letters only: never an amount, a rate or a date


def summary(guide, page: str) -> dict:
    """A public guide's entry in the site's search index: its title, its route and a few words.

    The words are those of its headings, callout titles and worked-example steps (what it is
    about), each once, with every number dropped: never the body, never a figure."""
    lines = page.split("\n---\n", 1)[-1].splitlines()
    words: dict[str, None] = {}
    for line in lines:
        found = _HEADING.match(line) or _TITLE.match(line)
        parts = [found.group(1)] if found else []
        row = _ROW.match(line)
        if row and not set(row.group(1)) <= set("|:- "):
            parts = row.group(1).split("|")[1:2]  # a worked example's step label
        for part in parts:
            for word in _WORD.findall(_TAG.sub(" ", part)):
                words.setdefault(word, None)
    title = read_front_matter(page).get("title", "")
    return {"location": guide.path.removesuffix(".md") + "/", "title": title,
            "text": " ".join(list(words)[:SUMMARY_WORDS])}


def add_summaries(site: Path, summaries: tuple[dict, ...]) -> None:
    """Append the public guides' summaries to the search index MkDocs wrote for the site-wide pages.

    Among many guides, a word a tenth of them share ("Roth", "match") would list hundreds of guides
    for one query and slow the index down: it is left to the site-wide pages that explain it."""
    index_file = site / "search" / "search_index.json"
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    common: set[str] = set()
    if len(summaries) >= COMMON_FROM:
        counts = collections.Counter(w for s in summaries for w in {w.lower() for w in s["text"].split()})
        common = {word for word, count in counts.items() if count > len(summaries) * COMMON_SHARE}
    index["docs"] += [{**s, "text": " ".join(w for w in s["text"].split() if w.lower() not in common)}
                      for s in summaries]
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# ----------------------------------------------------------------------------- publishing

def link_into(results: list[ShardResult], context: Context, part: str, target: Path) -> None:
    """Every shard's `part` (site or docs) into `target`: hard links, or copies across file systems.

    GNU `cp -al` links every shard's tree in one call, in C; Python does it where there is no such
    cp or it fails (across file systems), linking or copying what is not there yet."""
    sources = [context.cache / result.key / part for result in results]
    target.mkdir(parents=True, exist_ok=True)
    if not sources:  # nothing changed (an unchanged rebuild's build/docs): no cp to start
        return
    if shutil.which("cp") and subprocess.run(["cp", "-al", "--", *(f"{source}/." for source in sources), f"{target}/"],
                                             capture_output=True).returncode == 0:
        return
    for source in sources:
        for top, _, names in os.walk(source):  # top down: each folder is made once, before its files
            folder = target / Path(top).relative_to(source)
            folder.mkdir(parents=True, exist_ok=True)
            for name in names:
                if not (folder / name).exists():
                    try:
                        os.link(os.path.join(top, name), folder / name)
                    except OSError:
                        shutil.copy2(os.path.join(top, name), folder / name)


PUBLISHED = "published.json"  # in the cache: the shards the last published version holds, name -> key


def record_published(context: Context, results: list[ShardResult]) -> None:
    """Say which shards the version about to be published holds, so that the next build can begin
    its own version with their files (HeadStart)."""
    record = {result.name: result.key for result in results}
    (context.cache / PUBLISHED).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


class HeadStart:
    """A new site version begun, while the build reads the profiles and plans its shards, as hard
    links to the files of the shards the last build published (taken from the cache: what the build
    made, whatever happened to a published folder since). A rebuild after one change then only swaps
    the files of the shards that changed (Linker), instead of waiting to link every shard's files:
    40,000 entries at 10,000 guides, seconds of disk work.

    The version published before the last one (kept for readers still on it) is no longer needed:
    it is brought up to date (`bring_up_to_date`, in a process of its own) rather than removed and a
    new one made, since each private guide is a folder and making and removing 10,000 folders is
    most of that disk work (`version_to_build` says when that failed). Where there is no such
    version (the first rebuild), one `cp -al` process links the files into a new one.

    Begun only when the cache records those shards (record_published) and still holds each one.
    `close` waits for the work and removes the version unless it was published."""

    def __init__(self, root: Path, target: publish.Target) -> None:
        self.target = target
        self.version: Path | None = None
        self.shards: dict[str, str] = {}  # name -> key of the shards the version begins with
        self.process: subprocess.Popen | multiprocessing.Process | None = None
        self.copied = False
        record = _read_record(root / CACHE / PUBLISHED)
        sources = [root / CACHE / key / "site" for key in (record or {}).values()]
        if not sources or not all(source.is_dir() for source in sources):
            return
        older = publish.old_versions(target)
        if older:  # the newest; Sweep removes any other
            self.version, self.shards = publish.renewed(target, older[-1]), record
            self.process = multiprocessing.get_context("fork").Process(
                target=bring_up_to_date, args=(sources, self.version), name="bring-version-up-to-date")
            self.process.start()
        elif shutil.which("cp"):
            self.version, self.shards = publish.new_version(target), record
            self.process = subprocess.Popen(["cp", "-al", "--", *(f"{source}/." for source in sources),
                                             f"{self.version}/"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def version_to_build(self) -> Path | None:
        """The version the build is to publish: the one begun, unless it is an old version that could
        not be brought up to date (a file there that cannot be removed, say). That one is removed, or
        left to a later build's Sweep when even that fails, and the build makes a new version."""
        if isinstance(self.process, multiprocessing.process.BaseProcess) and not self.wait():
            publish.discard(self.version)
            self.version, self.shards = None, {}
        return self.version

    def wait(self) -> bool:
        """Wait for the links; True when the version holds every file of those shards, and nothing else."""
        if isinstance(self.process, subprocess.Popen):
            self.copied = self.process.wait() == 0
        elif self.process is not None:
            self.process.join()
            self.copied = self.process.exitcode == 0
        self.process = None
        return self.version is not None and self.copied

    def close(self) -> None:
        self.wait()
        current = self.target.current()
        if self.version is not None and (current is None or current.name != self.version.name):
            publish.discard(self.version)


def bring_up_to_date(sources: list[Path], version: Path) -> None:
    """Make an old site version hold the files of `sources`, as hard links, and its marker only:
    what is there as the very file (the same inode) stays; anything else, whatever was done to the
    folder, is removed, and what is missing is linked. Run in a process of its own: it exits with 1
    when that cannot be done whole (the build then makes a new version: `version_to_build`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the build
    try:                                          # handles it, waits for this process, removes the version
        wanted: dict[str, int] = {}  # relative path -> inode; 0 for a folder
        origin: dict[str, str] = {}  # relative path of a file -> its shard's folder
        for source in map(str, sources):
            for relative, inode in _entries(source).items():
                if inode and relative in wanted:  # two shards with one file: as `cp -al` would, fail
                    raise FileExistsError(relative)
                wanted[relative] = inode
                if inode:
                    origin[relative] = source
        found = _entries(str(version))
        gone: set[str] = set()  # folders removed, with what they held
        for relative in sorted(r for r, inode in found.items() if wanted.get(r) != inode and r != publish.MARKER):
            if gone and _below(relative, gone):
                continue
            if found[relative]:
                os.unlink(version / relative)
            else:  # a folder not wanted, or where a file is wanted: nothing below it is wanted
                shutil.rmtree(version / relative)
                gone.add(relative)
        for relative in sorted(r for r, inode in wanted.items() if found.get(r) != inode):  # a folder first
            if wanted[relative]:
                os.link(f"{origin[relative]}/{relative}", version / relative)
            else:
                (version / relative).mkdir()
    except OSError:
        sys.exit(1)


def _below(relative: str, folders: set[str]) -> bool:
    """Whether the path `relative` is inside one of `folders` (relative paths too)."""
    parts = relative.split("/")
    return any("/".join(parts[:depth]) in folders for depth in range(1, len(parts)))


def _entries(root: str) -> dict[str, int]:
    """Every file below `root` by its relative path, with its inode; 0 for a folder. Read from the
    folders' listings, without a stat per file."""
    entries: dict[str, int] = {}
    folders = [""]
    while folders:
        folder = folders.pop()
        prefix = f"{folder}/" if folder else ""
        with os.scandir(f"{root}/{folder}") as listing:
            for entry in listing:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    entries[relative] = 0
                    folders.append(relative)
                else:
                    entries[relative] = entry.inode()
    return entries


class Linker:
    """Links shards' site files into a new site version on a thread of its own, as each shard is
    ready, so linking the unchanged shards (a kernel call per file: seconds at 10,000 guides) runs
    while the changed ones are built. Used as a context manager: leaving it waits for the links,
    and raises what linking raised.

    When the version was begun by a HeadStart, it holds the last published shards already:
    the Linker removes the files of those that changed (every guide shard's before any is linked,
    as a guide may move between shards; the site shard's when it is built) and links only the new.
    Where that cannot be done whole (the copy failed, an old shard is no longer in the cache), or
    most shards changed, it empties the version and links every shard, as a first build does."""

    def __init__(self, context: Context, target: Path, head: HeadStart | None = None,
                 planned: tuple[Shard, ...] = ()) -> None:
        self.context, self.target = context, target
        self.head = head if head is not None and head.version == target else None
        self.planned = {shard.name: shard.key for shard in planned}
        self.held: dict[str, str] | None = None  # name -> key of the shards the version holds; set by the first batch
        self.batches: queue.Queue[list[ShardResult] | None] = queue.Queue()
        self.thread: threading.Thread | None = None  # started by the first batch (see build_guides)
        self.error: BaseException | None = None

    def __enter__(self) -> "Linker":
        return self

    def add(self, results: list[ShardResult]) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._link, name="link-shards", daemon=True)
            self.thread.start()
        self.batches.put(results)

    def _link(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                try:
                    if self.held is None:
                        self.held = self._held()
                    fresh = [result for result in batch if self.held.get(result.name) != result.key]
                    for result in fresh:
                        if result.name in self.held:  # the site shard, changed
                            _unlink_same(self.context.cache / self.held.pop(result.name) / "site", self.target)
                    link_into(fresh, self.context, "site", self.target)
                except BaseException as error:  # raised in the build's own thread, on leaving
                    self.error = error

    def _held(self) -> dict[str, str]:
        """The shards the version holds once the guide shards that changed are taken out of it."""
        if self.head is None:
            return {}
        held = dict(self.head.shards)
        changed = [name for name, key in held.items() if name != SITE and self.planned.get(name) != key]
        few = 2 * len(changed) <= len(held)  # else (a template or a plan changed) emptying it whole is faster
        if self.head.wait() and few:  # (HeadStart made sure the cache holds every one)
            for name in changed:
                _unlink_same(self.context.cache / held.pop(name) / "site", self.target)
            return held
        for entry in os.listdir(self.target):  # start over: everything but the marker
            if (self.target / entry).is_dir() and not (self.target / entry).is_symlink():
                publish.remove_tree(self.target / entry)
            elif entry != publish.MARKER:
                (self.target / entry).unlink()
        return {}

    def __exit__(self, kind, value, traceback) -> None:
        if self.thread is not None:
            self.batches.put(None)
            self.thread.join()
        if kind is None and self.error is not None:
            raise self.error


DOCS_RECORD = ".docs-shards.json"  # beside build/docs: the shards it holds, name -> key


def sync_docs(results: list[ShardResult], context: Context, docs: Path) -> None:
    """Make `docs` (build/docs) hold every shard's docs files, as a whole new folder would.

    A record beside it names the shards it holds. When the cache still has the shards that changed,
    only their files are swapped: the old shard's out, the new one's in (a few hundred files for one
    persona changed, not every guide's). Otherwise the folder is linked whole and renamed into place.
    The record is removed before and written after: a build stopped half-way swaps it whole next time."""
    record = docs.with_name(DOCS_RECORD)
    now = {result.name: result.key for result in results}
    before = _read_record(record) if docs.is_dir() and not docs.is_symlink() else None  # never write through a link
    record.unlink(missing_ok=True)
    gone = [context.cache / key / "docs" for name, key in (before or {}).items() if now.get(name) != key]
    if before is not None and all(folder.is_dir() for folder in gone):
        for folder in gone:
            _unlink_same(folder, docs)
        link_into([result for result in results if before.get(result.name) != result.key], context, "docs", docs)
    else:
        with tempfile.TemporaryDirectory(prefix=publish.WORK_PREFIX, dir=context.root) as work:
            link_into(results, context, "docs", Path(work) / "docs")
            _swap_into_place(Path(work) / "docs", docs)
    record.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")


def _read_record(record: Path) -> dict[str, str] | None:
    """The shards (name -> key) a record names, as the last build wrote it (None: no usable record)."""
    try:
        found = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    is_key = lambda key: isinstance(key, str) and re.fullmatch(r"[0-9a-f]{64}", key)  # noqa: E731
    if isinstance(found, dict) and all(isinstance(name, str) and is_key(key) for name, key in found.items()):
        return found
    return None


def _unlink_same(source: Path, target: Path) -> None:
    """Remove from `target` the files `source` holds (by relative path), then the folders left empty."""
    folders = set()
    for top, _, names in os.walk(source):
        relative = Path(top).relative_to(source)
        for name in names:
            (target / relative / name).unlink(missing_ok=True)
        folders.add(target / relative)
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        if folder != target and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace the folder `target` by `new` with two renames."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staged, old):
        if leftover.exists():
            publish.remove_tree(leftover)
    shutil.move(str(new), staged)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    if old.exists():
        publish.remove_tree(old)


def prune(context: Context, results: list[ShardResult]) -> None:
    """Drop what this build did not use from the cache (which holds only what builds made): the other
    shards, the guides and pages none of this build's shards uses, and what earlier versions kept."""
    keep = {result.key for result in results}
    for folder in context.cache.iterdir():
        made = folder.name.startswith(".tmp-") or (folder / RESULT).exists() or folder.name in RETIRED
        if folder.is_dir() and folder.name not in keep and made:
            shutil.rmtree(folder, ignore_errors=True)
    used = {name for result in results for name in result.kept} | {f"{NEEDLES}/{context.checked_for}.pickle"}
    for part in (GUIDES, PAGES, CHECKED, NEEDLES):
        folder = context.cache / part
        if folder.is_dir():
            for name in os.listdir(folder):  # names, not Paths: tens of thousands at 10,000 guides
                if f"{part}/{name}" not in used:
                    (folder / name).unlink(missing_ok=True)
