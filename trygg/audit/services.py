"""Recording the audit trail. Call `record` in the same place, and transaction, as the write."""

from typing import Any

from django.db import models

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
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        municipality=municipality,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        detail=detail,
    )
