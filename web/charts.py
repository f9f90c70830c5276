"""Server-rendered SVG charts: the geometry and the drawing are made here, the words in
the template (web/templates/_macros/chart.html).

No JavaScript charting library: the chart must show with JavaScript off, print, and
scale with its viewBox. This module turns numbers into coordinates, a few summary
figures and the SVG markup; the sentences the reader sees (the drawing's title and
description, the legend, the data table) are written in the template, so they are
translated with the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from markupsafe import Markup, escape

__all__ = [
    "COMPACT",
    "WIDE",
    "BarChart",
    "ChartLayout",
    "MonthPoint",
    "UsageSummary",
    "build_month_chart",
    "month_charts",
    "month_points",
    "months_back",
    "nice_step",
    "summarise",
    "svg_drawing",
]

# Short month names under the bars; the full names come from web.rendering.MONTHS_PL.
MONTH_ABBREVIATIONS_PL = (
    "sty",
    "lut",
    "mar",
    "kwi",
    "maj",
    "cze",
    "lip",
    "sie",
    "wrz",
    "paź",
    "lis",
    "gru",
)


# The points, bars, ticks and labels are named tuples: a dashboard makes a hundred and
# fifty of them, and a frozen dataclass costs several times a tuple to make.


class MonthPoint(NamedTuple):
    """One month of consumption; `volume` is None when the month has no data."""

    month: date
    volume: Decimal | None
    estimated: bool = False


@dataclass(frozen=True)
class ChartLayout:
    """The drawing's own coordinate system (its viewBox) and how dense its labels are."""

    width: int
    height: int
    left: int = 44  # room for the value axis' numbers
    right: int = 8
    top: int = 24  # room for the unit above the axis
    bottom: int = 46  # month and year labels
    label_every: int = 1  # a month label under every n-th bar
    font_size: int = 13


WIDE = ChartLayout(width=720, height=300)
# A narrow screen gets its own drawing rather than a shrunken wide one, so that its
# labels stay readable at 320 CSS px: fewer month labels, larger type per pixel.
COMPACT = ChartLayout(width=340, height=260, left=34, right=14, label_every=3, font_size=12)


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    point: MonthPoint


class Tick(NamedTuple):
    y: float
    value: Decimal


class AxisLabel(NamedTuple):
    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    layout: ChartLayout
    bars: list[Bar]
    ticks: list[Tick]
    month_labels: list[AxisLabel]
    year_labels: list[AxisLabel]

    @property
    def baseline(self) -> float:
        return float(self.layout.height - self.layout.bottom)

    @property
    def plot_left(self) -> float:
        return float(self.layout.left)

    @property
    def plot_right(self) -> float:
        return float(self.layout.width - self.layout.right)


@dataclass(frozen=True)
class UsageSummary:
    """The figures a text summary of the chart needs (the words are the template's)."""

    first: date
    last: date
    months: int
    months_with_data: int
    total: Decimal
    average: Decimal | None
    highest: MonthPoint | None
    lowest: MonthPoint | None
    estimated: list[MonthPoint]


# --- the months ------------------------------------------------------------------------


