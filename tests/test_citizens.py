"""Citizen promises: the coordinator writes and publishes them, the public reads them."""

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from trygg.audit.models import AuditEvent
from trygg.citizens.models import CitizenPromise, Commitment, Progress
from trygg.cycle.models import Action, DirectionDecision, FollowUp
from trygg.tenants.models import Organisation


def citizens_objects(sala: Any) -> dict[str, Any]:
    """A published promise with a commitment and a progress entry (for the access matrix)."""
    promise = CitizenPromise.objects.create(
        municipality=sala, period="2026 juli–december", starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31), published=True,
    )  # fmt: skip
    commitment = Commitment.objects.create(promise=promise, text="Sala-löfte 4711", party="polis")
    progress = Progress.objects.create(commitment=commitment, date=date(2026, 8, 1), text="x")
    return {"promise": promise, "commitment": commitment, "progress": progress}


def url(name: str, *args: Any) -> str:
    return reverse(name, args=["1981", *args])


@pytest.fixture
def coordinator(personas: dict[str, Any], login: Any) -> Any:
    return login(personas["coordinator"])


def new_promise(client: Any, **changes: str) -> CitizenPromise:
    data = {
        "period": "2026 juli–december", "starts_on": "2026-07-01", "ends_on": "2026-12-31",
        "signed_on": "2026-06-20", "signatories": "Kommunstyrelsens ordförande\nLPO-chef",
        "intro": "Löftena bygger på medborgardialogen.",
    } | changes  # fmt: skip
    response = client.post(url("promise_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return CitizenPromise.objects.latest("pk")


def test_it_takes_a_promise_from_the_coordinator_to_the_public(coordinator, client, sala):
    org = Organisation.objects.filter(municipality=sala).first()
    public_action = Action.objects.create(
        municipality=sala, title="Skolbesök på Vallaskolan", responsible_organisation=org
    )
    secret_action = Action.objects.create(
        municipality=sala, title="Hemlig spaning", responsible_organisation=org, internal=True
    )
    promise = new_promise(coordinator)
    assert client.get(url("public_promise_detail", promise.pk)).status_code == 404
    assert "2026 juli–december" not in client.get(url("public_home")).content.decode()

    response = coordinator.post(
        url("promise_commitment", promise.pk),
        {"position": "1", "text": "Polisen lovar att besöka skolorna.", "party": "polis",
         "organisation": str(org.pk), "actions": [str(public_action.pk), str(secret_action.pk)],
         "status": "in_progress", "public_note": "Besök varje vecka."},
    )  # fmt: skip
    assert response.status_code == 302
    commitment = promise.commitments.get()
    for text, published in [("Besökte Vallaskolan i 20 minuter.", "on"), ("Intern notering", "")]:
        coordinator.post(
            url("commitment_progress", commitment.pk),
            {"new-date": "2026-09-01", "new-text": text, "new-published": published},
        )
    assert commitment.progress.count() == 2
    coordinator.post(url("promise_publish", promise.pk), {"published": "1"})

    page = client.get(url("public_promise_detail", promise.pk)).content.decode()
    assert "Polisen lovar att besöka skolorna." in page
    assert "Besökte Vallaskolan i 20 minuter." in page
    assert "Besök varje vecka." in page
    assert "Skolbesök på Vallaskolan" in page
    assert "Intern notering" not in page
    assert "Hemlig spaning" not in page
    assert "pågår" in page  # the status, in words
    home = client.get(url("public_home")).content.decode()
    assert "Polisen lovar att besöka skolorna." in home
    actions = set(
        AuditEvent.objects.filter(object_type__startswith="citizens.").values_list(
            "object_type", "action"
        )
    )
    expected = {
        ("citizens.citizenpromise", "create"),
        ("citizens.commitment", "create"),
        ("citizens.progress", "create"),
        ("citizens.citizenpromise", "update"),
    }
    assert expected <= actions


def test_it_withdraws_a_promise_and_a_progress_entry(coordinator, client, sala):
    objects = citizens_objects(sala)
    promise, progress = objects["promise"], objects["progress"]
    coordinator.post(url("progress_publish", progress.pk), {"published": "1"})
    assert (
        "Sala-löfte 4711" in client.get(url("public_promise_detail", promise.pk)).content.decode()
    )
    coordinator.post(url("promise_publish", promise.pk), {"published": "0"})
    assert client.get(url("public_promise_detail", promise.pk)).status_code == 404
    assert "Sala-löfte 4711" not in client.get(url("public_home")).content.decode()


def test_it_refuses_personal_data_in_public_text(coordinator, sala):
    response = coordinator.post(
        url("promise_new"),
        {"period": "2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
         "intro": "Ring 070-123 45 67 om du undrar."},
    )  # fmt: skip
    assert response.status_code == 200
    assert "personuppgifter" in response.content.decode()
    assert not CitizenPromise.objects.exists()


def test_it_refuses_a_promise_that_ends_before_it_starts(coordinator, sala):
    response = coordinator.post(
        url("promise_new"), {"period": "2026", "starts_on": "2026-06-01", "ends_on": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "kan inte sluta innan det börjar" in response.content.decode()


def test_it_keeps_another_kommuns_promise_off_our_public_page(client, sala, kungsor):
    theirs = CitizenPromise.objects.create(
        municipality=kungsor, period="Kungsör 2026", starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31), published=True,
    )  # fmt: skip
    assert client.get(url("public_promise_detail", theirs.pk)).status_code == 404
    assert client.get("/kommun/9999/").status_code == 404


def test_it_publishes_direction_and_followup_only_when_chosen(coordinator, client, sala):
    direction = DirectionDecision.objects.create(
        municipality=sala, period="2026-Q4", decided_on=date(2026, 10, 1),
        summary="Fokus på centrum kvällstid.", municipal_responsibility="Belysning.",
        police_responsibility="Närvaro.",
    )  # fmt: skip
    followup = FollowUp.objects.create(municipality=sala, period="2026-Q3", notes="Internt 4711")
    home = client.get(url("public_home")).content.decode()
    assert "Fokus på centrum kvällstid." not in home

    coordinator.post(url("publication_direction", direction.pk), {"published": "1"})
    response = coordinator.post(
        url("publication_followup", followup.pk),
        {"published": "1", "text": "Färre grupperingar vid torget."},
    )
    assert response.status_code == 302
    home = client.get(url("public_home")).content.decode()
    assert "Fokus på centrum kvällstid." in home
    assert "Färre grupperingar vid torget." in home
    assert "Internt 4711" not in home

    coordinator.post(url("publication_direction", direction.pk), {"published": "0"})
    coordinator.post(url("publication_followup", followup.pk), {"published": "0"})
    home = client.get(url("public_home")).content.decode()
    assert "Fokus på centrum kvällstid." not in home
    assert "Färre grupperingar vid torget." not in home


def test_it_speaks_english_on_request(client, sala):
    assert "Trygghetsarbetet i Sala" in client.get(url("public_home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url("public_home")})
    page = client.get(url("public_home")).content.decode()
    assert "Safety work in Sala" in page
    assert '<html lang="en">' in page


def test_the_dashboard_links_the_public_page(personas, login, sala):
    page = login(personas["analyst"]).get(url("dashboard")).content.decode()
    assert url("public_home") in page
    assert url("promise_list") in page


def test_the_demo_fills_salas_public_page(db, client):
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    home = client.get(url("public_home")).content.decode()
    assert "Gällande inriktningsbeslut" in home and "Inget inriktningsbeslut" not in home
    assert "Skolbesök enligt 20-minutersmetoden" in home  # a published progress entry
    assert "Intern avstämning" not in home  # an internal one
    assert "Riktad polisnärvaro" not in home  # an internal action
    assert "Uppföljning 20" in home  # the published follow-up
    first = CitizenPromise.objects.get(municipality__code="1981", period="2024 januari–juni")
    page = client.get(url("public_promise_detail", first.pk)).content.decode()
    assert "Kungsängsgymnasiet och Ösby naturbruksgymnasium" in page
    assert "22 januari 2024" in page
    before = CitizenPromise.objects.count(), Progress.objects.count()
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    assert (CitizenPromise.objects.count(), Progress.objects.count()) == before


def test_it_shows_a_published_weekly_picture_only_as_the_text_for_the_public(
    coordinator, client, sala, personas, login
):
    from trygg.citizens.models import PublishedPicture
    from trygg.picture.models import WeeklyPicture

    draft = WeeklyPicture.objects.create(municipality=sala, week="2026-W45")
    frozen = WeeklyPicture.objects.create(
        municipality=sala, week="2026-W46", status=WeeklyPicture.Status.PUBLISHED,
        snapshot={"total": {"count": 4711}, "points": [[59.9, 16.6]], "police": {"events": 4712}},
    )  # fmt: skip
    # A draft cannot go public; personal data is refused; other roles may not publish.
    coordinator.post(url("publication_picture", draft.pk), {"published": "1", "text": "Lugnt."})
    assert not PublishedPicture.objects.exists()
    coordinator.post(
        url("publication_picture", frozen.pk), {"published": "1", "text": "Ring 070-123 45 67"}
    )
    assert not PublishedPicture.objects.exists()
    analyst = login(personas["analyst"])
    response = analyst.post(url("publication_picture", frozen.pk), {"published": "1", "text": "x"})
    assert response.status_code == 403
    listing = coordinator.get(url("publication_list")).content.decode()
    assert "2026-W46" in listing and "2026-W45" not in listing

    response = coordinator.post(
        url("publication_picture", frozen.pk),
        {"published": "1", "text": "Lugnare i centrum, fler klotteranmälningar i Ekeby."},
    )
    assert response.status_code == 302
    published = PublishedPicture.objects.get()
    assert published.published_by == personas["coordinator"] and published.published_at
    audit = AuditEvent.objects.filter(object_type="picture.weeklypicture").latest("pk")
    assert audit.user == personas["coordinator"] and audit.detail["published"] is True
    assert audit.object_id == str(frozen.pk) and audit.action == "update"
    home = client.get(url("public_home")).content.decode()
    assert "Läget vecka 2026-W46" in home
    assert "Lugnare i centrum, fler klotteranmälningar i Ekeby." in home
    assert "4711" not in home and "4712" not in home and "59.9" not in home

    coordinator.post(url("publication_picture", frozen.pk), {"published": "0"})
    assert not PublishedPicture.objects.exists()
    assert "Läget vecka 2026-W46" not in client.get(url("public_home")).content.decode()


def test_the_public_page_shows_a_closed_surveys_results_only_when_published(client, sala):
    from datetime import timedelta

    from django.utils import timezone

    from trygg.surveys.models import Survey

    from .test_surveys import areas, fill

    today = timezone.localdate()
    survey = Survey.objects.create(
        municipality=sala, title="Trygghetsenkät våren", opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=30), area_kind="deso",
    )  # fmt: skip
    a, b, c = areas(sala)[:3]
    fill(survey, a, [3] * 12 + [2] * 18)  # 40 % of 30
    fill(survey, b, [4] * 10 + [1] * 15)  # hidden to protect C
    fill(survey, c, [3] * 3 + [1] * 3)  # fewer than 10
    home = client.get(url("public_home")).content.decode()
    assert "Trygghetsenkät våren" not in home
    survey.publish_results = True
    survey.save()
    home = client.get(url("public_home")).content.decode()
    assert "Trygghetsenkät våren" in home and "61 svar" in home
    assert "40 % (" in home  # area A's share with its interval
    assert "färre än 10 svar" in home and "dold för att skydda en liten grupp" in home
    assert "10 av 25" not in home and "3 av 6" not in home
    # An open survey, even marked to publish, shows no results: only the link to answer it.
    survey.closes_on = today + timedelta(days=3)
    survey.save()
    home = client.get(url("public_home")).content.decode()
    assert "61 svar" not in home
    assert reverse("survey_answer", args=["1981", survey.pk]) in home
