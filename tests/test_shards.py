"""Sharded builds: a rebuild that reuses cached shards publishes the very bytes a build from scratch
does, a private guide shows nowhere but on its own page, and the site built through the shard hook
reads as the Markdown on disk built by plain MkDocs."""
from __future__ import annotations

import datetime as dt
import errno
import html
import json
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Callable

import markdown
import pytest
from click.testing import CliRunner
from mkdocs.commands import build as mkdocs_build

from conftest import REPO, copy_project
from generator import build as pipeline
from generator import shards
from generator.cli import main
from generator.errors import ProblemsFound
from generator.plain_text import PlainText
from generator.privacy import PrivatePage, _finder
from generator.formatting import money
from generator.site_hook import SKIPPED, PageCache, ShardPages, ThemeLoader, headings_only, may_list

TODAY = dt.date(2026, 3, 2)
SECRET = "0c9b7e4d2a6f18e35b7d9c1a4e2f6b08" * 2
KEPT = {"linda", "maya", "priya", "client-hoang"}  # public (one with charts) and private
CLIENT = """name: Quentin Xylander
tax_year: 2026
birth_date: 1971-09-14
plan: acme-401k
pay:
  salary: 173219
  prior_year_fica_wages: 168000
tax:
  marginal_rate_now: 24
  marginal_rate_retirement: 22
audience: private
"""


