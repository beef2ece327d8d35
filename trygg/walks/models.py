"""Safety walks (trygghetsvandringar): a planned walk along a route, its participants by
organisation, its findings (reports with source "safety walk") and the actions agreed at the
feedback meeting (EST cycle actions). Places, not persons: residents are only counted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    DAYLIGHT = "daylight", _("daylight")
    DUSK = "dusk", _("dusk")
    DARKNESS = "darkness", _("darkness")


class SafetyWalk(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        FOLLOWED_UP = "followed_up", _("followed up")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="safety_walks"
    )
    title = models.CharField(_("title"), max_length=200)
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("area"),
    )
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("named place"),
    )
    # The route: a GeoJSON LineString in WGS84, and the same vertices in SWEREF 99 TM.
    route = models.JSONField(_("route"), null=True, blank=True)
    route_sweref = models.JSONField(null=True, blank=True)
    route_description = models.TextField(_("route description"), blank=True, max_length=2000)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    light = models.CharField(_("light"), max_length=10, choices=Light.choices)
    residents = models.PositiveIntegerField(_("residents taking part"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    feedback_date = models.DateField(_("feedback meeting"), null=True, blank=True)
    feedback_notes = models.TextField(_("notes from the feedback meeting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["municipality", "date"])]
        verbose_name = _("safety walk")
        verbose_name_plural = _("safety walks")

    def __str__(self) -> str:
        return f"{self.title} {self.date:%Y-%m-%d}"


class Participant(models.Model):
    """An organisation taking part: how many, and in which roles (never names)."""

    walk = models.ForeignKey(SafetyWalk, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "tenants.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    roles = models.CharField(_("roles"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "organisation"], name="unique_walk_org")
        ]
        verbose_name = _("participant")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.count})"


class Finding(models.Model):
    """A finding of the walk: an event of a report with source "safety walk", numbered."""

    walk = models.ForeignKey(SafetyWalk, on_delete=models.CASCADE, related_name="findings")
    event = models.OneToOneField(
        "reports.Event", on_delete=models.CASCADE, related_name="walk_finding"
    )
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "number"], name="unique_finding_number")
        ]
        verbose_name = _("finding")

    def __str__(self) -> str:
        return f"{self.walk} #{self.number}"


class AgreedAction(models.Model):
    """An action agreed at the feedback meeting, for the walk and maybe one finding."""

    walk = models.ForeignKey(SafetyWalk, on_delete=models.CASCADE, related_name="agreed")
    action = models.OneToOneField(
        "cycle.Action", on_delete=models.CASCADE, related_name="walk_agreement"
    )
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreed",
        verbose_name=_("finding"),
    )

    class Meta:
        ordering = ["action__end", "id"]
        verbose_name = _("agreed action")

    def __str__(self) -> str:
        return str(self.action)
