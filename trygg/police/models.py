from django.db import models
from django.utils.translation import gettext_lazy as _


class PoliceEvent(models.Model):
    """A notice from the police's public events API ("händelser"), stored once by its id.

    Its position is the kommun's (or the county's) centre, never the place of the incident:
    events are counted per kommun and week, never drawn as points. They are a selection of
    notices the police chose to publish, not a crime rate.
    """

    # Indexed as the first column of the unique constraint below.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="police_events",
        db_index=False,
    )
    event_id = models.BigIntegerField(_("police event id"))
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.RESTRICT, related_name="police_events"
    )
    published_at = models.DateTimeField(_("published"))
    # The time in the notice's title; the publication time when the title has none.
    occurred_at = models.DateTimeField(_("time of the event"), db_index=True)
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    name = models.CharField(_("title"), max_length=300)
    event_type = models.CharField(_("type"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    location_name = models.CharField(_("location"), max_length=100)
    # The API gave a county, not the kommun: the kommun was read from the title.
    county_level = models.BooleanField(_("county-level location"), default=False)
    # A "Sammanfattning natt" and the like: many incidents in one notice.
    is_summary = models.BooleanField(_("summary notice"), default=False)
    centre_lat = models.FloatField(_("latitude of the kommun or county centre"), null=True)
    centre_lon = models.FloatField(_("longitude of the kommun or county centre"), null=True)

    class Meta:
        ordering = ["-occurred_at", "-event_id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "event_id"], name="unique_police_event")
        ]
        indexes = [models.Index(fields=["municipality", "iso_year", "iso_week"])]
        verbose_name = _("police event notice")

    def __str__(self) -> str:
        return self.name


class EventTypeMapping(models.Model):
    """Which EST category a police event type counts as, per municipality; editable."""

    # Indexed as the first column of the unique constraint below.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="police_type_mappings",
        db_index=False,
    )
    event_type = models.CharField(_("police event type"), max_length=100)
    category = models.ForeignKey(
        "reports.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("EST category"),
    )

    class Meta:
        ordering = ["event_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "event_type"], name="unique_police_type_mapping"
            )
        ]
        verbose_name = _("police event type mapping")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.category or '–'}"


class PoliceCrime(models.Model):
    """Police-reported crime as the police deliver it to a kommun.

    Either a count per DeSO, crime code, registration date and crime period (the usual
    delivery), or one crime at a point (x, y in SWEREF 99 TM). `key` is the natural key that
    makes a re-import, or a later delivery that overlaps an earlier one, never count twice.
    """

    # Indexed as the first column of the unique constraint below.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="police_crimes",
        db_index=False,
    )
    key = models.CharField(max_length=64)
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.RESTRICT, related_name="police_crimes"
    )
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="police_crimes",
        verbose_name=_("area"),
    )
    deso_code = models.CharField(_("DeSO"), max_length=10, blank=True)
    crime_code = models.CharField(_("crime code"), max_length=10)
    registered = models.DateField(_("registered"))
    crime_from = models.DateField(_("crime from"), null=True, blank=True)
    crime_to = models.DateField(_("crime to"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of crimes"), default=1)
    police_area = models.CharField(_("local police area"), max_length=100, blank=True)
    source_file = models.CharField(_("police source file"), max_length=200, blank=True)
    x = models.FloatField(_("easting (SWEREF 99 TM)"), null=True, blank=True)
    y = models.FloatField(_("northing (SWEREF 99 TM)"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["-registered", "key"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unique_police_crime")
        ]
        indexes = [models.Index(fields=["municipality", "registered"])]
        verbose_name = _("police-reported crime")

    def __str__(self) -> str:
        return f"{self.crime_code} {self.registered} ×{self.count}"


class CrimeCodeLevel(models.Model):
    """One level of a crime code's category, from an imported key of crime codes.

    Trygg ships the police's key (data/brottskod_niva_nyckel.csv); a municipality that imports
    a newer key gets its own rows, which take precedence for the codes they name.
    """

    # Indexed as the first column of the unique constraint below.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="crime_code_levels",
        db_index=False,
    )
    key = models.CharField(max_length=20)
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.RESTRICT, related_name="crime_code_levels"
    )
    code = models.CharField(_("crime code"), max_length=10)
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("category"), max_length=300)
    question = models.CharField(_("question area"), max_length=200, blank=True)

    class Meta:
        ordering = ["code", "level"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unique_crime_code_level")
        ]
        verbose_name = _("crime code category")

    def __str__(self) -> str:
        return f"{self.code} {self.level}: {self.name}"