@pytest.fixture
def small(tmp_path, monkeypatch, limits_dir):
    """The example project cut to four personas plus a private client, two guides to a shard."""
    project = copy_project(tmp_path / "project")
    for path in (project.profiles_dir / "personas").glob("*.yaml"):
        if path.stem not in KEPT:
            path.unlink()
    (project.profiles_dir / "personas" / "client-qx.yaml").write_text(CLIENT)
    monkeypatch.setenv("GUIDES_LINK_SECRET", SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", pipeline.epoch_of(TODAY))  # MkDocs dates the sitemap with it
    monkeypatch.setattr(shards, "SHARD_SIZE", 2)
    return project


def site_bytes(project) -> dict[str, bytes]:
    site = (project.root / "site").resolve()
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def docs_bytes(project) -> dict[str, bytes]:
    """build/docs, with the empty folders it holds (a rebuild that swaps shards must leave none behind)."""
    docs = project.docs_dir
    return {p.relative_to(docs).as_posix(): p.read_bytes() if p.is_file() else b"(folder)"
            for p in sorted(docs.rglob("*")) if p.is_file() or not any(p.iterdir())}


def cached_keys(project) -> set[str]:
    """The shards in the cache (beside them: each guide's files, pages, compiled templates, checks)."""
    return {p.name for p in (project.root / shards.CACHE).iterdir() if (p / shards.RESULT).is_file()}


def cached(project, part: str) -> set[str]:
    folder = project.root / shards.CACHE / part
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def from_scratch(project) -> tuple[dict[str, bytes], dict[str, bytes]]:
    shutil.rmtree(project.root / shards.CACHE)
    pipeline.build(project, today=TODAY)
    return site_bytes(project), docs_bytes(project)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


CHANGES = {  # what changes, and how many guide shards (of three) must be built again
    "one persona": (lambda p, limits: edit(p.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia"), 1),
    "one plan": (lambda p, limits: edit(p.profiles_dir / "plans" / "acme-401k.yaml", "Acme", "Acme Holdings"), 3),
    "one limits value": (lambda p, limits: edit(limits / "2026.yaml", "ira_limit: 7500", "ira_limit: 8000"), 3),
    "one template": (lambda p, limits: edit(p.templates_dir / "sections" / "sources.md.j2", "lists them all",
                                            "lists every one of them"), 3),
    "mkdocs.yml": (lambda p, limits: edit(p.mkdocs_yml, "site_name: Retirement-savings guides",
                                          "site_name: Savings guides"), 3),
    # Aaron sorts first: every guide moves a place ([aaron, linda], [maya, priya], [client-hoang, client-qx]),
    # so a page leaves one shard for another; then without Linda ([aaron, maya], [priya, client-hoang], [client-qx]).
    "a persona added": (lambda p, limits: (p.profiles_dir / "personas" / "aaron.yaml").write_text(
        (p.profiles_dir / "personas" / "linda.yaml").read_text().replace("name: Linda", "name: Aaron")), 3),
    "a persona removed": (lambda p, limits: (p.profiles_dir / "personas" / "linda.yaml").unlink(), 3),
}


def test_a_rebuild_after_each_change_equals_a_build_from_scratch_byte_for_byte(small, limits_dir):
    """One change after another (each build from scratch is the next change's cache): the rebuild
    reuses every shard the change did not touch, and publishes what a build without cache does."""
    pipeline.build(small, today=TODAY)
    for change, (apply, rebuilt) in CHANGES.items():
        before = cached_keys(small)
        apply(small, limits_dir)
        pipeline.build(small, today=TODAY)
        incremental = site_bytes(small), docs_bytes(small)
        new = cached_keys(small) - before
        assert len(new) == rebuilt + 1, (change, new)  # the changed guide shards and the site shard only
        assert incremental == from_scratch(small), change


def linked_shards(monkeypatch) -> list[str]:
    """The names of the shards whose site files a build links into its new version, as it links them."""
    linked, link_into = [], shards.link_into

    def recorded(results, context, part, target):
        linked.extend(result.name for result in results if part == "site")
        return link_into(results, context, part, target)
    monkeypatch.setattr(shards, "link_into", recorded)
    return linked


def test_a_rebuild_begins_with_the_last_published_shards_and_links_in_only_the_shards_that_changed(small, monkeypatch):
    """A new version starts as links to the last published shards' files: a rebuild after one client
    changed takes that client's shard out of it and links its new files in, nothing else (the
    site-wide pages do not list a private guide, so the site shard is the same)."""
    pipeline.build(small, today=TODAY)
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    linked = linked_shards(monkeypatch)
    pipeline.build(small, today=TODAY)
    assert linked == ["guides-0002"]
    incremental = site_bytes(small)
    assert any(b"$180,000" in text for text in incremental.values())
    assert incremental == from_scratch(small)[0]


def _no_record(project, bin_dir):
    (project.root / shards.CACHE / shards.PUBLISHED).unlink()


def _record_damaged(project, bin_dir):
    (project.root / shards.CACHE / shards.PUBLISHED).write_text('["guides-0000"]')


def _old_shard_gone_from_the_cache(project, bin_dir):
    record = json.loads((project.root / shards.CACHE / shards.PUBLISHED).read_text())
    shutil.rmtree(project.root / shards.CACHE / record["guides-0002"])


def _cp_fails(project, bin_dir):
    (bin_dir / "cp").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "cp").chmod(0o755)


@pytest.mark.parametrize("spoil", [_no_record, _record_damaged, _old_shard_gone_from_the_cache, _cp_fails],
                         ids=lambda spoil: spoil.__name__.strip("_").replace("_", "-"))
def test_a_rebuild_that_cannot_begin_with_the_last_published_shards_links_every_shard(small, monkeypatch, tmp_path, spoil):
    pipeline.build(small, today=TODAY)
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    spoil(small, bin_dir)
    linked = linked_shards(monkeypatch)
    pipeline.build(small, today=TODAY)
    assert sorted(linked) == ["guides-0000", "guides-0001", "guides-0002", "site"]
    incremental = site_bytes(small)
    monkeypatch.setenv("PATH", os.environ["PATH"].split(os.pathsep, 1)[1])
    assert incremental == from_scratch(small)[0]


def test_a_later_rebuild_brings_the_version_before_up_to_date_whatever_was_done_to_it(small, monkeypatch):
    """From the second rebuild on, the version published before the last one is read by no one: the
    build takes that folder as its new version and brings it up to date, instead of removing it and
    making a new one. It holds what that older build published, and whatever was done to it by hand
    since: all of it is undone, and the site equals a build from scratch."""
    pipeline.build(small, today=TODAY)
    older = (small.root / "site").resolve()
    folder = older.stat().st_ino
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY)
    second = (small.root / "site").resolve()
    assert second != older and older.is_dir()  # kept for readers still on it
    (older / "guides" / "linda" / "index.html").unlink()  # a page removed
    (older / "notes.txt").write_text("added by hand")  # a file added
    page = older / "guides" / "maya" / "index.html"
    text = page.read_bytes()
    page.unlink()
    page.write_bytes(text.replace(b"Maya", b"Mia"))  # a page written anew: the same name, another file
    shutil.rmtree(older / "guides" / "priya")
    (older / "guides" / "priya").write_text("a file where a guide's folder was")
    (older / "assets" / "by-hand").mkdir()  # a folder added
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "180000", "190000")
    linked = linked_shards(monkeypatch)
    pipeline.build(small, today=TODAY)
    published = (small.root / "site").resolve()
    assert published.stat().st_ino == folder and not older.exists()  # the same folder, renamed
    assert linked == ["guides-0002"]
    assert {p for p in published.parent.iterdir() if p.is_dir()} == {published, second}  # and no other made
    incremental = site_bytes(small)
    assert any(b"$190,000" in text for text in incremental.values())
    assert incremental == from_scratch(small)[0]


