"""Notes for whoever maintains the profiles: inputs a guide had to assume, each located at the
persona file's line and key so it can be added. The reader never sees these; the page only says
plainly what was assumed. `guides check` and `guides build` print them as warnings.
"""
from __future__ import annotations

import functools
from pathlib import Path

from .compute import Results
from .figure import Figure
from .formatting import pct
from .rules.employer_stock import ASSUMED_CAPITAL_GAINS_RATE
from .errors import Problem
from .yamlio import line_of, load_yaml

# estimate (compute.Results.estimates) → (the key that would replace it, what the guide did instead)
ESTIMATES = {
    "modified_agi": (("modified_agi",), "not given: the guide estimates it as pay less recommended pre-tax deferrals",
                     "add it from the tax return for exact IRA figures"),
    "paychecks_until_separation": (("pay", "paychecks_this_year"),
                                   "not given: the guide counts the plan's paychecks up to the separation date",
                                   "set it if the number differs"),
    "years_to_retirement": (("assumptions", "years_to_retirement"), "not given: the projection runs to age 65",
                            "add it for the person's own horizon"),
}

_NONE = Figure("none", None)


def maintainer_notes(results: Results, persona_file: Path, shown: str) -> list[Problem]:
    """What the maintainer could add to `persona_file` (printed as `shown`) for a sharper guide."""
    notes = []
    data = functools.cache(lambda: load_yaml(persona_file, shown)[0])  # read for a first note (most guides have none)

    def note(loc: tuple[str, ...], message: str, hint: str) -> None:
        notes.append(Problem(shown, line_of(data(), loc) if data() is not None else 1, ".".join(loc), message, hint))

    for estimate in results.estimates:
        if estimate in ESTIMATES:
            note(*ESTIMATES[estimate])
    tax = results.persona.tax
    if results.plan and (tax.marginal_rate_now is None or tax.marginal_rate_retirement is None):
        key = "marginal_rate_now" if tax.marginal_rate_now is None else "marginal_rate_retirement"
        note(("tax", key), "not given: pre-tax or Roth is split half and half",
             "add both tax rates for a recommendation")
    spouse_ira = results.figures.get("spouse_ira_contribution_limit")
    if spouse_ira is not None and "age_unknown" in spouse_ira.flags:
        note(("spouse", "birth_date"), "not given: the spouse's IRA limit leaves out the age-50 catch-up",
             "add it for the spouse's exact IRA limit")
    if any("capital_gains_rate_assumed" in extras.get("net_unrealized_appreciation", _NONE).flags
           for extras in results.leaving_extras):
        note(("tax", "capital_gains_rate"), "not given: company stock's appreciation is taxed at an assumed "
             f"{pct(ASSUMED_CAPITAL_GAINS_RATE)}",
             "add the long-term capital-gains rate for an exact comparison")
    if results.year_end_plan and results.persona.job_change and results.year_end_plan is not results.plan \
            and results.next_payroll is None:
        note(("job_change", "new_plan"), f"the guide covers the old plan only; {results.year_end_plan.name} needs "
             "its own persona", "or add job_change.new_pay: the guide then splits the limit across both plans")
    return sorted(notes)
