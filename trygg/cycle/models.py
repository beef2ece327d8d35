"""The EST cycle: meetings, decisions, actions (insatser), direction decisions, follow-up.

Visibility of actions: an action is visible to every member with an overview of the
collaboration (capability `view_reports`) unless it is marked `internal`; an internal action
(e.g. the police's own operational work) is visible only to the members of the responsible
organisation and to coordinators and administrators. Everyone sees the queue of their own
organisations, and members of the responsible organisation may update status and outcome.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("quarter")
    TERTIAL = "tertial", _("tertial (four months)")


class CycleSettings(models.Model):
    """Per municipality: how the steering group divides the year."""

    municipality = models.OneToOneField(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="cycle_settings"
    )
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )

    class Meta:
        verbose_name = _("cycle settings")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_period_kind_display()}"


class OperationalDirection(models.Model):
    """The police's two-week operational direction (operativ inriktning)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="operational_directions"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    phenomena = models.TextField(_("prioritised phenomena"), max_length=4000)
    places = models.TextField(_("prioritised places"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("operational direction")

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


class MeetingKind(models.TextChoices):
    EST = "est", _("EST meeting")
    STEERING = "styrgrupp", _("steering-group meeting")
    STRATEGIC = "strategisk", _("strategic meeting")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("weekly")
    BIWEEKLY = "biweekly", _("every second week")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


class MeetingSeries(models.Model):
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="meeting_series"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    name = models.CharField(_("name"), max_length=200)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices)
    first_date = models.DateField(_("first meeting"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="meetings"
    )
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    information = models.TextField(_("information to pass on"), blank=True, max_length=8000)
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="unique_meeting_date")
        ]
        verbose_name = _("meeting")

    def __str__(self) -> str:
        return f"{self.series.name} {self.date:%Y-%m-%d}"

    @property
    def iso_week(self) -> str:
        year, week, _day = self.date.isocalendar()
        return f"{year}-W{week:02d}"


class Attendance(models.Model):
    """Who took part: by function and organisation (not necessarily a user account)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "tenants.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    function = models.CharField(_("function"), max_length=200)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendance")

    def __str__(self) -> str:
        return self.function


class Assessment(models.Model):
    """The meeting's assessment of one area."""

    class Level(models.TextChoices):
        GREEN = "green", _("green: normal")
        YELLOW = "yellow", _("yellow: increased attention")
        RED = "red", _("red: serious")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="assessments")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    text = models.TextField(_("assessment"), blank=True, max_length=2000)

    class Meta:
        ordering = ["area__code"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "area"], name="unique_meeting_assessment")
        ]
        verbose_name = _("area assessment")

    def __str__(self) -> str:
        return f"{self.area}: {self.level}"


