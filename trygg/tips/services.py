"""Writes for citizen tips: `submit_tip` (the public form and Open311), `moderate_tip` and
`close_tip` (the coordinator). Each validates, saves and records its audit row in one
transaction; a ValidationError names the field that is wrong and saves nothing.
"""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas import geo
from trygg.areas.models import Place
from trygg.audit.services import record
from trygg.privacy import clean_free_text
from trygg.reports.models import Category, Report, Source
from trygg.reports.services import EventInput, _create_event, check_position, check_times
from trygg.tenants.models import Municipality

from .models import Tip, TipCategory

# A sensible start for a municipality whose administrator has not chosen: places and
# visible damage that a resident can judge, not situations involving persons.
DEFAULT_CODES = (
    "PLA.BEL",
    "PLA.BUS",
    "PLA.NED",
    "PLA.ODE",
    "SKA.KLO",
    "SKA.GLA",
    "SKA.ANN",
    "ORD.BUS",
    "OVR",
)
MAX_DESCRIPTION = 2000
MAX_NOTE = 1000
MAX_CLIENT_KEY = 60
CLIENT_KEY_PREFIX = "tip:"  # keeps tips' keys apart from reporters' in Report.client_key


# Reads -----------------------------------------------------------------------------------


def public_tip_categories(municipality: Municipality) -> list[Category]:
    """The active categories residents may choose, in taxonomy order."""
    chosen = TipCategory.objects.filter(municipality=municipality)
    qs = Category.objects.filter(municipality=municipality, active=True)
    if chosen.exists():
        qs = qs.filter(pk__in=chosen.values("category"))
    else:
        qs = qs.filter(code__in=DEFAULT_CODES)
    categories = list(qs.select_related("parent"))
    categories.sort(key=taxonomy_order)
    return [c for c in categories if c.parent is None or c.parent.active]


def taxonomy_order(c: Category) -> tuple[int, str, int, str]:
    top = c.parent or c
    return (top.position, top.code, c.position if c.parent else -1, c.code)


def tip_category_label(category: Category) -> str:
    """A subcategory is named with its main category where that helps: "Vandalism – Graffiti"."""
    if category.parent is None:
        return category.display_name
    return f"{category.parent.display_name} – {category.display_name}"


# Submitting ------------------------------------------------------------------------------


def submit_tip(
    municipality: Municipality,
    *,
    category: Category,
    lat: float,
    lon: float,
    observed_at: datetime | None = None,
    description: str = "",
    channel: str = Tip.Channel.WEB,
    client_key: str | None = None,
    place: Place | None = None,
) -> Tip:
    """Save a resident's tip, or return the one already saved with this client key."""
    key = _client_key(client_key)
    existing = _submitted(municipality, key)
    if existing:
        return existing
    now = timezone.now()
    observed = observed_at or now
    description = (description or "").strip()
    _validate(municipality, category, lat, lon, observed, description, channel, place, now)
    try:
        return _create(municipality, category, lat, lon, observed, description, channel, key, place)
    except IntegrityError:
        # The same tip, retried while the first one was being saved.
        existing = _submitted(municipality, key)
        if existing is None:
            raise
        return existing


def _client_key(client_key: str | None) -> str:
    if client_key is None or client_key == "":
        return CLIENT_KEY_PREFIX + uuid.uuid4().hex
    if len(client_key) > MAX_CLIENT_KEY:
        raise ValidationError(
            {"client_key": _("Client key: at most %(n)s characters.") % {"n": MAX_CLIENT_KEY}}
        )
    return CLIENT_KEY_PREFIX + client_key


def _submitted(municipality: Municipality, key: str) -> Tip | None:
    report = Report.objects.filter(municipality=municipality, client_key=key).first()
    if report is None:
        return None
    tip = Tip.objects.filter(report=report).first()
    if tip is None:  # pragma: no cover - the prefix keeps reporters' keys apart
        raise ValidationError(_("This form was already sent: reload the page."))
    return tip


def _validate(
    municipality: Municipality,
    category: Category,
    lat: float,
    lon: float,
    observed: datetime,
    description: str,
    channel: str,
    place: Place | None,
    now: datetime,
) -> None:
    if channel not in Tip.Channel.values:
        raise ValidationError({"channel": _("Channel: unknown channel.")})
    if category not in public_tip_categories(municipality):
        raise ValidationError(
            {"category": _("Category: choose one of the categories for tips from residents.")}
        )
    check_times(observed, observed, now)
    check_in_municipality(municipality, lat, lon)
    if place is not None and (place.municipality_id != municipality.pk or not place.active):
        raise ValidationError({"place": _("Place: choose one of the municipality's places.")})
    check_description(description)


