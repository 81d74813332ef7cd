"""How many lines a command prints for many problems or notes: enough to act on, never thousands."""
from __future__ import annotations

from generator.errors import MAX_SHOWN, MAX_SHOWN_PER_FILE, NOTES_LISTED, Problem, shown_notes, shown_problems

MISSING_AGI = ("modified_agi", "not given: the guide estimates it")


def test_problems_are_cut_per_file_and_in_all_with_what_is_left():
    many = [Problem("profiles/personas/a.yaml", line, "pay.salary", "must be at least 0") for line in range(1, 61)]
    lines = shown_problems(many)
    # 60 problems in one file: the first 50 as they are, then one line for the 10 left, at line 51
    assert lines[:MAX_SHOWN_PER_FILE] == [str(p) for p in many[:MAX_SHOWN_PER_FILE]]
    assert lines[MAX_SHOWN_PER_FILE:] == [
        "profiles/personas/a.yaml:51: (file): and 10 more problems in this file (fix these first)"]
    files = [Problem(f"profiles/personas/p{n:03d}.yaml", 2, "name", "required") for n in range(250)]
    lines = shown_problems(files)
    # 250 files of one problem each: 200 lines, then what is left
    assert lines[:MAX_SHOWN] == [str(p) for p in files[:MAX_SHOWN]]
    assert lines[MAX_SHOWN:] == ["... and 50 more lines of problems (fix these first)"]


def test_up_to_fifty_notes_are_each_printed():
    notes = [Problem(f"profiles/personas/p{n:02d}.yaml", 3, *MISSING_AGI) for n in range(NOTES_LISTED)]
    assert shown_notes(notes) == [str(note) for note in notes]


def test_more_notes_are_summed_up_by_kind_most_files_first():
    agi = [Problem(f"profiles/personas/p{n:02d}.yaml", 3, *MISSING_AGI) for n in range(40)]
    paychecks = [Problem(f"profiles/personas/p{n:02d}.yaml", 7, "pay.paychecks_this_year", "not given", "set it")
                 for n in range(11)]
    assert shown_notes(agi + paychecks) == [
        # 40 + 11 = 51 notes, one more than are listed, in the 40 files p00..p39 (p00..p10 have both)
        "51 inputs the guides had to assume, in 40 files; by kind (guides check FILE lists one persona's):",
        "modified_agi: not given: the guide estimates it: 40 files, the first profiles/personas/p00.yaml:3",
        "pay.paychecks_this_year: not given (set it): 11 files, the first profiles/personas/p00.yaml:7",
    ]


def test_a_file_name_cannot_drive_the_terminal():
    # a persona file named with an escape sequence (clear the screen) prints it as text
    hostile = Problem("profiles/personas/\x1b[2Jx.yaml", 3, *MISSING_AGI)
    assert str(hostile) == "profiles/personas/\\x1b[2Jx.yaml:3: modified_agi: not given: the guide estimates it"
    lines = shown_notes([hostile] * (NOTES_LISTED + 1)) + shown_problems([hostile])
    assert not any("\x1b" in line for line in lines)
    assert "the first profiles/personas/\\x1b[2Jx.yaml:3" in lines[1]
