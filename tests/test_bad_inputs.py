"""The bad-input corpus: each file in tests/bad_inputs/ is one mistake a careless or hostile user can make.

A case file starts with `#: key: value` header lines, which are stripped before the rest is used:
  about     what the case is
  expect    one exact output line (repeated, in order): the located problems, or the one-line error
  target    where the rest of the file goes under profiles/ (default personas/<case name>.yaml)
  run       the commands to run (default: check, then build)
  env       NAME=value set while it runs
  generate  "comments N": make the file N bytes long with comment lines (too big to keep in git)
  bomb      true: also run in a separate process under a memory and CPU limit, and time the loader

Every case must give exactly the expected lines, exit 1, no traceback, and leave the published site
byte-identical.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.yamlio import load_yaml

from conftest import warm_copy

HERE = Path(__file__).resolve().parent
CORPUS = sorted((HERE / "bad_inputs").glob("*.yaml"))
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space for a bomb's process (a check needs about 300 MB)
CPU_LIMIT = 60  # seconds of CPU for a bomb's process, imports included
LOADER_SECONDS = 1.0  # the loader's own time on a bomb


@dataclass
class Case:
    name: str
    body: bytes
    about: str = ""
    target: str = ""
    run: list[str] = field(default_factory=lambda: ["check", "build"])
    env: dict[str, str] = field(default_factory=dict)
    expect: list[str] = field(default_factory=list)
    generate: str = ""
    bomb: bool = False

    def content(self) -> bytes:
        if not self.generate:
            return self.body
        kind, size = self.generate.split()
        assert kind == "comments"
        line = b"# " + b"x" * 97 + b"\n"
        return (self.body + line * (int(size) // len(line) + 1))[:int(size) - 1] + b"\n"


def read_case(path: Path) -> Case:
    lines = path.read_bytes().split(b"\n")
    case = Case(path.stem, b"", target=f"personas/{path.stem}.yaml")
    while lines and lines[0].startswith(b"#: "):
        key, _, value = lines.pop(0)[3:].decode("utf-8").partition(": ")
        if key == "expect":
            case.expect.append(value)
        elif key == "run":
            case.run = [value]
        elif key == "env":
            name, _, setting = value.partition("=")
            case.env[name] = setting
        elif key == "bomb":
            case.bomb = value == "true"
        else:
            setattr(case, key, value)
    case.body = b"\n".join(lines)
    return case


CASES = [read_case(path) for path in CORPUS]


def test_the_corpus_has_at_least_a_hundred_cases_each_with_expectations():
    assert len(CASES) >= 100
    for case in CASES:
        assert case.about and case.expect, case.name


@pytest.fixture(scope="module")
def published(tmp_path_factory, built):
    """One project with a published site; every case runs in it and must leave the site as it was."""
    project = warm_copy(tmp_path_factory.mktemp("corpus") / "project", built)
    build(project)
    return project


def site_snapshot(project) -> dict[str, bytes]:
    site = project.root / "site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site_before(published):
    return site_snapshot(published)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_its_located_message_and_the_site_stays(case, published, site_before, monkeypatch):
    target = published.profiles_dir / case.target
    target.write_bytes(case.content())
    monkeypatch.chdir(published.root)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    try:
        for command in case.run:
            result = CliRunner().invoke(main, command.split())
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
            assert "Traceback" not in result.output
            assert result.exit_code == 1, (command, result.output)
            assert_output(case, result.output.splitlines())
        if case.bomb:
            assert_bounded(case, published, target)
    finally:
        target.unlink()
    assert site_snapshot(published) == site_before


def assert_output(case: Case, lines: list[str]) -> None:
    """The expected lines exactly; after located problems, the count and (for build) the advice."""
    assert lines[:len(case.expect)] == case.expect
    rest = lines[len(case.expect):]
    if case.expect[0].startswith("Error: "):
        assert rest == []
        return
    assert rest and rest[0].endswith(" found; nothing was written."), rest
    assert all(line.startswith("Personas to fix") for line in rest[1:]), rest


def assert_bounded(case: Case, project, target: Path) -> None:
    """A bomb: refused in a separate process held to 1 GiB and a CPU limit, and by the loader in under a second."""
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))

    environment = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    done = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=project.root, env=environment,
                          capture_output=True, text=True, preexec_fn=limits, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[:len(case.expect)] == case.expect and "Traceback" not in done.stderr
    started = time.process_time()  # CPU time: a busy machine does not make the loader slower
    _, problems = load_yaml(target, case.target)
    assert time.process_time() - started < LOADER_SECONDS and problems


def test_the_format_reference_states_the_limits_the_loader_keeps():
    from generator.profiles import MAX_AMOUNT, RESERVED_IDS
    from generator.yamlio import MAX_BYTES, MAX_DEPTH, MAX_VALUES
    reference = (HERE.parent / "site_content" / "reference" / "profile-format.md").read_text()
    for words in (f"at most {MAX_BYTES:,} bytes", f"at most {MAX_DEPTH} levels", f"at most {MAX_VALUES:,} keys",
                  f"from 0 to {MAX_AMOUNT:,}", *(f"`{reserved}`" for reserved in RESERVED_IDS)):
        assert words in reference, words


@pytest.mark.parametrize("where, make, what", [
    ("personas/pipe.yaml", os.mkfifo, "is a named pipe"),  # reading one would wait for a writer for ever
    ("plans/pipe.yaml", os.mkfifo, "is a named pipe"),
    ("personas/zero.yaml", lambda path: os.symlink("/dev/zero", path), "is a device"),  # would never end
    ("personas/folder.yaml", os.mkdir, "is a folder"),
], ids=["persona-pipe", "plan-pipe", "persona-dev-zero", "persona-folder"])
def test_a_profile_that_is_not_a_file_is_a_located_problem_and_never_read(published, site_before, where, make, what):
    target = published.profiles_dir / where
    make(target)
    expected = f"profiles/{where}:1: (file): {what}, not a file (a profile is a YAML text file)"
    environment = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    try:
        for command in (["check"], ["build"], ["new-year", "2027"]):
            done = subprocess.run([sys.executable, "-m", "generator", *command], cwd=published.root, env=environment,
                                  capture_output=True, text=True, timeout=120)  # a wait for ever fails here
            assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
            assert expected in done.stderr.splitlines(), (command, done.stderr)
    finally:
        target.unlink() if target.is_symlink() or not target.is_dir() else target.rmdir()
    assert not (published.profiles_dir / "2027").exists()
    assert site_snapshot(published) == site_before
