"""What rolling pre-tax money into a traditional IRA does to this year's backdoor Roth: the Dec 31
balance joins Form 8606's pro-rata denominator, so more of the conversion is taxable. The form's
arithmetic is backdoor.py's; this module shows it twice, without and with the rollover."""
from __future__ import annotations

from decimal import Decimal

from ...figure import RATIO, Figure, Step
from ...money import ZERO, cents
from ..backdoor import nontaxable_part, nontaxable_share
from .kinds import PRO_RATA


def backdoor_pro_rata_effect(*, rolled_to_ira: Decimal, traditional_ira_balance: Decimal,
                             nondeductible_basis: Decimal, conversion_amount: Decimal) -> Figure:
    """How much more of this year's Roth conversion is taxable when pre-tax money is rolled into a
    traditional IRA before Dec 31 (Form 8606: tax-free share = basis ÷ (Dec 31 balance + amount
    converted), at most 1; distributions on line 7 are left to the backdoor rules)."""
    if not conversion_amount or not rolled_to_ira:
        why = ("No Roth conversion this year: this year's return is unaffected; the Dec 31 balance of any later "
               "conversion year counts" if rolled_to_ira else "No pre-tax money goes to an IRA")
        flags = {"future_backdoor_pro_rata"} if rolled_to_ira else set()
        return Figure("backdoor_pro_rata_effect", cents(ZERO), (Step(why, ZERO, PRO_RATA, "="),), flags=frozenset(flags))
    without, steps_without = _taxable_conversion("without the rollover", traditional_ira_balance, nondeductible_basis,
                                                 conversion_amount)
    with_, steps_with = _taxable_conversion("with the rollover", traditional_ira_balance + rolled_to_ira,
                                            nondeductible_basis, conversion_amount)
    extra = with_ - without
    steps = steps_without + steps_with + [
        Step("Taxable conversion with the rollover", with_, ""),
        Step("Taxable conversion without it", without, "", "−"),
        Step("Extra taxable income from rolling pre-tax money to an IRA this year", extra, "", "=")]
    return Figure("backdoor_pro_rata_effect", extra, tuple(steps), flags=frozenset({"backdoor_pro_rata"} if extra else ()))


def _taxable_conversion(case: str, dec_31_balance: Decimal, basis: Decimal, converted: Decimal) -> tuple[Decimal, list[Step]]:
    """Form 8606 lines 9-18 for a conversion, as steps a reader can redo."""
    line_9 = dec_31_balance + converted
    share = nontaxable_share(basis, line_9)
    tax_free = nontaxable_part(converted, basis=basis, line_9=line_9)
    taxable = converted - tax_free
    cap = [Step("The share is at most 1", Decimal(1), "Form 8606 line 10", "min", RATIO)] if basis > line_9 else []
    return taxable, [
        Step(f"Your nondeductible basis ({case})", basis, "Form 8606 line 3"),
        Step("Dec 31 traditional IRA balance + amount converted", line_9, "Form 8606 lines 6, 8, 9", "÷"),
        *cap,
        Step("Tax-free share", share, "Form 8606 line 10", "=", RATIO),
        Step("Amount converted", converted, "Form 8606 line 8", "×"),
        Step("Tax-free part of the conversion", tax_free, "Form 8606 line 11", "="),
        Step("Amount converted", converted, "Form 8606 line 8"),
        Step("Tax-free part", tax_free, "Form 8606 line 11", "−"),
        Step(f"Taxable conversion {case}", taxable, "Form 8606 line 18", "="),
    ]
