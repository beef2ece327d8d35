"""Reads for the police data pages: event notices per ISO week, crime per area and category."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas.models import Area
from trygg.reports.models import Category
from trygg.tenants.models import Municipality

from .codes import CrimeKey
from .mapping import mapping_of
from .models import PoliceCrime, PoliceEvent

MAX_COLUMNS = 10
CHART_WIDTH = 600
CHART_HEIGHT = 120


@dataclass
class Table:
    """Rows × columns of counts, with totals; the last column may gather the rest."""

    columns: list[str]
    rows: list[dict[str, Any]]  # {"label", "key", "cells": [...], "total"}
    totals: list[int]
    total: int
    extra: dict[str, Any] = field(default_factory=dict)


def _top(counter: Counter[str], limit: int, other: str) -> tuple[list[str], dict[str, str]]:
    """The `limit` biggest labels, and for every label the column it is counted in."""
    ranked = [label for label, _n in counter.most_common()]
    if len(ranked) <= limit:
        return ranked, {label: label for label in ranked}
    kept = ranked[: limit - 1]
    column = {label: (label if label in kept else other) for label in ranked}
    return [*kept, other], column


def _pivot(
    cells: dict[Any, Counter[str]], row_keys: list[tuple[Any, str]], limit: int, other: str
) -> Table:
    overall: Counter[str] = Counter()
    for counts in cells.values():
        overall.update(counts)
    columns, column_of = _top(overall, limit, other)
    index = {name: i for i, name in enumerate(columns)}
    rows, totals = [], [0] * len(columns)
    for key, label in row_keys:
        values = [0] * len(columns)
        for name, n in cells.get(key, Counter()).items():
            values[index[column_of[name]]] += n
        for i, n in enumerate(values):
            totals[i] += n
        rows.append({"key": key, "label": label, "cells": values, "total": sum(values)})
    return Table(columns, rows, totals, sum(totals))


# Police events --------------------------------------------------------------------------


def event_years(municipality: Municipality) -> list[int]:
    years = PoliceEvent.objects.filter(municipality=municipality).values_list("iso_year", flat=True)
    return sorted(set(years), reverse=True)


def weeks_of(year: int) -> list[int]:
    """The ISO weeks of a year, up to this week when it is the current year."""
    last = date(year, 12, 28).isocalendar().week
    today = timezone.localdate().isocalendar()
    if today.year == year:
        last = today.week
    return list(range(1, last + 1)) if today.year >= year else []


def events_by_week(municipality: Municipality, year: int, grouping: str) -> Table:
    """Event notices per ISO week and type (or EST category); summaries counted apart."""
    events = PoliceEvent.objects.filter(municipality=municipality, iso_year=year)
    rows = (
        events.filter(is_summary=False)
        .values_list("iso_week", "event_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    label = _type_label(municipality, grouping)
    cells: dict[Any, Counter[str]] = defaultdict(Counter)
    for week, event_type, n in rows:
        cells[week][label(event_type)] += n
    weeks = sorted(set(weeks_of(year)) | set(cells), reverse=True)
    row_keys = [(w, _("week %(week)d") % {"week": w}) for w in weeks]
    table = _pivot(cells, row_keys, MAX_COLUMNS, _("other types"))
    table.extra["summaries"] = events.filter(is_summary=True).count()
    table.extra["chart"] = _chart([(r["label"], r["total"]) for r in reversed(table.rows)])
    return table


def _type_label(municipality: Municipality, grouping: str) -> Any:
    if grouping != "est":
        return lambda event_type: event_type
    mapping = mapping_of(municipality)
    unmapped = _("no EST category")

    def label(event_type: str) -> str:
        category = mapping.get(event_type)
        if category is None:
            return unmapped
        top = category.parent or category
        return f"{top.code} {top.display_name}"

    return label


def _chart(points: list[tuple[str, int]]) -> dict[str, Any]:
    """Bars for an inline SVG (no script, no style attributes): one per week, oldest first.

    Coordinates are strings with a decimal point: SVG needs them so in every language.
    """
    peak = max((n for _label, n in points), default=0) or 1
    width = CHART_WIDTH / max(len(points), 1)
    bars = []
    for i, (label, n) in enumerate(points):
        height = CHART_HEIGHT * n / peak
        bars.append(
            {
                "x": f"{i * width:.1f}",
                "y": f"{CHART_HEIGHT - height:.1f}",
                "width": f"{max(width - 1, 1):.1f}",
                "height": f"{height:.1f}",
                "label": label,
                "n": n,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": peak}


def week_events(municipality: Municipality, year: int, week: int) -> list[PoliceEvent]:
    return list(
        PoliceEvent.objects.filter(municipality=municipality, iso_year=year, iso_week=week)
        .only("occurred_at", "event_type", "name", "summary", "url", "is_summary", "county_level")
        .order_by("occurred_at")
    )


def type_counts(municipality: Municipality) -> dict[str, int]:
    rows = (
        PoliceEvent.objects.filter(municipality=municipality)
        .values_list("event_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


# Police-reported crime ------------------------------------------------------------------


def crime_years(municipality: Municipality) -> list[int]:
    dates = PoliceCrime.objects.filter(municipality=municipality).dates("registered", "year")
    return sorted((d.year for d in dates), reverse=True)


def crimes_by_year(municipality: Municipality) -> list[tuple[int, int]]:
    """(year, number of crimes) for every year with data, wildlife accidents and the like aside."""
    rows = (
        PoliceCrime.objects.filter(municipality=municipality)
        .values_list("registered__year", "crime_code")
        .annotate(n=Sum("count"))
        .order_by()
    )
    key = CrimeKey.of(municipality)
    totals: Counter[int] = Counter()
    for year, code, n in rows:
        if key.is_crime(code):
            totals[year] += n
    return sorted(totals.items(), reverse=True)


def crime_table(
    municipality: Municipality,
    *,
    year: int,
    month: int | None,
    grouping: str,
    area: Area | None,
) -> Table:
    """Crimes per DeSO (or, for one area, per month) × category, registered in the period."""
    crimes = PoliceCrime.objects.filter(municipality=municipality, registered__year=year)
    if month:
        crimes = crimes.filter(registered__month=month)
    if area is not None:
        crimes = crimes.filter(area=area).annotate(row=ExtractMonth("registered"))
        row_keys: list[tuple[Any, str]] = [
            (m, date(year, m, 1).strftime("%Y-%m")) for m in range(1, 13)
        ]
        if month:
            row_keys = [row_keys[month - 1]]
    else:
        crimes = crimes.annotate(row=F("area_id"))
        row_keys = _area_rows(municipality, year)
    rows = crimes.values_list("row", "crime_code").annotate(n=Sum("count")).order_by()
    key = CrimeKey.of(municipality)
    names = _category_names(municipality) if grouping == "est" else {}
    cells: dict[Any, Counter[str]] = defaultdict(Counter)
    not_crimes = 0
    for row, code, n in rows:
        if not key.is_crime(code):
            not_crimes += n
            continue
        cells[row][_group_label(key, code, grouping, names)] += n
    if None in cells and area is None:
        row_keys.append((None, _("no area (DeSO not among the areas)")))
    table = _pivot(cells, row_keys, 15 if grouping != "category" else 20, _("other categories"))
    table.extra["not_crimes"] = not_crimes
    return table


def _area_rows(municipality: Municipality, year: int) -> list[tuple[Any, str]]:
    areas = (
        Area.objects.filter(municipality=municipality, kind=Area.Kind.DESO)
        .overlapping(date(year, 1, 1), date(year, 12, 31))
        .order_by("code")
    )
    return [(a.pk, f"{a.code} {a.name}".strip()) for a in areas]


def _category_names(municipality: Municipality) -> dict[str, str]:
    categories = Category.objects.filter(municipality=municipality)
    return {c.code: f"{c.code} {c.display_name}" for c in categories}


def _group_label(key: CrimeKey, code: str, grouping: str, names: dict[str, str]) -> str:
    group = key.group_of(code, grouping)
    if grouping == "est":
        return names.get(group, group) if group else _("no EST category")
    if group == "?":
        return _("unknown crime code")
    return group
