"""Every URL, as every persona, against a declared matrix of what each role may do.

A new URL without a row here fails `test_it_declares_every_url`: access is decided on
purpose, never by accident. The outsider (an admin of another municipality) gets 404
everywhere and never sees a name of ours; an anonymous visitor is sent to the login page.
"""

import io
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from trygg.api.models import ApiToken
from trygg.api.services import create_open311_key, create_token, digest
from trygg.areas.models import Area
from trygg.imports.engine import run_import
from trygg.imports.kommuner import Targets
from trygg.picture.models import WeeklyPicture
from trygg.police.models import EventTypeMapping
from trygg.reports.models import Category, Photo
from trygg.surveys.models import Survey
from trygg.tenants.access import access_municipality
from trygg.tenants.models import Organisation
from trygg.tips.services import submit_tip

from .test_citizens import citizens_objects
from .test_cycle_access import cycle_objects
from .test_imports_web import POINTS
from .test_lagesbild import lagesbild_objects
from .test_review import make_event
from .test_walks import make_walk

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
    refused: int = 403  # 404 where the object is the user's own (a token): others don't see it


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
    "member_reset_2fa": Row("POST", ADMINS, "membership"),
    "member_erase": Row("GET", ADMINS, "membership"),  # the confirmation page; POST erases
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
    # The lägesbild and action plan of Lag (2023:196) (trygg.lagesbild).
    "lagesbild_list": Row("GET", VIEWERS),
    "lagesbild_detail": Row("GET", VIEWERS, "lagesbild"),
    "lagesbild_edit": Row("POST", REVIEWERS, "lagesbild"),
    "lagesbild_export": Row("GET", VIEWERS, "lagesbild"),
    "lagesbild_adopt": Row("GET", frozenset({STEERING, COORDINATOR, ADMIN}), "lagesbild"),
    "lagesbild_version": Row("GET", VIEWERS, "lagesbild_version"),
    "lagesbild_problem_new": Row("GET", REVIEWERS),
    "lagesbild_problem_edit": Row("GET", REVIEWERS, "problem"),
    "lagesbild_plan": Row("GET", VIEWERS),
    "lagesbild_measure_new": Row("GET", REVIEWERS),
    "lagesbild_measure_edit": Row("GET", REVIEWERS, "measure"),
    "lagesbild_measure_status": Row("POST", REVIEWERS, "measure"),
    # Safety walks (trygg.walks): the reporter's and the police's organisations take part.
    "walk_list": Row("GET", MEMBERS),  # a reporter sees only walks their organisation joins
    "walk_new": Row("GET", REVIEWERS),
    "walk_detail": Row("GET", VIEWERS, "walk"),
    "walk_edit": Row("GET", REVIEWERS, "walk"),
    "walk_action": Row("POST", REVIEWERS, "walk"),
    "walk_mode": Row("GET", REPORTING, "walk"),
    "walk_finding": Row("POST", REPORTING, "walk"),
    "walk_protocol": Row("GET", VIEWERS, "walk"),
    # The public site.
    "public_home": Row("GET", EVERYONE),
    # Citizen tips (trygg.tips): the public form and status page, the staff's queue.
    "tip_new": Row("GET", EVERYONE),
    "tip_areas": Row("GET", EVERYONE),
    "tip_status": Row("GET", EVERYONE, "tip_public"),
    "tip_list": Row("GET", VIEWERS),
    "tip_detail": Row("GET", VIEWERS, "tip"),
    "tip_moderate": Row("POST", REVIEWERS, "tip"),
    "tip_close": Row("POST", REVIEWERS, "tip"),
    # API tokens (each user's own) and Open311 partner keys (trygg.api).
    "api_tokens": Row("GET", MEMBERS),
    "api_token_revoke": Row("POST", ADMINS, "token", refused=404),  # the admin's token
    "open311_keys": Row("GET", ADMINS),
    "open311_key_revoke": Row("POST", ADMINS, "open311_key"),
    "tip_categories": Row("GET", ADMINS),
    "survey_answer": Row("GET", EVERYONE, "survey"),
    "survey_public_areas": Row("GET", EVERYONE, "survey"),
    # Citizen dialogue surveys (staff)
    "survey_list": Row("GET", VIEWERS),
    "survey_new": Row("GET", REVIEWERS),
    "survey_results": Row("GET", VIEWERS, "survey"),
    "survey_edit": Row("GET", REVIEWERS, "survey"),
    "survey_close": Row("POST", REVIEWERS, "survey"),
    "survey_places": Row("GET", VIEWERS, "survey"),
    "survey_export": Row("GET", VIEWERS, "survey"),
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
    "publication_picture": Row("POST", REVIEWERS, "picture"),
    # The public site.
    "public_promises": Row("GET", EVERYONE),
    "public_promise_detail": Row("GET", EVERYONE, "promise"),
    "public_statistics": Row("GET", EVERYONE),
    "public_statistics_csv": Row("GET", EVERYONE),
    "public_statistics_geojson": Row("GET", EVERYONE),
}
# Outside any municipality: the login flow and the language switch.
PUBLIC = {"home", "login", "logout", "set_language"}
# Each user's own account pages (trygg.accounts): every logged-in user, about themselves only;
# tests/test_accounts.py drives them, and checks that anonymous visitors are sent to log in.
PUBLIC |= {"account_verify", "account_enrol", "account_security", "account_recovery_codes",
           "account_disable_2fa", "account_password", "account_export"}  # fmt: skip
