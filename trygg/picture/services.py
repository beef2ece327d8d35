"""Reads and writes of weekly pictures. Every write records its audit row in its transaction."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.reports.models import Event
from trygg.tenants.access import Access
from trygg.tenants.models import Municipality

from .compute import compute
from .models import Assessment, WeeklyPicture
from .weeks import Week


def picture_of(municipality: Municipality, week: Week) -> WeeklyPicture | None:
    return WeeklyPicture.objects.filter(municipality=municipality, week=str(week)).first()


def assessments_of(picture: WeeklyPicture | None) -> dict[str, dict[str, str]]:
    """{area id (str): {"level", "text"}}: the snapshot's for a published picture."""
    if picture is None:
        return {}
    if picture.published and picture.snapshot is not None:
        return dict(picture.snapshot.get("assessments", {}))
    return {str(a.area_id): {"level": a.level, "text": a.text} for a in picture.assessments.all()}


def content_of(municipality: Municipality, week: Week) -> tuple[WeeklyPicture | None, dict]:
    """The picture (if any) and its content: frozen when published, else computed now."""
    picture = picture_of(municipality, week)
    if picture and picture.published and picture.snapshot is not None:
        content = dict(picture.snapshot)
    else:
        content = compute(municipality, week)
    content["assessments"] = assessments_of(picture)
    return picture, content


def arrived_after(picture: WeeklyPicture) -> int:
    """Reports for the picture's week that arrived after it was published."""
    if not picture.published_at:
        return 0
    week = Week.parse(picture.week)
    return (
        Event.objects.counted()
        .filter(
            municipality=picture.municipality,
            observed_from__gte=week.start(),
            observed_from__lt=week.end(),
            report__created_at__gt=picture.published_at,
        )
        .count()
    )


class AlreadyPublished(Exception):
    pass


@transaction.atomic
def save_assessment(access: Access, week: Week, area: Area, level: str, text: str) -> Assessment:
    """Write one area's assessment in the week's draft picture (created on first use)."""
    picture, _created = WeeklyPicture.objects.select_for_update().get_or_create(
        municipality=access.municipality, week=str(week)
    )
    if picture.published:
        raise AlreadyPublished
    assessment, created = Assessment.objects.update_or_create(
        picture=picture,
        area=area,
        defaults={"level": level, "text": text, "updated_by": access.user},
    )
    record(
        access.user,
        "create" if created else "update",
        assessment,
        municipality=access.municipality,
        summary=f"{week} {area.label}: {assessment.get_level_display()}",
        level=level,
        text=text,
    )
    return assessment


@transaction.atomic
def publish(access: Access, week: Week) -> WeeklyPicture:
    """Freeze the week's picture. Publishing again returns the published picture unchanged."""
    picture, _created = WeeklyPicture.objects.select_for_update().get_or_create(
        municipality=access.municipality, week=str(week)
    )
    if picture.published:
        return picture
    content = compute(access.municipality, week)
    content["assessments"] = assessments_of(picture)
    picture.snapshot = content
    picture.status = WeeklyPicture.Status.PUBLISHED
    picture.published_at = timezone.now()
    picture.published_by = access.user
    picture.save()
    record(
        access.user,
        "update",
        picture,
        municipality=access.municipality,
        summary=_("Weekly picture %(week)s published") % {"week": week},
        published=True,
        reports=content["total"]["count"],
        assessments=len(content["assessments"]),
    )
    return picture


def record_police_view(access: Access, week: Week, what: str) -> None:
    """Each view of police data in a picture leaves an audit row."""
    record(
        access.user,
        "view",
        municipality=access.municipality,
        object_type="picture.police",
        object_id=str(week),
        summary=f"{week}: {what}",
    )


def published_weeks(municipality: Municipality) -> list[Any]:
    return list(
        WeeklyPicture.objects.filter(
            municipality=municipality, status=WeeklyPicture.Status.PUBLISHED
        ).values_list("week", "published_at")[:20]
    )
