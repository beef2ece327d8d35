"""Backups of the whole installation: every table and every uploaded file, in one archive.

The archive is a gzip-compressed tar, the same whatever the database: a backup taken on
SQLite restores into PostgreSQL and back.

    manifest.json           format, time, the migrations applied, per table its row count
                            and the sha256 of its data file, per uploaded file its size and sha256
    data/<app.model>.jsonl  Django's JSON lines serialisation of every row, primary keys kept
                            (audit rows and imports refer to them), foreign keys to content
                            types and permissions by natural key; in dependency order
    media/…                 the uploaded files (TRYGG_VAR_DIR/media)

A restore checks every member against the manifest before it touches the database, refuses a
database that holds data unless forced, inserts every row in one transaction (foreign keys
checked at the end, sequences reset), checks the counts, and only then puts the files in place.
"""

import datetime
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from trygg.audit.services import released

FORMAT = "trygg-backup/1"
CHUNK = 1 << 20
# Made by `migrate` in every database, with their own keys: referred to by natural key instead.
# A forced restore replaces the whole audit log by the archive's: every row may go.
FAR_FUTURE = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
SKIPPED = {"contenttypes.contenttype", "auth.permission"}

Progress = Callable[[int], None]


class ExactEncoder(DjangoJSONEncoder):
    """Times with their microseconds (Django's encoder keeps only milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """An archive that cannot be restored, or a database it must not be restored into."""


@dataclass
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model with a table, parents before the models that refer to them."""
    app_list = {config: None for config in apps.get_app_configs()}
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [
        m
        for m in ordered
        if m._meta.label_lower not in SKIPPED and not m._meta.proxy and m._meta.managed
    ]


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


# Backup --------------------------------------------------------------------------------------


def backup(target: Path, progress: Progress | None = None) -> Summary:
    """Write the archive to `target` (written beside it first, then renamed into place)."""
    media_root = Path(settings.MEDIA_ROOT)
    partial = target.with_name(target.name + ".partial")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "tables": [],
        "files": [],
    }
    with tempfile.TemporaryDirectory(prefix="trygg-backup-") as tmp:
        # One consistent view of the database: every table is read in the same transaction.
        with transaction.atomic():
            dumped = [_dump_model(model, Path(tmp), progress) for model in backed_up_models()]
        with tarfile.open(partial, "w:gz") as tar:
            for path, entry in dumped:
                tar.add(path, arcname=entry["member"])
                manifest["tables"].append(entry)
            for path in media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                entry = {"path": relative, "size": path.stat().st_size, "sha256": _sha256(path)}
                tar.add(path, arcname=f"media/{relative}")
                manifest["files"].append(entry)
                if progress:
                    progress(1)
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    partial.replace(target)
    return Summary(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"]),
        files=len(manifest["files"]),
        bytes=target.stat().st_size,
    )


def _dump_model(
    model: type[models.Model], tmp: Path, progress: Progress | None
) -> tuple[Path, dict[str, Any]]:
    label = model._meta.label_lower
    path = tmp / f"{label}.jsonl"
    rows = 0

    def counted() -> Iterator[models.Model]:
        nonlocal rows
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            rows += 1
            if progress:
                progress(1)
            yield obj

    with path.open("w", encoding="utf-8") as out:
        serializers.serialize(
            "jsonl",
            counted(),
            stream=out,
            use_natural_foreign_keys=True,
            ensure_ascii=False,
            cls=ExactEncoder,
        )
    entry = {"model": label, "member": f"data/{label}.jsonl", "rows": rows, "sha256": _sha256(path)}
    return path, entry


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


# Restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.load(member)
    except (tarfile.TarError, OSError, EOFError, KeyError, ValueError) as e:
        raise BackupError(f"{archive}: not a Trygg backup, or damaged ({e}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify(archive: Path, manifest: dict[str, Any], progress: Progress | None = None) -> None:
    """Every member the manifest names is in the archive with its sha256; nothing else is."""
    expected = {t["member"]: t["sha256"] for t in manifest["tables"]}
    expected |= {f"media/{f['path']}": f["sha256"] for f in manifest["files"]}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == "manifest.json":
                    continue
                _check_member(member, expected)
                stream = tar.extractfile(member)
                digest = hashlib.sha256()
                while stream is not None and (chunk := stream.read(CHUNK)):
                    digest.update(chunk)
                if digest.hexdigest() != expected[member.name]:
                    raise BackupError(f"{member.name}: its checksum does not match the manifest.")
                seen.add(member.name)
                if progress:
                    progress(1)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BackupError(f"{archive}: the archive is damaged ({e}).") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} member(s), e.g. {missing[0]}.")


