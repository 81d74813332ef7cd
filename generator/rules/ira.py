"""IRAs for one person: the contribution limit (with the spousal IRA), the traditional IRA deduction
and the Roth IRA limit by modified AGI, the MAGI estimate, the IRA route, and the fix for a pre-tax
IRA balance that spoils a backdoor Roth.

Phase-outs (IRC 219(g)(2), applied to Roth IRAs by IRC 408A(c)(3)(A)): the remaining limit is
limit × (end − MAGI) ÷ width, rounded *up* to the next $10 and not below $200 unless MAGI is at or
above the end of the range. Publication 590-A Worksheets 1-2 (deduction) and 2-2 (Roth) do the same
with a percentage or a ratio; the steps here follow their lines. The product is taken before the
division, so a ratio is never cut short (a ratio rounded to 3 places, or even a non-terminating
one held to 28 digits and then multiplied, can push an exact multiple of $10 up to the next one).
"""
from __future__ import annotations

from decimal import Decimal

from ..figure import NOTE, OPERAND, PCT, RATIO, TEXT, Figure, Step, from_profile
from ..formatting import money, pct
from ..limits import Limits, PhaseOut, law, load_constants
from ..money import HUNDRED, ZERO, cents, clamp, pct_of, ratio, round_up_to

PROFILE = "your profile"
MAGI = from_profile("modified_agi")
PRETAX_BALANCE = from_profile("iras.traditional_pretax_balance")
TAX_RATES = f"{from_profile('tax.marginal_rate_now')}, tax.state_rate"
ESTIMATED = "estimated from your pay (see modified AGI)"
WORKSHEET_1_2 = "Pub 590-A Worksheet 1-2"
WORKSHEET_2_2 = "Pub 590-A Worksheet 2-2"
PRECISION = 40  # significant digits for a quotient; see the module docstring

STATUS_WORDS = {
    "single": "single",
    "head_of_household": "head of household",
    "married_joint": "married filing jointly",
    "married_separate": "married filing separately",
    "qualifying_surviving_spouse": "qualifying surviving spouse",
}
FILING_STATUSES = tuple(STATUS_WORDS)
LIVED_APART = "married filing separately, apart all year (treated as single)"
ROUTES = ("deductible_traditional", "roth", "backdoor_roth", "nondeductible_traditional")
FIXES = ("none_needed", "roll_into_plan", "convert_all")

CONTRIBUTION_LIMIT = "IRC 219(b)(1)"
SPOUSAL_IRA = "IRC 219(c)"
ROTH_BASE = "IRC 408A(c)(2)"
ROTH_PHASEOUT_RULES = "IRC 408A(c)(3)(A); IRC 219(g)(2)(B)-(C)"
LIVED_APART_DEDUCTION = "IRC 219(g)(4)"
LIVED_APART_ROTH = "IRC 408A(c)(3)(D)"
PRO_RATA = "IRC 408(d)(2); Form 8606 lines 6-11"
ROLL_IN = "IRC 408(d)(3)(A)(ii); your plan"
CONVERSION_TAX = "IRC 408A(d)(3)(A)"
DESIGNATE_NONDEDUCTIBLE = "IRC 408(o)(2)(B)(ii); Form 8606 line 1"


def _check_status(filing_status: str) -> None:
    if filing_status not in FILING_STATUSES:
        raise ValueError(f"unknown filing status {filing_status!r}")


def _lived_apart(filing_status: str, lived_with_spouse: bool) -> bool:
    """Married filing separately and apart all year: not treated as married for IRA phase-outs
    (IRC 219(g)(4) for the deduction, IRC 408A(c)(3)(D) for the Roth limit)."""
    return filing_status == "married_separate" and not lived_with_spouse


def _phased_out(amount: Decimal, below_end: Decimal, width: Decimal) -> Decimal:
    """`amount` × `below_end` ÷ `width`: the product first, then one quotient of 40 digits."""
    return ratio(amount * below_end, width, places=PRECISION)


