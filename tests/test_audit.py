"""The municipality's audit log."""

from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from tests.test_review import make_event
from trygg.audit.services import record
from trygg.tenants.models import Municipality


@pytest.fixture
def admin(personas: dict[str, Any], login: Any) -> Any:
    client = login(personas["admin"])
    client.cookies["django_language"] = "en"
    return client


def record_at(when: datetime, user: Any, action: str, municipality: Municipality, **kw: Any):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return record(user, action, municipality=municipality, **kw)


def day(d: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(d))


def log(client: Any, query: str = "") -> str:
    response = client.get(f"/k/1981/audit/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "persona", ["reporter", "coordinator", "analyst", "steering", "police", "admin"]
)
def test_it_shows_the_log_only_to_admins(sala, personas, login, persona):
    response = login(personas[persona]).get("/k/1981/audit/")
    assert response.status_code == (200 if persona == "admin" else 403)


def test_it_shows_sala_rows_newest_first(sala, personas, admin):
    record_at(day("2025-01-01 10:00"), personas["admin"], "create", sala, summary="first one")
    record_at(day("2025-02-01 10:00"), personas["police"], "export", sala, summary="second one")
    body = log(admin)
    assert body.index("second one") < body.index("first one")
    assert personas["police"].username in body


def test_it_shows_the_review_writes(sala, personas, login, admin):
    event = make_event(sala)
    login(personas["coordinator"]).post(f"/k/1981/events/{event.pk}/review/")
    body = log(admin, "?object_type=reports.event")
    assert "marked reviewed" in body and f"#{event.pk}" in body


def test_it_filters_by_user_action_object_type_and_period(sala, personas, admin):
    alice, bob = personas["admin"], personas["coordinator"]
    record_at(day("2025-01-10 12:00"), alice, "create", sala, object_type="x.a", summary="row-1")
    record_at(day("2025-01-20 12:00"), bob, "update", sala, object_type="x.b", summary="row-2")
    record_at(day("2025-01-30 12:00"), bob, "export", sala, object_type="x.a", summary="row-3")

    def shown(query: str) -> list[str]:
        body = log(admin, query)
        return [s for s in ("row-1", "row-2", "row-3") if s in body]

    assert shown("") == ["row-1", "row-2", "row-3"]
    assert shown(f"?user={bob.username}") == ["row-2", "row-3"]
    assert shown("?action=create") == ["row-1"]
    assert shown("?object_type=x.a") == ["row-1", "row-3"]
    assert shown("?date_from=2025-01-15&date_to=2025-01-20") == ["row-2"]
    assert shown(f"?user={bob.username}&object_type=x.a") == ["row-3"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=2025-02-30", "Enter a valid date."),
        ("?date_from=2025-02-03&date_to=2025-02-01", "The period starts after it ends."),
        ("?user=nobody", "Select a valid choice."),
        ("?action=explode", "Select a valid choice."),
        ("?object_type=x.none", "Select a valid choice."),
    ],
)
def test_it_explains_invalid_filters(sala, personas, admin, query, message):
    record(personas["admin"], "create", municipality=sala, summary="visible row")
    body = log(admin, query)
    assert message in body
    assert "visible row" not in body


def test_it_returns_only_the_rows_to_htmx(sala, personas, admin):
    record(personas["admin"], "create", municipality=sala, summary="visible row")
    response = admin.get("/k/1981/audit/?action=create", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="rows"')
    assert "visible row" in body
    assert "<html" not in body and 'id="filters"' not in body


def test_it_paginates(sala, personas, admin):
    for i in range(51):
        record_at(day(f"2025-03-01 10:{i:02d}"), personas["admin"], "view", sala, summary=f"r{i}!")
    first = log(admin, "?action=view")
    assert "r50!" in first and "r1!" in first and "r0!" not in first
    assert "51 entries" in first and "Page 1 of 2" in first
    second = log(admin, "?action=view&page=2")
    assert "r0!" in second and "r50!" not in second


def test_it_keeps_each_municipality_to_its_own_rows(sala, kungsor, personas, admin, login):
    record(personas["outsider"], "export", municipality=kungsor, object_type="k.secret")
    record(personas["admin"], "export", municipality=sala, object_type="s.secret")
    record(None, "login_failed", summary="no municipality")
    sala_log = log(admin)
    assert "s.secret" in sala_log
    assert "k.secret" not in sala_log and personas["outsider"].username not in sala_log
    assert "no municipality" not in sala_log
    assert "Select a valid choice." in log(admin, "?object_type=k.secret")
    outsider = login(personas["outsider"])
    response = outsider.get("/k/1981/audit/")
    assert response.status_code == 404
    assert "s.secret" not in response.content.decode()
    kungsor_log = outsider.get("/k/1960/audit/").content.decode()
    assert "k.secret" in kungsor_log and "s.secret" not in kungsor_log
    assert "Sala" not in kungsor_log
