"""The pages of police data: who sees them, what they show, and the audit of every view."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.imports.engine import run_import
from trygg.imports.kommuner import Targets
from trygg.police.models import EventTypeMapping
from trygg.reports.models import Category
from trygg.tenants.services import create_municipality

from .conftest import make_user

FIXTURES = Path(__file__).parent / "fixtures" / "police"
ARCHIVE = FIXTURES / "events_archive_slice.json"
POINTS = FIXTURES / "brott_punkter_sweref.csv"
ALLOWED = {"coordinator", "analyst", "police", "admin"}
PERSONAS = ["reporter", "coordinator", "analyst", "steering", "police", "admin", "outsider"]


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def police_data(sala, kungsor):
    """Sala's and Kungsör's notices of the archive, and three crimes at points in Sala."""
    run_import(ARCHIVE, targets=Targets([sala, kungsor]))
    run_import(POINTS, targets=Targets([sala]))


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def get(login: Any, user: Any, name: str, query: str = "", **headers: Any) -> Any:
    return english(login(user)).get(reverse(name, args=["1981"]) + query, headers=headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name", ["police_events", "police_crimes", "police_crimes_csv", "police_mapping"]
)
def test_it_shows_police_data_only_to_its_roles(personas, login, police_data, persona, name):
    response = get(login, personas[persona], name)
    expected = 404 if persona == "outsider" else 200 if persona in ALLOWED else 403
    assert response.status_code == expected
    if persona == "outsider":
        assert b"Sala" not in response.content and b"1212" not in response.content


def test_it_shows_no_police_data_of_another_kommun(personas, login, police_data):
    page = get(login, personas["outsider"], "police_events", "?year=2026").content.decode()
    assert "Sala" not in page and "Stöld/inbrott" not in page
    theirs = english(login(personas["outsider"])).get(
        reverse("police_events", args=["1960"]) + "?year=2026"
    )
    assert theirs.status_code == 200
    assert "Inbrott" in theirs.content.decode()
    assert "Trafikolycka, personskada" not in theirs.content.decode()  # Sala's, of 2026


def test_it_counts_notices_per_week_and_labels_them_for_what_they_are(personas, login, police_data):
    page = get(login, personas["police"], "police_events", "?year=2026").content.decode()
    assert "A selection of police notices, not a crime rate." in page
    assert "never drawn on a map" in page
    assert "2 notices in 2026" in page  # Sala's notices of 2026 in the slice
    assert "<svg" in page and "<script" not in page.split("</header>")[1]


def test_it_leaves_summaries_out_of_the_counts(db, personas, login):
    uppsala = create_municipality(None, "0380", "Uppsala")
    run_import(ARCHIVE, targets=Targets([uppsala]))
    user = make_user(uppsala, "samordnare")
    client = english(login(user))
    page = client.get(reverse("police_events", args=["0380"]) + "?year=2024").content.decode()
    assert "1 summary notice" in page
    assert "0 notices in 2024" in page


def test_it_counts_by_est_category_through_the_mapping(personas, login, police_data, sala):
    page = get(login, personas["police"], "police_events", "?year=2023&by=est").content.decode()
    assert "SKA Vandalism" in page and "ORD Other disorder or insecurity" in page
    mapping = EventTypeMapping.objects.get(municipality=sala, event_type="Skadegörelse")
    mapping.category = Category.objects.get(municipality=sala, code="DIG")
    mapping.save()
    page = get(login, personas["police"], "police_events", "?year=2023&by=est").content.decode()
    assert "SKA Vandalism" not in page and "DIG Rumours/social media" in page


def test_it_shows_the_notices_of_a_week_as_a_partial(personas, login, police_data):
    response = get(
        login,
        personas["analyst"],
        "police_events",
        "?year=2023&week=12",
        HX_Request="true",
        HX_Target="week-detail",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="week-detail"')
    assert "Notices of week 12, 2023" in page
    assert "https://polisen.se/aktuellt/handelser/2023/mars/25/" in page


def test_it_records_every_view_of_police_data(personas, login, police_data):
    police = personas["police"]
    get(login, police, "police_events", "?year=2025")
    get(login, police, "police_crimes")
    get(login, police, "police_crimes_csv")
    views = AuditEvent.objects.filter(user=police, municipality__code="1981")
    assert views.filter(action="view", object_type="police.policeevent").count() == 1
    assert views.filter(action="view", object_type="police.policecrime").count() == 1
    assert views.filter(action="export", object_type="police.policecrime").count() == 1


def test_it_records_no_view_for_those_who_may_not_see(personas, login, police_data):
    get(login, personas["steering"], "police_crimes")
    get(login, personas["outsider"], "police_crimes")
    assert not AuditEvent.objects.filter(action="view", object_type="police.policecrime").exists()


def test_it_shows_crime_per_area_and_category(personas, login, police_data):
    page = get(login, personas["coordinator"], "police_crimes", "?year=2024").content.decode()
    assert "3 crimes" in page
    assert "1981A0010" in page and "Skadegörelsebrott" in page and "Våldsbrott" in page


def test_it_shows_one_area_per_month(personas, login, police_data, sala):
    from trygg.areas.models import Area

    area = Area.objects.get(municipality=sala, code="1981A0020")
    query = f"?year=2024&by=est&area={area.pk}"
    page = get(login, personas["coordinator"], "police_crimes", query).content.decode()
    assert "2024-03" in page and "ORD.VAL Fighting/violence" in page
    assert "1981A0010" not in page.split("<tbody>")[1]


def test_it_exports_the_table_as_csv(personas, login, police_data):
    response = get(login, personas["analyst"], "police_crimes_csv", "?year=2024&by=category")
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Area;")
    assert rows[-1].startswith("Total;") and rows[-1].endswith(";3")


def test_it_updates_the_table_as_a_partial(personas, login, police_data):
    response = get(
        login,
        personas["coordinator"],
        "police_crimes",
        "?year=2024",
        HX_Request="true",
        HX_Target="crimes",
    )
    assert response.content.decode().lstrip().startswith('<div id="crimes">')


def test_it_lets_coordinators_change_the_mapping(personas, login, police_data, sala):
    mapping = EventTypeMapping.objects.get(
        municipality=sala, event_type="Trafikolycka, personskada"
    )
    category = Category.objects.get(municipality=sala, code="ORD.BUS")
    url = reverse("police_mapping_set", args=["1981", mapping.pk])
    response = english(login(personas["coordinator"])).post(
        url, {"category": category.pk}, headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith(f'<tr id="mapping-{mapping.pk}">')
    mapping.refresh_from_db()
    assert mapping.category == category
    assert AuditEvent.objects.filter(action="update", object_id=str(mapping.pk)).exists()


@pytest.mark.parametrize("persona", ["reporter", "analyst", "steering", "police", "outsider"])
def test_it_lets_no_one_else_change_the_mapping(personas, login, police_data, sala, persona):
    mapping = EventTypeMapping.objects.get(municipality=sala, event_type="Skadegörelse")
    before = mapping.category_id
    url = reverse("police_mapping_set", args=["1981", mapping.pk])
    response = login(personas[persona]).post(url, {"category": ""})
    assert response.status_code == (404 if persona == "outsider" else 403)
    mapping.refresh_from_db()
    assert mapping.category_id == before


def test_it_refuses_a_category_of_another_municipality(personas, login, police_data, sala, kungsor):
    mapping = EventTypeMapping.objects.get(municipality=sala, event_type="Skadegörelse")
    theirs = Category.objects.get(municipality=kungsor, code="OVR")
    url = reverse("police_mapping_set", args=["1981", mapping.pk])
    response = login(personas["coordinator"]).post(url, {"category": theirs.pk})
    assert response.status_code == 404
    mapping.refresh_from_db()
    assert mapping.category.code == "SKA.ANN"
