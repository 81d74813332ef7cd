"""Guide length: how tall a guide page is in a browser, as a reader scrolls it.

Builds the example site into a temporary folder, opens each guide in headless Debian chromium
(Playwright) at 1280×900 and 390×844, with worked examples as the page first shows them, and
prints the page height in CSS pixels beside the figures measured before the reading redesign
(issue #10). Run: python3 benchmarks/guide_length.py [PERSONA ...] (default priya omar javier maya).
Prints figures; it asserts nothing (tests check behaviour, this measures it).
"""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's generator, not another installed copy

from generator import build as pipeline  # noqa: E402
from generator.pdf import CHROMIUM, FLAGS  # noqa: E402
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
# Measured with this script on main at 91d8eca (before the redesign), 2026-11-27.
BEFORE = {
    "priya": {"desktop": 15764, "phone": 25054},
    "omar": {"desktop": 12700, "phone": 19496},
    "javier": {"desktop": 25151, "phone": 40649},
    "maya": {"desktop": 10680, "phone": 16202},
}


def build_example(root: Path) -> Path:
    for part in ("mkdocs.yml", "profiles", "templates", "site_content", "overrides"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    return pipeline.build(pipeline.Project(root)).site_dir


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def heights(site: Path, personas: list[str]) -> dict[str, dict[str, int]]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    measured: dict[str, dict[str, int]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for name, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for persona in personas:
                    page.goto(f"http://127.0.0.1:{server.server_port}/guides/{persona}/")
                    measured.setdefault(persona, {})[name] = page.evaluate("document.documentElement.scrollHeight")
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return measured


def main(personas: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        measured = heights(build_example(Path(tmp)), personas)
    print(f"{'guide':<10} {'view':<8} {'before px':>10} {'now px':>8} {'now/before':>11}")
    for persona in personas:
        for view in VIEWPORTS:
            now = measured[persona][view]
            before = BEFORE.get(persona, {}).get(view)
            ratio = f"{now / before:.2f}" if before else "—"
            print(f"{persona:<10} {view:<8} {before or '—':>10} {now:>8} {ratio:>11}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["priya", "omar", "javier", "maya"])
