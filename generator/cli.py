"""The `guides` command: a thin layer over the library (build.py, profiles.py, compute.py).

The build and client links are imported by the commands that use them, so `guides calc` and
`guides check` load only the profiles and the rules (project.py), not the site machinery."""
from __future__ import annotations

import atexit
import datetime as dt
import errno
import json
import os
import sys
import threading
from pathlib import Path

import click

from . import secret
from .compute import compute
from .changes import report as changes_report
from .errors import BuildFailed, Problem, ProblemsFound, shown_notes, shown_problems
from .publish import cause
from .limits import MissingLimits, limits_file
from .new_year import new_year
from .jsonout import results_json
from .profiles import load_persona_file, load_profiles
from .project import Project, all_problems, profile_notes, unfinished_warnings
from .formatting import amount, money


def _project() -> Project:
    root = Path.cwd()
    config = root / "mkdocs.yml"
    if os.path.lexists(config) and not config.is_file():
        raise click.ClickException(f"{config} is not a file: mkdocs.yml is the site's configuration (YAML text)")
    if not (root / "profiles").is_dir() or not config.is_file():
        raise click.ClickException(
            f"{root} is not a guides project: run this in a folder with mkdocs.yml and profiles/ "
            "(the repository is one)")
    return Project(root)


def _report(problems, advice: str = "") -> None:
    for line in shown_problems(problems):
        click.echo(line, err=True)
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was written.", err=True)
    if advice:
        click.echo(advice, err=True)
    sys.exit(1)


