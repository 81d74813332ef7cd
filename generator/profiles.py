"""Persona and Plan: the typed, validated inputs, and the loader that reports every problem at once.

The YAML format is documented for users in site_content/reference/profile-format.md; keep the
two in step. Numbers arrive as Decimal (yamlio), so the models are strict: a quoted "85000" is a
mistake worth reporting, not something to guess at.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationError, model_validator

from .errors import Problem, display_path
from .formatting import pct
from .limits import LIMITS_SHOWN, InvalidLimits, MissingLimits, available_years, law, load_limits
from .rules.contributions import age_on_dec_31
from .rules.ira import FILING_STATUSES
from .rules.early_payout_exceptions import KINDS as EXCEPTION_KINDS
from .yamlio import Node, line_of, load_yaml, unwanted_character

if TYPE_CHECKING:
    from .persona_cache import PersonaCache


# Upper bound of every amount: a billion dollars is beyond any person's pay or balance, and keeps
# every sum far from where Decimal arithmetic or the page's formatting would break (1e400 would).
MAX_AMOUNT = Decimal(1_000_000_000)
# Site pages and folders that a persona's guide may not share a name with.
RESERVED_IDS = frozenset({"index", "search", "assets", "c", "guides", "limits", "reference", "glossary",
                          "methodology", "404", "sitemap"})


def _whole_number(value: Any) -> Any:
    """YAML numbers are Decimal; integer fields take the ones without a fraction."""
    if isinstance(value, Decimal) and value.is_finite():
        if value.adjusted() > 12:  # int() of 1e999999999 would take minutes, and arithmetic on it overflows
            raise ValueError(f"is far too large (got {value})")
        if value == value.to_integral_value():
            return int(value)
    return value


def _plain_text(value: str) -> str:
    """Profile text is printed into pages and front matter: no invisible characters, not blank."""
    if unwanted_character(value):
        raise ValueError(_plain_text_problem(value))
    if not value.strip():
        raise ValueError(f"must not be blank (got {value!r})")
    return value


def _plain_text_problem(value: str) -> str:
    return (f"contains {unwanted_character(value)}, which profile text may not hold (got {value!r}) "
            "(retype it; pasted text can carry invisible characters)")


Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]
PositiveMoney = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
Year = Annotated[int, BeforeValidator(_whole_number), Field(ge=1900, le=2200)]
Count = Annotated[int, BeforeValidator(_whole_number)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, Field(max_length=200), AfterValidator(_plain_text)]
FilingStatus = Literal[FILING_STATUSES]  # type: ignore[valid-type]  # one list of statuses, in the IRA rules


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# ----------------------------------------------------------------------------- plans

class MatchTier(Model):
    rate_pct: Annotated[Decimal, Field(gt=0, le=1000, allow_inf_nan=False)]
    up_to_pct: Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]


class Match(Model):
    tiers: list[MatchTier] = []
    period: Literal["per_pay_period", "annual"] = "per_pay_period"
    true_up: bool = False
    matches_after_tax: bool = False

    @model_validator(mode="after")
    def _tiers_ascend(self) -> Match:
        bounds = [tier.up_to_pct for tier in self.tiers]
        if bounds != sorted(set(bounds)):
            raise ValueError("tiers: each tier's up_to_pct must be larger than the one before")
        return self


class Contributions(Model):
    roth: bool = False
    after_tax: bool = False
    after_tax_max_pct: Percent | None = None
    max_total_pct: Percent = Decimal(100)


class ElectionRules(Model):
    """How the plan's payroll takes elections."""

    unit: Literal["whole_pct", "fractional_pct", "dollar"] = "whole_pct"
    step: Annotated[Decimal, Field(gt=0, le=10, allow_inf_nan=False)] | None = None  # fractional_pct: in percent
    stops_at_limit: bool = True  # payroll stops deferrals at the yearly limit

    @model_validator(mode="after")
    def _step_for_fractions(self) -> ElectionRules:
        if self.step is not None and self.unit != "fractional_pct":
            raise ValueError(f"step is for unit fractional_pct (the unit here is {self.unit})")
        return self

    @property
    def step_pct(self) -> Decimal:
        """The smallest change of a percentage election (a dollar election is searched in hundredths)."""
        return {"whole_pct": Decimal(1), "dollar": Decimal("0.01")}.get(self.unit) or self.step or Decimal("0.1")


class RothConversion(Model):
    in_plan: bool = False
    in_service_withdrawal: bool = False
    frequency: Literal["per_pay_period", "monthly", "quarterly", "annually", "never"] = "never"


