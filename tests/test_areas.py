"""Areas and named places: the import commands, the area pages, the GeoJSON and place search."""

import json
import re
import uuid
from collections import defaultdict
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from shapely.geometry import mapping, shape

from trygg.areas.geo import area_index, reproject, to_sweref
from trygg.areas.models import Area, Place
from trygg.areas.services import import_areas
from trygg.audit.models import AuditEvent
from trygg.reports.models import Category, Event, Report
from trygg.tenants.services import create_municipality

from .conftest import FIXTURES

DESO = FIXTURES / "deso2025_sala_1981.geojson"
VIEWERS = ["coordinator", "analyst", "steering", "police", "admin"]
STORA_TORGET = (16.6062, 59.9214)  # in DeSO 1981C1050
VALLASKOLAN = (16.6022, 59.9187)  # in DeSO 1981C1040
# A small square inside Sala's DeSO 1981C1040, for hand-made features.
SQUARE = [[16.600, 59.9170], [16.604, 59.9170], [16.604, 59.9185], [16.600, 59.9185]]


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def regso_file(tmp_path: Path) -> Path:
    """Sala's RegSO areas, made as SCB's are: the DeSO areas merged per regsokod."""
    groups = defaultdict(list)
    for f in json.loads(DESO.read_text(encoding="utf-8"))["features"]:
        groups[f["properties"]["regsokod"]].append(shape(f["geometry"]))
    features = [
        feature(mapping(shapely.union_all(parts)), regsokod=code, kommunkod="1981")
        for code, parts in groups.items()
    ]
    return write(tmp_path / "regso.geojson", collection(*features))


