"""The `guides` command: build, check and calc, as a user runs them."""
from __future__ import annotations

import json
import os
import re

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.limits import available_years

REQUIRED_FIGURES = ["elective_deferral_limit", "catch_up_limit", "roth_catch_up_required", "plan_compensation",
                    "annual_additions_limit", "match_capture_pct", "employer_match", "employer_nonelective",
                    "after_tax_space", "recommended_elections", "lost_match_from_front_loading"]
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
PERCENT = re.compile(r"^\d+(\.\d+)?$")
KNOWN = f"{available_years()[0]}-{available_years()[-1]}"  # the years with a limits file


def run(project, monkeypatch, *args):
    monkeypatch.chdir(project.root)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_calc_json_follows_the_contract(project, monkeypatch):
    result = run(project, monkeypatch, "calc", "priya", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["persona"], data["tax_year"], data["age"]) == ("priya", 2026, 38)
    figures = data["figures"]
    assert set(REQUIRED_FIGURES) <= set(figures)
    for name in REQUIRED_FIGURES:
        assert set(figures[name]) == {"value", "steps", "sources"}
        assert all(set(step) == {"label", "amount", "source"} for step in figures[name]["steps"])
    for name in ["elective_deferral_limit", "catch_up_limit", "plan_compensation", "annual_additions_limit",
                 "employer_match", "employer_nonelective", "after_tax_space", "lost_match_from_front_loading"]:
        assert AMOUNT.match(figures[name]["value"]), (name, figures[name]["value"])
    assert PERCENT.match(figures["match_capture_pct"]["value"])
    assert set(figures["recommended_elections"]["value"]) == {"pre_tax_pct", "roth_pct", "after_tax_pct"}
    assert isinstance(figures["roth_catch_up_required"]["value"], bool)
    # Priya, 2026: 401(a)(17) caps her 410,000 pay at 360,000; 402(g) 24,500 ÷ 360,000 = 6.8 % → 6 %
    assert figures["plan_compensation"]["value"] == "360000.00"
    assert figures["recommended_elections"]["value"]["pre_tax_pct"] == "6"
    assert "IRC 401(a)(17); IRS Notice 2025-67" in figures["plan_compensation"]["sources"]


