"""IRS limits: one YAML file of values per tax year, and one schema that says what every key is.

`schema.yaml` declares each key once (label, statute, link, unit); `YEAR.yaml` holds that year's
values and the IRS notice that set them. A year without a file is an error that names the file to
add, and a file that breaks the schema is refused with every problem located (see check.py):
limits are never guessed, projected silently or copied from the year before.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..errors import Problem, ProblemsFound
from ..tree_hash import hash_tree
from ..yamlio import line_of, load_yaml

LIMITS_DIR = Path(__file__).parent
SCHEMA_FILE = "schema.yaml"
LIMITS_SHOWN = "generator/limits/"  # how the folder's files are named in messages


@dataclass(frozen=True)
class KeySpec:
    """One key of the schema: what the number is called, where the law sets it, how it is written."""

    key: str
    label: str
    unit: str  # dollars | dollars_range | yes_no | brackets
    statute: str
    href: str
    from_year: int | None = None  # the first tax year the law had this number
    applies_to: str | None = None  # a yes_no key switches this other key's rule on or off
    set_by: str | None = None  # who sets the number when the IRS notice does not (the SSA's wage base)

    def in_force(self, year: int) -> bool:
        return self.from_year is None or year >= self.from_year


class _Cited:
    """A limit's citation, from its `statute` and `notice` fields."""

    statute: str
    notice: str

    @property
    def source(self) -> str:
        """The citation printed beside the number: statute and the notice that set the amount."""
        return f"{self.statute}; {self.notice}"


@dataclass(frozen=True)
class Limit(_Cited):
    """One legal number for one year. `value` is None where the law had no such limit that year."""

    key: str
    label: str
    value: Decimal | None
    statute: str
    notice: str
    href: str
    enforced: bool = True  # only the Roth catch-up threshold has a year when it was not


@dataclass(frozen=True)
class PhaseOut(_Cited):
    """A MAGI range: the full amount at or below `start`, nothing at or above `end`."""

    key: str
    label: str
    start: Decimal
    end: Decimal
    statute: str
    notice: str
    href: str

    @property
    def width(self) -> Decimal:
        return self.end - self.start


# The filing statuses of the bracket tables; a qualifying surviving spouse uses the joint table (IRC 1(a)).
BRACKET_TABLES = ("single", "head_of_household", "married_joint", "married_separate")
BRACKET_TABLE_OF = {status: status for status in BRACKET_TABLES} | {"qualifying_surviving_spouse": "married_joint"}


@dataclass(frozen=True)
class Brackets:
    """The federal income tax rate schedules of one year: `rates` in percent, and per filing status
    the taxable income each rate applies above (`thresholds[status][0]` is 0). The amounts are set by
    a Revenue Procedure (`notice`, `procedure_href`), not by the retirement-plan notice."""

    key: str
    label: str
    rates: tuple[Decimal, ...]
    thresholds: dict[str, tuple[Decimal, ...]]
    statute: str
    notice: str
    href: str
    procedure_href: str

    def table(self, filing_status: str) -> tuple[tuple[Decimal, Decimal], ...]:
        """(rate, taxable income it applies above) for each bracket of a filing status, lowest first."""
        return tuple(zip(self.rates, self.thresholds[BRACKET_TABLE_OF[filing_status]]))

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
    entries: dict[str, Limit | PhaseOut | Brackets]
    provisional: bool = False  # projected figures, before the IRS has published the year's notice

    def __getattr__(self, key: str) -> Limit | PhaseOut | Brackets:
        try:
            return self.__dict__["entries"][key]
        except KeyError:
            raise AttributeError(f"no limit {key!r} for {self.__dict__.get('tax_year')}") from None


class MissingLimits(Exception):
    """No limits file for a tax year."""

    def __init__(self, year: int):
        self.year = year
        self.file = limits_file(year)
        super().__init__(
            f"no IRS limits for tax year {year}: add {self.file} "
            f"(`guides new-year {year}` writes it with every value blank, for the figures of the IRS notice)")


class InvalidLimits(ProblemsFound):
    """A limits file that breaks the schema; holds every located problem of the limits folder."""


def limits_file(year: int) -> str:
    """A year's file as the user sees it."""
    return f"{LIMITS_SHOWN}{year}.yaml"


def available_years() -> list[int]:
    return sorted(int(name[:4]) for name, _, _ in _snapshot(LIMITS_DIR) if _YEAR_FILE.fullmatch(name))


_YEAR_FILE = re.compile(r"[0-9]{4}\.yaml")
_READ_ONCE: dict[Path, tuple] = {}  # a limits folder's snapshot while a build runs (read_once)


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within it, the limits folder is looked at once: every persona of a build is worked out with
    the limits the build began with, even if a file is saved meanwhile (the build's cache keys hold
    the files as they were then). It also spares listing the folder and reading the date of each of
    its files for every persona (a third of reading 10,000 persona files)."""
    if LIMITS_DIR in _READ_ONCE:  # already in one
        yield
        return
    _READ_ONCE[LIMITS_DIR] = _snapshot(LIMITS_DIR)
    try:
        yield
    finally:
        del _READ_ONCE[LIMITS_DIR]


def _snapshot(directory: Path) -> tuple:
    """The limits folder's files and their versions: a cache key that changes when a file does."""
    if directory in _READ_ONCE:
        return _READ_ONCE[directory]
    return tuple((p.name, (found := p.stat()).st_mtime_ns, found.st_size) for p in sorted(directory.glob("*.yaml")))


