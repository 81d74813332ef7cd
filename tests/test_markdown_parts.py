"""A page converted part by part (markdown_parts.py) is what MkDocs' Page.render makes of it whole:
the HTML byte for byte, the table of contents, the title, the anchors and the links to check."""
from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict

import pytest
from hypothesis import assume, given, settings, strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from generator import markdown_parts
from generator.plain_text import PlainText
from generator.markdown_parts import PartsConverter, split


def rendered(page: Page) -> tuple:
    """Everything Page.render sets that the theme, the link checks and the HTML cache read."""
    def toc(items) -> list:
        return [(i.title, i.id, i.level, toc(i.children)) for i in items]

    links = {file.src_uri: anchors for file, anchors in page.links_to_anchors.items()}
    return page.content, toc(page.toc.items), page._title_from_render, page.present_anchor_ids, links


def both_ways(config, files, paths: list[str], converter: PartsConverter | None = None, *, guarded: bool = False,
              markdown: str | None = None) -> PartsConverter:
    """Renders each page whole (MkDocs) and in parts, and compares. Unless `guarded`, the parts
    alone: the converter does not convert its first page both ways itself. `markdown` stands in for
    the pages' files."""
    converter = converter or PartsConverter(config)
    converter.checked = converter.checked or not guarded
    for path in paths:
        whole, parts = (Page(None, files.get_file_from_path(path), config) for _ in range(2))
        for page in (whole, parts):
            if markdown is None:
                page.read_source(config)
            else:
                page.markdown, page.meta = markdown, {}
        whole.render(config, files)
        converter.render(parts, config, files)
        assert rendered(parts) == rendered(whole), path
    return converter


def test_every_example_page_converted_in_parts_equals_it_converted_whole(built):
    """Every page of the example site, with the extensions and plain_text of a real build; twice, so
    that the second time every part is one kept from the first."""
    config = load_config(str(built.mkdocs_yml))
    config.markdown_extensions.append(PlainText())  # as build.mkdocs_build adds it
    files = get_files(config)
    paths = sorted(f.src_uri for f in files.documentation_pages())
    assert len(paths) > 30 and any(p.startswith("c/") for p in paths) and "guides/priya.md" in paths
    converter = PartsConverter(config)
    assert converter.usable
    both_ways(config, files, paths, converter)
    converted = []
    convert = converter._convert
    converter._convert = lambda text, page: converted.append(text) or convert(text, page)
    both_ways(config, files, paths, converter)
    assert converted == []  # every part, the second time, is one kept from the first


