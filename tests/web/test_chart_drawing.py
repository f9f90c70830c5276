"""The consumption chart's SVG: well-formed, labelled for screen readers, estimated
months hatched, and the words from the page escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from web.charts import COMPACT, WIDE, MonthPoint, build_month_chart, svg_drawing

SVG = "{http://www.w3.org/2000/svg}"

POINTS = [
    MonthPoint(date(2025, 11, 1), Decimal("4.2")),
    MonthPoint(date(2025, 12, 1), None),
    MonthPoint(date(2026, 1, 1), Decimal("6.0"), estimated=True),
    MonthPoint(date(2026, 2, 1), Decimal("5.5")),
]


def _parse(markup: str) -> ET.Element:
    # The page embeds the drawing in HTML; as XML it must still be well-formed.
    return ET.fromstring(str(markup).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def test_the_drawing_is_labelled_and_hatches_only_estimated_months() -> None:
    chart = build_month_chart(POINTS, WIDE)
    root = _parse(svg_drawing(chart, "zuzycie", "wide", "Zużycie wody", "Opis"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "zuzycie-title"
    assert root.find(f"{SVG}title").text == "Zużycie wody"
    assert root.find(f"{SVG}desc").text == "Opis"
    bars = root.findall(f".//{SVG}g[@class='usage-chart__bars']/{SVG}rect")
    assert len(bars) == 3  # the month without data has no bar
    hatched = [b for b in bars if b.get("fill") == "url(#zuzycie-hatch)"]
    assert len(hatched) == 1 and "usage-chart__bar--estimated" in hatched[0].get("class")
    # Taller consumption, taller bar.
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] > heights[2] > heights[0] > 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "m³" in texts and "sty" in texts and "2026" in texts


def test_words_from_the_page_are_escaped() -> None:
    chart = build_month_chart(POINTS, COMPACT)
    markup = svg_drawing(chart, "c", "compact", "<script>x</script>", 'a "b" & c')
    assert "<script>" not in markup
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == "<script>x</script>"
    assert root.find(f"{SVG}desc").text == 'a "b" & c'


def test_both_drawings_share_one_value_axis_and_match_a_chart_drawn_alone() -> None:
    from web.charts import month_charts

    charts = month_charts(POINTS)
    assert charts["wide"] == build_month_chart(POINTS, WIDE)
    assert charts["compact"] == build_month_chart(POINTS, COMPACT)
    assert [t.value for t in charts["wide"].ticks] == [t.value for t in charts["compact"].ticks]


def test_the_drawing_writes_every_coordinate_with_one_decimal_place() -> None:
    chart = build_month_chart(POINTS, WIDE)
    markup = str(svg_drawing(chart, "z", "wide", "t", "d"))
    bar = chart.bars[1]  # the estimated January
    assert (
        f'<rect class="usage-chart__bar usage-chart__bar--estimated" x="{bar.x:.1f}"'
        f' y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}"'
        ' fill="url(#z-hatch)"/>'
    ) in markup
    tick = chart.ticks[-1]
    assert f'y1="{tick.y:.1f}" y2="{tick.y:.1f}"/>' in markup
    assert f'text-anchor="end">{str(tick.value).replace(".", ",")}</text>' in markup


def test_a_hostile_id_and_variant_are_escaped_everywhere_they_appear() -> None:
    chart = build_month_chart(POINTS, WIDE)
    markup = str(svg_drawing(chart, '"><script>x</script>', "w'<i>", "t", "d"))
    assert "<script>" not in markup and "<i>" not in markup
    root = _parse(markup)
    assert root.get("aria-labelledby") == '"><script>x</script>-title'
    hatched = root.findall(f".//{SVG}rect[@fill]")
    assert {r.get("fill") for r in hatched} == {'url(#"><script>x</script>-hatch)'}
