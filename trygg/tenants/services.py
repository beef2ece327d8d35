"""Writes for municipalities, organisations and memberships."""

from typing import Any

from django.db import transaction

from trygg.audit.services import record
from trygg.reports.taxonomy import seed_categories

from .models import Municipality


@transaction.atomic
def create_municipality(
    actor: Any, code: str, name: str, *, center: tuple[float, float] | None = None
) -> Municipality:
    defaults: dict[str, Any] = {"name": name}
    if center:
        defaults.update(center_lat=center[0], center_lon=center[1])
    municipality, created = Municipality.objects.get_or_create(code=code, defaults=defaults)
    if created:
        record(actor, "create", municipality, municipality=municipality, summary=name)
    seed_categories(municipality)
    return municipality
