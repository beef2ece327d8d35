"""Writes of the import framework: the web upload's preview and confirmation, and undo.

A web upload is stored in the import directory and checked with a dry run: the batch, in
status `preview`, holds what the import would do. Confirming runs the same import for real
into the same batch. Undoing a batch removes the rows it added and restores the rows it
changed; it is refused while a later import has changed those rows again.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.tenants.models import Municipality

from .engine import REGISTRY, Outcome, importer_for, run_import
from .files import Rejected
from .kommuner import Targets
from .models import ImportBatch, ImportChange

STALE_AFTER = timedelta(days=1)


def import_dir() -> Path:
    directory = Path(getattr(settings, "TRYGG_IMPORT_DIR", settings.VAR_DIR / "imports"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def max_upload_bytes() -> int:
    return int(getattr(settings, "TRYGG_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def sources_for(access: Any) -> list[str]:
    """The sources a user may import from the web."""
    return [source for source, importer in REGISTRY.items() if access.can(importer.capability)]


def _store(upload: UploadedFile) -> str:
    name = f"{secrets.token_hex(16)}.upload"
    with (import_dir() / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def _forget_file(batch: ImportBatch) -> None:
    if batch.stored_file:
        (import_dir() / batch.stored_file).unlink(missing_ok=True)
        batch.stored_file = ""


def preview_upload(
    actor: Any, municipality: Municipality, upload: UploadedFile, sources: list[str]
) -> ImportBatch:
    """Store an upload and dry-run its import: a batch in status preview (or rejected)."""
    discard_stale()
    stored = _store(upload)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            municipality=municipality,
            source="",
            file_name=(upload.name or "upload")[:255],
            size=upload.size or 0,
            status=ImportBatch.Status.PREVIEW,
            created_by=actor,
            stored_file=stored,
        )
        record(actor, "create", batch, summary=_("upload: %(file)s") % {"file": batch.file_name})
    try:
        outcome = run_import(
            import_dir() / batch.stored_file,
            source=sources,
            targets=Targets([municipality]),
            actor=actor,
            name=batch.file_name,
            dry_run=True,
            batches={municipality.pk: batch},
        )
    except Rejected as e:
        _reject(actor, batch, str(e))
        return batch
    with transaction.atomic():
        _fill_preview(batch, outcome)
        batch.save()
        record(
            actor,
            "update",
            batch,
            summary=_("preview of %(file)s: %(counts)s")
            % {
                "file": batch.file_name,
                "counts": " ".join(f"{k}={v}" for k, v in batch.counts().items()),
            },
        )
    return batch


@transaction.atomic
def _reject(actor: Any, batch: ImportBatch, message: str) -> None:
    _forget_file(batch)
    batch.status, batch.message = ImportBatch.Status.REJECTED, message
    for name in ("imported", "updated", "unchanged", "skipped"):
        setattr(batch, name, 0)
    batch.save()
    record(actor, "update", batch, summary=_("rejected: %(message)s") % {"message": message})


def _fill_preview(batch: ImportBatch, outcome: Outcome) -> None:
    """What the dry run found, on the batch (its rows were rolled back)."""
    counts = outcome.by_municipality.get(batch.municipality.code)
    for name, value in (counts or outcome.counts).as_dict().items():
        setattr(batch, name, value)
    mine = [p for p in outcome.problems if p.municipality_id in (None, batch.municipality_id)]
    batch.status = ImportBatch.Status.PREVIEW
    batch.imported_at = None
    batch.source = outcome.source
    batch.sha256, batch.size = outcome.info.sha256, outcome.info.size
    batch.encoding = outcome.info.encoding_label
    batch.problems = [p.as_dict() for p in mine]
    batch.problem_count = len(mine) + sum(p.more for p in mine)
    batch.preview = {
        **outcome.info.describe(),
        "label": str(importer_for(outcome.source).label),
        "first_rows": outcome.first_rows,
        "rows": sum(outcome.counts.as_dict().values()),
    }


@transaction.atomic
def confirm(actor: Any, batch: ImportBatch) -> ImportBatch:
    """Import a previewed upload for real, into the same batch."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("This upload is not waiting for confirmation."))
    path = import_dir() / batch.stored_file
    if not batch.stored_file or not path.is_file():
        raise ValidationError(_("The uploaded file is gone; upload it again."))

    def same_file(info: Any) -> None:
        if info.sha256 != batch.sha256:
            raise Rejected(_("The stored file changed since the preview; upload it again."))

    try:
        outcome = run_import(
            path,
            source=batch.source,
            targets=Targets([batch.municipality]),
            actor=actor,
            name=batch.file_name,
            batches={batch.municipality_id: batch},
            on_inspected=same_file,
        )
    except Rejected as e:
        _reject(actor, batch, str(e))
        return batch
    batch.refresh_from_db()
    if not outcome.batches:
        _close_empty(actor, batch, outcome)
    _forget_file(batch)
    batch.save(update_fields=["stored_file"])
    return batch


def _close_empty(actor: Any, batch: ImportBatch, outcome: Outcome) -> None:
    """A confirmed file with no rows for the municipality: done, with everything skipped."""
    batch.status, batch.imported_at = ImportBatch.Status.IMPORTED, timezone.now()
    batch.imported = batch.updated = batch.unchanged = 0
    batch.skipped = outcome.counts.skipped
    batch.save()
    record(actor, "import", batch, summary=f"{batch.file_name}: {outcome.counts}")


@transaction.atomic
def discard(actor: Any, batch: ImportBatch) -> None:
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("This upload is not waiting for confirmation."))
    _forget_file(batch)
    batch.status = ImportBatch.Status.DISCARDED
    batch.save()
    record(actor, "update", batch, summary=_("discarded: %(file)s") % {"file": batch.file_name})


def discard_stale() -> None:
    """Previews nobody confirmed within a day are discarded, and their files removed."""
    stale = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEW, created_at__lt=timezone.now() - STALE_AFTER
    )
    for batch in stale:
        discard(None, batch)


def undo_blocker(batch: ImportBatch) -> ImportBatch | None:
    """A later import, still in place, that changed rows of this batch; None if there is none."""
    later = (
        ImportChange.objects.filter(previous_batch=batch, batch__status=ImportBatch.Status.IMPORTED)
        .select_related("batch")
        .first()
    )
    return later.batch if later else None


@transaction.atomic
def undo(actor: Any, batch: ImportBatch) -> tuple[int, int]:
    """Remove the rows a batch added and restore those it changed: (removed, restored)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.IMPORTED:
        raise ValidationError(_("Only an import that is in place can be undone."))
    if blocker := undo_blocker(batch):
        raise ValidationError(
            _("Import #%(id)s (%(file)s) changed rows of this one later: undo that one first.")
            % {"id": blocker.pk, "file": blocker.file_name}
        )
    importer = importer_for(batch.source)
    manager = importer.model._default_manager
    restored = 0
    for change in batch.changes.iterator():
        values = importer.restore(change.previous)
        restored += manager.filter(pk=change.object_id, batch=batch).update(
            **values, batch_id=change.previous_batch_id
        )
    removed, _by_model = manager.filter(batch=batch).delete()
    batch.status, batch.undone_at, batch.undone_by = (
        ImportBatch.Status.UNDONE,
        timezone.now(),
        actor,
    )
    batch.save()
    record(
        actor,
        "delete",
        batch,
        summary=_("undid import #%(id)s (%(file)s): %(removed)d removed, %(restored)d restored")
        % {"id": batch.pk, "file": batch.file_name, "removed": removed, "restored": restored},
        undo=True,
        removed=removed,
        restored=restored,
    )
    return removed, restored