@pytest.mark.parametrize("removable", [True, False], ids=["removed", "left-to-a-later-build"])
def test_an_old_version_that_cannot_be_brought_up_to_date_gives_way_to_a_new_one(small, monkeypatch, removable):
    """Say a file in the old version cannot be removed: the build removes that version (or, when it
    cannot, leaves it to a later build's sweep), makes a new one and links every shard into it."""
    pipeline.build(small, today=TODAY)
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY)
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "180000", "190000")
    before = (small.root / "site").resolve()
    with monkeypatch.context() as patched:
        patched.setattr(shards, "bring_up_to_date", lambda sources, version: sys.exit(1))  # in its forked process
        if not removable:
            def refused(folder):
                raise PermissionError(errno.EPERM, "Operation not permitted", str(folder))
            patched.setattr(shards.publish, "discard", lambda version: None)  # (it ignores what it cannot remove)
            patched.setattr(shards.publish, "remove_tree", refused)
        linked = linked_shards(patched)
        pipeline.build(small, today=TODAY)
    published = (small.root / "site").resolve()
    assert sorted(linked) == ["guides-0000", "guides-0001", "guides-0002", "site"]
    left = {p for p in published.parent.iterdir() if p.is_dir()} - {published, before}
    assert len(left) == (0 if removable else 1)  # the old version, renamed as this build's, where it stayed
    assert site_bytes(small) == from_scratch(small)[0]


def test_an_interrupt_while_an_old_version_is_brought_up_to_date_is_left_to_the_build(tmp_path, monkeypatch, capfd):
    """Ctrl-C reaches the whole process group: the process bringing the old version up to date
    finishes its work and says nothing (no traceback of its own); the build handles the interrupt."""
    source, version = tmp_path / "shard", tmp_path / "version"
    (source / "guides").mkdir(parents=True)
    (source / "guides" / "a.html").write_text("a")
    version.mkdir()
    entries = shards._entries

    def interrupted(root):
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C, while it works
        return entries(root)
    monkeypatch.setattr(shards, "_entries", interrupted)
    process = multiprocessing.get_context("fork").Process(target=shards.bring_up_to_date, args=([source], version))
    process.start()
    process.join()
    assert process.exitcode == 0 and (version / "guides" / "a.html").read_text() == "a"
    assert capfd.readouterr().err == ""


def test_a_shard_process_killed_fails_the_build_in_one_line_and_the_site_stays(small, monkeypatch):
    """The system may kill a worker (out of memory, `kill -9`): the build says so in one line, and
    the published site is as it was."""
    pipeline.build(small, today=TODAY)
    before = site_bytes(small)
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia")  # two shards to build
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    main_process = os.getpid()
    monkeypatch.setattr(shards, "_build_guide_shard", lambda context, shard: os.getpid() != main_process
                        and os.kill(os.getpid(), signal.SIGKILL))  # in a worker (forked with this patch)
    with pytest.raises(pipeline.BuildFailed, match="^a process building the shards stopped without finishing "
                       r"\(killed, or out of memory\?\); the published site was not changed$"):
        pipeline.build(small, today=TODAY, jobs=2)
    assert site_bytes(small) == before


def test_what_a_person_did_to_the_published_folder_is_not_carried_into_the_next_version(small):
    """A rebuild begins with the files the build made (the cache), not with the published folder:
    a file removed from it or added to it by hand does not change what the next build publishes."""
    pipeline.build(small, today=TODAY)
    published = (small.root / "site").resolve()
    (published / "guides" / "linda" / "index.html").unlink()  # an unchanged shard's page
    (published / "notes.txt").write_text("added by hand")
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY)
    incremental = site_bytes(small)
    assert "guides/linda/index.html" in incremental and "notes.txt" not in incremental
    assert incremental == from_scratch(small)[0]


def test_build_docs_swaps_only_the_changed_shards_and_equals_a_whole_one(small):
    """build/docs after one persona changed: the folder stays (only the shard of that persona and the
    site shard are swapped in it), and it equals the folder a build without cache writes."""
    pipeline.build(small, today=TODAY)
    folder = small.docs_dir.stat().st_ino
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY)
    assert small.docs_dir.stat().st_ino == folder  # swapped in place, not linked whole and renamed
    incremental = docs_bytes(small)
    assert any(b"$180,000" in text for name, text in incremental.items() if name.endswith(".md"))
    record = small.root / "build" / shards.DOCS_RECORD
    for damaged in (None, '["guides-0000"]', '{"guides-0000": "../../profiles"}'):  # none, or none usable
        folder = small.docs_dir.stat().st_ino
        if damaged is None:
            record.unlink()
        else:
            record.write_text(damaged)
        pipeline.build(small, today=TODAY)
        assert small.docs_dir.stat().st_ino != folder, damaged  # linked whole and renamed into place
        assert docs_bytes(small) == incremental, damaged
    assert (small.profiles_dir / "personas" / "maya.yaml").is_file()
    assert incremental == from_scratch(small)[1]