def run(*args: Any, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def add_event(municipality: Any, lonlat: tuple[float, float], *, days_ago: int = 1) -> Event:
    lon, lat = lonlat
    when = timezone.now() - timedelta(days=days_ago)
    x, y = to_sweref(lon, lat)
    report = Report.objects.create(municipality=municipality, client_key=uuid.uuid4().hex)
    return Event.objects.create(
        report=report,
        municipality=municipality,
        category=Category.objects.get(municipality=municipality, code="SKA"),
        observed_from=when,
        observed_to=when + timedelta(minutes=30),
        lat=lat,
        lon=lon,
        x=x,
        y=y,
        area_id=area_index(municipality.pk).locate(lon, lat, when.date()),
    )


# Import: the happy paths


def test_it_imports_deso_areas_with_their_properties(sala):
    areas = Area.objects.filter(municipality=sala, kind="deso")
    assert areas.count() == 12
    assert sum(a.population for a in areas) == 22596
    area = areas.get(code="1981C1040")
    assert area.properties["regsokod"] == "1981R001"
    assert area.parent_code == "1981R001"
    assert area.parent is None  # no RegSO imported yet
    assert 0.1 < area.area_km2 < 10
    inside = shapely.Point(area.label_lon, area.label_lat)
    assert shape(area.geometry).contains(inside)


def test_it_links_existing_desos_to_regsos_imported_after_them(sala, tmp_path):
    out, err = run("import_areas", regso_file(tmp_path), kind="regso", municipality="1981")
    assert last_line(out) == "imported=5 updated=0 unchanged=0 skipped=0"
    assert "features" in err  # the progress bar
    deso = Area.objects.get(municipality=sala, code="1981C1040")
    assert deso.parent.code == "1981R001" and deso.parent.kind == "regso"
    assert Area.objects.filter(municipality=sala, kind="deso", parent__isnull=True).count() == 0


def test_it_links_desos_to_regsos_imported_before_them(db, tmp_path):
    sala = create_municipality(None, "1981", "Sala")
    import_areas(regso_file(tmp_path), sala, kind="regso")
    import_areas(DESO, sala, kind="deso")
    regso = Area.objects.get(municipality=sala, code="1981R004")
    children = set(regso.children.values_list("code", flat=True))
    assert children == {"1981C1010", "1981C1020", "1981C1070"}


def test_it_reads_sweref_coordinates_with_crs_into_the_same_wgs84_areas(sala, tmp_path):
    data = json.loads(DESO.read_text(encoding="utf-8"))
    for f in data["features"]:
        f["geometry"] = mapping(reproject(shape(f["geometry"]), "EPSG:4326", "EPSG:3006"))
    path = write(tmp_path / "sweref.geojson", data)
    out, _ = run("import_areas", path, kind="deso", municipality="1981", crs="EPSG:3006")
    assert last_line(out) == "imported=0 updated=0 unchanged=12 skipped=0"


def test_it_changes_nothing_on_reimport_and_updates_a_changed_feature(sala, tmp_path):
    out, _ = run("import_areas", DESO, kind="deso", municipality="1981")
    assert last_line(out) == "imported=0 updated=0 unchanged=12 skipped=0"
    data = json.loads(DESO.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["population_2025"] = 2200
    path = write(tmp_path / "changed.geojson", data)
    out, _ = run("import_areas", path, kind="deso", municipality="1981", json=True)
    assert json.loads(out) == {"imported": 0, "updated": 1, "unchanged": 11, "skipped": 0}
    assert Area.objects.get(municipality=sala, code="1981A0010").population == 2200


def test_it_records_the_import_in_the_audit_log(sala, tmp_path):
    run("import_areas", regso_file(tmp_path), kind="regso", municipality="1981")
    row = AuditEvent.objects.filter(action="import", object_type="areas.area").first()
    assert row.municipality == sala
    assert row.detail["result"]["imported"] == 5 and row.detail["kind"] == "regso"
    assert row.detail["linked_children"] == 12


def test_it_skips_features_of_other_municipalities(sala, tmp_path):
    path = write(
        tmp_path / "two.geojson",
        collection(
            feature(polygon(SQUARE), code="S1", kommunkod="1981"),
            feature(polygon(SQUARE), code="K1", kommunkod=1960),
        ),
    )
    out, _ = run("import_areas", path, kind="custom", municipality="1981")
    assert last_line(out) == "imported=1 updated=0 unchanged=0 skipped=1"
    assert list(Area.objects.filter(kind="custom").values_list("code", flat=True)) == ["S1"]


def test_it_keeps_a_validity_period(sala, tmp_path):
    path = write(tmp_path / "old.geojson", collection(feature(polygon(SQUARE), code="OLD")))
    run(
        "import_areas",
        path,
        kind="district",
        municipality="1981",
        valid_from=date(2010, 1, 1),
        valid_to=date(2018, 12, 31),
    )
    area = Area.objects.get(code="OLD")
    assert (area.valid_from, area.valid_to) == (date(2010, 1, 1), date(2018, 12, 31))
    assert not Area.objects.filter(code="OLD").valid_on(timezone.localdate()).exists()


def test_it_repairs_a_self_intersecting_polygon(sala, tmp_path):
    # The ring crosses itself near one corner: a tiny bow tie on a large square.
    ring = [[16.600, 59.9170], [16.604, 59.9170], [16.604, 59.9185], [16.60395, 59.91855]]
    ring += [[16.6041, 59.91852], [16.600, 59.9185]]
    assert not shapely.is_valid(shape(polygon(ring)))
    path = write(tmp_path / "bowtie.geojson", collection(feature(polygon(ring), code="B1")))
    out, _ = run("import_areas", path, kind="custom", municipality="1981")
    assert last_line(out) == "imported=1 updated=0 unchanged=0 skipped=0"
    stored = shape(Area.objects.get(code="B1").geometry)
    assert stored.is_valid
    assert stored.area == pytest.approx(shape(polygon(SQUARE)).area, rel=0.01)


# Import: rejected files write nothing and say what and where

GOOD = feature(polygon(SQUARE), code="1981X01")
BOWTIE = polygon([[16.600, 59.917], [16.604, 59.9185], [16.604, 59.917], [16.600, 59.9185]])
SWEREF_SQUARE = polygon([[588000, 6645000], [589000, 6645000], [589000, 6646000]])
REJECTED = {
    "not JSON": ('{"type": "FeatureCollection",\n "features": [}', "not valid JSON: "),
    "not JSON, where": ('{"type": "FeatureCollection",\n "features": [}', "line 2, column 15"),
    "not a collection": (GOOD, "is not a GeoJSON FeatureCollection"),
    "no features": (collection(), "contains no features"),
    "no geometry": (collection(GOOD, feature(None, code="1981X02")), "Feature 2 (1981X02) has no"),
    "no code": (collection(GOOD, feature(polygon(SQUARE))), "Feature 2 has no code"),
    "a line": (
        collection(GOOD, feature({"type": "LineString", "coordinates": SQUARE}, code="L")),
        "Feature 2 (L): LineString geometry is not accepted",
    ),
    "metres": (
        collection(GOOD, feature(SWEREF_SQUARE, code="M")),
        "look like projected coordinates (metres); pass --crs EPSG:3006",
    ),
    "far away": (
        collection(GOOD, feature(polygon([[2.35, 48.85], [2.36, 48.85], [2.36, 48.86]]), code="P")),
        "Feature 2 (P): the point latitude 48.8500, longitude 2.3500 is far outside Sweden.",
    ),
    "swapped": (
        collection(
            GOOD, feature(polygon([[59.91, 16.60], [59.92, 16.60], [59.92, 16.61]]), code="S")
        ),
        "Latitude and longitude look swapped.",
    ),
    "same code twice": (collection(GOOD, GOOD), "Feature 2 (1981X01): the same code or name as"),
    "unrepairable": (
        collection(GOOD, feature(BOWTIE, code="X")),
        "Feature 2 (X) has an invalid geometry (Self-intersection",
    ),
    "population": (
        collection(GOOD, feature(polygon(SQUARE), code="N", population="many")),
        "Feature 2 (N): the population 'many' is not a whole number.",
    ),
    "all of another kommun": (
        collection(feature(polygon(SQUARE), code="K", kommunkod="1960")),
        "None of the 1 features belongs to kommun 1981",
    ),
}


@pytest.mark.parametrize("case", REJECTED)
def test_it_rejects_a_bad_file_naming_what_and_where(sala, tmp_path, case):
    content, message = REJECTED[case]
    path = write(tmp_path / "bad.geojson", content)
    before = (Area.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as error:
        run("import_areas", path, kind="custom", municipality="1981")
    assert message in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert (Area.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"municipality": "9999"}, "Unknown municipality code '9999'."),
        ({"crs": "EPSG:999999"}, "Unknown coordinate reference system 'EPSG:999999'"),
        ({"crs": "EPSG:3006"}, "look like longitude and latitude in degrees, not EPSG:3006"),
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2024, 1, 1)}, "--valid-to is before"),
    ],
)
def test_it_rejects_bad_options(sala, tmp_path, options, message):
    path = write(tmp_path / "good.geojson", collection(GOOD))
    with pytest.raises(CommandError) as error:
        run("import_areas", path, **{"kind": "custom", "municipality": "1981", **options})
    assert message in str(error.value)
    assert not Area.objects.filter(code="1981X01").exists()


