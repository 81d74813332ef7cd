"""The backdoor Roth on Form 8606: a nondeductible traditional IRA contribution converted to a Roth
IRA, taxed by the pro-rata rule, one person at a time.

Form 8606 (IRC 408(d)(2), 408(o)(4)) spreads the basis (nondeductible contributions) over every
traditional, SEP and SIMPLE IRA the person owns: the Dec 31 value of all of them, plus the year's
distributions and conversions, is the denominator (line 9). Roth IRAs and workplace plans are not
in it, and each spouse files their own form. A pre-tax IRA balance on Dec 31 therefore makes part
of a conversion taxable even when the converted dollars were the nondeductible contribution.

Line 10 says "rounded to at least 3 places". We keep the ratio exact instead (lines 11 and 12 are
line 8 or line 7 × line 5 ÷ line 9, the product taken first): with 3 places a clean backdoor of
$7,000 that earned $5 (line 10 = 7,000 ÷ 7,005 = 0.999286…) would be cut to 0.999 and tax $7.00
instead of the $5 of earnings. The steps show line 10 to six places.
"""
from __future__ import annotations

from decimal import Decimal

from ..figure import RATIO, USD, Figure, Step, from_profile
from ..money import ZERO, cents, clamp, ratio

PROFILE = "your profile"
PRETAX_BALANCE = from_profile("iras.traditional_pretax_balance")
FORM = "Form 8606"
PRECISION = 40  # significant digits of the line 10 ratio as shown; the amounts never use a cut ratio

# Line texts, shortened from the form (Form 8606, Part I and Part II).
LINES = {
    "1": "nondeductible contributions to traditional IRAs for the year",
    "2": "total basis in traditional IRAs from earlier years (last year's line 14)",
    "3": "line 1 + line 2",
    "4": "contributions on line 1 made between Jan 1 and the April due date of the next year",
    "5": "line 3 − line 4",
    "6": "value of all traditional, SEP and SIMPLE IRAs on Dec 31",
    "7": "distributions from traditional, SEP and SIMPLE IRAs (not conversions or rollovers)",
    "8": "amount converted from traditional, SEP and SIMPLE IRAs to Roth IRAs",
    "9": "line 6 + line 7 + line 8",
    "10": "line 5 ÷ line 9, not more than 1 (the nontaxable share)",
    "11": "line 8 × line 10: nontaxable part of the conversion",
    "12": "line 7 × line 10: nontaxable part of the distributions",
    "13": "line 11 + line 12",
    "14": "line 3 − line 13: basis carried forward to next year",
    "15a": "line 7 − line 12",
    "15b": "part of line 15a that is a qualified disaster distribution (none assumed)",
    "15c": "taxable distributions: line 15a − line 15b",
    "16": "amount converted to Roth IRAs (line 8)",
    "17": "nontaxable part of the conversion (line 11)",
    "18": "taxable conversion: line 16 − line 17",
}


def _line(number: str, amount: Decimal, op: str = "", unit: str = USD, year: int | None = None) -> Step:
    label = LINES[number]
    if number == "6" and year is not None:
        label = f"{label}, {year}"
    return Step(f"Line {number}: {label}", amount, f"{FORM} line {number}", op, unit)


def _non_negative(**amounts: Decimal) -> None:
    for name, amount in amounts.items():
        if amount < 0:
            raise ValueError(f"{name} must not be negative (got {amount})")


def nontaxable_share(basis: Decimal, line_9: Decimal) -> Decimal:
    """Form 8606 line 10: line 5 ÷ line 9, at most 1 (the basis covers everything)."""
    return Decimal(1) if basis >= line_9 else ratio(basis, line_9, places=PRECISION)


def nontaxable_part(amount: Decimal, *, basis: Decimal, line_9: Decimal) -> Decimal:
    """Form 8606 line 11 (or 12): `amount` × line 10, the product taken first, to the cent; never more
    than the amount itself nor the basis."""
    if basis >= line_9:
        return amount
    return min(cents(ratio(amount * basis, line_9, places=PRECISION)), amount, basis)