def months_back(today: date, count: int) -> tuple[date, date]:
    """The `count` full months before today's month: (first day, last day).

    On 21.11.2026 with 24: (01.11.2024, 31.10.2026). The current month is left out
    because it has no readings yet.
    """
    first_of_this_month = today.replace(day=1)
    index = first_of_this_month.year * 12 + first_of_this_month.month - 1 - count
    start = date(index // 12, index % 12 + 1, 1)
    end = date.fromordinal(first_of_this_month.toordinal() - 1)
    return start, end


def _month_starts(start: date, end: date) -> list[date]:
    months = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_points(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> list[MonthPoint]:
    """Every month from start to end, filled from the API's ConsumptionPoint rows.

    A month the API does not report stays in the frame with no volume, so that a gap
    shows as a gap and the bars never shift onto the wrong month label.
    """
    by_month: dict[date, Mapping[str, Any]] = {}
    for row in rows:
        month = row["month"]
        key = month if isinstance(month, date) else date.fromisoformat(str(month)[:10])
        by_month[key.replace(day=1)] = row
    points = []
    for month in _month_starts(start, end):
        row = by_month.get(month)
        if row is None:
            points.append(MonthPoint(month, None))
        else:
            points.append(MonthPoint(month, Decimal(str(row["volume"])), bool(row["estimated"])))
    return points


# --- the summary -----------------------------------------------------------------------


def summarise(points: Sequence[MonthPoint]) -> UsageSummary:
    with_data = [p for p in points if p.volume is not None]
    total = sum((p.volume for p in with_data if p.volume is not None), Decimal("0"))
    average = (total / len(with_data)).quantize(Decimal("0.001")) if with_data else None
    by_volume = sorted(with_data, key=lambda p: (p.volume, p.month))
    return UsageSummary(
        first=points[0].month,
        last=points[-1].month,
        months=len(points),
        months_with_data=len(with_data),
        total=total,
        average=average,
        highest=by_volume[-1] if by_volume else None,
        lowest=by_volume[0] if by_volume else None,
        estimated=[p for p in points if p.estimated],
    )


# --- the geometry ----------------------------------------------------------------------


def nice_step(maximum: Decimal, max_ticks: int = 5) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most max_ticks."""
    if maximum <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (maximum.adjusted() - 1)
    while True:
        for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
            step = factor * magnitude
            if maximum / step <= max_ticks:
                return step.normalize()
        magnitude *= 10


class _Axis(NamedTuple):
    """The value axis, which depends on the data only: both drawings of a chart share it.

    `fractions` is each point's height as a share of the axis (None for a month without
    data), `tick_fractions` each tick's, so that a layout only scales them."""

    top_value: Decimal
    ticks: list[tuple[Decimal, float]]
    fractions: list[float | None]


def _axis_top(points: Sequence[MonthPoint]) -> tuple[Decimal, Decimal]:
    """The value at the top of the axis and the tick step, both round numbers."""
    highest = max((p.volume for p in points if p.volume is not None), default=Decimal(0))
    step = nice_step(highest)
    ticks = max(1, math.ceil(highest / step))  # the tallest bar stays inside the axis
    return step * ticks, step


def _axis(points: Sequence[MonthPoint]) -> _Axis:
    top_value, step = _axis_top(points)
    ticks = []
    value = Decimal(0)
    while value <= top_value:
        ticks.append((value, float(value / top_value)))
        value += step
    fractions = [None if p.volume is None else float(p.volume / top_value) for p in points]
    return _Axis(top_value, ticks, fractions)


def build_month_chart(
    points: Sequence[MonthPoint], layout: ChartLayout = WIDE, axis: _Axis | None = None
) -> BarChart:
    """Bars, ticks and labels for one bar per month, in `layout`'s coordinates
    (`axis`: the points' value axis, when the caller has it already)."""
    if axis is None:
        axis = _axis(points)
    plot_height = layout.height - layout.top - layout.bottom
    plot_width = layout.width - layout.left - layout.right
    slot = plot_width / max(1, len(points))
    bar_width = slot * 0.68
    baseline = layout.height - layout.bottom
    offset = (slot - bar_width) / 2

    bars = []
    for index, (point, fraction) in enumerate(zip(points, axis.fractions, strict=True)):
        if fraction is None:
            continue
        y = baseline - fraction * plot_height
        bars.append(Bar(layout.left + index * slot + offset, y, bar_width, baseline - y, point))
    ticks = [Tick(baseline - fraction * plot_height, value) for value, fraction in axis.ticks]
    return BarChart(
        layout, bars, ticks, _month_labels(points, layout, slot), _year_labels(points, layout, slot)
    )


def _month_labels(
    points: Sequence[MonthPoint], layout: ChartLayout, slot: float
) -> list[AxisLabel]:
    # Sparse labels fall on calendar quarters (sty, kwi, lip, paź), whatever the first month.
    return [
        AxisLabel(layout.left + (i + 0.5) * slot, MONTH_ABBREVIATIONS_PL[p.month.month - 1])
        for i, p in enumerate(points)
        if (p.month.month - 1) % layout.label_every == 0
    ]


def _year_labels(points: Sequence[MonthPoint], layout: ChartLayout, slot: float) -> list[AxisLabel]:
    """The year under every January, and under the first bar unless a January is so
    close that the two numbers would overlap."""
    labels = [
        AxisLabel(layout.left + (i + 0.5) * slot, str(p.month.year))
        for i, p in enumerate(points)
        if p.month.month == 1
    ]
    first_x = layout.left + 0.5 * slot
    min_gap = layout.font_size * 3
    if points and points[0].month.month != 1 and (not labels or labels[0].x - first_x >= min_gap):
        labels.insert(0, AxisLabel(first_x, str(points[0].month.year)))
    return labels


def month_charts(points: Sequence[MonthPoint]) -> dict[str, BarChart]:
    """The wide drawing and the one for narrow screens (CSS shows one of them)."""
    axis = _axis(points)
    return {
        "wide": build_month_chart(points, WIDE, axis),
        "compact": build_month_chart(points, COMPACT, axis),
    }


# --- the drawing -------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}"


def svg_drawing(chart: BarChart, id: str, variant: str, title: str, desc: str) -> Markup:
    """The chart's <svg> element. Written here rather than in a Jinja macro because a
    drawing has hundreds of coordinates and each template expression costs as much as
    the whole string formatting; the words (`title`, `desc`) still come from the template,
    and the month names are the ones above. Coordinates have one decimal place."""
    layout = chart.layout
    font_size = layout.font_size
    eid = escape(id)  # once: it is in every estimated bar's fill
    left, right, baseline = _n(chart.plot_left), _n(chart.plot_right), _n(chart.baseline)
    label_x = _n(chart.plot_left - 6)
    parts = [
        f'<svg class="chart usage-chart usage-chart--{escape(variant)}"'
        f' viewBox="0 0 {layout.width} {layout.height}" role="img"'
        f' aria-labelledby="{eid}-title" aria-describedby="{eid}-desc"'
        f' focusable="false" font-size="{font_size}">'
        f'<title id="{eid}-title">{escape(title)}</title>'
        f'<desc id="{eid}-desc">{escape(desc)}</desc>'
        f'<defs><pattern id="{eid}-hatch" width="6" height="6"'
        ' patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect class="usage-chart__hatch-ground" width="6" height="6"/>'
        '<line class="usage-chart__hatch" x1="1.5" y1="0" x2="1.5" y2="6"/>'
        '</pattern></defs><g class="usage-chart__grid">'
    ]
    # What is the same for every tick, bar or label of the drawing is made once.
    grid = f'<line class="chart-grid" x1="{left}" x2="{right}" y1="'
    tick_text = f'<text class="chart-label usage-chart__tick" x="{label_x}" y="'
    text_shift = font_size * 0.35
    for tick in chart.ticks:
        y = tick.y
        parts.append(
            f'{grid}{y:.1f}" y2="{y:.1f}"/>{tick_text}{y + text_shift:.1f}" text-anchor="end">'
            f"{str(tick.value).replace('.', ',')}</text>"
        )
    parts.append(
        f'<text class="chart-label usage-chart__unit" x="{label_x}" y="{_n(layout.top - 10)}"'
        ' text-anchor="end">m³</text></g><g class="usage-chart__bars">'
    )
    read = '<rect class="usage-chart__bar usage-chart__bar--read" x="', "/>"
    estimated = (
        '<rect class="usage-chart__bar usage-chart__bar--estimated" x="',
        f' fill="url(#{eid}-hatch)"/>',
    )
    for bar in chart.bars:
        start, end = estimated if bar.point.estimated else read
        parts.append(
            f'{start}{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}"'
            f' height="{bar.height:.1f}"{end}'
        )
    parts.append(
        f'</g><line class="chart-axis" x1="{left}" x2="{right}" y1="{baseline}"'
        f' y2="{baseline}"/><g class="usage-chart__months">'
    )
    month_y = _n(chart.baseline + font_size + 4)
    for label in chart.month_labels:
        parts.append(
            f'<text class="chart-label" x="{label.x:.1f}" y="{month_y}"'
            f' text-anchor="middle">{escape(label.text)}</text>'
        )
    year_y = _n(chart.baseline + 2 * font_size + 10)
    for label in chart.year_labels:
        parts.append(
            f'<text class="chart-label usage-chart__year" x="{label.x:.1f}" y="{year_y}"'
            f' text-anchor="middle">{escape(label.text)}</text>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))
