"""A business owner's earnings as plans see them: self-employment tax (Schedule SE), half of it
deducted (IRC 164(f)), the plan compensation of Pub 560 chapter 5 and the employer contribution it
allows — or, for an owner of an incorporated business, 25 % of W-2 pay.

Pub 560's Deduction Worksheet for Self-Employed is followed line by line where the steps name it.
Amounts are kept to the cent (the forms allow whole dollars; cents never overstate a limit): the
tax rounds half up like any form line, and a contribution limit rounds down so it is never exceeded.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ..figure import PCT, RATIO, Figure, Step
from ..formatting import money, pct
from ..limits import Constant, Limits
from ..money import CENT, HUNDRED, ZERO, cents, clamp, pct_of, round_down_to

PROFILE = "your profile"
PUB_560 = "IRS Pub 560, Deduction Worksheet for Self-Employed"
SCHEDULE_SE = "Schedule SE (Form 1040)"
# Pub 560's rate table prints the self-employed rate to six decimals (10 % gives 0.090909).
RATE_PLACES = Decimal("0.000001")


def net_earnings_from_self_employment(constants: Mapping[str, Constant], *, net_profit: Decimal) -> Figure:
    """Schedule SE line 4a: net profit less the employer-equivalent part of the tax, i.e. 92.35 % of
    it (IRC 1402(a)(12)). Below $400 there are no net earnings for the tax (line 4c, 1402(b)(2))."""
    share, floor = constants["self_employment_earnings_pct"], constants["self_employment_tax_floor"]
    earnings = cents(pct_of(share.value, clamp(net_profit)))
    steps = [Step("Net profit of your business (Schedule C line 31 or K-1 box 14)", net_profit, PROFILE),
             Step(f"× {pct(share.value)}", share.value, share.source, "×", unit="pct")]
    if earnings < floor.value:
        steps.append(Step(f"Below {money(floor.value)} there is no self-employment tax", ZERO, floor.source, "="))
        return Figure("net_earnings_from_self_employment", ZERO, tuple(steps), flags=frozenset({"below_floor"}))
    steps.append(Step("Net earnings from self-employment (Schedule SE line 4a)", earnings, SCHEDULE_SE, "="))
    return Figure("net_earnings_from_self_employment", earnings, tuple(steps))


def self_employment_tax(limits: Limits, constants: Mapping[str, Constant], *, net_earnings: Decimal,
                        social_security_wages: Decimal = ZERO) -> Figure:
    """Schedule SE lines 7-12: 12.4 % of the net earnings up to the year's wage base, less any W-2
    Social Security wages that already used it (line 8a), plus 2.9 % of all of them (IRC 1401).

    The 0.9 % additional Medicare tax (IRC 1401(b)(2)) is figured on Form 8959 and is not part of
    the deductible half, so it does not enter plan compensation and is left out here.
    """
    base = limits.social_security_wage_base
    social, medicare = constants["social_security_tax_pct"], constants["medicare_tax_pct"]
    room = clamp(base.value - social_security_wages)
    taxed = min(net_earnings, room)
    steps = [Step(f"Social Security wage base for {limits.tax_year}", base.value, base.source),
             Step("Social Security wages from a job (W-2 box 3)", social_security_wages, PROFILE, "−"),
             Step("Wage base left for your business", room, "", "="),
             Step("Net earnings taxed for Social Security (the smaller)", taxed, SCHEDULE_SE + " line 9", "min"),
             Step(f"Social Security part: × {pct(social.value)}", pct_of(social.value, taxed), social.source),
             Step(f"Medicare part: all your net earnings × {pct(medicare.value)}", pct_of(medicare.value, net_earnings),
                  medicare.source, "+")]
    tax = cents(pct_of(social.value, taxed) + pct_of(medicare.value, net_earnings))
    steps.append(Step("Self-employment tax (Schedule SE line 12)", tax, SCHEDULE_SE, "="))
    flags = {"wage_base_reached"} if net_earnings > room else set()
    return Figure("self_employment_tax", tax, tuple(steps), flags=frozenset(flags))


def self_employment_tax_deduction(constants: Mapping[str, Constant], *, self_employment_tax: Decimal) -> Figure:
    """Schedule SE line 13: half the tax is deducted from income (IRC 164(f)), and plan
    compensation is figured after it."""
    half = constants["self_employment_tax_deduction_pct"]
    value = cents(pct_of(half.value, self_employment_tax))
    steps = (Step("Self-employment tax", self_employment_tax, SCHEDULE_SE + " line 12"),
             Step(f"× {pct(half.value)}", half.value, half.source, "×", unit="pct"),
             Step("Deduction for half of self-employment tax (Schedule SE line 13)", value, "", "="))
    return Figure("self_employment_tax_deduction", value, steps)


def self_employed_rate(*, plan_rate_pct: Decimal) -> Figure:
    """Pub 560's Rate Table / Rate Worksheet for Self-Employed: the plan's rate ÷ (1 + the rate).

    The owner's own contribution is deducted in figuring the compensation it is a percentage of,
    so a plan rate of 25 % of compensation is 20 % of compensation before that deduction."""
    rate = plan_rate_pct / HUNDRED
    reduced = (rate / (1 + rate)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    steps = (Step("Plan contribution rate as a decimal", rate, PROFILE, unit=RATIO),
             Step("÷ (1 + that rate)", 1 + rate, "Pub 560, Rate Worksheet for Self-Employed", "÷", unit=RATIO),
             Step("Your rate as a self-employed person (Pub 560 rate table)", reduced, "", "=", unit=RATIO))
    return Figure("self_employed_rate", reduced, steps, unit=RATIO)


def self_employed_compensation(*, net_profit: Decimal, se_tax_deduction: Decimal) -> Figure:
    """Pub 560 worksheet steps 1-3: net profit less the deduction for half of self-employment tax.

    The plans of a self-employed person use this as compensation (IRC 401(c)(2)); the worksheet's
    reduced rate then takes out the owner's own contribution."""
    value = clamp(net_profit - se_tax_deduction)
    steps = (Step("Step 1: net profit", net_profit, PROFILE),
             Step("Step 2: deduction for half of self-employment tax", se_tax_deduction, PUB_560, "−"),
             Step("Step 3: net earnings from self-employment for your plan", value, PUB_560, "="))
    return Figure("self_employed_compensation", value, steps)