def project(tmp_path, pages: dict[str, str], **settings):
    """A docs folder of `pages` and its MkDocs configuration (Material, the site's extensions)."""
    docs = tmp_path / "docs"
    for path, text in pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text)
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n")
    settings.setdefault("markdown_extensions", ["admonition", "attr_list", "def_list", "md_in_html", "tables",
                                                {"toc": {"permalink": True}}, "pymdownx.details",
                                                "pymdownx.superfences"])
    config = load_config(str(tmp_path / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(tmp_path / "site"),
                         **settings)
    return config, get_files(config)


@pytest.mark.parametrize("text, parts", [
    ("# T\n\nOne.\n\nTwo.", ["# T\n", "One.\n", "Two."]),
    ("- a\n\n- b\n\nAfter.", ["- a\n\n- b\n", "After."]),  # a loose list stays whole
    ("1. a\n\n2. b", ["1. a\n\n2. b"]),
    ("Term\n\n: its definition", ["Term\n\n: its definition"]),
    ("**A**\n: one\n\n**B**\n: two\n\nAfter.\n\nNext.", ["**A**\n: one\n\n**B**\n: two\n\nAfter.\n", "Next."]),
    ("> a\n\n> b\n\nAfter.", ["> a\n\n> b\n", "After."]),  # quotes a blank line apart are one quote
    ("    code\n**A**\n: one\n \n**B**\n: two", ["    code\n**A**\n: one\n \n**B**\n: two"]),
    ("Text\n\n| a | b |\n|---|---|\n| 1 | 2 |", ["Text\n\n| a | b |\n|---|---|\n| 1 | 2 |"]),
    ("```\ncode\n\nnot a part\n```\n\nAfter.", ["```\ncode\n\nnot a part\n```\n", "After."]),
    ('<div markdown>\n\nInside.\n\n</div>\n\nAfter.', ['<div markdown>\n\nInside.\n\n</div>\n', "After."]),
    ("<!-- a comment\n\nstill one\n-->\n\nAfter.", ["<!-- a comment\n\nstill one\n-->\n", "After."]),
    ('<p>One<br>line</p>\n\nAfter.', ['<p>One<br>line</p>\n', "After."]),  # a void tag opens nothing
    ("!!! note\n\n    Indented.\n\n    More.\n\nAfter.", ["!!! note\n\n    Indented.\n\n    More.\n", "After."]),
    ('# T\n\n<p class="meta">By us</p>\n\n<div markdown>\n\nIn.\n\n</div>', ['# T\n', '<p class="meta">By us</p>\n',
                                                                            '<div markdown>\n\nIn.\n\n</div>']),
], ids=["paragraphs-and-headings", "loose-list", "ordered-list", "definition", "definitions-go-on", "quote",
        "definitions-after-code", "table", "fence", "html-block", "comment", "void-tag", "admonition", "html-after-text"])
def test_a_part_starts_only_where_nothing_before_it_can_continue(text, parts):
    assert split(text) == parts


EVERY_KIND = """# Title { #top }

Text with **bold**, a [link](other.md#part) and a [self link](#top).

- one

- two

**Term**
: its definition

**Another**
: and its definition

> a quote

> that goes on

| a | b |
|---|---|
| 1 | 2 |

```python
code

# not a heading
```

<div class="box" markdown>

Inside a **box**.

</div>

<!-- a comment

with a blank line -->

!!! note "A note"

    Indented.

    More.

??? example "Worked"

    | x | y |
    |---|---|
    | 1 | 2 |

## Part { #part }

- [x] done
- [ ] to do

Last words.
"""


def test_a_page_of_every_kind_of_block_converts_in_parts_as_whole(tmp_path):
    config, files = project(tmp_path, {"index.md": "# Home\n", "other.md": "# O\n\n## Part\n", "page.md": EVERY_KIND},
                            markdown_extensions=["admonition", "attr_list", "def_list", "md_in_html", "tables",
                                                 {"toc": {"permalink": True}}, "pymdownx.details",
                                                 "pymdownx.superfences", "pymdownx.tasklist"])
    assert len(split(EVERY_KIND)) >= 8
    both_ways(config, files, ["page.md"])


BLOCKS = [block.strip("\n") for block in EVERY_KIND.split("\n\n")] + [
    "<div class=\"raw\">\n<p>raw HTML</p>\n</div>", "<p>One line of HTML</p>", "* star\n    * nested",
    "Setext\n---", "***", "    indented code", "1. first\n2. second", ": a lone definition", "Text\n> lazy",
    "## Part { #part }", "[^n]: looks like a footnote", "&copy; entity", "<!-- short -->", "<div>\n\nunclosed",
    "</div>", "```\nunclosed fence", "~~~", "<details>\n<summary>More</summary>\n\nhidden\n</details>",
    "Term\n\n: a loose definition", "- item\n\n    its second paragraph", "Para\n{: .cls }", "<span>inline</span> text",
    "<!-- open", "-->", "<br>", "<hr/>", "Text with a <b>tag", "</b> closed", "## Same", "??? note\n    tight",
    "<pre>\n\ncode\n</pre>", "<script>\n\nlet x = 1;\n</script>", "<table>\n<tr><td>1</td></tr>\n</table>",
    "<DIV markdown>", "Text <div> inline", "    <div>", "<?php x ?>", "<![CDATA[ x ]]>", "* * *",
    "Term\n:   spaced definition", "1) paren list", "+ plus", "> quote\nlazy line", "| a | b |",
    "<div\nclass=\"x\">", "<a href=\"x.md\">\n\nlink text</a>", "<p markdown>*em*</p>",
    # figures, where a marker for them could read differently (markdown_parts.masked)
    "Total: $1,234.56, 7% of 24,500 (12) +13 \u221214.", "## Save $1,200 by 2026", "3. third\n4. fourth",
    "- 12 items\n- $3 more", "   5) five", "| Age | 50 |\n|---|--:|\n| Limit | $7,500 |",
    "??? example \"Worked: $3,000\"\n\n    | \u2212 | Step | $1,000 |\n    |---|---|--:|\n    | = | Total | $2,000 |",
    "<span class=\"x\" data-n=\"12\" title=\"$12\">$12</span> and <b>13</b>", "**$5,000** and _$6,000_ and * 7 *",
    "Term 12\n: defined $13", "> quote $14\n> 15 more", "    indented $16", "`$17 in code` $18", "&#49;9 &amp; 19",
    "Line $20\n===", "- [ ] task $21", "A line of $22  \nhard break 23", "1,234 first", "<!-- $24 -->", "Year 2026.",
    "# Title 27 { #t27 }", "$28 [link $29](other.md#part)", "Term\n:   30 defined",
    "<div markdown>\n\n$31 inside\n\n</div>",
    "1. 2. a list in a list", "$32\t33", "\t", "  ",
    "## Save $34 by 35\nText $36 under it", "[**Put $37 in**](#part) by $38", "1. [**Set 39%**](other.md#part) now",
    "![Chart of $40 and 41](other.md){ .wide }\n![Narrow $42](other.md){ .narrow }", "$43 {: .cls }",
    "??? abstract \"How: $44\"\n\n    ![Bar $45](other.md){ .w }\n\n    #### Step $46\n\n    | A | $47 |\n    |--|--:|\n    | b | 48 |",
    "    #### Indented $49 heading", "> ## Quoted $50 heading\n> and $51",
]


@pytest.fixture(scope="module")
def every_extension(tmp_path_factory):
    return project(tmp_path_factory.mktemp("blocks"), {"index.md": "# Home\n", "other.md": "# O\n\n## Part\n",
                                                       "page.md": "# Page\n"},
                   markdown_extensions=["admonition", "attr_list", "def_list", "md_in_html", "tables",
                                        {"toc": {"permalink": True}}, "pymdownx.details", "pymdownx.superfences",
                                        "pymdownx.tasklist"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=12), st.sampled_from(["\n\n", "\n\n\n", "\n"]))
def test_any_sequence_of_blocks_converts_in_parts_as_whole(every_extension, blocks, between):
    config, files = every_extension
    both_ways(config, files, ["page.md"], markdown=between.join(blocks) + "\n")


# Pieces of Markdown around figures: any text of them converts in parts as whole, figures masked or
# not (markdown_parts.masked). 20,000 examples were run while writing it; they found a tab after a
# figure (it expands to the next column), a list's number after another list's number, a first line
# of spaces, and an entity after raw HTML (which Python-Markdown moves to the end of the page).
TEXT_PIECES = list("ab 1,.$(+*_`<>|#-:=!?[]\\&;%\n\t\"") + [
    "\u2212", "12", "$3,000", "$1,000.50", "50", "x1", "\u00bd", "<b>", "</b>", "    ", "1. ", "1) ", "    1. ", "- ",
    "??? note \"", "| x |\n|---|\n", "\n\n", "# ", "## ", "!!! note\n    ", ": ", "> ", "[x]", "(a.md)", "{: .c }",
    "```\n", "<!-- ", " -->", "<div markdown>\n\n", "</div>", "&amp;", "&#49;", "  \n", "***", "===", "---",
    "](other.md#part)", "![", "{ .w }", "{: data-n=\"12\" }", "(other.md \"t 1\")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=50).map("".join))
def test_any_text_around_figures_converts_in_parts_as_whole(every_extension, text):
    assume("<![" not in text)  # Python's HTML parser fails on a marked section it does not know, whole or in parts
    config, files = every_extension
    both_ways(config, files, ["page.md"], markdown=text + "\n")


@given(st.text(alphabet="ab #-:|<>/`!\n\t", max_size=200))
def test_the_parts_joined_are_the_text(text):
    assert "\n".join(split(text)) == text


@pytest.mark.parametrize("text", [
    "# T\n\nSee [the note][n].\n\n## More\n\n[n]: other.md\n",  # a reference defined in another part
    "# T\n\n## Same\n\nOne.\n\n## Same\n\nTwo.\n",  # ids the whole page makes unique: same, same_1
    "# T\n\n[TOC]\n\n## A\n\nText.\n",  # a table of contents of the whole page
    "\t\n\nText.\n",  # a first line of spaces: an empty code block, kept only at the very start
    "<!-- c -->&amp; after\n\nText.\n\nMore.\n",  # the entity moves to the end of the page
], ids=["reference-link", "repeated-heading", "toc-marker", "first-line-of-spaces", "entity-after-html"])
def test_a_page_whose_parts_depend_on_each_other_is_converted_whole(tmp_path, text):
    config, files = project(tmp_path, {"index.md": "# Home\n", "other.md": "# O\n", "page.md": text})
    both_ways(config, files, ["page.md"])


def test_links_are_relative_to_each_page_even_when_a_part_names_one_of_them(tmp_path):
    """The same sentence links to `alpha` itself on one page and to another page on the other."""
    shared = "See [the guide](alpha.md#top) and the [glossary](../glossary.md#roth).\n\n"
    config, files = project(tmp_path, {
        "index.md": "# Home\n", "glossary.md": "# Glossary\n\n## Roth\n",
        "guides/alpha.md": "# Alpha { #top }\n\n" + shared, "guides/beta.md": "# Beta\n\n" + shared,
        "guides/index.md": "# Guides\n\n" + shared})
    both_ways(config, files, ["guides/alpha.md", "guides/beta.md", "guides/index.md"])


def test_a_part_with_a_broken_link_warns_on_every_page(tmp_path, caplog):
    """A kept part would not warn again: a strict build would pass a broken link the second time."""
    broken = "Read [this](nowhere.md).\n"
    config, files = project(tmp_path, {"index.md": "# Home\n", "a.md": "# A\n\n" + broken, "b.md": "# B\n\n" + broken})
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        both_ways(config, files, ["a.md", "b.md"])
    warned = [r.getMessage() for r in caplog.records if "nowhere.md" in r.getMessage()]
    assert len(warned) == 4 and {"a.md", "b.md"} == {m.split("'")[1] for m in warned}  # twice each: whole, parts


def test_an_extension_it_does_not_know_makes_it_convert_pages_whole(tmp_path):
    config, files = project(tmp_path, {"index.md": "# Home\n", "page.md": "# T\n\nA note[^1].\n\n[^1]: Here.\n"},
                            markdown_extensions=["footnotes", "toc"])
    converter = PartsConverter(config)
    assert not converter.usable
    both_ways(config, files, ["page.md"], converter)


def test_pages_cut_wrongly_are_caught_by_the_first_page_and_converted_whole(tmp_path, monkeypatch):
    """Should a template's blocks ever be cut where they depend on each other (here: a list cut in
    two), the page each build converts both ways shows it, and the build converts whole."""
    monkeypatch.setattr(markdown_parts, "split", lambda text: text.replace("\n\n", "\n\n\0").split("\0"))
    pages = {"index.md": "# Home\n", "a.md": "# A\n\n- one\n\n- two\n", "b.md": "# B\n\n- three\n\n- four\n"}
    config, files = project(tmp_path, pages)
    assert not both_ways(config, files, ["a.md", "b.md"], guarded=True).usable


def test_a_block_that_pages_of_one_folder_share_is_converted_once(tmp_path):
    shared = "How the match works: the same words in every guide.\n"
    config, files = project(tmp_path, {"index.md": "# Home\n", "guides/alpha.md": "# A\n\n" + shared,
                                       "guides/beta.md": "# B\n\n" + shared, "other/gamma.md": "# C\n\n" + shared})
    converter = PartsConverter(config)
    converted = []
    convert = converter._convert
    converter._convert = lambda text, page: converted.append(text) or convert(text, page)
    both_ways(config, files, ["guides/alpha.md", "guides/beta.md", "other/gamma.md"], converter)
    assert converted == ["# A\n", shared, "# B\n", "# C\n", shared]  # again in another folder: its links differ


def test_parts_that_differ_by_their_figures_only_are_converted_once(tmp_path, monkeypatch):
    """A worked example's table in two guides, other figures in the same places: one conversion,
    each page with its own figures, each equal to the page converted whole."""
    table = ("??? example \"Worked example: {0}\"\n\n    | | Step | Amount |\n    |:-:|:--|--:|\n"
             "    | | Your salary | {1} |\n    | \u00d7 | Match rate | {2} |\n    | = | Your match | {3} |\n")
    config, files = project(tmp_path, {
        "index.md": "# Home\n", "guides/alpha.md": "# A\n\n" + table.format("$3,000", "$100,000", "3%", "$3,000"),
        "guides/beta.md": "# B\n\n" + table.format("$2,437.50", "$48,750", "5%", "$2,437.50")})
    monkeypatch.setattr(PartsConverter, "kept", OrderedDict())  # nothing from another test
    converter = PartsConverter(config)
    converted = []
    convert = converter._convert
    converter._convert = lambda text, page: converted.append(text) or convert(text, page)
    both_ways(config, files, ["guides/alpha.md", "guides/beta.md"], converter)
    assert converted == ["# A\n", table.format("$zqxaaa", "$zqxaab", "zqxaac%", "$zqxaad"), "# B\n"]


@pytest.mark.parametrize("text, figures", [
    ("Match: $3,000 of $100,000.50 (3%) +4 \u22125", ["3,000", "100,000.50", "3", "4", "5"]),
    ("1. a list's number\n2. and $6", ["6"]), ("1. 2. a list in a list\n- > 3) another", []),
    ("    7) indented number\n> 8 quoted first word", []),
    ("<td colspan=\"2\"> 9</td> $10", ["9", "10"]),  # the tag's attribute stays, its text does not
    ("x1 A1,000 $2k 3 4b", ["3"]),  # touching a letter or digit: not a figure
    ("$1 {: .cls } {: data-n=\"2 3\" }", ["1"]), ("$1 [link $2](a 3.md \"title 4\")", ["1", "2"]),
    ("$1 ![chart of $2](c-3.svg){ .wide }", ["1", "2"]),  # the destination and the attributes stay as they are
    ("$1 {: .cls\n}", []), ("$1 [link](a\nb.md)", []), ("$1 [link](a(2).md)", []),  # the whole part left as is
    ("$1 <span\nclass=x>", []), ("```\n$1\n```", []), ("$1 zqxaaa", []), ("$1 <a href=x>", []), ("$1\tx", []),
    ("## Save $1\nand $2", ["2"]), ("    #### Save $1\n    and $2", ["2"]), ("> - # Save $1", []),
    ("Save $1\n---", []), ("<h2 markdown>$1</h2>", []), ("Text $1 # not a heading", ["1"]),
], ids=["figures", "list-number", "nested-list-number", "first-word", "in-a-tag", "not-figures", "attribute-lists",
        "link", "image", "attributes-over-two-lines", "destination-over-two-lines", "destination-in-parentheses",
        "open-tag", "fence", "marker-letters", "raw-link", "tab", "heading-line", "indented-heading-line",
        "heading-in-a-quoted-list", "setext-heading", "html-heading", "hash-in-text"])
def test_a_figure_is_a_number_in_running_text_only(text, figures):
    shape, found = markdown_parts.masked(text)
    assert found == tuple(figures)
    markers = iter(found)
    assert re.sub("zqx[a-z]{3}", lambda _: next(markers), shape) == text if found else shape == text


def test_a_heading_keeps_its_figures_whatever_makes_its_id(tmp_path):
    """A configuration may make heading ids its own way; here a hash of the text, so a marker would
    leave no trace in the id, nor in the table of contents (one level only): a part with a heading
    is converted with its figures."""
    def hashed(value: str, separator: str) -> str:
        return "h" + hashlib.sha256(value.encode()).hexdigest()[:8]

    config, files = project(tmp_path, {"index.md": "# Home\n", "page.md": "# T\n\n## Save $1,200\n\nText.\n"},
                            markdown_extensions=[{"toc": {"slugify": hashed, "toc_depth": 1}}])
    both_ways(config, files, ["page.md"])


def test_a_first_page_that_ends_in_raw_html_passes_the_guard(tmp_path):
    """The guard compares the page as both ways end it (a part ending in raw HTML ends in a newline)."""
    config, files = project(tmp_path, {"index.md": "# Home\n", "page.md": "# A\n\nText.\n\n<!-- the end -->\n"})
    assert both_ways(config, files, ["page.md"], guarded=True).usable
