"""Screenshots of built pages in headless Debian chromium, to look at what a change did.

Run after `python3 -m generator build`:
    python3 scripts/screenshot.py guides/maya/ --size 390x844 --out /tmp/maya-phone.png
Options: --full for the whole page, --open to expand worked examples, --dark for the dark palette.
The README's screenshot is made with:
    python3 scripts/screenshot.py guides/priya/ --size 390x844 --out screenshots/guide-first-screen.png
"""
from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's generator
from generator.pdf import CHROMIUM, FLAGS  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="page paths in the site, e.g. guides/maya/")
    parser.add_argument("--site", default="site", type=Path)
    parser.add_argument("--size", default="1280x900")
    parser.add_argument("--out", default="screenshot.png", help="file (one page) or folder (several)")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--open", action="store_true")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": width, "height": height},
                                    color_scheme="dark" if args.dark else "light")
            for path in args.paths:
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
                if args.open:
                    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                out = Path(args.out)
                if len(args.paths) > 1:
                    out.mkdir(parents=True, exist_ok=True)
                    out = out / (path.strip("/").replace("/", "-") + ".png")
                page.screenshot(path=str(out), full_page=args.full)
                print(out)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
