"""The link secret: what makes a private guide's address unguessable, and stable across builds.

A client's link is `c/<token>/` with token = HMAC-SHA256(secret, persona id). Anyone with the
secret can compute every link, and a different secret changes every link, so the secret must be
strong, kept, and never replaced behind the user's back. It comes from GUIDES_LINK_SECRET or
the untracked file .guides-secret in the project.
"""
from __future__ import annotations

import hmac
import os
import secrets
import string
import tempfile
from pathlib import Path

from .errors import BuildFailed
from .yamlio import Unreadable, read_bytes

ENV = "GUIDES_LINK_SECRET"
FILE = ".guides-secret"
MIN_BITS = 256  # 32 bytes of entropy, the size of the HMAC-SHA256 key
MIN_DISTINCT = 10  # fewer distinct characters is a pattern, not a random key
GENERATE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def token_for(secret: bytes, persona_id: str) -> str:
    """The URL slug of a private guide: 32 hex digits (128 bits) of HMAC-SHA256 of the id."""
    return hmac.digest(secret, persona_id.encode(), "sha256").hex()[:32]  # one C call: 10,000 slugs per build


def new_secret() -> str:
    return secrets.token_hex(32)


def estimated_bits(text: str) -> int:
    """A generous estimate of a secret's entropy: its length times the bits a character carries in
    the smallest usual alphabet it is written in (hex 4, base64 6, printable ASCII 6, other bytes 8).
    A key made as GENERATE says is 64 hex digits: 256 bits."""
    for alphabet, bits in ((string.hexdigits, 4), (string.ascii_letters + string.digits + "+/=-_", 6),
                           (string.printable, 6)):
        if set(text) <= set(alphabet):
            return len(text) * bits
    return len(text.encode()) * 8


def weakness(text: str) -> str | None:
    """Why `text` may not be a link secret, or None when it is strong enough."""
    if not text:
        return "is empty"
    if estimated_bits(text) < MIN_BITS or len(set(text)) < MIN_DISTINCT:
        return (f"is too weak ({len(text)} characters; a link secret needs at least 32 random bytes, "
                "e.g. 64 hex digits)")
    return None


def load_secret(project_root: Path) -> bytes | None:
    """The project's link secret, checked; None when none exists yet. BuildFailed when it is unusable."""
    from_env = os.environ.get(ENV)
    if from_env is not None:
        problem = weakness(from_env.strip())
        if problem:
            raise BuildFailed(f"{ENV} {problem}; set it to a random key made with: {GENERATE}")
        return from_env.strip().encode()
    path = project_root / FILE
    if not path.exists():
        return None
    try:  # read as a profile is: a named pipe is never waited on, a device never read
        text = read_bytes(path).decode("utf-8").strip()
        problem = weakness(text)
    except Unreadable as unreadable:
        problem = unreadable.message
    except UnicodeDecodeError:
        problem = "is not text (UTF-8)"
    if problem:
        raise BuildFailed(f"{FILE} {problem}. If no private link was shared yet, delete the file and build again; "
                          f"otherwise restore the secret from where you keep it (or set {ENV})")
    return text.encode()


def create_secret(project_root: Path) -> bytes:
    """Write a new secret to .guides-secret: 0600 from the first byte, complete or absent (a temp
    file, fsync, then a hard link that fails if another build made the file first)."""
    text = new_secret()
    temp = _durable_temp(project_root, text)
    try:
        os.link(temp, project_root / FILE)
    except FileExistsError:
        return load_secret(project_root) or b""
    finally:
        os.unlink(temp)
    _sync_folder(project_root)
    return text.encode()


def write_secret(project_root: Path, text: str) -> None:
    """Replace .guides-secret with `text` atomically (for rotating the secret on purpose)."""
    problem = weakness(text)
    if problem:
        raise BuildFailed(f"the new link secret {problem}")
    temp = _durable_temp(project_root, text)
    try:
        os.replace(temp, project_root / FILE)
    except BaseException:
        os.unlink(temp)
        raise
    _sync_folder(project_root)


def _durable_temp(folder: Path, text: str) -> str:
    """A temp file beside FILE holding `text`, on disk: mkstemp creates it readable by the owner only."""
    fd, temp = tempfile.mkstemp(prefix=FILE + ".tmp-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _sync_folder(folder: Path) -> None:
    """fsync the folder, so the new name survives a power cut too."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def secret_for_build(project_root: Path, private_ids: list[str]) -> tuple[bytes | None, str | None]:
    """The secret for this build and, when one had to be made, a notice telling the user so.

    None when no persona is private (no secret is needed, none is made).
    """
    secret = load_secret(project_root)
    if secret is not None or not private_ids:
        return secret, None
    secret = create_secret(project_root)
    notice = (f"Created a new link secret in {FILE} for {len(private_ids)} private guide"
              f"{'s' if len(private_ids) != 1 else ''}. Every private link depends on it: keep a copy in your "
              f"secret store and, on other machines or a fresh checkout, set {ENV} to it (or copy the file). "
              "A different secret would change every client's link.")
    return secret, notice
