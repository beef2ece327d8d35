"""No count under 5 leaks through any public page or export, neither in its cell nor
through a total that would let one subtract it."""

import csv
import io
import itertools
import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg import disclosure
from trygg.areas.models import Area
from trygg.citizens.stats import report_periods
from trygg.imports.models import ImportBatch
from trygg.police.models import PoliceCrime
from trygg.reports.models import Source

from .test_review import make_event

# Events per area in last year: four small cells and two that may be shown.
SMALL = (1, 2, 3, 4)
SHOWN = (7, 11)
PUBLIC_PAGES = ["public_home", "public_promises", "public_statistics"]
FILES = ["public_statistics_csv", "public_statistics_geojson"]


@pytest.fixture
def seeded(sala: Any, personas: dict[str, Any]) -> dict[str, Any]:
    areas = list(Area.objects.filter(municipality=sala, kind="deso").order_by("code"))
    last_year = timezone.localdate().year - 1
    # In the last complete quarter (and in the police's last whole year).
    last_quarter = report_periods(timezone.localdate())[-1]
    at = datetime.combine(last_quarter.first, time(12), tzinfo=ZoneInfo("Europe/Stockholm"))
    batch = ImportBatch.objects.create(
        municipality=sala, source="police-crimes", file_name="x.csv", status="imported"
    )
    counts = dict(zip(areas, SMALL + SHOWN, strict=False))
    for area, n in counts.items():
        for i in range(n):
            make_event(sala, at=at + timedelta(hours=i), where=(area.label_lat, area.label_lon))
        PoliceCrime.objects.create(
            municipality=sala, key=f"k{area.pk}", batch=batch, area=area, deso_code=area.code,
            crime_code="9301", registered=date(last_year, 3, 1), count=n,
        )  # fmt: skip
    # A citizen's tip not yet reviewed does not count; it would turn a 4 into a 5.
    small_area = areas[3]
    make_event(sala, at=at, where=(small_area.label_lat, small_area.label_lon),
               source=Source.CITIZEN)  # fmt: skip
    return {"counts": counts, "year": str(last_year), "quarter": last_quarter.label}


def numbers(text: str) -> set[int]:
    """The whole numbers in a text, leaving out the map legend's class bounds (10–19…)."""
    text = re.sub(r'<ul class="legend".*?</ul>', "", text, flags=re.DOTALL)
    return {int(n) for n in re.findall(r"(?<![\w.,:-])\d+(?![\w.,:-])", text)}


def forbidden() -> set[int]:
    """The small counts, and every total of shown and hidden cells that would reveal them."""
    everything = sum(SMALL) + sum(SHOWN)
    return {everything, sum(SMALL), everything - SHOWN[0], everything - SHOWN[1]}


def test_the_table_shows_small_counts_as_fewer_than_5(client, seeded):
    page = client.get(reverse("public_statistics", args=["1981"])).content.decode()
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', page)
    assert cells, "the statistics table is empty"
    values = {c.strip() for c in cells}
    assert values <= {"färre än 5", "7", "11"}, values
    assert "7" in values and "11" in values
    assert page.count("färre än 5") >= 4


def test_no_public_page_or_file_reveals_a_small_count_or_a_total(client, seeded):
    for name in PUBLIC_PAGES + FILES:
        text = client.get(reverse(name, args=["1981"])).content.decode()
        assert not numbers(text) & forbidden(), (name, numbers(text) & forbidden())


def test_the_csv_and_geojson_use_the_same_rule(client, seeded):
    body = client.get(reverse("public_statistics_csv", args=["1981"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    counts = {row["antal"] for row in rows}
    assert counts <= {"<5", "7", "11"}, counts
    shown = [
        (r["mått"], r["antal"])
        for r in rows
        if r["period"] in (seeded["year"], seeded["quarter"]) and r["antal"] != "<5"
    ]
    assert sorted(shown) == [
        ("EST-rapporter", "11"), ("EST-rapporter", "7"),
        ("polisanmält brott", "11"), ("polisanmält brott", "7"),
    ]  # fmt: skip

    geo = client.get(reverse("public_statistics_geojson", args=["1981"])).json()
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in geo["features"])
    assert {f["properties"]["count"] for f in geo["features"]} <= {"<5", "7", "11"}
    police = client.get(reverse("public_statistics_geojson", args=["1981"]) + "?measure=police")
    assert not numbers(json.dumps(police.json()["features"][0]["properties"])) & set(SMALL)


def test_periods_are_complete_quarters_that_never_overlap():
    today = date(2026, 12, 3)
    periods = report_periods(today)
    assert [p.label for p in periods][:2] == ["2024 Q4", "2025 Q1"]
    assert periods[-1].label == "2026 Q3" and periods[-1].last == date(2026, 9, 30)
    for a, b in itertools.pairwise(periods):
        assert b.first - a.last == timedelta(days=1)
    assert periods[-1].last < today
    assert report_periods(date(2027, 1, 1))[-1].label == "2026 Q4"
    assert report_periods(date(2027, 1, 1))[-1].last == date(2026, 12, 31)


def test_the_rule_in_one_place():
    assert [str(disclosure.disclose(n)) for n in (0, 4, 5)] == ["färre än 5"] * 2 + ["5"]
    assert disclosure.disclose(3).file_value == "<5"
    assert not disclosure.large_enough(0.05) and disclosure.large_enough(0.0625)
    with pytest.raises(ValueError):
        disclosure.check_cell_size(100)
    assert disclosure.public_kind({"deso", "regso", "custom"}) == "regso"
    assert disclosure.public_kind({"custom"}) == ""
