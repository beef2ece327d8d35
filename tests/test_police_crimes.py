"""Police-reported crime: `trygg import police-crimes` per DeSO, per point, and the crime key."""

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation

from trygg.areas.services import import_areas
from trygg.audit.models import AuditEvent
from trygg.imports.models import ImportBatch, ImportChange
from trygg.imports.services import undo
from trygg.police.codes import CrimeKey
from trygg.police.models import CrimeCodeLevel, PoliceCrime
from trygg.tenants.services import create_municipality

FIXTURES = Path(__file__).parent / "fixtures" / "police"
CRIMES = FIXTURES / "brott_per_deso_slice.csv"
KEY = FIXTURES / "brottskod_niva_nyckel_slice.csv"
POINTS = FIXTURES / "brott_punkter_sweref.csv"
POINTS_WGS84 = FIXTURES / "brott_punkter_wgs84.csv"
FALUN_AREAS = (
    Path(__file__).parent.parent / "trygg" / "police" / "data" / "deso2025_falun_2080.geojson"
)
FALUN_ROWS, BORLANGE_ROWS = 25, 6


@pytest.fixture(autouse=True)
def english_and_import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    with translation.override("en"):
        yield


@pytest.fixture
def falun(db):
    municipality = create_municipality(None, "2080", "Falun", center=(60.61, 15.63))
    import_areas(FALUN_AREAS, municipality, kind="deso")
    return municipality


