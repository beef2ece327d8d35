"""Import speed and memory: police-reported crime and police events, SQLite and PostgreSQL.

Run: `.venv/bin/python bench/bench_imports.py` (`--backend sqlite` or `--backend postgres`
for one). Writes bench/results/imports.json. Skips cleanly (exit 0, no result written) when
../shared/data is absent; skips PostgreSQL when no server answers at
postgres://postgres@127.0.0.1:5432 (override with BENCH_POSTGRES_URL).

Data (../shared/data): `police_crimes/brott_per_deso_dalarna_2022-2025.csv` (81 030 rows,
17.9 MB), `polisen/events_sala_uppsala_ostersund_kungsor.json` (3 021 events, 2.4 MB) and
`polisen/api_events_snapshot_2026-08-22.json` (500 events). Every kommun of these files is a
municipality of the benchmark installation, with its real DeSO areas (Dalarna), so every
row is imported and attached, none skipped.

Each backend runs in its own process on a throw-away database (a temporary SQLite file; a
PostgreSQL database created and dropped by the run). Measured, in that process:
- speed: the wall time of `run_import` (the whole import: the check pass over the file,
  parsing, key lookups, inserts, audit, commit) on an empty database, then again on the same
  file (every row unchanged); rows/s = rows in the file / seconds. Target ≥ 20 000 rows/s.
  The machine has 2 cores shared with other work: the CPU time of the importing process and
  the load average are recorded next to each wall time (PostgreSQL's own work is not in
  that CPU time).
- memory: tracemalloc's peak during the import of the first 1/8, 1/4, 1/2 and all of the
  crime file (each on emptied tables), and of the events archive repeated 1× and 4× (ids
  offset, so every copy is new): the peak should not grow with the file size. Memory runs
  are separate from the timed runs (tracemalloc slows Python down).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CRIMES = DATA / "police_crimes" / "brott_per_deso_dalarna_2022-2025.csv"
ARCHIVE = DATA / "polisen" / "events_sala_uppsala_ostersund_kungsor.json"
SNAPSHOT = DATA / "polisen" / "api_events_snapshot_2026-08-22.json"
DALARNA_AREAS = DATA / "areas" / "deso2025_dalarna.geojson"
RESULT = ROOT / "bench" / "results" / "imports.json"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
TARGET_ROWS_PER_S = 20_000
# The kommuner of the events archive, besides those of the crime file (found in it).
EVENT_KOMMUNER = {"1981": "Sala", "0380": "Uppsala", "2380": "Östersund", "1960": "Kungsör"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    missing = [p for p in (CRIMES, ARCHIVE, SNAPSHOT, DALARNA_AREAS) if not p.is_file()]
    if missing:
        print(f"skipped: {missing[0]} is absent (the shared data folder is not here)")
        return 0
    if args.worker:
        print(json.dumps(run_backend(args.backend)))
        return 0
    backends = [args.backend] if args.backend else ["sqlite", "postgres"]
    results = [r for r in (spawn(b) for b in backends) if r]
    write(results)
    return 0


def spawn(backend: str) -> dict[str, Any] | None:
    """Run one backend in a fresh process (Django's settings are read once per process)."""
    with tempfile.TemporaryDirectory(prefix="trygg-bench-") as var:
        env = {**os.environ, "TRYGG_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "trygg.settings"}
        env.pop("DATABASE_URL", None)
        database = ""
        if backend == "postgres":
            database = create_database()
            if not database:
                print("skipped postgres: no server at", POSTGRES)
                return None
            env["DATABASE_URL"] = f"{POSTGRES}/{database}"
        try:
            command = [sys.executable, __file__, "--worker", "--backend", backend]
            done = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
                command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
        finally:
            if database:
                drop_database(database)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{backend}: the benchmark failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report(result)
    return result


def create_database() -> str:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as c:
            name = f"trygg_bench_{os.getpid()}"
            c.execute(f"CREATE DATABASE {name}")
            return name
    except Exception:  # no server, no rights: the backend is skipped
        return ""


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# In the worker process ------------------------------------------------------------------


def run_backend(backend: str) -> dict[str, Any]:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    setup_installation()
    with tempfile.TemporaryDirectory(prefix="trygg-bench-files-") as tmp:
        speed = [
            *timed_twice(CRIMES, "police-crimes"),
            *timed_twice(ARCHIVE, "police-events"),
            *timed_twice(SNAPSHOT, "police-events"),
        ]
        memory = memory_runs(Path(tmp))
    return {
        "backend": backend,
        "database": f"{connection.vendor} {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"{connection.vendor} {connection.pg_version}",
        "speed": speed,
        "memory": memory,
    }


def setup_installation() -> None:
    """The kommuner of the files, as municipalities, with their real DeSO areas."""
    import csv

    from trygg.areas.services import import_areas
    from trygg.tenants.services import create_municipality

    with CRIMES.open(encoding="utf-8", newline="") as f:
        kommuner = {r["Kommunkod"]: r["Kommunnamn"] for r in csv.DictReader(f)}
    features = json.loads(DALARNA_AREAS.read_text(encoding="utf-8"))["features"]
    with tempfile.TemporaryDirectory() as tmp:
        for code, name in sorted(kommuner.items()):
            municipality = create_municipality(None, code, name)
            mine = [f for f in features if f["properties"]["Kommunkod"] == code]
            path = Path(tmp) / f"{code}.geojson"
            path.write_text(json.dumps({"type": "FeatureCollection", "features": mine}))
            import_areas(path, municipality, kind="deso")
    for code, name in EVENT_KOMMUNER.items():
        create_municipality(None, code, name)


def timed_twice(path: Path, source: str) -> list[dict[str, Any]]:
    from trygg.imports.engine import run_import

    runs = []
    for mode in ("empty database", "again: every row unchanged"):
        start, cpu = time.perf_counter(), time.process_time()
        outcome = run_import(path, source=source)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rows = sum(outcome.counts.as_dict().values())
        runs.append(
            {
                "file": path.name,
                "bytes": path.stat().st_size,
                "mode": mode,
                "rows": rows,
                "counts": outcome.counts.as_dict(),
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds),
                "cpu_seconds": round(cpu, 3),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    return runs


def memory_runs(tmp: Path) -> list[dict[str, Any]]:
    lines = CRIMES.read_bytes().split(b"\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    results = []
    for share in (8, 4, 2, 1):
        part = tmp / f"crimes_1_{share}.csv"
        part.write_bytes(b"\r\n".join([header, *rows[: len(rows) // share]]) + b"\r\n")
        results.append(peak(part, "police-crimes"))
    events = json.loads(ARCHIVE.read_text(encoding="utf-8"))
    for copies in (1, 4):
        repeated = [
            {**event, "id": event["id"] + copy * 10_000_000}
            for copy in range(copies)
            for event in events
        ]
        part = tmp / f"events_x{copies}.json"
        part.write_text(json.dumps(repeated, ensure_ascii=False, indent=1), encoding="utf-8")
        results.append(peak(part, "police-events"))
    return results


def peak(path: Path, source: str) -> dict[str, Any]:
    """tracemalloc's peak during one import into emptied tables."""
    import gc

    from trygg.imports.engine import run_import
    from trygg.imports.models import ImportBatch
    from trygg.police.models import PoliceCrime, PoliceEvent

    PoliceCrime.objects.all().delete()
    PoliceEvent.objects.all().delete()
    ImportBatch.objects.filter(source=source).delete()
    gc.collect()
    tracemalloc.start()
    outcome = run_import(path, source=source)
    _now, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "rows": sum(outcome.counts.as_dict().values()),
        "peak_bytes": top,
    }


# Reporting ------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> None:
    print(f"\n{result['backend']} ({result['database']})")
    for run in result["speed"]:
        mark = "ok" if run["rows_per_s"] >= TARGET_ROWS_PER_S else "below target"
        print(
            f"  {run['file']:<48} {run['mode']:<28} {run['rows']:>6} rows "
            f"{run['seconds']:>6.2f} s {run['rows_per_s']:>7} rows/s  {mark} "
            f"(cpu {run['cpu_seconds']:.2f} s, load {run['load_average']})"
        )
    for run in result["memory"]:
        print(
            f"  peak {run['peak_bytes'] / 1e6:6.1f} MB for {run['bytes'] / 1e6:6.1f} MB "
            f"({run['rows']} rows) {run['file']}"
        )


def write(results: list[dict[str, Any]]) -> None:
    if not results:
        return
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "what": "police data imports: rows/s and peak memory (tracemalloc) vs file size",
                "target_rows_per_s": TARGET_ROWS_PER_S,
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average": os.getloadavg(),
                },
                "results": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"\nwrote {RESULT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
