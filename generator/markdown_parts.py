"""A guide's Markdown converted part by part, each distinct part once per process.

Converting guides is most of a build's time, and about half of a guide's Markdown is blocks that
other guides hold word for word (what the match is, how a backdoor Roth works). A page converted as
its top-level parts, one after the other, gives the same HTML, table of contents, title and anchors
as the page converted whole, so long as no part depends on another:

- a part starts at a line at column 0 after a blank line, outside fenced code and raw HTML blocks,
  and never at a list item, a definition (`:`), a table row or a quote, nor after a block holding
  a definition: each may continue what comes before it;
- a page is converted whole when a part could reach into another one: a reference-style link or
  footnote definition, an abbreviation, a `[TOC]` marker, an extension this module does not know,
  or an id that two parts both use (the toc extension makes ids unique across the whole page); and
  when its first line is spaces only, or an entity follows a line's raw HTML (Python-Markdown moves
  it to the end of the page).

Most of the other half is blocks that differ from guide to guide by their figures only (a worked
example's table, a summary's sentence). Such a part is converted with each figure replaced by a
marker of letters, and the figures are put back in its HTML: the tables of one shape are converted
once in all. Only where a marker cannot read otherwise than its figure:

- a figure is a number after a space, `$`, `(`, `+` or `−`, never a line's first word (a list's
  number), never inside a tag, a link's destination or an attribute list, and never on a heading's
  line; a part with a setext or HTML heading, a fence or a tab keeps its numbers (see `masked`);
- a shape is converted with its figures instead when a marker does not come out exactly once in
  its HTML, or comes out in a heading's id, the title or an anchor.

The links of a part are made relative to its page by MkDocs' own tree processors, so a converted
part is reused only for pages in the same folder, and only when its conversion warned about nothing
(a broken link warns each time, as a whole conversion would). tests/test_markdown_parts.py converts
every example page both ways and compares the results byte for byte, and so do property tests for
random sequences of every kind of block and for random text around figures (20,000 of each were
run). As a guard against a template whose blocks these rules would cut wrongly, the first page of
each build is converted both ways, and if they differ the build converts its pages whole.

This reads MkDocs 1.6's page internals (Page.render's tree processors and the fields it sets);
Material pins MkDocs 1.x, and the same test fails first if a new MkDocs changes them.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import nest_toc_tokens
from markdown.postprocessors import Postprocessor
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.toc import get_toc

# Extensions known to keep no state from one block to the next (with MkDocs' own defaults).
SAFE_EXTENSIONS = frozenset({
    "toc", "tables", "fenced_code", "admonition", "attr_list", "def_list", "md_in_html",
    "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist",
    "PlainText",  # the build's own (plain_text.py), which looks at one text at a time
})
KEPT = 4_000  # converted parts kept per process, the least recently used dropped first (about 20 MB): the
#              blocks many guides share are used by every guide, so they stay

# Definitions a part could use elsewhere; a first line of spaces (Markdown keeps it, as code, only
# there); an entity after a line's raw HTML (Python-Markdown moves it to the end of the page).
_WHOLE_PAGE = re.compile(r"^\s*(\[[^\]]+\]:|\*\[)|\[TOC\]|\A[ \t]+(\n|\Z)|^<[^\n]*>[^<>\n]*&", re.M)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_FENCE_END = re.compile(r"^(`{3,}|~{3,})\s*$")
_CONTINUES = re.compile(r"([-*+]|\d+[.)])(\s|$)|[:|>]")  # a list item, a definition, a table row, a quote
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>|<(!--)|(--)>")
_UNFINISHED_TAG = re.compile(r"<[a-zA-Z/][^<>]*$")
# A figure (the third group, after the second): a number after a space, `$`, `(`, `+` or a minus sign,
# not touching a letter or digit after it. The first group is what is read past: a tag, a link's
# destination, an attribute list, a line that is a heading (its id is made from its text), and a
# line's list, quote and definition marks with the number after them (a list's number).
_LINE_START = r"^(?:[ \t>*+\-:]|\d+[.)])*"  # a line's indentation, list, quote and definition marks
_DESTINATION = re.compile(r"\]\([^()\n]*\)")  # a link's or an image's, on one line
_ATTRIBUTES = re.compile(r"\{[^{}\n]*\}")  # an attribute list, on one line
_FIGURE = re.compile(rf"(<[^>\n]*>|{_DESTINATION.pattern}|{_ATTRIBUTES.pattern}|{_LINE_START}#[^\n]*"
                     rf"|{_LINE_START}\d+(?:[,.]\d+)*)|([ $(+\u2212])(\d+(?:[,.]\d+)*)(?!\w)", re.M)
_OPEN_TAG = re.compile(r"<[^>\n]*$", re.M)  # a tag going on to the next line
_HEADING = re.compile(r"^ {0,3}[=-]+[ \t]*$|<h[1-6]", re.M | re.I)  # a heading whose text is not on a line of its own
_MARKER = re.compile(r"zqx([a-z]{3})")  # lower case letters: a heading's id would keep them as they are
_MISSING = object()
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass(frozen=True)
class Part:
    """One converted part: what MkDocs' Page.render would have set, for this part alone."""

    html: str  # as the last postprocessor leaves it: the whole page strips its ends only
    toc: tuple[dict, ...]  # flat toc tokens, without their children
    anchors: frozenset[str]
    links: tuple[tuple[str | None, str, str], ...]  # (target page's docs path or None for itself, anchor, url)
    title: str | None


