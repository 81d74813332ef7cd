"""Publishing: the published path is a symlink to a complete site, switched in one atomic step.

Every build writes a fresh *version* folder next to the published path (`site` → `.site.builds/<v>`),
marks it with MARKER, and only when everything succeeded replaces the link with `os.replace` of a
new link. Whatever step a crash (even SIGKILL) stops at, the published path names a complete old
or new site; the next build removes what the crash left. The build removes only what carries its
own marker, so `--out` can never delete a folder a person made.

The version published before stays until the next build, which brings it up to date as its own new
version (shards.HeadStart) or removes it while it works (`Sweep`): making and removing tens of
thousands of files is seconds of disk work a rebuild need not do or wait for. A build that takes
down a client's page removes it at once (build.py), so no page taken down outlives its build.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import BuildFailed

MARKER = ".guides-site"  # in every folder the build made and may therefore replace or remove
MARKER_TEXT = "Made by `guides build`; the build may replace or remove this folder.\n"
LOCK = ".guides.lock"
RM = ("rm", "-rf", "--")  # removes a big site's tens of thousands of files several times faster than shutil
WORK_PREFIX = ".guides-build-"  # the build's scratch folders in the project (they hold private Markdown)
FAULT_ENV = "GUIDES_FAULT_AT"  # tests: SIGKILL the build at the named step (see `step`)


@dataclass(frozen=True)
class Target:
    """Where a site is published: the link people's web server serves, and the folder of versions behind it."""

    link: Path

    @property
    def store(self) -> Path:
        return self.link.with_name(f".{self.link.name}.builds")

    def current(self) -> Path | None:
        """The version the link names now (None when there is no link yet)."""
        if not self.link.is_symlink():
            return None
        return self.link.parent / os.readlink(self.link)


# ----------------------------------------------------------------------------- what --out may name

def target_for(out: Path, project_root: Path, protected: dict[Path, str]) -> Target:
    """The publish target for `out`, or BuildFailed saying why the build may not replace it.

    `protected` maps the project's own folders to why they may not hold a site. Nothing is touched here.
    """
    out = Path(os.path.abspath(out))
    shown = str(out)
    if out.resolve() in (project_root.resolve(), *project_root.resolve().parents):
        raise BuildFailed(f"--out {shown} is the project folder or a folder holding it; "
                          "a build replaces its output folder, so choose a new folder such as site/")
    if out.resolve() == Path.home().resolve():
        raise BuildFailed(f"--out {shown} is your home folder; choose a new folder such as ~/guides-site")
    spot = out.parent.resolve() / out.name  # the final name itself may be our link: do not follow it
    for folder, why in protected.items():
        folder = folder.resolve()
        if spot == folder or folder in spot.parents:
            raise BuildFailed(f"--out {shown} is inside {folder.name}/, {why}; choose a folder outside it")
    for parent in spot.parents:
        if (parent / MARKER).is_file():
            raise BuildFailed(f"--out {shown} is inside {parent}, a site the build made and replaces; "
                              "choose a folder outside it")
    target = Target(spot)
    if target.store.exists() and not (target.store / MARKER).is_file():
        raise BuildFailed(f"{target.store} exists but was not made by guides build (no {MARKER} marker); "
                          "move it away or choose another --out")
    if spot.is_symlink():
        version = target.current()
        if version is None or version.parent.resolve() != target.store.resolve():
            raise BuildFailed(f"{shown} is a symlink the build did not make (it points to {os.readlink(spot)}); "
                              "remove the link or choose another --out")
    elif spot.is_dir():
        if any(spot.iterdir()):
            raise BuildFailed(f"{shown} is a folder the build did not make (no {MARKER} marker) and is not empty; "
                              "the build replaces only its own sites: move it away (sites from older versions of "
                              "guides are plain folders: delete it once) or choose another --out")
    elif spot.exists():
        raise BuildFailed(f"{shown} is a file, not a site folder; choose another --out")
    return target


# ----------------------------------------------------------------------------- one build at a time

