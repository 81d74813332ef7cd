"""The MkDocs hook of a shard build: which pages of the docs folder this build really renders.

A shard (shards.py) is one MkDocs build of a docs folder holding the site-wide pages and a few
hundred guides. Material renders the site navigation into every page, so the site-wide pages must
be there for a guide to look exactly as in a one-piece build; but only the pages a shard owns are
kept from its output. This hook makes the others cheap:

- a page the shard does not own (a placeholder) is converted as its headings only: its title and
  anchors, which the navigation and the link checks of the owned pages read, stay those of the
  real page. Its output would be thrown away, so the theme does not draw it: its template is an
  empty one (`SKIPPED`), and MkDocs writes no file for a page that renders empty.
- the theme's templates are kept compiled between builds (in the cache and in memory, keyed by
  their text), and listed without the theme's hidden folders (MkDocs lists them only to copy
  the theme's files, and never copies a hidden one).
- a file that is not a page (the theme's scripts and styles, the site's assets) is copied only where
  the shard keeps it: the site shard publishes them once.
- a public guide leaves Material's search: the site's search index gets one short summary per
  public guide instead (shards.summary), never its body or its figures.
- a guide's page is built once: the file MkDocs and the theme write for it is kept (`PageCache`)
  under the hash of the page's Markdown file, its place and everything the shard is made from,
  and a later build of the same page copies it in, without converting or drawing it again. A
  guide page is outside the navigation, has no previous or next page and stays out of Material's
  search, so nothing else of its shard shows in it: a shard built again because one of its
  guides changed converts and draws that guide only. Should mkdocs.yml ever list the guides in
  its `nav` (or have none, so MkDocs lists every page), no page is kept (`may_list`). The one
  conversion goes block by block (markdown_parts.py): a block that many guides hold word for
  word, or with other figures only, is converted once per process.

Private guides stay out of search by their own front matter, and the privacy check after the
build (privacy.leaks) proves it. A passphrase-protected guide is never kept in clear.

The build adds it to the configuration (build.mkdocs_build); mkdocs.yml does not name it, so
`mkdocs build` of the docs folder on disk (build/docs) still builds the whole site without it,
only more slowly, on any Material-compatible engine (tests/test_shards.py builds both ways).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import jinja2
from mkdocs.plugins import BasePlugin, event_priority

from .markdown_parts import PartsConverter
from .render import CompiledTemplates

SKIPPED = "guides-skipped-page.html"  # the template of a placeholder: it renders nothing
_HEADING = re.compile(r"^#{1,6}\s.*$", re.M)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


@dataclass(frozen=True)
class Built:
    """A page as a build wrote it."""

    source: str  # the page's docs path
    output: bytes  # the file MkDocs and the theme wrote for it


class PageCache:
    """Built pages in `folder`, one file each, named by the hash of (salt, page, its Markdown file).

    A page is kept only once its build has succeeded (`commit`): a page whose conversion warned
    (a broken link fails a strict build) is built, and warns, again next time."""

    def __init__(self, folder: Path, salt: str, pages: set[str]) -> None:
        self.folder, self.salt, self.pages = folder, salt, pages  # pages: the docs paths it may keep
        self.used: list[str] = []  # the file names this build read or wrote (the rest may be pruned)
        self.pending: dict[str, Built] = {}  # built in this build, by file name

    def name(self, source: str, markdown: bytes) -> str:
        return hashlib.sha256(f"{self.salt}\0{source}\0".encode() + markdown).hexdigest() + ".pickle"

    def get(self, source: str, markdown: bytes) -> Built | None:
        name = self.name(source, markdown)
        try:
            found = pickle.loads(zlib.decompress((self.folder / name).read_bytes()))
        except (OSError, EOFError, zlib.error, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None
        self.used.append(name)
        return found

    def put(self, source: str, markdown: bytes, built: Built) -> None:
        self.pending[self.name(source, markdown)] = built

    def commit(self) -> None:
        """Keep this build's pages (each written whole, then renamed into place)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, built in self.pending.items():
            staged = self.folder / f".{name}.{os.getpid()}"
            staged.write_bytes(zlib.compress(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL), 1))
            staged.replace(self.folder / name)
            self.used.append(name)
        self.pending = {}


