"""Safety walks through the front door: the coordinator plans a walk, participants record
findings in walk mode (a retried post is stored once, personal data is refused), the protocol
PDF lists the findings, and the feedback meeting's actions become EST cycle actions."""

import io
import json
import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from trygg.audit.models import AuditEvent
from trygg.cycle.models import Action
from trygg.reports.models import Category, Event, Photo, Report, Source
from trygg.tenants.models import Organisation, Role
from trygg.walks import sun
from trygg.walks.models import AgreedAction, Finding, Light, Participant, SafetyWalk
from trygg.walks.reads import walk_findings_summary

from .conftest import make_user

CENTRE = (59.91785, 16.61604)  # Sala, DeSO 1981C1050
ROUTE = {
    "type": "LineString",
    "coordinates": [[16.6150, 59.9170], [16.6165, 59.9180], [16.6180, 59.9186]],
}


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def org_of(user: Any) -> Organisation:
    return user.memberships.get().organisation


def make_walk(sala: Any, organisations: list[Organisation], **fields: Any) -> SafetyWalk:
    """A walk written straight through the models, with these organisations taking part."""
    walk = SafetyWalk.objects.create(
        municipality=sala,
        title=fields.pop("title", "Trygghetsvandring Ekeby"),
        date=fields.pop("date", timezone.localdate()),
        start_time=fields.pop("start_time", time(18, 0)),
        light=fields.pop("light", Light.DARKNESS),
        route=ROUTE,
        **fields,
    )
    for org in organisations:
        Participant.objects.create(walk=walk, organisation=org, count=2, roles="fastighetsskötare")
    return walk


@pytest.fixture
def walk(sala: Any, personas: dict[str, Any]) -> SafetyWalk:
    return make_walk(sala, [org_of(personas["reporter"]), org_of(personas["police"])])


def finding_post(sala: Any, code: str = "PLA.BEL", **fields: Any) -> dict[str, Any]:
    return {
        "client_key": str(uuid.uuid4()),
        "category": Category.objects.get(municipality=sala, code=code).pk,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "description": "Trasig belysning vid gångtunneln.",
        **fields,
    }


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "fynd.jpg"
    return buffer


# Planning ---------------------------------------------------------------------------------


def plan(sala: Any, **changes: Any) -> dict[str, Any]:
    orgs = {o.kind: o for o in Organisation.objects.filter(municipality=sala)}
    data = {
        "title": "Trygghetsvandring Stadsparken",
        "area": "",
        "place": "",
        "date": "2026-11-10",
        "start_time": "19:00",
        "light": "",
        "route": json.dumps(ROUTE),
        "route_description": "Från torget genom parken till stationen.",
        "residents": "7",
        "status": "planned",
        "feedback_date": "",
        "feedback_notes": "",
        f"count_{orgs['bevakning'].pk}": "2",
        f"roles_{orgs['bevakning'].pk}": "trygghetsvärdar",
        f"count_{orgs['polis'].pk}": "1",
        f"roles_{orgs['polis'].pk}": "kommunpolis",
    }
    return data | changes


def test_it_plans_a_walk_with_route_participants_and_light_from_the_sun(sala, personas, login):
    client = login(personas["coordinator"])
    assert client.get("/k/1981/vandringar/ny/").status_code == 200
    response = client.post("/k/1981/vandringar/ny/", plan(sala))
    walk = SafetyWalk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/k/1981/vandringar/{walk.pk}/"
    assert walk.light == Light.DARKNESS  # 19:00 on 10 November in Sala
    assert walk.route == ROUTE and len(walk.route_sweref) == 3
    x, y = walk.route_sweref[0]
    assert 570_000 < x < 620_000 and 6_630_000 < y < 6_660_000  # SWEREF 99 TM, Sala
    taking = {p.organisation.kind: (p.count, p.roles) for p in walk.participants.all()}
    assert taking == {"bevakning": (2, "trygghetsvärdar"), "polis": (1, "kommunpolis")}
    assert walk.residents == 7 and walk.created_by == personas["coordinator"]
    assert AuditEvent.objects.filter(object_type="walks.safetywalk", action="create").exists()
    page = client.get(f"/k/1981/vandringar/{walk.pk}/").content.decode()
    assert "Trygghetsvandring Stadsparken" in page and "kommunpolis" in page