# Open311 GeoReport v2 (/open311/v2/, jurisdiction_id in the query): public reads, POST with a
# partner's key; tests/test_open311.py drives each of them.
PUBLIC |= {"open311_discovery", "open311_services", "open311_service", "open311_requests",
           "open311_request"}  # fmt: skip


def url_names(resolver: Any = None) -> set[str]:
    """The names of the pages' URLs; the REST API's (namespace "api") are in API_MATRIX."""
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "api":
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
            "token": create_token(access_municipality(personas[ADMIN], "1981"), "t", ["read"])[0],
            "open311_key": create_open311_key(access_municipality(personas[ADMIN], "1981"), "p")[0],
            "walk": make_walk(
                sala, [personas[p].memberships.get().organisation for p in (REPORTER, POLICE)]
            ),
            "survey": Survey.objects.create(
                municipality=sala,
                title="Trygghetsenkät",
                opens_on=timezone.localdate() - timedelta(days=5),
                closes_on=timezone.localdate() + timedelta(days=20),
            ),
            "picture": WeeklyPicture.objects.create(
                municipality=sala,
                week="2026-W40",
                status=WeeklyPicture.Status.PUBLISHED,
                published_at=timezone.now(),
                snapshot={"week": "2026-W40"},
            ),
        }
        | cycle_objects(sala, personas)
        | tip_objects(sala)
        | lagesbild_objects(sala)
        | citizens_objects(sala)
    )


def tip_objects(sala: Any) -> dict[str, Any]:
    tip = submit_tip(
        sala, category=Category.objects.get(municipality=sala, code="PLA.BEL"), lat=59.92, lon=16.6
    )
    # The public status page is addressed by the tip's public id, not its primary key.
    return {"tip": tip, "tip_public": SimpleNamespace(pk=tip.public_id)}


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
            assert response.status_code == row.refused, (persona, url, response.status_code)
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


# The REST API (/api/v1/, namespace "api"): every endpoint with a token of each persona, the
# outsider's token (Kungsör's admin, with every scope) and no token. A token has the scopes
# the row needs, so the role alone decides; the police rows check the role even with the scope.
@dataclass(frozen=True)
class ApiRow:
    method: str
    path: str  # formatted with the `api_objects` fixture
    allowed: frozenset[str]
    scopes: tuple[str, ...] = ("read",)
    refused: int = 403
    # The outsider's token works in Kungsör: lists answer (with nothing of Sala), objects 404.
    outsider: int | None = None


