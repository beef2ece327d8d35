"""The audit log is append-only in the database: triggers refuse UPDATE and DELETE.

Run on SQLite and on PostgreSQL (DATABASE_URL): both vendors have their own triggers.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from trygg.audit.models import AuditEvent
from trygg.audit.services import delete_older_than, record, released


def refused(action: Callable[[], Any]) -> str:
    """The database's error message for an action it must refuse."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        action()
    return str(error.value)


def raw(sql: str, params: list[Any]) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.mark.django_db
def test_the_database_refuses_to_update_or_delete_an_audit_row() -> None:
    row = record(None, "view", object_type="police.event", summary="seen")
    rows = AuditEvent.objects.filter(pk=row.pk)
    # The model refuses first …
    with pytest.raises(PermissionError):
        rows.update(summary="changed")
    with pytest.raises(PermissionError):
        rows.delete()
    # … and without the model, the database does.
    messages = [
        refused(lambda: models.QuerySet.update(rows, summary="changed")),
        refused(lambda: rows._raw_delete(rows.db)),
        refused(raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["x", row.pk])),
        refused(raw("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])),
        refused(raw("DELETE FROM audit_auditevent", [])),
    ]
    assert all("append-only" in message for message in messages), messages
    assert AuditEvent.objects.get(pk=row.pk).summary == "seen"


@pytest.mark.django_db
def test_a_release_lets_only_older_rows_go_and_never_an_update() -> None:
    now = timezone.now()
    old = AuditEvent.objects.create(action="view", object_type="x", at=now - timedelta(days=400))
    new = AuditEvent.objects.create(action="view", object_type="x", at=now)
    cut = now - timedelta(days=365)
    with released(cut):
        assert "append-only" in refused(
            raw("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [old.pk])
        )
        assert "append-only" in refused(raw("DELETE FROM audit_auditevent WHERE id = %s", [new.pk]))
    assert delete_older_than(cut) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [new.pk]
    # The release ended with its transaction: the old cut-off no longer lets anything go.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_release")
        assert cursor.fetchone()[0] == 0
    assert "append-only" in refused(raw("DELETE FROM audit_auditevent", []))


@pytest.mark.django_db
def test_deleting_a_user_leaves_their_audit_rows_as_they_were() -> None:
    user = get_user_model().objects.create_user("gone", password="x-Long-enough-1")
    row = record(user, "update", object_type="reports.event", object_id=1, summary="edit")
    user_id = user.pk
    user.delete()
    kept = AuditEvent.objects.get(pk=row.pk)
    assert (kept.user_id, kept.username, kept.summary) == (user_id, "gone", "edit")
