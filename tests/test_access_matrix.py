"""Every URL, as every persona, against a declared matrix of what each role may do.

A new URL without a row here fails `test_it_declares_every_url`: access is decided on
purpose, never by accident. The outsider (an admin of another municipality) gets 404
everywhere and never sees a name of ours; an anonymous visitor is sent to the login page.
"""

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from trygg.areas.models import Area
from trygg.imports.engine import run_import
from trygg.imports.kommuner import Targets
from trygg.police.models import EventTypeMapping
from trygg.reports.models import Category, Photo
from trygg.tenants.models import Organisation

from .test_citizens import citizens_objects
from .test_cycle_access import cycle_objects
from .test_imports_web import POINTS
from .test_review import make_event

REPORTER, COORDINATOR, ANALYST, STEERING, POLICE, ADMIN = (
    "reporter", "coordinator", "analyst", "steering", "police", "admin",
)  # fmt: skip
ORDER = [REPORTER, COORDINATOR, ANALYST, STEERING, POLICE, ADMIN]  # admin acts last
MEMBERS = frozenset(ORDER)
VIEWERS = MEMBERS - {REPORTER}
REPORTING = frozenset({REPORTER, COORDINATOR, POLICE, ADMIN})
REVIEWERS = frozenset({COORDINATOR, ADMIN})
ADMINS = frozenset({ADMIN})
POLICE_DATA = frozenset({COORDINATOR, ANALYST, POLICE, ADMIN})
OWN_EVENT = VIEWERS | {REPORTER}  # the reporter filed the event used here
OUTSIDER, ANONYMOUS = "outsider", "anonymous"
# Public pages (the municipality's public page, survey and tip forms): everyone, without login.
EVERYONE = MEMBERS | {OUTSIDER, ANONYMOUS}


@dataclass(frozen=True)
class Row:
    method: str
    allowed: frozenset[str]
    pk: str = ""  # which object of the `objects` fixture fills <pk>


MATRIX: dict[str, Row] = {
    "import_list": Row("GET", POLICE_DATA),
    "import_upload": Row("GET", POLICE_DATA),
    "import_detail": Row("GET", POLICE_DATA, "batch"),
    "import_confirm": Row("POST", POLICE_DATA, "batch"),
    "import_discard": Row("POST", POLICE_DATA, "batch"),
    "import_undo": Row("POST", REVIEWERS, "batch"),
    "police_events": Row("GET", POLICE_DATA),
    "police_mapping": Row("GET", POLICE_DATA),
    "police_mapping_set": Row("POST", REVIEWERS, "mapping"),
    "police_crimes": Row("GET", POLICE_DATA),
    "police_crimes_csv": Row("GET", POLICE_DATA),
    "bra_statistics": Row("GET", VIEWERS),
    "dashboard": Row("GET", MEMBERS),
    "organisation_list": Row("GET", ADMINS),
    "organisation_edit": Row("GET", ADMINS, "organisation"),
    "member_list": Row("GET", ADMINS),
    "member_active": Row("POST", ADMINS, "membership"),
    "report_new": Row("GET", REPORTING),
    "report_mine": Row("GET", REPORTING),
    "event_list": Row("GET", VIEWERS),
    "event_map": Row("GET", VIEWERS),
    "event_geojson": Row("GET", VIEWERS),
    "event_detail": Row("GET", OWN_EVENT, "event"),
    "event_review": Row("POST", REVIEWERS, "event"),
    "event_merge": Row("POST", REVIEWERS, "event"),
    "event_link": Row("POST", REVIEWERS, "event"),
    "photo": Row("GET", OWN_EVENT, "photo"),
    "category_list": Row("GET", ADMINS),
    "category_new": Row("GET", ADMINS),
    "category_edit": Row("GET", ADMINS, "category"),
    "area_list": Row("GET", VIEWERS),
    "area_geojson": Row("GET", MEMBERS),  # the reporters' map background
    "area_detail": Row("GET", VIEWERS, "area"),
    "place_search": Row("GET", REPORTING),
    "audit_log": Row("GET", ADMINS),
    # The weekly picture (trygg.picture).
    "picture_week": Row("GET", VIEWERS),
    "picture_export": Row("GET", VIEWERS),
    "picture_publish": Row("GET", REVIEWERS),  # the confirmation page; POST publishes
    "picture_assess": Row("POST", REVIEWERS, "area"),
    # The EST cycle (tests/test_cycle_access.py also checks the POSTs of GET pages).
    "action_list": Row("GET", VIEWERS),
    "action_queue": Row("GET", MEMBERS),
    "action_new": Row("GET", REVIEWERS),
    "action_detail": Row("GET", MEMBERS, "action"),  # the reporter's organisation's action
    "action_edit": Row("GET", REVIEWERS, "action"),
    "action_update": Row("POST", REVIEWERS | {REPORTER}, "action"),
    "opdir_list": Row("GET", VIEWERS),
    "opdir_new": Row("GET", frozenset({POLICE, COORDINATOR, ADMIN})),
    "meeting_list": Row("GET", VIEWERS),
    "series_new": Row("GET", REVIEWERS),
    "series_detail": Row("GET", VIEWERS, "series"),
    "series_ics": Row("GET", VIEWERS, "series"),
    "meeting_new": Row("POST", REVIEWERS, "series"),
    "meeting_detail": Row("GET", VIEWERS, "meeting"),
    "meeting_minutes": Row("POST", REVIEWERS, "meeting"),
    "meeting_attendance": Row("POST", REVIEWERS, "meeting"),
    "meeting_assessment": Row("POST", REVIEWERS, "meeting"),
    "meeting_priority": Row("POST", REVIEWERS, "meeting"),
    "meeting_decision": Row("POST", REVIEWERS, "meeting"),
    "quarterly": Row("GET", VIEWERS),
    "quarterly_export": Row("GET", VIEWERS),
    "direction_new": Row("GET", frozenset({STEERING, COORDINATOR, ADMIN})),
    "direction_detail": Row("GET", VIEWERS, "direction"),
    "followup_list": Row("GET", VIEWERS),
    "followup_detail": Row("GET", VIEWERS, "followup"),
    "followup_export": Row("GET", VIEWERS, "followup"),
    "followup_evaluation": Row("POST", REVIEWERS, "followup"),
    "guard_plan": Row("GET", MEMBERS),
    "cycle_settings": Row("GET", ADMINS),
    # Citizen promises and what the public page shows (trygg.citizens).
    "promise_list": Row("GET", VIEWERS),
    "promise_new": Row("GET", REVIEWERS),
    "promise_detail": Row("GET", VIEWERS, "promise"),
    "promise_edit": Row("GET", REVIEWERS, "promise"),
    "promise_publish": Row("POST", REVIEWERS, "promise"),
    "promise_commitment": Row("POST", REVIEWERS, "promise"),
    "commitment_edit": Row("GET", REVIEWERS, "commitment"),
    "commitment_progress": Row("POST", REVIEWERS, "commitment"),
    "progress_publish": Row("POST", REVIEWERS, "progress"),
    "publication_list": Row("GET", VIEWERS),
    "publication_direction": Row("POST", REVIEWERS, "direction"),
    "publication_followup": Row("POST", REVIEWERS, "followup"),
    # The public site.
    "public_home": Row("GET", EVERYONE),
    "public_promises": Row("GET", EVERYONE),
    "public_promise_detail": Row("GET", EVERYONE, "promise"),
    "public_statistics": Row("GET", EVERYONE),
    "public_statistics_csv": Row("GET", EVERYONE),
    "public_statistics_geojson": Row("GET", EVERYONE),
}
# Outside any municipality: the login flow and the language switch.
PUBLIC = {"home", "login", "logout", "set_language"}


