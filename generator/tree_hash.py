"""The hash of a folder's files, names and bytes: what the build's caches are keyed by."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def hash_tree(digest, folder: Path, root: Path, skip: Callable[[Path], bool] = lambda path: False) -> None:
    """Add every file below `folder` (or `folder` itself, a file) but those `skip` names to `digest`:
    its path from `root`, then its bytes."""
    for path in sorted(path for path in _files(folder) if not skip(path)):
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        if path.is_file():  # a named pipe or a device is never read: it could block, or never end
            digest.update(path.read_bytes())
        else:
            digest.update(b"\0(not a file)")


def _files(folder: Path):
    if folder.is_file():
        yield folder
        return
    for top, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            yield Path(top) / name
