"""Citizen dialogue surveys (medborgardialog): rounds, anonymous answers, unsafe places.

An answer holds no IP address, user agent, account or time of day. The browser marks that
refuse a second answer live in their own table, unlinked to the answers: a hash of a random
cookie value and the survey, nothing else.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.areas.models import Area

from .questions import QUESTION_CHOICES

AREA_KINDS = [(k, label) for k, label in Area.Kind.choices if k != Area.Kind.CUSTOM]


class SurveyQuerySet(models.QuerySet["Survey"]):
    def open_on(self, day: date) -> "SurveyQuerySet":
        return self.filter(opens_on__lte=day, closes_on__gte=day, closed_early_at__isnull=True)


class Survey(models.Model):
    """One round of the standard safety survey in one municipality."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on (last day)"))
    area_kind = models.CharField(
        _("area level of the results"), max_length=10, choices=AREA_KINDS, default="deso"
    )
    publish_results = models.BooleanField(
        _("publish the results on the public site"),
        default=False,
        help_text=_("Only aggregated results with at least 10 answers per group are shown."),
    )
    closed_early_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("survey")

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if self.closed_early_at or today > self.closes_on:
            return "closed"
        return "upcoming" if today < self.opens_on else "open"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def areas(self) -> models.QuerySet[Area]:
        """The areas residents choose from: the result level, valid when the survey opens."""
        return Area.objects.filter(municipality=self.municipality, kind=self.area_kind).valid_on(
            self.opens_on
        )


class Response(models.Model):
    """One resident's anonymous answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    area = models.ForeignKey(
        Area, null=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )

    class Meta:
        verbose_name = _("survey answer")

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """The answer to one standard question; 0 is "don't know"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40, choices=QUESTION_CHOICES)
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.value}"


class UnsafePlace(models.Model):
    """A place a resident feels unsafe at: a map point or a named place, with a short text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="places")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    place = models.ForeignKey(
        "areas.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("why it feels unsafe"), max_length=300, blank=True)

    def __str__(self) -> str:
        return self.text or str(self.place or f"{self.lat}, {self.lon}")


class BrowserMark(models.Model):
    """A browser has answered this survey: a keyed hash of its random cookie value only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="marks")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "digest"], name="one_answer_per_browser")
        ]

    def __str__(self) -> str:
        return self.digest[:8]
