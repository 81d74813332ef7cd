"""The MkDocs hook of a shard build: which pages of the docs folder this build really renders.

A shard (shards.py) is one MkDocs build of a docs folder holding the site-wide pages and a few
hundred guides. Material renders the site navigation into every page, so the site-wide pages must
be there for a guide to look exactly as in a one-piece build; but only the pages a shard owns are
kept from its output. This hook makes the others cheap:

- a page the shard does not own (a placeholder) is rendered as its headings only. Its title and
  anchors, which the navigation and the link checks of the owned pages read, stay those of the
  real page; its output is thrown away.
- a file that is not a page (the theme's scripts and styles, the site's assets) is copied only where
  the shard keeps it: the site shard publishes them once.
- a public guide leaves Material's search: the site's search index gets one short summary per
  public guide instead (shards.summary), never its body or its figures.

Private guides are left alone here: their own front matter keeps them out of search, and the
privacy check after the build (privacy.leaks) proves it did.

The build adds it to the configuration (build.mkdocs_build); mkdocs.yml does not name it, so
`mkdocs build` of the docs folder on disk (build/docs) still builds the whole site without it,
only more slowly, on any Material-compatible engine (tests/test_shards.py builds both ways).
"""
from __future__ import annotations

import re

from mkdocs.plugins import BasePlugin

_HEADING = re.compile(r"^#{1,6}\s.*$", re.M)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


class ShardPages(BasePlugin):
    def __init__(self, placeholders: set[str], summarised: set[str], other_files: set[str] | None = None) -> None:
        super().__init__()
        self.placeholders = placeholders  # docs paths rendered as their headings, output not kept
        self.summarised = summarised  # docs paths of public guides: searchable by their summary only
        self.other_files = other_files  # the files other than pages to copy (None: all)

    def on_files(self, files, config):
        if self.other_files is not None:
            for file in list(files):
                if not file.is_documentation_page() and file.src_uri not in self.other_files:
                    files.remove(file)
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        source = page.file.src_uri
        if source in self.summarised or source in self.placeholders:
            page.meta["search"] = {"exclude": True}
        return headings_only(markdown) if source in self.placeholders else markdown


def headings_only(markdown: str) -> str:
    """A page's headings (outside code blocks), one paragraph each: same title, same anchors."""
    return "\n\n".join(_HEADING.findall(_FENCE.sub("", markdown))) + "\n"
