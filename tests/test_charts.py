"""The SVG charts: deterministic bytes, accessible text, and shapes placed where the numbers say.

Coordinates worked by hand use the layout constants of generator/charts.py: the projection's plot
runs x 72 → 620 and y 306 (zero) → 56 (axis top); the cadence bars start at x 170 and the longest
is 310 wide.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.charts import cadence_alt, cadence_chart, projection_alt, projection_chart
from generator.rules.mega_backdoor import CADENCES
from generator.rules.projection import growth_projection, projection_by_year

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"


def _projection(contribution=D(1000), return_pct=D(10), years=3, drag=D(2), timing="end_of_year"):
    arguments = dict(annual_contribution=contribution, annual_return_pct=return_pct, years=years,
                     tax_drag_pct=drag, timing=timing)
    return growth_projection(**arguments).value, projection_by_year(**arguments)


def _polylines(svg: str) -> list[list[tuple[Decimal, Decimal]]]:
    root = ET.fromstring(svg)
    return [[tuple(D(n) for n in point.split(",")) for point in line.get("points").split()]
            for line in root.iter(f"{SVG}polyline")]


EARNINGS = {"per_pay_period": D("0.00"), "monthly": D("60.00"), "quarterly": D("180.00"),
            "annually": D("750.00"), "at_separation": D("1560.00")}


# ----------------------------------------------------------------------------- projection

def test_projection_chart_is_the_same_bytes_every_time():
    first = projection_chart(*_projection())
    assert first == projection_chart(*_projection())
    assert first.encode() == projection_chart(*_projection()).encode()


def test_projection_chart_is_accessible_svg():
    projection, rows = _projection()
    svg = projection_chart(projection, rows)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "projection-title projection-desc"
    assert root.find(f"{SVG}title").text == "How your after-tax money could grow"
    assert root.find(f"{SVG}desc").text == projection_alt(projection)
    assert "sans-serif" in root.get("font-family")


def test_projection_alt_text_states_the_assumptions_and_results():
    projection, _ = _projection()
    # Roth: 1,000 × (1.1³ − 1) ÷ 0.1 = 3,310; taxable at 10 − 2 = 8 %: (1.08³ − 1) ÷ 0.08 =
    # (1.259712 − 1) ÷ 0.08 = 3.2464 → 3,246.40 → $3,246; put in 3 × 1,000 = $3,000
    assert projection_alt(projection) == (
        "Line chart: $1,000 a year, added at the end of each year for 3 years at an assumed 10% a year, "
        "grows to $3,310 in a Roth account and to $3,246 in a taxable account that loses 2% a year to tax; "
        "$3,000 is the money put in."
    )


def test_projection_lines_land_on_hand_computed_coordinates():
    svg = projection_chart(*_projection())
    contributed, taxable, roth = _polylines(svg)
    # axis: 3,310 ÷ 5 = 662 → nice step 1,000 (100, 200, 250, 500 are too small); 4 steps → top 4,000
    # year 3 at x = 620; y(3,310) = 306 − 250 × 3,310 ÷ 4,000 = 306 − 206.875 = 99.125 → 99.13
    assert roth[-1] == (D("620.00"), D("99.13"))
    # year 1 at x = 72 + 548 ÷ 3 = 254.666… → 254.67; y(1,000) = 306 − 62.5 = 243.50
    assert roth[1] == (D("254.67"), D("243.50"))
    # every line starts at the empty account, year 0
    assert contributed[0] == taxable[0] == roth[0] == (D("72.00"), D("306.00"))
    # y(3,000) = 306 − 250 × 0.75 = 118.50 for the money put in
    assert contributed[-1] == (D("620.00"), D("118.50"))
    assert len(roth) == 4  # years 0..3
    assert taxable[-1][1] > roth[-1][1]  # a lower value sits lower on the page (larger y)
    for label in ("$0", "$1k", "$2k", "$3k", "$4k"):
        assert f">{label}</text>" in svg


def test_projection_coordinates_are_fixed_two_places():
    svg = projection_chart(*_projection(contribution=D("36700"), return_pct=D(6), years=25, drag=D(1)))
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2)="([^"]*)"', svg) + re.findall(r'points="([^"]*)"', svg)
    for group in numbers:
        for number in re.split(r"[ ,]", group):
            assert re.fullmatch(r"-?\d+\.\d\d", number), number
    assert "E" not in "".join(numbers) and "nan" not in svg.lower()
    # axis labels: $2,013,527.5… at the top → step 500k, top $2.5M
    assert ">$2.5M</text>" in svg and ">$500k</text>" in svg


def test_projection_chart_escapes_text():
    projection, rows = _projection()
    svg = projection_chart(projection, rows, title='Growth for <Ana & "Bo">')
    assert ET.fromstring(svg).find(f"{SVG}title").text == 'Growth for <Ana & "Bo">'


def test_projection_chart_with_no_years_still_draws():
    projection, rows = _projection(years=0)
    svg = projection_chart(projection, rows)
    assert all(line == [(D("72.00"), D("306.00"))] for line in _polylines(svg))


@settings(max_examples=40)
@given(contribution=st.decimals(min_value=0, max_value=80_000, places=2),
       return_pct=st.decimals(min_value=-20, max_value=15, places=1),
       years=st.integers(min_value=0, max_value=45), drag=st.decimals(min_value=0, max_value=3, places=1))
def test_projection_points_stay_inside_the_plot(contribution, return_pct, years, drag):
    svg = projection_chart(*_projection(contribution, return_pct, years, drag))
    for line in _polylines(svg):
        assert all(D(72) <= x <= D(620) and D(56) <= y <= D(306) for x, y in line)


# ----------------------------------------------------------------------------- cadence

def test_cadence_chart_is_the_same_bytes_every_time():
    assert cadence_chart(EARNINGS, "quarterly") == cadence_chart(dict(EARNINGS), "quarterly")


def test_cadence_chart_is_accessible_svg():
    svg = cadence_chart(EARNINGS, "quarterly")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "cadence-title cadence-desc"
    assert root.find(f"{SVG}desc").text == cadence_alt(EARNINGS, "quarterly")
    assert cadence_alt(EARNINGS, "quarterly") == (
        "Bar chart of the taxable earnings the year's after-tax contributions make before conversion: "
        "every paycheck $0.00; monthly $60.00; quarterly $180.00; once a year $750.00; "
        "only when you leave $1,560.00. Your plan allows: quarterly.")


def test_cadence_bars_are_proportional_and_the_plan_is_highlighted():
    root = ET.fromstring(cadence_chart(EARNINGS, "quarterly"))
    bars = [rect for rect in root.iter(f"{SVG}rect")][1:]  # the first rect is the background
    assert len(bars) == len(CADENCES)
    # widths: 310 × earnings ÷ 1,560 → 0; 310 × 60/1560 = 11.923… → 11.92; 310 × 180/1560 = 35.769… → 35.77;
    # 310 × 750/1560 = 149.038… → 149.04; the largest is the full 310
    assert [bar.get("width") for bar in bars] == ["0.00", "11.92", "35.77", "149.04", "310.00"]
    fills = [bar.get("fill") for bar in bars]
    assert fills[2] != fills[0] and len(set(fills[:2] + fills[3:])) == 1
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "$180.00 (your plan)" in labels and "$1,560.00" in labels and "Quarterly" in labels


def test_cadence_chart_without_a_recommendation_or_earnings():
    zeros = {cadence: D("0.00") for cadence in CADENCES}
    root = ET.fromstring(cadence_chart(zeros, None))
    bars = [rect for rect in root.iter(f"{SVG}rect")][1:]
    assert {bar.get("width") for bar in bars} == {"0.00"}
    assert len({bar.get("fill") for bar in bars}) == 1
    assert not any("(your plan)" in (text.text or "") for text in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("recommended", list(CADENCES), ids=[f"plan-{c}" for c in CADENCES])
def test_each_recommended_cadence_is_marked(recommended):
    root = ET.fromstring(cadence_chart(EARNINGS, recommended))
    marked = [text.text for text in root.iter(f"{SVG}text") if "(your plan)" in (text.text or "")]
    assert len(marked) == 1


# ----------------------------------------------------------------------------- the phone's drawing

def test_the_narrow_drawings_fit_a_phone_column_with_larger_text():
    # A phone column is about 300 CSS px: 14 units × 300 ÷ 340 = 12.35 px, above the 12 px floor.
    from generator.charts import NARROW
    projection, rows = _projection()
    for svg in (projection_chart(projection, rows, layout=NARROW), cadence_chart(EARNINGS, "quarterly", layout=NARROW)):
        root = ET.fromstring(svg)
        assert root.get("width") == "340" and root.get("font-size") == "14"
        assert all(t.get("font-size") in (None, "14") for t in root.iter(f"{SVG}text"))
    cadence = ET.fromstring(cadence_chart(EARNINGS, "quarterly", layout=NARROW))
    # bars from x 8 to 250 at most: 242 × 1,560 ÷ 1,560 for the longest
    assert max(D(bar.get("width")) for bar in list(cadence.iter(f"{SVG}rect"))[1:]) == D("242.00")
    assert "Quarterly (your plan)" in [t.text for t in cadence.iter(f"{SVG}text")]