@contextlib.contextmanager
def locked(project_root: Path) -> Iterator[None]:
    """Hold the project's build lock; a second build waits for the first (and says so)."""
    with open(project_root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another build of this project is running; waiting for it to finish ({LOCK}).", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_leftovers(project_root: Path, target: Target) -> None:
    """Remove what crashed builds left: scratch folders, unpublished versions, half-made links.

    Called with the lock held, so no other build is using any of it.
    """
    for scratch in project_root.glob(WORK_PREFIX + "*"):
        if scratch.is_dir() and not scratch.is_symlink():
            remove_tree(scratch)
    for link in target.link.parent.glob(f".{target.link.name}.link-*"):
        if link.is_symlink():
            link.unlink()
    for half_written in project_root.glob(".guides-secret.tmp-*"):  # a secret never linked into place
        half_written.unlink()
    for swapped in (f".{target.link.name}.old", f".{target.link.name}.new"):  # older versions' two-rename swap
        old_site = target.link.with_name(swapped)
        if (old_site / "search" / "search_index.json").is_file() and (old_site / "sitemap.xml").is_file():
            remove_tree(old_site)


def old_versions(target: Target) -> list[Path]:
    """Every marked version the link does not name: the one published before, and what crashed builds left."""
    if not target.store.is_dir():
        return []
    current = target.current()
    return sorted(version for version in target.store.iterdir()
                  if version.is_dir() and not version.is_symlink() and (version / MARKER).is_file()
                  and (current is None or version.resolve() != current.resolve()))


class Sweep:
    """Removes the old versions (`old_versions`, as they are when it starts) with `rm -rf` in a process
    of its own, while the build works. `finish` waits for it, then removes in Python whatever is left
    (no rm, or it failed); the build calls it once the new site is published. Started with the
    build's lock held, so no other build uses those versions."""

    def __init__(self, target: Target, keep: Path | None = None) -> None:
        self.folders = [version for version in old_versions(target) if version != keep]  # keep: this build's
        self.process: subprocess.Popen | None = None
        if self.folders and shutil.which(RM[0]):
            self.process = subprocess.Popen([*RM, *map(str, self.folders)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self) -> None:
        """Wait for the rm process (a failed build does too: it leaves no process behind)."""
        if self.process is not None:
            self.process.wait()
            self.process = None

    def finish(self) -> None:
        self.wait()
        for folder in self.folders:
            if folder.exists():
                remove_tree(folder)


# ----------------------------------------------------------------------------- build and switch

def remove_tree(folder: Path) -> None:
    """Remove a folder this program made, with everything in it: with RM, else (no rm, or it failed)
    with shutil, which removes what rm left."""
    if shutil.which(RM[0]) and subprocess.run([*RM, str(folder)], capture_output=True).returncode == 0:
        return
    if folder.exists():
        shutil.rmtree(folder)


def new_version(target: Target) -> Path:
    """A fresh, marked folder for this build's site (the marker first, so a crash leaves it removable)."""
    target.store.mkdir(parents=True, exist_ok=True)
    if not (target.store / MARKER).is_file():
        (target.store / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    version = _version_name(target)
    version.mkdir()
    (version / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    step("version-made")
    return version


def renewed(target: Target, old: Path) -> Path:
    """An old version (`old_versions`), renamed as this build's, for the build to bring up to date."""
    version = _version_name(target)
    old.rename(version)
    step("version-made")
    return version


def _version_name(target: Target) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return target.store / f"{stamp}-{secrets.token_hex(4)}"


def discard(version: Path) -> None:
    """Remove a version that failed before it was published."""
    if (version / MARKER).is_file():
        shutil.rmtree(version, ignore_errors=True)


def switch(target: Target, version: Path) -> None:
    """Point the published path at `version` in one atomic step (the version it named before is then
    an old version, removed by the next build's Sweep)."""
    relative = os.path.relpath(version, target.link.parent)
    staged = target.link.with_name(f".{target.link.name}.link-{secrets.token_hex(4)}")
    os.symlink(relative, staged)
    step("link-made")
    if target.link.is_dir() and not target.link.is_symlink():
        target.link.rmdir()  # an empty folder given as --out (target_for refused any other)
    os.replace(staged, target.link)
    step("link-switched")


def step(name: str) -> None:
    """A named step of publishing. Tests set GUIDES_FAULT_AT to kill the process right here, as a
    power cut or `kill -9` would, and check that the published path still names a complete site."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def describe(error: OSError) -> str:
    """One line for an OS error met while building, before publishing: what failed, and that the
    published site is as it was."""
    return f"{cause(error)}; the published site was not changed"


def cause(error: OSError) -> str:
    """An OS error in words: which file could not be written, and why."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        source, _, why = error.args[0][0]  # copytree's list of (source, target, why): the first says enough
        more = len(error.args[0]) - 1
        return (f"cannot copy: {why}" if str(source) in str(why) else f"cannot copy {source}: {why}") + (
            f" (and {more} more)" if more else "")
    why = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
           errno.EACCES: "permission denied", errno.EPERM: "permission denied",
           errno.EDQUOT: "the disk quota is used up", errno.EXDEV: "it is on another file system"}
    reason = why.get(error.errno, error.strerror or str(error))
    where = f" {error.filename}" if error.filename else ""
    return f"cannot write{where}: {reason}"
