"""Reporting from a phone: the new-report form, the write behind it, and "my reports"."""

import io
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pyproj import Transformer
from shapely.geometry import Point, shape

from trygg.areas.models import Area, Place
from trygg.audit.models import AuditEvent
from trygg.reports.models import Category, Event, Photo, Report
from trygg.tenants.models import Membership, Organisation, Role

from .conftest import make_user

NEW = "/k/1981/report/new/"
MINE = "/k/1981/report/mine/"
TOWN = (59.91648, 16.61212)  # Sala town, DeSO 1981C1040
NORTH = (60.0972, 16.55834)  # the north of the municipality, DeSO 1981A0050
STOCKHOLM = (59.3293, 18.0686)  # in Sweden, outside Sala
HELSINKI = (60.1699, 24.9384)  # not in Sweden
GPS_IFD = 0x8825


@pytest.fixture
def login(login: Any) -> Any:
    """The conftest login, with the UI in English: the messages tested are the source strings."""

    def _login(user: Any) -> Any:
        client = login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def local(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def cat(code: str, municipality: str = "1981") -> int:
    return Category.objects.get(municipality__code=municipality, code=code).pk


def event(i: int, at: tuple[float, float] = TOWN, **fields: Any) -> dict[str, Any]:
    """The POST fields of event number i: graffiti in Sala town, observed now."""
    now = local(timezone.now())
    data: dict[str, Any] = {
        "category": cat("SKA"),
        "subcategory": cat("SKA.KLO"),
        "observed_from": now,
        "observed_to": now,
        "lat": at[0],
        "lon": at[1],
        "youths": "okant",
        "insecurity": "2",
        "description": "",
    }
    data.update(fields)
    return {f"events-{i}-{k}": v for k, v in data.items() if v is not None}


def report(*events: dict[str, Any], user: Any, key: str = "", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "events-TOTAL_FORMS": len(events),
        "events-INITIAL_FORMS": 0,
        "events-MIN_NUM_FORMS": 1,
        "events-MAX_NUM_FORMS": 10,
        "client_key": key or str(uuid.uuid4()),
    }
    if "organisation" not in fields:
        data["organisation"] = org_of(user).pk
    for e in events:
        data.update(e)
    data.update(fields)
    return data


def org_of(user: Any) -> Organisation:
    return Membership.objects.get(user=user).organisation


def errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def jpeg_with_gps(size: tuple[int, int] = (40, 20), orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 55.0, 0.0), 3: "E", 4: (16.0, 36.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(content: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, content, content_type=kind)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


# The form


def test_it_shows_the_form_with_a_fresh_key_and_the_categories(personas, login):
    client = login(personas["reporter"])
    first, second = client.get(NEW), client.get(NEW)
    html = first.content.decode()
    key = re.search(r'name="client_key" value="([0-9a-f-]{36})"', html)
    assert key and key.group(1) not in second.content.decode()
    assert "Vandalism" in html and 'id="report-subcategories"' in html
    assert 'data-pick="events-0-where"' in html
    assert 'id="event-template"' in html and "events-__prefix__-category" in html


def test_it_has_no_inline_script_or_style(personas, login):
    html = login(personas["reporter"]).get(NEW).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert "style=" not in html and " onclick" not in html


def test_it_defaults_both_times_to_now(personas, login):
    before = timezone.now().replace(second=0, microsecond=0)
    html = login(personas["reporter"]).get(NEW).content.decode()
    values = re.findall(r'name="events-0-observed_(?:from|to)"[^>]*value="([^"]+)"', html)
    assert len(values) == 2
    assert all(v in (local(before), local(before + timedelta(minutes=1))) for v in values)


# Saving


def test_it_saves_a_report_with_two_events(personas, login, sala):
    reporter = personas["reporter"]
    response = login(reporter).post(
        NEW,
        report(
            event(0, TOWN, police_called="on", people_count="4", youths="ja"),
            event(1, NORTH, category=cat("SAM"), subcategory=cat("SAM.PAR"), insecurity="3"),
            user=reporter,
        ),
    )
    assert response.status_code == 302 and response["Location"] == MINE
    saved = Report.objects.get()
    assert saved.reporter == reporter and saved.organisation == org_of(reporter)
    town, north = saved.events.order_by("id")
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    for e, (lat, lon), deso in ((town, TOWN, "1981C1040"), (north, NORTH, "1981A0050")):
        assert e.area.code == deso and not e.outside_areas
        assert shape(e.area.geometry).contains(Point(lon, lat))
        x, y = to_sweref.transform(lon, lat)
        assert e.x == pytest.approx(x, abs=0.01) and e.y == pytest.approx(y, abs=0.01)
    assert (town.people_count, town.youths, town.police_called) == (4, "ja", True)
    assert (north.category.code, north.subcategory.code, north.insecurity) == ("SAM", "SAM.PAR", 3)
    audit = AuditEvent.objects.get(object_type="reports.report")
    assert audit.object_id == str(saved.pk) and audit.municipality == sala
    assert audit.detail["events"] == [town.pk, north.pk]


def test_it_says_thank_you_in_my_reports(personas, login):
    reporter = personas["reporter"]
    response = login(reporter).post(NEW, report(event(0), user=reporter), follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    assert "Your report with 1 event is saved" in response.content.decode()


def test_it_flags_an_event_outside_every_area(personas, login):
    reporter = personas["reporter"]
    response = login(reporter).post(NEW, report(event(0, STOCKHOLM), user=reporter))
    saved = Event.objects.get()
    assert saved.outside_areas and saved.area is None
    assert saved.x == pytest.approx(674_000, abs=2_000)
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("outside every area" in n for n in notices)


@pytest.mark.parametrize("where", [HELSINKI, (TOWN[1], TOWN[0]), (0.0, 0.0)])
def test_it_rejects_coordinates_outside_sweden(personas, login, where):
    reporter = personas["reporter"]
    html = errors(login(reporter).post(NEW, report(event(0, where), user=reporter)))
    assert "is not in Sweden" in html
    assert not Report.objects.exists() and not Event.objects.exists()


def test_it_requires_a_place(personas, login):
    reporter = personas["reporter"]
    data = report(event(0, lat=None, lon=None), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Place: tap the map, use your position or search." in html
    assert not Report.objects.exists()


def test_it_saves_nothing_when_one_event_is_wrong(personas, login):
    reporter = personas["reporter"]
    late = local(timezone.now() - timedelta(hours=1))
    data = report(event(0), event(1, observed_to=late), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Observed to: must be the same as or after" in html
    assert not Report.objects.exists() and not Event.objects.exists()


def test_it_leaves_nothing_behind_when_the_write_fails(personas, login, media, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr("trygg.reports.services.record", broken)
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(jpeg_with_gps())), user=reporter)
    with pytest.raises(RuntimeError):
        login(reporter).post(NEW, data)
    assert not Report.objects.exists() and not Photo.objects.exists()
    assert stored_files(media) == []


def test_it_skips_a_removed_event(personas, login):
    reporter = personas["reporter"]
    data = report(event(0), event(1, category="", DELETE="on"), user=reporter)
    assert login(reporter).post(NEW, data).status_code == 302
    assert Event.objects.count() == 1


def test_it_keeps_a_removed_event_hidden_when_the_form_comes_back(personas, login):
    reporter = personas["reporter"]
    data = report(event(0, lat=None), event(1, category="", DELETE="on"), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert '<fieldset class="card event" id="events-1" hidden>' in html
    assert '<fieldset class="card event" id="events-0">' in html


def test_it_refuses_more_than_ten_events(personas, login):
    reporter = personas["reporter"]
    data = report(*(event(i) for i in range(11)), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Please submit at most 10 forms." in html
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"events-0-lat": "north"}, "Enter a number."),
        ({"events-0-observed_from": "yesterday"}, "Enter a valid date/time."),
        ({"events-0-people_count": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"events-0-insecurity": "9"}, "Select a valid choice."),
        ({"events-0-category": "SKA"}, "Category: choose one of the list."),
        ({"client_key": "not-a-key"}, "The form is incomplete: reload the page."),
        ({"events-TOTAL_FORMS": "many"}, "Please submit at least 1 form."),
    ],
)
def test_it_answers_bad_input_with_a_message(personas, login, fields, message):
    reporter = personas["reporter"]
    data = report(event(0), user=reporter, **fields)
    html = errors(login(reporter).post(NEW, data))
    assert message in html
    assert not Report.objects.exists()


# Idempotent submission


def test_it_does_not_duplicate_a_retried_submission(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    data = report(event(0), event(1, NORTH), user=reporter)
    first = client.post(NEW, data, follow=True)
    second = client.post(NEW, data, follow=True)
    assert Report.objects.count() == 1 and Event.objects.count() == 2
    assert first.redirect_chain == second.redirect_chain == [(MINE, 302)]
    assert "Your report with 2 events is saved" in second.content.decode()


def test_a_retry_meets_the_unique_client_key_as_one_racing_the_first_save_would(personas, login):
    # Nothing is looked up before saving: a retry's insert meets the unique client key, as a
    # retry arriving while the first request is still saving does, and is answered with the
    # report saved before.
    reporter = personas["reporter"]
    client = login(reporter)
    data = report(event(0), user=reporter)
    client.post(NEW, data)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(NEW, data, follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    assert "Your report with 1 event is saved" in response.content.decode()
    tried = [q for q in queries if q["sql"].startswith('INSERT INTO "reports_report"')]
    assert len(tried) == 1
    assert Report.objects.count() == 1 and Event.objects.count() == 1


def test_it_does_not_answer_with_someone_elses_report(personas, login, sala):
    reporter = personas["reporter"]
    other = make_user(sala, Role.REPORTER, org_kind="bostad")
    key = str(uuid.uuid4())
    login(reporter).post(NEW, report(event(0), user=reporter, key=key))
    html = errors(login(other).post(NEW, report(event(0), user=other, key=key)))
    assert "This form was already sent by someone else" in html
    assert Report.objects.get().reporter == reporter


# Categories, times, place and organisation


def test_it_needs_the_subcategory_of_the_chosen_category(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    wrong = errors(client.post(NEW, report(event(0, subcategory=cat("SAM.TRA")), user=reporter)))
    assert "More precisely: the choice does not belong to the category." in wrong
    missing = errors(client.post(NEW, report(event(0, subcategory=""), user=reporter)))
    assert "More precisely: choose one of the list." in missing
    assert not Report.objects.exists()
    other = report(event(0, category=cat("OVR"), subcategory=""), user=reporter)
    assert client.post(NEW, other).status_code == 302


def test_it_refuses_another_municipalitys_category(personas, login):
    reporter = personas["reporter"]
    data = report(event(0, category=cat("SKA", "1960"), subcategory=""), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Category: choose one of the list." in html
    assert not Report.objects.exists()


def test_it_refuses_a_retired_category(personas, login):
    Category.objects.filter(municipality__code="1981", code="SKA.KLO").update(active=False)
    reporter = personas["reporter"]
    html = errors(login(reporter).post(NEW, report(event(0), user=reporter)))
    assert "More precisely: choose one of the list." in html


def test_it_requires_to_after_from(personas, login):
    reporter = personas["reporter"]
    now = timezone.now()
    data = report(event(0, observed_to=local(now - timedelta(minutes=30))), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Observed to: must be the same as or after" in html
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(hours=2), "Observed from: the time is in the future."),
        (-timedelta(days=400), "Observed from: at most a year ago."),
    ],
)
def test_it_refuses_times_in_the_future_or_long_ago(personas, login, shift, message):
    reporter = personas["reporter"]
    when = local(timezone.now() + shift)
    data = report(event(0, observed_from=when, observed_to=when), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert message in html
    assert not Report.objects.exists()


def test_it_accepts_a_period_that_began_earlier(personas, login):
    reporter = personas["reporter"]
    began = local(timezone.now() - timedelta(hours=3))
    login(reporter).post(NEW, report(event(0, observed_from=began), user=reporter))
    saved = Event.objects.get()
    assert saved.observed_to - saved.observed_from >= timedelta(hours=2, minutes=59)


def test_it_stores_the_chosen_named_place(personas, login, sala):
    square = Place.objects.create(
        municipality=sala, name="Stora torget", kind="torg", lat=TOWN[0], lon=TOWN[1]
    )
    reporter = personas["reporter"]
    client = login(reporter)
    client.post(NEW, report(event(0, place="Stora torget"), user=reporter))
    client.post(NEW, report(event(0, place="1981C1040"), user=reporter))
    named, area_only = Event.objects.order_by("id")
    assert named.place == square and area_only.place is None


def test_it_lets_a_member_of_two_organisations_choose(personas, login, sala):
    reporter = personas["reporter"]
    first = org_of(reporter)
    housing = Organisation.objects.create(municipality=sala, name="Salabostäder", kind="bostad")
    Membership.objects.create(user=reporter, organisation=housing, role=Role.REPORTER)
    client = login(reporter)
    html = client.get(NEW).content.decode()
    assert f'<option value="{first.pk}" selected>' in html and "Salabostäder" in html
    data = report(event(0), user=reporter, organisation=housing.pk)
    assert client.post(NEW, data).status_code == 302
    assert Report.objects.get().organisation == housing


def test_it_refuses_an_organisation_the_reporter_is_not_in(personas, login):
    reporter = personas["reporter"]
    police = org_of(personas["police"])
    data = report(event(0), user=reporter, organisation=police.pk)
    html = errors(login(reporter).post(NEW, data))
    assert "Reporting organisation: choose one of yours." in html
    assert not Report.objects.exists()


# Personal data


PERSONAL = "Mannen (811218-9876) ringde 070-123 45 67 vid porten."
MASKED = "Mannen ([personnummer]) ringde [telefonnummer] vid porten."


def warned(html: str) -> str:
    found = re.search(r'name="events-0-warned" value="([0-9a-f]+)"', html)
    assert found, "no warning digest in the form"
    return found.group(1)


def test_it_warns_about_personal_data_before_saving(personas, login):
    reporter = personas["reporter"]
    data = report(event(0, description=PERSONAL), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Possible personal data: personal identity number, phone number." in html
    assert MASKED in html and "I confirm this is not personal data" in html
    assert not Report.objects.exists()


def test_it_saves_the_masked_text_when_sent_again(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    data = report(event(0, description=PERSONAL), user=reporter)
    data["events-0-warned"] = warned(errors(client.post(NEW, data)))
    assert client.post(NEW, data).status_code == 302
    saved = Event.objects.get()
    assert saved.description == MASKED and not saved.personal_data_confirmed


def test_it_saves_the_text_as_written_when_confirmed(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    data = report(event(0, description=PERSONAL), user=reporter)
    data["events-0-warned"] = warned(errors(client.post(NEW, data)))
    data["events-0-confirm_not_personal"] = "on"
    assert client.post(NEW, data).status_code == 302
    saved = Event.objects.get()
    assert saved.description == PERSONAL and saved.personal_data_confirmed


def test_it_warns_again_when_the_text_changed(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    data = report(event(0, description=PERSONAL), user=reporter)
    data["events-0-warned"] = warned(errors(client.post(NEW, data)))
    data["events-0-description"] = "Bilen ABC 123 stod där igen."
    data["events-0-confirm_not_personal"] = "on"
    html = errors(client.post(NEW, data))
    assert "Possible personal data: vehicle registration number." in html
    assert not Report.objects.exists()


def test_it_ignores_a_confirmation_sent_without_the_warning(personas, login):
    reporter = personas["reporter"]
    data = report(event(0, description=PERSONAL, confirm_not_personal="on"), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "Possible personal data" in html
    assert not Report.objects.exists()


def test_it_saves_plain_text_at_once(personas, login):
    reporter = personas["reporter"]
    text = "Ca 15 ungdomar vid Stora torget 22-23, flaskor krossade."
    login(reporter).post(NEW, report(event(0, description=text), user=reporter))
    saved = Event.objects.get()
    assert saved.description == text and not saved.personal_data_confirmed


# Photos


def test_it_strips_exif_and_gps_from_a_photo(personas, login, media):
    reporter = personas["reporter"]
    original = jpeg_with_gps(size=(40, 20), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    data = report(event(0, photos=upload(original)), user=reporter)
    assert login(reporter).post(NEW, data).status_code == 302
    photo = Photo.objects.get()
    content = (media / photo.image.name).read_bytes()
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert stored.size == (20, 40) == (photo.width, photo.height)  # turned upright
    assert b"Exif" not in content and b"PhoneMaker" not in content
    assert photo.content_type == "image/jpeg" and photo.image.name.endswith(".jpg")


def test_it_strips_metadata_from_a_png(personas, login, media):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 128, 0, 128)).save(out, "PNG", exif=exif)
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(out.getvalue(), "a.png", "image/png")), user=reporter)
    assert login(reporter).post(NEW, data).status_code == 302
    content = (media / Photo.objects.get().image.name).read_bytes()
    assert b"PhoneMaker" not in content and b"eXIf" not in content
    assert Image.open(io.BytesIO(content)).mode == "RGBA"


def test_it_keeps_several_photos(personas, login):
    reporter = personas["reporter"]
    photos = [upload(jpeg_with_gps(), f"{i}.jpg") for i in range(4)]
    login(reporter).post(NEW, report(event(0, photos=photos), user=reporter))
    assert Event.objects.get().photos.count() == 4


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not a photo at all", "photo.jpg"),
        (jpeg_with_gps()[:200], "cut.jpg"),
    ],
)
def test_it_rejects_a_file_that_is_not_a_photo(personas, login, media, content, name):
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(content, name)), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert f"{name} is not a JPEG, PNG or WebP photo, or it is damaged." in html
    assert "Photos are not kept: please add them again." in html
    assert not Report.objects.exists() and stored_files(media) == []


def test_it_rejects_a_gif(personas, login):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(out.getvalue(), "anim.gif", "image/gif")), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "anim.gif is not a JPEG, PNG or WebP photo" in html


def test_it_rejects_an_image_with_too_many_pixels(personas, login):
    out = io.BytesIO()
    Image.new("1", (9000, 6000)).save(out, "PNG")  # 54 million pixels in a few kB
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(out.getvalue(), "bomb.png", "image/png")), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "bomb.png has too many pixels: at most 50 million." in html
    assert not Report.objects.exists()


def test_it_rejects_a_photo_over_the_size_limit(personas, login, settings):
    settings.TRYGG_MAX_PHOTO_BYTES = 100
    reporter = personas["reporter"]
    data = report(event(0, photos=upload(jpeg_with_gps(), "big.jpg")), user=reporter)
    html = errors(login(reporter).post(NEW, data))
    assert "big.jpg is too large: at most 100" in html


def test_it_accepts_at_most_four_photos_per_event(personas, login):
    reporter = personas["reporter"]
    photos = [upload(jpeg_with_gps(), f"{i}.jpg") for i in range(5)]
    html = errors(login(reporter).post(NEW, report(event(0, photos=photos), user=reporter)))
    assert "Photos: at most 4 per event." in html
    assert not Report.objects.exists()


# Roles and tenants


@pytest.mark.parametrize("persona", ["steering", "analyst"])
def test_it_forbids_reporting_without_the_capability(personas, login, persona):
    client = login(personas[persona])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, report(event(0), user=personas[persona])).status_code == 403
    assert client.get(MINE).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["reporter", "coordinator", "police", "admin"])
