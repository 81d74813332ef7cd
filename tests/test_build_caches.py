"""What the build keeps between builds so that a rebuild does only what changed: each persona file's
outcome (persona_cache.py), the files the privacy check found clean (privacy.CheckedFiles), the
profiles read through libyaml, and the compiled templates (render.CompiledTemplates). Each cache
must give what no cache gives; the byte-for-byte site comparisons are in test_shards.py."""
from __future__ import annotations

import os
import pickle
import signal
from pathlib import Path

import jinja2
import pytest

from generator import persona_cache
from generator import profiles as profiles_module
from generator import yamlio
from generator.build import load_and_validate, template_failure
from generator.errors import BuildFailed, ProblemsFound
from generator.persona_cache import FILE
from generator.privacy import CheckedFiles, PrivatePage, leaks
from generator.render import CompiledTemplates, environment

from conftest import REPO


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The persona files read and checked (not taken from the cache), by name."""
    found: list[str] = []
    read = profiles_module.read_persona
    monkeypatch.setattr(profiles_module, "read_persona",
                        lambda path, *rest: found.append(path.name) or read(path, *rest))
    return found


def test_a_second_load_reads_no_persona_file_and_gives_the_same_personas(project, reads):
    first, _ = load_and_validate(project, cached=True)
    assert len(reads) == len(first.personas) > 20
    reads.clear()
    second, _ = load_and_validate(project, cached=True)
    assert reads == [] and second.personas == first.personas
    assert second.persona_files == first.persona_files and second.to_confirm == first.to_confirm


def test_only_a_changed_persona_file_is_read_again(project, reads):
    load_and_validate(project, cached=True)
    maya = project.profiles_dir / "personas" / "maya.yaml"
    maya.write_text(maya.read_text().replace("name: Maya", "name: Maia"))
    reads.clear()
    profiles, _ = load_and_validate(project, cached=True)
    assert reads == ["maya.yaml"] and next(p for p in profiles.personas if p.id == "maya").name.startswith("Maia")


def test_a_changed_plan_reads_every_persona_again(project, reads):
    """A persona is checked against the plans (its plan must exist and be of the right kind)."""
    count = len(load_and_validate(project, cached=True)[0].personas)
    plan = project.profiles_dir / "plans" / "acme-401k.yaml"
    plan.write_text(plan.read_text().replace("Acme", "Acme Holdings", 1))
    reads.clear()
    load_and_validate(project, cached=True)
    assert len(reads) == count


def test_a_mistake_made_after_a_cached_load_is_reported_with_its_line(project):
    load_and_validate(project, cached=True)
    maya = project.profiles_dir / "personas" / "maya.yaml"
    maya.write_text(maya.read_text().replace("tax_year: 2026", "tax_year: twenty"))
    with pytest.raises(ProblemsFound) as failed:
        load_and_validate(project, cached=True)
    assert [(p.path, p.key) for p in failed.value.problems] == [("profiles/personas/maya.yaml", "tax_year")]
    assert failed.value.problems[0].line == 3  # maya.yaml: name on line 2, tax_year on line 3


def test_a_damaged_cache_file_is_read_past(project, reads):
    load_and_validate(project, cached=True)
    (project.root / FILE).write_bytes(b"not a pickle")
    reads.clear()
    profiles, _ = load_and_validate(project, cached=True)
    assert len(reads) == len(profiles.personas)


def test_check_and_calc_write_no_cache(project):
    load_and_validate(project)
    assert not (project.root / FILE).exists()


# ----------------------------------------------------------------------------- many files to read

def test_many_files_to_read_are_read_on_other_processes_with_the_same_outcome(project, monkeypatch, tmp_path):
    """A build from scratch of thousands of personas reads them on several processes: the personas,
    their files, their problems in file order and the cache the next build reads are those of one."""
    (project.profiles_dir / "personas" / "broken.yaml").write_text("name: Broken\ntax_year: twenty\n")
    one, left_out = load_and_validate(project, cached=True, keep_going=True, jobs=1)
    kept = pickle.loads((project.root / FILE).read_bytes())
    (project.root / FILE).unlink()
    readers = tmp_path / "readers"
    read = profiles_module.read_persona
    monkeypatch.setattr(profiles_module, "read_persona", lambda path, *rest: (
        readers.open("a").write(f"{os.getpid()}\n") and read(path, *rest)))
    monkeypatch.setattr(persona_cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(persona_cache, "SLICE", 3)
    several, left_out_too = load_and_validate(project, cached=True, keep_going=True, jobs=2)
    assert str(os.getpid()) not in readers.read_text().split() and len(readers.read_text().split()) > len(one.personas)
    assert several.personas == one.personas and several.persona_files == one.persona_files
    assert several.to_confirm == one.to_confirm and left_out_too == left_out != {}
    again = pickle.loads((project.root / FILE).read_bytes())
    assert again.keys() == kept.keys() and [pickle.loads(e) for e in again.values()] == [pickle.loads(e) for e in kept.values()]


def test_a_reading_process_killed_fails_in_one_line(project, monkeypatch):
    main_process = os.getpid()
    monkeypatch.setattr(profiles_module, "read_persona", lambda *_: os.getpid() != main_process
                        and os.kill(os.getpid(), signal.SIGKILL))  # in a reading process (forked with this patch)
    monkeypatch.setattr(persona_cache, "PARALLEL_FROM", 2)
    with pytest.raises(BuildFailed, match="^a process reading the profiles stopped without finishing "
                       r"\(killed, or out of memory\?\); the published site was not changed$"):
        load_and_validate(project, cached=True, jobs=2)


# ----------------------------------------------------------------------------- the privacy check's marks

CLIENT = PrivatePage("client-a", "ab" * 16, ("Ann Lee",))


def test_a_file_found_clean_is_checked_again_once_its_bytes_change(tmp_path):
    site, checked = tmp_path / "site", CheckedFiles(tmp_path / "checked")
    site.mkdir()
    (site / "index.html").write_text("<p>Nothing of anyone's</p>")
    assert leaks(site, [CLIENT], own=[], checked=checked) == [] and len(checked.used) == 1
    (site / "index.html").write_text("<p>Ann Lee was here</p>")
    found = leaks(site, [CLIENT], own=[], checked=CheckedFiles(tmp_path / "checked"))
    assert [(p.path, p.key) for p in found] == [("index.html", "client-a")]


def test_a_file_found_clean_is_checked_again_for_a_new_private_guide(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>Bo Chen wrote this</p>")
    assert leaks(site, [CLIENT], own=[], checked=CheckedFiles(tmp_path / "checked")) == []
    newcomer = PrivatePage("client-b", "cd" * 16, ("Bo Chen",))
    found = leaks(site, [CLIENT, newcomer], own=[], checked=CheckedFiles(tmp_path / "checked"))
    assert [p.key for p in found] == ["client-b"]


def test_a_leak_is_never_marked_clean(tmp_path):
    site, checked = tmp_path / "site", CheckedFiles(tmp_path / "checked")
    site.mkdir()
    (site / "index.html").write_text("<p>Ann Lee</p>")
    assert len(leaks(site, [CLIENT], own=[], checked=checked)) == 1 and checked.used == []
    assert len(leaks(site, [CLIENT], own=[], checked=CheckedFiles(tmp_path / "checked"))) == 1


# ----------------------------------------------------------------------------- YAML through libyaml

EXAMPLES = sorted((REPO / "profiles").rglob("*.yaml")) + sorted((REPO / "generator" / "limits").glob("*.yaml"))


@pytest.mark.skipif(yamlio._FastLoader is yamlio._Loader, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_libyaml_reads_every_example_as_the_python_parser_does(path: Path):
    text = path.read_text(encoding="utf-8")
    fast, slow = yamlio.yaml.load(text, Loader=yamlio._FastLoader), yamlio.yaml.load(text, Loader=yamlio._Loader)
    assert fast == slow and lines(fast) == lines(slow)


def lines(data) -> object:
    """Every mapping's line and key lines, nested as the data is."""
    if isinstance(data, dict):
        return (data.line, data.key_lines, {key: lines(value) for key, value in data.items()})
    if isinstance(data, list):
        return [lines(item) for item in data]
    return None