def _personas_to_fix(problems) -> str:
    """Which personas stop a build, and the two ways forward."""
    names = sorted({Path(p.path).stem for p in problems if Path(p.path).parent.name == "personas"})
    if not names:
        return ""
    return (f"Personas to fix, or to move out of the profiles folder: {', '.join(names)}. "
            "Or build the others with --keep-going.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _warn(notes) -> None:
    """Inputs a guide had to assume: the page says what it assumed; the maintainer can add them."""
    for line in shown_notes(notes):
        click.echo(f"warning: {line}", err=True)


class _Guides(click.Group):
    """The command group: a file the system refuses to write (a full disk, a read-only folder) ends
    any command with one line saying which file and why, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno == errno.EPIPE:  # output piped into `head`: click ends quietly
                raise
            raise click.ClickException(cause(error)) from None


@click.group(cls=_Guides)
@click.version_option(package_name="retirement-guides")
def main() -> None:
    """Personalised retirement-savings guides from YAML profiles."""


def run() -> None:
    """The installed `guides` command and `python3 -m generator`: `main`, then, when it succeeded,
    an exit that leaves the process's memory to the system. Python otherwise frees every object
    one by one on the way out: about half a second after a rebuild of 10,000 guides, for memory the
    system takes back at once. The exit handlers still run (`atexit`), and the output is flushed;
    a failure, or a thread still at work, exits the usual way."""
    try:
        main(prog_name="guides")  # click's standalone mode always ends in SystemExit
    except SystemExit as ending:
        if ending.code not in (None, 0):
            raise
    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        raise SystemExit(0)  # Python's exit waits for it
    atexit._run_exitfuncs()  # what a normal exit runs first (logging, multiprocessing, weakref finalizers)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # output piped into `head`: Python's own exit says so, as without this
        raise SystemExit(0) from None
    os._exit(0)


@main.command()
@click.option("--year", type=int, help="Regenerate every persona for this tax year.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Where to publish the site (default: site/): a new or empty folder, or one an earlier build made.")
@click.option("--allow-provisional", is_flag=True,
              help="Build with limits marked provisional (projected); every such page says so.")
@click.option("--keep-going", is_flag=True, help="Leave out the personas with problems, build the rest, list them.")
@click.option("--pdf", "pdf", is_flag=True, help="Also print every guide to PDF, in pdf/ beside the site folder.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes building shards (default: one per core).")
@click.option("--shard", metavar="K/N", help="Build only every Nth shard from the Kth into build/shards/ and publish "
              "nothing (one job of a CI matrix); then `guides publish`.")
def build(year: int | None, out: Path | None, allow_provisional: bool, keep_going: bool, pdf: bool,
          jobs: int | None, shard: str | None) -> None:
    """Validate, compute and render every guide, then build the site with MkDocs Material."""
    if shard:
        _build_shard(shard, year, allow_provisional, jobs)
        return
    _publish(year=year, out=out, allow_provisional=allow_provisional, keep_going=keep_going, jobs=jobs, pdf=pdf)


@main.command()
@click.option("--year", type=int, help="The tax year the shards were built for.")
@click.option("--out", type=click.Path(path_type=Path), help="Where to publish the site (default: site/).")
@click.option("--allow-provisional", is_flag=True, help="As given to guides build --shard.")
def publish(year: int | None, out: Path | None, allow_provisional: bool) -> None:
    """Assemble and publish the site from the shards `guides build --shard K/N` built (all must be there)."""
    _publish(year=year, out=out, allow_provisional=allow_provisional, only_cached=True)


def _build_shard(shard: str, year: int | None, allow_provisional: bool, jobs: int | None) -> None:
    from . import build as pipeline
    try:
        part, parts = (int(n) for n in shard.split("/"))
        if not 1 <= part <= parts:
            raise ValueError
    except ValueError:
        raise click.BadParameter(f"{shard!r}: give K/N with 1 <= K <= N, e.g. 2/4", param_hint="--shard") from None
    try:
        built = pipeline.build_shards(_project(), part, parts, year=year, allow_provisional=allow_provisional,
                                      jobs=jobs)
    except ProblemsFound as found:
        _report(found.problems, _personas_to_fix(found.problems))
        return
    except BuildFailed as failed:
        raise click.ClickException(str(failed)) from None
    click.echo(f"Built {_plural(len(built), 'shard')} ({shard}) into {pipeline.shards.CACHE}/; "
               "run guides publish once every part is there")


def _publish(pdf: bool = False, **options) -> None:
    from . import build as pipeline
    project = _project()
    year = options["year"]
    try:
        report = pipeline.build(project, **options)
    except ProblemsFound as found:
        _report(found.problems, _personas_to_fix(found.problems))
        return
    except BuildFailed as failed:
        raise click.ClickException(str(failed)) from None
    for notice in report.notices:
        click.echo(notice, err=True)
    _warn(report.notes)
    public = [g for g in report.guides if not g.private]
    click.echo(f"Built {len(report.guides)} guides ({len(public)} public) into {report.site_dir}")
    private = [guide for guide in report.guides if guide.private]
    for guide in private[:LINKS_LISTED]:
        click.echo(f"  private: {guide.persona.id} -> {guide.path.removesuffix('.md')}/")
    if len(private) > LINKS_LISTED:
        click.echo(f"  ... and {len(private) - LINKS_LISTED:,} more private guides: guides links lists every one")
    for persona, why in report.withheld:
        click.echo(f"  not published: {persona.id} ({WITHHELD[why](persona)})")
    if report.earlier_years:
        click.echo("Earlier years kept at " + ", ".join(f"/{kept}/" for kept in report.earlier_years))
    if report.left_out:
        click.echo(f"Left out {_plural(len(report.left_out), 'persona')} (fix them and build again):")
        for problem in (p for found in report.left_out.values() for p in found):
            click.echo(f"  {problem}")
    if report.to_confirm:
        click.echo(f"{_plural(len(report.to_confirm), 'fact')} still to confirm: run guides check"
                   + (f" --year {year}" if year else ""))
    if pdf:
        written = pipeline.guide_pdfs(project, report)
        click.echo(f"Printed {len(written)} guides to PDF in {written[0].parent if written else '-'}")


LINKS_LISTED = 50  # a client book of thousands: `guides links` lists them all, with the full links
WITHHELD = {"revoked": lambda persona: "revoked",
            "expired": lambda persona: f"share_until {persona.share_until} has passed"}


def _private_personas(project: Project):
    from . import build as pipeline
    try:
        return pipeline.load_and_validate(project)[0].personas
    except ProblemsFound as found:
        _report(found.problems)


def _today() -> dt.date:
    """The build date (SOURCE_DATE_EPOCH when set): what decides whether a shared link has expired."""
    from . import build as pipeline
    try:
        return pipeline.build_date()
    except BuildFailed as failed:
        raise click.ClickException(str(failed)) from None


def _secret(project: Project) -> bytes:
    """The link secret the links are made with; none yet means no private link was ever built."""
    try:
        found = secret.load_secret(project.root)
    except BuildFailed as failed:
        raise click.ClickException(str(failed)) from None
    if found is None:
        raise click.ClickException(f"no link secret yet ({secret.FILE} or {secret.ENV}): "
                                   "run `guides build` first, which makes one")
    return found


@main.command()
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the published links as CSV for a mail merge (no passphrases); - for standard output.")
def links(csv_path: Path | None) -> None:
    """List every private guide's id, name and full link (from site_url), with its passphrase if protected."""
    from . import client_links
    project = _project()
    listed = client_links.client_links(project, _private_personas(project), _secret(project), _today())
    if csv_path is not None and str(csv_path) == "-":
        click.echo(client_links.links_csv(listed), nl=False)
        return
    if not client_links.site_url(project):
        click.echo("note: mkdocs.yml has no site_url, so the links are relative to where the site is published",
                   err=True)
    width = max((len(link.id) for link in listed), default=0)
    for link in listed:
        if link.url:
            until = f"  (until {link.share_until})" if link.share_until else ""
            click.echo(f"{link.id:<{width}}  {link.name}  {link.url}{until}")
            if link.passphrase:  # printed here only, never in a build log or the CSV
                click.echo(f"{'':<{width}}  passphrase, to send separately: {link.passphrase}")
        else:
            click.echo(f"{link.id:<{width}}  {link.name}  not published: {WITHHELD[link.status](link)}")
    if csv_path is not None:
        try:
            csv_path.write_text(client_links.links_csv(listed), encoding="utf-8")
        except OSError as error:  # a write error names no file: name it
            raise click.ClickException(cause(OSError(error.errno, error.strerror, str(csv_path)))) from None
        click.echo(f"Wrote {sum(1 for link in listed if link.url)} links to {csv_path}")


@main.command("rotate-secret")
def rotate_secret() -> None:
    """Replace the link secret: every private link (and passphrase) changes; prints old -> new."""
    from . import client_links
    project = _project()
    if os.environ.get(secret.ENV):
        raise click.ClickException(f"the link secret comes from {secret.ENV}: set a new value there "
                                   "(run `guides links` before and after to see the old and new links)")
    personas = _private_personas(project)
    for old, new in client_links.rotate_secret(project, personas, _secret(project), _today()):
        click.echo(f"{old.id}  {old.name}\n  {old.url} -> {new.url}")
        if new.passphrase:
            click.echo(f"  new passphrase, to send separately: {new.passphrase}")
    click.echo("The new secret is in .guides-secret. Run `guides build` and publish the site: the old links "
               "stop working then; send each client the new one.")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="Check every persona against this tax year's limits.")
