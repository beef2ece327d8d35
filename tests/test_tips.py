"""Citizen tips: the anonymous public form, the moderation queue, and tips kept apart from the
professionals' statistics. Through the front door: HTTP client and services, personas."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from trygg.areas.models import Place
from trygg.audit.models import AuditEvent
from trygg.picture.compute import compute
from trygg.picture.weeks import Week
from trygg.reports.models import Category, Event, Source
from trygg.tips.models import Tip, TipCategory
from trygg.tips.services import close_tip, moderate_tip, public_tip_categories, submit_tip
from trygg.tips.views import MAX_BODY, RATE_LIMIT

# A point in central Sala (inside the DeSO fixture) and one in Kungsör.
SALA = (59.9206, 16.6057)
KUNGSOR = (59.4226, 16.0966)


def lighting(m: Any) -> Category:
    return Category.objects.get(municipality=m, code="PLA.BEL")


def tip_in(m: Any, **kwargs: Any) -> Tip:
    values: dict[str, Any] = {"category": lighting(m), "lat": SALA[0], "lon": SALA[1]}
    return submit_tip(m, **(values | kwargs))


# Services ----------------------------------------------------------------------------------


def test_it_stores_a_tip_as_a_citizen_report_with_one_event(sala):
    tip = tip_in(sala, description="Lampan vid gångtunneln är trasig")
    event = Event.objects.get(report=tip.report)
    assert tip.report.source == Source.CITIZEN and tip.report.reporter is None
    assert (event.category.code, event.subcategory.code) == ("PLA", "PLA.BEL")
    assert event.area is not None and not event.outside_areas
    assert 6_000_000 < event.y < 7_700_000 and 200_000 < event.x < 1_000_000  # SWEREF 99 TM
    assert tip.status == Tip.Status.NEW and tip.public_status == "open"
    assert len(tip.public_id) == 8
    audit = AuditEvent.objects.get(object_type="tips.tip", object_id=str(tip.pk))
    assert audit.action == "create" and audit.user is None


def test_it_is_idempotent_on_the_client_key(sala):
    first = tip_in(sala, client_key="abc-1")
    again = tip_in(sala, client_key="abc-1")
    assert first.pk == again.pk and Tip.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lat": KUNGSOR[0], "lon": KUNGSOR[1]}, "lat"),
        ({"lat": 48.85, "lon": 2.35}, "lat"),
        ({"description": "Ring 070-123 45 67"}, "description"),
        ({"description": "Bilen ABC 123 stod där"}, "description"),
        ({"observed_at": timezone.now() + timedelta(days=1)}, "observed_from"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_it_refuses_bad_tips_naming_the_field(sala, kwargs, field):
    with pytest.raises(ValidationError) as e:
        tip_in(sala, **kwargs)
    assert field in e.value.message_dict
    assert Tip.objects.count() == 0 and Event.objects.count() == 0


def test_it_takes_only_public_tip_categories(sala):
    drugs = Category.objects.get(municipality=sala, code="ORD.NAR")
    assert drugs not in public_tip_categories(sala)
    with pytest.raises(ValidationError) as e:
        tip_in(sala, category=drugs)
    assert "category" in e.value.message_dict
    TipCategory.objects.create(municipality=sala, category=drugs)
    assert public_tip_categories(sala) == [drugs]  # the administrator's choice replaces defaults
    assert tip_in(sala, category=drugs).report.events.get().subcategory == drugs


def test_it_moderates_and_closes(sala, personas):
    coordinator = personas["coordinator"]
    tip = tip_in(sala)
    moderate_tip(coordinator, tip, accept=True, note="Tack, vi åtgärdar belysningen.")
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACCEPTED and tip.moderated_by == coordinator
    assert tip.public_status == "open" and tip.report.events.get().reviewed_at is not None
    with pytest.raises(ValidationError):
        moderate_tip(coordinator, tip, accept=False)
    close_tip(coordinator, tip, note="Lampan är lagad.")
    tip.refresh_from_db()
    assert (tip.status, tip.public_status, tip.public_note) == (
        "closed",
        "closed",
        "Lampan är lagad.",
    )
    with pytest.raises(ValidationError):
        close_tip(coordinator, tip)
    actions = AuditEvent.objects.filter(object_type="tips.tip", object_id=str(tip.pk))
    assert actions.count() == 3


def test_a_public_answer_may_not_hold_personal_data(sala, personas):
    tip = tip_in(sala)
    with pytest.raises(ValidationError) as e:
        moderate_tip(personas["coordinator"], tip, accept=True, note="Mejla anna@example.se")
    assert "note" in e.value.message_dict
    tip.refresh_from_db()
    assert tip.status == Tip.Status.NEW


# The public form ----------------------------------------------------------------------------

FORM = "/kommun/1981/tips/"


def form_data(m: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "category": lighting(m).pk,
        "lat": SALA[0],
        "lon": SALA[1],
        "place": "",
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Lampan vid gångtunneln är trasig",
        "client_key": str(uuid.uuid4()),
        "website": "",
    }
    return data | overrides


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def test_a_resident_sends_a_tip_without_an_account(sala, client, english):
    page = client.get(FORM, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Poor lighting" in page.content.decode() and 'name="website"' in page.content.decode()
    response = client.post(FORM, form_data(sala), follow=True)
    tip = Tip.objects.get()
    assert response.redirect_chain[-1][0] == f"/kommun/1981/tips/{tip.public_id}/"
    body = response.content.decode()
    assert "Thank you! Your tip is sent." in body and tip.public_id in body
    assert tip.channel == Tip.Channel.WEB and tip.report.source == Source.CITIZEN


def test_the_status_page_shows_status_and_answer_only(sala, client, personas, english):
    tip = tip_in(sala, description="Lampan vid gångtunneln är trasig")
    moderate_tip(personas["coordinator"], tip, accept=True, note="Tack! Vi lagar lampan.")
    body = client.get(f"/kommun/1981/tips/{tip.public_id.lower()}/").content.decode()
    event = tip.report.events.get()
    assert "Tack! Vi lagar lampan." in body and "accepted" in body
    for internal in (
        "gångtunneln",
        event.area.code,
        f"{event.lat:.4f}",
        personas["coordinator"].username,
    ):
        assert internal not in body
    assert client.get("/kommun/1981/tips/NOSUCHID/").status_code == 404
    assert client.get(f"/kommun/1960/tips/{tip.public_id}/").status_code == 404


def test_it_places_a_tip_at_a_named_place_without_javascript(sala, client):
    place = Place.objects.create(
        municipality=sala, name="Stora torget", kind=Place.Kind.SQUARE, lat=59.9215, lon=16.6066
    )
    response = client.post(FORM, form_data(sala, lat="", lon="", place=f"p{place.pk}"))
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.lat, event.lon, event.place) == (59.9215, 16.6066, place)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "Ring mig på 070-123 45 67"}, "remove personal data (phone number)"),
        (
            {"description": "anna.svensson@example.se såg det"},
            "remove personal data (e-mail address)",
        ),
        ({"lat": KUNGSOR[0], "lon": KUNGSOR[1]}, "the position is outside Sala"),
        ({"lat": "", "lon": ""}, "Place: tap the map or choose a place from the list."),
        ({"category": ""}, "Category: choose what the tip is about."),
        ({"observed_at": "igår"}, "When: give a date and time"),
    ],
)
def test_the_form_refuses_bad_tips_with_a_clear_message(sala, client, english, overrides, message):
    response = client.post(FORM, form_data(sala, **overrides))
    assert response.status_code == 200 and response.context["form"].errors
    assert message in response.content.decode()
    assert Tip.objects.count() == 0 and Event.objects.count() == 0


def test_a_filled_honeypot_saves_nothing(sala, client):
    response = client.post(FORM, form_data(sala, website="https://spam.example"))
    assert response.status_code == 400 and Tip.objects.count() == 0


def test_a_large_body_is_refused(sala, client):
    response = client.post(FORM, form_data(sala, description="x" * (MAX_BODY + 10)))
    assert response.status_code == 413 and Tip.objects.count() == 0


def test_it_limits_tips_per_address(sala, client, english):
    for _ in range(RATE_LIMIT):
        assert client.post(FORM, form_data(sala)).status_code == 302
    refused = client.post(FORM, form_data(sala))
    assert refused.status_code == 429 and "Too many tips" in refused.content.decode()
    assert Tip.objects.count() == RATE_LIMIT
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(FORM, form_data(sala)).status_code == 302


def test_the_form_needs_a_csrf_token(sala):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, form_data(sala)).status_code == 403
    assert Tip.objects.count() == 0


# Moderation ---------------------------------------------------------------------------------


def staff(login: Any, personas: Any, name: str) -> Any:
    client = login(personas[name])
    client.cookies["django_language"] = "en"
    return client


def test_the_coordinator_accepts_a_tip_over_htmx(sala, personas, login, client):
    tip = tip_in(sala)
    coordinator = staff(login, personas, "coordinator")
    queue = coordinator.get("/k/1981/tips/").content.decode()
    assert tip.public_id in queue and "1 new tip waits for moderation." in queue
    url = f"/k/1981/tips/{tip.pk}/moderate/"
    response = coordinator.post(
        url, {"decision": "accept", "note": "Tack, vi åtgärdar det."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="moderation"' in response.content.decode()
    assert "<html" not in response.content.decode()
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACCEPTED and tip.moderated_by == personas["coordinator"]
    status = client.get(f"/kommun/1981/tips/{tip.public_id}/").content.decode()
    assert "Tack, vi åtgärdar det." in status
    closed = coordinator.post(f"/k/1981/tips/{tip.pk}/close/", {"note": ""})
    assert closed.status_code == 302
    tip.refresh_from_db()
    assert tip.status == Tip.Status.CLOSED and tip.public_status == "closed"


def test_a_second_decision_is_refused_with_a_message(sala, personas, login):
    tip = tip_in(sala)
    coordinator = staff(login, personas, "coordinator")
    coordinator.post(f"/k/1981/tips/{tip.pk}/moderate/", {"decision": "reject"})
    again = coordinator.post(
        f"/k/1981/tips/{tip.pk}/moderate/", {"decision": "accept"}, follow=True
    )
    assert "is already moderated (rejected)" in again.content.decode()
    tip.refresh_from_db()
    assert tip.status == Tip.Status.REJECTED


@pytest.mark.parametrize(
    ("persona", "status"), [("reporter", 403), ("analyst", 403), ("outsider", 404)]
)
def test_others_may_not_moderate(sala, personas, login, persona, status):
    tip = tip_in(sala)
    client = login(personas[persona])
    assert (
        client.post(f"/k/1981/tips/{tip.pk}/moderate/", {"decision": "accept"}).status_code
        == status
    )
    assert client.post("/k/1981/tips/", {"tip": [tip.pk]}).status_code == status
    tip.refresh_from_db()
    assert tip.status == Tip.Status.NEW


def test_the_outsider_sees_no_tip(sala, kungsor, personas, login):
    tip = tip_in(sala)
    outsider = login(personas["outsider"])
    assert outsider.get("/k/1981/tips/").status_code == 404
    assert outsider.get(f"/k/1960/tips/{tip.pk}/").status_code == 404
    assert tip.public_id not in outsider.get("/k/1960/tips/").content.decode()


def test_spam_is_rejected_in_bulk(sala, personas, login):
    spam = [tip_in(sala, description=f"Köp billiga klockor {n}") for n in range(3)]
    kept = tip_in(sala)
    coordinator = staff(login, personas, "coordinator")
    response = coordinator.post("/k/1981/tips/", {"tip": [t.pk for t in spam]}, follow=True)
    assert "3 tips rejected." in response.content.decode()
    statuses = dict(Tip.objects.values_list("pk", "status"))
    assert [statuses[t.pk] for t in spam] == ["rejected"] * 3 and statuses[kept.pk] == "new"
    audit = AuditEvent.objects.filter(object_type="tips.tip", summary__endswith="rejected")
    assert audit.count() == 3


# Kept apart from the professional statistics ------------------------------------------------


def test_tips_never_count_as_reports(sala, personas, login):
    tip_in(sala)  # new
    accepted, rejected = tip_in(sala), tip_in(sala)
    moderate_tip(personas["coordinator"], accepted, accept=True)
    moderate_tip(personas["coordinator"], rejected, accept=False)
    assert Event.objects.filter(municipality=sala).counted().count() == 0
    week = Week.of(timezone.localdate())
    picture = compute(sala, week)
    assert picture["total"]["count"] == 0 and picture["points"] == []
    dashboard = login(personas["analyst"]).get("/k/1981/").context
    assert dashboard["week_count"] == 0 and dashboard["unreviewed"] == 0


def test_the_event_list_shows_accepted_tips_as_their_own_source(sala, personas, login):
    tip_in(sala)  # new: not listed
    accepted = tip_in(sala)
    moderate_tip(personas["coordinator"], accepted, accept=True)
    analyst = staff(login, personas, "analyst")
    rows = analyst.get("/k/1981/events/?source=tips").context["page"].object_list
    assert [e.report_id for e in rows] == [accepted.report_id]
    assert analyst.get("/k/1981/events/?source=rapport").context["page"].object_list == []


def test_the_map_shows_tips_as_a_layer_and_new_ones_to_moderators(sala, personas, login):
    new, accepted = tip_in(sala), tip_in(sala)
    moderate_tip(personas["coordinator"], accepted, accept=True)

    def layers(name: str) -> dict[str, str]:
        data = login(personas[name]).get("/k/1981/events/geojson/").json()
        return {f["properties"]["url"]: f["properties"]["layer"] for f in data["features"]}

    accepted_url, new_url = f"/k/1981/tips/{accepted.pk}/", f"/k/1981/tips/{new.pk}/"
    assert layers("coordinator") == {accepted_url: "tips", new_url: "new_tips"}
    assert layers("analyst") == {accepted_url: "tips"}


def test_the_administrator_chooses_the_tip_categories(sala, personas, login, client, english):
    admin = staff(login, personas, "admin")
    page = admin.get("/k/1981/tips/categories/").content.decode()
    assert "Unsafe place – Poor lighting" in page
    drugs = Category.objects.get(municipality=sala, code="ORD.NAR")
    litter = Category.objects.get(municipality=sala, code="PLA.NED")
    response = admin.post("/k/1981/tips/categories/", {"categories": [litter.pk, drugs.pk]})
    assert response.status_code == 302
    assert public_tip_categories(sala) == [drugs, litter]
    form = client.get(FORM).content.decode()
    assert "Littering" in form and "Poor lighting" not in form
    empty = admin.post("/k/1981/tips/categories/", {})
    assert "Categories: choose at least one." in empty.content.decode()
    assert AuditEvent.objects.filter(object_type="tips.tipcategory").count() == 1
    assert login(personas["coordinator"]).get("/k/1981/tips/categories/").status_code == 403
