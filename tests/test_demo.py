"""`trygg demo`: Sala and Kungsör with real areas and places, users per role, synthetic reports."""

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from trygg.areas.geo import area_index
from trygg.areas.models import Area, Place
from trygg.audit.models import AuditEvent
from trygg.reports.models import Event, Report
from trygg.tenants.models import Membership, Organisation

ROLES = {"rapportor", "samordnare", "analytiker", "styrgrupp", "polis", "admin"}
SCHOOLS = {"Kungsängsgymnasiet", "Ösby naturbruksgymnasium", "Vallaskolan", "Ekebyskolan"}


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[Any] = [
        Area,
        Place,
        Event,
        Report,
        Organisation,
        Membership,
        get_user_model(),
        AuditEvent,
    ]
    return {m.__name__: m.objects.count() for m in models}


def accounts(output: str) -> tuple[dict[str, str], str]:
    """The printed table: username -> role; and the printed password."""
    rows = re.findall(r"^(\S+)\s+(\S+)\s+.+\((?:1981|1960)\)$", output, re.MULTILINE)
    password = re.search(r"Password for every demo user: (\S+)", output)
    assert password
    return dict(rows), password.group(1)


def test_it_loads_sala_and_kungsor_with_real_areas_and_places(db):
    demo()
    sala = Area.objects.filter(municipality__code="1981")
    assert sala.filter(kind="deso").count() == 12
    assert sala.filter(kind="regso").count() == 5
    assert not sala.filter(kind="deso", parent__isnull=True).exists()
    assert Area.objects.filter(municipality__code="1960", kind="deso").count() == 5
    places = dict(Place.objects.filter(municipality__code="1981").values_list("name", "kind"))
    assert {name for name, kind in places.items() if kind == "skola"} == SCHOOLS
    assert places["Ransta"] == "tatort" and places["Stora torget"] == "torg"
    assert not Place.objects.filter(municipality__code="1960").exists()
    vallaskolan = Place.objects.get(name="Vallaskolan")
    index = area_index(vallaskolan.municipality_id)
    deso = index.locate(vallaskolan.lon, vallaskolan.lat, timezone.localdate())
    assert deso == Area.objects.get(code="1981C1040").pk


def test_it_prints_a_user_per_role_who_can_log_in(db):
    users, password = accounts(demo())
    assert set(users.values()) >= ROLES
    assert users["kungsor-admin"] == "admin"
    for username in users:
        assert Client().login(username=username, password=password), username
    client = Client()
    client.login(username="samordnare", password=password)
    assert client.get("/k/1981/areas/").status_code == 200
    client.login(username="rapportor", password=password)
    assert client.get("/k/1981/areas/").status_code == 403
    client.login(username="kungsor-admin", password=password)
    assert client.get("/k/1981/").status_code == 404
    assert client.get("/k/1960/areas/").status_code == 200


def test_it_writes_two_years_of_reports_by_many_organisations(db):
    demo()
    events = Event.objects.filter(municipality__code="1981")
    assert events.count() > 2000
    assert 1 <= events.filter(outside_areas=True, area__isnull=True).count() <= 20
    assert not events.filter(outside_areas=False, area__isnull=True).exists()
    first = events.order_by("observed_from").first()
    now = timezone.now()
    assert now - first.observed_from > timedelta(days=700)
    assert not events.filter(observed_to__gt=now).exists()
    reports = Report.objects.filter(municipality__code="1981")
    assert reports.filter(created_at__lt=now - timedelta(days=700)).exists()
    assert not reports.filter(events__observed_to__gt=F("created_at")).exists()
    assert events.exclude(duplicate_of=None).filter(duplicate_of__duplicate_of=None).exists()
    assert events.filter(reviewed_at__isnull=False).exists()
    assert events.filter(reviewed_at__isnull=True).exists()
    organisations = events.values("report__organisation").distinct().count()
    assert organisations >= 8  # seven organisations' reporters and citizen tips
    kungsor = Event.objects.filter(municipality__code="1960")
    assert kungsor.exists() and not kungsor.filter(area__municipality__code="1981").exists()


def test_it_grows_a_cluster_over_the_last_weeks(db):
    demo()
    park = Event.objects.filter(place__name="Stadsparken")
    now = timezone.now()
    last_week = park.filter(observed_from__gte=now - timedelta(days=7)).count()
    before = park.filter(observed_from__lt=now - timedelta(days=14)).count()
    assert last_week > 2 * max(before, 1)
    assert not park.filter(observed_from__lt=now - timedelta(days=30)).exists()


def test_it_changes_nothing_on_a_second_run(db):
    demo()
    before = counts()
    output = demo()
    assert "already loaded" in output
    assert counts() == before


def test_it_starts_over_with_reset(db):
    demo()
    before = counts()
    stray = Event.objects.filter(municipality__code="1981").first()
    stray.description = "changed by hand"
    stray.save()
    demo("--reset")
    after = counts()
    assert not Event.objects.filter(description="changed by hand").exists()
    assert {k: v for k, v in after.items() if k != "AuditEvent"} == {
        k: v for k, v in before.items() if k != "AuditEvent"
    }
    assert after["AuditEvent"] > before["AuditEvent"]  # the audit log keeps the history


def test_it_refuses_to_mix_into_a_municipality_with_data(sala):
    with pytest.raises(CommandError, match=r"Kommun 1981 \(Sala\) already has data"):
        demo()
    assert not Report.objects.exists()
    assert not get_user_model().objects.exists()


def test_demo_tips_of_two_kommuner_with_the_same_client_key_get_different_public_ids() -> None:
    # Each kommun numbers its demo reports from 0, so "demo-17" exists in both; a public id
    # is unique everywhere (a date on which both had a citizen report 17 failed the load).
    from trygg.tenants.models import Municipality
    from trygg.tips.demo import demo_public_id

    sala, kungsor = Municipality(code="1981"), Municipality(code="1960")
    assert demo_public_id(sala, "demo-17") != demo_public_id(kungsor, "demo-17")
    assert demo_public_id(sala, "demo-17") == demo_public_id(sala, "demo-17")
