"""Police event notices: `trygg import police-events` and `trygg fetch police-events`."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from trygg.audit.models import AuditEvent
from trygg.imports.models import ImportBatch
from trygg.police import fetch
from trygg.police.models import EventTypeMapping, PoliceEvent
from trygg.tenants.services import create_municipality

FIXTURES = Path(__file__).parent / "fixtures" / "police"
API = FIXTURES / "api_events_2026-08-22_slice.json"
ARCHIVE = FIXTURES / "events_archive_slice.json"


@pytest.fixture(autouse=True)
def english_and_import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    with translation.override("en"):
        yield


@pytest.fixture
def falun(db):
    return create_municipality(None, "2080", "Falun", center=(60.61, 15.63))


def run(*args: Any, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_it_imports_each_event_into_the_kommun_it_names(sala, kungsor, falun):
    out, _err = run("import_police_events", str(ARCHIVE))
    assert last_line(out) == "imported=8 updated=0 unchanged=0 skipped=3"
    assert PoliceEvent.objects.filter(municipality=sala).count() == 6
    assert PoliceEvent.objects.filter(municipality=kungsor).count() == 2
    assert not PoliceEvent.objects.filter(municipality=falun).exists()  # Uppsala's are skipped


def test_it_reads_the_kommun_from_the_title_when_the_location_is_a_county(sala, falun):
    run("import_police_events", str(API))
    event = PoliceEvent.objects.get(event_id=650163)
    assert event.municipality == sala
    assert (event.location_name, event.county_level) == ("Västmanlands län", True)
    falun_types = set(
        PoliceEvent.objects.filter(municipality=falun).values_list("event_type", flat=True)
    )
    assert falun_types == {"Försvunnen person", "Farligt föremål, misstänkt"}


def test_it_reads_unpadded_hours_and_the_time_in_the_title(sala):
    run("import_police_events", str(API))
    event = PoliceEvent.objects.get(event_id=650163)  # "2026-08-21 7:22:46 +02:00"
    assert event.published_at.isoformat() == "2026-08-21T05:22:46+00:00"
    assert event.occurred_at.isoformat() == "2026-08-20T19:34:00+00:00"  # "20 augusti 21.34"
    assert (event.iso_year, event.iso_week) == (2026, 34)


def test_it_matches_kommun_names_in_any_case(db):
    lilla_edet = create_municipality(None, "1462", "Lilla Edet")
    run("import_police_events", str(API))
    assert PoliceEvent.objects.get(municipality=lilla_edet).event_id == 649603  # "Lilla edet"


def test_it_keeps_types_with_commas_and_strips_trailing_spaces(db):
    uppsala = create_municipality(None, "0380", "Uppsala")
    run("import_police_events", str(ARCHIVE))
    types = set(
        PoliceEvent.objects.filter(municipality=uppsala).values_list("event_type", flat=True)
    )
    assert types == {"Mord/dråp, försök", "Lagen om hundar och katter", "Sammanfattning natt"}


def test_it_skips_county_wide_summaries(db, falun):
    out, _err = run("import_police_events", str(API))
    # "Sammanfattning natt, Dalarnas län" names no kommun: skipped, never attached to Falun.
    assert not PoliceEvent.objects.filter(event_id=650262).exists()
    assert last_line(out) == "imported=2 updated=0 unchanged=0 skipped=5"


def test_it_flags_summaries_of_a_kommun(db):
    uppsala = create_municipality(None, "0380", "Uppsala")
    run("import_police_events", str(ARCHIVE))
    summary = PoliceEvent.objects.get(municipality=uppsala, is_summary=True)
    assert (summary.event_id, summary.event_type) == (513412, "Sammanfattning natt")


def test_it_makes_relative_urls_absolute(sala):
    run("import_police_events", str(API))
    event = PoliceEvent.objects.get(event_id=650163)
    assert event.url.startswith("https://polisen.se/aktuellt/handelser/2026/augusti/20/")


def test_it_keeps_the_centre_but_names_it_as_such(sala):
    run("import_police_events", str(ARCHIVE))
    event = PoliceEvent.objects.get(event_id=389631)
    assert (event.centre_lat, event.centre_lon) == (59.920859, 16.606328)


def test_it_reports_only_unchanged_when_imported_again(sala, kungsor):
    run("import_police_events", str(ARCHIVE))
    out, _err = run("import_police_events", str(ARCHIVE))
    assert last_line(out) == "imported=0 updated=0 unchanged=8 skipped=3"
    assert PoliceEvent.objects.count() == 8


def test_it_updates_changed_text_and_keeps_text_the_api_does_not_send(sala):
    run("import_police_events", str(API))
    event = PoliceEvent.objects.get(event_id=650163)
    assert event.body == ""
    out, _err = run("import_police_events", str(ARCHIVE))
    assert "updated=1" in last_line(out)
    event.refresh_from_db()  # the archive has the page's text
    assert event.preamble == "Inbrott i garagebyggnad."
    assert event.body.startswith("Polisen får samtal från en person som berättar")
    body = event.body
    out, _err = run("import_police_events", str(API))  # the API has no text: keep it
    assert "unchanged=1" in last_line(out)
    event.refresh_from_db()
    assert event.body == body


def test_it_seeds_the_editable_mapping_of_types_to_categories(sala):
    run("import_police_events", str(ARCHIVE))
    mapping = EventTypeMapping.objects.get(municipality=sala, event_type="Skadegörelse")
    assert mapping.category.code == "SKA.ANN"
    seen = EventTypeMapping.objects.get(municipality=sala, event_type="Mord/dråp")
    assert seen.category.code == "ORD.VAL"
    traffic = EventTypeMapping.objects.get(
        municipality=sala, event_type="Trafikolycka, personskada"
    )
    assert traffic.category is None


def test_it_reads_standard_input(sala):
    out, _err = run("import_police_events", "-", stdin=io.BytesIO(API.read_bytes()))
    assert last_line(out) == "imported=1 updated=0 unchanged=0 skipped=6"
    assert ImportBatch.objects.get().file_name == "stdin"


def test_it_prints_the_same_as_json(sala):
    out, _err = run("import_police_events", str(API), json=True)
    result = json.loads(last_line(out))
    assert {k: result[k] for k in ("imported", "updated", "unchanged", "skipped")} == {
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 6,
    }
    assert result["file"]["encoding"] == "UTF-8"


def test_it_shows_a_progress_bar_on_stderr(sala):
    _out, err = run("import_police_events", str(ARCHIVE))
    assert "events_archive_slice" in err
    assert "%|" in err


def test_it_writes_nothing_on_a_dry_run(sala):
    out, _err = run("import_police_events", str(ARCHIVE), dry_run=True)
    assert "dry run" in out
    assert last_line(out) == "imported=6 updated=0 unchanged=0 skipped=5"
    assert not PoliceEvent.objects.exists()
    assert not ImportBatch.objects.exists()


def test_it_rejects_a_truncated_file_and_leaves_the_database_as_it_was(sala, tmp_path):
    run("import_police_events", str(API))
    before = (PoliceEvent.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count())
    text = ARCHIVE.read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) * 2 // 3])
    with pytest.raises(CommandError) as error:
        run("import_police_events", str(cut))
    assert "truncated" in str(error.value) and "Nothing was imported" in str(error.value)
    after = (PoliceEvent.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_it_rejects_a_file_of_another_kind(sala):
    crimes = FIXTURES / "brott_per_deso_slice.csv"
    with pytest.raises(CommandError) as error:
        run("import_police_events", str(crimes))
    assert "not in a format Trygg knows" in str(error.value)
    assert "expected a JSON file" in str(error.value)


def test_it_rejects_json_that_is_not_events(sala, tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"name": "x"}, {"name": "y"}]))
    with pytest.raises(CommandError) as error:
        run("import_police_events", str(other))
    assert "lacks id, datetime, type, location.name" in str(error.value)


def test_it_rejects_a_file_of_events_that_cannot_be_read(sala, tmp_path):
    events = json.loads(ARCHIVE.read_text())
    for event in events:
        event["datetime"] = "yesterday"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(events))
    with pytest.raises(CommandError) as error:
        run("import_police_events", str(bad))
    assert "11 of 11 rows cannot be read" in str(error.value)
    assert not PoliceEvent.objects.exists()


def test_it_lists_a_bad_event_with_its_line_and_imports_the_rest(sala, kungsor, tmp_path):
    events = json.loads(ARCHIVE.read_text())
    events[1]["datetime"] = "2026-13-45 99:99:99"
    path = tmp_path / "one-bad.json"
    path.write_text(json.dumps(events, indent=1, ensure_ascii=False))
    out, err = run("import_police_events", str(path))
    assert last_line(out) == "imported=7 updated=0 unchanged=0 skipped=4"
    lines = path.read_text().splitlines()
    starts_on = next(i for i, line in enumerate(lines) if '"id": 389631' in line)  # 1-based "{"
    assert f"line {starts_on}: Event 389631 cannot be read" in err


def test_it_keeps_one_batch_per_municipality(sala, kungsor):
    run("import_police_events", str(ARCHIVE))
    batches = ImportBatch.objects.filter(source="police-events")
    assert {b.municipality.code: b.imported for b in batches} == {"1981": 6, "1960": 2}


def test_it_skips_every_row_of_kommuner_that_are_not_here(falun):
    out, _err = run("import_police_events", str(ARCHIVE))
    assert last_line(out) == "imported=0 updated=0 unchanged=0 skipped=11"
    assert not PoliceEvent.objects.exists()


# Fetching from the API ------------------------------------------------------------------


class Replay(BaseHTTPRequestHandler):
    """Replays the snapshot; the first `failures` requests get a 503."""

    body = API.read_bytes()
    failures = 0
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        Replay.seen.append(dict(self.headers))
        if Replay.failures > 0:
            Replay.failures -= 1
            self.send_error(503, "Service Unavailable")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api():
    Replay.seen, Replay.failures = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/events"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clock(monkeypatch):
    """A fake clock: sleeping moves it on, and every pause is recorded."""
    state = {"now": 1_000_000.0, "pauses": []}

    def sleep(seconds: float) -> None:
        state["pauses"].append(seconds)
        state["now"] += seconds

    monkeypatch.setattr(fetch, "now", lambda: state["now"])
    monkeypatch.setattr(fetch, "sleep", sleep)
    return state


def test_it_fetches_the_api_and_imports_it(sala, falun, api, clock):
    out, _err = run("fetch_police_events", url=api)
    assert last_line(out) == "imported=3 updated=0 unchanged=0 skipped=4"
    assert PoliceEvent.objects.filter(municipality=falun).count() == 2
    assert ImportBatch.objects.filter(source="police-events").count() == 2


def test_it_says_who_is_asking(sala, api, clock):
    run("fetch_police_events", url=api)
    agent = Replay.seen[0]["User-Agent"]
    assert agent.startswith("Trygg/") and "EST" in agent


def test_it_asks_at_most_once_a_minute_also_across_runs(sala, api, clock):
    run("fetch_police_events", url=api)
    assert clock["pauses"] == []
    clock["now"] += 10
    out, _err = run("fetch_police_events", url=api)
    assert clock["pauses"] == [pytest.approx(50)]
    assert last_line(out) == "imported=0 updated=0 unchanged=1 skipped=6"


def test_it_retries_a_minute_later_when_the_server_fails(sala, api, clock):
    Replay.failures = 1
    out, err = run("fetch_police_events", url=api, retries=2)
    assert len(Replay.seen) == 2
    assert clock["pauses"] == [pytest.approx(60)]
    assert "HTTP 503" in err
    assert "imported=1" in last_line(out)


def test_it_gives_up_after_the_retries(sala, api, clock):
    Replay.failures = 5
    with pytest.raises(CommandError) as error:
        run("fetch_police_events", url=api, retries=1)
    assert len(Replay.seen) == 2
    assert "HTTP 503" in str(error.value)
    assert not PoliceEvent.objects.exists()


def test_it_times_out_on_a_server_that_does_not_answer(sala, clock):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/events"
        with pytest.raises(CommandError) as error:
            run("fetch_police_events", url=url, retries=0, timeout=0.5)
        assert "Could not fetch" in str(error.value)
    finally:
        silent.close()
