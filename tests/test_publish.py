"""Publishing: the published path always names a complete site, whatever stops a build, and a build
replaces only what it made itself."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import publish
from generator.build import build
from generator.cli import main
from generator.errors import ProblemsFound

REPO = Path(__file__).resolve().parent.parent
STEPS = ["version-made", "link-made", "link-switched", "old-removed"]


def run_cli(project, monkeypatch, *args):
    monkeypatch.chdir(project.root)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_build_process(project, **env) -> subprocess.Popen:
    """`guides build` in its own process (so it can be killed), importing this checkout's generator."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=project.root, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_complete_site(link: Path) -> Path:
    """The published path is our link to a whole site: every kind of file a finished build writes."""
    assert link.is_symlink(), link
    site = link.resolve()
    for part in (publish.MARKER, "index.html", "guides/index.html", "guides/maya/index.html", "limits/index.html",
                 "sitemap.xml", "c/index.html", "assets/guides.css"):
        assert (site / part).is_file(), part
    assert json.loads((site / "search" / "search_index.json").read_text())["docs"]
    return site


def assert_complete_version(version: Path) -> bool:
    """A version of the site, whole, as the build made it."""
    assert (version / publish.MARKER).is_file() and (version / "guides" / "maya" / "index.html").is_file(), version
    assert json.loads((version / "search" / "search_index.json").read_text())["docs"]
    return True


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file and link under `folder` (links not followed), for "nothing was touched"."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


def versions(project) -> set[str]:
    """The names in the folder of site versions (its marker file included)."""
    return {p.name for p in (project.root / ".site.builds").iterdir()}


def test_a_build_publishes_a_link_to_a_marked_version_and_keeps_only_the_one_before(warm_project):
    build(warm_project)
    first = assert_complete_site(warm_project.root / "site")
    build(warm_project)
    second = assert_complete_site(warm_project.root / "site")
    assert os.readlink(warm_project.root / "site") == f".site.builds/{second.name}"  # relative: the warm_project can move
    assert first != second and assert_complete_version(first)  # kept until the next build
    assert versions(warm_project) == {publish.MARKER, first.name, second.name}
    build(warm_project)
    third = assert_complete_site(warm_project.root / "site")
    assert not first.exists() and versions(warm_project) == {publish.MARKER, second.name, third.name}
    assert not [p for p in warm_project.root.iterdir() if p.name.startswith((".guides-build-", ".site.link-"))]


def test_a_build_that_takes_a_clients_page_down_keeps_no_version_with_it(warm_project):
    build(warm_project)
    first = assert_complete_site(warm_project.root / "site")
    client = warm_project.profiles_dir / "personas" / "client-hoang.yaml"
    page = next((first / "c").glob("*/index.html"))
    assert "Hoang" in page.read_text()
    client.unlink()
    build(warm_project)
    second = assert_complete_site(warm_project.root / "site")
    assert not first.exists() and versions(warm_project) == {publish.MARKER, second.name}
    assert not list((second / "c").glob("*/index.html"))


def test_a_failed_build_still_removes_the_versions_before_the_published_one(warm_project):
    build(warm_project)
    first = assert_complete_site(warm_project.root / "site")
    build(warm_project)
    second = assert_complete_site(warm_project.root / "site")
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text("name: Maya\ntax_year: 2031\n")
    with pytest.raises(ProblemsFound):
        build(warm_project)
    assert not first.exists() and versions(warm_project) == {publish.MARKER, second.name}


def test_sigkill_at_every_publishing_step_leaves_a_complete_site(warm_project):
    build(warm_project)
    published = {assert_complete_site(warm_project.root / "site")}
    for step in STEPS:
        process = run_build_process(warm_project, GUIDES_FAULT_AT=step)
        process.communicate(timeout=300)
        assert process.returncode == -9, step  # killed at the step, as by `kill -9`
        site = assert_complete_site(warm_project.root / "site")
        # before the switch the old site is still published; from the switch on, the new one
        assert (site in published) == (step in ("version-made", "link-made")), step
        published.add(site)
    # The next build removes what the crashes left and publishes a complete site; it keeps the one before.
    before = assert_complete_site(warm_project.root / "site")
    build(warm_project)
    site = assert_complete_site(warm_project.root / "site")
    assert versions(warm_project) == {publish.MARKER, before.name, site.name}
    assert not [p for p in warm_project.root.iterdir() if p.name.startswith((".guides-build-", ".site.link-"))]


def test_two_builds_at_once_leave_one_complete_site(project):
    first, second = run_build_process(project), run_build_process(project)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    assert any("Another build of this project is running; waiting" in err for _, err in outputs), outputs
    site = assert_complete_site(project.root / "site")
    (before,) = versions(project) - {publish.MARKER, site.name}  # the first build's, kept until the next build
    assert_complete_version(project.root / ".site.builds" / before)