def run(*args: Any, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\r\n")


def write_lines(path: Path, rows: list[bytes]) -> Path:
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    return path


def test_it_attaches_each_row_to_its_deso(falun):
    out, _err = run("import_police_crimes", str(CRIMES))
    assert last_line(out) == f"imported={FALUN_ROWS} updated=0 unchanged=0 skipped={BORLANGE_ROWS}"
    crimes = PoliceCrime.objects.filter(municipality=falun)
    assert crimes.count() == FALUN_ROWS
    assert not crimes.filter(area__isnull=True).exists()
    vika = crimes.filter(deso_code="2080A0010").first()
    assert vika.area.code == "2080A0010"


def test_it_keeps_counts_dates_and_the_crime_period(falun):
    run("import_police_crimes", str(CRIMES))
    row = PoliceCrime.objects.get(deso_code="2080A0010", crime_code="830", registered="2022-05-17")
    assert (row.count, str(row.crime_from), str(row.crime_to)) == (2, "2022-05-13", "2022-05-16")
    assert row.police_area == "LPO Falun" and row.source_file == "Brottsstatistik_Falun_202212.csv"
    total = PoliceCrime.objects.aggregate(n=Sum("count"))["n"]
    rows = csv.DictReader(CRIMES.read_text().splitlines())
    expected = sum(int(r["antal_brott"]) for r in rows if r["Kommunkod"] == "2080")
    assert total == expected


def test_it_reads_an_unknown_crime_period(falun):
    run("import_police_crimes", str(CRIMES))
    unknown = PoliceCrime.objects.filter(crime_from__isnull=True)
    rows = list(csv.DictReader(CRIMES.read_text().splitlines()))
    dashes = [r for r in rows if r["Kommunkod"] == "2080" and r["Brottsdatum från"] == "-"]
    assert unknown.count() == len(dashes) == 3  # "-" in Brottsdatum från
    assert all(c.registered for c in unknown)


def test_it_skips_and_counts_rows_of_other_kommuner(falun):
    run("import_police_crimes", str(CRIMES))
    assert not PoliceCrime.objects.filter(deso_code__startswith="2081").exists()
    assert ImportBatch.objects.get().skipped == BORLANGE_ROWS


def test_it_reports_only_unchanged_when_imported_again(falun):
    run("import_police_crimes", str(CRIMES))
    out, _err = run("import_police_crimes", str(CRIMES))
    assert last_line(out) == f"imported=0 updated=0 unchanged={FALUN_ROWS} skipped={BORLANGE_ROWS}"
    assert PoliceCrime.objects.count() == FALUN_ROWS


def test_it_never_double_counts_an_overlapping_later_delivery(falun, tmp_path):
    header, *rows = [r for r in lines(CRIMES) if r]
    first = write_lines(tmp_path / "first.csv", [header, *rows[:15]])
    later = write_lines(tmp_path / "later.csv", [header, *rows[10:]])
    run("import_police_crimes", str(first))
    out, _err = run("import_police_crimes", str(later))
    assert (
        last_line(out)
        == f"imported={FALUN_ROWS - 15} updated=0 unchanged=5 skipped={BORLANGE_ROWS}"
    )
    assert PoliceCrime.objects.count() == FALUN_ROWS


def test_it_updates_a_count_the_police_corrected_and_undo_restores_it(falun, tmp_path):
    run("import_police_crimes", str(CRIMES))
    header, first, *_rest = [r for r in lines(CRIMES) if r]
    corrected = first.replace(b",1,Brottsstatistik", b",3,Brottsstatistik")
    path = write_lines(tmp_path / "corrected.csv", [header, corrected])
    out, _err = run("import_police_crimes", str(path))
    assert last_line(out) == "imported=0 updated=1 unchanged=0 skipped=0"
    row = PoliceCrime.objects.get(key__startswith="2080A0010|1212|2022-04-06")
    assert row.count == 3
    later = ImportBatch.objects.latest("pk")
    assert ImportChange.objects.filter(batch=later).count() == 1
    removed, restored = undo(None, later)
    row.refresh_from_db()
    assert (removed, restored, row.count) == (0, 1, 1)
    assert row.batch == ImportBatch.objects.earliest("pk")


def test_it_refuses_to_undo_a_batch_a_later_one_changed(falun, tmp_path):
    from django.core.exceptions import ValidationError

    run("import_police_crimes", str(CRIMES))
    header, first, *_rest = [r for r in lines(CRIMES) if r]
    path = write_lines(tmp_path / "c.csv", [header, first.replace(b",1,Brotts", b",2,Brotts")])
    run("import_police_crimes", str(path))
    earlier, later = ImportBatch.objects.order_by("pk")
    with pytest.raises(ValidationError):
        undo(None, earlier)
    undo(None, later)
    removed, restored = undo(None, earlier)
    assert (removed, restored) == (FALUN_ROWS, 0)
    assert not PoliceCrime.objects.exists()


def test_it_never_attaches_a_deso_of_another_kommun(falun, tmp_path):
    header, *rows = [r for r in lines(CRIMES) if r]
    wrong = rows[0].replace(b",2080A0010,", b",2081A0010,")  # Falun's code, Borlänge's DeSO
    path = write_lines(tmp_path / "wrong.csv", [header, wrong, *rows[1:]])
    out, err = run("import_police_crimes", str(path))
    assert "DeSO 2081A0010 is not in kommun 2080" in err
    assert "line 2:" in err
    assert (
        last_line(out)
        == f"imported={FALUN_ROWS - 1} updated=0 unchanged=0 skipped={BORLANGE_ROWS + 1}"
    )
    assert not PoliceCrime.objects.filter(deso_code="2081A0010").exists()


def test_it_keeps_rows_of_unknown_desos_without_an_area_and_says_so(db):
    falun = create_municipality(None, "2080", "Falun")  # no areas imported
    _out, err = run("import_police_crimes", str(CRIMES))
    assert "DeSO 2080A0010 is not among Falun's areas" in err
    assert PoliceCrime.objects.filter(municipality=falun, area__isnull=True).count() == FALUN_ROWS


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_it_reads_other_encodings(falun, tmp_path, encoding):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(CRIMES.read_bytes().decode("utf-8").encode(encoding))
    out, _err = run("import_police_crimes", str(path))
    assert last_line(out) == f"imported={FALUN_ROWS} updated=0 unchanged=0 skipped={BORLANGE_ROWS}"
    assert PoliceCrime.objects.filter(police_area="LPO Falun").count() == FALUN_ROWS


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[: len(b) - 30], "truncated"),
        (lambda b: b[: b.rindex(b",1,Brotts")], "truncated"),
        (lambda b: b[:2000] + b"\xff\xfe\xfa" + b[2000:], "UTF-8 in places"),
        (lambda b: b.decode().encode("utf-8").decode("cp1252").encode("utf-8"), "encoded twice"),
        (lambda b: b.replace(b",", b";", 200), "fields where the header has"),
        (
            lambda b: b.replace(b"desokod", b"omrade").replace(b"antal_brott", b"n"),
            "not in a format",
        ),
    ],
)
def test_it_rejects_damaged_files_and_leaves_the_database_as_it_was(
    falun, tmp_path, damage, message
):
    run("import_police_crimes", str(CRIMES))
    before = (
        list(PoliceCrime.objects.values_list("key", "count", "batch_id")),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )
    path = tmp_path / "damaged.csv"
    path.write_bytes(damage(CRIMES.read_bytes()))
    with pytest.raises(CommandError) as error:
        run("import_police_crimes", str(path))
    assert message in str(error.value)
    assert "Nothing was imported" in str(error.value)
    after = (
        list(PoliceCrime.objects.values_list("key", "count", "batch_id")),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_it_rejects_a_file_with_garbled_values(falun, tmp_path):
    header, *rows = [r for r in lines(CRIMES) if r]
    garbled = [re.sub(rb",(20\d\d)-", rb",\1x", r) for r in rows]
    path = write_lines(tmp_path / "garbled.csv", [header, *garbled])
    with pytest.raises(CommandError) as error:
        run("import_police_crimes", str(path))
    assert f"{FALUN_ROWS} of {FALUN_ROWS + BORLANGE_ROWS} rows cannot be read" in str(error.value)
    assert not PoliceCrime.objects.exists()


def test_it_imports_points_in_sweref_99_tm_into_their_deso(sala, kungsor):
    out, _err = run("import_police_crimes", str(POINTS), municipality=["1981"])
    assert last_line(out) == "imported=3 updated=0 unchanged=0 skipped=1"
    crimes = {c.crime_code: c for c in PoliceCrime.objects.filter(municipality=sala)}
    assert crimes["1212"].deso_code == "1981A0010" and crimes["1212"].area.code == "1981A0010"
    assert crimes["1212"].x == 595564.6
    assert crimes["1212"].lat == pytest.approx(59.828875, abs=1e-5)
    assert crimes["9382"].key == "p|5000-K102-24"


def test_it_imports_points_of_every_municipality_here(sala, kungsor):
    out, _err = run("import_police_crimes", str(POINTS))
    assert last_line(out) == "imported=4 updated=0 unchanged=0 skipped=0"
    assert PoliceCrime.objects.get(municipality=kungsor).deso_code == "1960A0010"


def test_it_imports_lat_lon_points_and_counts_repeated_crimes_once_each(sala):
    out, _err = run("import_police_crimes", str(POINTS_WGS84))
    assert last_line(out) == "imported=4 updated=0 unchanged=0 skipped=1"
    assert PoliceCrime.objects.filter(crime_code="1212").count() == 2
    again, _err = run("import_police_crimes", str(POINTS_WGS84))
    assert last_line(again) == "imported=0 updated=0 unchanged=4 skipped=1"


def test_it_rejects_points_that_are_not_in_sweden(sala, tmp_path):
    swapped = "\n".join(
        line if i == 0 else ",".join([*line.split(",")[:3], *reversed(line.split(",")[3:])])
        for i, line in enumerate(POINTS.read_text().splitlines())
    )
    path = tmp_path / "swapped.csv"
    path.write_text(swapped + "\n")
    with pytest.raises(CommandError) as error:
        run("import_police_crimes", str(path))
    assert "not a point in Sweden in SWEREF 99 TM (swapped?)" in str(error.value)


def test_it_imports_a_newer_key_of_crime_codes(falun):
    out, _err = run("import_police_crimes", str(KEY))
    assert last_line(out) == "imported=15 updated=0 unchanged=0 skipped=0"
    assert CrimeCodeLevel.objects.filter(municipality=falun, code="830").count() == 5
    key = CrimeKey.of(falun)
    assert key.group_of("830", "category") == "Tillgreppsbrott (exkl i butik)"
    assert key.group_of("830", "est") == "ORD.INB"


def test_it_prints_json(falun):
    out, _err = run("import_police_crimes", str(CRIMES), json=True)
    result = json.loads(last_line(out))
    assert (result["imported"], result["skipped"]) == (FALUN_ROWS, BORLANGE_ROWS)
    assert result["municipalities"]["2080"]["imported"] == FALUN_ROWS
    assert result["file"]["columns"][4] == "desokod"


def test_it_says_which_municipality_is_unknown(falun):
    with pytest.raises(CommandError) as error:
        run("import_police_crimes", str(CRIMES), municipality=["9999"])
    assert "9999" in str(error.value)


@pytest.mark.parametrize("chunk", [2000, 4])
def test_it_stores_a_repeated_line_once_and_names_it(falun, tmp_path, monkeypatch, chunk):
    """A line repeated later in the file, in the same chunk of rows or in a later one."""
    from trygg.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", chunk)
    header, *rows = [r for r in lines(CRIMES) if r]
    path = write_lines(tmp_path / "repeated.csv", [header, *rows, rows[0]])
    out, err = run("import_police_crimes", str(path))
    assert (
        last_line(out) == f"imported={FALUN_ROWS} updated=0 unchanged=0 skipped={BORLANGE_ROWS + 1}"
    )
    assert f"line {len(rows) + 2}: The same row as an earlier line" in err
    assert PoliceCrime.objects.count() == FALUN_ROWS
    # Imported again, nothing is added or changed. (A repeat in a later chunk then counts
    # as one more unchanged row: memory stays flat, with no set of every key of the file.)
    again, _err = run("import_police_crimes", str(path))
    assert last_line(again).startswith("imported=0 updated=0 unchanged=")
    assert PoliceCrime.objects.count() == FALUN_ROWS