class VestingStep(Model):
    """One step of a vesting schedule: the percent of employer money vested after this many years of service."""
    years: Annotated[Count, Field(ge=0, le=50)]
    vested_pct: Percent


def _schedule_in_order(steps: list[VestingStep]) -> list[VestingStep]:
    for before, after in zip(steps, steps[1:]):
        if after.years <= before.years or after.vested_pct <= before.vested_pct:
            raise ValueError("each step needs more years and a higher vested_pct than the one before")
    if steps and steps[-1].vested_pct != 100:
        raise ValueError(f"the last step must vest 100% (it vests {pct(steps[-1].vested_pct)})")
    return steps


class Rollovers(Model):
    accepts_roll_ins: bool = False
    rule_of_55: bool = True


# A business owner's own plans (a persona's business.plan); the others are an employer's plans (persona.plan).
BUSINESS_PLAN_TYPES = ("solo_401k", "sep_ira", "simple_ira")
PlanType = Literal["401k", "403b", "governmental_457b", "solo_401k", "sep_ira", "simple_ira"]


class Simple(Model):
    """A SIMPLE IRA's employer contribution and limits (IRC 408(p))."""
    employer_contribution: Literal["match", "nonelective"] = "match"
    small_employer_limit: bool = False  # the plan elects the higher limits of SECURE 2.0 s.117 (from 2024)


class Plan(Model):
    id: Slug
    name: Text
    type: PlanType = "401k"
    pay_periods: Annotated[Count, Field(ge=1, le=53)]
    contributions: Contributions = Contributions()
    elections: ElectionRules = ElectionRules()
    match: Match = Match()
    nonelective_pct: Percent = Decimal(0)
    roth_conversion: RothConversion = RothConversion()
    rollovers: Rollovers = Rollovers()
    # employer money vests on these steps (empty: at once); your own contributions are always vested
    vesting: Annotated[list[VestingStep], AfterValidator(_schedule_in_order)] = []
    expense_ratio_pct: Percent | None = None
    source: Text | None = None
    qualified_organization: bool = False  # a 403(b) of a school, hospital, church...: the 15-year catch-up (402(g)(7))
    normal_retirement_age: Annotated[Count, Field(ge=40, le=75)] | None = None  # a 457(b)'s: its special catch-up
    simple: Simple = Simple()


# ----------------------------------------------------------------------------- personas

class Pay(Model):
    salary: Money  # from the plan's employer; 0: no pay of one's own (with no plan), or a business's earnings only
    prior_year_fica_wages: Money | None = None  # required at catch-up age with a plan (the Roth catch-up rule)
    other_deferrals_this_year: Money = Decimal(0)
    paychecks_this_year: Annotated[Count, Field(ge=1, le=53)] | None = None
    self_employment_income: Money = Decimal(0)
    other_employer_pay: Money = Decimal(0)  # taxable pay (W-2 box 1) from another employer this year: MAGI only


class Spouse(Model):
    name: Text = "your spouse"
    compensation: Money = Decimal(0)
    pre_tax_deferrals: Money = Decimal(0)
    covered_by_workplace_plan: bool = False
    ira_contributions: Money = Decimal(0)
    birth_date: date | None = None


class Elections(Model):
    pre_tax_pct: Percent = Decimal(0)
    roth_pct: Percent = Decimal(0)
    after_tax_pct: Percent = Decimal(0)

    @model_validator(mode="after")
    def _at_most_all_pay(self) -> Elections:
        if self.pre_tax_pct + self.roth_pct + self.after_tax_pct > 100:
            raise ValueError("the three elections add up to more than 100% of pay")
        return self


class Iras(Model):
    traditional_pretax_balance: Money = Decimal(0)
    nondeductible_basis: Money = Decimal(0)
    roth_balance: Money = Decimal(0)
    first_roth_ira_year: Year | None = None  # year of the first contribution or conversion to any Roth IRA (its five-year clock)
    contribution_this_year: Money | None = None
    conversion_amount: Money | None = None
    distributions_this_year: Money = Decimal(0)
    expense_ratio_pct: Percent | None = None


class AdditionalTaxException(Model):
    """An exception to the 10 % additional tax that covers payouts from this plan (IRC 72(t)(2))."""
    kind: Literal[tuple(EXCEPTION_KINDS)]  # type: ignore[valid-type]
    amount: Money | None = None  # how much of a payout it covers, for the exceptions the law limits to an amount
    expenses: Money | None = None  # medical: this year's unreimbursed medical expenses

    @model_validator(mode="after")
    def _what_it_covers(self) -> AdditionalTaxException:
        if self.kind == "medical" and self.expenses is None:
            raise ValueError("medical needs expenses: this year's unreimbursed medical expenses")
        if self.kind != "medical" and not EXCEPTION_KINDS[self.kind].whole_payout and self.amount is None:
            raise ValueError(f"{self.kind} needs amount: how much of the payout it covers")
        return self