def url_names(resolver: Any = None) -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_it_declares_every_url():
    names = url_names()
    assert names - MATRIX.keys() - PUBLIC == set(), "URLs without a row in the access matrix"
    assert MATRIX.keys() - names == set(), "rows for URLs that no longer exist"


@pytest.fixture
def objects(personas: dict[str, Any], sala: Any) -> dict[str, Any]:
    reporter = personas[REPORTER]
    event = make_event(
        sala, reporter=reporter, organisation=reporter.memberships.get().organisation
    )
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    photo = Photo(event=event, content_type="image/jpeg", width=8, height=8)
    photo.image.save("p.jpg", ContentFile(buffer.getvalue()), save=True)
    return (
        {
            "event": event,
            "photo": photo,
            "area": Area.objects.filter(municipality=sala).first(),
            "category": Category.objects.get(municipality=sala, code="SKA"),
            "organisation": Organisation.objects.filter(municipality=sala).first(),
            "membership": reporter.memberships.get(),
            "batch": run_import(POINTS, targets=Targets([sala]), actor=personas[POLICE]).batches[0],
            "mapping": EventTypeMapping.objects.create(
                municipality=sala, event_type="Skadegörelse", category=objects_category(sala)
            ),
        }
        | cycle_objects(sala, personas)
        | citizens_objects(sala)
    )


def objects_category(sala: Any) -> Category:
    return Category.objects.get(municipality=sala, code="SKA")


def request(client: Any, row: Row, url: str) -> Any:
    return client.post(url) if row.method == "POST" else client.get(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_each_persona_as_declared(name, personas, objects, login, client):
    row = MATRIX[name]
    kwargs: dict[str, Any] = {"code": "1981"}
    if row.pk:
        kwargs["pk"] = objects[row.pk].pk
    url = reverse(name, kwargs=kwargs)
    for persona in [*ORDER, OUTSIDER]:
        response = request(login(personas[persona]), row, url)
        if persona in row.allowed:
            assert response.status_code in (200, 302), (persona, url, response.status_code)
        elif persona == OUTSIDER:
            assert response.status_code == 404, (persona, url)
            assert b"Sala" not in response.content
        else:
            assert response.status_code == 403, (persona, url, response.status_code)
    anonymous = request(client, row, url)
    if ANONYMOUS in row.allowed:
        assert anonymous.status_code in (200, 302), (url, anonymous.status_code)
        assert not anonymous.get("Location", "").startswith("/login/"), url
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.method == "POST"))
def test_it_refuses_get_on_actions(name, personas, objects, login):
    row = MATRIX[name]
    url = reverse(name, kwargs={"code": "1981", "pk": objects[row.pk].pk})
    allowed = next(iter(row.allowed))
    assert login(personas[allowed]).get(url).status_code == 405