def _check_member(member: tarfile.TarInfo, expected: dict[str, str]) -> None:
    name = member.name
    if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
        raise BackupError(f"{name}: not a plain file inside the archive: refused.")
    if name not in expected:
        raise BackupError(f"{name}: in the archive but not in its manifest.")


def check_migrations(manifest: dict[str, Any]) -> None:
    applied = {tuple(m) for m in _applied_migrations()}
    newer = sorted({tuple(m) for m in manifest["migrations"]} - applied)
    if newer:
        app, name = newer[0]
        raise BackupError(
            f"The backup is of a newer version of Trygg ({len(newer)} migration(s) not applied "
            f"here, e.g. {app}.{name}): upgrade this installation first."
        )


def holds_data() -> list[str]:
    return [label for label, n in row_counts().items() if n]


def restore(
    archive: Path, *, force: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Replace the database and the uploaded files with the archive's. Returns its manifest."""
    manifest = read_manifest(archive)
    check_migrations(manifest)
    verify(archive, manifest, progress)
    filled = holds_data()
    if filled and not force:
        raise BackupError(
            f"The database is not empty ({', '.join(filled[:5])}"
            f"{' …' if len(filled) > 5 else ''}): restore only into a new database, or use "
            "--force to replace everything in it."
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            _extract_media(tar, staging)
            with transaction.atomic(), released(FAR_FUTURE):
                if filled:
                    _delete_everything()
                _load_tables(tar, manifest, progress)
                _check_counts(manifest)
        _swap_media(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _extract_media(tar: tarfile.TarFile, staging: Path) -> None:
    for member in tar:
        if member.name.startswith("media/"):
            target = staging / "media" / member.name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = _member(tar, member.name)
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)


def _delete_everything() -> None:
    """Every row of every backed-up table, children first (raw SQL: no model logic runs)."""
    tables = []
    for model in reversed(backed_up_models()):
        for field in model._meta.local_many_to_many:
            through: Any = field.remote_field.through
            if through._meta.auto_created:
                tables.append(through._meta.db_table)
        tables.append(model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _load_tables(tar: tarfile.TarFile, manifest: dict[str, Any], progress: Progress | None) -> None:
    loaded: list[type[models.Model]] = []
    with connection.constraint_checks_disabled():
        for entry in manifest["tables"]:
            text = io.TextIOWrapper(_member(tar, entry["member"]), encoding="utf-8")
            model = apps.get_model(entry["model"])
            _insert(model, _objects(text), progress)
            loaded.append(model)
    tables = [m._meta.db_table for m in loaded]
    tables += [_through(f)._meta.db_table for m in loaded for f in m._meta.local_many_to_many]
    connection.check_constraints(table_names=tables)
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _member(tar: tarfile.TarFile, name: str) -> IO[bytes]:
    stream = tar.extractfile(name)
    if stream is None:
        raise BackupError(f"{name}: not a file in the archive.")
    return stream


def _through(field: Any) -> Any:
    return field.remote_field.through


def _objects(lines: IO[str]) -> Iterable[Any]:
    return serializers.deserialize("jsonl", lines, using=DEFAULT_DB_ALIAS, ignorenonexistent=False)


def _insert(model: type[models.Model], objects: Iterable[Any], progress: Progress | None) -> None:
    """Rows as they were: saved raw (no model `save()` runs, `auto_now` keeps the stored time)."""
    for deserialized in objects:
        deserialized.save(using=DEFAULT_DB_ALIAS)
        if progress:
            progress(1)


def _check_counts(manifest: dict[str, Any]) -> None:
    counts = row_counts()
    for entry in manifest["tables"]:
        if counts.get(entry["model"], 0) != entry["rows"]:
            raise BackupError(
                f"{entry['model']}: {counts.get(entry['model'], 0)} rows after the restore, "
                f"{entry['rows']} in the backup: nothing was restored."
            )


def _swap_media(staging: Path, media_root: Path) -> None:
    """Put the restored files in place of the old ones (the old ones are removed last)."""
    new = staging / "media"
    new.mkdir(exist_ok=True)
    old = staging / "old"
    if media_root.exists():
        media_root.replace(old)
    new.replace(media_root)
