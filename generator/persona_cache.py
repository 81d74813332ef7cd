"""What each persona file gave when it was last read and checked, kept for the next build.

Reading and checking a persona takes about a millisecond; with 10,000 of them that is most of a
rebuild after one file changed. A file's outcome (profiles.LoadedPersona: the persona, or its
problems) depends only on its bytes, its name, the plans, the limits, the tax year asked for and
the generator's code, so the build keeps it under the hash of those and reads again only the files
whose hash is new. A file that does not validate is read every time, and a passphrase-protected
client's profile is never kept: the build folder holds nothing of theirs in clear. The cache is one
file, written whole (a new file renamed over the old), holding the entries of the last build only,
each pickled on its own: a rebuild after one file changed pickles that one entry again, not 10,000.
It is a pickle: it is made by the build and read by the build, never taken from elsewhere (like
build/shards/).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Callable

from . import limits, yamlio
from .profiles import LoadedPersona, Persona
from .tree_hash import hash_tree

FILE = Path("build") / "shards" / "personas.pickle"


class PersonaCache:
    def __init__(self, project_root: Path, profiles_dir: Path, year: int | None,
                 keeps: Callable[[Persona], bool]) -> None:
        self.file = project_root / FILE
        self.keeps = keeps  # which valid personas may be kept (a passphrase-protected client's is not)
        digest = hashlib.sha256(repr(year).encode())
        limits.hash_code_and_limits(digest)
        hash_tree(digest, profiles_dir / "plans", project_root)
        self.salt = digest.hexdigest()
        found = _unpickled(self.file.read_bytes)
        self.found: dict[str, bytes] = found if isinstance(found, dict) else {}  # each entry pickled on its own
        self.used: dict[str, bytes] = {}
        self.contents: dict[str, str] = {}  # each file read, as shown: the SHA-256 of its bytes (shard keys use it)

    def read(self, path: Path, shown: str, read: Callable[[], LoadedPersona]) -> LoadedPersona:
        """The outcome of `read()` for this file as it is now: kept from the last build, or read."""
        try:
            content = hashlib.sha256(yamlio.read_bytes(path)).hexdigest()
        except (OSError, yamlio.Unreadable):  # the loader says what is wrong with the file
            return read()
        self.contents[shown] = content
        key = hashlib.sha256(f"{self.salt}\0{shown}\0{content}".encode()).hexdigest()
        kept = self.found.get(key)
        loaded = _unpickled(lambda: kept) if isinstance(kept, bytes) else None
        if not isinstance(loaded, LoadedPersona):
            loaded, kept = read(), None
        if loaded.persona is not None and self.keeps(loaded.persona):  # a file that does not validate is read each time
            self.used[key] = kept or pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
        return loaded

    def save(self) -> None:
        """Keep this build's entries (and only those) for the next build."""
        if self.used.keys() == self.found.keys():
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        staged = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        staged.write_bytes(pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))
        staged.replace(self.file)


def _unpickled(data: Callable[[], bytes]):
    """What `data()` holds, or None: no cache yet, or one left by another version of the generator
    (the build then reads the files again)."""
    try:
        return pickle.loads(data())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
