"""The documents package (server-drawn SVG maps and charts, HTML to PDF) and ISO weeks."""

import re
from datetime import date

import pytest

from trygg.areas.geo import to_sweref
from trygg.documents import area_map_svg, bar_chart_svg, heatmap_svg, html_to_pdf
from trygg.picture.weeks import Week

SQUARE = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[16.60, 59.91], [16.62, 59.91], [16.62, 59.92], [16.60, 59.92], [16.60, 59.91]]
        ],
    },
    "properties": {"label": "Centrum <&>", "fill": "#cf222e"},
}


def test_it_draws_areas_points_and_cells_inside_the_map():
    x, y = to_sweref(16.61, 59.915)
    svg = area_map_svg(
        [SQUARE],
        points=[(16.61, 59.915)],
        cells=[{"x": x, "y": y, "color": "#7a0177", "size": 100}],
        width=400,
        height=300,
    )
    assert svg.startswith("<svg") and 'width="400"' in svg
    assert "Centrum &lt;&amp;&gt;" in svg and "<&>" not in svg
    assert 'fill="#cf222e"' in svg and 'fill="#7a0177"' in svg
    cx, cy = (float(v) for v in re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert 150 < cx < 250 and 100 < cy < 200  # the point in the middle of the square


def test_it_zooms_to_an_extent():
    x, y = to_sweref(16.61, 59.915)
    svg = area_map_svg([SQUARE], points=[(16.61, 59.915)], extent=(x - 50, y - 50, x + 50, y + 50))
    assert " km</text>" not in svg and " m</text>" in svg  # the scale bar is in metres


def test_it_draws_bars_and_a_heat_map_with_their_numbers():
    bars = bar_chart_svg([3, 0, 7], ["SKA", "SAM", "ORD"])
    assert bars.count("<rect") == 3 and ">7</text>" in bars and ">ORD</text>" in bars
    with pytest.raises(ValueError):
        bar_chart_svg([1, 2], ["only one"])
    heat = heatmap_svg([[0, 2], [5, 1]], ["Mon", "Tue"], ["0", "1"])
    assert ">5</text>" in heat and ">Tue</text>" in heat and heat.count("<rect") == 4


def test_it_makes_a_pdf_from_html_with_svg():
    pdf = html_to_pdf(f"<h1>Lägesbild</h1>{bar_chart_svg([1], ['a'])}")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_it_parses_iso_weeks():
    week = Week.parse("2026-W47")
    assert (week.monday, week.sunday) == (date(2026, 11, 16), date(2026, 11, 22))
    assert str(week.shifted(-47)) == "2025-W52" and str(week.shifted(7)) == "2027-W01"
    assert str(Week.parse("2026-W53").same_week_last_year()) == "2025-W52"
    dst = Week.parse("2026-W13")  # summer time starts on Sunday 29 March: local weeks
    hours = (dst.end().timestamp() - dst.start().timestamp()) / 3600
    assert hours == 167
    for bad in ("2026-W54", "2025-W53", "2026W47", "2026-W4"):
        with pytest.raises(ValueError):
            Week.parse(bad)
