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
        text = f"{_printable(self.path)}:{self.line}: {_printable(self.key) or '(file)'}: {_printable(self.message)}"
        return f"{text} ({self.hint})" if self.hint else text


MAX_SHOWN_PER_FILE = 50  # a file with 100,000 mistakes needs its first few fixed, not 100,000 lines
MAX_SHOWN = 200


def shown_problems(problems: list[Problem]) -> list[str]:
    """The lines to print for `problems` (sorted): at most MAX_SHOWN_PER_FILE per file and MAX_SHOWN in
    all, each cut saying how many more there are."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.path, []).append(problem)
    lines: list[str] = []
    for path, found in by_file.items():
        lines.extend(str(p) for p in found[:MAX_SHOWN_PER_FILE])
        if len(found) > MAX_SHOWN_PER_FILE:
            first_left = found[MAX_SHOWN_PER_FILE]
            lines.append(str(Problem(path, first_left.line, "", f"and {len(found) - MAX_SHOWN_PER_FILE} more "
                                     "problems in this file", "fix these first")))
    if len(lines) > MAX_SHOWN:
        lines = lines[:MAX_SHOWN] + [f"... and {len(lines) - MAX_SHOWN} more lines of problems (fix these first)"]
    return lines


NOTES_LISTED = 50  # more notes than this (a book of thousands of clients) are summed up by kind


def shown_notes(notes: list[Problem]) -> list[str]:
    """The lines to print for the inputs the guides had to assume: each note, or, when there are more
    than NOTES_LISTED, one line per kind of note with how many files have it and the first one."""
    if len(notes) <= NOTES_LISTED:
        return [str(note) for note in notes]
    kinds: dict[tuple[str, str, str], list[Problem]] = {}
    for note in notes:
        kinds.setdefault((note.key, note.message, note.hint), []).append(note)
    lines = [f"{len(notes):,} inputs the guides had to assume, in {len({n.path for n in notes}):,} files; "
             "by kind (guides check FILE lists one persona's):"]
    for (key, message, hint), found in sorted(kinds.items(), key=lambda kind: -len(kind[1])):
        what = f"{_printable(key)}: {_printable(message)}" + (f" ({hint})" if hint else "")
        lines.append(f"{what}: {len(found):,} files, the first {_printable(found[0].path)}:{found[0].line}")
    return lines


def _printable(text: str) -> str:
    """Text with invisible characters written as escapes, so a key from a file cannot drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ProblemsFound(Exception):
    """Raised at a stage boundary when input problems stop the pipeline; holds all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildFailed(Exception):
    """The build could not finish for a reason outside the profiles (the output folder, the disk, a
    template, the link secret): one line that names the cause. Nothing was published."""


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user would type it: relative to `base` (the project) when inside it (a link
    inside it is shown by its own name, not by where it points)."""
    if base is not None:
        try:
            return str((path.parent.resolve() / path.name).relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)
