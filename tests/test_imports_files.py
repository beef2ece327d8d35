"""Reading import files: encodings, kinds, line numbers, and the damaged files that are refused."""

import codecs
import gzip
import json
from pathlib import Path

import pytest
from django.utils import translation

from trygg.imports.files import Rejected, csv_records, inspect, json_records

FIXTURES = Path(__file__).parent / "fixtures"
CRIMES = FIXTURES / "police" / "brott_per_deso_slice.csv"
EVENTS = FIXTURES / "police" / "api_events_2026-08-22_slice.json"
BRA_DOWNLOAD = FIXTURES / "bra" / "bra_download_sala.csv"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def crimes_text() -> str:
    return CRIMES.read_bytes().decode("utf-8")


def test_it_reads_utf8_and_finds_the_columns():
    info = inspect(CRIMES)
    assert (info.encoding_label, info.kind, info.delimiter) == ("UTF-8", "csv", ",")
    assert info.columns[4:6] == ["desokod", "Brottskod"]
    assert len(info.sha256) == 64


def test_it_reads_utf8_with_a_byte_order_mark_and_semicolons():
    info = inspect(BRA_DOWNLOAD)
    assert (info.encoding_label, info.delimiter) == ("UTF-8 with BOM", ";")
    assert info.columns[0] == "Region"  # the BOM is not part of the first column's name


def test_it_detects_windows_1252(tmp_path):
    path = write(tmp_path, "cp1252.csv", crimes_text().encode("cp1252"))
    info = inspect(path)
    assert info.encoding_label == "Windows-1252"
    first = next(csv_records(info))
    assert first.data[2] == "Falun"
    assert "Övre" in path.read_bytes().decode("cp1252") or info.columns[0].startswith("LPO")
    assert info.columns[0] == "LPO/Sektion nivå 4 brottsplats"


def test_it_detects_iso_8859_1_when_bytes_undefined_in_windows_1252_occur(tmp_path):
    text = crimes_text().replace("Vika", "Vika\x81")
    info = inspect(write(tmp_path, "latin1.csv", text.encode("latin-1")))
    assert info.encoding_label == "ISO-8859-1"


def test_it_reads_utf16_with_a_byte_order_mark(tmp_path):
    path = write(tmp_path, "utf16.csv", codecs.BOM_UTF16_LE + crimes_text().encode("utf-16-le"))
    info = inspect(path)
    assert info.encoding_label == "UTF-16"
    assert next(csv_records(info)).data[4] == "2080A0010"


def test_it_reads_gzip_compressed_files(tmp_path):
    path = write(tmp_path, "crimes.csv.gz", gzip.compress(CRIMES.read_bytes()))
    info = inspect(path)
    assert info.compressed and info.kind == "csv"
    assert sum(1 for _ in csv_records(info)) == 31


def test_it_gives_each_csv_record_the_line_it_starts_on(tmp_path):
    text = 'a,b\r\n1,"two\r\nlines"\r\n3,4\r\n'
    records = list(csv_records(inspect(write(tmp_path, "multi.csv", text.encode()))))
    assert [r.line for r in records] == [2, 4]


def test_it_streams_json_arrays_with_line_numbers():
    records = list(json_records(inspect(EVENTS)))
    assert len(records) == 7
    assert records[0].line == 2
    assert records[1].line == 14  # each event spans 12 lines in the API's layout
    assert records[0].data["id"] == 650297


def test_it_reads_json_lines(tmp_path):
    events = json.loads(EVENTS.read_text())
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n"
    records = list(json_records(inspect(write(tmp_path, "events.jsonl", text.encode()))))
    assert [r.line for r in records] == list(range(1, 8))


@pytest.mark.parametrize(
    ("name", "damage", "message"),
    [
        ("empty.csv", lambda b: b"", "empty"),
        ("binary.csv", lambda b: b[:100] + b"\x00\x01\x02" + b[100:], "not text"),
        ("control.csv", lambda b: b[:300] + b"\x07\x1b" + b[300:], "control characters"),
        (
            "double.csv",
            lambda b: b.decode("utf-8").encode("utf-8").decode("cp1252").encode("utf-8"),
            "encoded twice",
        ),
        ("mixed.csv", lambda b: b + "Borlänge;Säter\r\n".encode("cp1252"), "UTF-8 in places"),
        ("cut.csv", lambda b: b[: b.index("ä".encode()) + 1], "middle of a character"),
        ("cut.csv.gz", lambda b: gzip.compress(b)[:-20], "compressed file is damaged"),
    ],
)
def test_it_rejects_damaged_files_before_reading_them(tmp_path, name, damage, message):
    path = write(tmp_path, name, damage(CRIMES.read_bytes()))
    with pytest.raises(Rejected) as rejected:
        inspect(path)
    assert message in str(rejected.value)


def test_it_names_the_line_of_the_damage(tmp_path):
    data = CRIMES.read_bytes()
    third_line = data.index(b"\r\n", data.index(b"\r\n") + 2) + 2
    path = write(tmp_path, "nul.csv", data[:third_line] + b"\x00" + data[third_line:])
    with pytest.raises(Rejected) as rejected:
        inspect(path)
    assert rejected.value.line == 3


def test_it_rejects_a_csv_cut_in_the_middle_of_a_line(tmp_path):
    data = CRIMES.read_bytes()
    path = write(tmp_path, "cut.csv", data[: len(data) - 40])
    info = inspect(path)
    assert not info.ends_with_newline
    with pytest.raises(Rejected) as rejected:
        list(csv_records(info))
    assert "truncated" in str(rejected.value)
    assert rejected.value.line == 32


def test_it_rejects_a_line_with_too_many_fields(tmp_path):
    text = crimes_text().replace("Vika\r\n", "Vika,extra,more\r\n", 1)
    with pytest.raises(Rejected) as rejected:
        list(csv_records(inspect(write(tmp_path, "wide.csv", text.encode()))))
    assert rejected.value.line == 2
    assert "17 fields where the header has 15" in str(rejected.value)


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda t: t[: t.index('"summary"', 2000)], "truncated"),
        (lambda t: t.rstrip().rstrip("]"), "truncated"),
        (lambda t: t.replace('"id": 650290,', '"id": 650290 "x",', 1), "damaged"),
        (lambda t: t + "[]", "more text after the end"),
    ],
)
def test_it_rejects_truncated_and_damaged_json(tmp_path, cut, message):
    path = write(tmp_path, "events.json", cut(EVENTS.read_text()).encode())
    with pytest.raises(Rejected) as rejected:
        list(json_records(inspect(path)))
    assert message in str(rejected.value)
    assert rejected.value.line is not None


def test_it_keeps_memory_flat_while_streaming(tmp_path):
    import tracemalloc

    events = json.loads(EVENTS.read_text())
    sizes = {"medium": 400, "big": 1600}
    paths = {
        name: write(tmp_path, f"{name}.json", json.dumps(events * n, indent=1).encode())
        for name, n in sizes.items()
    }

    def peak(name: str) -> int:
        tracemalloc.start()
        count = sum(1 for _ in json_records(inspect(paths[name])))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == len(events) * sizes[name]
        return top

    assert paths["big"].stat().st_size > 3.9 * paths["medium"].stat().st_size
    assert peak("big") < 1.25 * peak("medium")
