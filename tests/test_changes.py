"""What the new year's limits change for one person (the yearly refresh)."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from generator.changes import changes, last_year
from generator.compute import compute
from generator.profiles import load_profiles

EXAMPLES = load_profiles(Path(__file__).resolve().parent.parent / "profiles")
LINDA = next(p for p in EXAMPLES.personas if p.id == "linda")


def test_linda_2025_against_2026():
    moved = {c.name: (c.before, c.after) for c in changes(compute(LINDA, EXAMPLES.plans), last_year(LINDA, EXAMPLES.plans))}
    # Linda: head of household, pay 185,000, 60 in 2025 and 61 in 2026 (both in the 60-63 band: 11,250 both
    # years, so the catch-up does not move).
    assert moved == {
        "elective_deferral_limit": (D(23500), D(24500)),      # Notice 2024-80 → Notice 2025-67
        "annual_additions_limit": (D(70000), D(72000)),
        "ira_contribution_limit": (D(8000), D(8600)),         # 7,000 + 1,000 → 7,500 + 1,100
        # 2025: (23,500 + 11,250) / 185,000 = 18.78% → 18%; 19% = 1,351.92 a paycheck (185,000 / 26 = 7,115.38)
        # stops in the 26th paycheck with 951.92 (13.4% ≥ the 5% the match needs), so nothing is lost: 19%, and
        # payroll stops at 34,750, all pre-tax (Roth catch-up not enforced yet). MAGI 185,000 − 34,750 = 150,250
        # in the 150,000-165,000 range: 8,000 × 14,750 / 15,000 = 7,866.67 → 7,870.
        # 2026: 35,750 / 185,000 = 19.32% → 19%; 20% would leave the 26th paycheck 173.08 (2.4% < 5%): match lost,
        # so 19% stays with a last-paycheck change (to Roth: the catch-up must be Roth). Pre-tax capped at
        # 24,500 / 185,000 = 13.2% → 13% (24,050), Roth 6%; MAGI 185,000 − 24,050 = 160,950 in the 2026
        # 153,000-168,000 range: 8,600 × 7,050 / 15,000 = 4,042 → 4,050.
        "roth_ira_limit": (D(7870), D(4050)),
        "recommended_elections.pre_tax_pct": (D(19), D(13)),
        "recommended_elections.roth_pct": (D(0), D(6)),
    }


def test_no_comparison_without_last_years_limits():
    first_year = LINDA.model_copy(update={"tax_year": 2018})
    assert last_year(first_year, EXAMPLES.plans) is None


def test_the_guide_shows_what_changed(built):
    page = (built.root / "site" / "guides" / "linda" / "index.html").read_text()
    assert "What changed since 2025" in page and "$7,870" in page
