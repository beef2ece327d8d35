"""Hostile input: every importer, the report form and uploads, fuzzed with hypothesis.

Whatever the bytes, an import either succeeds or is rejected with a message, and a rejected
one writes nothing; the report form answers with the form and its errors (200) or saves
(302), never a server error; oversize bodies, oversize photos and decompression bombs are
refused with a clear message. Each property is bounded (`max_examples`, no deadline).
"""

import gzip
import io
import json
import os
import re
import struct
import uuid
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from trygg.areas.geo import in_sweden
from trygg.areas.models import Area, Place
from trygg.areas.services import ImportRejected, import_areas, import_places
from trygg.audit.models import AuditEvent
from trygg.imports.engine import REGISTRY, run_import
from trygg.imports.files import Rejected
from trygg.imports.models import ImportBatch
from trygg.reports.models import Category, Event, Photo, Report
from trygg.tenants.models import Membership
from trygg.tenants.services import create_municipality

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
FALUN_AREAS = ROOT / "trygg" / "police" / "data" / "deso2025_falun_2080.geojson"
SEEDS = {
    "police-crimes": FIXTURES / "police" / "brott_per_deso_slice.csv",
    "police-crime-points": FIXTURES / "police" / "brott_punkter_sweref.csv",
    "police-crime-codes": FIXTURES / "police" / "brottskod_niva_nyckel_slice.csv",
    "police-events": FIXTURES / "police" / "events_archive_slice.json",
    "bra": FIXTURES / "bra" / "bra_download_sala.csv",
}
AREA_SEED = FIXTURES / "deso2025_sala_1981.geojson"
PLACE_SEED = ROOT / "trygg" / "demo" / "data" / "places_sala_1981.geojson"
NEW = "/k/1981/report/new/"
TOWN = (59.91648, 16.61212)
# Bytes that break parsers: quotes, delimiters, line ends, BOMs, NUL, broken UTF-8, numbers
# that overflow, impossible dates, deep nesting.
HOSTILE = [
    b"\x00", b'"', b"'", b";", b",", b"\t", b"|", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf",
    b"\xff\xfe", b"\xfe\xff", b"\xc3", b"\xc3\x28", b"\x80", b"{", b"}", b"[", b"]", b":",
    b"null", b"true", b"-1", b"1e309", b"NaN", b"-Infinity", b"9" * 400, b"2024-02-30",
    b"0000-00-00", b"99999-12-31", b"\\", b"\\u0000", b"[" * 200, b"x" * 5000,
    b"=cmd|' /C calc'!A0",
]  # fmt: skip
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def english(settings: Any, tmp_path: Path) -> Any:
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def login(login: Any) -> Any:
    """The conftest login, with the UI in English: the messages tested are the source strings."""

    def _login(user: Any) -> Any:
        client = login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login


@pytest.fixture
def falun(db: Any) -> Any:
    municipality = create_municipality(None, "2080", "Falun", center=(60.61, 15.63))
    import_areas(FALUN_AREAS, municipality, kind="deso")
    return municipality