def test_it_rejects_a_missing_file(sala, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_areas", tmp_path / "nope.geojson", kind="deso", municipality="1981")


# Named places


def places_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "places.geojson",
        collection(
            feature(
                {"type": "Point", "coordinates": [16.5965, 59.9455]},
                name="Ösby naturbruksgymnasium",
                kind="skola",
            ),
            feature(
                {"type": "Point", "coordinates": list(STORA_TORGET)},
                name="Stora torget",
                kind="torg",
            ),
            feature(polygon(SQUARE), NAMN1="Valla", BEF=500),
        ),
    )


def test_it_imports_places_from_points_and_polygons(sala, tmp_path):
    out, _ = run("import_places", places_file(tmp_path), municipality="1981")
    assert last_line(out) == "imported=3 updated=0 unchanged=0 skipped=0"
    school = Place.objects.get(name="Ösby naturbruksgymnasium")
    assert (school.kind, school.lat, school.lon, school.geometry) == (
        "skola",
        59.9455,
        16.5965,
        None,
    )
    valla = Place.objects.get(name="Valla")
    assert valla.kind == "tatort"  # the default --kind
    assert shape(valla.geometry).contains(shapely.Point(valla.lon, valla.lat))
    out, _ = run("import_places", places_file(tmp_path), municipality="1981")
    assert last_line(out) == "imported=0 updated=0 unchanged=3 skipped=0"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (feature({"type": "Point", "coordinates": [16.6, 59.9]}), "Feature 4 has no name"),
        (feature({"type": "LineString", "coordinates": SQUARE}, name="Road"), "Feature 4 (Road)"),
        (feature({"type": "Point", "coordinates": [600000, 6640000]}, name="M"), "(metres)"),
    ],
)
def test_it_rejects_bad_places(sala, tmp_path, bad, message):
    data = json.loads(places_file(tmp_path).read_text(encoding="utf-8"))
    path = write(tmp_path / "bad.geojson", collection(*data["features"], bad))
    with pytest.raises(CommandError, match=re.escape(message)):
        run("import_places", path, municipality="1981")
    assert not Place.objects.exists()


# Pages


def test_it_shows_the_area_list_to_the_roles_that_view_reports(personas, login):
    for name in VIEWERS:
        response = login(personas[name]).get("/k/1981/areas/")
        assert response.status_code == 200, name
        assert b"1981C1040" in response.content
        assert b'data-areas="/k/1981/areas/geojson/?kind=deso"' in response.content


def test_it_forbids_the_reporter_the_area_pages(personas, login):
    client = login(personas["reporter"])
    area = Area.objects.get(code="1981C1040")
    assert client.get("/k/1981/areas/").status_code == 403
    assert client.get(f"/k/1981/areas/{area.pk}/").status_code == 403