class Priority(models.Model):
    """One line of the meeting's priority order for the next period."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField(_("position"))
    area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(_("place or hot spot"), max_length=200, blank=True)
    description = models.CharField(_("what"), max_length=500, blank=True)
    responsible_organisation = models.ForeignKey(
        "tenants.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("priority")

    def __str__(self) -> str:
        return f"{self.position}. {self.area or self.place}"


class DirectionDecision(models.Model):
    """The steering group's direction decision (inriktningsbeslut) for a period."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="direction_decisions"
    )
    period = models.CharField(_("period"), max_length=10)  # "2026-Q4" or "2026-T3"
    decided_on = models.DateField(_("decided on"))
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("direction"), max_length=8000)
    municipal_responsibility = models.TextField(_("the municipality is responsible for"))
    police_responsibility = models.TextField(_("the police are responsible for"))
    others_responsibility = models.TextField(_("others are responsible for"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-decided_on"]
        verbose_name = _("direction decision")

    def __str__(self) -> str:
        return f"{self.period} ({self.decided_on:%Y-%m-%d})"


class Party(models.TextChoices):
    MUNICIPALITY = "kommun", _("municipality")
    POLICE = "polis", _("police")
    OTHERS = "ovriga", _("others")


class DirectionProblem(models.Model):
    """One prioritised problem of a direction decision, with the party that leads it."""

    direction = models.ForeignKey(
        DirectionDecision, on_delete=models.CASCADE, related_name="problems"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    problem = models.CharField(_("problem"), max_length=500)
    area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party = models.CharField(_("responsible party"), max_length=10, choices=Party.choices)
    organisation = models.ForeignKey(
        "tenants.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("prioritised problem")

    def __str__(self) -> str:
        return self.problem


class InfluenceRating(models.Model):
    """The group's judgement of its possibility to influence an area, per period (1–5)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="influence_ratings"
    )
    period = models.CharField(_("period"), max_length=10)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("possibility to influence (1–5)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period", "area"], name="unique_influence_rating"
            )
        ]
        verbose_name = _("influence rating")

    def __str__(self) -> str:
        return f"{self.period} {self.area}: {self.rating}"


class Decision(models.Model):
    """A decision recorded in a meeting (or as part of a direction decision)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    direction = models.ForeignKey(
        DirectionDecision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("direction decision"),
    )
    text = models.TextField(_("decision"), max_length=4000)
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("area"),
    )
    responsible_organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")

    def __str__(self) -> str:
        return self.text[:80]


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> "ActionQuerySet":
        return self.filter(status__in=[Action.Status.PLANNED, Action.Status.ONGOING])

    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        return self.open().filter(end__lt=today or timezone.localdate())


class Action(models.Model):
    """An action (insats): what, where, why, who, when, and how it went."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    # Where: an area, a named place, and/or a hot spot (SWEREF 99 TM centre and radius).
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("area"),
    )
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("named place"),
    )
    hotspot_x = models.FloatField(_("hot spot easting (SWEREF 99 TM)"), null=True, blank=True)
    hotspot_y = models.FloatField(_("hot spot northing (SWEREF 99 TM)"), null=True, blank=True)
    hotspot_radius = models.PositiveIntegerField(_("hot spot radius (m)"), null=True, blank=True)
    # Why: the events, decision, operational direction or alert it answers.
    events = models.ManyToManyField(
        "reports.Event", blank=True, related_name="actions", verbose_name=_("events")
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("decision"),
    )
    operational_direction = models.ForeignKey(
        OperationalDirection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("operational direction"),
    )
    reason = models.TextField(_("reason or alert"), blank=True, max_length=2000)
    responsible_organisation = models.ForeignKey(
        "tenants.Organisation",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("responsible organisation"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    internal = models.BooleanField(
        _("internal to the responsible organisation"),
        default=False,
        help_text=_("Only the responsible organisation and the coordinators see it."),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    effort = models.CharField(_("effort (hours or text)"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["end", "id"]
        indexes = [models.Index(fields=["municipality", "status"])]
        verbose_name = _("action")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.ONGOING)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.end is not None and self.end < timezone.localdate()


class FollowUp(models.Model):
    """The follow-up every third month: evaluation, notes and feedback to the organisations."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="followups"
    )
    period = models.CharField(_("period"), max_length=10)
    direction = models.ForeignKey(
        DirectionDecision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        verbose_name=_("direction decision"),
    )
    notes = models.TextField(_("qualitative notes"), blank=True, max_length=8000)
    feedback = models.TextField(_("feedback to the organisations"), blank=True, max_length=8000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("follow-up")

    def __str__(self) -> str:
        return self.period


class Evaluation(models.Model):
    """One before/after comparison of a follow-up: a decision's target area vs a control."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="evaluations")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    target_area = models.ForeignKey(
        "areas.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("target area")
    )
    control_area = models.ForeignKey(
        "areas.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("control area")
    )
    buffer_area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("buffer area (for displacement)"),
    )
    intervention_date = models.DateField(_("start of the action"))
    before_days = models.PositiveSmallIntegerField(_("days before"), default=90)
    after_days = models.PositiveSmallIntegerField(_("days after"), default=90)
    notes = models.TextField(_("qualitative notes"), blank=True, max_length=4000)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evaluation")

    def __str__(self) -> str:
        return f"{self.target_area} vs {self.control_area}"


class GuardShift(models.Model):
    """One line of the mobile guards' weekly plan: where and when."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="guard_shifts"
    )
    week = models.CharField(_("ISO week"), max_length=8)  # "2026-W47"
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200)
    note = models.CharField(_("why"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day", "start_time", "id"]
        verbose_name = _("guard shift")

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M} {self.place}"
