"""Brå statistics: `trygg import bra` for the per-kommun CSV and the kommun indicators."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from trygg.bra.models import BraStatistic
from trygg.imports.models import ImportBatch
from trygg.tenants.services import create_municipality

FIXTURES = Path(__file__).parent / "fixtures" / "bra"
REPORTED = FIXTURES / "anmalda_brott_slice.csv"
DOWNLOAD = FIXTURES / "bra_download_sala.csv"
INDICATORS = FIXTURES / "kommunindikatorer_slice.csv"


@pytest.fixture(autouse=True)
def english_and_import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    with translation.override("en"):
        yield


@pytest.fixture
def falun(db):
    return create_municipality(None, "2080", "Falun")


def run(*args: Any, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def value(municipality: Any, **filters: Any) -> float:
    return BraStatistic.objects.get(municipality=municipality, **filters).value


def test_it_imports_the_per_kommun_csv_with_codes(sala):
    out, _err = run("import_bra", str(REPORTED))
    # 12 rows of Sala, each a count and a rate; Uppsala's 12 rows are skipped.
    assert last_line(out) == "imported=24 updated=0 unchanged=0 skipped=12"
    total = {"variable": "Totalt antal anmälda brott", "year": 2024}
    assert value(sala, unit="Antal", **total) == 3006
    assert value(sala, unit="Antal per 100 000 inv", **total) == 13154


def test_it_reads_bras_download_format(sala):
    """Semicolons, a byte-order mark, names without codes and Swedish numbers ("13 154,0")."""
    out, _err = run("import_bra", str(DOWNLOAD))
    assert last_line(out) == "imported=24 updated=0 unchanged=0 skipped=1"
    batch = ImportBatch.objects.get()
    assert batch.encoding == "UTF-8 with BOM"
    total = {"variable": "Totalt antal anmälda brott", "year": 2024}
    assert value(sala, unit="Antal", **total) == 3006  # written "3 006" with no-break spaces
    assert value(sala, unit="Antal per 100 000 inv", **total) == 13154.0
    assert value(sala, unit="Antal per 100 000 inv", variable="Inbrott", year=2023) == 554.0


def test_it_reads_the_same_figures_from_both_layouts(sala):
    """Brå's download and the coded file hold the same figures: the second changes nothing."""
    run("import_bra", str(REPORTED))
    out, _err = run("import_bra", str(DOWNLOAD))
    assert last_line(out) == "imported=0 updated=0 unchanged=24 skipped=1"
    assert BraStatistic.objects.filter(municipality=sala).count() == 24


def test_it_imports_indicators_with_confidence_intervals(falun):
    out, _err = run("import_bra", str(INDICATORS))
    assert "skipped=12" in last_line(out)  # Borlänge's rows
    assault = {"variable": "Självrapporterad utsatthet för misshandel", "year": 2024}
    kommun = BraStatistic.objects.filter(municipality=falun, geography="kommun", **assault)
    measures = {row.measure: row.value for row in kommun}
    assert set(measures) == {"value", "ci_low", "ci_high"}
    assert measures["ci_low"] < measures["value"] < measures["ci_high"]


def test_it_keeps_county_and_national_figures_as_references(falun):
    run("import_bra", str(INDICATORS))
    rate = {"variable": "Totalt antal anmälda brott", "unit": "Antal per 100 000 inv", "year": 2024}
    assert value(falun, geography="county", **rate) == 8750
    assert value(falun, geography="national", **rate) == 14090
    assert (
        BraStatistic.objects.get(municipality=falun, geography="county", **rate).geography_name
        == "Dalarnas län"
    )


def test_it_gives_the_county_figures_only_to_kommuner_of_that_county(sala, falun):
    run("import_bra", str(INDICATORS))
    assert not BraStatistic.objects.filter(municipality=sala, geography="county").exists()
    assert not BraStatistic.objects.filter(municipality=sala, geography="kommun").exists()
    assert BraStatistic.objects.filter(municipality=sala, geography="national").exists()


def test_it_never_attaches_another_kommuns_figures(falun):
    run("import_bra", str(INDICATORS))
    names = set(BraStatistic.objects.values_list("geography_name", flat=True))
    assert names == {"Falun", "Dalarnas län", "Hela landet"}


def test_it_reports_only_unchanged_when_imported_again(sala, falun):
    run("import_bra", str(INDICATORS))
    first = BraStatistic.objects.count()
    out, _err = run("import_bra", str(INDICATORS))
    assert last_line(out) == f"imported=0 updated=0 unchanged={first} skipped=12"


def test_it_lists_an_unknown_kommun_with_its_line(sala, tmp_path):
    text = DOWNLOAD.read_bytes().decode("utf-8-sig").replace("Uppsala;", "Uppsalla;")
    path = tmp_path / "typo.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    out, err = run("import_bra", str(path))
    assert "line 14: “Uppsalla” is neither a Swedish kommun nor a county." in err
    assert last_line(out) == "imported=24 updated=0 unchanged=0 skipped=1"


def test_it_leaves_out_values_marked_missing(sala, tmp_path):
    text = DOWNLOAD.read_bytes().decode("utf-8-sig").replace("127;554,0", "..;..")
    path = tmp_path / "missing.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    _out, err = run("import_bra", str(path))
    assert "marked as missing" in err
    assert not BraStatistic.objects.filter(variable="Inbrott", year=2023).exists()


def test_it_rejects_a_file_with_numbers_it_cannot_read(sala, tmp_path):
    text = DOWNLOAD.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    garbled = [lines[0], *(line.replace(";", ";#", 3) for line in lines[1:])]
    path = tmp_path / "garbled.csv"
    path.write_bytes("\r\n".join(garbled).encode("utf-8-sig"))
    with pytest.raises(CommandError) as error:
        run("import_bra", str(path))
    assert "rows cannot be read" in str(error.value)
    assert not BraStatistic.objects.exists()


def test_it_rejects_a_file_of_another_kind(sala):
    with pytest.raises(CommandError) as error:
        run(
            "import_bra",
            str(Path(__file__).parent / "fixtures" / "police" / "brott_per_deso_slice.csv"),
        )
    assert "missing the columns" in str(error.value)


def test_it_prints_json(sala):
    out, _err = run("import_bra", str(REPORTED), json=True)
    result = json.loads(last_line(out))
    assert (result["imported"], result["skipped"], result["source"]) == (24, 12, "bra")
