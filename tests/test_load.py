"""The load test, at a small scale: a real server, many clients, dropped connections.

Runs `bench/load_reports.py` against `trygg serve` on loopback (SQLite; and PostgreSQL when
DATABASE_URL is on PostgreSQL) and checks that every report sent is stored exactly once.
Not timed: the speed is the benchmark's business (bench/results/load_reports.json).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .installation import backends

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "load_reports.py"


@pytest.mark.parametrize("backend", backends())
def test_no_report_is_lost_or_duplicated_under_load_with_dropped_connections(
    tmp_path: Path, backend: str
) -> None:
    out = tmp_path / "load.json"
    args = ["--backend", backend, "--reports", "60", "--clients", "6", "--reporters", "3"]
    args += ["--drop", "0.25", "--workers", "2", "--threads", "4", "--no-peer"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (result,) = json.loads(out.read_text())["results"]
    ours = result["trygg"]
    assert ours["sent"] == ours["distinct_sent"] == 60
    assert ours["dropped_by_client"] > 0 and ours["retries"] >= ours["dropped_by_client"]
    assert (ours["stored"], ours["lost"], ours["duplicated"], ours["unexpected"]) == (60, 0, 0, 0)
    assert ours["events"] == ours["audit_creates"] == 60
    assert ours["server_errors"] == ours["form_errors"] == ours["gave_up"] == 0
