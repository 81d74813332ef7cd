"""Earlier years' sites stay reachable: the current year at the root, each kept year under /YEAR/.

When a build moves the site to a new tax year, the site it replaces is copied, as it was
published, into the new site's /YEAR/ folder, so old links keep working (each page's links are
relative, so a copied site works in its folder) and a reader can compare. The current year and
the KEPT_YEARS before it are kept; older copies are dropped.
"""
from __future__ import annotations

import shutil
from pathlib import Path

KEPT_YEARS = 2  # earlier tax years kept beside the current one: /2026/ and /2025/ on a 2027 site
MARKER = ".guides-year"  # in a built site: the tax year it was built for


def site_year(site: Path) -> int | None:
    """The tax year a built site was made for, or None (no site, or one built before the marker)."""
    try:
        return int((site / MARKER).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def archived_years(site: Path) -> list[int]:
    return sorted(int(p.name) for p in site.glob("[0-9][0-9][0-9][0-9]") if p.is_dir())


def keep_earlier_years(previous: Path | None, built: Path, year: int) -> list[int]:
    """Copy into `built` (the new site, for `year`) the earlier years of `previous` (the published
    site, None before the first) still in the window.

    Returns the years now kept under the new site, oldest first.
    """
    (built / MARKER).write_text(f"{year}\n", encoding="utf-8")
    if previous is None or not previous.is_dir():
        return []
    window = range(year - KEPT_YEARS, year)
    last = site_year(previous)
    for kept in archived_years(previous):
        if kept in window and kept != last:
            shutil.copytree(previous / str(kept), built / str(kept))
    if last in window:  # the site being replaced becomes /<its year>/, without its own archive
        shutil.copytree(previous, built / str(last), ignore=_own_archive_and_marks(previous))
    return archived_years(built)


def _own_archive_and_marks(previous: Path):
    """At the top of the site being archived: its own year folders and the build's marker files."""
    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder) != previous:
            return []
        return [n for n in names if n.startswith(".guides-") or (n.isdigit() and len(n) == 4)]
    return ignore
