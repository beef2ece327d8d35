from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklyPicture(models.Model):
    """The weekly situational picture of one municipality and ISO week.

    A draft is computed afresh on every view; publishing freezes the computed content into
    `snapshot`, and a published picture never changes afterwards.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="pictures"
    )
    week = models.CharField(_("ISO week"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    snapshot = models.JSONField(_("published content"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "week"], name="unique_picture_week")
        ]
        verbose_name = _("weekly picture")

    def __str__(self) -> str:
        return self.week

    @property
    def published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Assessment(models.Model):
    """The coordinator's assessment of one area in one weekly picture."""

    class Level(models.TextChoices):
        GREEN = "green", _("green: calm")
        YELLOW = "yellow", _("yellow: watch")
        RED = "red", _("red: act")

    picture = models.ForeignKey(WeeklyPicture, on_delete=models.CASCADE, related_name="assessments")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("assessment"), max_length=10, choices=Level.choices)
    text = models.CharField(_("comment"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["area__code"]
        constraints = [
            models.UniqueConstraint(fields=["picture", "area"], name="unique_assessment_area")
        ]
        verbose_name = _("area assessment")

    def __str__(self) -> str:
        return f"{self.picture} {self.area_id}: {self.level}"