@st.composite
def mutated(draw: Any, seed: bytes) -> bytes:
    """The seed file with a few bytes flipped, inserted, cut or repeated; sometimes gzipped."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(HOSTILE) | st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))] * draw(st.integers(2, 5))
    raw = bytes(data)
    if draw(st.integers(0, 9)) == 0:
        raw = gzip.compress(raw)
        if draw(st.booleans()):
            raw = raw[: draw(st.integers(0, len(raw)))]  # a truncated gzip stream
    return raw


def any_file(seed: Path) -> Any:
    return mutated(seed.read_bytes()) | st.binary(max_size=2000)


def written() -> tuple[int, ...]:
    models = [m for m in {i.model for i in REGISTRY.values()}]
    counts = [m._default_manager.count() for m in models]
    return (*counts, ImportBatch.objects.count(), AuditEvent.objects.count())


@pytest.mark.parametrize("source", sorted(SEEDS))
def test_every_importer_imports_or_rejects_any_bytes_and_a_rejection_writes_nothing(
    sala: Any, falun: Any, tmp_path: Path, source: str
) -> None:
    assert source in REGISTRY
    path = tmp_path / "upload"

    @FUZZ
    @given(data=any_file(SEEDS[source]))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        before = written()
        try:
            with transaction.atomic():
                outcome = run_import(path, source=[source])
                assert outcome.counts.imported + outcome.counts.skipped >= 0
                transaction.set_rollback(True)
        except Rejected as e:
            assert str(e)
            assert written() == before

    check()


@st.composite
def json_value(draw: Any) -> Any:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return draw(
        st.recursive(
            scalars,
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=12,
        )
    )


@st.composite
def feature_collections(draw: Any) -> bytes:
    """GeoJSON with the right outline and anything inside: wrong types, nulls, huge numbers."""
    import json

    features = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["Feature", "feature", 3]) | json_value()},
                optional={
                    "properties": st.fixed_dictionaries(
                        {},
                        optional={
                            "kommunkod": st.sampled_from(["1981", 1981, None, [], "0"])
                            | json_value(),
                            "desokod": st.sampled_from(["1981C1040", ""]) | json_value(),
                            "name": json_value(),
                            "befolkning": json_value(),
                        },
                    )
                    | json_value(),
                    "geometry": st.fixed_dictionaries(
                        {
                            "type": st.sampled_from(["Polygon", "Point", "MultiPolygon", "Nope"]),
                            "coordinates": json_value()
                            | st.just([[[16.6, 59.9], [16.7, 59.9], [16.7, 60.0], [16.6, 59.9]]]),
                        }
                    )
                    | json_value(),
                },
            ),
            max_size=4,
        )
    )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.mark.parametrize("what", ["areas", "places"])
def test_area_and_place_imports_import_or_reject_any_geojson_and_write_nothing_then(
    sala: Any, tmp_path: Path, what: str
) -> None:
    seed = AREA_SEED if what == "areas" else PLACE_SEED
    path = tmp_path / "upload.geojson"

    @FUZZ
    @given(data=any_file(seed) | feature_collections())
    def check(data: bytes) -> None:
        path.write_bytes(data)
        before = (Area.objects.count(), Place.objects.count(), AuditEvent.objects.count())
        try:
            with transaction.atomic():
                if what == "areas":
                    import_areas(path, sala, kind="district")
                else:
                    import_places(path, sala)
                transaction.set_rollback(True)
        except ImportRejected as e:
            assert str(e)
            after = (Area.objects.count(), Place.objects.count(), AuditEvent.objects.count())
            assert after == before

    check()


def test_a_web_upload_of_any_bytes_is_previewed_or_refused_never_an_error(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["coordinator"])

    @FUZZ
    @given(data=any_file(SEEDS["police-crimes"]) | any_file(SEEDS["police-events"]))
    def check(data: bytes) -> None:
        upload = SimpleUploadedFile("hostile.csv", data, "text/csv")
        response = client.post("/k/1981/imports/upload/", {"file": upload})
        assert response.status_code in (200, 302), response.status_code

    check()


# The report form -------------------------------------------------------------------------------


def valid_report(user: Any) -> dict[str, Any]:
    now = timezone.localtime(timezone.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    sala = Membership.objects.get(user=user).organisation
    return {
        "organisation": sala.pk,
        "client_key": str(uuid.uuid4()),
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "1",
        "events-MAX_NUM_FORMS": "10",
        "events-0-category": Category.objects.get(municipality__code="1981", code="SKA").pk,
        "events-0-subcategory": Category.objects.get(municipality__code="1981", code="SKA.KLO").pk,
        "events-0-observed_from": now,
        "events-0-observed_to": now,
        "events-0-lat": TOWN[0],
        "events-0-lon": TOWN[1],
        "events-0-youths": "okant",
        "events-0-insecurity": "2",
        "events-0-description": "Klotter på busskuren.",
    }


FIELDS = [
    "organisation", "client_key", "events-TOTAL_FORMS", "events-INITIAL_FORMS",
    "events-0-category", "events-0-subcategory", "events-0-observed_from",
    "events-0-observed_to", "events-0-lat", "events-0-lon", "events-0-place",
    "events-0-people_count", "events-0-youths", "events-0-insecurity",
    "events-0-description", "events-0-warned", "events-0-DELETE", "events-1-lat",
]  # fmt: skip
HOSTILE_VALUES = st.sampled_from(
    [
        "", " ", "\x00", "nan", "inf", "-inf", "1e309", "-1", "0", "1000000",
        "99999999999999999999",
        "٣", "0x10", "1,5", "90.0000001", "-180", "59.9;16.6", "2026-13-45T25:61",
        "0001-01-01T00:00", "9999-12-31T23:59", "<script>alert(1)</script>", "' OR 1=1 --",
        "../../etc/passwd", "%s%s%n", "{{ 7*7 }}", "\ud7ff", "🙂" * 600, "x" * 10_000,
        "19811212-1234 ring 070-123 45 67", str(uuid.UUID(int=0)),
    ]
) | st.text(max_size=60) | st.integers().map(str) | st.floats().map(str)  # fmt: skip


def check_saved(response: Any, keys_before: set[str]) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code != 302:
        return
    for event in Event.objects.exclude(report__client_key__in=keys_before):
        assert in_sweden(event.lat, event.lon)
        assert event.observed_from <= event.observed_to <= timezone.now() + timedelta(minutes=6)
        assert len(event.description) <= 2000
        assert "\x00" not in event.description


def test_the_report_form_answers_any_values_with_errors_or_a_valid_save(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["reporter"])

    @FUZZ
    @given(
        changes=st.dictionaries(st.sampled_from(FIELDS), HOSTILE_VALUES, min_size=1, max_size=5),
        as_list=st.booleans(),
    )
    def check(changes: dict[str, str], as_list: bool) -> None:
        data: dict[str, Any] = valid_report(personas["reporter"]) | changes
        if as_list:  # a field sent twice
            key = next(iter(changes))
            data[key] = [changes[key], "1"]
        keys = set(Report.objects.values_list("client_key", flat=True))
        check_saved(client.post(NEW, data), keys)

    check()


def test_the_report_form_answers_any_photo_bytes_with_errors_or_a_clean_photo(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["reporter"])
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "PNG")
    png = out.getvalue()

    @FUZZ
    @given(data=mutated(png) | st.binary(max_size=500), name=st.text(max_size=300))
    def check(data: bytes, name: str) -> None:
        # The test client sends only a name's last part, and cannot make a file of "a/" or "..".
        name = os.path.basename(name)
        upload = SimpleUploadedFile(name if name not in ("", ".", "..") else "x", data, "image/png")
        body = valid_report(personas["reporter"]) | {"events-0-photos": upload}
        response = client.post(NEW, body)
        assert response.status_code in (200, 302)
        for photo in Photo.objects.all():
            assert photo.width * photo.height <= 2560 * 2560

    check()


def test_a_formset_claiming_a_million_events_is_refused_without_building_them(
    personas: dict[str, Any], login: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(personas["reporter"])
    data = valid_report(personas["reporter"]) | {"events-TOTAL_FORMS": "1000000"}
    with django_assert_max_num_queries(40):
        response = client.post(NEW, data)
    assert response.status_code == 200
    assert not Report.objects.exists()


# Sizes and bombs ------------------------------------------------------------------------------


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def test_a_decompression_bomb_photo_is_refused_with_a_message(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["reporter"])
    bomb = SimpleUploadedFile("bomb.png", png_claiming(100_000, 100_000), "image/png")
    response = client.post(NEW, valid_report(personas["reporter"]) | {"events-0-photos": bomb})
    assert response.status_code == 200
    assert "bomb.png has too many pixels: at most 50 million." in response.content.decode()
    assert not Report.objects.exists()


def test_an_oversize_photo_is_refused_with_a_message(
    personas: dict[str, Any], login: Any, settings: Any
) -> None:
    settings.TRYGG_MAX_PHOTO_BYTES = 50_000
    client = login(personas["reporter"])
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * 60_000, "image/jpeg")
    response = client.post(NEW, valid_report(personas["reporter"]) | {"events-0-photos": big})
    assert response.status_code == 200
    assert "big.jpg is too large: at most 48.8\xa0KB per photo." in response.content.decode()


def test_an_oversize_request_body_gets_the_400_page_not_an_error(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["reporter"])
    data = valid_report(personas["reporter"]) | {"events-0-description": "x" * 3_000_000}
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert b"Bad request" in response.content and b"Traceback" not in response.content
    too_many = valid_report(personas["reporter"]) | {f"f{i}": "1" for i in range(1100)}
    assert client.post(NEW, too_many).status_code == 400


def test_a_gzip_bomb_import_is_refused_before_it_is_read_to_the_end(
    falun: Any, tmp_path: Path, settings: Any
) -> None:
    settings.TRYGG_IMPORT_MAX_UNCOMPRESSED_BYTES = 1 << 20
    seed = SEEDS["police-crimes"].read_bytes()
    header, row = seed.split(b"\r\n")[:2]
    bomb = tmp_path / "brott.csv.gz"
    bomb.write_bytes(gzip.compress(header + b"\r\n" + (row + b"\r\n") * 20_000))
    assert bomb.stat().st_size < 50_000
    with pytest.raises(Rejected, match=re.escape("larger than 1.0\xa0MB when uncompressed")):
        run_import(bomb, source="police-crimes")
    assert not ImportBatch.objects.exists()


def test_a_zip_archive_is_refused_as_not_text(falun: Any, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "brott.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("brott.csv", SEEDS["police-crimes"].read_bytes() * 50)
    with pytest.raises(Rejected, match="not text"):
        run_import(archive, source="police-crimes")


def test_an_anonymous_client_cannot_post_a_report(db: Any) -> None:
    response = Client().post(NEW, {"client_key": str(uuid.uuid4())})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_nul_character_is_refused_with_a_message_wherever_it_comes(
    personas: Any, login: Any, client: Any
) -> None:
    """PostgreSQL cannot compare or store NUL: a query string, an API body and an Open311
    post with one get a clear refusal, never a database error, and nothing is stored."""
    from trygg.api.services import create_open311_key, create_token
    from trygg.tenants.access import access_municipality
    from trygg.tips.models import Tip

    coordinator = login(personas["coordinator"])
    response = coordinator.get("/k/1981/events/?area=19%00x")
    assert response.status_code == 400
    assert "area" in response.content.decode() and "NUL" in response.content.decode()

    access = access_municipality(personas["reporter"], "1981")
    _token, secret = create_token(access, "t", ["read", "write"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/exports/reports.csv?area=0%00").status_code == 400
    body = {
        "client_key": str(uuid.uuid4()),
        "events": [
            {
                "category": "PLA",
                "observed_from": timezone.now().isoformat(),
                "lat": 59.92,
                "lon": 16.60,
                "description": "Trasig\x00belysning",
            }
        ],
    }
    answer = api.post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert answer.status_code == 422 and "NUL" in answer.content.decode()

    admin_access = access_municipality(personas["admin"], "1981")
    _key, api_key = create_open311_key(admin_access, "Partner")
    posted = client.post(
        "/open311/v2/requests.json",
        {
            "jurisdiction_id": "1981",
            "api_key": api_key,
            "service_code": "PLA.BEL",
            "lat": "59.92",
            "long": "16.60",
            "description": "Trasig\x00belysning",
        },
    )
    assert posted.status_code == 400 and "NUL" in posted.content.decode()
    assert not Event.objects.exists() and not Tip.objects.exists()
