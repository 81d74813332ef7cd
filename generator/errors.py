"""Problems are values: loading and validation collect them, the command line prints them all."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One input mistake: where it is, which key, what is wrong, and what would be right."""

    path: str
    line: int
    key: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.key or '(file)'}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "key": self.key, "message": self.message, "hint": self.hint}


class ProblemsFound(Exception):
    """Raised at a stage boundary when input problems stop the pipeline; holds all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildFailed(Exception):
    """The build could not finish for a reason outside the profiles (the output folder, the disk, a
    template, the link secret): one line that names the cause. Nothing was published."""


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user would type it: relative to `base` (the project) when inside it."""
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)