class ShardPages(BasePlugin):
    def __init__(self, placeholders: set[str], summarised: set[str], other_files: set[str] | None = None,
                 page_cache: PageCache | None = None, compiled: Path | None = None) -> None:
        super().__init__()
        self.placeholders = placeholders  # docs paths rendered as their headings, output not kept
        self.summarised = summarised  # docs paths of public guides: searchable by their summary only
        self.other_files = other_files  # the files other than pages to copy (None: all)
        self.page_cache = page_cache
        self.compiled = compiled  # where the theme's templates are kept compiled between builds
        self.kept: dict[str, bytes] = {}  # the file of each page kept from an earlier build, by its place in the site
        self.building: dict[str, tuple[bytes, str]] = {}  # each page to keep once built: its Markdown file, its place
        self.parts: PartsConverter | None = None

    def on_files(self, files, config):
        if self.page_cache and may_list(config.nav, self.page_cache.pages):
            self.page_cache = None  # a page in the navigation shows the others: build and keep none
        for file in list(files):
            if not file.is_documentation_page():
                if self.other_files is not None and file.src_uri not in self.other_files:
                    files.remove(file)
            elif self.page_cache and file.src_uri in self.page_cache.pages:
                markdown = Path(file.abs_src_path).read_bytes()
                built = self.page_cache.get(file.src_uri, markdown)
                if built is None:
                    self.building[file.src_uri] = (markdown, file.dest_uri)
                else:  # MkDocs need not know it: nothing links to a guide page, and nothing else shows it
                    files.remove(file)
                    self.kept[file.dest_uri] = built.output
        return files

    @event_priority(100)  # first: Material's search plugin makes environments in its own on_config
    def on_config(self, config):
        """Every environment of the theme made in this build keeps its templates compiled (compiling
        Material's costs about a second per build) and lists them without its hidden folders."""
        if self.compiled:
            self.compiled.mkdir(parents=True, exist_ok=True)
        make = config.theme.get_env

        def get_env():
            env = make()
            env.loader = ThemeLoader(env.loader.searchpath, env.loader.encoding, env.loader.followlinks)
            if self.compiled:
                env.bytecode_cache = CompiledTemplates(str(self.compiled))
            return env

        config.theme.get_env = get_env
        return config

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        source = page.file.src_uri
        if source in self.summarised or source in self.placeholders:
            page.meta["search"] = {"exclude": True}
        if source in self.placeholders:
            page.meta["template"] = SKIPPED
        if source in self.building or source in self.placeholders:  # placeholders: the same few headings
            page.render = lambda config, files: self._converter(config).render(page, config, files)
        return headings_only(markdown) if source in self.placeholders else markdown

    def _converter(self, config) -> PartsConverter:
        """This build's converter (markdown_parts keeps each part it converted for the whole process:
        the placeholders' headings, the same in shard after shard, are converted once)."""
        self.parts = self.parts or PartsConverter(config)
        return self.parts

    @event_priority(-100)  # last: every other plugin has written what it writes
    def on_post_build(self, config) -> None:
        """Keep each page built now (the file as written), and put in each page kept from before."""
        site = Path(config.site_dir)
        for source, (markdown, place) in self.building.items():
            self.page_cache.put(source, markdown, Built(source, (site / place).read_bytes()))
        for place, output in self.kept.items():
            (site / place).parent.mkdir(parents=True, exist_ok=True)
            (site / place).write_bytes(output)


class ThemeLoader(jinja2.FileSystemLoader):
    """The theme's templates, and SKIPPED (empty), listed without the hidden folders at the top of
    each theme folder.

    MkDocs lists a theme's templates once per build only to copy its other files into the site,
    and it never copies a hidden one. Material's `.icons` folder holds 14,000 of its 14,500
    files, so walking it and matching each name against MkDocs' patterns cost about a tenth of a
    second per build. Every other template is found as before (by FileSystemLoader's get_source)."""

    def get_source(self, environment, template):
        if template == SKIPPED:
            return "", None, lambda: True
        return super().get_source(environment, template)

    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                if dirpath == searchpath:
                    dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                for filename in filenames:  # as FileSystemLoader.list_templates names them
                    template = os.path.join(dirpath, filename)[len(searchpath):].strip(os.path.sep)
                    found.add(template.replace(os.path.sep, "/").removeprefix("./"))
        return sorted(found)


def may_list(nav, pages: set[str]) -> bool:
    """Whether a navigation as configured may list one of `pages`: it names one, or there is no
    `nav` and MkDocs makes one of every page (a page it lists shows its neighbours, so what is
    written for a guide would depend on the other guides)."""
    if nav is None:
        return True
    if isinstance(nav, str):
        return nav in pages
    items = nav.values() if isinstance(nav, dict) else nav
    return any(may_list(item, pages) for item in items)


def headings_only(markdown: str) -> str:
    """A page's headings (outside code blocks), one paragraph each: same title, same anchors."""
    return "\n\n".join(_HEADING.findall(_FENCE.sub("", markdown))) + "\n"