def form_8606(*, nondeductible_contributions: Decimal, prior_basis: Decimal, year_end_traditional_value: Decimal,
              distributions: Decimal = ZERO, converted: Decimal = ZERO,
              contributions_after_year_end: Decimal = ZERO, tax_year: int | None = None) -> Figure:
    """Form 8606 lines 1-18 for one person, in the form's own order.

    Value: {line number as a string: Decimal} for the money lines that apply ("1"…"14", "15a"-"15c",
    "16"-"18"). Line 10 is a ratio, not money: it is in the steps only (unit ratio). Without a
    distribution or a conversion the form stops at line 3 and line 14 = line 3; lines 15a-c are
    there only with distributions, Part II (16-18) only with a conversion.

    Rounding: lines 11 and 12 are rounded to the cent. Line 11 is never more than line 8 and lines
    11 + 12 never more than line 5, so the basis carried forward (line 14) is never negative.
    """
    _non_negative(nondeductible_contributions=nondeductible_contributions, prior_basis=prior_basis,
                  year_end_traditional_value=year_end_traditional_value, distributions=distributions,
                  converted=converted, contributions_after_year_end=contributions_after_year_end)
    if contributions_after_year_end > nondeductible_contributions:
        raise ValueError("contributions_after_year_end are part of nondeductible_contributions and cannot exceed them")
    lines: dict[str, Decimal] = {}
    steps: list[Step] = []

    def enter(number: str, amount: Decimal, op: str = "") -> Decimal:
        lines[number] = amount
        steps.append(_line(number, amount, op, year=tax_year))
        return amount

    def again(number: str, op: str = "") -> Step:
        """An earlier line, restated where a later line works on it."""
        return Step(f"Line {number}, from above", lines[number], f"{FORM} line {number}", op)

    l1 = enter("1", nondeductible_contributions)
    l2 = enter("2", prior_basis, "+")
    l3 = enter("3", l1 + l2, "=")
    if distributions == 0 and converted == 0:
        steps.append(Step("No distributions or conversions this year: the rest of Part I is skipped", None,
                          f"{FORM} line 3"))
        enter("14", l3, "=")
        return Figure("form_8606", lines, tuple(steps), flags=frozenset({"part_i_skipped"}))

    l4 = enter("4", contributions_after_year_end, "−")
    l5 = enter("5", l3 - l4, "=")
    l6 = enter("6", year_end_traditional_value)
    l7 = enter("7", distributions, "+")
    l8 = enter("8", converted, "+")
    l9 = enter("9", l6 + l7 + l8, "=")
    flags: set[str] = {"ratio_capped"} if l5 >= l9 else set()
    share = nontaxable_share(l5, l9)
    l11 = nontaxable_part(l8, basis=l5, line_9=l9)
    l12 = min(nontaxable_part(l7, basis=l5, line_9=l9), l5 - l11)
    # Lines 10-15a work on lines further up: each restates them, so the working reads as pencil work.
    steps += [again("5"), again("9", "÷"), Step("Not more than 1", Decimal(1), f"{FORM} line 10", "min", RATIO),
              _line("10", share, "=", unit=RATIO)]  # a ratio: not a money line of the value
    steps += [again("8"), Step("Line 10, from above", share, f"{FORM} line 10", "×", RATIO)]
    enter("11", l11, "=")
    steps += [again("7"), Step("Line 10, from above", share, f"{FORM} line 10", "×", RATIO)]
    if l12 < cents(l7 * share):  # rounding would spend a cent of basis that is not there
        steps.append(Step("Not more than the basis left: line 5 − line 11", l5 - l11, f"{FORM} line 5", "min"))
    enter("12", l12, "=")
    steps.append(again("11"))
    steps.append(again("12", "+"))
    l13 = enter("13", l11 + l12, "=")
    steps += [again("3"), again("13", "−")]
    enter("14", l3 - l13, "=")
    if l7 > 0:
        steps += [again("7"), again("12", "−")]
        l15a = enter("15a", l7 - l12, "=")
        l15b = enter("15b", ZERO, "−")
        enter("15c", l15a - l15b, "=")
    if l8 > 0:
        l16 = enter("16", l8)
        l17 = enter("17", l11, "−")
        enter("18", l16 - l17, "=")
    return Figure("form_8606", lines, tuple(steps), flags=frozenset(flags))