class EmployerStock(Model):
    """Shares of the employer held in the plan, part of its pre-tax balance (IRC 402(e)(4))."""
    market_value: PositiveMoney  # today's value
    cost_basis: Money  # what the plan paid for them (on the plan statement)


class Balances(Model):
    pre_tax: Money = Decimal(0)
    roth: Money = Decimal(0)
    roth_contributions: Money | None = None  # the part of `roth` that is contributions (its tax-free share)
    after_tax_basis: Money = Decimal(0)
    after_tax_earnings: Money = Decimal(0)
    rolled_in: Money = Decimal(0)  # part of pre_tax rolled in from other plans or IRAs (matters in a governmental 457(b))
    payout_this_year: Money | None = None  # a payout of this amount from the plan this year: the guide shows its tax
    first_roth_year: Year | None = None  # year of the first Roth contribution to this plan (its five-year clock)
    dec_31_last_year: Money | None = None  # the plan's balance on Dec 31 last year (a required minimum distribution's base)
    additional_tax_exceptions: list[AdditionalTaxException] = []  # what the profile says frees its payouts of the 10 %
    employer_stock: EmployerStock | None = None  # company shares in the plan: net unrealized appreciation

    @model_validator(mode="after")
    def _parts_within_balances(self) -> Balances:
        if self.roth_contributions is not None and self.roth_contributions > self.roth:
            raise ValueError(f"roth_contributions ({self.roth_contributions}) is more than the Roth balance ({self.roth})")
        if self.rolled_in > self.pre_tax:
            raise ValueError(f"rolled_in ({self.rolled_in}) is more than the pre-tax balance ({self.pre_tax})")
        total = self.pre_tax + self.roth + self.after_tax_basis + self.after_tax_earnings
        if self.payout_this_year is not None and self.payout_this_year > total:
            raise ValueError(f"payout_this_year ({self.payout_this_year}) is more than the plan's balance ({total})")
        if self.employer_stock is not None and self.employer_stock.market_value > self.pre_tax:
            raise ValueError(f"employer_stock.market_value ({self.employer_stock.market_value}) is more than the "
                             f"pre-tax balance ({self.pre_tax}) that holds it")
        return self


class PreviousPlan(Balances):
    name: Text
    type: Literal["401k", "403b", "governmental_457b", "solo_401k"] = "401k"
    separation_year: Year | None = None
    rule_of_55: bool = True
    expense_ratio_pct: Percent | None = None
    public_safety_plan: bool = False  # a plan of a job in public safety: payouts free of the 10 % from age 50 (72(t)(10))
    years_of_service: Annotated[Count, Field(ge=0, le=70)] | None = None  # under this plan when you left


class JobChange(Model):
    separation_date: date
    public_safety_employee: bool = False
    years_of_service: Annotated[Count, Field(ge=0, le=70)] | None = None  # under this plan when you leave
    balances: Balances = Balances()
    new_plan: Slug | None = None
    service_start: date | None = None  # first day working for this employer: vesting counts years of service from it
    employer_money: Money = Decimal(0)  # the part of balances.pre_tax the employer put in, vested or not
    loan: Money = Decimal(0)  # a plan loan still owed on leaving: the plan offsets it against the account
    new_pay: Money | None = None  # pay at the new job this year: the two plans' matches then split the limit

    @model_validator(mode="after")
    def _vesting_facts(self) -> JobChange:
        if self.employer_money > self.balances.pre_tax:
            raise ValueError(f"employer_money ({self.employer_money}) is more than balances.pre_tax ({self.balances.pre_tax})")
        if self.service_start is not None and self.service_start >= self.separation_date:
            raise ValueError(f"service_start ({self.service_start}) is not before separation_date ({self.separation_date})")
        if self.employer_money and self.service_start is None:
            raise ValueError("employer_money needs service_start (vesting counts years of service from it)")
        return self


class Business(Model):
    """Earnings from a business of your own and the retirement plan it has (or could have)."""
    net_profit: Money = Decimal(0)  # Schedule C line 31 or K-1 box 14 code A, for an unincorporated business
    incorporated: bool = False  # you own a corporation that pays you W-2 wages instead
    w2_pay: Money = Decimal(0)  # those wages, when incorporated
    has_employees: bool = False  # employees other than you and your spouse: no solo 401(k)
    plan: Slug | None = None  # a plan of type solo_401k, sep_ira or simple_ira; none: the guide compares them
    plan_assets: Money = Decimal(0)  # the business plan's value on Dec 31 (Form 5500-EZ)
    prior_year_w2_pay: Money | None = None  # incorporated: last year's FICA wages from it (the Roth catch-up rule)
    simple_first_participation: date | None = None  # first day in a SIMPLE IRA plan of this business


