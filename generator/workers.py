"""The processes a build shares its work with: forked from it (so each starts with what the build
has loaded), stopping at Ctrl-C as any program does (the build says "Aborted!" once, with no
traceback from each of them), and a process killed midway (out of memory, kill -9) is one line."""
from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import signal
from typing import Iterator

from .errors import BuildFailed


@contextlib.contextmanager
def pool(jobs: int, doing: str) -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    """`jobs` forked processes; `doing` says what they do, for the message if one is killed."""
    with concurrent.futures.ProcessPoolExecutor(jobs, initializer=_stop_on_interrupt,
                                                mp_context=multiprocessing.get_context("fork")) as workers:
        try:
            yield workers
        except concurrent.futures.process.BrokenProcessPool:
            raise BuildFailed(f"a process {doing} stopped without finishing (killed, or out of memory?); "
                              "the published site was not changed") from None


def _stop_on_interrupt() -> None:
    """Ctrl-C reaches the whole process group: a worker takes its default action, and the build
    handles the interrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
