from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> "CategoryQuerySet":
        return self.filter(active=True)

    def top(self) -> "CategoryQuerySet":
        return self.filter(parent__isnull=True)


class Category(models.Model):
    """A report category or subcategory of one municipality's taxonomy.

    Codes are stable (the EST standard codes are seeded, e.g. `SKA` and `SKA.KLO`);
    names can be changed, and categories are retired (inactive), never deleted.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("main category"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    standard = models.BooleanField(_("EST standard"), default=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_category_code")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "sv").startswith("en"):
            return self.name_en
        return self.name


class Source(models.TextChoices):
    REPORTER = "rapport", _("reporter")
    CITIZEN = "tips", _("citizen tip")
    WALK = "vandring", _("safety walk")


class Report(models.Model):
    """One submission from a reporter's phone; it holds one or several events."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="reports"
    )
    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.REPORTER
    )
    # Set by the client once per form; a retried submission with the same key is not stored twice.
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    # Not a field: on a report `report_incident` has just created, the events it saved.
    saved_events: "list[Event]"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "client_key"], name="unique_report_client_key"
            )
        ]
        verbose_name = _("report")

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


# Statuses of a citizen tip (`trygg.tips.models.Tip`) that staff lists and maps show.
PUBLISHED_TIP_STATUSES = ("accepted", "closed")


class EventQuerySet(models.QuerySet["Event"]):
    def counted(self) -> "EventQuerySet":
        """Events that count in statistics: merged duplicates and citizen tips are left out.

        Tips are not reports of the collaboration's professionals: they never count in the
        weekly picture, trends, hot spots or need scores, only as their own layer.
        """
        return self.filter(duplicate_of__isnull=True).exclude(report__source=Source.CITIZEN)

    def shown(self, *, new_tips: bool = False) -> "EventQuerySet":
        """Events staff lists and maps show: citizen tips only once a moderator accepted them
        (and, with `new_tips`, those waiting for moderation: the moderators' map)."""
        statuses = (*PUBLISHED_TIP_STATUSES, "new") if new_tips else PUBLISHED_TIP_STATUSES
        return self.filter(
            ~models.Q(report__source=Source.CITIZEN) | models.Q(report__tip__status__in=statuses)
        )


class Event(models.Model):
    """A concrete event: what, where, when. The unit on the map and in statistics."""

    class Youths(models.TextChoices):
        YES = "ja", _("yes")
        NO = "nej", _("no")
        UNKNOWN = "okant", _("don't know")

    class Insecurity(models.IntegerChoices):
        LOW = 1, _("1 – little")
        MEDIUM = 2, _("2 – some")
        HIGH = 3, _("3 – much")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="events"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    subcategory = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_events",
        verbose_name=_("subcategory"),
    )
    observed_from = models.DateTimeField(_("observed from"), db_index=True)
    observed_to = models.DateTimeField(_("observed to"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    x = models.FloatField(_("easting (SWEREF 99 TM)"))
    y = models.FloatField(_("northing (SWEREF 99 TM)"))
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("area"),
    )
    outside_areas = models.BooleanField(_("outside every area"), default=False)
    place = models.ForeignKey(
        "areas.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("named place"),
    )
    people_count = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    youths = models.CharField(
        _("youths"), max_length=5, choices=Youths.choices, default=Youths.UNKNOWN
    )
    insecurity = models.PositiveSmallIntegerField(
        _("insecurity created"), choices=Insecurity.choices, default=Insecurity.MEDIUM
    )
    police_called = models.BooleanField(_("police called"), default=False)
    crime_reported = models.BooleanField(_("crime reported"), default=False)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # The reporter confirmed that text flagged as possible personal data is not.
    personal_data_confirmed = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("linked events"))
    # Set by `trygg prune` past the retention: free text cleared, position snapped to a grid
    # cell's centre, photos deleted.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_from", "-id"]
        indexes = [
            models.Index(fields=["municipality", "observed_from"]),
            models.Index(fields=["municipality", "category", "observed_from"]),
        ]
        verbose_name = _("event")

    def __str__(self) -> str:
        return f"{self.category} {self.observed_from:%Y-%m-%d %H:%M}"


def photo_path(instance: "Photo", filename: str) -> str:
    return f"photos/{instance.event.municipality.code}/{instance.event_id}/{filename}"


class Photo(models.Model):
    """A photo attached to an event, stored re-encoded without EXIF/GPS metadata."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")

    def __str__(self) -> str:
        return self.image.name or ""
