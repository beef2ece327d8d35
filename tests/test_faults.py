"""Faults halfway: an import killed mid-file, a publication failing mid-write.

Either leaves the database as it was before, and running the same thing again succeeds.
"""

import csv
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from pyproj import Transformer

from trygg.audit.models import AuditEvent
from trygg.picture.models import WeeklyPicture
from trygg.picture.weeks import Week

from .installation import Installation, backends

AREAS = Path(__file__).parent / "fixtures" / "deso2025_sala_1981.geojson"
TOWN = (59.91648, 16.61212)
ROWS = 60_000

SETUP = f"""
from trygg.areas.services import import_areas
from trygg.tenants.services import create_municipality
sala = create_municipality(None, "1981", "Sala", center=(59.92, 16.60))
import_areas({str(AREAS)!r}, sala, kind="deso")
"""

COUNT = """
import json
from trygg.audit.models import AuditEvent
from trygg.imports.models import ImportBatch, ImportChange
from trygg.police.models import PoliceCrime
print(json.dumps({
    "crimes": PoliceCrime.objects.count(),
    "batches": ImportBatch.objects.count(),
    "changes": ImportChange.objects.count(),
    "import_audits": AuditEvent.objects.filter(
        action="import", object_type="imports.importbatch"
    ).count(),
}))
"""


def crime_points(path: Path, rows: int) -> None:
    """A point-level police export of `rows` crimes around Sala town, each with its own id."""
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(
        TOWN[1], TOWN[0]
    )
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Händelsenummer", "Brottskod", "Brottsdatum", "X_koordinat", "Y_koordinat"])
        for i in range(rows):
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            out.writerow([f"5000-K{i}-24", "1212", day, f"{x + i % 500:.1f}", f"{y + i % 300:.1f}"])


def counts(inst: Installation) -> dict[str, int]:
    import json

    return dict(json.loads(inst.python(COUNT).strip().splitlines()[-1]))


def kill_when_progress(proc: Any, percent: int, timeout: float = 240) -> str:
    """SIGKILL the process once its progress bar shows `percent` %; its stderr so far."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        chunk = proc.stderr.read(64)
        seen += chunk
        found = [int(p) for p in re.findall(r"(\d+)%\|", seen[-400:])]
        if found and max(found) >= percent:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return seen
    raise AssertionError(f"the import ended before it was killed: {proc.returncode}\n{seen}")


@pytest.mark.parametrize("backend", backends())
def test_an_import_killed_halfway_leaves_nothing_and_can_be_rerun(
    tmp_path: Path, backend: str
) -> None:
    inst = Installation(tmp_path / "var", backend)
    try:
        inst.trygg("migrate", "--no-input", "-v", "0")
        inst.python(SETUP)
        crimes = tmp_path / "brott_punkter.csv"
        crime_points(crimes, ROWS)

        proc = inst.popen("import", "police-crimes", str(crimes))
        kill_when_progress(proc, 20)
        assert proc.returncode == -signal.SIGKILL
        assert counts(inst) == {"crimes": 0, "batches": 0, "changes": 0, "import_audits": 0}

        done = inst.trygg("import", "police-crimes", str(crimes))
        imported = int(re.findall(r"^imported=(\d+) ", done.stdout, re.M)[-1])
        assert imported > ROWS * 0.9  # points at the edge of the areas are skipped
        assert counts(inst) == {"crimes": imported, "batches": 1, "changes": 0, "import_audits": 1}
    finally:
        inst.drop()


class FailOn:
    """A database that fails on the first statement matching `pattern` (a lost connection)."""

    def __init__(self, pattern: str):
        self.pattern = re.compile(pattern, re.I)
        self.failed = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.failed and self.pattern.search(sql):
            self.failed = True
            raise OperationalError("server closed the connection unexpectedly (fault injected)")
        return execute(sql, params, many, context)


def test_a_publication_failing_halfway_publishes_nothing_and_can_be_rerun(
    personas: dict[str, Any], login: Any
) -> None:
    week = Week.current()
    url = f"/k/1981/picture/publish/?week={week}"
    client = login(personas["coordinator"])
    client.get(url)
    faulty = Client(raise_request_exception=False)
    faulty.cookies = client.cookies
    audits = AuditEvent.objects.count()
    # The picture row is written, then the audit insert fails: the transaction is rolled back.
    fault = FailOn(r"INSERT INTO .audit_auditevent.")
    with connection.execute_wrapper(fault):
        response = faulty.post(url, {"week": str(week)})
    assert fault.failed
    assert response.status_code == 500
    assert b"Traceback" not in response.content
    picture = WeeklyPicture.objects.filter(week=str(week)).first()
    assert picture is None or (not picture.published and picture.snapshot is None)
    assert AuditEvent.objects.count() == audits

    response = client.post(url, {"week": str(week)})
    assert response.status_code == 302
    picture = WeeklyPicture.objects.get(week=str(week))
    assert picture.published and picture.snapshot is not None
    assert AuditEvent.objects.filter(object_type="picture.weeklypicture").count() == 1
