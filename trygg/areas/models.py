from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)


class AreaQuerySet(models.QuerySet["Area"]):
    def valid_on(self, day: object) -> "AreaQuerySet":
        return self.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day), valid_from__lte=day
        )

    def overlapping(self, start: date, end: date | None) -> "AreaQuerySet":
        """Areas whose validity period shares at least one day with start–end."""
        qs = self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start))
        return qs.filter(valid_from__lte=end) if end else qs


class Area(models.Model):
    """A statistical or administrative area: DeSO, RegSO, district or a custom area.

    Geometry is stored as GeoJSON in WGS84 (no GDAL); SCB redraws areas, so each area
    has a validity period and the same code may exist for several periods.
    """

    class Kind(models.TextChoices):
        DESO = "deso", _("DeSO")
        REGSO = "regso", _("RegSO")
        DISTRICT = "district", _("district")
        CUSTOM = "custom", _("custom area")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="areas"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # The parent's code as the file gives it (a DeSO's regsokod): links a parent imported later.
    parent_code = models.CharField(_("parent code"), max_length=40, blank=True)
    # Areas valid "since always" start on EARLIEST.
    valid_from = models.DateField(_("valid from"), default=EARLIEST)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), default=0)
    min_lon = models.FloatField(default=0)
    min_lat = models.FloatField(default=0)
    max_lon = models.FloatField(default=0)
    max_lat = models.FloatField(default=0)
    # A point inside the area (not necessarily the centroid): for search results and labels.
    label_lat = models.FloatField(null=True, blank=True)
    label_lon = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "code", "valid_from"],
                name="unique_area_period",
            )
        ]
        verbose_name = _("area")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code

    @property
    def label(self) -> str:
        return str(self)

    @property
    def valid_since(self) -> date | None:
        """The start of validity, or None for an area valid since always."""
        return None if self.valid_from == EARLIEST else self.valid_from


class PlaceQuerySet(models.QuerySet["Place"]):
    def active(self) -> "PlaceQuerySet":
        return self.filter(active=True)


class Place(models.Model):
    """A named place reporters can pick: a tätort, a school, a square, a park…"""

    class Kind(models.TextChoices):
        LOCALITY = "tatort", _("locality")
        SCHOOL = "skola", _("school")
        SQUARE = "torg", _("square or centre")
        PARK = "park", _("park")
        STATION = "station", _("station")
        OTHER = "ovrigt", _("other")

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="places"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    geometry = models.JSONField(_("outline (GeoJSON, WGS84)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_place_name")
        ]
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name
