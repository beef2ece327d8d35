"""Citizen tips: what residents send through the public form (or Open311) without an account.

A tip is stored as a `Report` with `source=Source.CITIZEN` and one `Event`, so that it has a
place, a category and a time like every other event; the `Tip` row beside it holds what only
tips have: the moderation status, the channel, the public id for the status page and the
municipality's public answer. Tips never count in the professional statistics
(`EventQuerySet.counted()` leaves them out); accepted ones are shown as their own layer.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trygg.reports.models import Event

# Easy to read aloud and type from a phone: no 0/O, 1/I/L.
PUBLIC_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PUBLIC_ID_LENGTH = 8


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class TipQuerySet(models.QuerySet["Tip"]):
    def new(self) -> "TipQuerySet":
        return self.filter(status=Tip.Status.NEW)

    def published(self) -> "TipQuerySet":
        """Tips a moderator accepted (and perhaps closed since): shown on the staff map."""
        return self.filter(status__in=Tip.PUBLISHED)


class Tip(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("tip status", "new")
        ACCEPTED = "accepted", pgettext_lazy("tip status", "accepted")
        REJECTED = "rejected", pgettext_lazy("tip status", "rejected")
        CLOSED = "closed", pgettext_lazy("tip status", "closed")

    class Channel(models.TextChoices):
        WEB = "web", _("web form")
        OPEN311 = "open311", _("Open311")

    PUBLISHED = (Status.ACCEPTED, Status.CLOSED)

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="tip", verbose_name=_("report")
    )
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="tips"
    )
    public_id = models.CharField(
        _("tip number"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    public_note = models.TextField(_("public answer"), max_length=1000, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(
        _("received"), default=timezone.now, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status", "created_at"])]
        verbose_name = _("citizen tip")
        verbose_name_plural = _("citizen tips")

    def __str__(self) -> str:
        return self.public_id

    @property
    def event(self) -> Event | None:
        return self.report.events.first()

    @property
    def public_status(self) -> str:
        """Open311's status: "open" until the tip is rejected or closed."""
        return "open" if self.status in (self.Status.NEW, self.Status.ACCEPTED) else "closed"


class TipCategory(models.Model):
    """A category of the municipality's taxonomy that residents may choose for a tip.

    The administrator chooses them; a municipality that has chosen none gets DEFAULT_CODES.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="tip_categories"
    )
    category = models.ForeignKey(
        "reports.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "category"], name="unique_tip_category")
        ]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")

    def __str__(self) -> str:
        return str(self.category)
