"""Headless Debian chromium through Playwright for the browser tests (never a downloaded browser),
and a local web server for a built site."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from generator.pdf import CHROMIUM, FLAGS  # noqa: F401 - one way to launch chromium, for the tests too


def require_chromium():
    """Playwright's sync API, or skip the calling module where Debian's chromium is missing (never in CI)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("CI must install Debian's chromium (see .ci/run) for the browser tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path):
    """The site folder over http on 127.0.0.1 (a secure context for WebCrypto); yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def browser_page(playwright, width: int = 1400, height: int = 900):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            browser.close()
