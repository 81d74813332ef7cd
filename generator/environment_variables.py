"""The environment variables a build reads, each checked where it is read: a mistyped value stops the
command with one line naming the variable, its value and what it expects, never a traceback."""
from __future__ import annotations

import datetime as dt
import os

from .errors import BuildFailed

JOBS = "GUIDES_JOBS"
SHARD_SIZE = "GUIDES_SHARD_SIZE"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # the reproducible-builds convention: seconds since 1970, UTC


def whole_number(name: str, what: str) -> int | None:
    """The variable as a whole number of at least 1, or None when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise BuildFailed(f"{name}={value!r} is not a number of {what}: give a whole number, 1 or more, "
                          "or unset it for the default")
    return int(value)


def source_date() -> dt.date | None:
    """The day SOURCE_DATE_EPOCH names (UTC), or None when it is unset or empty."""
    value = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return None
    try:
        if not value.isascii() or not value.isdigit():
            raise ValueError
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise BuildFailed(f"{SOURCE_DATE_EPOCH}={value!r} is not a time: give the seconds since "
                          "1970-01-01 UTC as a whole number (for example 1767225600 for 2026-01-01), "
                          "or unset it to date the build today") from None