def _rounding_steps(exact: Decimal, label: str) -> tuple[Decimal, list[Step], bool]:
    """Round a partly phased-out limit up to the next $10, then raise it to the $200 floor
    (IRC 219(g)(2)(C), then (B)). Called only strictly inside a range, never for a full phase-out.

    Returns (the limit, its steps, whether the floor lifted it)."""
    constants = load_constants()
    step, floor = constants["ira_phaseout_step"], constants["ira_phaseout_floor"]
    rounded = round_up_to(exact, step.value)
    steps = [Step("Rounded up to the next multiple of", step.value, step.source, "↑"),
             Step(f"{label}, rounded", rounded, step.source, "=")]
    if rounded < floor.value:
        steps.append(Step(f"Less than {money(floor.value)}: raised to {money(floor.value)} "
                          "(a limit inside the range is never below this)", floor.value, floor.source, "max"))
        return floor.value, steps, True
    return rounded, steps, False


# ----------------------------------------------------------------------------- contribution limit

def _possessive(person: str) -> str:
    return "your" if person == "you" else f"{person}'s"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def ira_dollar_limit(limits: Limits, *, age: int | None, person: str = "you") -> Figure:
    """The year's IRA dollar limit, plus the catch-up when 50 or older on Dec 31 (IRC 219(b)(5)).
    `age` None: the birth date is not known, so the catch-up is not applied (flag `age_unknown`)."""
    base, catch_up = limits.ira_limit, limits.ira_catch_up
    catch_up_age = law("ira_catch_up_age")
    steps = [Step(f"IRA contribution limit for {limits.tax_year} (traditional and Roth together)",
                  base.value, base.source)]
    is_are = "are" if person == "you" else "is"
    if age is None:
        steps.append(Step(f"{_cap(_possessive(person))} birth date is not in the profile: the catch-up for "
                          f"{catch_up_age.shown} and over is not applied", base.value, catch_up.source, "="))
        return Figure("ira_dollar_limit", base.value, tuple(steps), flags=frozenset({"age_unknown"}))
    if age < catch_up_age.value:
        steps.append(Step(f"{_cap(person)} {is_are} {age} on Dec 31: the catch-up starts in the year of turning "
                          f"{catch_up_age.shown}", base.value, catch_up.source, "="))
        return Figure("ira_dollar_limit", base.value, tuple(steps))
    value = base.value + catch_up.value
    steps += [Step(f"Catch-up: {person} {is_are} {age} on Dec 31, so {catch_up_age.shown} or older", catch_up.value,
                   catch_up.source, "+"),
              Step("Your IRA dollar limit", value, "", "=")]
    return Figure("ira_dollar_limit", value, tuple(steps), flags=frozenset({"catch_up"}))


def ira_contribution_limit(limits: Limits, *, age: int | None, compensation: Decimal, filing_status: str,
                           spouse_compensation: Decimal = ZERO, spouse_ira_contributions: Decimal = ZERO,
                           person: str = "you", spouse: str = "your spouse") -> Figure:
    """What this person may put into traditional and Roth IRAs together this year.

    The lesser of the dollar limit (with the 50+ catch-up) and taxable compensation
    (IRC 219(b)(1)). On a joint return the spouse with less compensation may count the other
    spouse's compensation too, less that spouse's own traditional and Roth IRA contributions for
    the year (the spousal IRA, IRC 219(c); Pub 590-A "Kay Bailey Hutchison Spousal IRA Limit").
    A qualifying surviving spouse has no living spouse to borrow from.
    """
    _check_status(filing_status)
    dollar = ira_dollar_limit(limits, age=age, person=person)
    steps = list(dollar.steps)
    flags = set(dollar.flags)
    counted = clamp(compensation)
    own, theirs = _cap(_possessive(person)), _possessive(spouse)
    if filing_status == "married_joint" and compensation < spouse_compensation:
        flags.add("spousal_ira")
        spouse_left = clamp(spouse_compensation - spouse_ira_contributions)
        counted = clamp(compensation) + spouse_left
        steps += [
            Step(f"{own} taxable compensation", clamp(compensation), PROFILE),
            Step(f"{_cap(theirs)} compensation (joint return, and {_possessive(person)} is the lower)"
                 .replace("your is", "yours is"), spouse_compensation, f"{PROFILE}; {SPOUSAL_IRA}", "+"),
            Step(f"{_cap(theirs)} own traditional and Roth IRA contributions this year", spouse_ira_contributions,
                 f"{PROFILE}; {SPOUSAL_IRA}", "−"),
            Step("Compensation that may be counted (spousal IRA)", counted, SPOUSAL_IRA, "="),
            Step(f"{own} IRA dollar limit", dollar.value, CONTRIBUTION_LIMIT, "min"),
        ]
    else:
        steps.append(Step(f"{own} taxable compensation", clamp(compensation), f"{PROFILE}; {CONTRIBUTION_LIMIT}", "min"))
    value = min(dollar.value, counted)
    if counted < dollar.value:
        flags.add("limited_by_compensation")
    steps.append(Step(f"{own} IRA contribution limit (traditional and Roth together)", value, CONTRIBUTION_LIMIT, "="))
    return Figure("ira_contribution_limit", value, tuple(steps), flags=frozenset(flags))