def year_end_value(*, pretax_balance: Decimal, prior_basis: Decimal, contribution: Decimal, converted: Decimal,
                   earnings: Decimal = ZERO, distributions: Decimal = ZERO) -> Decimal:
    """Form 8606 line 6 as this module models it: what the IRAs held, less what was distributed and
    converted (nothing else grows before Dec 31), never below zero."""
    return clamp(pretax_balance + prior_basis + contribution + earnings - distributions - converted)


def backdoor_conversion(*, contribution: Decimal, prior_basis: Decimal, pretax_balance: Decimal,
                        converted: Decimal | None = None, earnings: Decimal = ZERO,
                        distributions: Decimal = ZERO, tax_year: int | None = None) -> Figure:
    """This year's backdoor Roth for one person, taxed by Form 8606.

    `contribution` is the year's nondeductible traditional contribution (line 1), made in the year;
    `converted` defaults to that contribution plus `earnings` (what it earned before the
    conversion). `pretax_balance` is the pre-tax money in the person's traditional, SEP and SIMPLE
    IRAs; `prior_basis` (last year's line 14) is assumed to be still in those IRAs. Nothing else
    grows before Dec 31, so line 6 is what the IRAs held, less what was distributed and converted
    (never below zero: flag "conversion_exceeds_balance" when more is converted than they held).

    Value: {"converted", "nontaxable", "taxable", "basis_carried_forward"} (lines 16, 17, 18, 14).
    """
    _non_negative(contribution=contribution, prior_basis=prior_basis, pretax_balance=pretax_balance,
                  earnings=earnings, distributions=distributions)
    converted_source = from_profile("iras.conversion_amount")
    if converted is None:
        converted = contribution + earnings
        converted_source = "assumed: this year's contribution and its earnings"
    _non_negative(converted=converted)
    flags: set[str] = set()
    if pretax_balance + prior_basis + contribution + earnings - distributions < converted:
        flags.add("conversion_exceeds_balance")
    year_end = year_end_value(pretax_balance=pretax_balance, prior_basis=prior_basis, contribution=contribution,
                              converted=converted, earnings=earnings, distributions=distributions)
    dec_31 = f"Dec 31, {tax_year}" if tax_year else "Dec 31"
    steps = [Step("Pre-tax money in your traditional, SEP and SIMPLE IRAs", pretax_balance, PRETAX_BALANCE),
             Step("Basis from earlier years, still in those IRAs", prior_basis, from_profile("iras.nondeductible_basis"), "+"),
             Step("This year's nondeductible contribution", contribution, PROFILE, "+")]
    if earnings:
        steps.append(Step("Earnings before the conversion", earnings, PROFILE, "+"))
    steps += [Step("Distributions this year", distributions, from_profile("iras.distributions_this_year"), "−"),
              Step("Converted to a Roth IRA", converted, converted_source, "−")]
    if "conversion_exceeds_balance" in flags:
        steps.append(Step("Not below zero: more was converted than the IRAs held", ZERO, f"{FORM} line 6", "max"))
    steps.append(Step(f"Left in your traditional, SEP and SIMPLE IRAs on {dec_31} (goes on line 6)", year_end,
                      f"{FORM} line 6", "="))
    form = form_8606(nondeductible_contributions=contribution, prior_basis=prior_basis,
                     year_end_traditional_value=year_end, distributions=distributions, converted=converted,
                     tax_year=tax_year)
    lines = form.value
    value = {"converted": lines.get("16", ZERO), "nontaxable": lines.get("17", ZERO),
             "taxable": lines.get("18", ZERO), "basis_carried_forward": lines["14"]}
    if converted > 0 and pretax_balance > 0:
        flags.add("pro_rata_problem")
    if converted > 0 and value["taxable"] == 0:
        flags.add("tax_free")
    if value["basis_carried_forward"] > 0:
        flags.add("basis_carried_forward")
    return Figure("backdoor_conversion", value, tuple(steps) + form.steps, flags=frozenset(flags | form.flags))
