"""Recording the audit trail. Call `record` in the same place, and transaction, as the write."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent


def record(
    user: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    municipality: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    **detail: Any,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if municipality is None:
            municipality = getattr(obj, "municipality", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        at=timezone.now(),
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        municipality=municipality,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        detail=detail,
    )


@contextmanager
def released(older_than: datetime) -> Iterator[None]:
    """Let the database delete audit rows older than `older_than`, inside this block only.

    The one allowed deletion of the append-only log: `trygg prune` (rows past their retention)
    and a forced restore (which replaces the whole log by the archive's). Needs a transaction,
    which it opens, and removes the release before it commits. UPDATE stays refused.
    """
    value = connection.ops.adapt_datetimefield_value(older_than)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO audit_release (older_than) VALUES (%s)", [value])
        yield  # an error rolls the release back with everything else
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_release")


def delete_older_than(older_than: datetime) -> int:
    """Delete the audit rows older than `older_than` (retention): the number deleted."""
    with released(older_than):
        rows = AuditEvent.objects.filter(at__lt=older_than)
        return int(rows._raw_delete(rows.db))