# ----------------------------------------------------------------------------- modified AGI

def estimated_magi(*, modified_agi: Decimal | None, pay: Decimal, pre_tax_deferrals: Decimal,
                   filing_status: str, spouse_compensation: Decimal = ZERO,
                   spouse_pre_tax_deferrals: Decimal = ZERO, other_employer_pay: Decimal = ZERO,
                   leaving_a_plan: bool = False) -> Figure:
    """Modified AGI for the IRA phase-outs: the profile's figure when given, otherwise an estimate.

    The estimate is wages less pre-tax workplace deferrals (which W-2 box 1 already leaves out),
    plus the spouse's on a joint return. It leaves out other income (interest, dividends, gains,
    business income) and other pre-tax payroll deductions (health premiums, HSA), so the guide
    must say it is an estimate (flag "estimate"). A Roth conversion is not in Roth MAGI
    (IRC 408A(c)(3)(B)(i)) and an IRA deduction is added back (IRC 219(g)(3)(A)), so neither
    belongs in it. Taxable pay from another employer this year (a job changer's W-2 box 1 there) is
    added; a payout from a plan being left is not: the guide recommends rolling it over, and a cash-out
    it advises against is not quietly assumed (`leaving_a_plan` says so in the working).
    """
    _check_status(filing_status)
    if modified_agi is not None:
        steps = (Step("Your modified AGI", modified_agi, MAGI, "="),)
        return Figure("modified_agi", modified_agi, steps)
    steps = [Step("Your pay", pay, from_profile("pay.salary")),
             Step("Your pre-tax workplace deferrals", pre_tax_deferrals, "IRC 402(e)(3)", "−")]
    value = pay - pre_tax_deferrals
    if other_employer_pay:
        steps.append(Step("Taxable pay from another employer this year (its W-2 box 1)", other_employer_pay, PROFILE, "+"))
        value += other_employer_pay
    if filing_status == "married_joint":
        steps += [Step("Your spouse's compensation (joint return)", spouse_compensation, from_profile("spouse.compensation"), "+"),
                  Step("Your spouse's pre-tax workplace deferrals", spouse_pre_tax_deferrals,
                       from_profile("spouse.pre_tax_deferrals"), "−")]
        value += spouse_compensation - spouse_pre_tax_deferrals
    value = clamp(value)
    if leaving_a_plan:
        steps.append(Step("A payout from a plan you leave is not counted: rolled over, it adds nothing", None,
                          "IRC 402(c)(1)"))
    steps.append(Step("Estimated modified AGI (other income and other pre-tax deductions left out)",
                      value, "estimate: IRC 219(g)(3)(A), IRC 408A(c)(3)(B)", "="))
    return Figure("modified_agi", value, tuple(steps), flags=frozenset({"estimate"}))


# ----------------------------------------------------------------------------- deduction

def deduction_phaseout_range(limits: Limits, *, filing_status: str, lived_with_spouse: bool, covered: bool,
                             spouse_covered: bool) -> tuple[PhaseOut | None, str, str]:
    """The MAGI range that limits this person's traditional IRA deduction, or None when it is not
    limited (IRC 219(g)(1): only someone covered, or married to someone covered, is phased out).

    Returns (range, who it applies to in words, the rule's source).
    """
    _check_status(filing_status)
    apart = _lived_apart(filing_status, lived_with_spouse)
    who = LIVED_APART if apart else STATUS_WORDS[filing_status]
    if filing_status in ("single", "head_of_household") or apart:
        source = LIVED_APART_DEDUCTION if apart else "IRC 219(g)(1)"
        if covered:
            return limits.deduction_phaseout_single_covered, f"{who}, covered by a workplace plan", source
        return None, f"{who}, not covered by a workplace plan", source
    if filing_status == "married_separate":  # lived with the spouse at some time in the year
        if covered or spouse_covered:
            who = "you" if covered else "your spouse"
            return (limits.deduction_phaseout_married_separate,
                    f"married filing separately, lived with your spouse, {who} covered by a workplace plan",
                    "IRC 219(g)(1)")
        return None, "married filing separately, neither of you covered by a workplace plan", "IRC 219(g)(1)"
    if covered:
        return limits.deduction_phaseout_joint_covered, f"{who}, covered by a workplace plan", "IRC 219(g)(1)"
    if spouse_covered and filing_status == "married_joint":
        return (limits.deduction_phaseout_joint_spouse_covered,
                f"{who}, only your spouse covered by a workplace plan", "IRC 219(g)(7)")
    nobody = "neither of you" if filing_status == "married_joint" else "not"
    return None, f"{who}, {nobody} covered by a workplace plan", "IRC 219(g)(1)"


