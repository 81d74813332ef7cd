"""Private guides stay private: the link secret, front matter written by an emitter, and the
post-build check that fails a build when a private page reaches a shared file."""
from __future__ import annotations

import os
import re
import stat

import pytest
from click.testing import CliRunner

from generator import build as pipeline
from generator import secret
from generator.build import Project, load_and_validate
from generator.cli import main
from generator.errors import BuildFailed, ProblemsFound
from generator.privacy import took_down
from generator.render import front_matter, read_front_matter

from conftest import REPO

GOOD = "5f1c0a7e9b3d42c8a6e0f7b1d9c3e5a2" * 2  # 64 hex digits: 256 bits


def site_files(project) -> dict[str, bytes]:
    site = project.root / "site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_the_private_folder_lists_nothing(built):
    listing = (built.root / "site" / "c" / "index.html").read_text()
    token = next(p.name for p in (built.root / "site" / "c").iterdir() if p.is_dir())
    assert token not in listing and "Hoang" not in listing and 'content="noindex"' in listing


def test_a_private_page_that_reached_the_search_index_fails_the_build(warm_project, monkeypatch):
    """Simulate MkDocs dropping a private page's front matter: the page then lands in search. The
    check after MkDocs must catch it and keep the old site."""
    pipeline.build(warm_project)
    before = site_files(warm_project)
    template = warm_project.templates_dir / "guide.md.j2"
    template.write_text(template.read_text().replace("private=private)", "private=false)"))
    monkeypatch.setattr(pipeline, "check_front_matter", lambda guide, page: None)  # let it through to MkDocs
    with pytest.raises(ProblemsFound) as failed:
        pipeline.build(warm_project)
    messages = [str(p) for p in failed.value.problems]
    assert any(re.fullmatch(r"search/search_index\.json:1: client-hoang: private page c/[0-9a-f]{32}/ is in the "
                            r"search index \(.*\)", m) for m in messages), messages
    assert any(m.startswith("search/search_index.json:") and "its text 'Minh Hoang'" in m for m in messages), messages
    assert site_files(warm_project) == before


def test_a_private_name_on_a_public_page_fails_the_build(warm_project):
    maya = warm_project.profiles_dir / "personas" / "maya.yaml"
    maya.write_text(maya.read_text().replace("name: Maya", "name: Minh Hoang"))
    with pytest.raises(ProblemsFound) as failed:
        pipeline.build(warm_project)
    places = {p.path for p in failed.value.problems}
    assert "guides/index.html" in places and "search/search_index.json" in places
    assert all(p.key == "client-hoang" for p in failed.value.problems)


def test_a_front_matter_that_does_not_read_back_stops_the_build(project):
    template = project.templates_dir / "guide.md.j2"
    template.write_text(template.read_text().replace("{{ front_matter(", "---\ntitle: [\n---\n{{ front_matter("))
    with pytest.raises(BuildFailed, match=r"the front matter of (guides/[\w-]+|c/[0-9a-f]{32})\.md does not read back as written"):
        pipeline.build(project)


@pytest.mark.parametrize("title", ['O\'Brien: "the #1" <b>', "Zoë – 100% & more", "- [x] {a: b}", "yes"],
                         ids=["quotes-colon-hash-html", "unicode", "yaml-syntax", "a-yaml-boolean-word"])
def test_front_matter_reads_back_as_written(title):
    meta = read_front_matter(front_matter(title, "d", private=True) + "\n# Page\n")
    assert meta["search"] == {"exclude": True} and meta["robots"] == "noindex"
    assert meta["title"] == title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----------------------------------------------------------------------------- the link secret

@pytest.mark.parametrize("value, words", [
    ("", "GUIDES_LINK_SECRET is empty"),
    ("   ", "GUIDES_LINK_SECRET is empty"),
    ("s3cret", "GUIDES_LINK_SECRET is too weak (6 characters"),
    ("0123456789abcdef" * 3, "is too weak (48 characters"),  # 48 hex digits: 192 bits
    ("a" * 100, "is too weak (100 characters"),  # long, but one character repeated
], ids=["empty", "blank", "short", "192-bits", "repeated"])
def test_a_weak_secret_in_the_environment_is_refused(project, monkeypatch, value, words):
    monkeypatch.setenv("GUIDES_LINK_SECRET", value)
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert words in result.output and "secrets.token_hex(32)" in result.output
    assert not (project.root / "site").exists()


@pytest.mark.parametrize("content", ["", "\n", "abc\n"], ids=["empty-file", "blank-file", "short-file"])
def test_an_empty_or_short_secret_file_is_refused(project, monkeypatch, content):
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    (project.root / ".guides-secret").write_text(content)
    with pytest.raises(BuildFailed, match=r"^\.guides-secret (is empty|is too weak).*delete the file"):
        pipeline.build(project)


