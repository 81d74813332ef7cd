"""A guide printed to PDF (guides build --pdf): a first page that says who it is for and on what terms,
and page numbers. Read back with pdftotext (poppler-utils)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from generator.pdf import CHROMIUM, write_pdfs

if not (os.path.exists(CHROMIUM) and shutil.which("pdftotext")):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install chromium and poppler-utils (see .ci/run) for the PDF test")
    pytest.skip("needs Debian's chromium and pdftotext (apt-get install chromium poppler-utils)",
                allow_module_level=True)


def pages_of(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def priya_pdf(built, tmp_path_factory):
    [pdf] = write_pdfs(built.root / "site", {"priya": "guides/priya/"}, tmp_path_factory.mktemp("pdf"))
    return pdf


def test_the_first_page_names_the_reader_the_date_the_limits_and_the_disclaimer(priya_pdf):
    first = " ".join(pages_of(priya_pdf)[0].split())
    assert "Priya: your 2026 retirement-savings guide" in first
    assert "Prepared for Priya" in first and "as of " in first
    assert "IRS Notice 2025-67" in first
    assert "It is not individual tax, legal or investment advice" in first
    assert "What to do" in first


def test_every_page_is_numbered_and_worked_examples_are_printed_open(priya_pdf):
    pages = pages_of(priya_pdf)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    whole = " ".join(" ".join(pages).split())
    assert "Line 18: taxable conversion" in whole  # a step inside a collapsed worked example


def test_no_printed_page_but_the_last_is_left_mostly_blank(priya_pdf, tmp_path):
    """A block holding a chart used to move whole to the next page, leaving one with a few lines on
    it. Each page but the last must have ink in the lower half of its text area (above the page
    number at the foot)."""
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(priya_pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) > 3
    for page in pages[:-1]:
        rows = grey_rows(page)
        lower_half = rows[len(rows) // 2: len(rows) * 9 // 10]  # the foot's page number is below 90 %
        assert any(min(row) < 200 for row in lower_half), page.name


def grey_rows(path) -> list[bytes]:
    """The pixel rows of a binary PGM (P5, 8-bit) image, as pdftoppm -gray writes it."""
    data = path.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)  # one whitespace byte, then the pixels
    width, height = int(header.group(1)), int(header.group(2))
    pixels = data[header.end():]
    return [pixels[y * width:(y + 1) * width] for y in range(height)]