def traditional_ira_deductible_limit(limits: Limits, *, age: int | None, filing_status: str, lived_with_spouse: bool,
                                     covered: bool, spouse_covered: bool, magi: Decimal,
                                     contribution_limit: Decimal, magi_estimated: bool = False) -> Figure:
    """How much of a traditional IRA contribution this person may deduct, before comparing it
    with what they actually contribute (Pub 590-A Worksheet 1-2 lines 1-5; line 6 is theirs).

    The phase-out reduces the *dollar* limit (with catch-up), IRC 219(g)(2)(A); only then is it
    compared with the contribution limit (compensation, spousal IRA), as Worksheet 1-2 line 7 does.
    """
    rng, who, rule = deduction_phaseout_range(limits, filing_status=filing_status, lived_with_spouse=lived_with_spouse,
                                              covered=covered, spouse_covered=spouse_covered)
    magi_source = ESTIMATED if magi_estimated else MAGI
    flags = {"magi_estimate"} if magi_estimated else set()
    if rng is None:
        steps = (Step(f"Your IRA contribution limit ({who})", contribution_limit, CONTRIBUTION_LIMIT),
                 Step("No workplace plan coverage to phase it out: all of it is deductible", contribution_limit,
                      rule, "="))
        return Figure("traditional_ira_deductible_limit", contribution_limit, steps,
                      flags=frozenset(flags | {"not_covered", "fully_deductible"}))
    flags.add(rng.key)
    dollar = ira_dollar_limit(limits, age=age).value
    steps = [Step(f"Deduction phase-out range ({who}): {money(rng.start)} to {money(rng.end)}", None, rng.source)]
    if magi <= rng.start:
        steps += [Step("Your modified AGI", magi, magi_source, role=NOTE),
                  Step("Start of the range: your MAGI is at or below it, so no reduction", rng.start, rng.source,
                       role=NOTE),
                  Step("Your IRA contribution limit, all of it deductible", contribution_limit,
                       f"{WORKSHEET_1_2} line 3", "=")]
        return Figure("traditional_ira_deductible_limit", contribution_limit, tuple(steps),
                      flags=frozenset(flags | {"fully_deductible"}))
    if magi >= rng.end:
        steps += [Step("Line 1: end of the range", rng.end, rng.source, role=NOTE),
                  Step("Line 2: your modified AGI", magi, magi_source, role=NOTE),
                  Step("Line 2 is at or above line 1: nothing is deductible", ZERO, f"{WORKSHEET_1_2} line 2", "=")]
        return Figure("traditional_ira_deductible_limit", ZERO, tuple(steps),
                      flags=frozenset(flags | {"phased_out"}))
    steps += [Step("Line 1: end of the range", rng.end, rng.source),
              Step("Line 2: your modified AGI", magi, magi_source, "−")]
    below_end = rng.end - magi
    exact = _phased_out(dollar, below_end, rng.width)
    pct = ratio(dollar * HUNDRED, rng.width, places=PRECISION)
    steps += [Step("Line 3: how far your MAGI is below the end of the range", below_end,
                   f"{WORKSHEET_1_2} line 3", "="),
              Step(f"Line 4: the percentage, your IRA dollar limit {money(dollar)} ÷ the {money(rng.width)} "
                   "width of the range", pct, "IRC 219(g)(2)(A)", "×", PCT),
              Step("Deduction limit before rounding", exact, f"{WORKSHEET_1_2} line 4", "=")]
    reduced, rounding, floored = _rounding_steps(exact, "Line 4")
    steps += rounding
    value = min(reduced, contribution_limit)
    if floored and value == reduced:
        flags.add("floor_200")
    steps += [Step("Line 5: your IRA contribution limit (compensation, spousal IRA)", contribution_limit,
                   f"{WORKSHEET_1_2} line 5", "min"),
              Step("Traditional IRA contribution you may deduct", value, f"{WORKSHEET_1_2} line 7", "=")]
    return Figure("traditional_ira_deductible_limit", value, tuple(steps),
                  flags=frozenset(flags | {"partially_deductible"}))