def test_leftovers_of_crashed_builds_are_removed_but_unmarked_folders_kept(warm_project):
    build(warm_project)
    scratch = warm_project.root / ".guides-build-abc123" / "docs" / "c"
    scratch.mkdir(parents=True)
    (scratch / "secret-client.md").write_text("private")
    stale = warm_project.root / ".site.builds" / "20200101T000000Z-dead"
    stale.mkdir()
    (stale / publish.MARKER).write_text(publish.MARKER_TEXT)
    someone_elses = warm_project.root / ".site.builds" / "notes"
    someone_elses.mkdir()
    (someone_elses / "keep.txt").write_text("mine")
    os.symlink("nowhere", warm_project.root / ".site.link-0000")
    (warm_project.root / ".guides-secret.tmp-1234").write_text("a secret never put in place")
    old_swap = warm_project.root / ".site.old"  # what the two-rename swap of older versions left on a crash
    shutil.copytree(warm_project.root / "site", old_swap, ignore=shutil.ignore_patterns(publish.MARKER))
    build(warm_project)
    assert not (warm_project.root / ".guides-build-abc123").exists() and not stale.exists()
    assert not os.path.lexists(warm_project.root / ".site.link-0000")
    assert not (warm_project.root / ".guides-secret.tmp-1234").exists() and not old_swap.exists()
    assert (someone_elses / "keep.txt").read_text() == "mine"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder of someone's own files beside the project."""
    folder = tmp_path / "mine"
    (folder / "photos").mkdir(parents=True)
    (folder / "thesis.txt").write_text("years of work")
    (folder / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    return folder


@pytest.mark.parametrize("out, words", [
    ("{outside}", "is a folder the build did not make (no .guides-site marker) and is not empty"),
    ("{outside}/thesis.txt", "is a file, not a site folder"),
    ("profiles", "is inside profiles/, which holds the profiles"),
    ("profiles/personas", "is inside profiles/, which holds the profiles"),
    ("templates", "is inside templates/, which holds the templates"),
    ("site_content", "is inside site_content/, which holds the hand-written pages"),
    ("build", "is inside build/, which holds the generated Markdown, private pages included"),
    ("build/site", "is inside build/, which holds the generated Markdown, private pages included"),
    (".", "is the project folder or a folder holding it"),
    ("..", "is the project folder or a folder holding it"),
    ("{root}", "is the project folder or a folder holding it"),
    ("/", "is the project folder or a folder holding it"),
    ("{home}", "is your home folder"),
    ("{link}", "is a symlink the build did not make"),
    ("site/inner", "a site the build made and replaces"),
], ids=["someones-folder", "a-file", "profiles", "inside-profiles", "templates", "site-content", "docs-folder",
        "inside-docs-folder", "dot", "dot-dot", "project-root", "filesystem-root", "home", "foreign-symlink",
        "inside-a-built-site"])
def test_out_refuses_what_the_build_did_not_make_and_touches_nothing(warm_project, monkeypatch, tmp_path, outside, out, words):
    home = tmp_path / "home"
    (home / "documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    os.symlink(outside, tmp_path / "link")
    if out == "site/inner":
        build(warm_project)
    out = out.format(outside=outside, root=warm_project.root, home=home, link=tmp_path / "link")
    before = snapshot(tmp_path)
    result = run_cli(warm_project, monkeypatch, "build", "--out", out)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], lines
    assert snapshot(tmp_path) == before


def test_a_site_folder_from_an_older_version_is_refused_with_what_to_do(project, monkeypatch):
    (project.root / "site").mkdir()
    (project.root / "site" / "index.html").write_text("an old build")
    result = run_cli(project, monkeypatch, "build")
    assert result.exit_code == 1
    assert "is a folder the build did not make" in result.output and "delete it once" in result.output
    assert (project.root / "site" / "index.html").read_text() == "an old build"


def test_out_may_name_a_new_or_empty_folder_and_then_replace_its_own_site(warm_project, monkeypatch, tmp_path):
    empty = tmp_path / "www" / "guides"
    empty.mkdir(parents=True)
    for _ in range(2):
        result = run_cli(warm_project, monkeypatch, "build", "--out", str(empty))
        assert result.exit_code == 0, result.output
        assert_complete_site(empty)
    assert not (warm_project.root / "site").exists()


def test_a_failing_build_publishes_nothing(warm_project):
    build(warm_project)
    before = snapshot(warm_project.root / "site")
    link = os.readlink(warm_project.root / "site")
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text("name: Maya\ntax_year: 2031\n")
    with pytest.raises(ProblemsFound):
        build(warm_project)
    assert os.readlink(warm_project.root / "site") == link and snapshot(warm_project.root / "site") == before
    assert sorted(p.name for p in (warm_project.root / ".site.builds").iterdir()) == sorted([publish.MARKER, Path(link).name])


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "the file system is read-only"),
    (errno.EACCES, "permission denied"),
], ids=["disk-full", "read-only", "no-permission"])
def test_a_disk_error_is_one_line_and_the_site_stays(warm_project, monkeypatch, code, words):
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    before = snapshot(warm_project.root / "site")

    def failing_symlink(source, target):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(publish.os, "symlink", failing_symlink)
    result = run_cli(warm_project, monkeypatch, "build")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and words in result.output and "Traceback" not in result.output
    assert result.output.startswith("Error: cannot write ") and "the published site was not changed" in result.output
    assert snapshot(warm_project.root / "site") == before


