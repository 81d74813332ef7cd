"""A Markdown extension that changes no output and saves about a quarter of a guide's conversion.

Python-Markdown tries each of its inline patterns (links, emphasis, code, HTML, entities, escapes,
line breaks) on every piece of text in the page, and a guide has hundreds: the cells of its worked
examples. None of those patterns can match a text without one of the characters they start with,
so such a text is marked as one Python-Markdown leaves alone (an AtomicString), just before the
inline patterns run. The HTML is the same to the byte (tests/test_shards.py converts every example
guide both ways). The build adds it (build.mkdocs_build); mkdocs.yml does not need it.
"""
from __future__ import annotations

import re

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# What every inline pattern of Python-Markdown starts with: ` \ [ ! < & * _, or two spaces before a
# line break (a hard break).
_ACTIVE = re.compile(r"[`\\\[!<&*_]|  \n")
INLINE_PRIORITY = 20  # Python-Markdown's inline processor


class _PlainText(Treeprocessor):
    def run(self, root) -> None:
        for element in root.iter():
            if element.text and not isinstance(element.text, AtomicString) and not _ACTIVE.search(element.text):
                element.text = AtomicString(element.text)
            if element.tail and not isinstance(element.tail, AtomicString) and not _ACTIVE.search(element.tail):
                element.tail = AtomicString(element.tail)


class PlainText(Extension):
    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_PlainText(md), "plain_text", INLINE_PRIORITY + 0.5)  # just before it