def check(files: tuple[Path, ...], year: int | None) -> None:
    """Validate the profiles only (or only the persona FILES, with every plan): print every problem, write nothing."""
    project = _project()
    if files:  # only these personas are read, so checking one is as quick with 10,000 beside it
        found = [load_profiles(f.resolve().parent.parent, project.root, year, only=f.resolve()) for f in files]
        profiles = found[0]
        for more in found[1:]:
            profiles.personas += more.personas
            profiles.problems += more.problems
            profiles.to_confirm += more.to_confirm
            profiles.persona_files.update(more.persona_files)
    else:
        profiles = load_profiles(project.profiles_for(year), project.root, year)
    confirm = profiles.to_confirm
    for fact in confirm:
        click.echo(str(fact))
    problems = all_problems(profiles, project)
    if problems:
        _report(problems, _personas_to_fix(problems))
        return
    for warning in unfinished_warnings(profiles):
        click.echo(warning, err=True)
    results = [compute(persona, profiles.plans) for persona in profiles.personas]
    _warn(profile_notes(project, profiles, results))
    click.echo(f"OK: {len(profiles.personas)} personas, {len(profiles.plans)} plans"
               + (f"; {_plural(len(confirm), 'fact')} to confirm (above)." if confirm else "."))


@main.command("new-year")
@click.argument("year", type=int)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def new_year_command(year: int, force: bool) -> None:
    """Start YEAR: a blank limits file and next-year copies of the personas, with what to confirm."""
    project = _project()
    try:
        made = new_year(project.root, year, force=force)
    except (ProblemsFound, MissingLimits) as found:
        _report(getattr(found, "problems", None) or [Problem(limits_file(year - 1), 1, "", str(found))])
        return
    for shown in made.written:
        click.echo(f"wrote {shown}")
    click.echo(f"\nTo confirm in each persona (listed under review: in its file; guides check --year {year} lists them):")
    for persona, review in made.to_confirm.items():
        click.echo(f"  {persona}:" + ("" if review else " nothing"))
        for key, what in review.items():
            click.echo(f"    {key}: {what}")
    click.echo(f"\nNext: enter the {year} figures in {limits_file(year)}, then guides check --year {year}.")


