from django.db import models
from django.utils.translation import gettext_lazy as _


class BraStatistic(models.Model):
    """One figure of Brå's statistics for a municipality, or a reference figure next to it.

    `geography` says whose figure it is: the kommun's own, its county's, or the country's
    (reference figures are stored with each municipality that imported them). NTU survey
    results come with their 95 % confidence interval as separate measures.
    """

    class Geography(models.TextChoices):
        KOMMUN = "kommun", _("kommun")
        COUNTY = "county", _("county")
        NATIONAL = "national", _("whole country")

    class Measure(models.TextChoices):
        VALUE = "value", _("value")
        CI_LOW = "ci_low", _("confidence interval, lower bound")
        CI_HIGH = "ci_high", _("confidence interval, upper bound")

    # Indexed as the first column of the unique constraint below.
    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="bra_statistics",
        db_index=False,
    )
    key = models.CharField(max_length=64)
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.RESTRICT, related_name="bra_statistics"
    )
    geography = models.CharField(_("geography"), max_length=10, choices=Geography.choices)
    geography_name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    variable = models.CharField(_("variable"), max_length=300)
    unit = models.CharField(_("unit"), max_length=300, blank=True)
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.VALUE
    )
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["year", "variable"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unique_bra_statistic")
        ]
        indexes = [models.Index(fields=["municipality", "year"])]
        verbose_name = _("Brå statistic")

    def __str__(self) -> str:
        return f"{self.geography_name} {self.year} {self.variable}: {self.value}"