def test_it_hides_every_area_url_from_the_outsider(personas, login):
    client = login(personas["outsider"])
    area = Area.objects.get(code="1981C1040")
    for url in [
        "/k/1981/areas/",
        f"/k/1981/areas/{area.pk}/",
        "/k/1981/areas/geojson/",
        "/k/1981/places/search/?q=1981",
        f"/k/1960/areas/{area.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in ["/k/1960/areas/", "/k/1960/areas/geojson/", "/k/1960/places/search/?q=19"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"1960C1010" in response.content, url
        assert b"1981A" not in response.content and b"1981C" not in response.content, url


def test_it_counts_events_per_area_and_in_its_parent(personas, sala, login, tmp_path):
    import_areas(regso_file(tmp_path), sala, kind="regso")
    add_event(sala, VALLASKOLAN)
    add_event(sala, VALLASKOLAN, days_ago=100)
    original = add_event(sala, STORA_TORGET)
    duplicate = add_event(sala, STORA_TORGET)
    duplicate.duplicate_of = original
    duplicate.save()
    response = login(personas["analyst"]).get("/k/1981/areas/")
    counts = {a.code: (a.recent_events, a.total_events) for a in response.context["areas"]}
    assert counts["1981C1040"] == (1, 2)
    assert counts["1981C1050"] == (1, 1)
    assert counts["1981R001"] == (2, 3)
    assert counts["1981C1010"] == (0, 0)


def test_it_shows_an_area_with_its_children_and_events(personas, sala, login, tmp_path):
    import_areas(regso_file(tmp_path), sala, kind="regso")
    event = add_event(sala, VALLASKOLAN)
    regso = Area.objects.get(code="1981R001")
    response = login(personas["police"]).get(f"/k/1981/areas/{regso.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "1981C1040" in content and "1981C1050" in content
    assert f"/k/1981/events/{event.pk}/" in content
    assert f'data-areas="/k/1981/areas/geojson/?area={regso.pk}"' in content


def test_it_serves_the_valid_areas_as_geojson(personas, sala, login, tmp_path):
    import_areas(regso_file(tmp_path), sala, kind="regso")
    old = write(tmp_path / "old.geojson", collection(feature(polygon(SQUARE), code="OLD")))
    import_areas(old, sala, kind="custom", valid_to=date(2020, 1, 1))
    client = login(personas["coordinator"])
    data = client.get("/k/1981/areas/geojson/").json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 17
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    pk = Area.objects.get(code="1981R001").pk
    assert props["1981R001"] == {
        "label": "1981R001",
        "code": "1981R001",
        "kind": "regso",
        "url": f"/k/1981/areas/{pk}/",
    }
    regsos = client.get("/k/1981/areas/geojson/?kind=regso").json()["features"]
    assert {f["properties"]["kind"] for f in regsos} == {"regso"} and len(regsos) == 5
    one = client.get(f"/k/1981/areas/geojson/?area={pk}").json()["features"]
    assert sorted(f["properties"]["code"] for f in one) == ["1981C1040", "1981C1050", "1981R001"]


def test_it_gives_the_reporter_the_polygons_without_links(personas, login):
    data = login(personas["reporter"]).get("/k/1981/areas/geojson/").json()
    assert len(data["features"]) == 12
    assert {f["properties"]["url"] for f in data["features"]} == {""}


# Place search


def test_it_finds_places_and_areas_whatever_the_case(personas, sala, login, tmp_path):
    run("import_places", places_file(tmp_path), municipality="1981")
    client = login(personas["reporter"])
    client.cookies["django_language"] = "en"
    for query in ["ösby", "ÖSBY", "naturbruk"]:
        response = client.get("/k/1981/places/search/", {"q": query})
        results = response.json()["results"]
        assert results == [
            {
                "name": "Ösby naturbruksgymnasium",
                "kind": "skola",
                "kind_label": "school",
                "lat": 59.9455,
                "lon": 16.5965,
            }
        ], query
    [area] = client.get("/k/1981/places/search/", {"q": "1981c1040"}).json()["results"]
    assert area["kind"] == "deso"
    located = area_index(sala.pk).locate(area["lon"], area["lat"], timezone.localdate())
    assert located == Area.objects.get(code="1981C1040").pk


def test_it_lists_at_most_ten_matches_prefix_first(personas, login, tmp_path):
    run("import_places", places_file(tmp_path), municipality="1981")
    client = login(personas["coordinator"])
    results = client.get("/k/1981/places/search/", {"q": "1"}).json()["results"]
    assert len(results) == 10
    assert client.get("/k/1981/places/search/", {"q": "  "}).json() == {"results": []}
    names = [r["name"] for r in client.get("/k/1981/places/search/?q=s").json()["results"]]
    assert names[:2] == ["Stora torget", "Ösby naturbruksgymnasium"]


def test_it_leaves_inactive_places_out_of_the_search(personas, login, tmp_path):
    run("import_places", places_file(tmp_path), municipality="1981")
    Place.objects.filter(name="Stora torget").update(active=False)
    response = login(personas["reporter"]).get("/k/1981/places/search/?q=torget")
    assert response.json() == {"results": []}


def test_it_forbids_the_place_search_to_roles_that_do_not_report(personas, login):
    assert login(personas["analyst"]).get("/k/1981/places/search/?q=s").status_code == 403