def test_a_damaged_entry_or_a_cache_of_an_older_format_is_read_past(project, reads):
    first, _ = load_and_validate(project, cached=True)
    entries = pickle.loads((project.root / FILE).read_bytes())
    damaged = next(iter(entries))
    (project.root / FILE).write_bytes(pickle.dumps({**entries, damaged: b"not a pickle"}))
    reads.clear()
    load_and_validate(project, cached=True)
    assert len(reads) == 1
    older = {key: pickle.loads(entry) for key, entry in entries.items()}  # entries not pickled on their own
    (project.root / FILE).write_bytes(pickle.dumps(older))
    reads.clear()
    second, _ = load_and_validate(project, cached=True)
    assert len(reads) == len(first.personas) and second.personas == first.personas


def test_after_one_file_changed_only_its_entry_is_pickled_again(project, monkeypatch):
    """Pickling 10,000 personas again took most of a second of every one-persona rebuild."""
    load_and_validate(project, cached=True)
    maya = project.profiles_dir / "personas" / "maya.yaml"
    maya.write_text(maya.read_text().replace("name: Maya", "name: Maia"))
    pickled = []
    dumps = persona_cache.pickle.dumps
    monkeypatch.setattr(persona_cache.pickle, "dumps", lambda value, **kw: pickled.append(type(value)) or dumps(value, **kw))
    load_and_validate(project, cached=True)
    assert pickled == [persona_cache.LoadedPersona, dict]  # maya's entry, then the file of entries


