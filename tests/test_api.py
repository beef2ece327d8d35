"""The REST API: tokens and scopes, the same gates as the pages, ETags, pagination, writes,
rate limits and body size, exports."""

import json
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from trygg.api.models import ApiToken
from trygg.api.services import create_token
from trygg.audit.models import AuditEvent
from trygg.cycle.models import Action
from trygg.reports.models import Event
from trygg.tenants.access import access_municipality

from .test_review import CENTRE, make_event


def token_for(user: Any, code: str = "1981", scopes: tuple[str, ...] = ("read",)) -> str:
    _token, secret = create_token(access_municipality(user, code), "test", list(scopes))
    return secret


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def as_role(personas: dict[str, Any]) -> Any:
    def _client(name: str, *scopes: str) -> Client:
        code = "1960" if name == "outsider" else "1981"
        return bearer(token_for(personas[name], code, scopes or ("read",)))

    return _client


def org_of(user: Any) -> Any:
    return user.memberships.get().organisation


def test_it_refuses_requests_without_a_valid_token(db: Any) -> None:
    for client in (Client(), bearer("trygg_not-a-token")):
        response = client.get("/api/v1/reports")
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]


def test_it_tells_who_the_token_acts_for(personas: dict[str, Any], as_role: Any) -> None:
    body = as_role("coordinator").get("/api/v1/me").json()
    assert body["municipality"] == "1981"
    assert body["roles"] == ["samordnare"]
    assert body["scopes"] == ["read"]


def test_a_revoked_or_expired_token_is_refused(personas: dict[str, Any]) -> None:
    secret = token_for(personas["analyst"])
    client = bearer(secret)
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/me").status_code == 401
    secret = token_for(personas["analyst"])
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert bearer(secret).get("/api/v1/me").status_code == 401


def test_a_token_of_a_user_no_longer_member_gets_nothing(personas: dict[str, Any]) -> None:
    secret = token_for(personas["analyst"])
    personas["analyst"].memberships.update(active=False)
    assert bearer(secret).get("/api/v1/reports").status_code == 403


def test_reports_follow_the_pages_gate(personas: dict[str, Any], sala: Any, as_role: Any) -> None:
    reporter = personas["reporter"]
    own = make_event(sala, reporter=reporter, organisation=org_of(reporter))
    other = make_event(
        sala, reporter=personas["coordinator"], organisation=org_of(personas["coordinator"])
    )
    ids = lambda c: {r["id"] for r in c.get("/api/v1/reports").json()["items"]}  # noqa: E731
    assert ids(as_role("analyst")) == {own.pk, other.pk}
    assert ids(as_role("reporter")) == {own.pk}
    assert as_role("reporter").get(f"/api/v1/reports/{other.pk}").status_code == 404
    assert as_role("steering").get(f"/api/v1/reports/{other.pk}").status_code == 200


def test_another_municipality_s_token_sees_nothing(
    personas: dict[str, Any], sala: Any, as_role: Any
) -> None:
    event = make_event(sala, reporter=personas["reporter"])
    outsider = as_role("outsider")
    assert outsider.get("/api/v1/reports").json()["count"] == 0
    response = outsider.get(f"/api/v1/reports/{event.pk}")
    assert response.status_code == 404
    assert b"Sala" not in response.content