# ----------------------------------------------------------------------------- Roth limit

def roth_phaseout_range(limits: Limits, *, filing_status: str, lived_with_spouse: bool) -> tuple[PhaseOut, str, str]:
    """The MAGI range for direct Roth IRA contributions (IRC 408A(c)(3)(B)); coverage does not matter.

    Returns (range, who it applies to in words, the rule's source).
    """
    _check_status(filing_status)
    if filing_status in ("married_joint", "qualifying_surviving_spouse"):
        return limits.roth_phaseout_joint, STATUS_WORDS[filing_status], "IRC 408A(c)(3)(B)(i)"
    if filing_status == "married_separate" and lived_with_spouse:
        return (limits.roth_phaseout_married_separate, "married filing separately, lived with your spouse",
                "IRC 408A(c)(3)(B)(iii)")
    if filing_status == "married_separate":
        return limits.roth_phaseout_single, LIVED_APART, LIVED_APART_ROTH
    return limits.roth_phaseout_single, STATUS_WORDS[filing_status], "IRC 408A(c)(3)(B)(ii)"


def roth_ira_limit(limits: Limits, *, filing_status: str, lived_with_spouse: bool, magi: Decimal,
                   contribution_limit: Decimal, traditional_contributions: Decimal = ZERO,
                   magi_estimated: bool = False) -> Figure:
    """How much this person may contribute directly to a Roth IRA (Pub 590-A Worksheet 2-2).

    The phase-out reduces the lesser of the dollar limit and compensation, i.e. the contribution
    limit (IRC 408A(c)(3)(A) by reference to (c)(2)(A)); the result is then capped by that limit
    less the year's traditional IRA contributions (IRC 408A(c)(2)(B)): the lesser of lines 8 and
    10, not line 8 minus the traditional contributions.
    """
    rng, who, rule = roth_phaseout_range(limits, filing_status=filing_status, lived_with_spouse=lived_with_spouse)
    magi_source = ESTIMATED if magi_estimated else MAGI
    flags = {rng.key} | ({"magi_estimate"} if magi_estimated else set())
    base = contribution_limit
    steps = [Step(f"Roth IRA phase-out range ({who}): {money(rng.start)} to {money(rng.end)}", None,
                  f"{rule}; {rng.notice}")]
    floored = False
    if magi <= rng.start or magi >= rng.end:  # no arithmetic: all of line 6, or nothing
        full = magi <= rng.start
        flags.add("full" if full else "phased_out")
        phased = base if full else ZERO
        edge = (("Start of the range: your MAGI is at or below it, so no reduction", rng.start) if full else
                ("End of the range: your MAGI is at or above it, so nothing is left", rng.end))
        steps += [Step("Line 1: your modified AGI", magi, magi_source, role=NOTE),
                  Step(*edge, rng.source, role=NOTE),
                  Step("Line 6: your IRA contribution limit (the lesser of the dollar limit and compensation)",
                       base, ROTH_BASE, role=OPERAND if full else NOTE),
                  Step("Line 8: no reduction, all of line 6" if full else "Line 8: fully phased out", phased,
                       ROTH_PHASEOUT_RULES, "=")]
    else:
        flags.add("partial")
        above_start = magi - rng.start
        reduction = ratio(base * above_start, rng.width, places=PRECISION)
        steps += [Step("Line 1: your modified AGI", magi, magi_source),
                  Step("Line 2: start of the range", rng.start, rng.source, "−"),
                  Step("Line 3: how far your MAGI is above the start", above_start, f"{WORKSHEET_2_2} line 3", "="),
                  Step("Line 4: width of the range", rng.width, rng.source, "÷"),
                  Step("Line 5: the share of the limit phased out", ratio(above_start, rng.width, places=PRECISION),
                       f"{WORKSHEET_2_2} line 5", "=", RATIO),
                  Step("Line 6: your IRA contribution limit (the lesser of the dollar limit and compensation)",
                       base, ROTH_BASE, "×"),
                  Step("Line 7: the reduction", reduction, f"{WORKSHEET_2_2} line 7", "="),
                  Step("Line 6, from above", base, ROTH_BASE),
                  Step("Line 7, from above", reduction, f"{WORKSHEET_2_2} line 7", "−"),
                  Step("Line 6 − line 7, before rounding", base - reduction, f"{WORKSHEET_2_2} line 8", "=")]
        phased, rounding, floored = _rounding_steps(base - reduction, "Line 8")
        steps += rounding
    room = clamp(base - traditional_contributions)
    value = min(phased, room)
    if floored and value == phased:
        flags.add("floor_200")
    if traditional_contributions:
        flags.add("reduced_by_traditional")
    steps += [Step("Line 6, from above", base, ROTH_BASE),
              Step("Line 9: your traditional IRA contributions for this year", traditional_contributions,
                   f"{PROFILE}; {ROTH_BASE}", "−"),
              Step("Line 10: line 6 − line 9", room, f"{WORKSHEET_2_2} line 10", "="),
              Step("Line 8, from above", phased, f"{WORKSHEET_2_2} line 8", "min"),
              Step("Line 11: the lesser of lines 8 and 10: what you may contribute directly to a Roth IRA",
                   value, f"{WORKSHEET_2_2} line 11", "=")]
    return Figure("roth_ira_limit", value, tuple(steps), flags=frozenset(flags))