def test_build_docs_replaced_by_a_link_is_never_written_through(small, tmp_path):
    pipeline.build(small, today=TODAY)
    mine = tmp_path / "my-notes"
    shutil.copytree(small.docs_dir, mine)  # the same files, so an in-place swap would write into them
    (mine / "keep.md").write_text("mine")
    shutil.rmtree(small.docs_dir)
    small.docs_dir.symlink_to(mine)
    before = {p.relative_to(mine): p.read_bytes() for p in mine.rglob("*") if p.is_file()}
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY)
    assert {p.relative_to(mine): p.read_bytes() for p in mine.rglob("*") if p.is_file()} == before
    assert small.docs_dir.is_dir() and not small.docs_dir.is_symlink()


def test_an_unchanged_rebuild_builds_nothing_and_publishes_the_same_bytes(small):
    pipeline.build(small, today=TODAY)
    first, keys = site_bytes(small), cached_keys(small)
    assert len(keys) == 4  # five guides, two to a shard, and the site shard
    pipeline.build(small, today=TODAY)
    assert site_bytes(small) == first and cached_keys(small) == keys


def test_shards_built_apart_and_published_equal_one_build(small, monkeypatch):
    monkeypatch.chdir(small.root)
    pipeline.build(small, today=TODAY)
    whole = site_bytes(small)
    shutil.rmtree(small.root / shards.CACHE)
    published = os.readlink(small.root / "site")
    for part in ("1/2", "2/2"):  # the CLI's build date is SOURCE_DATE_EPOCH's, TODAY
        result = CliRunner().invoke(main, ["build", "--shard", part], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert os.readlink(small.root / "site") == published, "a shard publishes nothing"
    assert len(cached_keys(small)) == 3
    result = CliRunner().invoke(main, ["publish"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert site_bytes(small) == whole


def test_publish_refuses_while_a_shard_is_missing(small, monkeypatch):
    monkeypatch.chdir(small.root)
    pipeline.build(small)
    published = site_bytes(small)
    shutil.rmtree(next(small.root / shards.CACHE / key for key in sorted(cached_keys(small))
                       if pickle.loads((small.root / shards.CACHE / key / shards.RESULT).read_bytes()).name != shards.SITE))
    result = CliRunner().invoke(main, ["publish"])
    assert result.exit_code == 1 and "1 of 3 shards are not built yet" in result.output
    assert site_bytes(small) == published


def test_a_private_guide_shows_nowhere_but_on_its_own_page(small):
    report = pipeline.build(small, today=TODAY)
    client = next(g for g in report.guides if g.persona.id == "client-qx")
    token = Path(client.path).stem
    figures = client.results.figures
    amounts = [money(figures[name].value) for name in ("employer_match", "modified_agi")]  # worked out for them
    secrets = ["Quentin", "Xylander", token, "173,219", "173219", *amounts, *(a.removeprefix("$") for a in amounts)]
    own_page = (small.root / "site" / "c" / token / "index.html").read_text()
    assert "Quentin Xylander" in own_page and "173,219" in own_page and all(a in own_page for a in amounts)
    outputs = [small.root / "site", *(p for p in (small.root / shards.CACHE).iterdir())]
    checked = 0
    for folder in outputs:
        for path in folder.resolve().rglob("*"):
            relative = path.relative_to(folder.resolve()).as_posix()
            if not path.is_file() or relative.startswith(("c/" + token, "docs/c/" + token, "site/c/" + token)):
                continue
            text = readable(path)
            if text is None:  # the client's own guide files or page, kept for the next build
                continue
            found = [s for s in secrets if re.search(rf"(?<![\w,.]){re.escape(s)}(?!\w|[,.]\d)", text)]
            assert not found, (path, found)
            checked += 1
    assert checked > 100
    kept = {path.parent.name for path in (small.root / shards.CACHE).glob("*/*.pickle")}
    assert {shards.GUIDES, shards.PAGES, shards.NEEDLES} <= kept  # read above, unpacked
    index = (small.root / "site" / "search" / "search_index.json").read_text()
    assert "/c/" not in index and '"c/' not in index


def readable(path: Path) -> str | None:
    """A file's text; a kept guide or page unpacked, or None when it is the private client's own."""
    kept_part = path.parent.name in (shards.GUIDES, shards.PAGES, shards.NEEDLES)
    if not kept_part or path.parent.parent.name != shards.CACHE.name:
        return path.read_text(errors="replace")
    kept = pickle.loads(zlib.decompress(path.read_bytes()))
    if path.parent.name == shards.NEEDLES:  # the private strings a shard was checked for, hashed
        return repr(sorted(kept))
    source = kept.path if path.parent.name == shards.GUIDES else kept.source
    return None if source.startswith("c/") else repr(kept)


def calls_recorded(monkeypatch, log: Path) -> Callable[[], list[tuple[str, ...]]]:
    """Record, across processes (a build's workers are forked with these patches), each guide worked
    out, each page converted, each guide page the theme drew, and each site shard built."""
    def note(*what: str) -> None:
        with log.open("a") as out:
            out.write("\t".join(("main" if os.getpid() == main else "worker", *what)) + "\n")

    main = os.getpid()
    monkeypatch.setattr(pipeline, "plan_guide", lambda persona, *rest: note("worked out", persona.id)
                        or plan_guide(persona, *rest))
    monkeypatch.setattr(PageCache, "put", lambda self, source, *rest: note("converted", source)
                        or put(self, source, *rest))
    # a guide page, not the site shard's stand-in for it (a title only: the guides index links to it)
    monkeypatch.setattr(mkdocs_build, "_build_page", lambda page, *rest, **named: (
        page.file.src_uri.startswith(("guides/", "c/")) and page.file.src_uri != "guides/index.md"
        and page.markdown.strip() != "# Guide" and note("drawn", page.file.src_uri)) or build_page(page, *rest, **named))
    monkeypatch.setattr(shards, "_build_site_shard", lambda *arguments: note("site shard built")
                        or build_site(*arguments))
    return lambda: sorted(tuple(line.split("\t")) for line in log.read_text().splitlines()) if log.exists() else []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_after_one_persona_changed_works_out_and_converts_that_guide_only(small, monkeypatch, tmp_path, jobs):
    """Maya is public: the guides index lists her, so the site shard is built again too. With a
    second process, it is built there, beside her shard, from her guide worked out here."""
    pipeline.build(small, today=TODAY)
    guides, pages = cached(small, shards.GUIDES), cached(small, shards.PAGES)
    assert len(guides) == 5 and len(pages) == 5  # five guides, none protected: each kept, and its page
    calls = calls_recorded(monkeypatch, tmp_path / "calls")
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia")
    pipeline.build(small, today=TODAY, jobs=jobs)  # one guide shard to build again (two guides)
    # the theme draws Maya's page, not the other guide of her shard
    shard = "main" if jobs == 1 else "worker"
    assert calls() == sorted([("main", "worked out", "maya"), (shard, "converted", "guides/maya.md"),
                              (shard, "drawn", "guides/maya.md"), (shard, "site shard built")])
    assert len(cached(small, shards.GUIDES) - guides) == 1 and len(guides - cached(small, shards.GUIDES)) == 1
    assert len(cached(small, shards.PAGES) - pages) == 1 and len(pages - cached(small, shards.PAGES)) == 1


def test_a_rebuild_after_one_private_persona_changed_works_in_the_build_process_alone(small, monkeypatch, tmp_path):
    """A private guide is in no listing: with one shard to build and the site shard as it was, the
    build forks no process, whatever the number it may use (a one-persona rebuild of a book of
    10,000 clients has no time for it)."""
    pipeline.build(small, today=TODAY)
    calls = calls_recorded(monkeypatch, tmp_path / "calls")
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "173219", "180000")
    pipeline.build(small, today=TODAY, jobs=2)
    assert ("main", "worked out", "client-qx") in calls() and {process for process, *_ in calls()} == {"main"}


def test_a_site_shard_built_beside_the_guides_from_a_listing_that_proved_wrong_is_built_again(
        small, monkeypatch, tmp_path):
    """The site shard built early lists what the guides were expected to give. Were that ever not what
    they gave, it is built again after them: the site published is the one a build from scratch makes."""
    pipeline.build(small, today=TODAY)
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia")
    expected = from_scratch(small)[0]
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maia", "name: Maya")
    pipeline.build(small, today=TODAY)  # the cache as it was before the change (Maia's shards pruned)
    listing_ahead = shards._listing_ahead
    monkeypatch.setattr(shards, "_listing_ahead", lambda *arguments: (  # Maia left out of the guides index
        lambda rows, summaries: (tuple(r for r in rows if r["name"] != "Maia"), summaries))(*listing_ahead(*arguments)))
    calls = calls_recorded(monkeypatch, tmp_path / "calls")
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia")
    pipeline.build(small, today=TODAY, jobs=2)
    assert [call for call in calls() if call[1] == "site shard built"] == [("main", "site shard built"),
                                                                          ("worker", "site shard built")]
    assert site_bytes(small) == expected


def test_the_site_shard_starts_once_the_public_guides_are_built_not_after_every_private_one(small, monkeypatch,
                                                                                              tmp_path):
    """The public guides' shards come first: once they are done, the site shard (which lists them)
    is built beside the private guides' shards, instead of after all of them on one core."""
    for n in range(5):  # five more private clients: shards 2 to 4 hold private guides only
        (small.profiles_dir / "personas" / f"client-q{n}.yaml").write_text(CLIENT.replace("Quentin", f"Quentin{n}"))
    log = tmp_path / "starts"
    build_guide_shard = shards._build_guide_shard

    def started(name: str) -> None:
        with log.open("a") as out:
            out.write(name + "\n")

    monkeypatch.setattr(shards, "_build_guide_shard", lambda context, shard: started(shard.name)
                        or build_guide_shard(context, shard))
    monkeypatch.setattr(shards, "_build_site_shard", lambda *arguments: started("site") or build_site(*arguments))
    pipeline.build(small, today=TODAY, jobs=2)
    starts = log.read_text().split()
    # guides-0000: linda and maya; guides-0001: priya and client-hoang; then private guides only
    assert sorted(starts) == ["guides-0000", "guides-0001", "guides-0002", "guides-0003", "guides-0004", "site"]
    assert starts.index("site") < starts.index("guides-0004")


plan_guide, put, build_page = pipeline.plan_guide, PageCache.put, mkdocs_build._build_page
build_site = shards._build_site_shard


def test_a_page_whose_conversion_warned_is_not_kept_so_the_next_build_fails_too(small):
    """A strict build fails on a warning (here a broken link in every guide); the HTML of that
    conversion must not be handed back next time, or the retry would pass without the warning."""
    edit(small.templates_dir / "sections" / "sources.md.j2", "lists them all", "lists them all ([more](nowhere.md))")
    for attempt in range(2):
        with pytest.raises(ProblemsFound, match="nowhere.md") as failed:
            pipeline.build(small, today=TODAY)
        assert cached(small, shards.PAGES) == set(), attempt
        said = failed.value.problems[0].message.removeprefix("MkDocs build failed: ").split("; ")
        assert len(said) == len(set(said)) > 1, said  # each page's warning once


def test_the_theme_is_listed_without_its_hidden_folders_and_gives_the_same_files(tmp_path):
    """The hook's loader leaves out the theme's hidden folders (Material's 14,000 icons), which
    MkDocs never copies: the theme's files a build copies are the same."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    config = load_config(str(REPO / "mkdocs.yml"), docs_dir=str(tmp_path), site_dir=str(tmp_path.parent / "site"))
    env = config.theme.get_env()
    every = env.loader.list_templates()
    assert sum(name.startswith(".icons/") for name in every) > 10_000
    loader = ThemeLoader(env.loader.searchpath, env.loader.encoding, env.loader.followlinks)
    assert loader.list_templates() == [name for name in every if not (name.startswith(".") and "/" in name)]
    copied = []
    for listing in (env.loader, loader):
        env.loader = listing
        files = Files([])
        files.add_files_from_theme(env, config)
        copied.append(sorted(file.src_uri for file in files))
    assert copied[0] == copied[1] and any(name.startswith("assets/javascripts/") for name in copied[0])


def test_the_markdown_on_disk_builds_without_the_hook_into_the_same_text(small, tmp_path):
    pipeline.build(small, today=TODAY)
    plain = tmp_path / "plain"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": pipeline.epoch_of(TODAY)}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(small.mkdocs_yml),
                    "-d", str(plain)], cwd=small.root, env=environment, check=True)
    ours = (small.root / "site").resolve()
    pages = sorted(p.relative_to(plain).as_posix() for p in plain.rglob("*.html"))
    assert "guides/linda/index.html" in pages and len(pages) > 10
    for page in pages:
        assert visible_text(ours / page) == visible_text(plain / page), page


def visible_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", path.read_text(), flags=re.S)
    return " ".join(html.unescape(text).split())


def test_a_placeholder_keeps_a_pages_headings_only():
    page = "---\ntitle: T\n---\n# Title\n\nText with a [link](other.md).\n\n## Part { #part }\n\n```\n# not a heading\n```\n"
    assert headings_only(page) == "# Title\n\n## Part { #part }\n"


def test_the_hook_takes_placeholders_and_public_guides_out_of_search():
    hook = ShardPages(placeholders={"glossary.md"}, summarised={"guides/linda.md"})

    class Page:
        def __init__(self, path):
            self.file, self.meta = type("File", (), {"src_uri": path})(), {}

    for path, text, searchable in [("glossary.md", "# G\n\nWords", False), ("guides/linda.md", "# L\n\nBody", False),
                                   ("c/abc.md", "# C\n\nBody", True)]:
        page = Page(path)
        shown = hook.on_page_markdown(text, page, None, None)
        assert ("search" not in page.meta) == searchable, path
        assert shown == ("# G\n" if path == "glossary.md" else text)
        assert page.meta.get("template") == (SKIPPED if path == "glossary.md" else None), path  # not drawn


def test_a_placeholder_is_converted_for_its_title_and_anchors_but_never_drawn_or_written(tmp_path):
    """A shard throws a placeholder's page away: the theme does not draw it and no file is written.
    A link to its anchor still checks out, the navigation shows its title, and the sitemap lists it."""
    project = copy_project(tmp_path / "project")
    project.mkdocs_yml.write_text("site_name: Guides\nsite_url: https://example.org/\ntheme:\n  name: material\n"
                                  "plugins:\n  - search\nnav:\n  - index.md\n  - methodology.md\nvalidation:\n  anchors: warn\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the rule](methodology.md#the-rule).\n")
    (docs / "methodology.md").write_text("# How the figures are worked out\n\n## The rule\n\nLong text.\n")
    pipeline.mkdocs_build(project, docs, tmp_path / "site", TODAY, None,
                          ShardPages(placeholders={"methodology.md"}, summarised=set()))
    site = tmp_path / "site"
    assert (site / "index.html").is_file() and not (site / "methodology").exists()
    home = (site / "index.html").read_text()
    assert 'href="methodology/#the-rule"' in home and "How the figures are worked out" in home  # (the navigation)
    assert "/methodology/</loc>" in (site / "sitemap.xml").read_text()
    (docs / "index.md").write_text("# Home\n\nSee [the rule](methodology.md#no-such-rule).\n")
    with pytest.raises(ProblemsFound, match="does not contain an anchor '#no-such-rule'"):
        pipeline.mkdocs_build(project, docs, tmp_path / "site", TODAY, None,
                              ShardPages(placeholders={"methodology.md"}, summarised=set()))


def test_a_summary_has_the_guides_words_once_and_no_figure():
    page = ('---\ntitle: Retirement-savings guide for Ann, 2026\n---\n# Ann: your 2026 guide\n\n'
            '## Capture the match { #match }\n\nYou earn $4,500.\n\n'
            '??? example worked-example "Worked example: the match: $4,500"\n\n'
            '    | op | Step | Amount | Source |\n    |:-:|:--|--:|:--|\n    | | Pay of $90,000 trued up | 90,000 | Plan |\n')
    found = shards.summary(type("Guide", (), {"path": "guides/ann.md"}), page)
    assert found["location"] == "guides/ann/" and found["title"] == "Retirement-savings guide for Ann, 2026"
    assert found["text"] == "Ann your guide Capture the match Worked example Step Pay of trued up"


def test_among_many_guides_the_words_over_a_tenth_share_are_left_to_the_site_wide_pages(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text('{"config": {}, "docs": [{"location": "", "text": "Roth"}]}')
    # of 100 guides: "Roth match" in all, "backdoor" in 10 (a tenth: kept), "rollover" in 11 (left out)
    many = [{"location": f"guides/g{n}/", "title": f"Guide {n}",
             "text": "Roth match" + (" backdoor" if n < 10 else "") + (" rollover" if n < 11 else "")}
            for n in range(shards.COMMON_FROM)]
    shards.add_summaries(tmp_path, tuple(many))
    docs = json.loads((tmp_path / "search" / "search_index.json").read_text())["docs"]
    assert docs[0] == {"location": "", "text": "Roth"}  # the site-wide pages keep every word
    assert [d["text"] for d in docs[1:3]] == ["backdoor", "backdoor"] and docs[-1]["text"] == ""
    assert len(docs) == shards.COMMON_FROM + 1


@pytest.mark.parametrize("text, found", [
    ("Ann Lee paid", ["Ann Lee"]), ("Ann Leeds", []), ("Joann Lee", []), ("x/client-a/ y", ["client-a/"]),
    ("myclient-a/", []), ("client-a.md", ["client-a.md"]), ("at c/" + "ab" * 16 + "/", ["ab" * 16]),
    ("O&#x27;Neil", []), ("Ann &amp; Lee", []),
], ids=["name", "longer-word-after", "longer-word-before", "id-as-path", "id-inside-a-longer-id",
        "id-as-file", "token", "other-name", "other-text"])
def test_the_privacy_finder_matches_whole_names_ids_and_tokens(text, found):
    finder = _finder([PrivatePage("client-a", "ab" * 16, ("Ann Lee",))])
    assert [needle for _, needle in finder.matches(text)] == found


def test_among_thousands_of_private_guides_the_finder_finds_each_name_whole_and_only_it():
    """One automaton holds every client's strings. "Person 12" is not found inside "Person 123", nor
    "Person 1234" in "Person 1234x"; a name touching a tag or a dash is found, and so is a token in
    a longer run of hex digits (its neighbouring 32-digit windows, ...bb7a and ...bb7aa, are no
    client's token: above 3,000)."""
    pages = [PrivatePage(f"client-{n}", f"{n:032x}", (f"Person {n}", f"José Núñez {n}")) for n in range(3000)]
    token = f"{2999:032x}"  # 29 zeros and bb7
    text = f"<p>Person 123</p> Person 1234x, José Núñez 7–8 ff{token}aa"
    assert _finder(pages).matches(text) == [(3, "Person 123"), (32, "José Núñez 7"), (49, token)]


def test_plain_text_changes_no_example_page_by_a_byte(built):
    """plain_text.py only spares Python-Markdown's inline patterns the texts they cannot match."""
    from mkdocs.config import load_config

    config = load_config(str(built.mkdocs_yml))
    pages = sorted((built.root / "build" / "docs").rglob("*.md"))
    assert len(pages) > 30
    for page in pages:
        text = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        plain, fast = (markdown.Markdown(extensions=config["markdown_extensions"] + extra,
                                         extension_configs=config["mdx_configs"]).convert(text)
                       for extra in ([], [PlainText()]))
        assert fast == plain, page


@pytest.mark.parametrize("text", ["A [link](x.md)", "**bold**", "_em_", "`code`", "a <b>c</b>", "&copy; 2026",
                                  "Two spaces  \nbreak", r"\*not em\*", "<https://irs.gov>"])
def test_plain_text_leaves_a_text_with_markdown_to_the_inline_patterns(text):
    """Each text holds one pattern's first character: marked by mistake, it would come out as typed."""
    plain, fast = (markdown.Markdown(extensions=["tables"] + extra).convert(text) for extra in ([], [PlainText()]))
    assert fast == plain


def test_a_client_renamed_to_a_name_on_a_kept_public_page_fails_the_rebuild_as_a_full_build_does(small):
    """The public shard and the site-wide shard are kept from the first build, checked then for the
    private strings of that build. The rebuild must look for the client's new name in them too."""
    pipeline.build(small, today=TODAY)
    site = site_bytes(small)
    edit(small.profiles_dir / "personas" / "client-qx.yaml", "name: Quentin Xylander", "name: Linda")  # a public guide's name
    with pytest.raises(ProblemsFound) as incremental:
        pipeline.build(small, today=TODAY)
    found = sorted(map(str, incremental.value.problems))
    assert any(line.startswith("guides/linda/index.html:") and "its text 'Linda' appears" in line for line in found)
    assert site_bytes(small) == site  # nothing was published
    shutil.rmtree(small.root / shards.CACHE)
    with pytest.raises(ProblemsFound) as full:
        pipeline.build(small, today=TODAY)
    assert found == sorted(map(str, full.value.problems))


def test_a_later_years_limits_file_being_filled_in_builds_nothing_again(small, limits_dir):
    """While next year's file does not validate, no build uses it: saving it again and again must not
    make every shard of this year be built again. Once it validates, the limits pages list it."""
    pipeline.build(small, today=TODAY)
    keys = cached_keys(small)
    later = limits_dir / "2027.yaml"
    filled = (Path(__file__).parent / "fixtures" / "limits-2027.yaml").read_text()
    for ira in ("7500", "7600"):  # a figure typed in, then corrected; the deferral limit still blank
        later.write_text(filled.replace("ira_limit: 7500", f"ira_limit: {ira}")
                         .replace("elective_deferral: 25_500", "elective_deferral:"))
        report = pipeline.build(small, today=TODAY)
        assert cached_keys(small) == keys and report.notices  # built from the cache; the warning says why
    later.write_text(filled)  # every figure in: the site-wide pages list 2027, every page's navigation with them
    pipeline.build(small, today=TODAY)
    assert not keys & cached_keys(small)
    assert 'id="2027"' in (small.root / "site" / "limits" / "index.html").read_text()


def test_no_guide_page_is_kept_when_the_navigation_may_list_guides(small, monkeypatch):
    """A guide page is kept as written only because nothing of its shard shows in it; a navigation
    that may list guides would show the others (the sidebar), so then every page is built each time."""
    assert not may_list([{"Home": "index.md"}, {"Guides": "guides/index.md"}, {"More": ["glossary.md"]}],
                        {"guides/maya.md"})
    assert may_list([{"Home": "index.md"}, {"People": [{"Maya": "guides/maya.md"}]}], {"guides/maya.md"})
    assert may_list(None, {"guides/maya.md"})  # no nav: MkDocs lists every page
    text = small.mkdocs_yml.read_text()  # without its nav: MkDocs makes one of the pages it finds
    small.mkdocs_yml.write_text(text[:text.index("\nnav:\n")] + text[text.index("\nnot_in_nav:"):])
    pipeline.build(small, today=TODAY)
    built = []
    monkeypatch.setattr(PageCache, "put", lambda self, source, *rest: built.append(source))
    edit(small.profiles_dir / "personas" / "maya.yaml", "name: Maya", "name: Maia")
    pipeline.build(small, today=TODAY)
    assert built == [] and cached(small, shards.PAGES) == set()


def test_a_build_removes_what_earlier_versions_kept_in_the_cache(small):
    """build/shards/html/ held each guide's converted HTML (private clients' too) before pages were
    kept whole; the generator no longer reads it, so the next build removes it."""
    pipeline.build(small, today=TODAY)
    old = small.root / shards.CACHE / "html"
    old.mkdir()
    (old / ("0" * 64 + ".pickle")).write_bytes(b"a page converted by an earlier version")
    pipeline.build(small, today=TODAY)
    assert not old.exists()
    assert cached(small, shards.PAGES) and cached(small, shards.GUIDES)  # what this version keeps stays