def test_it_lets_every_reporting_role_in(personas, login, persona):
    client = login(personas[persona])
    assert client.get(NEW).status_code == 200 and client.get(MINE).status_code == 200


def test_it_hides_reporting_from_the_outsider(personas, login):
    client = login(personas["outsider"])
    assert client.get(NEW).status_code == 404
    assert client.get(MINE).status_code == 404
    assert client.post(NEW, report(event(0), user=personas["reporter"])).status_code == 404
    assert not Report.objects.exists()


def test_it_sends_strangers_to_the_login(client):
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# My reports


def test_it_lists_only_the_reporters_own_reports(personas, login, sala):
    reporter, other = personas["reporter"], make_user(sala, Role.REPORTER, org_kind="bostad")
    mine = report(event(0, description="Klotter på muren vid skolan."), user=reporter)
    theirs = report(event(0, description="Krossad ruta i busskuren."), user=other)
    login(reporter).post(NEW, mine)
    login(other).post(NEW, theirs)
    html = login(reporter).get(MINE).content.decode()
    assert "Klotter på muren vid skolan." in html and "Krossad ruta i busskuren." not in html
    other_html = login(other).get(MINE).content.decode()
    assert "Krossad ruta i busskuren." in other_html and "Klotter på muren" not in other_html


def test_it_shows_category_place_and_area_in_my_reports(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    client.post(NEW, report(event(0), event(1, STOCKHOLM), user=reporter))
    html = client.get(MINE).content.decode()
    town = Area.objects.get(code="1981C1040")
    assert "Vandalism › Graffiti" in html and town.label in html
    assert "outside every area" in html


def test_it_leaves_old_reports_out_of_my_reports(personas, login):
    reporter = personas["reporter"]
    client = login(reporter)
    client.post(NEW, report(event(0, description="Gammal händelse."), user=reporter))
    Report.objects.update(created_at=timezone.now() - timedelta(days=31))
    client.post(NEW, report(event(0, description="Ny händelse."), user=reporter))
    html = client.get(MINE).content.decode()
    assert "Ny händelse." in html and "Gammal händelse." not in html
