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
        # 2025: (23,500 + 11,250) / 185,000 = 18.78% → 18%, all pre-tax (Roth catch-up not enforced yet);
        # MAGI 185,000 − 33,300 = 151,700 in the 150,000-165,000 range: 8,000 × 13,300 / 15,000 = 7,093.33
        # → 7,100. 2026: 35,750 / 185,000 = 19.32% → 19%, pre-tax capped at 24,500 / 185,000 = 13.2% → 13%,
        # Roth 6%; MAGI 185,000 − 24,050 = 160,950: 8,600 × 7,050 / 15,000 = 4,042 → 4,050.
        "roth_ira_limit": (D(7100), D(4050)),
        "recommended_elections.pre_tax_pct": (D(18), D(13)),
        "recommended_elections.roth_pct": (D(0), D(6)),
    }


def test_no_comparison_without_last_years_limits():
    first_year = LINDA.model_copy(update={"tax_year": 2018})
    assert last_year(first_year, EXAMPLES.plans) is None


def test_the_guide_shows_what_changed(built):
    page = (built.root / "site" / "guides" / "linda" / "index.html").read_text()
    assert "What changed since 2025" in page and "$7,100" in page
