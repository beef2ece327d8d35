"""Which EST category a police event type counts as: an editable table per municipality.

Seeded with defaults from the police's list of event types; a coordinator changes it on the
mapping page. Types the police add later appear unmapped until someone maps them.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from trygg.audit.services import record
from trygg.reports.models import Category
from trygg.tenants.models import Municipality

from .models import EventTypeMapping

# Police event type -> EST category code; None: not an EST matter (traffic, missing persons…).
DEFAULT_EVENT_MAPPING: dict[str, str | None] = {
    "Skadegörelse": "SKA.ANN",
    "Brand": "SKA.BRA",
    "Mordbrand": "SKA.BRA",
    "Misshandel": "ORD.VAL",
    "Misshandel, grov": "ORD.VAL",
    "Bråk": "ORD.VAL",
    "Mord/dråp": "ORD.VAL",
    "Mord/dråp, försök": "ORD.VAL",
    "Skottlossning": "ORD.VAL",
    "Skottlossning, misstänkt": "ORD.VAL",
    "Detonation": "ORD",
    "Explosion": "ORD",
    "Smällar": "ORD",
    "Olaga hot": "ORD.HOT",
    "Våld/hot mot tjänsteman": "ORD.PER",
    "Stöld/inbrott": "ORD.INB",
    "Inbrott": "ORD.INB",
    "Inbrott, försök": "ORD.INB",
    "Larm Inbrott": "ORD.INB",
    "Rån": "ORD.RAN",
    "Rån, försök": "ORD.RAN",
    "Rån väpnat": "ORD.RAN",
    "Rån övrigt": "ORD.RAN",
    "Larm Överfall": "ORD.RAN",
    "Narkotikabrott": "ORD.NAR",
    "Fylleri/LOB": "ORD.BER",
    "Fylleri": "ORD.BER",
    "Alkohollagen": "ORD.BER",
    "Ofredande/förargelse": "ORD",
    "Ordningslagen": "ORD",
    "Olaga intrång": "ORD",
    "Hemfridsbrott": "ORD",
    "Knivlagen": "ORD",
    "Vapenlagen": "ORD",
    "Stöld": "ORD",
    "Stöld, försök": "ORD",
    "Motorfordon, stöld": "ORD",
    "Häleri": "ORD",
    "Sedlighetsbrott": "ORD",
    "Hets mot folkgrupp": "DIG",
    "Trafikolycka": None,
    "Trafikolycka, personskada": None,
    "Trafikolycka, vilt": None,
    "Trafikolycka, singel": None,
    "Trafikolycka, smitning från": None,
    "Trafikbrott": None,
    "Trafikkontroll": None,
    "Trafikhinder": None,
    "Rattfylleri": None,
    "Olovlig körning": None,
    "Försvunnen person": None,
    "Anträffad död": None,
    "Arbetsplatsolycka": None,
    "Bedrägeri": None,
    "Övrigt": None,
    "Sammanfattning natt": None,
    "Sammanfattning kväll och natt": None,
}


def seed_mapping(municipality: Municipality, types: Iterable[str] = ()) -> int:
    """Add the default types, and `types`, that the municipality's table lacks."""
    existing = set(
        EventTypeMapping.objects.filter(municipality=municipality).values_list(
            "event_type", flat=True
        )
    )
    categories = {c.code: c for c in Category.objects.filter(municipality=municipality)}
    missing = sorted((set(DEFAULT_EVENT_MAPPING) | set(types)) - existing)
    EventTypeMapping.objects.bulk_create(
        EventTypeMapping(
            municipality=municipality,
            event_type=event_type,
            category=categories.get(DEFAULT_EVENT_MAPPING.get(event_type) or ""),
        )
        for event_type in missing
    )
    return len(missing)


def mapping_of(municipality: Municipality) -> dict[str, Category | None]:
    """Event type -> its EST category (None when it has none)."""
    rows = EventTypeMapping.objects.filter(municipality=municipality).select_related(
        "category", "category__parent"
    )
    return {row.event_type: row.category for row in rows}


@transaction.atomic
def set_mapping(actor: Any, mapping: EventTypeMapping, category: Category | None) -> None:
    before = mapping.category
    mapping.category = category
    mapping.save(update_fields=["category"])
    record(
        actor,
        "update",
        mapping,
        summary=f"{mapping.event_type}: {before.code if before else '–'} → "
        f"{category.code if category else '–'}",
        event_type=mapping.event_type,
        category=category.code if category else None,
    )