# ----------------------------------------------------------------------------- route

def _prefers_pre_tax(rate_now: Decimal | None, rate_retirement: Decimal | None) -> bool:
    """A deduction is worth more than tax-free growth only when today's rate is the higher one."""
    return rate_now is not None and rate_retirement is not None and rate_now > rate_retirement


def ira_route(*, contribution_limit: Decimal, deductible_limit: Decimal, roth_limit: Decimal,
              pretax_balance: Decimal, plan_accepts_roll_ins: bool,
              marginal_rate_now: Decimal | None = None, marginal_rate_retirement: Decimal | None = None) -> Figure:
    """Which IRA this person should fund this year, with the reason (one of ROUTES; None without
    compensation to contribute from).

    In order: a deduction when there is one and today's marginal rate is above the expected rate
    in retirement; a direct Roth contribution when the income allows all of it; a backdoor Roth
    (nondeductible contribution, then conversion) when the Dec 31 pre-tax IRA balance is nil or the
    plan can take it in; otherwise the pro-rata rule (Form 8606) would make most of a conversion
    taxable, so a partial direct Roth, a deduction, or a nondeductible contribution (basis kept on
    Form 8606) is what is left. Rates are unknown or equal → Roth, which also keeps pre-tax money
    out of the IRAs for a later backdoor.
    """
    steps = [Step("Your IRA contribution limit", contribution_limit, CONTRIBUTION_LIMIT),
             Step("Traditional IRA contribution you may deduct", deductible_limit, "IRC 219(g)"),
             Step("What you may contribute directly to a Roth IRA", roth_limit, "IRC 408A(c)(3)"),
             Step("Pre-tax money in your traditional, SEP and SIMPLE IRAs (Dec 31)", pretax_balance, PRETAX_BALANCE)]
    flags: set[str] = set()
    if contribution_limit <= 0:
        steps.append(Step("No taxable compensation (and no spousal IRA): no IRA contribution this year", None,
                          CONTRIBUTION_LIMIT, "="))
        return Figure("ira_route", None, tuple(steps), TEXT, frozenset({"no_compensation"}))
    prefers_pre_tax = _prefers_pre_tax(marginal_rate_now, marginal_rate_retirement)
    if marginal_rate_now is not None and marginal_rate_retirement is not None:
        steps.append(Step(f"Your marginal tax rate now {pct(marginal_rate_now)} against {pct(marginal_rate_retirement)} "
                          "expected in retirement", None, PROFILE))
    roth_full = roth_limit >= contribution_limit
    clean = pretax_balance <= 0
    if 0 < roth_limit < contribution_limit:
        flags.add("roth_partial")
    if 0 < deductible_limit < contribution_limit:
        flags.add("deduction_partial")
    wants_backdoor = not roth_full and not (deductible_limit > 0 and prefers_pre_tax)
    if wants_backdoor and not clean:  # the pre-tax balance stands between this person and a backdoor
        flags.add("pro_rata_problem")
        flags.add("fix_roll_in" if plan_accepts_roll_ins else "fix_convert_all")

    if deductible_limit > 0 and prefers_pre_tax:
        route, source = "deductible_traditional", "IRC 219(a)"
        reason = (f"Deduct up to {money(deductible_limit)} in a traditional IRA: your tax rate now is above "
                  "the rate you expect in retirement, so the deduction is worth more than tax-free growth")
        if deductible_limit < contribution_limit:
            reason += f" (the other {money(contribution_limit - deductible_limit)} is not deductible)"
    elif roth_full:
        route, source = "roth", "IRC 408A(c)(3)"
        reason = (f"Your income allows the full {money(contribution_limit)} directly in a Roth IRA: "
                  "contribute to a Roth IRA")
    elif clean or plan_accepts_roll_ins:
        route, source = "backdoor_roth", f"{DESIGNATE_NONDEDUCTIBLE}; IRC 408A(d)(3)"
        limited = ("your income is above the Roth IRA limit" if roth_limit <= 0 else
                   f"your income allows only {money(roth_limit)} directly in a Roth IRA")
        reason = (f"Backdoor Roth: {limited}, so contribute {money(contribution_limit)} to a traditional IRA "
                  "without deducting it, then convert it to a Roth IRA")
        if not clean:
            reason += (f"; first roll your {money(pretax_balance)} of pre-tax IRA money into your workplace plan "
                       "before Dec 31, or the pro-rata rule makes most of the conversion taxable")
            source = f"{source}; {ROLL_IN}; {PRO_RATA}"
        else:
            reason += ": with no pre-tax IRA money on Dec 31, only earnings before the conversion are taxable"
    elif roth_limit > 0:
        route, source = "roth", f"IRC 408A(c)(3); {PRO_RATA}"
        reason = (f"Contribute {money(roth_limit)} directly to a Roth IRA (all your income allows); a backdoor "
                  f"for the rest would be mostly taxable because of your {money(pretax_balance)} pre-tax IRA balance")
    elif deductible_limit > 0:
        route, source = "deductible_traditional", f"IRC 219(a); {PRO_RATA}"
        reason = (f"Deduct up to {money(deductible_limit)} in a traditional IRA: no direct Roth contribution at "
                  f"your income, and your {money(pretax_balance)} pre-tax IRA balance would make a backdoor "
                  "conversion mostly taxable")
    else:
        route, source = "nondeductible_traditional", f"{DESIGNATE_NONDEDUCTIBLE}; {PRO_RATA}"
        reason = (f"Contribute {money(contribution_limit)} to a traditional IRA without a deduction and track "
                  f"the basis on Form 8606: your {money(pretax_balance)} pre-tax IRA balance would make a "
                  "backdoor conversion mostly taxable and no plan can take it in; converting it all is the "
                  "other way out, at the tax cost shown")
    steps.append(Step(reason, None, source, "="))
    return Figure("ira_route", route, tuple(steps), TEXT, frozenset(flags))