def test_calc_takes_a_path_and_works_from_any_folder(project, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    path = project.profiles_dir / "personas" / "sam.yaml"
    result = CliRunner().invoke(main, ["calc", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # Sam deferred 14,000 at his old job: 24,500 − 14,000 = 10,500 left (IRC 402(g)(1), 2026)
    assert json.loads(result.output)["figures"]["elective_deferral_limit"]["value"] == "10500.00"


def test_calc_text_prints_the_working(project, monkeypatch):
    result = run(project, monkeypatch, "calc", "linda")
    assert result.exit_code == 0
    assert "catch_up_limit:" in result.output and "Catch-up for ages 60 to 63" in result.output


def test_calc_year_flag_recomputes_for_that_year(project, monkeypatch):
    result = run(project, monkeypatch, "calc", "linda", "--year", "2024", "--json")
    data = json.loads(result.output)
    # Linda, born 1965, is 59 on Dec 31 2024: the age-50 catch-up of 7,500 (Notice 2023-75); no 60-63 amount yet
    assert (data["tax_year"], data["age"]) == (2024, 59)
    assert data["figures"]["catch_up_limit"]["value"] == "7500.00"


def test_check_passes_on_the_examples_and_writes_nothing(project, monkeypatch):
    result = run(project, monkeypatch, "check")
    assert result.exit_code == 0 and result.stdout.startswith("OK: 27 personas, 11 plans")
    assert not (project.root / "site").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_inputs_a_guide_had_to_assume_are_warnings_with_file_line_and_key(project, monkeypatch, command):
    # omar.yaml has no paychecks_this_year (line 7 is its `pay:` block); his new plan is covered (he gives
    # job_change.new_pay), so no note on it; priya.yaml has no modified_agi.
    result = run(project, monkeypatch, command)
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert "warning: profiles/personas/omar.yaml:7: pay.paychecks_this_year: not given: the guide counts the " \
           "plan's paychecks up to the separation date (set it if the number differs)" in warnings
    assert not any("omar.yaml" in w and "job_change.new_plan" in w for w in warnings)
    assert any(w.startswith("warning: profiles/personas/priya.yaml:") and ": modified_agi: " in w for w in warnings)
    assert not any("maya.yaml" in w and "years_to_retirement" in w for w in warnings)  # her guide has no projection


def test_bad_profiles_fail_with_every_problem_and_the_site_untouched(warm_project, monkeypatch):
    assert run(warm_project, monkeypatch, "build").exit_code == 0
    before = (warm_project.root / "site" / "guides" / "maya" / "index.html").read_bytes()
    (warm_project.profiles_dir / "personas" / "maya.yaml").write_text(
        "name: Maya\ntax_year: 2030\nbirth_date: 2002-05-14\nplan: nowhere\npay: {salary: -1, tips: 5}\n")
    (warm_project.profiles_dir / "personas" / "zed.yaml").write_text("name: [oops\n")
    for command in ("check", "build"):
        result = run(warm_project, monkeypatch, command)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert lines == [
            f"profiles/personas/maya.yaml:2: tax_year: no IRS limits for 2030 (add generator/limits/2030.yaml; limits exist for {KNOWN})",
            "profiles/personas/maya.yaml:4: plan: no plan with id 'nowhere' (known plans: acme-401k, crumb-bakery-simple-ira, fieldstone-schools-403b, globex-401k, harbor-schools-403b, harbor-schools-457b, initrode-401k, nadia-studio-solo-401k, northwind-401k, rivertown-457b, sol-consulting-sep-ira)",
            "profiles/personas/maya.yaml:5: pay.salary: must be at least 0 (got -1)",
            "profiles/personas/maya.yaml:5: pay.tips: unknown key (expected one of: salary, prior_year_fica_wages, "
            "other_deferrals_this_year, paychecks_this_year, self_employment_income, other_employer_pay)",
            "profiles/personas/zed.yaml:2: (file): malformed YAML: while parsing a flow sequence expected ',' or ']', "
            "but got '<stream end>' (check indentation, colons and quotes)",
            "5 problems found; nothing was written.",
            "Personas to fix, or to move out of the profiles folder: maya, zed. Or build the others with --keep-going.",
        ]
    assert (warm_project.root / "site" / "guides" / "maya" / "index.html").read_bytes() == before


def test_build_prints_private_links(warm_project, monkeypatch):
    result = run(warm_project, monkeypatch, "build")
    assert result.exit_code == 0
    assert re.search(r"private: client-hoang -> c/[0-9a-f]{32}/", result.output)


def test_a_build_of_many_private_guides_lists_the_first_and_sends_to_guides_links(warm_project, monkeypatch):
    import generator.cli
    hoang = (warm_project.profiles_dir / "personas" / "client-hoang.yaml").read_text()
    for n, name in enumerate(("Ada Quill", "Bo Reyes", "Cy Tamm")):  # three more private clients, four in all
        (warm_project.profiles_dir / "personas" / f"client-{n}.yaml").write_text(
            hoang.replace("name: Minh Hoang", f"name: {name}").replace("name: Lan", f"name: Partner {n}"))
    monkeypatch.setattr(generator.cli, "LINKS_LISTED", 2)
    result = run(warm_project, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^  private: (\S+) -> c/[0-9a-f]{32}/$", result.output, re.M)
    assert listed == ["client-0", "client-1"]  # the first two by id; four private, so two more
    assert "  ... and 2 more private guides: guides links lists every one" in result.output.splitlines()


def test_commands_outside_a_project_say_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1 and "not a guides project" in result.output


@pytest.mark.parametrize("args", [["calc", "nobody"]], ids=["unknown-persona-id"])
def test_unknown_persona_is_a_clear_error(project, monkeypatch, args):
    result = run(project, monkeypatch, *args)
    assert result.exit_code == 1 and "no persona with id 'nobody'" in result.output


def test_calc_json_has_the_ira_after_tax_and_rollover_figures(project, monkeypatch):
    figures = json.loads(run(project, monkeypatch, "calc", "javier", "--json").output)["figures"]
    for name in ("ira_contribution_limit", "traditional_ira_deductible_limit", "roth_ira_limit"):
        assert AMOUNT.match(figures[name]["value"]), name
    assert figures["ira_route"]["value"] == "backdoor_roth"
    # Form 8606 with 40,000 of pre-tax IRA money: line 10 = 7,500 / 47,500 = 0.157894…;
    # nontaxable 7,500 × 0.157894… = 1,184.21; taxable 6,315.79; basis carried 7,500 − 1,184.21 = 6,315.79
    assert figures["backdoor_conversion"]["value"] == {
        "converted": "7500.00", "nontaxable": "1184.21", "taxable": "6315.79", "basis_carried_forward": "6315.79"}
    assert figures["after_tax_route"]["value"] == "in_plan_conversion"
    cadences = figures["conversion_taxable_earnings"]["value"]
    assert list(cadences) == ["per_pay_period", "monthly", "quarterly", "annually", "at_separation"]
    assert all(AMOUNT.match(v) for v in cadences.values())
    projection = figures["projection"]["value"]
    assert {"years", "annual_return_pct", "timing", "roth_value", "taxable_account_value"} <= set(projection)
    assert (projection["annual_return_pct"], projection["timing"]) == ("6", "end_of_year")
    assert isinstance(projection["years"], int) and AMOUNT.match(projection["roth_value"])
    options = figures["rollover_options"]["value"]
    assert set(options) == {"pre_tax", "after_tax_basis", "after_tax_earnings"}  # Initech 401(k)
    for source in options.values():
        assert source["recommended_option"] in ("leave", "new_plan", "ira", "solo_401k")
        for option in ("cash_out", "leave", "new_plan", "ira"):
            assert isinstance(source[option]["available"], bool)
            for key in ("withheld", "income_tax", "additional_tax", "net_cash"):
                assert AMOUNT.match(source[option][key]), (option, key)
    # Javier (42) cashing out Initech's 120,000 pre-tax: 20% withheld = 24,000; (32 + 5)% = 44,400; 10% = 12,000
    assert options["pre_tax"]["cash_out"]["withheld"] == "24000.00"
    assert options["pre_tax"]["cash_out"]["income_tax"] == "44400.00"
    assert options["pre_tax"]["cash_out"]["additional_tax"] == "12000.00"
    assert figures["rule_of_55_applies"]["value"] is False


@pytest.mark.parametrize("command", [["calc", "priya"], ["check", "profiles/personas/priya.yaml"]])
def test_calc_and_check_of_one_persona_load_no_site_machinery(project, command):
    """`guides calc` and `guides check` read a persona, the plans and the limits and compute: they
    must not pay for importing the site build (MkDocs, Jinja2, charts, the calendar) on every run."""
    import subprocess
    import sys
    probe = ("import sys; from generator.cli import main\n"
             f"try:\n    main({command!r})\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
             "print(' '.join(sorted(m for m in ('mkdocs', 'jinja2', 'markdown', 'icalendar', 'generator.build',"
             " 'generator.charts', 'generator.render') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=project.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "", done.stdout


@pytest.mark.parametrize("command, name, value, expected", [
    ("build", "GUIDES_JOBS", "abc", "is not a number of processes: give a whole number, 1 or more"),
    ("build", "GUIDES_JOBS", "0", "is not a number of processes: give a whole number, 1 or more"),
    ("build", "GUIDES_SHARD_SIZE", "-5", "is not a number of guides: give a whole number, 1 or more"),
    ("build", "SOURCE_DATE_EPOCH", "yesterday", "is not a time: give the seconds since 1970-01-01 UTC"),
    ("build", "SOURCE_DATE_EPOCH", "9" * 20, "is not a time: give the seconds since 1970-01-01 UTC"),  # past 9999
    ("links", "SOURCE_DATE_EPOCH", "1.5e9", "is not a time: give the seconds since 1970-01-01 UTC"),
    ("rotate-secret", "SOURCE_DATE_EPOCH", "-1", "is not a time: give the seconds since 1970-01-01 UTC"),
], ids=["jobs-word", "jobs-zero", "shard-size-negative", "epoch-word", "epoch-past-year-9999", "links-epoch-float",
        "rotate-epoch-negative"])
def test_a_mistyped_environment_variable_is_one_line_naming_it_and_changes_nothing(warm_project, monkeypatch, command,
                                                                                   name, value, expected):
    monkeypatch.setenv(name, value)
    secret_before = (warm_project.root / ".guides-secret").read_bytes()
    result = run(warm_project, monkeypatch, command)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    assert result.output.startswith(f"Error: {name}={value!r} {expected}"), result.output
    assert not (warm_project.root / "site").exists()
    assert (warm_project.root / ".guides-secret").read_bytes() == secret_before


def test_source_date_epoch_dates_the_build_in_utc(monkeypatch):
    from generator.build import build_date
    # 2026-01-01 00:00 UTC: 56 years from 1970 with 14 leap days (1972 ... 2024) is 20,454 days,
    # times 86,400 seconds = 1,767,225,600; one second earlier is still 2025-12-31.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert build_date().isoformat() == "2026-01-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225599")
    assert build_date().isoformat() == "2025-12-31"


def test_links_csv_on_a_full_disk_is_one_line_naming_the_file(warm_project, monkeypatch):
    assert run(warm_project, monkeypatch, "build").exit_code == 0  # the private guide's link exists
    result = run(warm_project, monkeypatch, "links", "--csv", "/dev/full")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: cannot write /dev/full: the disk is full", result.output
    assert "Traceback" not in result.output


def test_new_year_that_cannot_write_leaves_nothing_half_made(project, limits_dir, monkeypatch):
    (limits_dir / "2027.yaml").unlink(missing_ok=True)  # as in the autumn, before the 2027 figures
    (project.profiles_dir / "2027").write_text("a file where the year's folder would go")
    result = run(project, monkeypatch, "new-year", "2027")
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {project.profiles_dir / '2027' / 'plans'}: Not a directory\n"
    assert not (limits_dir / "2027.yaml").exists()  # written last, so never: builds of 2026 go on
    assert (project.profiles_dir / "2027").read_text() == "a file where the year's folder would go"


def test_new_year_stopped_by_a_full_disk_half_way_removes_what_it_wrote(project, limits_dir, monkeypatch):
    import errno
    import pathlib
    (limits_dir / "2027.yaml").unlink(missing_ok=True)
    written = pathlib.Path.write_text
    calls = []

    def fifth_write_fails(path, text, *args, **kwargs):
        calls.append(path)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return written(path, text, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", fifth_write_fails)
    result = run(project, monkeypatch, "new-year", "2027")
    assert result.exit_code == 1 and result.output == f"Error: cannot write {calls[4]}: the disk is full\n"
    assert not (project.profiles_dir / "2027").exists() and not (limits_dir / "2027.yaml").exists()


def test_calc_of_an_id_too_long_to_be_a_file_name_says_there_is_no_such_persona(project, monkeypatch):
    result = run(project, monkeypatch, "calc", "a" * 5000)  # the system refuses such a name: it is no file
    assert result.exit_code == 1
    assert result.output == f"Error: no persona with id '{'a' * 80}...' in profiles/personas/\n"


def test_a_mkdocs_yml_that_is_not_a_file_is_named_not_waited_on(project, monkeypatch):
    config = project.mkdocs_yml
    config.unlink()
    os.mkfifo(config)  # MkDocs would wait on it for ever
    for command in ("build", "check"):
        result = run(project, monkeypatch, command)
        assert result.exit_code == 1
        assert result.output == f"Error: {config} is not a file: mkdocs.yml is the site's configuration (YAML text)\n"


def test_a_mkdocs_yml_that_does_not_parse_is_one_readable_line(project, monkeypatch):
    project.mkdocs_yml.write_text("site_name: [\n")
    result = run(project, monkeypatch, "build")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("mkdocs.yml:1: (file): MkDocs build failed: MkDocs encountered an error parsing the "
                               "configuration file: while parsing a flow node expected the node content, but found "
                               "'<stream end>'"), lines
    assert "\\n" not in lines[0] and lines[1] == "1 problem found; nothing was written."


@pytest.mark.parametrize("arguments, code, out", [
    (["--version"], 0, "guides, version"),
    (["no-such-command"], 2, ""),
], ids=["succeeds", "fails"])
def test_the_command_runs_the_exit_handlers_and_ends_with_its_exit_code(tmp_path, arguments, code, out):
    """`run` (the installed `guides` and `python3 -m generator`) leaves a successful run's memory to the
    system, but not before the exit handlers have run and the output is written."""
    import subprocess
    import sys
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print('exit handler ran', flush=True))\n"
             f"sys.argv = ['guides', *{arguments!r}]\n"
             "from generator.cli import run\nrun()\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == code, done.stderr
    assert done.stdout.startswith(out) and done.stdout.endswith("exit handler ran\n"), done.stdout


def test_the_command_waits_for_a_thread_still_at_work(tmp_path):
    import subprocess
    import sys
    probe = ("import sys, threading, time\n"
             "threading.Thread(target=lambda: (time.sleep(2), print('thread finished', flush=True))).start()\n"
             "sys.argv = ['guides', '--version']\n"
             "from generator.cli import run\nrun()\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["guides, version 0.1.0", "thread finished"], done.stdout  # it was waited for
