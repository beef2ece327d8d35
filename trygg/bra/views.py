"""Brå's statistics for a kommun and year, next to the kommun's own data in Trygg."""

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.police.codes import CrimeKey
from trygg.police.models import PoliceCrime, PoliceEvent
from trygg.reports.models import Event
from trygg.tenants.access import Access, tenant_view

from .importers import TOTAL, UNIT_COUNT, UNIT_PER_100K
from .models import BraStatistic

RATE_UNITS = (UNIT_COUNT, UNIT_PER_100K)
GEOGRAPHIES = ("kommun", "county", "national")
Figures = dict[tuple[str, str, str], float]  # (geography, unit, measure) -> value


def _figures(rows: Any) -> tuple[dict[str, Figures], dict[str, set[str]]]:
    """Variable -> its figures, and variable -> its sources, from the rows of one year.

    The same figure from two files (two sources) is shown once: the first one read.
    """
    grouped: dict[str, Figures] = defaultdict(dict)
    sources: dict[str, set[str]] = defaultdict(set)
    for row in rows.order_by("source", "id"):
        grouped[row.variable].setdefault((row.geography, row.unit, row.measure), row.value)
        sources[row.variable].add(row.source)
    return grouped, sources


def _kommun_has(figures: Figures) -> bool:
    return any(geo == "kommun" for geo, _unit, _measure in figures)


def crime_rows(grouped: dict[str, Figures], sources: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Reported crime: the kommun's number and rate, with the county's and the country's rate."""
    rows = []
    for variable, figures in grouped.items():
        if not _kommun_has(figures) or not any(unit in RATE_UNITS for _g, unit, _m in figures):
            continue
        rows.append(
            {
                "source": ", ".join(sorted(sources[variable])),
                "variable": variable,
                "count": figures.get(("kommun", UNIT_COUNT, "value")),
                **{
                    f"{geo}_rate": figures.get((geo, UNIT_PER_100K, "value")) for geo in GEOGRAPHIES
                },
            }
        )
    return sorted(rows, key=lambda r: (r["variable"] != TOTAL, r["variable"]))


def survey_rows(grouped: dict[str, Figures], sources: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Survey results (NTU): value and 95 % confidence interval per geography."""
    rows = []
    for variable, figures in grouped.items():
        values = {(geo, unit) for geo, unit, measure in figures if measure == "value"}
        if not _kommun_has(figures) or any(unit in RATE_UNITS for _geo, unit in values):
            continue
        units = sorted({unit for _geo, unit in values})
        for unit in units:
            row: dict[str, Any] = {
                "source": ", ".join(sorted(sources[variable])),
                "variable": variable,
                "unit": unit,
            }
            for geo in GEOGRAPHIES:
                row[geo] = _with_interval(figures, geo, unit)
            rows.append(row)
    return sorted(rows, key=lambda r: (r["unit"] == "", r["variable"]))


def _with_interval(figures: Figures, geo: str, unit: str) -> dict[str, float | None] | None:
    value = figures.get((geo, unit, "value"))
    if value is None:
        return None
    bounds = {
        measure: v for (g, _u, measure), v in figures.items() if g == geo and measure != "value"
    }
    return {"value": value, "low": bounds.get("ci_low"), "high": bounds.get("ci_high")}


def trend(statistics: Any) -> list[dict[str, Any]]:
    """Total reported crime per 100 000 inhabitants, per year, kommun next to references."""
    rows = statistics.filter(variable=TOTAL, unit=UNIT_PER_100K, measure="value")
    by_year: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in rows.order_by("year", "source"):
        by_year[row.year].setdefault(row.geography, row.value)
    return [{"year": year, **by_year[year]} for year in sorted(by_year, reverse=True)]


def own_data(access: Access, year: int) -> dict[str, Any]:
    """What Trygg holds of the kommun's own data for the year; police data only for its roles."""
    municipality = access.municipality
    data: dict[str, Any] = {
        "reports": Event.objects.filter(municipality=municipality, observed_from__year=year)
        .counted()
        .count()
    }
    if access.can("police_data"):
        crimes = (
            PoliceCrime.objects.filter(municipality=municipality, registered__year=year)
            .values_list("crime_code")
            .annotate(n=Sum("count"))
            .order_by()
        )
        key = CrimeKey.of(municipality)
        data["crimes"] = sum(n for code, n in crimes if key.is_crime(code))
        data["notices"] = PoliceEvent.objects.filter(
            municipality=municipality, occurred_at__year=year, is_summary=False
        ).count()
    return data


@tenant_view("view_reports")
def bra_statistics(request: HttpRequest, access: Access) -> HttpResponse:
    municipality = access.municipality
    statistics = BraStatistic.objects.filter(municipality=municipality)
    years = sorted(set(statistics.values_list("year", flat=True)), reverse=True)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    if year not in years:
        year = years[0] if years else None
    ctx: dict[str, Any] = {"years": years, "year": year}
    if year is not None:
        grouped, sources = _figures(statistics.filter(year=year))
        names = dict(statistics.values_list("geography", "geography_name").distinct())
        ctx.update(
            crimes=crime_rows(grouped, sources),
            surveys=survey_rows(grouped, sources),
            trend=trend(statistics),
            county=names.get("county", ""),
            own=own_data(access, year),
        )
        if access.can("police_data"):
            record(
                request.user,
                "view",
                municipality=municipality,
                object_type="police.policecrime",
                summary=_("Brå statistics %(year)d next to police data") % {"year": year},
            )
    return render(request, "bra/statistics.html", ctx)