def load_schema() -> dict[str, KeySpec]:
    return _schema(LIMITS_DIR, _snapshot(LIMITS_DIR))


@cache
def _schema(directory: Path, _version: tuple) -> dict[str, KeySpec]:
    data, problems = load_yaml(directory / SCHEMA_FILE, LIMITS_SHOWN + SCHEMA_FILE)
    if problems:
        raise InvalidLimits(problems)
    return {key: KeySpec(key, item["label"], item["unit"], item["statute"], item["href"],
                         int(item["from_year"]) if "from_year" in item else None, item.get("applies_to"),
                         item.get("set_by"))
            for key, item in data.items()}


def limits_problems() -> dict[int, list[Problem]]:
    """Every problem of every year file, by year (a year with none maps to an empty list)."""
    return _problems(LIMITS_DIR, _snapshot(LIMITS_DIR))


@cache
def _problems(directory: Path, version: tuple) -> dict[int, list[Problem]]:
    from .check import check_year_files

    return check_year_files(directory, _schema(directory, version))


def hash_code_and_limits(digest) -> None:
    """Add the generator's own code and the limits files in use (tests point LIMITS_DIR at a copy) to a
    cache key (`digest`), but a year's file that does not validate: a later year being filled in,
    which no build uses until it validates (a build of its own year stops). So saving that file
    again and again does not make every guide of the current year be built again."""
    package = Path(__file__).parent.parent
    hash_tree(digest, package, package.parent,  # the package's own limits data is hashed below, if in use
              skip=lambda path: path.parent == Path(__file__).parent and path.suffix == ".yaml")
    broken = {f"{year}.yaml" for year, found in limits_problems().items() if found}
    for path in sorted(LIMITS_DIR.glob("*.yaml")):
        if path.name not in broken:
            hash_tree(digest, path, LIMITS_DIR.parent)


def load_limits(year: int) -> Limits:
    """The limits of `year`; raises MissingLimits when the year has no file, InvalidLimits when it is broken."""
    version = _snapshot(LIMITS_DIR)
    if not any(name == f"{year}.yaml" for name, _, _ in version):
        raise MissingLimits(year)
    return _limits(LIMITS_DIR, year, version)


@cache
def _limits(directory: Path, year: int, version: tuple) -> Limits:
    problems = _problems(directory, version)[year]
    if problems:
        raise InvalidLimits(problems)
    schema = _schema(directory, version)
    data, _ = load_yaml(directory / f"{year}.yaml", limits_file(year))
    notice, values = data["notice"], data["limits"]
    entries: dict[str, Limit | PhaseOut | Brackets] = {}
    for spec in schema.values():
        if spec.unit == "yes_no":
            continue
        value = values.get(spec.key)
        if spec.unit == "brackets":
            entries[spec.key] = Brackets(
                spec.key, spec.label, tuple(value["rates"]), {s: tuple(value[s]) for s in BRACKET_TABLES},
                spec.statute, value["set_by"], spec.href, value["href"])
            continue
        cited = f"{spec.set_by} for {year}" if spec.set_by else notice["title"]
        common = dict(key=spec.key, label=spec.label, statute=spec.statute, notice=cited, href=spec.href)
        if spec.unit == "dollars_range":
            entries[spec.key] = PhaseOut(start=value["start"], end=value["end"], **common)
        else:
            switch = next((s.key for s in schema.values() if s.applies_to == spec.key), None)
            enforced = value is not None and (switch is None or bool(values.get(switch)))
            entries[spec.key] = Limit(value=value, enforced=enforced, **common)
    return Limits(int(data["tax_year"]), notice["title"], notice["href"], str(notice["published"]), entries,
                  provisional=bool(data.get("provisional", False)))


def published_years(allow_provisional: bool = False) -> list[Limits]:
    """Every year's limits for the site-wide pages; projected years only when allowed. A file that does
    not validate is left out: a later year being filled in (a build stops on any other)."""
    problems = limits_problems()
    years = [load_limits(year) for year in available_years() if not problems[year]]
    return [limits for limits in years if allow_provisional or not limits.provisional]


def provisional_refused(year: int) -> Problem:
    """A build that would print projected figures without --allow-provisional, located at the marker."""
    data, _ = load_yaml(LIMITS_DIR / f"{year}.yaml", limits_file(year))
    return Problem(limits_file(year), line_of(data, ("provisional",)), "provisional",
                   f"the {year} limits are projected, not published by the IRS",
                   "build with --allow-provisional to preview them (every page says they are projected), "
                   "or enter the published figures and delete this line")


@dataclass(frozen=True)
class Constant:
    """A legal number that does not change by year (rates, ages, days), with its statute; a day of
    the year ("April 15") is text."""

    key: str
    value: Decimal | str
    statute: str
    href: str

    @property
    def source(self) -> str:
        return self.statute

    @property
    def shown(self) -> str:
        """The number as a sentence says it: 59½ for an age of 59.5, 55 for 55."""
        whole = int(self.value)
        return f"{whole}½" if self.value - whole == Decimal("0.5") else f"{self.value.normalize():f}"


def law(key: str) -> Constant:
    """One constant of constants.yaml: the one place rules read a fixed legal number from."""
    return load_constants()[key]


@cache
def load_constants() -> dict[str, Constant]:
    data, problems = load_yaml(LIMITS_DIR / "constants.yaml", LIMITS_SHOWN + "constants.yaml")
    if problems:
        raise ValueError("\n".join(map(str, problems)))
    return {key: Constant(key, item["value"], item["statute"], item["href"]) for key, item in data.items()}
