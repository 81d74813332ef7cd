"""Static SVG charts for the guides: the growth projection and the conversion-cadence comparison.

Hand-written SVG rather than a plotting library: the charts are two simple shapes, the output
must be byte-for-byte the same for the same input (ARCHITECTURE.md, decision 7), and the
engine has no float. Coordinates are Decimal, written to two decimal places; text uses the
system font stack so nothing is downloaded; every chart has a <title> and a <desc> (the same
words as its alt text) and a white background that stays legible under a dark theme.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html import escape

from .formatting import dollars, pct
from .money import ZERO, cents
from .rules.mega_backdoor import CADENCE_SHORT, CADENCES
from .rules.projection import TIMING_WORDS, ProjectionYear

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# Okabe-Ito colors: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREY, INK, GRID = "#0072B2", "#D55E00", "#7A7A7A", "#222222", "#DDDDDD"
COORD = Decimal("0.01")


# ----------------------------------------------------------------------------- formatting

def _n(value: Decimal | int) -> str:
    """A drawing coordinate to two places (a position on the page, not money)."""
    return str(Decimal(value).quantize(COORD, rounding=ROUND_HALF_UP))


def _dollars_cents(amount: Decimal) -> str:
    return "$" + format(cents(amount), ",.2f")


def _compact_dollars(amount: Decimal) -> str:
    """Axis labels: $0, $500, $250k, $1.5M (tick values are round, so no rounding is needed)."""
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1000), "k")):
        if amount >= size:
            return "$" + format((amount / size).normalize(), "f") + suffix
    return "$" + format(amount.normalize(), "f")


def _nice_step(top: Decimal, ticks: int) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × a power of ten that covers `top` in about `ticks` steps."""
    raw = top / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - 10 × magnitude always covers raw


def _axis(top: Decimal, ticks: int) -> tuple[Decimal, list[Decimal]]:
    """The axis maximum (a whole number of nice steps) and its tick values from zero."""
    if top <= ZERO:
        return Decimal(1), [ZERO, Decimal(1)]
    step = _nice_step(top, ticks)
    count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
    return step * count, [step * i for i in range(count + 1)]


def _year_ticks(years: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if years <= 10 * s)
    return list(range(0, years + 1, step))


@dataclass(frozen=True)
class Layout:
    """Where a chart's parts go. WIDE is shown at its own size on a wide screen (12 px text); NARROW
    is drawn for a phone's column (about 300 px), so its 14-unit text still shows at 12 CSS px or more."""

    width: int
    font_size: int
    left: Decimal          # projection: the plot's edges
    right: Decimal
    top: Decimal
    bottom: Decimal
    legend_above: bool     # projection: legend above the plot (narrow) or inside it, top left
    bar_left: Decimal      # cadence: where the bars start and the longest ends
    bar_right: Decimal
    labels_above: bool     # cadence: each label above its bar (narrow) or to its left


WIDE = Layout(640, 12, Decimal(72), Decimal(620), Decimal(56), Decimal(306), False, Decimal(170), Decimal(480), False)
NARROW = Layout(340, 14, Decimal(56), Decimal(325), Decimal(84), Decimal(264), True, Decimal(8), Decimal(250), True)


def _svg(width: int, height: int, kind: str, title: str, desc: str, body: list[str], font_size: int = 12) -> str:
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{kind}-title {kind}-desc" '
        f'font-family="{escape(FONT)}" font-size="{font_size}" fill="{INK}">',
        f'<title id="{kind}-title">{escape(title)}</title>',
        f'<desc id="{kind}-desc">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
    ]
    return "\n".join(head + body + ["</svg>"]) + "\n"


