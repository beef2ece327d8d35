"""The coordinator's review: event list, map, detail, photos and the review actions."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from trygg.areas.geo import area_index, to_sweref, to_wgs84
from trygg.areas.models import Area
from trygg.audit.models import AuditEvent
from trygg.reports import review
from trygg.reports.models import Category, Event, Photo, Report, Source
from trygg.tenants.models import Organisation

CENTRE = (59.91785, 16.61604)  # Sala, DeSO 1981C1050
WEST = (59.91563, 16.5895)  # Sala, DeSO 1981C1030
STOCKHOLM = (59.3293, 18.0686)  # outside every Sala area
KUNGSOR = (59.42205, 16.09712)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def make_event(
    municipality: Any,
    category: str = "SKA",
    *,
    sub: str = "",
    at: Any = None,
    where: tuple[float, float] = CENTRE,
    shift_m: tuple[float, float] = (0, 0),
    reporter: Any = None,
    organisation: Any = None,
    source: str = Source.REPORTER,
    **fields: Any,
) -> Event:
    """An event written straight through the models, placed `shift_m` metres (east, north)
    from `where`, with its area derived as the reporting form does."""
    at = at or timezone.now() - timedelta(hours=2)
    x, y = to_sweref(where[1], where[0])
    x, y = x + shift_m[0], y + shift_m[1]
    lon, lat = to_wgs84(x, y)
    area_id = area_index(municipality.id).locate(lon, lat, timezone.localdate(at))
    report = Report.objects.create(
        municipality=municipality,
        organisation=organisation,
        reporter=reporter,
        source=source,
        client_key=uuid4().hex,
    )
    categories = Category.objects.filter(municipality=municipality)
    return Event.objects.create(
        report=report,
        municipality=municipality,
        category=categories.get(code=category),
        subcategory=categories.get(code=f"{category}.{sub}") if sub else None,
        observed_from=at,
        observed_to=at + timedelta(minutes=30),
        lat=lat,
        lon=lon,
        x=x,
        y=y,
        area_id=area_id,
        outside_areas=area_id is None,
        **fields,
    )


@pytest.fixture
def english(login: Any) -> Any:
    """`login`, with the UI in English so that messages can be asserted."""

    def _login(user: Any) -> Any:
        client = login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login


def link_to(event: Event) -> str:
    return f'href="/k/{event.municipality.code}/events/{event.pk}/"'


def listed(client: Any, query: str = "") -> str:
    response = client.get(f"/k/1981/events/{query}")
    assert response.status_code == 200
    return response.content.decode()


# Who may see what ------------------------------------------------------------------------

VIEWERS = ["coordinator", "analyst", "steering", "police", "admin"]
REVIEWERS = ["coordinator", "admin"]


@pytest.mark.parametrize("path", ["events/", "events/map/", "events/geojson/"])
@pytest.mark.parametrize("persona", [*VIEWERS, "reporter"])
def test_it_lets_only_viewing_roles_see_the_list_map_and_geojson(
    sala, personas, login, persona, path
):
    make_event(sala)
    response = login(personas[persona]).get(f"/k/1981/{path}")
    assert response.status_code == (200 if persona in VIEWERS else 403)


@pytest.mark.parametrize("persona", VIEWERS)
def test_it_shows_any_event_to_viewing_roles(sala, personas, login, persona):
    event = make_event(sala, reporter=personas["coordinator"])
    assert login(personas[persona]).get(f"/k/1981/events/{event.pk}/").status_code == 200


def test_it_shows_a_reporter_only_their_own_events(sala, personas, login):
    own = make_event(sala, reporter=personas["reporter"])
    other = make_event(sala, reporter=personas["police"])
    client = login(personas["reporter"])
    assert client.get(f"/k/1981/events/{own.pk}/").status_code == 200
    assert client.get(f"/k/1981/events/{other.pk}/").status_code == 404


@pytest.mark.parametrize("action", ["review", "merge", "link"])
@pytest.mark.parametrize("persona", ["reporter", "analyst", "steering", "police"])
def test_it_forbids_review_actions_to_other_roles(sala, personas, login, persona, action):
    event = make_event(sala, reporter=personas[persona])
    other = make_event(sala)
    data = {"into": other.pk, "other": other.pk}
    response = login(personas[persona]).post(f"/k/1981/events/{event.pk}/{action}/", data)
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.reviewed_at, event.duplicate_of_id, event.related.count()) == (None, None, 0)


@pytest.mark.parametrize("action", ["review", "merge", "link"])
@pytest.mark.parametrize("persona", REVIEWERS)
def test_it_allows_review_actions_only_by_post(sala, personas, login, persona, action):
    event = make_event(sala)
    client = login(personas[persona])
    assert client.get(f"/k/1981/events/{event.pk}/{action}/").status_code == 405
    other = make_event(sala)
    data = {"into": other.pk, "other": other.pk}
    response = client.post(f"/k/1981/events/{event.pk}/{action}/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/k/1981/events/{event.pk}/"


def test_it_shows_the_outsider_nothing_of_sala(sala, kungsor, personas, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(sala, reporter=personas["reporter"], description="Glass på Stora torget")
    photo = add_photo(event)
    client = login(personas["outsider"])
    paths = [
        "events/",
        "events/?date_from=2000-01-01",
        "events/map/",
        "events/geojson/",
        f"events/{event.pk}/",
        f"photos/{photo.pk}/",
        "categories/",
        "categories/new/",
        f"categories/{event.category_id}/",
        "audit/",
    ]
    for path in paths:
        response = client.get(f"/k/1981/{path}")
        assert response.status_code == 404, path
        assert_nothing_of(response, event)
    for action in ("review", "merge", "link"):
        for method in (client.get, client.post):
            response = method(f"/k/1981/events/{event.pk}/{action}/", {"into": event.pk})
            assert response.status_code == 404, (action, method)
            assert_nothing_of(response, event)
    event.refresh_from_db()
    assert event.reviewed_at is None


def assert_nothing_of(response: Any, event: Event) -> None:
    body = response.content.decode()
    for secret in ("Sala", "1981", "Stora torget", f"{event.lat:.4f}", f"{event.lon:.4f}"):
        assert secret not in body


def test_it_keeps_sala_events_out_of_kungsors_pages(sala, kungsor, personas, login):
    event = make_event(sala, description="Glass på Stora torget")
    kungsor_event = make_event(kungsor, where=KUNGSOR)
    client = login(personas["outsider"])
    assert client.get(f"/k/1960/events/{event.pk}/").status_code == 404
    body = client.get("/k/1960/events/").content.decode()
    assert link_to(kungsor_event) in body
    assert f"/events/{event.pk}/" not in body
    geojson = client.get("/k/1960/events/geojson/").json()
    assert [f["properties"]["id"] for f in geojson["features"]] == [kungsor_event.pk]
    response = client.post(f"/k/1960/events/{kungsor_event.pk}/merge/", {"into": event.pk})
    kungsor_event.refresh_from_db()
    assert kungsor_event.duplicate_of_id is None
    assert response.status_code == 302


# The list and its filters ---------------------------------------------------------------


def test_it_lists_the_last_30_days_by_default(sala, personas, login):
    recent = make_event(sala, at=timezone.now() - timedelta(days=29))
    old = make_event(sala, at=timezone.now() - timedelta(days=31))
    client = login(personas["coordinator"])
    body = listed(client)
    assert link_to(recent) in body
    assert link_to(old) not in body
    start = (timezone.localdate() - timedelta(days=40)).isoformat()
    assert link_to(old) in listed(client, f"?date_from={start}")


def test_it_filters_by_period(sala, personas, login):
    inside = make_event(sala, at=timezone.make_aware(timezone.datetime(2025, 3, 10, 23, 30)))
    before = make_event(sala, at=timezone.make_aware(timezone.datetime(2025, 3, 8, 23, 59)))
    after = make_event(sala, at=timezone.make_aware(timezone.datetime(2025, 3, 11, 0, 1)))
    body = listed(login(personas["analyst"]), "?date_from=2025-03-09&date_to=2025-03-10")
    assert link_to(inside) in body
    assert link_to(before) not in body
    assert link_to(after) not in body


def test_it_filters_by_area(sala, personas, login):
    centre = make_event(sala, where=CENTRE)
    west = make_event(sala, where=WEST)
    assert centre.area_id != west.area_id
    body = listed(login(personas["coordinator"]), f"?area={west.area_id}")
    assert link_to(west) in body
    assert link_to(centre) not in body


def test_it_filters_by_top_category_or_subcategory(sala, personas, login):
    graffiti = make_event(sala, "SKA", sub="KLO")
    glass = make_event(sala, "SKA", sub="GLA")
    gathering = make_event(sala, "SAM")
    client = login(personas["coordinator"])
    top = Category.objects.get(municipality=sala, code="SKA")
    body = listed(client, f"?category={top.pk}")
    assert link_to(graffiti) in body and link_to(glass) in body
    assert link_to(gathering) not in body
    sub = Category.objects.get(municipality=sala, code="SKA.KLO")
    body = listed(client, f"?category={sub.pk}")
    assert link_to(graffiti) in body
    assert link_to(glass) not in body


def test_it_filters_by_organisation_and_source(sala, personas, login):
    police = Organisation.objects.get(municipality=sala, kind="polis")
    guards = Organisation.objects.get(municipality=sala, kind="bevakning")
    by_police = make_event(sala, organisation=police, source=Source.WALK)
    by_guards = make_event(sala, organisation=guards, source=Source.REPORTER)
    client = login(personas["coordinator"])
    body = listed(client, f"?organisation={police.pk}")
    assert link_to(by_police) in body
    assert link_to(by_guards) not in body
    body = listed(client, "?source=rapport")
    assert link_to(by_guards) in body
    assert link_to(by_police) not in body


def test_it_filters_by_review_status(sala, personas, login):
    done = make_event(sala, reviewed_at=timezone.now())
    todo = make_event(sala)
    client = login(personas["coordinator"])
    body = listed(client, "?reviewed=yes")
    assert link_to(done) in body and link_to(todo) not in body
    body = listed(client, "?reviewed=no")
    assert link_to(todo) in body and link_to(done) not in body


def test_it_filters_events_outside_every_area(sala, personas, login):
    outside = make_event(sala, where=STOCKHOLM)
    inside = make_event(sala)
    assert outside.outside_areas and not inside.outside_areas
    body = listed(login(personas["coordinator"]), "?outside=1")
    assert link_to(outside) in body
    assert link_to(inside) not in body


def test_it_hides_merged_duplicates_unless_asked(sala, personas, login):
    original = make_event(sala)
    duplicate = make_event(sala, duplicate_of=original)
    client = login(personas["coordinator"])
    body = listed(client)
    assert link_to(original) in body and link_to(duplicate) not in body
    body = listed(client, "?duplicates=on")
    assert link_to(original) in body and link_to(duplicate) in body


def test_it_sorts_by_time(sala, personas, login):
    older = make_event(sala, at=timezone.now() - timedelta(days=2))
    newer = make_event(sala, at=timezone.now() - timedelta(days=1))
    client = login(personas["coordinator"])
    body = listed(client)
    assert body.index(link_to(newer)) < body.index(link_to(older))
    body = listed(client, "?sort=time")
    assert body.index(link_to(older)) < body.index(link_to(newer))


def test_it_paginates_and_counts(sala, personas, english):
    events = [make_event(sala, at=timezone.now() - timedelta(hours=i + 1)) for i in range(51)]
    make_event(sala, reviewed_at=timezone.now(), at=timezone.now() - timedelta(days=3))
    client = english(personas["coordinator"])
    first = listed(client)
    assert "52 events" in first and "51 not reviewed" in first
    assert link_to(events[0]) in first and link_to(events[50]) not in first
    assert "Page 1 of 2" in first
    second = listed(client, "?page=2")
    assert link_to(events[50]) in second and link_to(events[0]) not in second


def test_it_returns_only_the_rows_to_htmx(sala, personas, login):
    event = make_event(sala)
    response = login(personas["coordinator"]).get("/k/1981/events/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="rows"')
    assert link_to(event) in body
    assert "<html" not in body and 'id="filters"' not in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=2025-13-45", "Enter a valid date."),
        ("?date_from=2025-03-10&date_to=2025-03-01", "The period starts after it ends."),
        ("?date_to=9999-12-31", "Ensure this value is less than or equal to"),
        ("?area=999999", "Select a valid choice."),
        ("?area=99999999999999999999999", "Select a valid choice."),
        ("?category=abc", "Select a valid choice."),
        ("?organisation=-1", "Select a valid choice."),
        ("?source=fax", "Select a valid choice."),
        ("?reviewed=maybe", "Select a valid choice."),
    ],
)
def test_it_explains_invalid_filters(sala, personas, english, query, message):
    event = make_event(sala)
    body = listed(english(personas["coordinator"]), query)
    assert message in body
    assert link_to(event) not in body
    geojson = english(personas["coordinator"]).get(f"/k/1981/events/geojson/{query}")
    assert geojson.status_code == 400
    assert geojson.json()["features"] == []
    assert any(message in e for e in geojson.json()["errors"])


def test_it_refuses_another_tenants_area_as_filter(sala, kungsor, personas, english):
    make_event(sala)
    kungsor_area = Area.objects.filter(municipality=kungsor).first()
    body = listed(english(personas["coordinator"]), f"?area={kungsor_area.pk}")
    assert "Select a valid choice." in body
    assert kungsor_area.code not in body
    assert "0 events" not in body


def test_it_shrugs_off_a_bad_page_number(sala, personas, login):
    event = make_event(sala)
    assert link_to(event) in listed(login(personas["coordinator"]), "?page=abc")


# The map ---------------------------------------------------------------------------------


def test_it_draws_the_map_with_a_legend(sala, personas, login):
    body = login(personas["police"]).get("/k/1981/events/map/").content.decode()
    assert 'data-events="/k/1981/events/geojson/"' in body
    assert 'data-areas="/k/1981/areas/geojson/?kind=deso"' in body
    assert 'data-filter-form="#filters"' in body
    assert 'fill="#cf222e"' in body  # the legend's colour of SKA
    assert "Skadegörelse" in body


def test_it_serves_the_filtered_events_as_geojson(sala, personas, login):
    event = make_event(sala, "SAM", sub="PAR")
    make_event(sala, "SKA")
    category = Category.objects.get(municipality=sala, code="SAM")
    response = login(personas["analyst"]).get(f"/k/1981/events/geojson/?category={category.pk}")
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["count"] == 1
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [event.lon, event.lat]}
    props = feature["properties"]
    assert props["url"] == f"/k/1981/events/{event.pk}/"
    assert props["category"] == "SAM"
    assert props["color"] == review.STANDARD_COLORS["SAM"]
    assert props["title"] == "Otrygghetsskapande samling av personer – Park/utomhus"
    assert props["area"] == str(event.area)
    assert "capped" not in data


def test_it_caps_the_geojson(sala, personas, login, monkeypatch):
    monkeypatch.setattr(review, "MAX_FEATURES", 2)
    for _ in range(3):
        make_event(sala)
    data = login(personas["coordinator"]).get("/k/1981/events/geojson/").json()
    assert len(data["features"]) == 2
    assert data["count"] == 3 and data["capped"] is True
    assert "2" in data["note"] and "3" in data["note"]


# The detail page and photos --------------------------------------------------------------


def test_it_shows_every_fact_of_an_event(sala, personas, english):
    guards = Organisation.objects.get(municipality=sala, kind="bevakning")
    event = make_event(
        sala,
        "SAM",
        sub="TRA",
        organisation=guards,
        source=Source.WALK,
        people_count=12,
        youths=Event.Youths.YES,
        insecurity=Event.Insecurity.HIGH,
        police_called=True,
        description="Loud group in the stairwell <b>",
    )
    body = english(personas["analyst"]).get(f"/k/1981/events/{event.pk}/").content.decode()
    for text in [
        "Gathering of people creating insecurity",
        "Stairwell",
        "SAM.TRA",
        guards.name,
        "safety walk",
        event.area.code,
        "12",
        "3 – much",
        "Loud group in the stairwell &lt;b&gt;",
        "not reviewed",
        f'data-point="{event.lat:f},{event.lon:f}"',
    ]:
        assert text in body, text


def test_it_says_when_an_event_is_outside_every_area(sala, personas, english):
    event = make_event(sala, where=STOCKHOLM)
    body = english(personas["analyst"]).get(f"/k/1981/events/{event.pk}/").content.decode()
    assert "outside every area" in body


def add_photo(event: Event, content_type: str = "image/png") -> Photo:
    photo = Photo(event=event, content_type=content_type, width=1, height=1)
    photo.image.save("p.png", ContentFile(PNG), save=True)
    return photo


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_serves_photos_to_those_who_may_see_the_event(sala, personas, login, media):
    photo = add_photo(make_event(sala, reporter=personas["reporter"]))
    for persona in ["reporter", *VIEWERS]:
        response = login(personas[persona]).get(f"/k/1981/photos/{photo.pk}/")
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG


def test_it_hides_photos_of_other_reporters_events(sala, personas, login, media):
    photo = add_photo(make_event(sala, reporter=personas["police"]))
    assert login(personas["reporter"]).get(f"/k/1981/photos/{photo.pk}/").status_code == 404


def test_it_never_serves_a_photo_as_an_unsafe_type(sala, personas, login, media):
    photo = add_photo(make_event(sala), content_type="text/html")
    response = login(personas["coordinator"]).get(f"/k/1981/photos/{photo.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_it_shows_photos_on_the_detail_page(sala, personas, login, media):
    event = make_event(sala)
    photo = add_photo(event)
    body = login(personas["coordinator"]).get(f"/k/1981/events/{event.pk}/").content.decode()
    assert f'src="/k/1981/photos/{photo.pk}/"' in body
    assert "/media/" not in body


# Review actions --------------------------------------------------------------------------


def audit_rows(event: Event) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(object_type="reports.event", object_id=str(event.pk))
    return [(r.username, r.summary) for r in rows.order_by("id")]


def test_it_marks_an_event_reviewed_and_undoes_it(sala, personas, login):
    event = make_event(sala)
    client = login(personas["coordinator"])
    client.post(f"/k/1981/events/{event.pk}/review/", {"reviewed": "1"})
    event.refresh_from_db()
    assert event.reviewed_at is not None
    assert event.reviewed_by == personas["coordinator"]
    client.post(f"/k/1981/events/{event.pk}/review/", {"reviewed": "0"})
    event.refresh_from_db()
    assert (event.reviewed_at, event.reviewed_by) == (None, None)
    user = personas["coordinator"].username
    assert audit_rows(event) == [(user, "marked reviewed"), (user, "review undone")]


def test_it_answers_htmx_review_with_the_panel_only(sala, personas, login):
    event = make_event(sala)
    response = login(personas["admin"]).post(
        f"/k/1981/events/{event.pk}/review/", {"reviewed": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="review"')
    assert 'name="reviewed" value="0"' in body  # now offers the undo
    assert "<html" not in body


def test_it_merges_a_duplicate_out_of_the_counts(sala, personas, login):
    original = make_event(sala)
    duplicate = make_event(sala, shift_m=(50, 0))
    client = login(personas["coordinator"])
    assert client.get("/k/1981/events/geojson/").json()["count"] == 2
    client.post(f"/k/1981/events/{duplicate.pk}/merge/", {"into": original.pk})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert client.get("/k/1981/events/geojson/").json()["count"] == 1
    assert list(Event.objects.counted()) == [original]
    user = personas["coordinator"].username
    assert audit_rows(duplicate) == [(user, f"merged into #{original.pk}")]
    client.post(f"/k/1981/events/{duplicate.pk}/merge/", {"undo": "1"})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
    assert client.get("/k/1981/events/geojson/").json()["count"] == 2
    assert audit_rows(duplicate)[-1] == (user, f"merge into #{original.pk} undone")


@pytest.mark.parametrize("target", ["itself", "a duplicate", "nothing", "kungsör", "garbage"])
def test_it_refuses_impossible_merges(sala, kungsor, personas, english, target):
    event = make_event(sala)
    original = make_event(sala)
    duplicate = make_event(sala, duplicate_of=original)
    into = {
        "itself": event.pk,
        "a duplicate": duplicate.pk,
        "nothing": 999999,
        "kungsör": make_event(kungsor, where=KUNGSOR).pk,
        "garbage": "12abc",
    }[target]
    client = english(personas["coordinator"])
    response = client.post(f"/k/1981/events/{event.pk}/merge/", {"into": into}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in body
    assert any(
        text in body
        for text in ["cannot be merged into itself", "is itself a duplicate", "There is no event"]
    )
    event.refresh_from_db()
    assert event.duplicate_of_id is None
    assert audit_rows(event) == []


def test_it_refuses_to_merge_an_event_that_has_duplicates(sala, personas, english):
    event = make_event(sala)
    make_event(sala, duplicate_of=event)
    other = make_event(sala)
    response = english(personas["coordinator"]).post(
        f"/k/1981/events/{event.pk}/merge/", {"into": other.pk}, headers={"HX-Request": "true"}
    )
    assert "Other events are merged into this one" in response.content.decode()
    event.refresh_from_db()
    assert event.duplicate_of_id is None


def test_it_links_and_unlinks_related_events(sala, personas, login):
    event = make_event(sala)
    other = make_event(sala, "PLA")
    client = login(personas["admin"])
    client.post(f"/k/1981/events/{event.pk}/link/", {"other": other.pk})
    assert list(other.related.all()) == [event]
    body = client.get(f"/k/1981/events/{other.pk}/").content.decode()
    assert link_to(event) in body
    client.post(f"/k/1981/events/{event.pk}/link/", {"other": other.pk, "unlink": "1"})
    assert event.related.count() == 0
    user = personas["admin"].username
    assert audit_rows(event) == [
        (user, f"linked to #{other.pk}"),
        (user, f"unlinked from #{other.pk}"),
    ]


def test_it_refuses_to_link_across_tenants_or_to_itself(sala, kungsor, personas, english):
    event = make_event(sala)
    foreign = make_event(kungsor, where=KUNGSOR)
    client = english(personas["coordinator"])
    for other, message in [(foreign.pk, "There is no event"), (event.pk, "linked to itself")]:
        response = client.post(f"/k/1981/events/{event.pk}/link/", {"other": other}, follow=True)
        assert message in response.content.decode()
    assert event.related.count() == 0


# Duplicate suggestions -------------------------------------------------------------------


def suggested(client: Any, event: Event) -> set[int]:
    body = client.get(f"/k/1981/events/{event.pk}/").content.decode()
    return {e.pk for e in Event.objects.all() if f'name="into" value="{e.pk}"' in body}


def test_it_suggests_duplicates_close_in_place_and_time(sala, personas, login):
    at = timezone.now() - timedelta(days=2)
    event = make_event(sala, "SKA", sub="KLO", at=at)
    near = make_event(sala, "SKA", sub="GLA", at=at + timedelta(hours=23), shift_m=(240, 0))
    diagonal = make_event(sala, "SKA", at=at - timedelta(hours=5), shift_m=(150, 150))
    make_event(sala, "SKA", at=at, shift_m=(200, 200))  # 283 m: too far
    make_event(sala, "SKA", at=at + timedelta(hours=25))  # too late
    make_event(sala, "SAM", at=at)  # another top category
    make_event(sala, "SKA", at=at, duplicate_of=near)  # already merged
    linked = make_event(sala, "SKA", at=at)
    linked.related.add(event)  # already judged related, not the same
    assert suggested(login(personas["coordinator"]), event) == {near.pk, diagonal.pk}


def test_it_suggests_nothing_merged_nor_of_other_tenants(sala, kungsor, personas, login):
    original = make_event(sala)
    duplicate = make_event(sala, duplicate_of=original)
    make_event(kungsor)  # at the very same coordinates, in another municipality
    assert suggested(login(personas["coordinator"]), original) == set()
    assert suggested(login(personas["coordinator"]), duplicate) == set()
    make_event(sala, shift_m=(5, 5))
    assert len(suggested(login(personas["coordinator"]), original)) == 1


def test_it_suggests_only_to_reviewers(sala, personas, login):
    event = make_event(sala)
    make_event(sala, shift_m=(10, 10))
    body = login(personas["analyst"]).get(f"/k/1981/events/{event.pk}/").content.decode()
    assert 'name="into"' not in body
    assert f"/events/{event.pk}/merge/" not in body
    assert (
        f"/events/{event.pk}/merge/"
        in login(personas["coordinator"]).get(f"/k/1981/events/{event.pk}/").content.decode()
    )


def test_it_summarises_the_geojson_for_the_map_status(sala, personas, english):
    make_event(sala)
    make_event(sala)
    data = english(personas["coordinator"]).get("/k/1981/events/geojson/").json()
    assert data["summary"] == "2 events on the map."


def test_it_offers_reviewers_an_action_for_the_event(personas, sala, login):
    event = make_event(sala)
    url = f"/k/1981/events/{event.pk}/"
    link = f"/k/1981/actions/new/?event={event.pk}"
    assert link in login(personas["coordinator"]).get(url).content.decode()
    assert link not in login(personas["analyst"]).get(url).content.decode()
    form = login(personas["coordinator"]).get(link)
    assert form.status_code == 200