def employer_contribution_self_employed(limits: Limits, *, compensation: Decimal, plan_rate_pct: Decimal,
                                        deferrals: Decimal = ZERO, name: str = "employer_contribution") -> Figure:
    """The owner's own employer (nonelective) contribution to a SEP or a profit-sharing / solo 401(k)
    plan: Pub 560 steps 4-8 and, when the owner also defers, the limits that deferrals tighten.

    - step 5: compensation (step 3) × the reduced rate — 20 % for a 25 % plan (IRC 404(a)(3); earned
      income is figured after the deduction for this contribution, 401(c)(2)(A)(v));
    - step 6: the plan rate × the 401(a)(17) compensation limit;
    - step 8: the 415(c)(1)(A) dollar limit, less the owner's deferrals to the same plan;
    - with deferrals, half of (step 3 − deferrals): the 415(c)(1)(B) limit of 100 % of earned income,
      which for the self-employed is figured after the deduction for this very contribution (IRC
      415(c)(3)(B), 401(c)(2)); deferrals are added back to it (415(c)(3)(D)).
    """
    rate = self_employed_rate(plan_rate_pct=plan_rate_pct).value
    cap = limits.compensation_limit
    dollar = limits.annual_additions
    by_rate = round_down_to(compensation * rate, CENT)
    by_cap = round_down_to(cap.value * plan_rate_pct / HUNDRED, CENT)
    steps = [Step("Step 3: your net earnings from self-employment for the plan", compensation, PUB_560),
             Step("Step 4: your rate as a self-employed person", rate, "Pub 560 rate table", "×", unit=RATIO),
             *_to_the_cent(compensation * rate, by_rate),
             Step("Step 5: contribution at that rate", by_rate, "IRC 401(c)(2)(A)(v)", "="),
             Step(f"Step 6: compensation limit × plan rate of {pct(plan_rate_pct)}", by_cap, cap.source, "min")]
    value = min(by_rate, by_cap)
    room = clamp(dollar.value - deferrals)
    if deferrals:
        half = round_down_to(clamp(compensation - deferrals) / 2, CENT)
        steps += [Step(f"Step 8: annual additions limit for {limits.tax_year}, less your deferrals to this plan",
                       room, f"{dollar.source}; {PROFILE}", "min"),
                  Step("Half of (step 3 − your deferrals): 100% of earned income after this contribution", half,
                       "IRC 415(c)(1)(B), 415(c)(3)(B)", "min")]
        value = min(value, half)
    else:
        steps.append(Step(f"Step 8: annual additions limit for {limits.tax_year}", dollar.value, dollar.source, "min"))
    value = min(value, room)
    steps.append(Step("Employer contribution for yourself", value, PUB_560, "="))
    flags = {"compensation_capped"} if by_cap < by_rate else set()
    return Figure(name, value, tuple(steps), flags=frozenset(flags))


def employer_contribution_incorporated(limits: Limits, constants: Mapping[str, Constant], *, w2_pay: Decimal,
                                       deferrals: Decimal = ZERO, name: str = "employer_contribution") -> Figure:
    """An owner-employee of their own corporation is paid W-2 wages: the employer may contribute 25 %
    of them (IRC 404(a)(3)(A)), on pay capped by 401(a)(17), within 415(c) with the deferrals."""
    rate, cap, dollar = constants["employer_contribution_rate_pct"], limits.compensation_limit, limits.annual_additions
    capped = min(w2_pay, cap.value)
    by_rate = round_down_to(pct_of(rate.value, capped), CENT)
    room = clamp(min(dollar.value, w2_pay) - deferrals)
    value = min(by_rate, room)
    steps = (Step("W-2 pay from your corporation", w2_pay, PROFILE),
             Step("Compensation limit", cap.value, cap.source, "min"),
             Step("Employer contribution rate", rate.value, rate.source, "×", PCT),
             *_to_the_cent(pct_of(rate.value, capped), by_rate),
             Step("Contribution at that rate", by_rate, rate.source, "="),
             Step(f"Annual additions limit for {limits.tax_year}, or 100% of your pay if less, less your deferrals",
                  room, dollar.source, "min"),
             Step("Employer contribution for yourself", value, "", "="))
    return Figure(name, value, steps, flags=frozenset({"compensation_capped"} if w2_pay > cap.value else ()))


def _to_the_cent(exact: Decimal, rounded: Decimal) -> tuple[Step, ...]:
    """The rounding step of a contribution cut down to the cent, where it cuts anything."""
    return () if exact == rounded else (Step("Rounded down to the cent", CENT, PUB_560, "↓"),)
