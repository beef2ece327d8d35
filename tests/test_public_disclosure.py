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


def test_the_api_statistics_for_roles_without_the_detail_rights_hide_small_counts(seeded, personas):
    """The API's statistics export follows the same rule for a role without the detail
    rights (a reporter): no count 1–4, no total."""
    from .test_api import bearer, token_for

    client = bearer(token_for(personas["reporter"]))
    rows = client.get("/api/v1/exports/statistics").json()
    assert rows and all(r["count"] is None or r["count"] >= 5 for r in rows)
    assert {r["count"] for r in rows if r["suppressed"]} == {None}
    text = client.get("/api/v1/exports/statistics.csv").content.decode()
    assert not numbers(text) & (set(SMALL) | forbidden())


def test_a_published_weekly_picture_shows_no_count_on_the_public_page(client, seeded, sala):
    from trygg.citizens.models import PublishedPicture
    from trygg.picture.models import WeeklyPicture

    picture = WeeklyPicture.objects.create(
        municipality=sala, week="2026-W44", status=WeeklyPicture.Status.PUBLISHED,
        snapshot={"total": {"count": sum(SMALL)}, "areas": [{"count": n} for n in SMALL]},
    )  # fmt: skip
    PublishedPicture.objects.create(picture=picture, text="Lugn vecka i centrum.")
    home = client.get(reverse("public_home", args=["1981"])).content.decode()
    assert "Lugn vecka i centrum." in home
    assert not numbers(home) & forbidden()


def test_the_public_survey_results_hide_small_groups_and_what_would_reveal_them(client, sala):
    from trygg.surveys.models import Survey

    from .test_surveys import areas, fill

    today = timezone.localdate()
    survey = Survey.objects.create(
        municipality=sala, title="Enkät", opens_on=today - timedelta(days=40),
        closes_on=today - timedelta(days=10), area_kind="deso", publish_results=True,
    )  # fmt: skip
    a, b, c = areas(sala)[:3]
    fill(survey, a, [3] * 12 + [2] * 18)  # shown: 12 of 30
    fill(survey, b, [4] * 10 + [1] * 15)  # 10 of 25: hidden, or 61 − 30 − 25 would give C
    fill(survey, c, [3] * 3 + [1] * 3)  # 3 of 6: fewer than 10
    home = client.get(reverse("public_home", args=["1981"])).content.decode()
    section = home[home.index('class="public-surveys"') :]
    section = section[: section.index("</section>")]
    row = {
        label.strip(): cells
        for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S)
    }
    assert {"Sala", a.label, b.label, c.label} <= set(row)
    assert "40 %" in row[a.label] and "41 %" in row["Sala"]
    assert "dold för att skydda en liten grupp" in row[b.label]
    assert "färre än 10 svar" in row[c.label]
    # Neither the hidden groups' shares (40 %, 50 %) nor their sizes show anywhere.
    assert not re.search(r"\d", (row[b.label] + row[c.label]).replace("färre än 10 svar", ""))
    assert not {6, 31} & numbers(section)  # no group size but the total (61)


def feasible(values, line):
    """Every assignment of the hidden cells a reader could not rule out: "<5" cells 1–4, the
    others (marked differently) at least 5, adding up to the total minus the shown cells."""
    hidden = sorted(line.hidden)
    rest = sum(values[i] for i in hidden)
    ranges = [range(1, 5) if i in line.small else range(5, rest + 1) for i in hidden]
    for combo in itertools.product(*ranges):
        if sum(combo) == rest:
            yield dict(zip(hidden, combo, strict=True))


@pytest.mark.parametrize(
    "values",
    [(3, 20, 30), (1, 1, 40), (2, 9), (4, 5, 6, 50), (1, 2, 3), (3, 0, 12, 0), (1, 5, 6, 7)],
)
def test_complementary_suppression_leaves_no_hidden_count_to_subtract(values):
    """A total published next to its cells: the total minus the shown cells must not tell a
    hidden count. Checked by trying every value a reader could put in the hidden cells."""
    line = disclosure.protect(values)
    assert line.small == {i for i, n in enumerate(values) if 0 < n < 5}
    if line.total_hidden:
        return
    options = list(feasible(values, line))
    for i in line.small:  # a "<5" cell could be any of 1–4
        assert {o[i] for o in options} == {1, 2, 3, 4}, (values, i, line)
    for i in line.complementary:  # and a hidden larger one is not pinned down
        assert len({o[i] for o in options}) > 1, (values, i, line)
    assert all(values[i] == 0 or i in line.hidden or values[i] >= 5 for i in range(len(values)))


def test_a_lone_small_count_hides_the_total_and_nothing_is_hidden_without_a_small_one():
    assert disclosure.protect([3]).total_hidden
    assert disclosure.protect([3, 0]).total_hidden
    nothing = disclosure.protect([5, 9, 40])
    assert not nothing.hidden and not nothing.total_hidden
    # Without a published total a small cell is hidden on its own.
    alone = disclosure.protect([3, 20], total_shown=False)
    assert alone.small == {0} and not alone.complementary