def pro_rata_fix(*, pretax_balance: Decimal, plan_accepts_roll_ins: bool, backdoor_taxable: Decimal = ZERO,
                 marginal_rate_pct: Decimal | None = None, state_rate_pct: Decimal = ZERO) -> Figure:
    """The way out when pre-tax IRA money would spoil a backdoor Roth, with the tax of each way.

    Form 8606 counts every traditional, SEP and SIMPLE IRA on Dec 31 (IRC 408(d)(2)). Rolling the
    pre-tax money into a workplace plan that accepts roll-ins before Dec 31 empties that count;
    only pre-tax money may go into the plan (IRC 408(d)(3)(A)(ii)), so the basis stays behind and
    converts tax-free. Without such a plan, converting everything this year empties it too, but
    the whole pre-tax balance is taxed as income now (IRC 408A(d)(3)(A)).

    Value: {"action": one of FIXES, "pretax_balance", "tax_rate_pct", "tax_if_converted",
    "tax_if_left"}; the taxes are None when no marginal rate is known. `backdoor_taxable` is the
    taxable part of this year's conversion if the balance stays (backdoor_conversion's "taxable").
    """
    # The last step names the way out and its cost: a choice between the results above, not more arithmetic.
    steps = [Step("Pre-tax money in your traditional, SEP and SIMPLE IRAs", pretax_balance, PRETAX_BALANCE)]
    if pretax_balance <= 0:
        steps.append(Step("Nothing pre-tax in your IRAs on Dec 31: the backdoor needs no fix", None, PRO_RATA, "="))
        value = {"action": "none_needed", "pretax_balance": pretax_balance, "tax_rate_pct": None,
                 "tax_if_converted": ZERO, "tax_if_left": ZERO}
        return Figure("pro_rata_fix", value, tuple(steps))
    flags = {"pro_rata_problem"}
    rate = None if marginal_rate_pct is None else marginal_rate_pct + state_rate_pct
    tax_if_converted = tax_if_left = None
    if rate is None:
        flags.add("rate_unknown")
        steps.append(Step("Converting it all makes all of it taxable income this year (no marginal rate in your "
                          "profile to price it)", pretax_balance, CONVERSION_TAX, "="))
    else:
        tax_if_converted = cents(pct_of(rate, pretax_balance))
        tax_if_left = cents(pct_of(rate, backdoor_taxable))
        steps += [Step(f"Your marginal tax rate (federal {pct(marginal_rate_pct)} + state {pct(state_rate_pct)})",
                       rate, TAX_RATES, "×", PCT),
                  Step("Tax to convert it all to Roth by Dec 31", tax_if_converted, CONVERSION_TAX, "="),
                  Step("Taxable part of this year's backdoor if the balance stays", backdoor_taxable, PRO_RATA),
                  Step("Your marginal tax rate", rate, TAX_RATES, "×", PCT),
                  Step("Tax on the backdoor if the balance stays (the unused basis carries forward)",
                       tax_if_left, PRO_RATA, "=")]
    if plan_accepts_roll_ins:
        action = "roll_into_plan"
        steps.append(Step("Your plan accepts roll-ins: roll the pre-tax IRA money into it before Dec 31; "
                          "no tax, and the backdoor converts tax-free", ZERO, ROLL_IN, "=", role=NOTE))
    else:
        action = "convert_all"
        steps.append(Step("No plan to roll it into: convert it all by Dec 31 and pay the tax above, or skip the "
                          "conversion and keep the basis on Form 8606", tax_if_converted, CONVERSION_TAX, "=",
                          role=NOTE))
    value = {"action": action, "pretax_balance": pretax_balance, "tax_rate_pct": rate,
             "tax_if_converted": tax_if_converted, "tax_if_left": tax_if_left}
    return Figure("pro_rata_fix", value, tuple(steps), flags=frozenset(flags))


