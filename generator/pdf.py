"""PDF copies of built pages, printed by headless Chromium from the same HTML the site serves.

Chromium (Debian's, driven by Playwright, as the browser tests drive it) rather than WeasyPrint:
it is already a dependency, it runs the page's own CSS and JavaScript exactly as a reader's browser
does, and it prints CSS page-margin boxes (the page numbers in guides.css). WeasyPrint would be a
second rendering engine with its own gaps in Material's CSS, and a new dependency.
"""
from __future__ import annotations

import shutil
from pathlib import Path

# Debian's chromium (never a downloaded browser), with the flags a sandboxed, offline machine needs:
# no background calls to the outside world. The browser tests and scripts/ launch it the same way.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def write_pdfs(site_dir: Path, pages: dict[str, str], out_dir: Path,
               passphrases: dict[str, str] | None = None) -> list[Path]:
    """Print each page of `site_dir` to `out_dir`/NAME.pdf. `pages` maps NAME to the page's folder
    in the site (e.g. {"priya": "guides/priya/"}). The print stylesheet gives the first page, the
    page numbers and the breaks; every collapsed block is opened first, as printing does.
    A page named in `passphrases` is locked (protect.py): it is unlocked first, as its client would."""
    from playwright.sync_api import sync_playwright

    from .protect import open_in_browser

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        for name, path in pages.items():
            page.goto((site_dir.resolve() / path / "index.html").as_uri())
            if passphrases and name in passphrases:
                open_in_browser(page, passphrases[name])
            page.emulate_media(media="print")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            target = out_dir / f"{name}.pdf"
            page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
            written.append(target)
        browser.close()
    return written
