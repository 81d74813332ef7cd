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
from typing import Callable, Iterator

from . import limits, workers, yamlio
from .profiles import LoadedPersona, Persona
from .tree_hash import hash_tree

FILE = Path("build") / "shards" / "personas.pickle"
PARALLEL_FROM = 400  # files to read from which more processes than one read them (fewer take under a second)
SLICE = 100  # files a process reads at a time: small enough for the processes to finish together


class PersonaCache:
    def __init__(self, project_root: Path, profiles_dir: Path, year: int | None,
                 keeps: Callable[[Persona], bool], jobs: int = 1) -> None:
        self.file = project_root / FILE
        self.keeps = keeps  # which valid personas may be kept (a passphrase-protected client's is not)
        self.jobs = jobs  # processes that read the files the cache does not hold, when there are many
        digest = hashlib.sha256(repr(year).encode())
        limits.hash_code_and_limits(digest)
        hash_tree(digest, profiles_dir / "plans", project_root)
        self.salt = digest.hexdigest()
        found = _unpickled(self.file.read_bytes)
        self.found: dict[str, bytes] = found if isinstance(found, dict) else {}  # each entry pickled on its own
        self.used: dict[str, bytes] = {}
        self.contents: dict[str, str] = {}  # each file read, as shown: the SHA-256 of its bytes (shard keys use it)

    def read_all(self, files: list[tuple[Path, str]],
                 read: Callable[[Path, str], LoadedPersona]) -> Iterator[LoadedPersona]:
        """The outcome of `read(path, shown)` for each file as it is now, in order: kept from the last
        build, or read. From PARALLEL_FROM files to read, they are read on `jobs` processes (a build
        from scratch of 10,000 personas: about 10 s on one core)."""
        keys: list[str | None] = []
        for path, shown in files:
            try:
                content = hashlib.sha256(yamlio.read_bytes(path)).hexdigest()
            except (OSError, yamlio.Unreadable):  # the loader says what is wrong with the file
                keys.append(None)
                continue
            self.contents[shown] = content
            keys.append(hashlib.sha256(f"{self.salt}\0{shown}\0{content}".encode()).hexdigest())
        kept = [_unpickled(lambda: self.found[key]) if key in self.found else None for key in keys]
        missing = [file for file, found in zip(files, kept) if not isinstance(found, LoadedPersona)]
        fresh = _read_many(missing, read, self.jobs if len(missing) >= PARALLEL_FROM else 1)
        for key, found in zip(keys, kept):
            loaded, pickled = (found, self.found[key]) if isinstance(found, LoadedPersona) else next(fresh)
            if key is not None and loaded.persona is not None and self.keeps(loaded.persona):
                # a file that does not validate is read each time
                self.used[key] = pickled or pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
            yield loaded

    def save(self) -> None:
        """Keep this build's entries (and only those) for the next build."""
        if self.used.keys() == self.found.keys():
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        staged = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        staged.write_bytes(pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))
        staged.replace(self.file)


def _read_many(files: list[tuple[Path, str]], read: Callable[[Path, str], LoadedPersona],
               jobs: int) -> Iterator[tuple[LoadedPersona, bytes | None]]:
    """Each file's outcome, in order, with its pickle when it has one: on `jobs` processes, each
    reading a slice of the files in turn and sending back the pickles (the cache keeps them)."""
    if jobs <= 1:
        yield from ((read(path, shown), None) for path, shown in files)
        return
    slices = [files[start:start + SLICE] for start in range(0, len(files), SLICE)]
    with workers.pool(jobs, "reading the profiles") as pool:
        done = list(pool.map(_read_pickled, slices, [read] * len(slices)))
    yield from ((pickle.loads(pickled), pickled) for pickles in done for pickled in pickles)


def _read_pickled(files: list[tuple[Path, str]], read: Callable[[Path, str], LoadedPersona]) -> list[bytes]:
    return [pickle.dumps(read(path, shown), protocol=pickle.HIGHEST_PROTOCOL) for path, shown in files]


def _unpickled(data: Callable[[], bytes]):
    """What `data()` holds, or None: no cache yet, or one left by another version of the generator
    (the build then reads the files again)."""
    try:
        return pickle.loads(data())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
