"""`trygg backup` and `trygg restore`: the whole database and the uploaded files round-trip.

Through the CLI, between two installations: one with reports, photos, imports and audit rows;
the other new. Every table and every file must come back the same; a damaged archive or a
database that holds data is refused without a change.
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from .installation import Installation, on_postgres

AREAS = Path(__file__).parent / "fixtures" / "deso2025_sala_1981.geojson"
CRIMES = Path(__file__).parent / "fixtures" / "police" / "brott_punkter_sweref.csv"

# Demo-like content: two municipalities, a reporter's reports with photos, a review, audit rows.
POPULATE = f"""
import io
import uuid
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from trygg.areas.services import import_areas
from trygg.reports.models import Category
from trygg.tenants.models import Membership, Organisation, Role
from trygg.tenants.services import create_municipality
from django.contrib.auth import get_user_model

sala = create_municipality(None, "1981", "Sala", center=(59.92, 16.60))
import_areas({str(AREAS)!r}, sala, kind="deso")
create_municipality(None, "1960", "Kungsör", center=(59.42, 16.10))
org = Organisation.objects.create(municipality=sala, name="Sala bevakning", kind="bevakning")
user = get_user_model().objects.create_user("rapportor", password="x-backup-test-1981")
Membership.objects.create(user=user, organisation=org, role=Role.REPORTER)
client = Client()
client.force_login(user)
now = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
for i in range(3):
    image = io.BytesIO()
    Image.new("RGB", (30 + i, 20), "red").save(image, "JPEG")
    data = {{
        "organisation": org.pk, "client_key": str(uuid.uuid4()),
        "events-TOTAL_FORMS": 1, "events-INITIAL_FORMS": 0,
        "events-MIN_NUM_FORMS": 1, "events-MAX_NUM_FORMS": 10,
        "events-0-category": Category.objects.get(municipality=sala, code="SKA").pk,
        "events-0-subcategory": Category.objects.get(municipality=sala, code="SKA.KLO").pk,
        "events-0-observed_from": now, "events-0-observed_to": now,
        "events-0-lat": 59.91648 + i / 1000, "events-0-lon": 16.61212,
        "events-0-youths": "okant", "events-0-insecurity": 2,
        "events-0-description": f"Klotter på busskur nummer {{i}}, åäö",
        "events-0-photos": SimpleUploadedFile(f"p{{i}}.jpg", image.getvalue(), "image/jpeg"),
    }}
    assert client.post("/k/1981/report/new/", data).status_code == 302
"""

TABLES = """
import hashlib, json
from trygg.backups.archive import backed_up_models
out = {}
for model in backed_up_models():
    rows = [
        json.dumps(row, sort_keys=True, default=str)
        for row in model._base_manager.order_by("pk").values()
    ]
    for field in model._meta.local_many_to_many:
        rows += sorted(
            json.dumps(pair, default=str)
            for pair in field.remote_field.through.objects.values_list()
        )
    digest = hashlib.sha256("\\n".join(rows).encode()).hexdigest()
    out[model._meta.label_lower] = [len(rows), digest]
print(json.dumps(out))
"""


def tables(inst: Installation) -> dict[str, list]:
    return dict(json.loads(inst.python(TABLES).strip().splitlines()[-1]))


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """One populated installation for the module (a forced restore gives it the same data)."""
    inst = Installation(tmp_path_factory.mktemp("backup") / "source")
    inst.trygg("migrate", "--no-input", "-v", "0")
    inst.python(POPULATE)
    inst.trygg("import", "police-crimes", str(CRIMES), "--municipality", "1981")
    return inst


def round_trip(source: Installation, target: Installation, archive: Path) -> None:
    done = source.trygg("backup", "-o", str(archive))
    assert "rows" in done.stdout
    restored = target.trygg("restore", str(archive))
    assert "restored" in restored.stdout
    before, after = tables(source), tables(target)
    assert before["reports.photo"][0] == 3
    assert before["audit.auditevent"][0] >= 5
    assert before["police.policecrime"][0] > 0
    assert after == before
    assert len(files(source.media)) == 3
    assert files(target.media) == files(source.media)


def test_backup_and_restore_round_trip_every_table_and_file(
    source: Installation, tmp_path: Path
) -> None:
    target = Installation(tmp_path / "target")
    round_trip(source, target, tmp_path / "backup.tar.gz")


@pytest.mark.skipif(not on_postgres(), reason="needs DATABASE_URL on PostgreSQL")
def test_a_sqlite_backup_restores_into_postgresql(source: Installation, tmp_path: Path) -> None:
    target = Installation(tmp_path / "target", "postgres")
    try:
        round_trip(source, target, tmp_path / "backup.tar.gz")
        # Sequences were reset: new rows get new keys.
        target.python(
            "from trygg.tenants.services import create_municipality\n"
            "create_municipality(None, '1982', 'Heby', center=(60.0, 16.9))\n"
        )
    finally:
        target.drop()


def test_restore_refuses_a_database_with_data_unless_forced(
    source: Installation, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    source.trygg("backup", "-o", str(archive))
    before = tables(source)
    refused = source.trygg("restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "Nothing was restored" in refused.stderr
    assert tables(source) == before
    forced = source.trygg("restore", str(archive), "--force")
    assert "restored" in forced.stdout
    assert tables(source) == before


def test_a_damaged_archive_is_refused_before_the_database_is_touched(
    source: Installation, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    source.trygg("backup", "-o", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar:
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "data/reports.event.jsonl":
                data = data.replace(b"busskur", b"buskkur")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    target = Installation(tmp_path / "target")
    refused = target.trygg("restore", str(damaged), check=False)
    assert refused.returncode == 1
    assert "reports.event.jsonl: its checksum does not match" in refused.stderr
    assert tables(target)["reports.report"][0] == 0
    not_a_backup = tmp_path / "x.tar.gz"
    not_a_backup.write_bytes(b"\x1f\x8b not really")
    refused = target.trygg("restore", str(not_a_backup), check=False)
    assert refused.returncode == 1 and "not a Trygg backup" in refused.stderr
