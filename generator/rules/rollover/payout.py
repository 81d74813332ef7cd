"""Money paid out to the person: the taxable part, the 20 % withholding, the income tax and the
10 % additional tax, for a whole balance, a partial payout and a 60-day indirect rollover."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ...figure import COUNT, PCT, RATIO, Figure, Step
from ...formatting import money, pct
from ...limits import Constant
from ...money import ZERO, cents, pct_of, ratio
from .early_payout import AdditionalTax
from .kinds import PRE_TAX_SOURCES, PROFILE, SOURCE_LABEL, SOURCES


def taxable_part(source: str, amount: Decimal, *, roth_qualified: Figure | None = None,
                 roth_contributions: Decimal | None = None) -> Figure:
    """The part of a payout of this money that is income.

    Pre-tax money and after-tax earnings: all of it (IRC 402(a)). After-tax basis: none (IRC 72(e)).
    Roth: none when qualified; otherwise the earnings (IRC 72(e)(8); the whole balance is paid out,
    so the earnings are what is left after the contributions). When the profile does not give the
    Roth contributions, none are assumed: the worst case (flag `roth_split_assumed`). Without a
    `roth_qualified` Figure, Roth money is treated as not qualified.
    """
    roth = roth_qualified if source == "roth" else None
    qualified = roth is not None and bool(roth.value)
    steps = (list(roth.steps) if roth is not None else []) + [Step(f"Your {SOURCE_LABEL[source]} paid out", amount, PROFILE)]
    flags = set(roth.flags) if roth is not None else set()
    if source in PRE_TAX_SOURCES:
        steps.append(Step("Never taxed, so all of it is income", amount, "IRC 402(a)", "="))
        return Figure("taxable_part", amount, tuple(steps))
    if source == "after_tax_basis":
        tax_free, why, cite = amount, "Your after-tax contributions come back tax-free", "IRC 72(e)"
    elif qualified:
        tax_free, why, cite = amount, "Qualified Roth distribution: tax-free", "IRC 402A(d)(1)"
    elif roth_contributions is None:
        flags.add("roth_split_assumed")
        tax_free, why, cite = ZERO, "Your Roth contributions (tax-free): not in your profile, none assumed", "assumption"
    else:
        tax_free, why, cite = min(roth_contributions, amount), "Your Roth contributions come back tax-free", "IRC 72(e)(8)"
    taxable = amount - tax_free
    steps += [Step(why, tax_free, cite, "−"), Step("Taxable part", taxable, "", "=")]
    return Figure("taxable_part", taxable, tuple(steps), flags=frozenset(flags))


def no_cash(available: bool, moved: Decimal, destination: str, *, gives_up_rule_of_55: bool = False,
            adds_to_ira_pro_rata: Decimal = ZERO) -> dict:
    """The value of an option that moves or keeps the money instead of paying it out."""
    return {
        "available": available,
        "withheld": cents(ZERO),
        "income_tax": cents(ZERO),
        "additional_tax": cents(ZERO),
        "net_cash": cents(ZERO),
        "net_after_tax": cents(ZERO),
        "tax_due_at_filing": cents(ZERO),
        "stays_tax_advantaged": cents(moved if available else ZERO),
        "destination": destination if available else "",
        "gives_up_rule_of_55": available and gives_up_rule_of_55,
        "adds_to_ira_pro_rata": cents(adds_to_ira_pro_rata if available else ZERO),
    }


def withholding_pct(constants: Mapping[str, Constant], paid: Decimal) -> tuple[Decimal, Step]:
    """The mandatory withholding rate on a payout of `paid`, and the step that says why: 20 % of the
    taxable part (IRC 3405(c)), or none when the year's eligible rollover distributions total less
    than $200 (Treas. Reg. 31.3405(c)-1, Q&A-14; the payout is taken to be the year's only one)."""
    withholding = constants["mandatory_withholding_pct"]
    floor = constants["withholding_minimum_payout"]
    if paid < floor.value:
        return ZERO, Step(f"Mandatory federal withholding: none on a payout under {money(floor.value)}", ZERO,
                          floor.source, "×", PCT)
    return withholding.value, Step("Mandatory federal withholding", withholding.value, withholding.source, "×", PCT)


def cash_out(constants: Mapping[str, Constant], *, amount: Decimal, taxable: Figure, marginal_rate_pct: Decimal,
             state_rate_pct: Decimal, additional_tax: AdditionalTax) -> Figure:
    """A payout to the person: 20 % withheld from the taxable part (IRC 3405(c); none under $200),
    income tax at the marginal federal + state rate on it, and the additional tax as `additional_tax`
    decided it.

    Net cash now = amount − withheld (before the rest of the tax). Net after all tax = amount −
    income tax − additional tax. Still due at filing = income tax + additional tax − withheld
    (negative: a refund). The income tax uses one marginal rate: a large payout can push part of
    itself into a higher bracket, which the profile's single rate cannot show.
    """
    withholding = constants["mandatory_withholding_pct"]
    withheld_pct, withholding_step = withholding_pct(constants, amount)
    rate = marginal_rate_pct + state_rate_pct
    t = taxable.value
    whole_base = t if additional_tax.only_on is None else min(additional_tax.only_on, t)
    exempt = min(additional_tax.exempt, whole_base)  # dollars the exceptions in the profile free
    base = whole_base - exempt
    withheld = cents(pct_of(withheld_pct, t))
    income_tax, additional = cents(pct_of(rate, t)), cents(pct_of(additional_tax.rate_pct, base))
    net_cash, due = amount - withheld, income_tax + additional - withheld
    after_tax = amount - income_tax - additional
    additional_label = (f"Additional tax: none ({additional_tax.reason})" if additional_tax.rate_pct == 0
                        else additional_tax.reason)
    base_steps = [Step("Taxable part", t, "IRC 72(t)(1)") if additional_tax.only_on is None
                  else Step(additional_tax.only_on_label, whole_base, additional_tax.citation)]
    if exempt:
        base_steps += [Step("Covered by the exceptions in your profile", exempt, "IRC 72(t)(2)", "−"),
                       Step("Subject to the additional tax", base, "", "=")]
    steps = list(taxable.steps) + [
        withholding_step,
        Step("Withheld from the payout", withheld, "", "="),
        Step("Paid out", amount, PROFILE),
        Step("Withheld", withheld, withholding.source, "−"),
        Step("Cash to you now, before the rest of the tax", net_cash, "", "="),
        Step("Taxable part", t, "IRC 402(a)"),
        Step(f"Your federal marginal rate ({pct(marginal_rate_pct)}) + state rate ({pct(state_rate_pct)})", rate, PROFILE, "×", PCT),
        Step("Income tax on the payout", income_tax, "", "="),
        *base_steps,
        Step(additional_label, additional_tax.rate_pct, additional_tax.citation, "×", PCT),
        Step("Additional tax", additional, "", "="),
        Step("Income tax", income_tax, ""),
        Step("Additional tax", additional, additional_tax.citation, "+"),
        Step("Already withheld", withheld, withholding.source, "−"),
        Step("Still to pay when you file (negative: refunded)", due, "", "="),
        Step("Paid out", amount, PROFILE),
        Step("Income tax", income_tax, "", "−"),
        Step("Additional tax", additional, additional_tax.citation, "−"),
        Step("Left to you after all tax", cents(after_tax), "", "="),
    ]
    value = no_cash(True, ZERO, "you, in cash") | {
        "withheld": withheld, "income_tax": income_tax, "additional_tax": additional,
        "net_cash": cents(net_cash), "net_after_tax": cents(after_tax), "tax_due_at_filing": cents(due)}
    flags = {"additional_tax"} if additional else set()
    return Figure("cash_out", value, tuple(steps), flags=frozenset(flags))


def partial_payout(constants: Mapping[str, Constant], *, balances: Mapping[str, Decimal], amount: Decimal,
                   roth_qualified: Figure, roth_contributions: Decimal | None, marginal_rate_pct: Decimal,
                   state_rate_pct: Decimal, additional_tax: AdditionalTax) -> Figure:
    """A payout of `amount` from a plan (a rule-of-55 drawdown, say), taken from every account in
    proportion to its balance, as most plans do unless told otherwise.

    Within a designated Roth account a nonqualified payout is pro rata between contributions and
    earnings (IRC 72(e)(8); Treas. Reg. 1.402A-1 Q&A-3), not contributions first as from a Roth IRA;
    after-tax basis and its earnings come out in proportion the same way. Then taxed as `cash_out`.
    """
    total = sum(balances.values(), ZERO)
    amount = min(amount, total)
    steps = [Step("Payout you plan to take", amount, PROFILE), Step("Plan balance", total, PROFILE)]
    taxable_total, paid_so_far, flags = ZERO, ZERO, set()
    present = [s for s in SOURCES if balances.get(s)]
    for n, source in enumerate(present):
        balance = balances[source]
        # the last account takes what rounding left, so the parts add up to the payout
        part = amount - paid_so_far if n == len(present) - 1 else cents(balance * amount / total)
        paid_so_far += part
        steps.append(Step(f"From your {SOURCE_LABEL[source]} ({money(balance)} × payout ÷ plan balance)", part, "your plan"))
        if source in PRE_TAX_SOURCES:
            taxable = part
            steps.append(Step("All of it taxable", taxable, "IRC 402(a)"))
        elif source == "after_tax_basis":
            taxable = ZERO
            steps.append(Step("None of it taxable", taxable, "IRC 72(e)"))
        elif roth_qualified.value:
            taxable = ZERO
            steps.append(Step("Qualified Roth distribution: none of it taxable", taxable, "IRC 402A(d)(1)"))
        else:
            if roth_contributions is None:
                flags.add("roth_split_assumed")
            contributions = min(roth_contributions or ZERO, balance)
            earnings_share = ratio(balance - contributions, balance)
            taxable = cents(part * earnings_share)
            steps += [Step("Roth earnings in the account ÷ its balance (contributions: "
                           + ("none assumed" if roth_contributions is None else money(contributions)) + ")",
                           earnings_share, "IRC 72(e)(8); Treas. Reg. 1.402A-1, Q&A-3", "×", RATIO),
                      Step("Taxable part of the Roth money paid out", taxable, "", "=")]
        taxable_total += taxable
    taxable = Figure("taxable_part", taxable_total, tuple(steps) + (Step("Taxable part of the payout", taxable_total, ""),))
    paid = cash_out(constants, amount=amount, taxable=taxable, marginal_rate_pct=marginal_rate_pct,
                    state_rate_pct=state_rate_pct, additional_tax=additional_tax)
    value = dict(paid.value) | {"paid_out": cents(amount), "taxable": cents(taxable_total),
                                "tax_free": cents(amount - taxable_total)}
    for key in ("stays_tax_advantaged", "destination", "gives_up_rule_of_55", "adds_to_ira_pro_rata", "available"):
        value.pop(key)
    return Figure("partial_payout", value, paid.steps, flags=paid.flags | frozenset(flags))


# Where each kind of money may go when it is paid to you and deposited within 60 days.
SIXTY_DAY_DESTINATION = {
    "pre_tax": ("a traditional IRA, or a workplace plan that takes roll-ins", "IRC 402(c)(8)(B)"),
    "after_tax_earnings": ("a traditional IRA, or a workplace plan that takes roll-ins", "IRC 402(c)(8)(B)"),
    "after_tax_basis": ("an IRA only: a workplace plan takes it only by direct rollover", "IRC 402(c)(2)(A)"),
    "roth": ("a Roth IRA only: another plan's Roth account takes it only by direct rollover",
             "Treas. Reg. 1.402A-1, Q&A-5(a)"),
}
# A designated Roth account is a separate contract (IRC 402A(d)(4), 72(d)(2)): its payout and the rest
# of the plan's are withheld on and rolled over apart.
ACCOUNTS = (("your non-Roth account", ("pre_tax", "after_tax_basis", "after_tax_earnings")), ("your Roth account", ("roth",)))
BASIS_FIRST = "IRC 402(c)(2); Treas. Reg. 1.402A-1, Q&A-5(a)"


def indirect_rollover(constants: Mapping[str, Constant], *, paid: Mapping[str, Decimal], taxable: Mapping[str, Decimal],
                      marginal_rate_pct: Decimal, state_rate_pct: Decimal, additional_tax: AdditionalTax) -> Figure:
    """A payout made to the person and rolled over within 60 days (IRC 402(c)(3)). The plan withholds
    20 % of the taxable part, so rolling over everything takes that much from other money.

    What is not made up is paid out for good. Within each account the amount rolled over counts as
    the taxable part first (IRC 402(c)(2); Treas. Reg. 1.402A-1 Q&A-5(a) for a Roth account), so the
    shortfall uses up the account's tax-free part (after-tax basis, Roth contributions) before any of it
    is taxed. The taxed shortfall pays `additional_tax`'s rate. The withheld amount itself comes back
    as a credit on the return. `paid` and `taxable` map each source to its payout and the taxable part of it."""
    withholding = constants["mandatory_withholding_pct"]
    days = constants["indirect_rollover_days"]
    paid_out = sum(paid.values(), ZERO)
    taxable_total = sum(taxable.values(), ZERO)
    withheld_total, taxed_total, withheld_on = ZERO, ZERO, ZERO
    shortfall_steps = []
    for account, sources in ACCOUNTS:
        account_taxable = sum((taxable.get(s, ZERO) for s in sources), ZERO)
        account_paid = sum((paid.get(s, ZERO) for s in sources), ZERO)
        withheld_pct = withholding_pct(constants, account_paid)[0]
        withheld_on += account_taxable if withheld_pct else ZERO
        withheld = cents(pct_of(withheld_pct, account_taxable))
        if not withheld:
            continue
        tax_free = account_paid - account_taxable
        taxed = max(withheld - tax_free, ZERO)
        withheld_total += withheld
        taxed_total += taxed
        shortfall_steps += [
            Step(f"Withheld from {account} ({pct(withholding.value)} of its taxable part)", withheld, withholding.source),
            Step(f"Tax-free money in {account}, which the amount not made up uses first", tax_free, BASIS_FIRST, "−"),
            Step("Under zero counts as zero", ZERO, BASIS_FIRST, "max"),
            Step(f"Taxed if not made up, from {account}", taxed, "", "=")]
    applies = additional_tax.rate_pct > 0
    rate = marginal_rate_pct + state_rate_pct + additional_tax.rate_pct
    tax = cents(pct_of(rate, taxed_total))
    check = paid_out - withheld_total
    steps = [
        Step("Taxable part of the payout", taxable_total, "IRC 402(a)") if withheld_on == taxable_total else
        Step(f"Taxable part withheld on (none on an account paying out under {money(constants['withholding_minimum_payout'].value)})",
             withheld_on, constants["withholding_minimum_payout"].source),
        Step("Mandatory federal withholding", withholding.value, withholding.source, "×", PCT),
        Step("Withheld", withheld_total, "", "="),
        Step("Paid out", paid_out, PROFILE),
        Step("Withheld", withheld_total, withholding.source, "−"),
        Step("The check you receive", check, "", "="),
        Step("Days you have to deposit the full amount", days.value, days.source, unit=COUNT),
        *[Step(f"Your {SOURCE_LABEL[s]} may go to {SIXTY_DAY_DESTINATION[s][0]}", None, SIXTY_DAY_DESTINATION[s][1])
          for s in SOURCES if paid.get(s)],
        Step("To roll over everything, add from other money", withheld_total, days.source),
        *shortfall_steps,
        Step("Taxed if you add nothing", taxed_total, BASIS_FIRST),
        Step("Federal marginal + state rate" + (f" + {pct(additional_tax.rate_pct)} additional tax" if applies else ""), rate,
             f"your profile; {additional_tax.citation}", "×", PCT),
        Step("Tax on the amount not made up", tax, "", "="),
    ]
    value = {"check_received": cents(check), "make_up": withheld_total, "taxed_if_not_made_up": cents(taxed_total),
             "tax_if_not_made_up": tax, "additional_tax_applies": applies,
             "sixty_day_destinations": {s: SIXTY_DAY_DESTINATION[s][0] for s in SOURCES if paid.get(s)}}
    return Figure("indirect_rollover", value, tuple(steps))
