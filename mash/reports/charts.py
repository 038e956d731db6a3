"""Charts for the reports as inline SVG, drawn on the server (no JavaScript, prints to PDF).

Two shapes: a horizontal bar chart (one bar a row) and a stacked bar (one bar a row, split
into parts, e.g. a clock's on time / late / overdue / not yet due). Every chart is an image
with a name (`role="img"`, `aria-labelledby` its `<title>` and `<desc>`), and never says
anything by colour alone: each row is labelled in words with its figures, and the parts of a
stacked bar differ by pattern as well as colour, named in a legend. The page puts the GOV.UK
table of the same figures next to each chart, so the table is what a screen reader reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
BAR_AREA = 440  # the longest bar; the rest of the row is for its figure
ROW = 44  # a label line above a bar
BAR_HEIGHT = 18
FONT = 'font-family="Arial, Helvetica, sans-serif" font-size="14"'


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar: its name (in the legend and the row's words), colour and
    pattern ("solid", "hatch", "cross" or "dots")."""

    name: str
    colour: str
    pattern: str = "solid"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _length(value: float, largest: float) -> float:
    """A bar's length in pixels: proportional to its value, the largest filling the area."""
    if largest <= 0 or value <= 0:
        return 0.0
    return round(BAR_AREA * value / largest, 2)


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mash-chart" id="{cid}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def bar_chart(
    *, chart_id: str, title: str, bars: Sequence[tuple[str, float]], unit: str = ""
) -> Markup:
    """A horizontal bar chart: each row's label above its bar, its figure after it.

    `bars` are (label, value); `unit` follows each figure ("%" for shares, "" for counts).
    """
    largest = max((value for _, value in bars), default=0)
    desc = "; ".join(f"{label}: {_number(value)}{unit}" for label, value in bars) or "No data"
    height = max(ROW * len(bars), ROW) + 8
    parts = _open(chart_id, title, desc, height)
    if not bars:
        parts.append(f'<text x="0" y="24" {FONT} fill="#0b0c0c">No data for this period</text>')
    for row, (label, value) in enumerate(bars):
        top = row * ROW
        length = _length(value, largest)
        parts += [
            f'<text x="0" y="{top + 16}" {FONT} fill="#0b0c0c">{escape(label)}</text>',
            f'<rect class="mash-chart__bar" x="0" y="{top + 22}" width="{length}" '
            f'height="{BAR_HEIGHT}" fill="#1d70b8" data-value="{value}"/>',
            f'<text class="mash-chart__value" x="{length + 6}" y="{top + 36}" {FONT} '
            f'font-weight="bold" fill="#0b0c0c">{_number(value)}{escape(unit)}</text>',
        ]
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - each text and attribute escaped  # nosec B704


def _patterns(chart_id: str, series: Sequence[Series]) -> list[str]:
    """The fills: each series its colour, overlaid with its pattern in white."""
    drawn = {
        "solid": "",
        "hatch": '<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>',
        "cross": '<path d="M0,8 L8,0 M0,0 L8,8" stroke="#ffffff" stroke-width="1.5"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    }
    out = ["<defs>"]
    for n, s in enumerate(series):
        if s.pattern == "solid":
            continue
        out.append(
            f'<pattern id="{escape(chart_id)}-p{n}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{escape(s.colour)}"/>'
            f"{drawn[s.pattern]}</pattern>"
        )
    out.append("</defs>")
    return out


def _fill(chart_id: str, n: int, s: Series) -> str:
    """A solid series is its colour; the others their pattern (tiles show seams in print)."""
    return str(escape(s.colour)) if s.pattern == "solid" else f"url(#{escape(chart_id)}-p{n})"


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[int]]],
) -> Markup:
    """A stacked horizontal bar a row, all on one scale (the longest total fills the area).

    `rows` are (label, one count per series). Under each bar its figures are written out
    ("3 on time, 1 met late, …"), so no part is known only by its colour or pattern.
    """
    largest = max((sum(counts) for _, counts in rows), default=0)
    legend_height = 28
    row_height = ROW + 20
    height = legend_height + max(row_height * len(rows), ROW) + 8

    def words(counts: Sequence[int]) -> str:
        return ", ".join(
            f"{_number(c)} {s.name.lower()}" for s, c in zip(series, counts, strict=True)
        )

    desc = "; ".join(f"{label}: {words(counts)}" for label, counts in rows) or "No data"
    parts = _open(chart_id, title, desc, height)
    parts += _patterns(chart_id, series)
    x = 0
    for n, s in enumerate(series):  # the legend: a swatch and the words
        parts += [
            f'<rect class="mash-chart__key" x="{x}" y="4" width="16" height="16" '
            f'fill="{_fill(chart_id, n, s)}" stroke="#0b0c0c" stroke-width="1"/>',
            f'<text x="{x + 22}" y="17" {FONT} fill="#0b0c0c">{escape(s.name)}</text>',
        ]
        x += 30 + 8 * len(s.name)
    if not rows:
        parts.append(
            f'<text x="0" y="{legend_height + 20}" {FONT} fill="#0b0c0c">'
            "No data for this period</text>"
        )
    for row, (label, counts) in enumerate(rows):
        top = legend_height + row * row_height
        parts.append(f'<text x="0" y="{top + 16}" {FONT} fill="#0b0c0c">{escape(label)}</text>')
        left = 0.0
        for n, count in enumerate(counts):
            length = _length(count, largest)
            if length:
                parts.append(
                    f'<rect class="mash-chart__part" x="{round(left, 2)}" y="{top + 22}" '
                    f'width="{length}" height="{BAR_HEIGHT}" '
                    f'fill="{_fill(chart_id, n, series[n])}" '
                    f'data-series="{escape(series[n].name)}" data-value="{count}"/>'
                )
            left += length
        parts.append(
            f'<text class="mash-chart__value" x="0" y="{top + 56}" {FONT} fill="#0b0c0c">'
            f"{escape(words(counts))}</text>"
        )
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - each text and attribute escaped  # nosec B704