def _text(x: Decimal | int, y: Decimal | int, words: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'


# ----------------------------------------------------------------------------- projection

PROJ_W, PROJ_H = WIDE.width, 360
LEFT, RIGHT, TOP, BOTTOM = WIDE.left, WIDE.right, WIDE.top, WIDE.bottom


def projection_alt(projection: Mapping) -> str:
    """One sentence with the chart's message, for <desc> and for the image's alt text."""
    return (
        f"Line chart: {dollars(projection['annual_contribution'])} a year, added "
        f"{TIMING_WORDS[projection['timing']]} for {projection['years']} years at an assumed "
        f"{pct(projection['annual_return_pct'])} a year, grows to "
        f"{dollars(projection['roth_value'])} in a Roth account and to "
        f"{dollars(projection['taxable_account_value'])} in a taxable account that loses "
        f"{pct(projection['tax_drag_pct'])} a year to tax; "
        f"{dollars(projection['contributed'])} is the money put in."
    )


def _polyline(points: Sequence[tuple[Decimal, Decimal]], colour: str, extra: str = "") -> str:
    joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    return f'<polyline points="{joined}" fill="none" stroke="{colour}" stroke-width="2.5"{extra}/>'


def projection_chart(projection: Mapping, rows: Sequence[ProjectionYear],
                     title: str = "How your after-tax money could grow", layout: Layout = WIDE) -> str:
    """The projection as SVG text: Roth, taxable account and money put in, year by year.

    `projection` is the value of rules.projection.growth_projection and `rows` the matching
    projection_by_year; year 0 is the empty account.
    """
    years = len(rows)
    values = [value for r in rows for value in (r.contributed, r.roth_value, r.taxable_account_value)]
    top, y_ticks = _axis(max(values + [ZERO]), 5)
    LEFT, RIGHT, TOP, BOTTOM = layout.left, layout.right, layout.top, layout.bottom  # noqa: N806

    def x(year: int) -> Decimal:
        return LEFT + (RIGHT - LEFT) * year / max(years, 1)

    def y(value: Decimal) -> Decimal:
        return BOTTOM - (BOTTOM - TOP) * value / top

    body = []
    for tick in y_ticks:
        body.append(f'<line x1="{_n(LEFT)}" y1="{_n(y(tick))}" x2="{_n(RIGHT)}" y2="{_n(y(tick))}" stroke="{GRID}"/>')
        body.append(_text(LEFT - 8, y(tick) + 4, _compact_dollars(tick), "end"))
    for year in _year_ticks(years):
        body.append(f'<line x1="{_n(x(year))}" y1="{_n(BOTTOM)}" x2="{_n(x(year))}" y2="{_n(BOTTOM + 5)}" '
                    f'stroke="{INK}"/>')
        body.append(_text(x(year), BOTTOM + 19, str(year), "middle"))
    body.append(f'<line x1="{_n(LEFT)}" y1="{_n(BOTTOM)}" x2="{_n(RIGHT)}" y2="{_n(BOTTOM)}" stroke="{INK}"/>')
    body.append(_text((LEFT + RIGHT) / 2, BOTTOM + 40, "Years from now", "middle"))

    start = [(x(0), y(ZERO))]
    series = (
        ("Money put in", GREY, [r.contributed for r in rows], ' stroke-dasharray="6 4"'),
        (f"Taxable account ({pct(projection['tax_drag_pct'])} a year tax drag)", ORANGE,
         [r.taxable_account_value for r in rows], ""),
        ("Roth (tax-free growth)", BLUE, [r.roth_value for r in rows], ""),
    )
    for index, (label, colour, values, extra) in enumerate(series):
        body.append(_polyline(start + [(x(i + 1), y(v)) for i, v in enumerate(values)], colour, extra))
        # The legend sits top left inside the plot, where growing lines never reach; on a phone, above it.
        legend_x, legend_top = (Decimal(8), Decimal(14)) if layout.legend_above else (LEFT + 12, TOP + 12)
        legend_y = legend_top + 20 * (len(series) - 1 - index)
        body.append(f'<line x1="{_n(legend_x)}" y1="{_n(legend_y)}" x2="{_n(legend_x + 22)}" y2="{_n(legend_y)}" '
                    f'stroke="{colour}" stroke-width="2.5"{extra}/>')
        body.append(_text(legend_x + 28, legend_y + 4, label))
    if not layout.legend_above:  # a phone's chart has no room; the words around it say the same
        assumption = (f"Assumes {pct(projection['annual_return_pct'])} a year, "
                      f"money added {TIMING_WORDS[projection['timing']]}")
        body.append(_text(LEFT, 30, assumption, "start", ' font-size="13"'))
    return _svg(layout.width, int(BOTTOM) + 54, "projection", title, projection_alt(projection), body,
                layout.font_size)


# ----------------------------------------------------------------------------- cadence

BAR_LEFT, BAR_RIGHT, ROW_H, BAR_H, CAD_W = WIDE.bar_left, WIDE.bar_right, 34, 20, WIDE.width


def cadence_alt(earnings: Mapping[str, Decimal], recommended: str | None) -> str:
    """One sentence per chart for <desc> and alt text: each cadence and its taxable earnings."""
    parts = [f"{CADENCE_SHORT[c]} {_dollars_cents(earnings[c])}" for c in CADENCES if c in earnings]
    text = "Bar chart of the taxable earnings the year's after-tax contributions make before conversion: "
    text += "; ".join(parts) + "."
    if recommended:
        text += f" Your plan allows: {CADENCE_SHORT[recommended]}."
    return text


def cadence_chart(earnings: Mapping[str, Decimal], recommended: str | None,
                  title: str = "Taxable earnings by how often you convert", layout: Layout = WIDE) -> str:
    """The conversion-cadence comparison as SVG text: one bar per cadence, the plan's highlighted.

    `earnings` is the value of rules.mega_backdoor.conversion_taxable_earnings.
    """
    cadences = [c for c in CADENCES if c in earnings]
    top = max([earnings[c] for c in cadences] + [ZERO]) or Decimal(1)
    bar_left, bar_right, above = layout.bar_left, layout.bar_right, layout.labels_above
    row_h = ROW_H + (18 if above else 0)  # a phone's label sits on its own line above the bar
    height = 24 + row_h * len(cadences) + 10
    body = []
    for row, cadence in enumerate(cadences):
        chosen = cadence == recommended
        y = 24 + row_h * row + (18 if above else 0)
        width = (bar_right - bar_left) * earnings[cadence] / top
        weight = ' font-weight="bold"' if chosen else ""
        label = CADENCE_SHORT[cadence].capitalize() + (" (your plan)" if chosen and above else "")
        if above:
            body.append(_text(bar_left + 4, y - 5, label, "start", weight))
        else:
            body.append(_text(bar_left - 10, y + 14, label, "end", weight))
        body.append(f'<rect x="{_n(bar_left)}" y="{y}" width="{_n(width)}" height="{BAR_H}" '
                    f'fill="{BLUE if chosen else GREY}"/>')
        value = _dollars_cents(earnings[cadence]) + (" (your plan)" if chosen and not above else "")
        body.append(_text(bar_left + width + 6, y + 14, value, "start", weight))
    body.append(f'<line x1="{_n(bar_left)}" y1="18" x2="{_n(bar_left)}" y2="{height - 6}" stroke="{INK}"/>')
    heading = "Taxable earnings in one year" if above else \
        "Taxable earnings for one year of after-tax contributions"
    body.append(_text(bar_left + (4 if above else 0), 12, heading, "start"))
    return _svg(layout.width, height, "cadence", title, cadence_alt(earnings, recommended), body, layout.font_size)
