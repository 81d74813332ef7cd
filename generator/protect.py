"""Passphrase protection of a client's guide (`protect: passphrase`).

The guide's HTML is encrypted inside the MkDocs build, the moment MkDocs has turned its Markdown
into HTML and before anything else sees it: the search index, the table of contents, the page
title, the `<meta>` description and the theme's template only ever get the locked page. The
client's browser opens it with WebCrypto (assets/guides-unlock.js, served by the site itself).

AES-256-GCM, key from PBKDF2-HMAC-SHA256 at 600,000 iterations (OWASP's 2023 figure for
PBKDF2-SHA256), a fresh random salt and nonce per page and per build. So a protected page is the
one output that differs between two builds of the same input: reusing a nonce under GCM would
give the key away, and the issue asks for fresh ones.

Why not mkdocs-encryptcontent-plugin (3.1.0, evaluated): it encrypts with AES-CBC through
pycryptodome (no authentication: a wrong passphrase is detected by a separate hash), loads
crypto-js from a CDN unless told otherwise, and its tracker documents leaks with Material that
need theme patches or extra settings: search entries (#13, #35, #74), the table of contents
(#9, #21) and print pages (#63, #78). Encrypting the content before the theme and the search
plugin see it closes all of these at once, in about a hundred lines.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
from importlib import resources
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from mkdocs.plugins import BasePlugin
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import get_relative_url

from .errors import Problem
from .privacy import PRIVATE_DIR, PrivatePage

ITERATIONS = 600_000
UNLOCK_SCRIPT = "assets/guides-unlock.js"  # where the build puts the browser side, in the docs folder


def passphrase_for(secret: bytes, persona_id: str) -> str:
    """The client's passphrase: stable across builds, derived from the link secret under its own label.

    The label keeps it independent of the link token, so knowing the link tells nothing about the
    passphrase. 20 base32 characters carry 100 bits: out of reach of guessing even offline.
    """
    digest = hmac.new(secret, b"passphrase\0" + persona_id.encode(), hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode().lower()[:20]
    return "-".join(letters[i:i + 5] for i in range(0, 20, 5))


def _key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    # Only the letters and digits count, in lowercase, so "ABCDE ffff..." typed by hand still opens
    # the page; guides-unlock.js does the same before deriving the key.
    letters = re.sub(r"[^a-z0-9]", "", passphrase.lower())
    return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(
        letters.encode("utf-8"))


def seal(content: dict, passphrase: str) -> dict:
    """`content` as JSON, encrypted: everything the browser needs to open it, nothing readable."""
    salt, nonce = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_key(passphrase, salt, ITERATIONS)).encrypt(
        nonce, json.dumps(content).encode("utf-8"), None)
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return {"v": 1, "kdf": "PBKDF2-SHA256", "iterations": ITERATIONS, "cipher": "AES-256-GCM",
            "salt": b64(salt), "nonce": b64(nonce), "ciphertext": b64(ciphertext)}


def unseal(sealed: dict, passphrase: str) -> dict:
    """The inverse of seal (the client packet and the tests use it); a wrong passphrase raises InvalidTag."""
    raw = {name: base64.b64decode(sealed[name]) for name in ("salt", "nonce", "ciphertext")}
    key = _key(passphrase, raw["salt"], sealed["iterations"])
    return json.loads(AESGCM(key).decrypt(raw["nonce"], raw["ciphertext"], None))


def readable_on_locked_pages(site: Path, pages: list[PrivatePage]) -> list[Problem]:
    """A protected guide's own page may not show the client's name either: proof, after every build,
    that the page that went out is the locked one (privacy.leaks checks every other file)."""
    problems = []
    for page in pages:
        relative = f"{PRIVATE_DIR}/{page.token}/index.html"
        text = (site / relative).read_text(encoding="utf-8")
        for name in page.texts:
            if re.search(r"(?<!\w)" + re.escape(html.escape(name, quote=False)) + r"(?!\w)", text):
                problems.append(Problem(relative, 1, page.persona_id, "protected guide readable: the client's name "
                                        "is in its page", "the site was not published"))
    return problems


def open_in_browser(page, passphrase: str) -> None:
    """Open a locked page in a Playwright page the way a client does, and wait for the guide: for
    printing a protected guide to PDF (the PDF itself must then be kept outside the published site)."""
    page.fill("#guides-unlock input[name=passphrase]", passphrase)
    page.click("#guides-unlock button")
    page.wait_for_selector("#guides-unlock", state="detached")


def unlock_script() -> str:
    return resources.files("generator").joinpath("assets", "guides-unlock.js").read_text(encoding="utf-8")


class ProtectPages(BasePlugin):
    """Added to the MkDocs configuration by the build (not in mkdocs.yml): it needs the passphrases,
    which never touch a file. `locked_page` is the template of what a visitor sees before unlocking
    (templates/protected.html.j2); it sets `title`."""

    def __init__(self, passphrases: dict[str, str], locked_page) -> None:
        super().__init__()
        self.passphrases = passphrases  # by the page's path in the docs folder
        self.locked_page = locked_page

    def on_page_content(self, html: str, page, config, files) -> str:
        passphrase = self.passphrases.get(page.file.src_uri)
        if passphrase is None:
            return html
        sealed = seal({"title": page.title, "html": html}, passphrase)
        locked = self.locked_page.make_module({"sealed_json": json.dumps(sealed),
                                               "script_url": get_relative_url(UNLOCK_SCRIPT, page.url)})
        title = locked.title
        # Everything the theme and the search plugin read from here on describes the locked page only.
        kept = {key: page.meta[key] for key in ("hide",) if key in page.meta}  # e.g. no site navigation
        page.meta = {"title": title, "search": {"exclude": True}, "robots": "noindex", **kept}
        page.title = title
        page.toc = TableOfContents([])
        return str(locked)