def test_a_disk_error_while_shards_are_linked_in_leaves_the_site_and_no_version(warm_project, monkeypatch):
    """Shards are linked into the new version on a thread while others are built: its failure is the
    build's, told in one line, and the half-linked version is removed."""
    from generator import shards
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    before, link = snapshot(warm_project.root / "site"), os.readlink(warm_project.root / "site")

    def disk_full(results, context, part, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target / "guides"))

    monkeypatch.setattr(shards, "link_into", disk_full)
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text(
        (warm_project.profiles_dir / "personas" / "maya.yaml").read_text().replace("name: Maya", "name: Mayah"))
    result = run_cli(warm_project, monkeypatch, "build")
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "the disk is full; the published site was not changed" in result.output
    assert os.readlink(warm_project.root / "site") == link and snapshot(warm_project.root / "site") == before
    assert sorted(p.name for p in (warm_project.root / ".site.builds").iterdir()) == sorted([publish.MARKER, Path(link).name])


@pytest.mark.parametrize("part, what", [
    ("old versions", "the earlier site versions were not removed"),
    ("docs", "build/docs/ was not updated"),
    ("cache", "build/shards/ was not pruned"),
])
def test_a_disk_error_after_publishing_is_a_warning_and_the_next_build_finishes(warm_project, monkeypatch, part, what):
    """Once the link names the new site, the build has published: a disk error in what follows must not
    be reported as "the published site was not changed". It is a warning, and the next build does it."""
    from generator import shards
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    first = Path(os.readlink(warm_project.root / "site")).name
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0  # the first version is now an old one
    if part == "old versions":  # and one a crashed build left: the next build takes the newer, removes this one
        first = "20200101T000000Z-0badc0de"
        (warm_project.root / ".site.builds" / first).mkdir()
        (warm_project.root / ".site.builds" / first / publish.MARKER).write_text(publish.MARKER_TEXT)

    def disk_full(*arguments):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "build/x")

    failing = {"old versions": (publish, "remove_tree"), "docs": (shards, "sync_docs"),
               "cache": (shards, "prune")}[part]
    with monkeypatch.context() as patched:
        patched.setattr(*failing, disk_full)
        if part == "old versions":
            patched.setattr(publish, "RM", ("false",))  # rm fails too, so the build removes in Python: disk full
        (warm_project.profiles_dir / "personas" / "maya.yaml").write_text(
            (warm_project.profiles_dir / "personas" / "maya.yaml").read_text().replace("name: Maya", "name: Mayah"))
        result = run_cli(warm_project, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert (f"warning: the site was published, but {what} (cannot write build/x: the disk is full); "
            "the next build does it") in result.stderr.splitlines()
    assert "Mayah" in (assert_complete_site(warm_project.root / "site") / "guides" / "maya" / "index.html").read_text()
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    assert first not in versions(warm_project) and len(versions(warm_project)) == 3  # the next build removed it
    assert "Mayah" in (warm_project.docs_dir / "guides" / "maya.md").read_text()


def test_a_template_error_is_one_line_naming_the_template_and_the_site_stays(warm_project, monkeypatch):
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    before = snapshot(warm_project.root / "site")
    template = warm_project.templates_dir / "guide.md.j2"
    template.write_text(template.read_text() + "\n{{ no_such_value }}\n")
    result = run_cli(warm_project, monkeypatch, "build")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: template error: ") and "guide.md.j2:" in result.output
    assert "'no_such_value' is undefined" in result.output
    assert snapshot(warm_project.root / "site") == before


def test_a_hand_written_page_that_is_a_named_pipe_is_one_line_and_the_site_stays(warm_project, monkeypatch):
    """Copying site_content/ meets a named pipe: shutil's list of failed copies is said in words, once."""
    assert run_cli(warm_project, monkeypatch, "build").exit_code == 0
    before = snapshot(warm_project.root / "site")
    pipe = warm_project.content_dir / "pipe.md"
    os.mkfifo(pipe)
    result = run_cli(warm_project, monkeypatch, "build")
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output == (f"Error: cannot copy: `{pipe}` is a named pipe; the published site was not changed\n")
    assert snapshot(warm_project.root / "site") == before