# ----------------------------------------------------------------------------- the nondeductible part

def nondeductible_part(*, contribution_limit: Decimal, deductible_limit: Decimal, roth_limit: Decimal) -> Figure:
    """The part of a full traditional IRA contribution that cannot be deducted. It is basis: it must
    be reported on Form 8606 (IRC 408(o)(4)), or a penalty is due for not filing it (IRC 6693(b)).
    Where the income still allows direct Roth contributions, that part can go to a Roth IRA instead:
    the Roth limit less the year's traditional contributions (IRC 408A(c)(2); Pub 590-A Worksheet 2-2),
    here the deductible part."""
    penalty = law("form_8606_penalty")
    nondeductible = clamp(contribution_limit - deductible_limit)
    # the Roth limit and the traditional contributions share one yearly limit (IRC 408A(c)(2))
    roth_instead = min(roth_limit, nondeductible)
    steps = (Step("Your IRA contribution limit", contribution_limit, CONTRIBUTION_LIMIT),
             Step("The part you may deduct", deductible_limit, WORKSHEET_1_2, "−"),
             Step(f"Nondeductible part: report it on Form 8606 (not filing it costs a {money(penalty.value)} penalty)",
                  nondeductible, f"IRC 408(o)(4); {penalty.source}", "="),
             Step("Your direct Roth IRA limit at your income", roth_limit, "IRC 408A(c)(3); Pub 590-A Worksheet 2-2"),
             Step("What the deductible traditional contribution leaves of your yearly limit", nondeductible,
                  "IRC 408A(c)(2)", "min"),
             Step("Of the nondeductible part, what may go directly to a Roth IRA instead", roth_instead, "", "="))
    value = {"nondeductible": nondeductible, "roth_instead": roth_instead, "form_8606_penalty": penalty.value}
    return Figure("nondeductible_ira_part", value, steps,
                  flags=frozenset({"roth_instead"} if roth_instead else ()))
