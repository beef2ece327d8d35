"""The lägesbild and åtgärdsplan that Lag (2023:196) requires of every kommun.

A `Problem` is a priority problem with its cause analysis (the problem-analysis triangle:
place, offender, target; and who guards, handles and manages). A `Lagesbild` is one edition of
the legal document for a period, with the parts people write; its numbers are computed from
the data. An `AdoptedVersion` is what a body adopted: the rendered document, its data and its
files, frozen. A `PlanMeasure` is a measure of the action plan; it always names its problem.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Problem(models.Model):
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="lagesbild_problems"
    )
    position = models.PositiveSmallIntegerField(_("priority"), default=1)
    title = models.CharField(_("problem"), max_length=200)
    areas = models.ManyToManyField(
        "areas.Area", blank=True, related_name="+", verbose_name=_("areas")
    )
    categories = models.CharField(
        _("EST categories"),
        max_length=200,
        blank=True,
        help_text=_("EST category codes, comma-separated, e.g. SKA, SAM"),
    )
    crime_types = models.CharField(
        _("crime types"),
        max_length=300,
        blank=True,
        help_text=_("police crime categories, e.g. Skadegörelsebrott; comma-separated"),
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    # The problem-analysis triangle.
    place = models.TextField(
        _("place: what about the place makes it possible"), blank=True, max_length=2000
    )
    offender = models.TextField(_("offender: who acts, and why here"), blank=True, max_length=2000)
    target = models.TextField(
        _("target or victim: who or what is hit"), blank=True, max_length=2000
    )
    guardian = models.TextField(
        _("guardian, handler and manager (optional)"), blank=True, max_length=2000
    )
    causes = models.TextField(_("causes in summary"), blank=True, max_length=4000)
    data_gaps = models.TextField(_("data gaps"), blank=True, max_length=2000)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("priority problem")

    def __str__(self) -> str:
        return self.title

    def category_codes(self) -> list[str]:
        return [c.strip().upper() for c in self.categories.split(",") if c.strip()]

    def crime_type_names(self) -> list[str]:
        return [c.strip() for c in self.crime_types.split(",") if c.strip()]

    @property
    def has_cause_analysis(self) -> bool:
        return bool(self.place.strip() and self.offender.strip() and self.target.strip())


class Lagesbild(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="lagesbilder"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True, max_length=8000)
    consequences = models.TextField(_("consequences of crime"), blank=True, max_length=8000)
    other_information = models.TextField(
        _("other relevant information"), blank=True, max_length=8000
    )
    analysis = models.TextField(_("analysis"), blank=True, max_length=12000)
    police_cooperation = models.TextField(
        _("cooperation with the police"), blank=True, max_length=4000
    )
    follow_up = models.TextField(_("how the plan is followed up"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-end", "-id"]
        verbose_name = _("situation report (lägesbild)")

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


class FrozenError(Exception):
    """An adopted version is never changed or removed."""


class AdoptedVersion(models.Model):
    """What a body adopted, kept unchanged: the document as rendered, its data, its files."""

    lagesbild = models.ForeignKey(Lagesbild, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    adopted_on = models.DateField(_("adopted on"))
    adopted_by = models.CharField(_("adopted by (body)"), max_length=200)
    html = models.TextField()
    snapshot = models.JSONField()
    pdf = models.BinaryField()
    docx = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["lagesbild", "number"], name="unique_lagesbild_version")
        ]
        verbose_name = _("adopted version")

    def __str__(self) -> str:
        return f"{self.lagesbild} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise FrozenError("an adopted version is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise FrozenError("an adopted version is never removed")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class PlanMeasure(models.Model):
    """A measure of the åtgärdsplan: what, against which problem, who, when, how followed up."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="plan_measures"
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="measures", verbose_name=_("problem")
    )
    text = models.TextField(_("measure"), max_length=2000)
    responsible = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    responsible_text = models.CharField(
        _("responsible (function or party)"), max_length=200, blank=True
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    follow_up = models.CharField(_("how it is followed up"), max_length=500, blank=True)
    action = models.ForeignKey(
        "cycle.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("action in Trygg"),
    )
    decision = models.ForeignKey(
        "cycle.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decision in Trygg"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["problem__position", "problem_id", "id"]
        verbose_name = _("measure of the action plan")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def responsible_label(self) -> str:
        parts = [str(self.responsible) if self.responsible else "", self.responsible_text]
        return ", ".join(p for p in parts if p)


class StatusChange(models.Model):
    """The status history of a measure: each change with its date."""

    measure = models.ForeignKey(PlanMeasure, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("status change")

    def __str__(self) -> str:
        return f"{self.on} {self.status}"