def test_it_takes_daylight_at_noon_and_keeps_a_chosen_light(sala, personas, login):
    client = login(personas["coordinator"])
    client.post("/k/1981/vandringar/ny/", plan(sala, date="2026-06-10", start_time="12:00"))
    client.post("/k/1981/vandringar/ny/", plan(sala, title="Vald", light="dusk"))
    assert SafetyWalk.objects.get(title="Trygghetsvandring Stadsparken").light == Light.DAYLIGHT
    assert SafetyWalk.objects.get(title="Vald").light == Light.DUSK


def test_it_edits_a_walk_without_a_map(sala, personas, login, walk):
    client = login(personas["coordinator"])
    data = plan(sala, route="", status="done", feedback_date="2026-11-24")
    response = client.post(f"/k/1981/vandringar/{walk.pk}/andra/", data)
    assert response.status_code == 302
    walk.refresh_from_db()
    assert walk.route is None and walk.route_sweref is None
    assert walk.route_description.startswith("Från torget")
    assert walk.status == "done" and walk.feedback_date == date(2026, 11, 24)
    assert walk.participants.count() == 2  # replaced by the form's
    assert AuditEvent.objects.filter(object_type="walks.safetywalk", action="update").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"route": '{"type": "Point", "coordinates": [16.6, 59.9]}'}, "Route: draw a line"),
        ({"route": "not json"}, "Route: draw a line"),
        (
            {
                "route": json.dumps(
                    {"type": "LineString", "coordinates": [[2.3, 48.8], [2.4, 48.9]]}
                )
            },
            "Route: every point must be in Sweden",
        ),
        (
            {"route_description": "Vi går förbi Anna, 070-123 45 67."},
            "remove personal data (phone number)",
        ),
        (
            {"feedback_notes": "Skicka till kalle@example.com"},
            "remove personal data (e-mail address)",
        ),
    ],
)
def test_it_refuses_a_bad_route_and_personal_data(sala, personas, login, changes, message):
    client = english(login(personas["coordinator"]))
    response = client.post("/k/1981/vandringar/ny/", plan(sala, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SafetyWalk.objects.exists()


def test_it_refuses_roles_that_are_personal_data(sala, personas, login):
    bevakning = Organisation.objects.get(municipality=sala, kind="bevakning")
    data = plan(sala, **{f"roles_{bevakning.pk}": "ABC 123 parkerad"})
    response = english(login(personas["coordinator"])).post("/k/1981/vandringar/ny/", data)
    assert "remove personal data (vehicle registration number)" in response.content.decode()
    assert not SafetyWalk.objects.exists()


# Walk mode --------------------------------------------------------------------------------


def test_it_records_findings_as_walk_reports_and_stores_a_retry_once(sala, personas, login, walk):
    client = login(personas["reporter"])
    page = client.get(f"/k/1981/vandringar/{walk.pk}/ga/")
    assert page.status_code == 200
    assert "Bristfällig belysning" in page.content.decode()  # a one-tap button
    url = f"/k/1981/vandringar/{walk.pk}/fynd/"
    data = finding_post(sala)
    first = client.post(url, data, HTTP_ACCEPT="application/json")
    again = client.post(url, data, HTTP_ACCEPT="application/json")  # the same finding, retried
    assert first.status_code == again.status_code == 200
    assert first.json()["number"] == again.json()["number"] == 1
    assert first.json()["created"] and not again.json()["created"]
    finding = Finding.objects.get()
    event = finding.event
    assert finding.walk == walk and Report.objects.count() == 1
    assert event.report.source == Source.WALK
    assert event.report.organisation == org_of(personas["reporter"])
    assert event.category.code == "PLA" and event.subcategory.code == "PLA.BEL"
    assert event.area is not None and event.area.code == "1981C1050"
    second = client.post(url, finding_post(sala, "SKA.KLO"), HTTP_ACCEPT="application/json")
    assert second.json()["number"] == 2 and second.json()["category"] == "Klotter"
    assert AuditEvent.objects.filter(object_type="walks.finding", action="create").count() == 2


def test_it_records_a_finding_with_a_photo_without_javascript(sala, personas, login, walk):
    client = login(personas["coordinator"])
    data = finding_post(sala, "PLA.BUS", photos=jpeg())
    response = client.post(f"/k/1981/vandringar/{walk.pk}/fynd/", data)
    assert response.status_code == 302 and response["Location"].endswith("/ga/")
    photo = Photo.objects.get()
    assert photo.event.walk_finding.walk == walk and photo.content_type == "image/jpeg"
    page = client.get(response["Location"]).content.decode()
    assert "Skymd sikt/buskage" in page


def test_it_takes_a_category_from_the_other_list(sala, personas, login, walk):
    data = finding_post(sala, "PLA.BEL")
    data["other"] = data["category"]
    data["category"] = "other"
    client = login(personas["reporter"])
    response = client.post(f"/k/1981/vandringar/{walk.pk}/fynd/", data)
    assert response.status_code == 302
    assert Finding.objects.get().event.subcategory.code == "PLA.BEL"


def test_it_refuses_personal_data_in_a_finding(sala, personas, login, walk):
    client = english(login(personas["reporter"]))
    data = finding_post(sala, description="Bilen ABC 123 står här, ring 070-123 45 67")
    response = client.post(
        f"/k/1981/vandringar/{walk.pk}/fynd/", data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "remove personal data (vehicle registration number, phone number)" in " ".join(
        response.json()["errors"]
    )
    assert not Report.objects.exists() and not Finding.objects.exists()


def test_it_asks_for_a_place_and_a_category(sala, personas, login, walk):
    client = english(login(personas["reporter"]))
    data = finding_post(sala, lat="", lon="")
    response = client.post(f"/k/1981/vandringar/{walk.pk}/fynd/", data)
    assert "Place: use your position or tap the map." in response.content.decode()
    response = client.post(
        f"/k/1981/vandringar/{walk.pk}/fynd/",
        finding_post(sala, category="OVR"),  # not a pk
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "Category" in response.json()["errors"][0]
    assert not Report.objects.exists()


def test_only_participants_and_coordinators_record(sala, personas, login, walk):
    elsewhere = make_user(sala, Role.REPORTER, org_kind="vard")  # does not take part
    client = login(elsewhere)
    # Not taking part, a reporter does not even see the walk.
    assert client.get(f"/k/1981/vandringar/{walk.pk}/ga/").status_code == 404
    url = f"/k/1981/vandringar/{walk.pk}/fynd/"
    assert client.post(url, finding_post(sala)).status_code == 404
    assert f"/vandringar/{walk.pk}/" not in client.get("/k/1981/vandringar/").content.decode()
    mine = login(personas["reporter"]).get("/k/1981/vandringar/").content.decode()
    assert f"/vandringar/{walk.pk}/ga/" in mine  # walk mode only, not the staff page
    assert f'href="/k/1981/vandringar/{walk.pk}/"' not in mine
    assert login(personas["analyst"]).post(url, finding_post(sala)).status_code == 403
    outsider = login(personas["outsider"])
    assert outsider.get(f"/k/1981/vandringar/{walk.pk}/ga/").status_code == 404
    assert not Report.objects.exists()


# Feedback meeting and protocol ------------------------------------------------------------


def record_findings(sala: Any, client: Any, walk: SafetyWalk) -> None:
    url = f"/k/1981/vandringar/{walk.pk}/fynd/"
    client.post(url, finding_post(sala, "PLA.BEL", photos=jpeg()))
    client.post(url, finding_post(sala, "SKA.KLO", description="Taggar på elskåpet vid skolan."))


def test_it_records_agreed_actions_as_cycle_actions(sala, personas, login, walk):
    walk.status = SafetyWalk.Status.DONE
    walk.save()
    client = login(personas["coordinator"])
    record_findings(sala, client, walk)
    lighting = Finding.objects.get(number=1)
    guards = Organisation.objects.get(municipality=sala, kind="bevakning")
    response = client.post(
        f"/k/1981/vandringar/{walk.pk}/atgarder/",
        {
            "title": "Byt armaturerna vid gångtunneln",
            "responsible_organisation": guards.pk,
            "end": "2026-12-31",
            "finding": lighting.pk,
        },
    )
    assert response.status_code == 302
    agreed = AgreedAction.objects.get()
    action = agreed.action
    assert agreed.walk == walk and agreed.finding == lighting
    assert action.responsible_organisation == guards and action.end == date(2026, 12, 31)
    assert list(action.events.all()) == [lighting.event] and action.area == lighting.event.area
    assert action.status == Action.Status.PLANNED and action.created_by == personas["coordinator"]
    walk.refresh_from_db()
    assert walk.status == SafetyWalk.Status.FOLLOWED_UP
    assert AuditEvent.objects.filter(object_type="cycle.action", action="create").exists()
    # The responsible organisation sees it in its queue like any action.
    queue = login(personas["reporter"]).get(reverse("action_queue", args=["1981"]))
    assert reverse("action_detail", args=["1981", action.pk]) in queue.content.decode()
    action.status = Action.Status.DONE
    action.save()
    page = english(client).get(f"/k/1981/vandringar/{walk.pk}/").content.decode()
    assert "Byt armaturerna vid gångtunneln" in page and ">done<" in page


def test_it_refuses_an_agreed_action_without_what_or_with_another_walks_finding(
    sala, personas, login, walk
):
    client = english(login(personas["coordinator"]))
    other = make_walk(sala, [])
    record_findings(sala, client, other)
    org = Organisation.objects.filter(municipality=sala).first()
    response = client.post(
        f"/k/1981/vandringar/{walk.pk}/atgarder/",
        {"title": "", "responsible_organisation": org.pk, "finding": Finding.objects.first().pk},
        follow=True,
    )
    assert "This field is required" in response.content.decode()
    assert not Action.objects.exists()


def pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_it_writes_the_protocol_pdf_with_findings_and_actions(sala, personas, login, walk):
    client = login(personas["coordinator"])
    record_findings(sala, client, walk)
    org = Organisation.objects.get(municipality=sala, kind="polis")
    client.post(
        f"/k/1981/vandringar/{walk.pk}/atgarder/",
        {"title": "Ökad närvaro kvällstid", "responsible_organisation": org.pk, "end": ""},
    )
    response = login(personas["analyst"]).get(f"/k/1981/vandringar/{walk.pk}/protokoll.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_type="walks.safetywalk").exists()
    text = pdf_text(response.content)
    if text is not None:
        for expected in (
            "Trygghetsvandring Ekeby",
            "Taggar på elskåpet vid skolan.",
            "Trasig belysning vid gångtunneln.",
            "Ökad närvaro kvällstid",
            org.name,
        ):
            assert expected in text, expected


# For other documents and the sun ----------------------------------------------------------


def test_it_summarises_the_walks_of_a_period(sala, personas, login, walk):
    client = login(personas["coordinator"])
    walk.status = SafetyWalk.Status.DONE
    walk.save()
    record_findings(sala, client, walk)
    make_walk(sala, [], title="Planerad", date=timezone.localdate() + timedelta(days=3))
    org = Organisation.objects.filter(municipality=sala).first()
    client.post(
        f"/k/1981/vandringar/{walk.pk}/atgarder/",
        {"title": "Klottersanering", "responsible_organisation": org.pk},
    )
    Action.objects.update(status=Action.Status.DONE)
    today = timezone.localdate()
    summary = walk_findings_summary(sala, today - timedelta(days=30), today + timedelta(days=30))
    assert summary["walks"] == 1 and summary["planned"] == 1 and summary["findings"] == 2
    assert dict(summary["by_category"]) == {"Bristfällig belysning": 1, "Klotter": 1}
    assert dict(summary["by_area"]) == {Event.objects.first().area.label: 2}
    assert summary["actions_agreed"] == 1 and summary["actions_done"] == 1
    empty = walk_findings_summary(sala, date(2020, 1, 1), date(2020, 12, 31))
    assert empty["walks"] == 0 and empty["findings"] == 0


def test_the_sun_sets_early_in_a_sala_winter():
    lat, lon = 59.92, 16.61
    assert sun.light(lat, lon, datetime(2026, 6, 21, 10, tzinfo=UTC)) == "daylight"
    assert sun.light(lat, lon, datetime(2026, 12, 21, 19, tzinfo=UTC)) == "darkness"
    # Sunset in Sala on 21 December is about 14:45 local time (13:45 UTC).
    assert sun.elevation(lat, lon, datetime(2026, 12, 21, 13, 20, tzinfo=UTC)) > sun.SUNRISE
    assert sun.elevation(lat, lon, datetime(2026, 12, 21, 14, 15, tzinfo=UTC)) < sun.SUNRISE
    assert sun.light(lat, lon, datetime(2026, 12, 21, 14, 15, tzinfo=UTC)) == "dusk"