@pytest.mark.parametrize("make, words", [
    (os.mkfifo, "is a named pipe, not a file"),  # reading it would wait for a writer for ever
    (lambda path: path.write_bytes(b"\xff\xfe\x00"), "is not text (UTF-8)"),
    (os.mkdir, "is a folder, not a file"),
], ids=["named-pipe", "not-utf-8", "folder"])
def test_a_secret_file_that_cannot_be_a_secret_is_one_line_for_every_command(warm_project, monkeypatch, make, words):
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    path = warm_project.root / ".guides-secret"
    path.unlink()
    make(path)
    monkeypatch.chdir(warm_project.root)
    for command in ("build", "links"):
        result = CliRunner().invoke(main, [command], catch_exceptions=False)
        assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
        assert result.output.startswith(f"Error: .guides-secret {words}. If no private link was shared yet, "
                                        "delete the file and build again"), result.output
    assert not (warm_project.root / "site").exists()


@pytest.mark.parametrize("value", [GOOD, "Jq3vN0rTg7YbW2kXcL9pZs4Hd8FmA1eUu6iOyR5tBxQ", "correct horse battery staple, "
                                   "then 17 more words of it!"], ids=["hex-64", "base64-43", "long-passphrase"])
def test_strong_secrets_are_accepted(value):
    assert secret.weakness(value) is None


def keep_personas(project, *ids: str) -> None:
    """Cut the example project to these personas (a secret's life does not need seventeen guides)."""
    for path in (project.profiles_dir / "personas").glob("*.yaml"):
        if path.stem not in ids:
            path.unlink()


def test_a_new_secret_is_made_0600_and_announced_only_when_a_guide_is_private(project, monkeypatch):
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    keep_personas(project, "maya", "client-hoang")
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 0
    path = project.root / ".guides-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n", path.read_text())
    assert "Created a new link secret in .guides-secret for 1 private guide" in result.output
    assert "set GUIDES_LINK_SECRET" in result.output
    assert not [p for p in project.root.iterdir() if p.name.startswith(".guides-secret.tmp-")]
    # the next build uses it without a word
    again = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert "Created a new link secret" not in again.output
    assert re.findall(r"c/[0-9a-f]{32}/", result.output) == re.findall(r"c/[0-9a-f]{32}/", again.output)


def test_no_secret_is_made_without_private_guides(project, monkeypatch):
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    keep_personas(project, "maya")  # no private guide
    pipeline.build(project)
    assert not (project.root / ".guides-secret").exists()


def test_the_token_is_a_keyed_hash_of_the_id():
    # RFC 4231 test case 2: HMAC-SHA256, key "Jefe", data "what do ya want for nothing?" is
    # 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843; the token is its first 32 hex digits
    assert secret.token_for(b"Jefe", "what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c7"
    # the same key and id: the same token; another key: another token
    first, second = secret.token_for(GOOD.encode(), "client-hoang"), secret.token_for(b"x" * 32, "client-hoang")
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    assert secret.token_for(GOOD.encode(), "client-hoang") == first


def test_a_private_guide_goes_to_the_token_of_its_id_and_a_public_one_to_its_id():
    profiles, _ = load_and_validate(Project(REPO))
    by_id = {persona.id: persona for persona in profiles.personas}
    key = GOOD.encode()
    private = pipeline.plan_guide(by_id["client-hoang"], profiles.plans, key)
    assert private.path == f"c/{secret.token_for(key, 'client-hoang')}.md"
    assert pipeline.plan_guide(by_id["client-hoang"], profiles.plans, b"x" * 32).path != private.path
    assert pipeline.plan_guide(by_id["maya"], profiles.plans, key).path == "guides/maya.md"


def test_rotating_writes_the_new_secret_atomically(tmp_path, monkeypatch):
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    secret.write_secret(tmp_path, GOOD)
    assert secret.load_secret(tmp_path) == GOOD.encode()
    assert stat.S_IMODE((tmp_path / ".guides-secret").stat().st_mode) == 0o600
    with pytest.raises(BuildFailed, match="is too weak"):
        secret.write_secret(tmp_path, "short")
    assert secret.load_secret(tmp_path) == GOOD.encode() and sorted(os.listdir(tmp_path)) == [".guides-secret"]


def test_a_page_is_taken_down_when_a_client_file_of_this_year_or_a_kept_year_is_gone(tmp_path):
    """The build removes the version before at once when it took a client's page down (build.py)."""
    before, after = tmp_path / "before", tmp_path / "after"
    for site in (before, after):
        (site / "c" / "token1").mkdir(parents=True)
        (site / "c" / "token1.ics").write_text("calendar")
        (site / "2025" / "c" / "token0").mkdir(parents=True)
        (site / "guides" / "maya").mkdir(parents=True)
    assert not took_down(before, after)
    (after / "c" / "token2").mkdir()  # a new client's page: nothing taken down
    (after / "guides" / "maya").rmdir()  # a public guide gone: its page was never private
    assert not took_down(before, after)
    (after / "c" / "token1.ics").unlink()
    assert took_down(before, after)
    (after / "c" / "token1.ics").write_text("calendar")
    (after / "2025" / "c" / "token0").rmdir()  # last year's copy of a client's page
    assert took_down(before, after)
