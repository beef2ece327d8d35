"""Writes for reports: `report_incident` validates, saves a report with its events and photos
in one transaction and records the audit row. The web form and the API both use it."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas import geo
from trygg.areas.models import Place
from trygg.audit.services import record
from trygg.privacy import find_personal_data, mask
from trygg.tenants.access import Access
from trygg.tenants.models import Municipality, Organisation

from .models import Category, Event, Photo, Report, Source
from .photos import MAX_PER_EVENT, CleanPhoto

MAX_EVENTS = 10
FUTURE_SLACK = timedelta(minutes=5)  # phones' clocks differ a little
MAX_AGE = timedelta(days=365)


@dataclass
class EventInput:
    """One event as a reporter gave it; coordinates in WGS84."""

    category: Category
    subcategory: Category | None
    observed_from: datetime
    observed_to: datetime
    lat: float
    lon: float
    place: Place | None = None
    people_count: int | None = None
    youths: str = Event.Youths.UNKNOWN
    insecurity: int = Event.Insecurity.MEDIUM
    police_called: bool = False
    crime_reported: bool = False
    description: str = ""
    # The reporter confirmed that text flagged as possible personal data is not.
    personal_data_confirmed: bool = False
    photos: list[CleanPhoto] = field(default_factory=list)


def check_times(observed_from: datetime, observed_to: datetime, now: datetime) -> None:
    errors: dict[str, str] = {}
    if observed_from < now - MAX_AGE:
        errors["observed_from"] = _("Observed from: at most a year ago.")
    if observed_from > now + FUTURE_SLACK:
        errors["observed_from"] = _("Observed from: the time is in the future.")
    if observed_to > now + FUTURE_SLACK:
        errors["observed_to"] = _("Observed to: the time is in the future.")
    elif observed_to < observed_from:
        errors["observed_to"] = _("Observed to: must be the same as or after “observed from”.")
    if errors:
        raise ValidationError(errors)


def check_position(lat: float, lon: float) -> None:
    if not geo.in_sweden(lat, lon):
        raise ValidationError(
            {
                "lat": _("Place: the position %(lat).5f, %(lon).5f is not in Sweden.")
                % {"lat": lat, "lon": lon}
            }
        )


def check_categories(
    municipality: Municipality, category: Category, subcategory: Category | None
) -> None:
    """Both as read in this request: an active main category of the municipality, and one of
    its active subcategories (required when it has any)."""
    if category.municipality_id != municipality.pk or not category.active or category.parent_id:
        raise ValidationError({"category": _("Category: choose one of the list.")})
    if subcategory is None:
        if category.children.filter(active=True).exists():
            raise ValidationError({"subcategory": _("More precisely: choose one of the list.")})
    elif subcategory.parent_id != category.pk or not subcategory.active:
        raise ValidationError(
            {"subcategory": _("More precisely: the choice does not belong to the category.")}
        )


def validate_event(municipality: Municipality, event: EventInput, now: datetime) -> None:
    """Raise a ValidationError keyed by field for anything wrong with the event."""
    check_categories(municipality, event.category, event.subcategory)
    check_times(event.observed_from, event.observed_to, now)
    check_position(event.lat, event.lon)
    if event.place is not None and event.place.municipality_id != municipality.pk:
        raise ValidationError({"place": _("Place: choose one of the municipality's places.")})
    if len(event.photos) > MAX_PER_EVENT:
        raise ValidationError(
            {"photos": _("Photos: at most %(n)s per event.") % {"n": MAX_PER_EVENT}}
        )


def _validate(access: Access, organisation: Organisation, events: Sequence[EventInput]) -> None:
    if organisation.pk not in access.organisation_ids:
        raise ValidationError({"organisation": _("Reporting organisation: choose one of yours.")})
    if not 1 <= len(events) <= MAX_EVENTS:
        raise ValidationError(_("A report holds 1 to %(n)s events.") % {"n": MAX_EVENTS})
    now = timezone.now()
    for event in events:
        validate_event(access.municipality, event, now)


def report_incident(
    access: Access,
    *,
    organisation: Organisation,
    client_key: str,
    events: Sequence[EventInput],
    source: str = Source.REPORTER,
) -> tuple[Report, bool]:
    """Save a report, or find the one already saved with this client key: (report, created).

    Raises ValidationError (nothing saved) when anything is wrong. A created report's
    `saved_events` are the events just saved.

    The client key is not looked up first: the unique constraint on (municipality, client
    key) decides, so a first submission (nearly all of them) costs no extra query, and a retry,
    even one racing the first submission, finds the report saved before.
    """
    try:
        _validate(access, organisation, events)
    except ValidationError:
        # A retry of a saved report is answered with it even if it would not pass now.
        existing = _submitted(access, client_key)
        if existing is None:
            raise
        return existing, False
    stored: list[str] = []
    try:
        report = _create(access, organisation, client_key, events, source, stored)
    except IntegrityError:
        # The same submission, sent again (or retried while the first one was being saved).
        _delete_files(stored)
        existing = _submitted(access, client_key)
        if existing is None:
            raise
        return existing, False
    except Exception:
        _delete_files(stored)
        raise
    return report, True


def _submitted(access: Access, client_key: str) -> Report | None:
    report = Report.objects.filter(municipality=access.municipality, client_key=client_key).first()
    if report and report.reporter_id != access.user.pk:
        raise ValidationError(_("This form was already sent by someone else: reload the page."))
    return report


@transaction.atomic
def _create(
    access: Access,
    organisation: Organisation,
    client_key: str,
    events: Sequence[EventInput],
    source: str,
    stored: list[str],
) -> Report:
    report = Report.objects.create(
        municipality=access.municipality,
        organisation=organisation,
        reporter=access.user,
        source=source,
        client_key=client_key,
    )
    saved = [_create_event(report, event, stored) for event in events]
    record(
        access.user,
        "create",
        report,
        summary=f"{len(saved)} event(s)",
        events=[e.pk for e in saved],
        outside_areas=sum(e.outside_areas for e in saved),
    )
    report.saved_events = saved
    return report


def _create_event(report: Report, data: EventInput, stored: list[str]) -> Event:
    x, y = geo.to_sweref(data.lon, data.lat)
    day = timezone.localdate(data.observed_from)
    area_id = geo.area_index(report.municipality_id).locate(data.lon, data.lat, day)
    description, confirmed = _description(data.description, data.personal_data_confirmed)
    event = Event.objects.create(
        report=report,
        municipality_id=report.municipality_id,
        category=data.category,
        subcategory=data.subcategory,
        observed_from=data.observed_from,
        observed_to=data.observed_to,
        lat=data.lat,
        lon=data.lon,
        x=x,
        y=y,
        area_id=area_id,
        outside_areas=area_id is None,
        place=data.place,
        people_count=data.people_count,
        youths=data.youths,
        insecurity=data.insecurity,
        police_called=data.police_called,
        crime_reported=data.crime_reported,
        description=description,
        personal_data_confirmed=confirmed,
    )
    for photo in data.photos:
        _store_photo(event, photo, stored)
    return event


def _description(text: str, confirmed: bool) -> tuple[str, bool]:
    """Possible personal data is masked unless the reporter confirmed it is none."""
    if not find_personal_data(text):
        return text, False
    return (text, True) if confirmed else (mask(text), False)


def _store_photo(event: Event, photo: CleanPhoto, stored: list[str]) -> None:
    row = Photo(
        event=event, content_type=photo.content_type, width=photo.width, height=photo.height
    )
    row.image.save(f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content), save=False)
    stored.append(str(row.image.name))
    row.save()


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
