"""Leaving a job: what each option does to each kind of money in an old plan, in dollars.

For every balance source (pre-tax, Roth, after-tax basis, after-tax earnings) the options are
cash out, leave it, roll to the new employer's plan, roll to an IRA and roll to a solo 401(k).
Around them: the 10 % additional tax and its exceptions (59½, the rule of 55), the force-out
threshold, the 60-day indirect rollover, what an IRA rollover does to a backdoor Roth, and the
402(g) excess that a job change can create. Every amount is a Figure with its working.

The modules: kinds (the kinds of money, homes and their words), inputs (what the rules are told),
early_payout (the 10 % additional tax and the one hook that decides it), payout (money paid to the
person), homes (money moved or kept), recommend, pro_rata (the backdoor Roth interplay) and
job_change_year (402(g) across two employers). This module puts them together for one plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from ...figure import Figure
from ...limits import Constant, Limits
from ...money import ZERO
from .conversion import roth_conversion
from .early_payout import (IRA, PLAN, AdditionalTax, PayoutFacts, additional_tax, additional_tax_exception,
                           date_of_age, no_exception, reached_penalty_free_age, roth_ira_five_years,
                           roth_qualified_distribution, rule_of_55_applies)
from .homes import force_out, leave_in_plan, roll_to_ira, roll_to_new_plan, roll_to_solo_401k
from .inputs import NO_IRAS, NO_NEW_PLAN, Destination, IraPicture, Leaver, Outlook, PlanLeft, Vesting
from .job_change_year import excess_deferral_claim_deadline, excess_deferral_deadline, excess_deferrals
from .kinds import OPTION_LABEL, OPTIONS, PRE_TAX_SOURCES, SOURCE_LABEL, SOURCES
from .late_rollover import late_rollover
from .loan import loan_offset
from .payout import cash_out, indirect_rollover, partial_payout, taxable_part
from .pro_rata import backdoor_pro_rata_effect
from .recommend import recommended_option
from .rmd import EMPLOYER_PLAN, first_rmd, rmd_for_year
from .vesting import vesting

ROTH_RMDS_END = 2024  # designated Roth accounts owe no RMD from this year (SECURE 2.0 s.325): not a legal number to print

__all__ = [
    "IRA", "PLAN", "AdditionalTax", "Destination", "IraPicture", "Leaver", "NO_IRAS", "NO_NEW_PLAN", "OPTIONS",
    "OPTION_LABEL", "Outlook", "PayoutFacts", "PlanLeft", "RolloverOptions", "SOURCES", "SOURCE_LABEL", "SourceOptions",
    "Vesting",
    "additional_tax", "additional_tax_exception", "backdoor_pro_rata_effect", "cash_out", "date_of_age",
    "excess_deferral_claim_deadline", "excess_deferral_deadline", "excess_deferrals", "force_out",
    "indirect_rollover", "leave_in_plan", "no_exception", "partial_payout", "reached_penalty_free_age",
    "recommended_option", "roll_to_ira", "roll_to_new_plan", "roll_to_solo_401k", "rollover_options",
    "roth_qualified_distribution", "rule_of_55_applies", "taxable_part",
]


@dataclass(frozen=True)
class SourceOptions:
    """Every option for one balance source of one plan, and the recommendation."""

    source: str
    amount: Decimal
    taxable: Figure
    options: dict[str, Figure]
    recommendation: Figure

    def to_json(self) -> dict:
        data: dict = {option: dict(figure.value) for option, figure in self.options.items()}
        data["recommended_option"] = self.recommendation.value
        data["reasons"] = [step.label for step in self.recommendation.steps]
        return data


@dataclass(frozen=True)
class RolloverOptions:
    """The figures of the "Leaving your job" section for one old (or departing) plan."""

    reached_59_half: Figure
    rule_of_55: Figure
    additional_tax_exception: Figure
    force_out: Figure
    indirect_rollover: Figure
    backdoor_effect: Figure
    sources: dict[str, SourceOptions]
    partial_payout: Figure | None = None
    roth_qualified: Figure | None = None    # whether a payout of the plan's Roth money is qualified
    vesting: Figure | None = None           # employer money kept and forfeited on leaving
    loan_offset: Figure | None = None       # a loan still owed, offset at separation
    first_rmd: Figure | None = None         # when this plan first owes a required minimum distribution
    rmd_this_year: Figure | None = None     # this year's RMD, paid out first and never rolled over
    roth_conversion: Figure | None = None   # the pre-tax money rolled straight to a Roth IRA instead
    late_rollover: Figure | None = None     # a 60-day rollover finished late

    def plan_figures(self) -> tuple[Figure, ...]:
        """The plan-wide figures, each under its JSON name."""
        found = (self.reached_59_half, self.additional_tax_exception, self.force_out, self.indirect_rollover,
                 self.backdoor_effect, self.partial_payout, self.roth_qualified, self.vesting, self.loan_offset,
                 self.first_rmd, self.rmd_this_year, self.roth_conversion, self.late_rollover)
        return tuple(f for f in found if f is not None)

    def to_json(self) -> dict:
        """`rollover_options` (per source, per option) and `rule_of_55_applies`, as in issue 5:
        amounts are Decimals to the cent, for the JSON writer to print as strings."""
        return {"rollover_options": {s: o.to_json() for s, o in self.sources.items()},
                "rule_of_55_applies": bool(self.rule_of_55.value)}


def _whole_plan(decisions: Mapping[str, AdditionalTax], constants: Mapping[str, Constant]) -> AdditionalTax:
    """The additional tax on a payout that mixes the plan's kinds of money (a partial payout, an
    indirect rollover's shortfall): waived only when it is waived for every kind, else the full rate
    on the whole taxable part (the cautious side when only rolled-in 457(b) money would pay it), less
    the dollars the exceptions in the profile free (the same for every kind of money)."""
    for decision in decisions.values():
        if not decision.waived:
            return decision if decision.exempt else no_exception(constants)
    return next(iter(decisions.values()), no_exception(constants))


def rollover_options(limits: Limits, constants: Mapping[str, Constant], leaver: Leaver, plan: PlanLeft,
                     destination: Destination = NO_NEW_PLAN, iras: IraPicture = NO_IRAS) -> RolloverOptions:
    """Every option for every non-zero balance of one plan, plus the plan-wide figures.

    The rule of 55 is judged for this plan only; the additional tax for each kind of money by
    `additional_tax` (early_payout.py).
    """
    facts = PayoutFacts.of(leaver, plan, constants)
    vested = None if plan.vesting is None else vesting(
        schedule=plan.vesting.schedule, employer_money=plan.vesting.employer_money,
        service_start=plan.vesting.service_start, separation_date=plan.distribution_date)
    first = first_rmd(constants, kind=EMPLOYER_PLAN, birth_date=leaver.birth_date, retired_year=plan.separation_year)
    rmd = _rmd_this_year(limits.tax_year, leaver, plan, first)
    balances = _what_can_move(plan.balances, vested, rmd)
    exception = additional_tax_exception(facts)
    roth_qualified = roth_qualified_distribution(constants, reached_59_half=facts.reached_59_half,
                                                 first_roth_year=plan.first_roth_year,
                                                 distribution_year=plan.distribution_date.year,
                                                 disability_or_death=next((n.kind for n in plan.named_exceptions
                                                                           if n.kind in ("disability", "death")), None))
    decisions = {source: additional_tax(source, PLAN, facts) for source in SOURCES}
    # Only the 457(b) exemption keeps this money free of the additional tax, which another plan or an IRA would lose.
    only_457b = exception.flags == {"governmental_457b"}
    forced = force_out(limits, constants, plan_balance=plan.total)
    # Partial withdrawals before 59½ are what the rule of 55 is worth keeping for.
    rule_55_usable = bool(facts.rule_of_55.value) and plan.rule_of_55_withdrawals and not facts.reached_59_half.value
    roth_ira_clock = roth_ira_five_years(constants, first_roth_ira_year=iras.first_roth_ira_year,
                                         roth_ira_balance=iras.roth_ira_balance, rollover_year=plan.distribution_date.year)
    fees = {"leave": plan.expense_ratio_pct, "new_plan": destination.expense_ratio_pct, "ira": iras.expense_ratio_pct}
    sources: dict[str, SourceOptions] = {}
    for source in SOURCES:
        amount = balances.get(source, ZERO)
        if not amount:
            continue
        taxable = taxable_part(source, amount, roth_qualified=roth_qualified, roth_contributions=plan.roth_contributions)
        at_stake = rule_55_usable and taxable.value > 0
        exempt_457b = only_457b and taxable.value > 0
        leaving_457b = exempt_457b and not destination.governmental_457b
        options = {
            "cash_out": cash_out(constants, amount=amount, taxable=taxable, marginal_rate_pct=leaver.marginal_rate_pct,
                                 state_rate_pct=leaver.state_rate_pct, additional_tax=decisions[source]),
            "leave": leave_in_plan(source=source, amount=amount, may_be_forced_out=bool(forced.value["may_force_out"]),
                                   force_out_source=limits.force_out_limit.source, rule_of_55_at_stake=at_stake),
            "new_plan": roll_to_new_plan(source=source, amount=amount, accepts_roll_ins=destination.accepts_roll_ins,
                                         offers_roth=destination.offers_roth, rule_of_55_at_stake=at_stake,
                                         exemption_457b_at_stake=leaving_457b),
            "ira": roll_to_ira(source=source, amount=amount, rule_of_55_at_stake=at_stake,
                               backdoor_this_year=iras.backdoor_this_year, exemption_457b_at_stake=exempt_457b,
                               roth_ira_clock=roth_ira_clock if source == "roth" else None),
        }
        if leaver.self_employment_income:
            options["solo_401k"] = roll_to_solo_401k(source=source, amount=amount, self_employment_income=True,
                                                     rule_of_55_at_stake=at_stake)
        moves_with_basis = source == "after_tax_earnings" and balances.get("after_tax_basis", ZERO) > 0
        recommendation = recommended_option(source, options, rule_of_55_at_stake=at_stake,
                                            backdoor_this_year=iras.backdoor_this_year, moves_with_basis=moves_with_basis,
                                            exemption_457b_at_stake=exempt_457b, expense_ratios=fees)
        sources[source] = SourceOptions(source, amount, taxable, options, recommendation)
    whole_plan = _whole_plan(decisions, constants)
    indirect = indirect_rollover(constants, paid={s: o.amount for s, o in sources.items()},
                                 taxable={s: o.taxable.value for s, o in sources.items()},
                                 marginal_rate_pct=leaver.marginal_rate_pct, state_rate_pct=leaver.state_rate_pct,
                                 additional_tax=whole_plan)
    rolled_pre_tax = sum((balances.get(s, ZERO) for s in PRE_TAX_SOURCES), ZERO)
    backdoor = backdoor_pro_rata_effect(rolled_to_ira=rolled_pre_tax, traditional_ira_balance=iras.dec_31_balance,
                                        nondeductible_basis=iras.nondeductible_basis,
                                        conversion_amount=iras.conversion_amount if iras.backdoor_this_year else ZERO)
    drawdown = None if not plan.payout else partial_payout(
        constants, balances=balances, amount=plan.payout, roth_qualified=roth_qualified,
        roth_contributions=plan.roth_contributions, marginal_rate_pct=leaver.marginal_rate_pct,
        state_rate_pct=leaver.state_rate_pct, additional_tax=whole_plan)
    loan = None if not plan.loan else loan_offset(
        constants, loan=plan.loan, offset_year=plan.distribution_date.year, marginal_rate_pct=leaver.marginal_rate_pct,
        state_rate_pct=leaver.state_rate_pct, additional_tax=decisions["pre_tax"])
    pre_tax_money = sum((balances.get(s, ZERO) for s in PRE_TAX_SOURCES), ZERO)
    outlook = leaver.outlook
    conversion = None if outlook is None or not pre_tax_money else roth_conversion(
        amount=pre_tax_money, marginal_rate_pct=leaver.marginal_rate_pct, state_rate_pct=leaver.state_rate_pct,
        retirement_rate_pct=outlook.retirement_rate_pct, annual_return_pct=outlook.annual_return_pct,
        years=outlook.years, years_source=outlook.years_source)
    return RolloverOptions(facts.reached_59_half, facts.rule_of_55, exception, forced, indirect, backdoor, sources, drawdown,
                           roth_qualified if balances.get("roth") else None, vested, loan, first, rmd, conversion,
                           late_rollover(constants))


def _rmd_this_year(tax_year: int, leaver: Leaver, plan: PlanLeft, first: Figure) -> Figure:
    """This year's RMD from the plan, on its Dec 31 balance of last year (today's balances when the
    profile does not give it). Designated Roth money owes none from 2024 (IRC 402A(d)(5), SECURE 2.0
    s.325), so it is left out of the balance from then on."""
    with_roth = tax_year < ROTH_RMDS_END
    today = sum((amount for source, amount in plan.balances.items() if with_roth or source != "roth"), ZERO)
    balance, source = ((plan.dec_31_last_year, "your profile") if plan.dec_31_last_year is not None else
                       (today, "assumed: today's balance" + ("" if with_roth else ", less Roth money (IRC 402A(d)(5))")))
    return rmd_for_year(balance_last_dec_31=balance, birth_date=leaver.birth_date, tax_year=tax_year,
                        first_rmd_year=first.value["first_rmd_year"], balance_source=source)


def _what_can_move(balances: Mapping[str, Decimal], vested: Figure | None, rmd: Figure) -> dict[str, Decimal]:
    """The balances the options compare: less the employer money forfeited on leaving and less this
    year's RMD, which is paid out first whatever the choice (taken from the pre-tax money)."""
    pre_tax = balances.get("pre_tax", ZERO)
    if vested is not None:
        pre_tax -= vested.value["forfeited"]
    pre_tax -= min(rmd.value, pre_tax)
    return dict(balances) | ({"pre_tax": pre_tax} if "pre_tax" in balances else {})