class ServiceHistory(Model):
    """Facts about earlier years that the 403(b) and 457(b) catch-ups need."""
    years_of_service: Annotated[Count, Field(ge=0, le=70)] = 0  # completed years with the plan's employer
    earlier_deferrals: Money = Decimal(0)  # all elective deferrals to that employer's plans in earlier years
    fifteen_year_catch_up_used: Money = Decimal(0)  # 403(b) 15-year catch-ups made in earlier years
    unused_457b_limits: Money = Decimal(0)  # 457(b) limits left unused in earlier years of eligibility


class Tax(Model):
    marginal_rate_now: Percent | None = None
    marginal_rate_retirement: Percent | None = None
    state_rate: Percent = Decimal(0)
    # this year's taxable income (Form 1040 line 15) without any payout from a plan: prices a planned
    # payout at the year's brackets, and how much fits before the next bracket
    taxable_income: Money | None = None
    capital_gains_rate: Percent | None = None  # long-term, federal: prices company stock taken out of a plan


class Assumptions(Model):
    annual_return: Annotated[Decimal, Field(ge=-50, le=50, allow_inf_nan=False)] = Decimal(6)
    years_to_retirement: Annotated[Count, Field(ge=1, le=80)] | None = None
    taxable_tax_drag: Percent = Decimal(1)  # return lost to tax each year in a taxable account
    contribution_timing: Literal["start_of_year", "end_of_year"] = "end_of_year"


def _savings_goal(value: Any) -> str | Decimal:
    if value in ("max", "match") or (isinstance(value, Decimal) and value.is_finite() and 0 < value <= 100):
        return value
    raise ValueError(f"must be max, match, or a percent of pay above 0 and at most 100 (got {_shown(value)})")


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"  # a key written with no value
    return str(value) if isinstance(value, Decimal) else repr(value)


# max: fill every limit; match: just enough for the full match; a number: that % of pay in total
SavingsGoal = Annotated[Any, PlainValidator(_savings_goal)]


class Advisor(Model):
    """Who prepared a client's guide: printed on its first screen and first page."""

    name: Text
    email: Text | None = None
    phone: Text | None = None


class Persona(Model):
    id: Slug
    name: Text
    tax_year: Year
    birth_date: date
    filing_status: FilingStatus = "single"
    lived_with_spouse: bool = True
    plan: Slug | None = None
    second_plan: Slug | None = None  # a governmental 457(b) at the same employer beside plan (its own limit)
    pay: Pay
    modified_agi: Money | None = None
    spouse: Spouse | None = None
    elections: Elections | None = None
    savings_goal: SavingsGoal = "max"
    iras: Iras = Iras()
    previous_plans: list[PreviousPlan] = []
    job_change: JobChange | None = None
    business: Business | None = None
    service_history: ServiceHistory = ServiceHistory()
    tax: Tax = Tax()
    assumptions: Assumptions = Assumptions()
    audience: Literal["public", "private"] = "public"
    # facts `guides new-year` could not know for the new year: key -> what to confirm (see new_year.py)
    review: dict[str, Annotated[str, Field(min_length=1, max_length=400)]] = {}
    # advisor's choices for a private guide (README, "Private guides for clients")
    protect: Literal["passphrase", "none"] | None = None  # None: the project's default (guides.yml)
    prepared_by: Advisor | None = None  # None: the firm's advisor (guides.yml)
    share_until: date | None = None  # the link's last day: not published after it
    revoked: bool = False  # true: the page and its link are removed at the next build


# ----------------------------------------------------------------------------- loading