NOT_THEIRS = 404
API_MATRIX: dict[str, ApiRow] = {
    "me": ApiRow("GET", "me", MEMBERS),
    "categories": ApiRow("GET", "categories", MEMBERS),
    "areas": ApiRow("GET", "areas", MEMBERS),
    "reports": ApiRow("GET", "reports", MEMBERS),  # a reporter's own reports
    "report": ApiRow("GET", "reports/{event}", OWN_EVENT, outsider=NOT_THEIRS),
    "create_report": ApiRow("POST", "reports", REPORTING, ("write",)),
    "actions": ApiRow("GET", "actions", MEMBERS),
    "action": ApiRow("GET", "actions/{action}", MEMBERS, outsider=NOT_THEIRS),
    "update_action": ApiRow(
        "PATCH", "actions/{action}", REVIEWERS | {REPORTER}, ("read", "write"), outsider=NOT_THEIRS
    ),
    "decisions": ApiRow("GET", "decisions", VIEWERS),
    "meetings": ApiRow("GET", "meetings", VIEWERS),
    "pictures": ApiRow("GET", "pictures", VIEWERS),
    "picture": ApiRow("GET", "pictures/{week}", VIEWERS, outsider=NOT_THEIRS),
    "analysis": ApiRow("GET", "pictures/{week}/analysis", VIEWERS, outsider=NOT_THEIRS),
    "police_events": ApiRow("GET", "police/events", POLICE_DATA, ("read", "police")),
    "reports_csv": ApiRow("GET", "exports/reports.csv", MEMBERS),
    "reports_geojson": ApiRow("GET", "exports/reports.geojson", MEMBERS),
    "actions_csv": ApiRow("GET", "exports/actions.csv", MEMBERS),
    "actions_geojson": ApiRow("GET", "exports/actions.geojson", MEMBERS),
    "statistics": ApiRow("GET", "exports/statistics", MEMBERS),
    "statistics_csv": ApiRow("GET", "exports/statistics.csv", MEMBERS),
    # Citizen-dialogue surveys: staff with the overview, suppressed results only.
    "surveys": ApiRow("GET", "surveys", VIEWERS),
    "survey_results": ApiRow("GET", "surveys/{survey}/results", VIEWERS, outsider=NOT_THEIRS),
    "survey_results_csv": ApiRow(
        "GET", "exports/surveys/{survey}/results.csv", VIEWERS, outsider=NOT_THEIRS
    ),
}
# The OpenAPI document and the interactive docs: public, they hold no data.
API_PUBLIC = {"openapi-json", "openapi-view", "api-root"}


def api_url_names() -> set[str]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api":
            return {p.name for p in pattern.url_patterns if p.name}
    return set()


def test_it_declares_every_api_endpoint():
    names = api_url_names()
    assert names - API_MATRIX.keys() - API_PUBLIC == set(), "API endpoints without a row"
    assert API_MATRIX.keys() - names == set(), "rows for API endpoints that no longer exist"


@pytest.fixture
def api_objects(objects: dict[str, Any], sala: Any) -> dict[str, Any]:
    picture = WeeklyPicture.objects.create(
        municipality=sala,
        week="2026-W47",
        status=WeeklyPicture.Status.PUBLISHED,
        published_at=timezone.now(),
        snapshot={"week": "2026-W47", "total": {"count": 1}, "police": {"events": 4711}},
    )
    return {
        "event": objects["event"].pk,
        "action": objects["action"].pk,
        "week": picture.week,
        "survey": objects["survey"].pk,
    }


def api_body(name: str) -> dict[str, Any]:
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    if name == "create_report":
        event = {"category": "PLA", "subcategory": "PLA.BEL", "observed_from": when}
        return {"client_key": str(uuid.uuid4()), "events": [event | {"lat": 59.92, "lon": 16.6}]}
    return {"status": "ongoing"}


def api_request(secret: str | None, row: ApiRow, path: str, name: str) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}") if secret else Client()
    if row.method == "GET":
        return client.get(path)
    send = getattr(client, row.method.lower())
    return send(path, json.dumps(api_body(name)), content_type="application/json")


def api_token(user: Any, municipality: Any, scopes: tuple[str, ...]) -> str:
    """A token made straight in the database: even a scope the role could never be given."""
    secret = f"trygg_matrix-{uuid.uuid4().hex}"
    ApiToken.objects.create(
        user=user, municipality=municipality, name="m", scopes=list(scopes),
        prefix=secret[:12], digest=digest(secret),
    )  # fmt: skip
    return secret


@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_the_api_answers_each_persona_as_declared(name, personas, api_objects, sala, kungsor):
    row = API_MATRIX[name]
    path = "/api/v1/" + row.path.format(**api_objects)
    for persona in ORDER:
        response = api_request(api_token(personas[persona], sala, row.scopes), row, path, name)
        expected = (200, 201) if persona in row.allowed else (row.refused,)
        assert response.status_code in expected, (persona, path, response.status_code)
    outsider = api_token(personas[OUTSIDER], kungsor, ("read", "write", "police"))
    response = api_request(outsider, row, path, name)
    if row.outsider:
        assert response.status_code == row.outsider, (path, response.status_code)
    assert response.status_code < 500
    assert b"Sala" not in response.content
    assert api_request(None, row, path, name).status_code == 401