def split(text: str) -> list[str]:
    """The page's Markdown cut into parts that convert independently (joined with newlines, the text)."""
    parts: list[list[str]] = [[]]
    fence = None
    html = _OpenHtml()
    blank = True  # the line before is blank (or there is none)
    indented = False  # this block is indented: it goes on with the block before
    defining = defines = False  # this block, and the last unindented one, hold a definition (a list may go on)
    for line in text.split("\n"):
        if fence:
            closing = _FENCE_END.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            parts[-1].append(line)
            continue
        if blank and not html.open and not defines and parts[-1] and line[:1] not in ("", " ", "\t") \
                and not _CONTINUES.match(line):
            parts.append([])
        parts[-1].append(line)
        if opened := _FENCE.match(line):
            fence = opened.group(1)
        html.feed(line)
        if line.strip():
            if blank:
                indented, defining = line[:1] in (" ", "\t"), False
            defining = defining or line.startswith(":")
            defines = defines or defining  # at once: an indented block may end without a blank line
        elif not blank and not indented:
            defines = defining
        blank = not line.strip()
    return ["\n".join(lines) for lines in parts]


class _OpenHtml:
    """Whether raw HTML is open after the lines fed so far: an element (md_in_html blocks hold blank
    lines and unindented text), a comment, or a tag whose attributes go on to the next line."""

    def __init__(self) -> None:
        self.elements: list[str] = []
        self.commented = False
        self.unfinished = ""

    @property
    def open(self) -> bool:
        return bool(self.elements or self.commented or self.unfinished)

    def feed(self, line: str) -> None:
        if "<" not in line and not self.unfinished and not (self.commented and "-->" in line):
            return  # most lines: no HTML
        text = self.unfinished + line
        cut = _UNFINISHED_TAG.search(text)
        self.unfinished = text[cut.start():] + "\n" if cut else ""
        for closing, tag, self_closing, comment, comment_end in _TAG.findall(text[:cut.start()] if cut else text):
            if self.commented:
                self.commented = not comment_end
            elif comment:
                self.commented = True
            elif tag and tag.lower() not in _VOID and not self_closing:
                if not closing:
                    self.elements.append(tag.lower())
                elif tag.lower() in self.elements:  # a closing tag that opened nothing closes nothing
                    del self.elements[len(self.elements) - 1 - self.elements[::-1].index(tag.lower()):]


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PartsConverter:
    """Converts pages for one MkDocs build, with the parts kept in `kept` (shared across builds of
    one process: its key holds everything of the configuration a conversion depends on)."""

    kept: OrderedDict[tuple, Part] = OrderedDict()

    def __init__(self, config) -> None:
        names = [e if isinstance(e, str) else type(e).__qualname__ for e in config["markdown_extensions"]]
        self.usable = set(names) <= SAFE_EXTENSIONS
        self.checked = False  # whether a page of this build has been converted both ways
        self.setting = hashlib.sha256(repr((names, config["mdx_configs"], config["use_directory_urls"],
                                            config["validation"])).encode()).hexdigest()
        self.md = markdown.Markdown(extensions=config["markdown_extensions"],
                                    extension_configs=config["mdx_configs"] or {})
        # MkDocs' own processors, as Page.render registers them
        self.raw_html = mkdocs_pages._RawHTMLPreprocessor()
        self.raw_html._register(self.md)
        self.anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(None, None, config)
        self.anchors._register(self.md)
        self.links = mkdocs_pages._RelativePathTreeprocessor(None, None, config)
        self.links._register(self.md)
        self.title = mkdocs_pages._ExtractTitleTreeprocessor()
        self.title._register(self.md)
        self.unstripped = _Unstripped()
        self.md.postprocessors.register(self.unstripped, "guides_unstripped", 0)  # the last

    def render(self, page, config, files) -> None:
        """What Page.render does, a part at a time."""
        text = page.markdown
        self.links.file, self.links.files = page.file, files
        parts = self._parts(text, page, files) if self.usable and not _WHOLE_PAGE.search(text) else None
        if parts is not None and not self.checked:
            # The first page of each build is converted whole as well: should a template's blocks be
            # cut where they depend on each other, the build converts its pages whole.
            self.checked = True
            whole = self._convert(text, page)
            self.usable = _joined(parts) == _joined([whole])
            parts = [whole]
        parts = parts or [self._convert(text, page)]
        page.content = _joined(parts)
        page.toc = get_toc(nest_toc_tokens([dict(t) for part in parts for t in part.toc]))  # it adds 'children' to each
        page._title_from_render = next((part.title for part in parts if part.html.strip()), None)  # its first element
        page.present_anchor_ids = {a for part in parts for a in part.anchors}
        if logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG:  # as Page.render
            page.links_to_anchors = {}
            for target, anchor, url in (link for part in parts for link in part.links):
                file = page.file if target is None else files.get_file_from_path(target)
                page.links_to_anchors.setdefault(file, {}).setdefault(anchor, url)

    def _parts(self, text: str, page, files) -> list[Part] | None:
        """The page's parts, or None when two of them use the same id (converted whole, the page
        would have made them unique). A part that names its own page (its links are made relative
        to that page) is kept for that page only; any other, for any page in the same folder."""
        stem = posixpath.splitext(posixpath.basename(page.file.src_uri))[0]
        place = (posixpath.dirname(page.file.src_uri), page.file.url.count("/"))
        parts = [self._part(page.file.src_uri if stem in part else place, part, page, files) for part in split(text)]
        anchors = [a for part in parts for a in part.anchors]
        return parts if len(anchors) == len(set(anchors)) else None

    def _part(self, place, text: str, page, files) -> Part:
        shape, figures = masked(text)
        if figures:
            found = self._kept_or_converted(place, shape, page, files, len(figures))
            if found is not None:
                return found.filled(figures)
        return self._kept_or_converted(place, text, page, files)

    def _kept_or_converted(self, place, text: str, page, files, figures: int = 0) -> Part | Shape | None:
        """The part converted, or kept from an earlier conversion; with `figures`, the Shape of a
        part of that many markers (None when they cannot be put back)."""
        key = (self.setting, place, text)
        found = self.kept.get(key, _MISSING)  # None: a shape whose figures cannot be put back
        if found is not _MISSING and (found is None or all(t is None or files.get_file_from_path(t)
                                                           for t, _, _ in getattr(found, "part", found).links)):
            self.kept.move_to_end(key)
            return found
        warnings = _Warnings()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(warnings)
        try:
            part = self._convert(text, page)
        finally:
            logger.removeHandler(warnings)
        if figures:
            part = Shape.of(part, figures)
        if not warnings.count:
            self.kept[key] = part
            if len(self.kept) > KEPT:
                self.kept.popitem(last=False)
        return part

    def _convert(self, text: str, page) -> Part:
        self.md.reset()
        self.anchors.present_anchor_ids = set()
        self.links.links_to_anchors = {}
        self.title.title = None
        self.unstripped.text = ""
        self.md.convert(text)
        html = self.unstripped.text
        flat = []
        _flatten(getattr(self.md, "toc_tokens", []), flat)
        links = tuple((None if file is page.file else file.src_uri, anchor, url)
                      for file, found in self.links.links_to_anchors.items() for anchor, url in found.items())
        return Part(html, tuple(flat), frozenset(self.anchors.present_anchor_ids | self.raw_html.present_anchor_ids),
                    links, self.title.title)


