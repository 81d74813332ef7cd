"""What keeps a client's guide private in a built site, and the check that proves it after every build.

A private guide lives at c/<token>/ and is linked from nowhere. Its page asks MkDocs to leave it out
of search (front matter), but MkDocs drops front matter it cannot read without a word, so the
build does not trust that: after MkDocs has run, `leaks` reads every shared file of the site and
fails the build if any private page's token, id or name reached one of them.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from .errors import Problem

PRIVATE_DIR = "c"  # advisor-client guides live at c/<unguessable token>/
SHARED_SUFFIXES = (".html", ".json", ".xml", ".txt", ".svg", ".js")
NOINDEX = '<meta name="robots" content="noindex">'
EMPTY_LISTING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Nothing here</title></head>
<body><p>There is nothing to list here. If you were given a link to a guide, open that link.</p>
<p><a href="../">Go to the home page</a></p></body></html>
"""


@dataclass(frozen=True)
class PrivatePage:
    """A private guide as the check knows it: where it lives and what must not be seen elsewhere."""

    persona_id: str
    token: str
    texts: tuple[str, ...]  # distinctive words of the page: the client's name, the spouse's name

    def owns(self, relative: str) -> bool:
        """Whether a site file belongs to this page (its HTML and its charts)."""
        return relative.startswith(f"{PRIVATE_DIR}/{self.token}/") or relative.startswith(f"{PRIVATE_DIR}/{self.token}-")


_PRIVATE_URL = re.compile(r"\s*<url>\s*<loc>[^<]*/" + PRIVATE_DIR + r"/[^<]*</loc>.*?</url>", re.S)