def check_in_municipality(municipality: Municipality, lat: float, lon: float) -> None:
    """The point must lie in Sweden and, where the municipality has areas, inside one of them."""
    check_position(lat, lon)
    index = geo.area_index(municipality.pk)
    if index.ids and index.locate(lon, lat, timezone.localdate()) is None:
        raise ValidationError(
            {
                "lat": _("Place: the position is outside %(name)s. Choose a place in the map.")
                % {"name": municipality.name}
            }
        )


def check_description(text: str, field: str = "description") -> None:
    """Refuse personal data: a tip is about a place, never about a person."""
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(
            {field: _("Description: at most %(n)s characters.") % {"n": MAX_DESCRIPTION}}
        )
    clean_free_text(text, field, label=_("Description"))


@transaction.atomic
def _create(
    municipality: Municipality,
    category: Category,
    lat: float,
    lon: float,
    observed: datetime,
    description: str,
    channel: str,
    key: str,
    place: Place | None,
) -> Tip:
    report = Report.objects.create(municipality=municipality, source=Source.CITIZEN, client_key=key)
    top, sub = (category.parent, category) if category.parent else (category, None)
    data = EventInput(
        category=top,
        subcategory=sub,
        observed_from=observed,
        observed_to=observed,
        lat=lat,
        lon=lon,
        place=place,
        description=description,
    )
    event = _create_event(report, data, [])
    tip = Tip.objects.create(report=report, municipality=municipality, channel=channel)
    record(
        None,
        "create",
        tip,
        summary=f"citizen tip {tip.public_id} ({category.code})",
        channel=channel,
        event=event.pk,
        outside_areas=event.outside_areas,
    )
    return tip


# Moderation ------------------------------------------------------------------------------


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Public answer: at most %(n)s characters.") % {"n": MAX_NOTE}}
        )
    return clean_free_text(note, "note", label=_("Public answer"))


@transaction.atomic
def moderate_tip(actor: Any, tip: Tip, *, accept: bool, note: str = "") -> Tip:
    """Accept a new tip (it appears on the staff map) or reject it (it never counts)."""
    note = _check_note(note)
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.status != Tip.Status.NEW:
        raise ValidationError(
            _("Tip %(id)s is already moderated (%(status)s).")
            % {"id": tip.public_id, "status": tip.get_status_display()}
        )
    now = timezone.now()
    tip.status = Tip.Status.ACCEPTED if accept else Tip.Status.REJECTED
    tip.moderated_by, tip.moderated_at = actor, now
    if not accept:
        tip.closed_at = now
    if note:
        tip.public_note = note
    tip.save()
    if accept:  # accepting is the review of the tip's event
        tip.report.events.filter(reviewed_at__isnull=True).update(
            reviewed_at=now, reviewed_by=actor
        )
    record(actor, "update", tip, summary=f"tip {tip.public_id} {tip.status}", status=tip.status)
    return tip


@transaction.atomic
def close_tip(actor: Any, tip: Tip, note: str = "") -> Tip:
    """Close an accepted tip once the municipality has dealt with it."""
    note = _check_note(note)
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.status != Tip.Status.ACCEPTED:
        raise ValidationError(
            _("Only an accepted tip can be closed; tip %(id)s is %(status)s.")
            % {"id": tip.public_id, "status": tip.get_status_display()}
        )
    tip.status, tip.closed_at = Tip.Status.CLOSED, timezone.now()
    if note:
        tip.public_note = note
    tip.save()
    record(actor, "update", tip, summary=f"tip {tip.public_id} closed", status=tip.status)
    return tip


@transaction.atomic
def reject_tips(actor: Any, tips: list[Tip], note: str = "") -> int:
    """Reject several new tips at once (spam); tips already moderated are left as they are."""
    note = _check_note(note)
    rejected = 0
    for tip in tips:
        if tip.status == Tip.Status.NEW:
            moderate_tip(actor, tip, accept=False, note=note)
            rejected += 1
    return rejected


@transaction.atomic
def set_tip_categories(actor: Any, municipality: Municipality, categories: list[Category]) -> None:
    """The administrator's choice of the categories residents may pick for a tip."""
    if not categories:
        raise ValidationError({"categories": _("Categories: choose at least one.")})
    if any(c.municipality_id != municipality.pk for c in categories):
        raise ValidationError({"categories": _("Categories: choose among the list.")})
    before = sorted(c.code for c in public_tip_categories(municipality))
    TipCategory.objects.filter(municipality=municipality).delete()
    TipCategory.objects.bulk_create(
        TipCategory(municipality=municipality, category=c) for c in categories
    )
    after = sorted(c.code for c in categories)
    record(
        actor,
        "update",
        municipality=municipality,
        object_type="tips.tipcategory",
        summary=f"tip categories: {', '.join(after)}"[:300],
        before=before,
        after=after,
    )