@functools.lru_cache(maxsize=2_000)  # most parts are in many guides, figures and all (a rule's limits)
def masked(text: str) -> tuple[str, tuple[str, ...]]:
    """The part's shape: its text with each figure as a marker (zqxaaa, zqxaab, ...), and its
    figures in order. A number is left as it is where a marker could read otherwise: the first word
    of its line (a list's number), inside a tag, a link's destination or an attribute list, and on a
    line that starts a heading (its id is made from its text, by a function the configuration may
    choose). A part is left as it is (no figures) when it holds a setext or HTML heading, an
    attribute list or a link's destination that goes on to the next line, a raw HTML link, a fence,
    a tag going on to the next line, a tab (it expands to the next column, so the width of what is
    before it counts), or a marker's letters. Most are plain `in` tests, for speed: this reads every
    byte of every guide."""
    lowered = text.lower()
    if ("```" in text or "~~~" in text or "\t" in text or "href" in lowered or "src=" in lowered or "zqx" in lowered
            or "{" in text and text.count("{") != len(_ATTRIBUTES.findall(text))
            or "](" in text and text.count("](") != len(_DESTINATION.findall(text))
            or "<" in text and _OPEN_TAG.search(text) or _HEADING.search(text)):
        return text, ()
    figures: list[str] = []

    def marker(found: re.Match) -> str:
        if found.group(1) or len(figures) == 26 ** 3:
            return found.group()
        figures.append(found.group(3))
        return found.group(2) + _marker(len(figures) - 1)

    return _FIGURE.sub(marker, text), tuple(figures)


