"""IRS limits: one cited YAML file per tax year, shipped inside the package.

A year without a file is an error that names the file to add; limits are never projected or
copied from the year before.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..yamlio import load_yaml

LIMITS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Limit:
    """One legal number for one year. `value` is None where the law had no such limit that year."""

    key: str
    value: Decimal | None
    statute: str
    notice: str
    href: str
    enforced: bool = True  # only the Roth catch-up threshold has a year when it was not

    @property
    def source(self) -> str:
        """The citation printed beside the number: statute and the notice that set the amount."""
        return f"{self.statute}; {self.notice}"


@dataclass(frozen=True)
class PhaseOut:
    """A MAGI range: the full amount at or below `start`, nothing at or above `end`."""

    key: str
    start: Decimal
    end: Decimal
    statute: str
    notice: str
    href: str

    @property
    def width(self) -> Decimal:
        return self.end - self.start

    @property
    def source(self) -> str:
        return f"{self.statute}; {self.notice}"


@dataclass(frozen=True)
class Limits:
    """Every limit of one tax year, by key (`limits.elective_deferral.value`)."""

    tax_year: int
    notice: str
    notice_href: str
    published: str
    entries: dict[str, Limit | PhaseOut]

    def __getattr__(self, key: str) -> Limit | PhaseOut:
        try:
            return self.__dict__["entries"][key]
        except KeyError:
            raise AttributeError(f"no limit {key!r} for {self.__dict__.get('tax_year')}") from None


class MissingLimits(Exception):
    """No limits file for a tax year."""

    def __init__(self, year: int):
        self.year = year
        self.file = f"generator/limits/{year}.yaml"
        super().__init__(
            f"no IRS limits for tax year {year}: add {self.file} "
            "(copy the previous year's file and enter the figures from the IRS notice for that year)"
        )


def available_years() -> list[int]:
    return sorted(int(p.stem) for p in LIMITS_DIR.glob("[0-9][0-9][0-9][0-9].yaml"))


@cache
def load_limits(year: int) -> Limits:
    """The limits of `year`; raises MissingLimits when the year has no file."""
    path = LIMITS_DIR / f"{year}.yaml"
    if not path.exists():
        raise MissingLimits(year)
    data, problems = load_yaml(path, f"generator/limits/{year}.yaml")
    if problems:  # the shipped files are checked by the test suite; this is a broken install
        raise ValueError("\n".join(map(str, problems)))
    notice = data["notice"]
    entries: dict[str, Limit | PhaseOut] = {}
    for key, item in data["limits"].items():
        common = dict(key=key, statute=item["statute"], notice=notice["title"], href=item["href"])
        if "start" in item:
            entries[key] = PhaseOut(start=item["start"], end=item["end"], **common)
        else:
            entries[key] = Limit(value=item["value"], enforced=item.get("enforced", True), **common)
    return Limits(int(data["tax_year"]), notice["title"], notice["href"], str(notice["published"]), entries)


@dataclass(frozen=True)
class Constant:
    """A legal number that does not change by year (rates, ages, days), with its statute."""

    key: str
    value: Decimal
    statute: str
    href: str

    @property
    def source(self) -> str:
        return self.statute


@cache
def load_constants() -> dict[str, Constant]:
    data, problems = load_yaml(LIMITS_DIR / "constants.yaml", "generator/limits/constants.yaml")
    if problems:
        raise ValueError("\n".join(map(str, problems)))
    return {key: Constant(key, item["value"], item["statute"], item["href"]) for key, item in data.items()}
