"""The Jinja2 environment for the Markdown templates: its filters (numbers and dates as
generator/formatting.py writes them, profile text made inert), globals (the law's constants, the
words of routes, cadences and options) and the front matter of a page.

Templates are strict (an undefined name is an error, never an empty string) and hold no
arithmetic: every number they print comes from a Figure or from the limits data.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from types import CodeType

import jinja2
import yaml

from . import formatting
from .formatting import inert
from .figure import Figure, Step
from .limits import load_constants
from .rules import business_plan_choice
from .rules.mega_backdoor import CADENCE_WORDS
from .rules.projection import TIMING_WORDS
from .rules.rollover import OPTION_LABEL, SOURCE_LABEL
from .view import read_sections


CHANGE_LABELS = {
    "elective_deferral_limit": "Deferral room at this employer", "catch_up_limit": "Catch-up room",
    "annual_additions_limit": "Annual additions limit", "plan_compensation": "Pay the plan's formulas use",
    "employer_match": "Employer match", "after_tax_space": "After-tax space (mega backdoor Roth)",
    "ira_contribution_limit": "IRA contribution limit", "traditional_ira_deductible_limit": "Deductible traditional IRA",
    "roth_ira_limit": "Direct Roth IRA contribution", "recommended_elections.pre_tax_pct": "Pre-tax election",
    "recommended_elections.roth_pct": "Roth election", "recommended_elections.after_tax_pct": "After-tax election",
}


def amount(step: Step) -> str:
    """A step's amount in its unit."""
    return formatting.amount(step.amount, step.unit)


def result(figure: Figure) -> str:
    """A worked example's answer for its summary line: the amount of its last "=" step, if any."""
    answers = [step for step in figure.steps if step.op == "=" and step.amount is not None]
    return amount(answers[-1]) if answers else ""


def front_matter(title: str, description: str, private: bool, hide_navigation: bool = False) -> str:
    """A page's front matter, written by a YAML emitter (never pasted text). A private page leaves
    search and asks search engines not to index it. The title is HTML-escaped: MkDocs Material
    prints it into <title> without escaping, so a name like "<script>" must arrive as entities."""
    meta: dict = {"title": html.escape(" ".join(title.split()), quote=False), "description": description}
    if private:
        meta.update({"search": {"exclude": True}, "robots": "noindex"})
    if hide_navigation:  # a firm's client pages without the public site's navigation (guides.yml)
        meta["hide"] = ["navigation"]
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000) + "---\n"


def read_front_matter(page: str) -> dict:
    """The front matter as MkDocs will read it (MkDocs' own reader: unreadable front matter gives {})."""
    from mkdocs.utils.meta import get_data
    return get_data(page)[1]


def paychecks(count: int) -> str:
    """"paycheck" or "3 paychecks", for "your last ..."."""
    return "paycheck" if count == 1 else f"{count} paychecks"


def fail(message: str) -> str:
    """Stop rendering: a template met a key it has no words for (a programming error, not an input one)."""
    raise jinja2.TemplateRuntimeError(message)


def environment(templates_dir: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The guides' templates; `compiled` keeps them compiled there between builds (keyed by their text)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=CompiledTemplates(_folder(compiled)) if compiled else None,
        auto_reload=False,  # one environment per build: a template never changes under it, so no stat per include
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: profile text goes through `inert` instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fail=fail, law=load_constants(), front_matter=front_matter, cadence_words=CADENCE_WORDS,
                       timing_words=TIMING_WORDS,
                       source_labels=SOURCE_LABEL, option_labels=OPTION_LABEL, change_labels=CHANGE_LABELS,
                       plan_words=business_plan_choice.WORDS,
                       page_sections=read_sections(templates_dir))  # what its sections/ declares, for guide_view
    env.filters.update(money=formatting.money, dollars=formatting.dollars, pct=formatting.pct, amount=amount,
                       inert=inert, result=result, day=formatting.day, paychecks=paychecks, cited=formatting.cited)
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates, kept in a folder between builds and in memory for the rest of the process:
    a process builds many shards (and a test process many sites), each with a new environment.

    In memory they are keyed by what compiling reads: the environment's settings, filters and
    tests, and the template's name and text, but not its path, so that two copies of one templates
    folder share them. The path is the one thing compiled into the code that differs between copies;
    it is put back (an error message names the template of the copy that failed)."""

    in_memory: dict[tuple, CodeType] = {}

    def get_bucket(self, environment, name, filename, source):
        key = (_compiles_as(environment), name, self.get_source_checksum(source))
        code = self.in_memory.get(key)
        if code is None:
            bucket = super().get_bucket(environment, name, filename, source)  # from the folder, or empty
            if bucket.code is not None:
                self.in_memory[key] = bucket.code
        else:
            bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name, filename), key[2])
            bucket.code = code.replace(co_filename=filename or code.co_filename)
        bucket.memory_key = key
        return bucket

    def set_bucket(self, bucket) -> None:  # a template just compiled
        self.in_memory[bucket.memory_key] = bucket.code
        super().set_bucket(bucket)


def _compiles_as(env: jinja2.Environment) -> tuple:
    """Everything of an environment that its compiler reads (a filter or test is read by identity:
    the optimizer may call it on constants)."""
    settings = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
                "is_async", "undefined")
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else id(env.autoescape)
    return (tuple(getattr(env, s) for s in settings), autoescape, tuple(sorted(env.extensions)),
            tuple(sorted((k, id(v)) for k, v in env.filters.items())),
            tuple(sorted((k, id(v)) for k, v in env.tests.items())))


def _folder(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    return str(path)