def hide_from_sitemap(site: Path) -> None:
    """Keep client pages out of the sitemap (MkDocs lists every page there)."""
    sitemap = site / "sitemap.xml"
    if sitemap.exists():
        text = _PRIVATE_URL.sub("", sitemap.read_text(encoding="utf-8"))
        sitemap.write_text(text, encoding="utf-8")
        with open(site / "sitemap.xml.gz", "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
                packed.write(text.encode("utf-8"))


def close_listing(site: Path) -> None:
    """A c/index.html that lists nothing, so a server with directory listings on cannot show every token."""
    folder = site / PRIVATE_DIR
    folder.mkdir(exist_ok=True)
    (folder / "index.html").write_text(EMPTY_LISTING, encoding="utf-8")


def took_down(before: Path, after: Path) -> bool:
    """Whether a file of a client's page in the site `before` (in c/, or a kept year's YEAR/c/) is not
    in the site `after`: the build that took a page down removes the version before at once."""
    def private_files(site: Path) -> set[str]:  # names, not Paths: tens of thousands on a big site
        folders = [PRIVATE_DIR, *(f"{year.name}/{PRIVATE_DIR}" for year in site.glob("[0-9][0-9][0-9][0-9]"))]
        return {f"{folder}/{name}" for folder in folders if (site / folder).is_dir()
                for name in os.listdir(site / folder)}
    return bool(private_files(before) - private_files(after))


def leaks(site: Path, pages: list[PrivatePage], own: list[PrivatePage] | None = None,
          checked: CheckedFiles | None = None) -> list[Problem]:
    """Every place where a private page shows in a shared file of the built site.

    `pages` are every private guide of the build; `own` those whose page this site must hold
    (default: all; a shard holds a few, the site-wide shard none). `checked` skips the files found
    clean by an earlier build, byte for byte the same and checked for the same pages."""
    if not pages:
        return []
    problems: list[Problem] = []
    found = _finder(pages)
    looked_for = hashlib.sha256(repr((pages, own)).encode()).hexdigest()
    for path, relative in _shared_files(site):
        data = _read(path)
        mark = checked.mark(looked_for, relative, data) if checked else ""
        if checked and checked.clean(mark):
            continue
        found_here = _leaks_in(found, relative, _readable(path, data))
        problems += found_here
        if checked and not found_here:
            checked.found_clean(mark)
    for page in pages if own is None else own:
        own_page = site / PRIVATE_DIR / page.token / "index.html"
        if not own_page.is_file() or NOINDEX not in own_page.read_text(encoding="utf-8"):
            problems.append(Problem(f"{PRIVATE_DIR}/{page.token}/index.html", 1, page.persona_id,
                                    "private guide is missing or does not ask search engines not to index it",
                                    "the site was not published"))
    problems.extend(_in_search_index(site, pages))
    return problems


def needles(pages: list[PrivatePage]) -> frozenset[str]:
    """Every string `leaks` looks for: each private page's token, its id as a path and its texts."""
    return frozenset(string for page in pages for string in (page.token, *(form for form, _ in _forms(page))))


def needles_digest(strings: frozenset[str]) -> str:
    return hashlib.sha256("\0".join(sorted(strings)).encode()).hexdigest()


PREFILTER_UP_TO = 50  # new strings looked for one by one in each file's text; more go through the finder


def leaks_of_new(sites: list[Path], pages: list[PrivatePage], new: frozenset[str]) -> list[Problem]:
    """Where one of `new` shows in a shared file of the `sites` (folders of a site): private strings
    their files were not checked for when they were built (a client added or renamed since). A file
    is read further only when its bytes hold one of them (JSON, whose escapes hide them, always is)."""
    found = _finder(pages, only=new)
    if not found.needles:
        return []
    wanted = [needle.encode() for needle in found.needles] if len(found.needles) <= PREFILTER_UP_TO else None
    problems: list[Problem] = []
    for site in sites:
        for path, relative in _shared_files(site):
            data = _read(path)
            if wanted is None or path.endswith(".json") or any(needle in data for needle in wanted):
                problems += _leaks_in(found, relative, _readable(path, data))
    return problems


def _shared_files(site: Path) -> list[tuple[str, str]]:
    """(path, path from the site) of every file a private string must not reach, in order. Plain
    strings, not Paths: a site of 10,000 guides has tens of thousands of files."""
    found = []
    root = str(site)
    for top, _, names in os.walk(root):
        for name in names:
            path = os.path.join(top, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            if name.endswith(SHARED_SUFFIXES) and relative != f"{PRIVATE_DIR}/index.html" and os.path.isfile(path):
                found.append((path, relative))
    return sorted(found, key=lambda item: item[1])


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _leaks_in(found: "_Finder", relative: str, text: str) -> list[Problem]:
    """A problem for each private string in `text` (a shared file's) that is not its own page's."""
    problems = []
    for start, needle in found.matches(text):
        page, what = found.needles[needle]
        if not page.owns(relative):
            line = text.count("\n", 0, start) + 1
            problems.append(Problem(relative, line, page.persona_id,
                                    f"private guide leaked: its {what} {needle!r} appears in a shared file",
                                    "the site was not published; a private page must stay out of search, "
                                    "the sitemap and every other page"))
    return problems


class CheckedFiles:
    """The files `leaks` found clean, each an empty file in `folder` named by the hash of the private
    pages looked for, the file's place and its bytes: the same file checked for the same pages
    is clean again, so a rebuild reads only the files that changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: list[str] = []  # the marks this build read or wrote (the rest may be pruned)

    @staticmethod
    def mark(looked_for: str, relative: str, data: bytes) -> str:
        return hashlib.sha256(f"{looked_for}\0{relative}\0".encode() + data).hexdigest()

    def clean(self, mark: str) -> bool:
        if (self.folder / mark).is_file():
            self.used.append(mark)
            return True
        return False

    def found_clean(self, mark: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / mark).touch()
        self.used.append(mark)


_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Finder:
    """Every private string, found in a text in one pass whatever the number of private guides: an
    Aho-Corasick automaton (pyahocorasick, in C) holds them all. One regular expression of thousands
    of alternatives is tried at every character (minutes per shard), and splitting each file into
    its words to look the strings up costs ten times as much at 10,000 guides.

    Tokens count anywhere; ids as a page path (`id/`, `id.md`) not inside a longer id; names as
    whole words."""

    needles: dict[str, tuple[PrivatePage, str]]
    automaton: object  # ahocorasick.Automaton of the needles, each with its kind (None: no needles)

    def matches(self, text: str) -> list[tuple[int, str]]:
        if self.automaton is None:
            return []
        found = []
        for end, (needle, kind) in self.automaton.iter(text):
            start = end + 1 - len(needle)
            if kind == "token" or _stands_alone(text, start, end + 1, kind):
                found.append((start, needle))
        return sorted(found)


def _stands_alone(text: str, start: int, end: int, kind: str) -> bool:
    """An id not inside a longer id; a name not inside a longer word."""
    before = text[start - 1] if start else " "
    if kind == "id":
        return not (before.isalnum() or before in "_-")
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")


_LAST_FINDER: dict[str, _Finder] = {}  # the last one made, by what it finds: each shard of a build checks for the same


def _finder(pages: list[PrivatePage], only: frozenset[str] | None = None) -> _Finder:
    """The finder of every private string of `pages` (or of those in `only`)."""
    key = hashlib.sha256(repr((pages, only and sorted(only))).encode()).hexdigest()
    if key in _LAST_FINDER:
        return _LAST_FINDER[key]
    needles: dict[str, tuple[PrivatePage, str]] = {}
    for page in pages:
        for form, kind in ((page.token, "token"), *_forms(page)):
            if only is None or form in only:
                needles[form] = (page, kind)
    automaton = None
    if needles:
        automaton = ahocorasick.Automaton()
        for needle, (_, kind) in needles.items():
            automaton.add_word(needle, (needle, kind))
        automaton.make_automaton()
    _LAST_FINDER.clear()
    _LAST_FINDER[key] = found = _Finder(needles, automaton)
    return found


def _forms(page: PrivatePage) -> list[tuple[str, str]]:
    """A private page's id as a path and its texts as written in HTML, each with its kind (those with
    a word in them: a string of spaces and signs alone would match everywhere)."""
    forms = [(f"{page.persona_id}/", "id"), (f"{page.persona_id}.md", "id")]
    forms += [(form, "text") for text in page.texts for form in {text, html.escape(text, quote=False), html.escape(text)}]
    return [(form, kind) for form, kind in forms if _WORD.search(form)]


def _readable(path: str, data: bytes) -> str:
    """A file's text as a reader sees it: JSON with its \\u escapes decoded (the search index escapes non-ASCII)."""
    text = data.decode("utf-8", errors="replace")
    if path.endswith(".json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=0)
        except ValueError:
            return text
    return text


def _in_search_index(site: Path, pages: list[PrivatePage]) -> list[Problem]:
    """Any document of the search index that lives under c/ (whatever its words)."""
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return []
    owners = {page.token: page.persona_id for page in pages}
    problems = []
    for doc in json.loads(index.read_text(encoding="utf-8")).get("docs", []):
        location = doc.get("location", "")
        if location.startswith(f"{PRIVATE_DIR}/"):
            token = location.split("/")[1].split("#")[0]
            problems.append(Problem("search/search_index.json", 1, owners.get(token, location),
                                    f"private page {location} is in the search index",
                                    "the site was not published; its front matter must say search: exclude: true"))
    return sorted(set(problems))
