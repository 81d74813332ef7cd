"""The kinds of money in a plan, the five homes for each, and the words and citations they carry."""
from __future__ import annotations


from ...limits import law

PROFILE = "your profile"

SOURCES = ("pre_tax", "roth", "after_tax_basis", "after_tax_earnings")
OPTIONS = ("cash_out", "leave", "new_plan", "ira", "solo_401k")
PRE_TAX_SOURCES = ("pre_tax", "after_tax_earnings")  # money never taxed: it counts in IRA pro-rata

SOURCE_LABEL = {
    "pre_tax": "pre-tax money",
    "roth": "Roth money",
    "after_tax_basis": "after-tax contributions",
    "after_tax_earnings": "earnings on after-tax contributions",
}
# Pre-tax money keeps its character in a traditional IRA; Roth money may only go to a Roth account
# (IRC 402A(c)(3)); after-tax basis may go to a Roth IRA tax-free when the earnings go to a
# traditional IRA in the same distribution (IRS Notice 2014-54).
IRA_DESTINATION = {
    "pre_tax": "traditional IRA",
    "roth": "Roth IRA",
    "after_tax_basis": "Roth IRA",
    "after_tax_earnings": "traditional IRA",
}
IRA_DESTINATION_SOURCE = {
    "pre_tax": "IRC 402(c)(8)(B)",
    "roth": "IRC 402A(c)(3)",
    "after_tax_basis": "IRC 402(c)(2); IRS Notice 2014-54",
    "after_tax_earnings": "IRC 402(c)(8)(B); IRS Notice 2014-54",
}
OPTION_LABEL = {
    "cash_out": "cash it out",
    "leave": "leave it in the old plan",
    "new_plan": "roll it to your new employer's plan",
    "ira": "roll it to an IRA",
    "solo_401k": "roll it to a solo 401(k)",
}

# The ages the words name, from constants.yaml (59½, 55, 50)
PENALTY_FREE_AGE = law("penalty_free_age").shown
RULE_OF_55_AGE = law("rule_of_55_age").shown
PUBLIC_SAFETY_AGE = law("public_safety_separation_age").shown
NO_WITHHOLDING = "IRC 3405(c)(2)"  # a direct rollover is not subject to the 20 % withholding
NOT_TAXED = "IRC 402(c)(1)"        # an eligible rollover distribution rolled over is not income
NO_RULE_OF_55_IN_IRAS = "IRC 72(t)(3)(A)"
PRO_RATA = "IRC 408(d)(2); Form 8606 lines 6-13"