def test_filters_and_pagination(personas: dict[str, Any], sala: Any, as_role: Any) -> None:
    now = timezone.now()
    for days in range(5):
        make_event(sala, "SKA", at=now - timedelta(days=days, hours=1))
    make_event(sala, "PLA", at=now - timedelta(hours=1))
    client = as_role("analyst")
    page = client.get("/api/v1/reports", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 6 and len(page["items"]) == 2 and page["offset"] == 1
    assert client.get("/api/v1/reports", {"category": "PLA"}).json()["count"] == 1
    start = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.get("/api/v1/reports", {"start": start}).json()["count"] in (3, 4)
    area = Event.objects.filter(area__isnull=False).first().area.code
    assert client.get("/api/v1/reports", {"area": area}).json()["count"] == 6
    assert client.get("/api/v1/reports", {"area": "nowhere"}).json()["count"] == 0
    assert client.get("/api/v1/reports", {"limit": 0}).status_code == 422


def test_read_endpoints_answer_304_to_a_matching_etag(sala: Any, as_role: Any) -> None:
    make_event(sala)
    client = as_role("analyst")
    first = client.get("/api/v1/reports")
    etag = first["ETag"]
    assert etag
    assert client.get("/api/v1/reports", HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_event(sala, "PLA")
    assert client.get("/api/v1/reports", HTTP_IF_NONE_MATCH=etag).status_code == 200


def report_body(**event: Any) -> dict[str, Any]:
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    base = {"category": "PLA", "subcategory": "PLA.BEL", "observed_from": when,
            "lat": CENTRE[0], "lon": CENTRE[1], "description": "Trasig belysning"}  # fmt: skip
    return {"client_key": str(uuid.uuid4()), "events": [base | event]}


def post(client: Client, url: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_partner_reports_with_a_write_token(personas: dict[str, Any], as_role: Any) -> None:
    client = as_role("reporter", "read", "write")
    body = report_body()
    response = post(client, "/api/v1/reports", body)
    assert response.status_code == 201, response.content
    event_id = response.json()["events"][0]
    assert Event.objects.get(pk=event_id).report.reporter == personas["reporter"]
    again = post(client, "/api/v1/reports", body)
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert AuditEvent.objects.filter(action="create", object_type="reports.report").count() == 1
    listed = client.get(f"/api/v1/reports/{event_id}").json()
    assert listed["category"] == "PLA" and listed["subcategory"] == "PLA.BEL"


def test_writing_needs_the_write_scope_and_the_role(as_role: Any) -> None:
    assert post(as_role("reporter"), "/api/v1/reports", report_body()).status_code == 403
    refused = post(as_role("analyst", "read", "write"), "/api/v1/reports", report_body())
    assert refused.status_code == 403


def test_bad_reports_get_a_clear_422(as_role: Any) -> None:
    client = as_role("reporter", "write")
    personal = post(client, "/api/v1/reports", report_body(description="Ring 070-123 45 67"))
    assert personal.status_code == 422
    assert "events[0].description" in personal.json()["detail"]
    unknown = post(client, "/api/v1/reports", report_body(category="XXX")).json()["detail"]
    assert "events[0].category" in unknown
    far = post(client, "/api/v1/reports", report_body(lat=48.85, lon=2.35)).json()["detail"]
    assert "Sverige" in json.dumps(far)  # Swedish unless the language cookie says otherwise
    broken = client.post("/api/v1/reports", "{", content_type="application/json")
    assert broken.status_code in (400, 422)


def test_actions_filter_by_organisation_and_an_id_beyond_the_database_finds_none(
    personas: dict[str, Any], sala: Any, as_role: Any
) -> None:
    org = org_of(personas["reporter"])
    Action.objects.create(municipality=sala, title="Belysning", responsible_organisation=org)
    client = as_role("coordinator")
    mine = client.get(f"/api/v1/actions?organisation={org.pk}")
    assert mine.status_code == 200 and [a["title"] for a in mine.json()["items"]] == ["Belysning"]
    huge = client.get(f"/api/v1/actions?organisation={2**70}")  # found by the API fuzz run
    assert huge.status_code == 200 and huge.json()["items"] == []


def test_action_status_is_updated_as_in_the_queue(
    personas: dict[str, Any], sala: Any, as_role: Any
) -> None:
    action = Action.objects.create(
        municipality=sala, title="Belysning", responsible_organisation=org_of(personas["reporter"])
    )
    url = f"/api/v1/actions/{action.pk}"
    done = {"status": "done", "effort": "2 h", "outcome": ""}
    client = as_role("reporter", "read", "write")
    assert post(client, url, done, "patch").status_code == 422  # an outcome is needed
    ok = post(client, url, done | {"outcome": "Lampor bytta"}, "patch")
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    assert AuditEvent.objects.filter(object_type="cycle.action", action="update").exists()
    assert post(as_role("analyst", "read", "write"), url, done, "patch").status_code == 403


def test_writes_are_rate_limited_per_token(settings: Any, as_role: Any) -> None:
    settings.TRYGG_API_WRITE_RATE = (2, 60)
    client = as_role("reporter", "write")
    codes = [post(client, "/api/v1/reports", report_body()).status_code for _ in range(3)]
    assert codes[:2] == [201, 201]
    assert codes[2] == 429
    limited = post(client, "/api/v1/reports", report_body())
    assert limited["Retry-After"] == "60"
    assert "detail" in limited.json()


def test_an_oversized_body_gets_413(settings: Any, as_role: Any) -> None:
    settings.TRYGG_API_MAX_BODY = 1000
    body = report_body(description="x" * 2000)
    response = post(as_role("reporter", "write"), "/api/v1/reports", body)
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]


def test_police_data_needs_the_scope_and_the_role(personas: dict[str, Any], as_role: Any) -> None:
    assert as_role("police").get("/api/v1/police/events").status_code == 403
    allowed = as_role("police", "read", "police").get("/api/v1/police/events")
    assert allowed.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="police.policeevent").exists()
    # A steering-group member may not see police data, so cannot even make such a token.
    with pytest.raises(ValidationError) as refused:
        token_for(personas["steering"], scopes=("read", "police"))
    assert "scopes" in refused.value.message_dict


def test_exports_in_csv_and_geojson(personas: dict[str, Any], sala: Any, as_role: Any) -> None:
    reporter = personas["reporter"]
    make_event(sala, reporter=reporter, organisation=org_of(reporter))
    make_event(sala, "PLA")
    client = as_role("analyst")
    csv_text = client.get("/api/v1/exports/reports.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("id,report,source")
    assert len(csv_text.splitlines()) == 3
    geo = client.get("/api/v1/exports/reports.geojson").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 2
    assert geo["features"][0]["geometry"]["type"] == "Point"
    assert AuditEvent.objects.filter(action="export", object_type="api.reports").count() == 2
    mine = as_role("reporter").get("/api/v1/exports/reports.geojson").json()
    assert len(mine["features"]) == 1
    assert client.get("/api/v1/exports/actions.csv").status_code == 200


def test_statistics_are_suppressed_without_the_detail_rights(sala: Any, as_role: Any) -> None:
    for _ in range(6):
        make_event(sala, "SKA")
    make_event(sala, "PLA")
    exact = {
        r["category"]: r["count"]
        for r in as_role("analyst").get("/api/v1/exports/statistics").json()
    }
    assert exact == {"SKA": 6, "PLA": 1}
    shown = as_role("reporter").get("/api/v1/exports/statistics").json()
    counts = {r["category"]: (r["count"], r["suppressed"]) for r in shown}
    assert counts == {"SKA": (6, False), "PLA": (None, True)}
    text = as_role("reporter").get("/api/v1/exports/statistics.csv").content.decode()
    assert "PLA" in text and ",1," not in text


def test_the_docs_are_served_without_a_cdn_or_inline_script(db: Any) -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/reports" in schema["paths"]


def test_a_picture_shows_its_police_part_only_with_the_police_scope(
    sala: Any, as_role: Any
) -> None:
    from trygg.picture.models import WeeklyPicture

    WeeklyPicture.objects.create(
        municipality=sala, week="2026-W47", status=WeeklyPicture.Status.PUBLISHED,
        published_at=timezone.now(), snapshot={"week": "2026-W47", "police": {"events": 3}},
    )  # fmt: skip
    plain = as_role("analyst").get("/api/v1/pictures/2026-W47").json()
    assert "police" not in plain["content"]
    full = as_role("analyst", "read", "police").get("/api/v1/pictures/2026-W47").json()
    assert full["content"]["police"] == {"events": 3}
    assert AuditEvent.objects.filter(action="view", object_type="picture.police").count() == 1
    assert as_role("analyst").get("/api/v1/pictures/2026-W01").status_code == 404
    assert as_role("analyst").get("/api/v1/pictures/not-a-week").status_code == 404
    assert as_role("reporter").get("/api/v1/pictures").status_code == 403


def test_users_make_and_revoke_their_own_tokens(personas: dict[str, Any], login: Any) -> None:
    page = login(personas["steering"]).get("/k/1981/api-tokens/").content.decode()
    assert 'value="police"' not in page  # steering may not see police data
    client = login(personas["analyst"])
    made = client.post("/k/1981/api-tokens/", {"name": "Partner", "scopes": ["read", "police"]})
    secret = re.search(r'class="secret">(trygg_[\w-]+)<', made.content.decode()).group(1)
    assert bearer(secret).get("/api/v1/me").json()["scopes"] == ["read", "police"]
    assert secret not in client.get("/k/1981/api-tokens/").content.decode()  # shown once
    token = ApiToken.objects.get(user=personas["analyst"])
    stored = json.dumps(ApiToken.objects.values().get(pk=token.pk), default=str)
    assert secret not in stored and secret[len(token.prefix) :] not in stored  # only a digest
    other = login(personas["coordinator"])
    assert other.post(f"/k/1981/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/k/1981/api-tokens/{token.pk}/revoke/").status_code == 302
    assert bearer(secret).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(object_type="api.apitoken").count() == 2
    bad = client.post("/k/1981/api-tokens/", {"name": "x", "scopes": [], "expires": "2000-01-01"})
    assert bad.status_code == 200 and ApiToken.objects.count() == 1


@pytest.fixture
def survey_answered(sala: Any) -> Any:
    """A round with A: 12 unsafe of 30, B: 10 of 25, C: 3 of 6 (too few: B hidden too)."""
    from trygg.surveys.models import Survey

    from .test_surveys import areas, fill

    today = timezone.localdate()
    survey = Survey.objects.create(
        municipality=sala, title="Enkät 4711", opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20), area_kind="deso",
    )  # fmt: skip
    a, b, c = areas(sala)[:3]
    fill(survey, a, [3] * 12 + [2] * 18)
    fill(survey, b, [4] * 10 + [1] * 15)
    fill(survey, c, [3] * 3 + [1] * 3)
    return survey, (a, b, c)


def test_survey_results_come_per_area_with_small_groups_hidden(
    survey_answered: Any, as_role: Any
) -> None:
    survey, (a, b, c) = survey_answered
    rounds = as_role("analyst").get("/api/v1/surveys").json()
    assert [(r["id"], r["title"], r["status"]) for r in rounds["items"]] == [
        (survey.pk, "Enkät 4711", "open")
    ]
    body = as_role("analyst").get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert body["respondents"] == 61 and body["minimum"] == 10
    counts = {r["area"]: r["n"] for r in body["respondents_by_area"]}
    assert counts[a.code] == 30 and counts[c.code] is None
    evening = next(q for q in body["questions"] if q["code"] == "evening")
    assert (evening["total"]["k"], evening["total"]["n"]) == (25, 61)
    groups = {g["area"]: g for g in evening["areas"]}
    assert (groups[a.code]["k"], groups[a.code]["n"]) == (12, 30)
    assert groups[a.code]["low"] < 40 < groups[a.code]["high"]
    for hidden in (b.code, c.code):
        g = groups[hidden]
        assert g["hidden"] and g["n"] is None and g["k"] is None and g["share"] is None
    assert "3" not in {str(v) for g in (groups[b.code], groups[c.code]) for v in g.values()}


def test_survey_results_csv_is_suppressed_and_audited(survey_answered: Any, as_role: Any) -> None:
    survey, (a, b, c) = survey_answered
    response = as_role("coordinator").get(f"/api/v1/exports/surveys/{survey.pk}/results.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    evening = {r[1]: r for r in rows if r[0] == "evening"}
    assert evening[a.code][3:5] == ["30", "12"]
    assert evening[b.code][3:5] == ["", ""] and evening[c.code][3:5] == ["", ""]
    assert AuditEvent.objects.filter(action="export", object_type="surveys.survey").exists()


def test_survey_endpoints_refuse_reporters_and_other_municipalities(
    survey_answered: Any, as_role: Any
) -> None:
    survey, _areas = survey_answered
    for path in (
        "/api/v1/surveys",
        f"/api/v1/surveys/{survey.pk}/results",
        f"/api/v1/exports/surveys/{survey.pk}/results.csv",
    ):
        assert as_role("reporter").get(path).status_code == 403
    outsider = as_role("outsider")
    assert outsider.get(f"/api/v1/surveys/{survey.pk}/results").status_code == 404
    assert outsider.get("/api/v1/surveys").json()["items"] == []