@dataclass
class Profiles:
    """Everything the build reads from a profiles folder, once validated."""

    personas: list[Persona] = field(default_factory=list)
    plans: dict[str, Plan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # where each persona and plan came from, for messages found after loading
    persona_files: dict[str, str] = field(default_factory=dict)
    plan_files: set[str] = field(default_factory=set)
    to_confirm: list[Problem] = field(default_factory=list)  # each persona's review: entries, located
    file_contents: dict[str, str] = field(default_factory=dict)  # a persona file, as shown -> SHA-256 of its bytes
                                                                  # as read (the build's persona cache fills it)

    def problems_of(self, persona_file: str) -> list[Problem]:
        """The problems that concern one persona: its own file's, every plan file's and the limits files'."""
        return [p for p in self.problems
                if p.path == persona_file or p.path in self.plan_files or p.path.startswith(LIMITS_SHOWN)]


def load_profiles(profiles_dir: Path, project_root: Path | None = None, year: int | None = None,
                  only: Path | None = None, cache: PersonaCache | None = None) -> Profiles:
    """Load and validate every plan and persona below `profiles_dir`; collect all problems.

    `year` replaces each persona's tax_year (the yearly refresh: `guides build --year 2027`).
    `only` loads that one persona file and the plans (calc and check of one persona, at any N).
    `cache` (persona_cache.py) keeps each persona file's outcome, so a rebuild reads again only the
    files that changed (the build uses it; check and calc write nothing).
    """
    result = Profiles()
    shown = lambda path: display_path(path, project_root)  # noqa: E731 - a local naming helper
    if not (profiles_dir / "personas").is_dir():
        result.problems.append(Problem(shown(profiles_dir), 1, "", "no personas/ folder here",
                                       "a profiles folder holds personas/*.yaml and plans/*.yaml"))
        return result
    for path in sorted([*profiles_dir.glob("plans/*.yml"), *profiles_dir.glob("personas/*.yml")]):
        result.problems.append(Problem(shown(path), 1, "", "is not read: profiles end in .yaml",
                                       f"rename it to {path.stem}.yaml"))
    plan_lines: dict[str, tuple[str, int]] = {}
    for path in sorted((profiles_dir / "plans").glob("*.yaml")):
        result.plan_files.add(shown(path))
        plan, data = _load_model(Plan, path, shown(path), result.problems)
        if plan is not None:
            _check_id(plan.id, path, data, shown(path), result.problems)
            if plan.id in result.plans:
                first = plan_lines[plan.id]
                result.problems.append(Problem(shown(path), data.key_lines.get("id", 1), "id",
                                               f"plan id {plan.id!r} is also used by {first[0]}:{first[1]}"))
            result.plans[plan.id] = plan
            plan_lines[plan.id] = (shown(path), data.key_lines.get("id", 1))
    folder = shown(profiles_dir / "personas")  # once: resolving each of thousands of paths takes seconds
    files = [(path, shown(path) if only else os.path.join(folder, path.name))
             for path in ([only] if only else sorted((profiles_dir / "personas").glob("*.yaml"), key=lambda p: p.name))]
    read = partial(_read_persona, result.plans, year)  # a partial of a module's function: it goes to processes
    for (path, where), loaded in zip(files, cache.read_all(files, read) if cache else (read(*f) for f in files)):
        result.problems.extend(loaded.problems)
        result.to_confirm.extend(loaded.to_confirm)
        persona = loaded.persona
        if persona is None:
            continue
        if persona.id in result.persona_files:
            result.problems.append(Problem(where, loaded.id_line, "id",
                                           f"persona id {persona.id!r} is also used by {result.persona_files[persona.id]}"))
        result.persona_files[persona.id] = where
        result.personas.append(persona)
    if not result.personas and not result.problems:
        result.problems.append(Problem(shown(profiles_dir / "personas"), 1, "", "no persona files (*.yaml) found"))
    result.problems = list(dict.fromkeys(result.problems))  # a broken limits file is reported once, not per persona
    return result


@dataclass(frozen=True)
class LoadedPersona:
    """One persona file, read and checked on its own: the persona (None when it has problems),
    the line of its id, its problems and its review: entries."""

    persona: Persona | None
    id_line: int = 1
    problems: tuple[Problem, ...] = ()
    to_confirm: tuple[Problem, ...] = ()


def read_persona(path: Path, shown: str, plans: dict[str, Plan], year: int | None) -> LoadedPersona:
    """Read and check one persona file against the plans and the limits (not against other personas)."""
    data, problems = load_yaml(path, shown)
    if problems:
        return LoadedPersona(None, problems=tuple(problems))
    data = _with_default_id(data, path)
    to_confirm: list[Problem] = []
    if isinstance(data, Node) and year is not None:
        data = data.with_value("tax_year", Decimal(year))
    if isinstance(data, Node):
        problems.extend(_reference_checks(data, shown, plans, year))
        to_confirm = _to_confirm(data, shown)
    persona = _validate(Persona, data, shown, problems)
    if persona is None:
        return LoadedPersona(None, problems=tuple(problems), to_confirm=tuple(to_confirm))
    _check_id(persona.id, path, data, shown, problems)
    if persona.id in RESERVED_IDS:
        problems.append(Problem(shown, data.key_lines.get("id", 1), "id",
                                f"{persona.id!r} is a name the site uses for its own pages",
                                f"rename the file, e.g. {persona.id}-guide.yaml"))
    problems.extend(_persona_checks(persona, data, shown))
    return LoadedPersona(persona, data.key_lines.get("id", 1), tuple(problems), tuple(to_confirm))


def _read_persona(plans: dict[str, Plan], year: int | None, path: Path, shown: str) -> LoadedPersona:
    return read_persona(path, shown, plans, year)


def load_persona_file(path: Path, year: int | None = None) -> tuple[Persona | None, dict[str, Plan], list[Problem]]:
    """One persona and every plan in plans/ beside its personas/ folder (its own plan, the plan of a
    job it moves to), so a persona computes the same by path as by id."""
    profiles = load_profiles(path.resolve().parent.parent, None, year, only=path.resolve())
    wanted = str(path.resolve())
    problems = profiles.problems_of(wanted)
    for persona in profiles.personas:
        if profiles.persona_files[persona.id] == wanted:
            return persona, profiles.plans, problems
    return None, {}, problems or [Problem(str(path), 1, "", "not a persona file in a profiles/personas/ folder")]


def _load_model(model: type[Model], path: Path, shown: str, problems: list[Problem]) -> tuple[Any, Any]:
    data, load_problems = load_yaml(path, shown)
    if load_problems:
        problems.extend(load_problems)
        return None, None
    data = _with_default_id(data, path)
    return _validate(model, data, shown, problems), data


def _with_default_id(data: Any, path: Path) -> Any:
    """The id defaults to the file name, so `maria.yaml` needs no `id: maria`."""
    if isinstance(data, Node) and "id" not in data:
        return data.with_value("id", path.stem)
    return data


def _validate(model: type[Model], data: Any, shown: str, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}, not a mapping of keys"
        problems.append(Problem(shown, getattr(data, "line", 1), "", f"the file is {what}",
                                f"expected keys such as {', '.join(list(model.model_fields)[:4])}"))
        return None
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        for item in error.errors(include_url=False):
            problems.append(_problem_from(item, model, data, shown))
        return None


def _check_id(found: str, path: Path, data: Node, shown: str, problems: list[Problem]) -> None:
    if found != path.stem:
        problems.append(Problem(shown, data.key_lines.get("id", 1), "id",
                                f"id {found!r} does not match the file name {path.name!r}",
                                f"rename the file to {found}.yaml or set id: {path.stem}"))


def _reference_checks(data: Node, shown: str, plans: dict[str, Plan], year: int | None) -> list[Problem]:
    """Checks against other files and the limits data; run on the raw data so they are reported
    even when the persona has other mistakes."""
    problems: list[Problem] = []
    tax_year = data.get("tax_year")
    if isinstance(tax_year, Decimal) and tax_year.is_finite() and 1900 <= tax_year <= 2200 \
            and tax_year == tax_year.to_integral_value():
        try:
            load_limits(int(tax_year))
        except MissingLimits as missing:
            have = available_years()
            problems.append(Problem(shown, line_of(data, ("tax_year",)), "tax_year" if year is None else "tax_year (from --year)",
                                    f"no IRS limits for {missing.year}",
                                    f"add {missing.file}; limits exist for {have[0]}-{have[-1]}"))
        except InvalidLimits as invalid:  # the limits file's own located problems, once (see load_profiles)
            problems.extend(invalid.problems)
    references = [(("plan",), data.get("plan")), (("second_plan",), data.get("second_plan"))]
    if isinstance(data.get("job_change"), dict):
        references.append((("job_change", "new_plan"), data["job_change"].get("new_plan")))
    if isinstance(data.get("business"), dict):
        references.append((("business", "plan"), data["business"].get("plan")))
    for loc, plan_id in references:
        if isinstance(plan_id, str) and plan_id not in plans:
            problems.append(Problem(shown, line_of(data, loc), ".".join(loc), f"no plan with id {plan_id!r}",
                                    _known("plans", plans)))
        elif isinstance(plan_id, str) and (plans[plan_id].type in BUSINESS_PLAN_TYPES) != (loc == ("business", "plan")):
            kind = plans[plan_id].type
            problems.append(Problem(shown, line_of(data, loc), ".".join(loc), f"plan {plan_id!r} is a {kind} plan",
                                    "a solo 401(k), SEP IRA or SIMPLE IRA of your own business goes in business.plan; "
                                    "an employer's 401(k), 403(b) or 457(b) goes in plan" if loc != ("business", "plan")
                                    else "business.plan takes a plan of type solo_401k, sep_ira or simple_ira"))
    problems.extend(_second_plan_checks(data, shown, plans))
    return problems


def _second_plan_checks(data: Node, shown: str, plans: dict[str, Plan]) -> list[Problem]:
    """A second plan at the same employer is a governmental 457(b) beside a 401(k) or 403(b): the one
    pairing whose deferral limits are separate (IRC 457(e)(15)); two 401(k)/403(b) plans share one."""
    second, first = data.get("second_plan"), data.get("plan")
    if not isinstance(second, str) or second not in plans:
        return []
    where = line_of(data, ("second_plan",))
    if plans[second].type != "governmental_457b":
        return [Problem(shown, where, "second_plan", f"plan {second!r} is a {plans[second].type} plan",
                        "second_plan takes a governmental_457b at the same employer (its limit is separate); "
                        "deferrals to two 401(k) or 403(b) plans share one limit")]
    if first is None:
        return [Problem(shown, where, "second_plan", "needs plan: the employer's 401(k) or 403(b) it sits beside",
                        "or give the 457(b) as plan")]
    if isinstance(first, str) and first in plans and plans[first].type not in ("401k", "403b"):
        return [Problem(shown, where, "second_plan", f"sits beside a 401k or 403b plan (plan {first!r} is a "
                        f"{plans[first].type} plan)", "")]
    return []


def _to_confirm(data: Node, shown: str) -> list[Problem]:
    review = data.get("review")
    if not isinstance(review, Node):
        return []
    return [Problem(shown, review.key_lines[key], str(key), f"to confirm: {message}") for key, message in review.items()]


def _persona_checks(persona: Persona, data: Node, shown: str) -> list[Problem]:
    """Checks that need more than one field of a valid persona."""
    problems: list[Problem] = []
    if persona.job_change is not None and persona.job_change.separation_date.year != persona.tax_year:
        problems.append(Problem(shown, line_of(data, ("job_change", "separation_date")), "job_change.separation_date",
                                f"{persona.job_change.separation_date} is not in tax year {persona.tax_year}",
                                "job_change describes leaving this employer during the tax year; "
                                "money left in earlier jobs' plans goes in previous_plans"))
    age = age_on_dec_31(persona.birth_date, persona.tax_year)
    if not 14 <= age <= 110:
        problems.append(Problem(shown, line_of(data, ("birth_date",)), "birth_date",
                                f"gives an age of {age} on Dec 31 {persona.tax_year}", "expected an age from 14 to 110"))
    if (persona.job_change or persona.previous_plans) and persona.tax.marginal_rate_now is None:
        problems.append(Problem(shown, line_of(data, ("tax",)) if "tax" in data else data.line, "tax.marginal_rate_now",
                                "is required when the profile has job_change or previous_plans",
                                "cashing out is taxed at your marginal rate; the guide compares it with rolling over"))
    if persona.pay.salary == 0 and persona.plan is not None:
        problems.append(Problem(shown, line_of(data, ("pay", "salary")), "pay.salary",
                                f"must be above 0 with a workplace plan (plan: {persona.plan})",
                                "with no pay from that employer this year, leave plan out and list the plan's "
                                "money under previous_plans"))
    if 14 <= age <= 110:  # an impossible age is its own problem
        problems.extend(_roth_catch_up_wages(persona, data, shown, age))
    if persona.business is not None and persona.modified_agi is None:
        problems.append(Problem(shown, line_of(data, ("business",)), "modified_agi",
                                "is required with business (it cannot be estimated from a salary)",
                                "your modified AGI for the IRA phase-outs: income after the business's deductions"))
    if persona.business is not None and persona.business.incorporated and persona.business.net_profit:
        problems.append(Problem(shown, line_of(data, ("business", "net_profit")), "business.net_profit",
                                "is for an unincorporated business; an incorporated owner gives business.w2_pay",
                                "set incorporated: false, or move the amount to w2_pay"))
    if persona.filing_status == "married_joint" and persona.spouse is None:
        problems.append(Problem(shown, line_of(data, ("filing_status",)), "spouse",
                                "is required for married_joint (the IRA rules use the spouse's pay and coverage)",
                                "add spouse: with compensation and covered_by_workplace_plan"))
    if persona.audience != "private":
        for key in ("protect", "prepared_by", "share_until", "revoked"):
            if key in data:
                problems.append(Problem(shown, line_of(data, (key,)), key, "applies only to a private guide",
                                        "add audience: private (an advisor's client page)"))
    return problems


def _roth_catch_up_wages(persona: Persona, data: Node, shown: str, age: int) -> list[Problem]:
    """The Roth catch-up rule (IRC 414(v)(7)) turns on last year's FICA wages from the same employer:
    at catch-up age, in a year with the rule, the guide needs them and never guesses (0 for a new hire)."""
    try:
        rule_year = load_limits(persona.tax_year).roth_catch_up_wage_threshold.value is not None
    except (MissingLimits, InvalidLimits):  # reported by _reference_checks
        return []
    if not rule_year or age < law("catch_up_age").value:
        return []
    problems = []
    if persona.plan is not None and persona.pay.prior_year_fica_wages is None:
        problems.append(Problem(shown, line_of(data, ("pay",)), "pay.prior_year_fica_wages",
                                f"is required at age {age}: the Roth catch-up rule looks at last year's FICA "
                                "wages from this employer",
                                "W-2 box 3 from this employer last year; 0 if you started here this year"))
    business = persona.business
    # a solo 401(k) (no employees) is where an owner's own catch-ups may have to be Roth
    if business is not None and business.incorporated and not business.has_employees and business.prior_year_w2_pay is None:
        problems.append(Problem(shown, line_of(data, ("business",)), "business.prior_year_w2_pay",
                                f"is required at age {age} for an incorporated business: the Roth catch-up rule "
                                "looks at last year's FICA wages from it",
                                "W-2 box 3 from your corporation last year; 0 if it paid you none"))
    return problems


def _known(kind: str, items: dict) -> str:
    return f"known {kind}: {', '.join(sorted(items))}" if items else f"no {kind} were loaded"


# ----------------------------------------------------------------------------- messages

def _problem_from(item: dict, model: type[Model], data: Node, shown: str) -> Problem:
    loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and _is_union_branch(part)))
    key = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    message, hint = _explain(item, model, loc)
    return Problem(shown, line_of(data, loc), key, message, hint)