# ----------------------------------------------------------------------------- compiled templates

@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The templates compiled (not taken from a cache), by name; the cache in memory starts empty."""
    monkeypatch.setattr(CompiledTemplates, "in_memory", {})
    found: list[str] = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, source, name=None, *rest: found.append(name) or compile_(env, source, name, *rest))
    return found


def _templates(folder: Path, text: str) -> Path:
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "page.md.j2").write_text(text)
    return folder / "templates"


def test_a_second_copy_of_the_templates_compiles_nothing_and_its_errors_name_its_own_files(tmp_path, compiles):
    text = "{{ 'x' }} is {{ value }}\n"
    first = environment(_templates(tmp_path / "a", text), tmp_path / "a" / "compiled")
    assert first.get_template("page.md.j2").render(value=1) == "x is 1\n"
    second_folder = _templates(tmp_path / "b", text)
    second = environment(second_folder, tmp_path / "b" / "compiled")  # another folder, nothing on disk yet
    assert compiles == ["page.md.j2"]
    assert second.get_template("page.md.j2").render(value=2) == "x is 2\n"
    assert compiles == ["page.md.j2"]  # taken from memory
    with pytest.raises(jinja2.UndefinedError) as failed:
        second.get_template("page.md.j2").render()
    assert template_failure(failed.value).startswith(f"template error: {second_folder / 'page.md.j2'}:1: ")


def test_a_template_whose_text_or_environment_differs_is_compiled_again(tmp_path, compiles):
    environment(_templates(tmp_path / "a", "{{ 1 }}\n"), tmp_path / "a" / "compiled").get_template("page.md.j2")
    changed = environment(_templates(tmp_path / "b", "{{ 2 }}\n"), tmp_path / "b" / "compiled")
    assert changed.get_template("page.md.j2").render() == "2\n"
    assert compiles == ["page.md.j2"] * 2
    # the same text in an environment that compiles it otherwise: here, one that keeps the newline
    # after a block tag
    text = "{% if 1 %}\nyes\n{% endif %}\n"
    trimmed = environment(_templates(tmp_path / "c", text), tmp_path / "c" / "compiled")
    kept = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "c" / "templates")),
                              bytecode_cache=CompiledTemplates(str(tmp_path / "c")))
    assert trimmed.get_template("page.md.j2").render() == "yes\n"
    assert kept.get_template("page.md.j2").render() == "\nyes\n"
    assert compiles == ["page.md.j2"] * 4
