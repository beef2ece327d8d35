"""The Brå page: a kommun's statistics per year, next to its own data and the references."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.imports.engine import run_import
from trygg.imports.kommuner import Targets
from trygg.tenants.services import create_municipality

from .conftest import make_user

FIXTURES = Path(__file__).parent / "fixtures"
REPORTED = FIXTURES / "bra" / "anmalda_brott_slice.csv"
INDICATORS = FIXTURES / "bra" / "kommunindikatorer_slice.csv"
POINTS = FIXTURES / "police" / "brott_punkter_sweref.csv"
VIEWERS = {"coordinator", "analyst", "steering", "police", "admin"}


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def statistics(sala, kungsor):
    run_import(REPORTED, targets=Targets([sala]))
    run_import(INDICATORS, targets=Targets([sala]))
    run_import(POINTS, targets=Targets([sala]))


def page(login: Any, user: Any, code: str = "1981", query: str = "") -> Any:
    client = login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("bra_statistics", args=[code]) + query)


@pytest.mark.parametrize(
    "persona", ["reporter", "coordinator", "analyst", "steering", "police", "admin", "outsider"]
)
def test_it_shows_the_statistics_to_everyone_who_sees_reports(personas, login, statistics, persona):
    response = page(login, personas[persona])
    expected = 404 if persona == "outsider" else 200 if persona in VIEWERS else 403
    assert response.status_code == expected
    if persona == "outsider":
        assert b"Sala" not in response.content and b"13" not in response.content


def test_it_shows_the_kommun_next_to_the_country(personas, login, statistics):
    html = page(login, personas["steering"], query="?year=2024").content.decode()
    row = html.split("Totalt antal anmälda brott</th>")[1].split("</tr>")[0]
    assert "3 006" in row or "3,006" in row  # Sala's number
    assert "13 154" in row or "13,154" in row  # Sala per 100 000
    assert "14 090" in row or "14,090" in row  # the whole country per 100 000


def test_it_shows_survey_results_with_their_confidence_interval(db, login):
    falun = create_municipality(None, "2080", "Falun")
    run_import(INDICATORS, targets=Targets([falun]))
    html = page(login, make_user(falun, "analytiker"), "2080", "?year=2024").content.decode()
    row = html.split("Självrapporterad utsatthet för misshandel")[1].split("</tr>")[0]
    assert row.count('class="ci"') == 3  # Falun, Dalarnas län and the country
    assert "Dalarnas län" in html


def test_it_shows_police_data_only_to_its_roles_and_records_the_view(personas, login, statistics):
    steering = page(login, personas["steering"], query="?year=2024").content.decode()
    assert "police-reported crimes" not in steering
    police = page(login, personas["police"], query="?year=2024").content.decode()
    assert "police-reported crimes" in police
    own = police.split('id="own"')[1].split("</section>")[0]
    assert '<div class="stat">3</div>' in own  # the three crimes at points in 2024
    views = AuditEvent.objects.filter(action="view", object_type="police.policecrime")
    assert list(views.values_list("user", flat=True)) == [personas["police"].pk]


def test_it_says_when_there_is_nothing_yet(personas, login, sala, kungsor):
    html = page(login, personas["coordinator"]).content.decode()
    assert "No Brå statistics yet." in html