def _is_union_branch(part: str) -> bool:
    # pydantic names the branch it tried inside a union ("literal['max','match']", "constrained-decimal")
    return bool(re.match(r"^(literal\[|constrained-|function-|decimal|str|int|bool|date|list\[|none)", part))


_DATE = ("must be a date", "write it as YYYY-MM-DD, e.g. 1984-03-02")
# pydantic error kinds whose message needs nothing but the value given: (message, hint)
_PLAIN_MESSAGES = {
    "bool_type": ("must be true or false", ""),
    "date_type": _DATE, "date_from_datetime_parsing": _DATE, "date_parsing": _DATE,
    "string_type": ("must be text", ""),
    "string_pattern_mismatch": ("must be lowercase letters, digits and hyphens", "e.g. maria or acme-401k"),
}


def _explain(item: dict, model: type[Model], loc: tuple) -> tuple[str, str]:
    kind, ctx, given = item["type"], item.get("ctx") or {}, item.get("input")
    shown_given = f" (got {_shown(given)})" if not isinstance(given, dict | list) else ""
    if kind == "missing":
        return "is required", ""
    if kind == "extra_forbidden":
        return "unknown key", f"expected one of: {', '.join(_fields_at(model, loc[:-1]))}"
    if kind in ("int_type", "int_from_float"):
        return f"must be a whole number{shown_given}", ""
    if kind == "finite_number":
        return f"must be a finite number{shown_given}", ""
    if kind in ("is_instance_of", "decimal_type", "decimal_parsing"):
        if isinstance(given, str) and _EXPONENT.match(given.strip()):
            return f"must be a number{shown_given}", f"YAML reads {given.strip()} as text; write the amount in digits, e.g. 85000"
        return f"must be a number{shown_given}", "write it without quotes, e.g. 85000 or 6.5" if given is not None else ""
    if kind == "string_unicode":  # a lone surrogate: pydantic refuses the string before _plain_text sees it
        return _plain_text_problem(given), ""
    if kind == "decimal_max_places":
        return f"must have at most {ctx.get('decimal_places')} decimal places{shown_given}", "amounts are dollars and cents"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters", ""
    if kind in _PLAIN_MESSAGES:
        message, hint = _PLAIN_MESSAGES[kind]
        return f"{message}{shown_given}", hint
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{shown_given}", ""
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {"greater_than": "more than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()))
        return f"must be {bound} {limit}{shown_given}", ""
    if kind == "value_error":
        return str(ctx.get("error", item["msg"])), ""
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        return "must be " + ("a list" if kind == "list_type" else "a mapping of keys") + shown_given, ""
    return item["msg"], ""


# 1e400 or 2.5E6: numbers to a person, text to YAML 1.1 (its floats need a dot and a signed exponent)
_EXPONENT = re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9]*)?[eE][-+]?[0-9]+$")


def _fields_at(model: type[Model], loc: tuple) -> list[str]:
    """The keys allowed at `loc` inside `model`, for the 'unknown key' hint."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation if part in getattr(current, "model_fields", {}) else None
        current = _model_in(annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
