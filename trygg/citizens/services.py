"""Writes of the citizen promises and of what is published. Each one validates, saves and
records its audit row together; model forms go through the cycle's `save_form`."""

from typing import Any

from django.db import transaction

from trygg.audit.services import record
from trygg.cycle.models import DirectionDecision, FollowUp
from trygg.cycle.services import save_form
from trygg.picture.models import WeeklyPicture

from .models import (
    CitizenPromise,
    Progress,
    PublishedDirection,
    PublishedFollowUp,
    PublishedPicture,
)

__all__ = ["publish_direction", "publish_followup", "publish_picture", "save_form", "set_published"]


@transaction.atomic
def set_published(actor: Any, obj: CitizenPromise | Progress, published: bool) -> Any:
    """Publish or withdraw a promise or a progress entry."""
    obj.published = published
    obj.save(update_fields=["published"])
    municipality = (
        obj.municipality if isinstance(obj, CitizenPromise) else obj.commitment.promise.municipality
    )
    record(actor, "update", obj, municipality=municipality, summary=str(obj), published=published)
    return obj


@transaction.atomic
def publish_direction(actor: Any, direction: DirectionDecision, published: bool) -> None:
    if published:
        PublishedDirection.objects.get_or_create(
            direction=direction, defaults={"published_by": actor}
        )
    else:
        PublishedDirection.objects.filter(direction=direction).delete()
    record(actor, "update", direction, summary=str(direction), published=published)


@transaction.atomic
def publish_followup(actor: Any, followup: FollowUp, text: str | None) -> None:
    """Publish the follow-up with `text` for the public, or withdraw it (text None)."""
    if text is None:
        PublishedFollowUp.objects.filter(followup=followup).delete()
    else:
        PublishedFollowUp.objects.update_or_create(
            followup=followup, defaults={"text": text, "published_by": actor}
        )
    record(actor, "update", followup, summary=str(followup), published=text is not None)


class NotPublished(ValueError):
    """A weekly picture that is still a draft cannot go on the public page."""


@transaction.atomic
def publish_picture(actor: Any, picture: WeeklyPicture, text: str | None) -> None:
    """Show the published weekly picture on the public page with `text` for the public, or
    withdraw it (text None)."""
    if text is None:
        PublishedPicture.objects.filter(picture=picture).delete()
    else:
        if not picture.published:
            raise NotPublished(picture.week)
        PublishedPicture.objects.update_or_create(
            picture=picture, defaults={"text": text, "published_by": actor}
        )
    record(
        actor,
        "update",
        picture,
        municipality=picture.municipality,
        summary=f"{picture.week}: public page",
        published=text is not None,
    )
