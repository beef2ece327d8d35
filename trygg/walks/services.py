"""Writes for safety walks: each validates, saves and records its audit row together.

Findings are real reports (source "safety walk") made by `trygg.reports.services`; agreed
actions are real EST cycle actions. This module only ties them to the walk.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas import geo
from trygg.audit.services import record
from trygg.cycle.models import Action
from trygg.privacy import clean_free_text
from trygg.reports.models import Category, Source
from trygg.reports.photos import CleanPhoto
from trygg.reports.services import EventInput, report_incident
from trygg.tenants.access import Access
from trygg.tenants.models import Municipality, Organisation

from . import sun
from .access import participating_organisations
from .models import AgreedAction, Finding, Participant, SafetyWalk

MAX_VERTICES = 500
MAX_FINDING_TEXT = 500


def check_text(label: str, text: str) -> None:
    """Refuse free text that looks like personal data: walks are about places."""
    clean_free_text(text, label=label)


def parse_route(text: str) -> dict[str, Any] | None:
    """A GeoJSON LineString (WGS84) from the map, or None for an empty value."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
        if data.get("type") == "Feature":
            data = data["geometry"]
        coords = [(float(lon), float(lat)) for lon, lat, *_ in data["coordinates"]]
        ok = data["type"] == "LineString"
    except (ValueError, TypeError, KeyError, AttributeError):
        ok, coords = False, []
    if not ok or not 2 <= len(coords) <= MAX_VERTICES:
        raise ValidationError(
            _("Route: draw a line of 2 to %(n)s points on the map.") % {"n": MAX_VERTICES}
        )
    if not all(geo.in_sweden(lat, lon) for lon, lat in coords):
        raise ValidationError(_("Route: every point must be in Sweden."))
    return {"type": "LineString", "coordinates": [[round(x, 6), round(y, 6)] for x, y in coords]}


def route_sweref(route: dict[str, Any] | None) -> list[list[float]] | None:
    if not route:
        return None
    return [[round(c, 1) for c in geo.to_sweref(lon, lat)] for lon, lat in route["coordinates"]]


def default_light(municipality: Municipality, day: date, start: time) -> str:
    """Daylight, dusk or darkness from the sun at the municipality's centre."""
    when = timezone.make_aware(datetime.combine(day, start))
    return sun.light(municipality.center_lat, municipality.center_lon, when)


@dataclass(frozen=True)
class Taking:
    """An organisation taking part in a walk."""

    organisation: Organisation
    count: int
    roles: str = ""


@transaction.atomic
def save_walk(
    access: Access, walk: SafetyWalk, participants: Sequence[Taking], changed: Sequence[str] = ()
) -> SafetyWalk:
    """Create or update a walk and replace its participants."""
    created = walk.pk is None
    walk.municipality = access.municipality
    walk.route_sweref = route_sweref(walk.route)
    if created:
        walk.created_by = access.user
    walk.save()
    walk.participants.all().delete()
    Participant.objects.bulk_create(
        Participant(walk=walk, organisation=p.organisation, count=p.count, roles=p.roles)
        for p in participants
        if p.count > 0
    )
    record(
        access.user,
        "create" if created else "update",
        walk,
        summary=str(walk),
        fields=sorted(changed),
        participants={p.organisation.pk: p.count for p in participants if p.count > 0},
    )
    return walk


@dataclass
class FindingInput:
    category: Category
    subcategory: Category | None
    lat: float
    lon: float
    description: str = ""
    photos: list[CleanPhoto] = field(default_factory=list)


def record_finding(
    access: Access, walk: SafetyWalk, client_key: str, data: FindingInput
) -> tuple[Finding, bool]:
    """Save a finding as a report of the walk, or find the one saved with this client key."""
    check_text(_("Text"), data.description)
    if len(data.description) > MAX_FINDING_TEXT:
        raise ValidationError(_("Text: at most %(n)s characters.") % {"n": MAX_FINDING_TEXT})
    now = timezone.now().replace(microsecond=0)
    event = EventInput(
        category=data.category,
        subcategory=data.subcategory,
        observed_from=now,
        observed_to=now,
        lat=data.lat,
        lon=data.lon,
        place=walk.place,
        description=data.description,
        photos=data.photos,
    )
    ours = participating_organisations(access, walk)
    organisation = Organisation.objects.get(pk=ours[0] if ours else access.primary_organisation_id)
    with transaction.atomic():
        SafetyWalk.objects.select_for_update().filter(pk=walk.pk).first()
        report, _created = report_incident(
            access,
            organisation=organisation,
            client_key=client_key,
            events=[event],
            source=Source.WALK,
        )
        saved = report.events.get()
        finding = Finding.objects.filter(event=saved).first()
        if finding:
            if finding.walk_id != walk.pk:
                raise ValidationError(_("This finding belongs to another walk: reload the page."))
            return finding, False
        number = (walk.findings.aggregate(n=Max("number"))["n"] or 0) + 1
        finding = Finding.objects.create(walk=walk, event=saved, number=number)
        record(
            access.user,
            "create",
            finding,
            municipality=walk.municipality,
            summary=f"{walk} #{number}",
            event=saved.pk,
        )
    return finding, True


@transaction.atomic
def agree_action(
    access: Access,
    walk: SafetyWalk,
    *,
    title: str,
    organisation: Organisation,
    end: date | None,
    finding: Finding | None = None,
    description: str = "",
) -> AgreedAction:
    """An action agreed at the feedback meeting, as an EST cycle action tied to the walk."""
    check_text(_("What"), title)
    check_text(_("Description"), description)
    if organisation.municipality_id != walk.municipality_id:
        raise ValidationError(_("Responsible organisation: choose one of the list."))
    if finding is not None and finding.walk_id != walk.pk:
        raise ValidationError(_("Finding: choose one of this walk's findings."))
    event = finding.event if finding else None
    action = Action.objects.create(
        municipality=walk.municipality,
        title=title,
        description=description,
        area=event.area if event and event.area else walk.area,
        place=walk.place,
        reason=_("Safety walk %(walk)s") % {"walk": walk}
        + (_(", finding %(n)s") % {"n": finding.number} if finding else ""),
        responsible_organisation=organisation,
        start=walk.feedback_date or timezone.localdate(),
        end=end,
        created_by=access.user,
    )
    if event:
        action.events.add(event)
    agreed = AgreedAction.objects.create(walk=walk, action=action, finding=finding)
    record(access.user, "create", action, summary=action.title, walk=walk.pk)
    if walk.status == SafetyWalk.Status.DONE:
        walk.status = SafetyWalk.Status.FOLLOWED_UP
        walk.save(update_fields=["status", "updated_at"])
        record(access.user, "update", walk, summary=str(walk), status=walk.status)
    return agreed