@main.command()
@click.option("--year", type=int, help="The new tax year (default: each persona's own).")
def changes(year: int | None) -> None:
    """For the maintainer: whose elections and amounts change from last year, most dollars at stake first."""
    from . import build as pipeline
    project = _project()
    try:
        profiles, left_out = pipeline.load_and_validate(project, year, keep_going=True)
    except ProblemsFound as found:
        _report(found.problems)
        return
    found = changes_report(profiles.personas, profiles.plans)
    click.echo("What changes for whom (each profile against the same profile under last year's limits), "
               "most dollars at stake first:")
    for who in found:
        if not who.changes:
            continue
        mark = "elections change" if who.elections_change else "amounts change"
        click.echo(f"\n{who.persona.name} ({who.persona.id}), {who.persona.tax_year}: {mark}, "
                   f"{money(who.stake)} at stake")
        for change in who.changes:
            click.echo(f"  {change.name}: {_value(change, change.before)} -> {_value(change, change.after)}")
    unchanged = sorted(who.persona.id for who in found if not who.changes)
    if unchanged:
        click.echo(f"\nNothing changes for: {', '.join(unchanged)}")
    if left_out:
        click.echo(f"Left out, fix first (guides check{f' --year {year}' if year else ''}): "
                   + ", ".join(sorted(Path(path).stem for path in left_out)))


def _value(change, value) -> str:
    return amount(value, change.unit)


def _exists(path: Path) -> bool:
    """Whether `path` exists (a name too long to be a file, or otherwise unusable, does not)."""
    try:
        return path.exists()
    except OSError:
        return False


@main.command()
@click.argument("persona")
@click.option("--year", type=int, help="Compute for this tax year instead of the persona's.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def calc(persona: str, year: int | None, as_json: bool) -> None:
    """Print every figure for PERSONA (an id, or a path to a persona file) with its working."""
    path = Path(persona)
    if path.suffix in (".yaml", ".yml") or _exists(path):
        found, plans, problems = load_persona_file(path, year)
    else:
        project = _project()
        own_file = project.profiles_for(year) / "personas" / f"{persona}.yaml"
        profiles = None
        if _exists(own_file):  # the usual case: read that file and the plans, not every persona
            profiles = load_profiles(project.profiles_for(year), project.root, year, only=own_file)
        if profiles is None or not any(p.id == persona for p in profiles.personas) and not profiles.problems:
            profiles = load_profiles(project.profiles_for(year), project.root, year)
        found = next((p for p in profiles.personas if p.id == persona), None)
        problems = profiles.problems_of(profiles.persona_files.get(persona, f"profiles/personas/{persona}.yaml"))
        plans = profiles.plans
        if found is None and not problems:
            shown = persona if len(persona) <= 80 else persona[:80] + "..."
            raise click.ClickException(f"no persona with id {shown!r} in profiles/personas/")
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
            click.echo(f"  {step.op or ' ':>3} {step.label:<70} {amount(step.amount, step.unit):>14}  {step.source}")