@dataclass(frozen=True)
class Shape:
    """A part converted with markers for its figures: its HTML cut at each marker, and which figure
    goes in each cut."""

    part: Part
    pieces: tuple[str, ...]  # one more than the figures
    order: tuple[int, ...]

    @classmethod
    def of(cls, part: Part, figures: int) -> Shape | None:
        """None when a marker is not in the HTML once, or is where a figure would have been read (a
        heading's id or text, the title, an anchor, a link): converted with its figures, it could differ."""
        cut = _MARKER.split(part.html)
        order = tuple((ord(a) - 97) * 676 + (ord(b) - 97) * 26 + ord(c) - 97 for a, b, c in cut[1::2])
        if sorted(order) != list(range(figures)) or _MARKER.search(repr((part.toc, part.anchors, part.links,
                                                                         part.title)).lower()):
            return None
        return cls(dataclasses.replace(part, html=""), tuple(cut[::2]), order)  # its HTML is in the pieces

    def filled(self, figures: tuple[str, ...]) -> Part:
        html = [self.pieces[0]]
        for n, piece in zip(self.order, self.pieces[1:]):
            html += (figures[n], piece)
        return dataclasses.replace(self.part, html="".join(html))


_MARKERS: list[str] = []


def _marker(n: int) -> str:
    while len(_MARKERS) <= n:
        k = len(_MARKERS)
        _MARKERS.append("zqx" + chr(97 + k // 676 % 26) + chr(97 + k // 26 % 26) + chr(97 + k % 26))
    return _MARKERS[n]


def _joined(parts: list[Part]) -> str:
    return "\n".join(part.html for part in parts if part.html).strip()


class _Unstripped(Postprocessor):
    """Keeps a conversion's HTML before Markdown.convert strips it: a part that ends in raw HTML
    ends in a newline, which the page converted whole keeps between that part and the next."""

    text = ""

    def run(self, text: str) -> str:
        self.text = text
        return text


def _flatten(tokens: list[dict], into: list[dict]) -> None:
    for token in tokens:
        into.append({k: v for k, v in token.items() if k != "children"})
        _flatten(token["children"], into)
