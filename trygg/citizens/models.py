"""Citizen promises (medborgarlöften) and what the group publishes on its public page.

A citizen promise is made for a period (e.g. "2024 januari–juni"), signed by the police and
the municipality; each commitment has a responsible party, linked actions, a status and
progress entries. Only a published promise, and only its published progress entries, show
on the public page. Direction decisions, follow-ups of the EST cycle and published weekly
pictures show there only when the group publishes them (`PublishedDirection`,
`PublishedFollowUp`, `PublishedPicture`).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.cycle.models import Party


class PromiseQuerySet(models.QuerySet["CitizenPromise"]):
    def published(self) -> "PromiseQuerySet":
        return self.filter(published=True)

    def current(self, today: date | None = None) -> "PromiseQuerySet":
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class CitizenPromise(models.Model):
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="citizen_promises"
    )
    period = models.CharField(
        _("period"), max_length=100, help_text=_("As the promise names it, e.g. 2024 januari–juni.")
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid to"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signatories = models.TextField(
        _("signed by"), blank=True, max_length=2000, help_text=_("One per line: name and role.")
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=8000)
    published = models.BooleanField(_("published on the public page"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("citizen promise")

    def __str__(self) -> str:
        return self.period

    @property
    def signatory_lines(self) -> list[str]:
        return [line.strip() for line in self.signatories.splitlines() if line.strip()]

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class Commitment(models.Model):
    """One promise of a citizen promise: what, who is responsible, how it goes."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_DONE = "not_done", _("not done")

    promise = models.ForeignKey(
        CitizenPromise, on_delete=models.CASCADE, related_name="commitments"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("commitment"), max_length=4000)
    party = models.CharField(_("responsible party"), max_length=10, choices=Party.choices)
    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    actions = models.ManyToManyField(
        "cycle.Action", blank=True, related_name="commitments", verbose_name=_("actions")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    public_note = models.TextField(_("progress in brief (public)"), blank=True, max_length=2000)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("commitment")

    def __str__(self) -> str:
        return self.text[:80]


class Progress(models.Model):
    """What was done for a commitment, when; public only when published."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("date"))
    text = models.TextField(_("what was done"), max_length=4000)
    evaluation = models.ForeignKey(
        "cycle.Evaluation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-up evaluation"),
    )
    published = models.BooleanField(_("published on the public page"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.text[:60]}"


class PublishedDirection(models.Model):
    """A direction decision the group has published on the public page."""

    direction = models.OneToOneField(
        "cycle.DirectionDecision", on_delete=models.CASCADE, related_name="publication"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("published direction decision")

    def __str__(self) -> str:
        return str(self.direction)


class PublishedFollowUp(models.Model):
    """A follow-up the group has published, with the text written for the public."""

    followup = models.OneToOneField(
        "cycle.FollowUp", on_delete=models.CASCADE, related_name="publication"
    )
    text = models.TextField(_("results for the public"), max_length=8000)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-followup__period"]
        verbose_name = _("published follow-up")

    def __str__(self) -> str:
        return str(self.followup)


class PublishedPicture(models.Model):
    """A published (frozen) weekly picture the group shows on the public page, as the text it
    writes for the public. No count of the picture is shown: weekly counts would add up to
    the public page's quarterly cells and let one subtract a hidden one (trygg.disclosure),
    and the picture's points, police data and actions are internal."""

    picture = models.OneToOneField(
        "picture.WeeklyPicture", on_delete=models.CASCADE, related_name="publication"
    )
    text = models.TextField(_("summary for the public"), max_length=4000)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-picture__week"]
        verbose_name = _("published weekly picture")

    def __str__(self) -> str:
        return str(self.picture)
