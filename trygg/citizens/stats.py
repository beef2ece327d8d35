"""Public statistics per area: the EST reports and police-reported crime, disclosed safely.

Every number goes through `disclosure.disclose`; see `disclosure` for the whole rule.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.areas.models import Area
from trygg.disclosure import Count, disclose, large_enough, public_kind
from trygg.police.models import PoliceCrime
from trygg.reports.models import Event, Source
from trygg.tenants.models import Municipality

# Choropleth classes of a disclosed count: (lower bound, label); suppressed cells are class 0.
CLASSES = ((5, "5–9"), (10, "10–19"), (20, "20–49"), (50, "50+"))
POLICE_YEARS = 3
REPORT_QUARTERS = 8


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date


@dataclass
class Table:
    measure: str  # "reports" or "police"
    periods: list[Period]
    rows: list[dict[str, Any]]  # {"area": Area, "cells": [Count, ...]}

    @property
    def has_data(self) -> bool:
        return any(not c.suppressed for row in self.rows for c in row["cells"])


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter(year: int, q: int) -> Period:
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return Period(f"{year} Q{q}", first, last)


def report_periods(today: date) -> list[Period]:
    """The last `REPORT_QUARTERS` complete quarters. Always quarters, never years: a year
    published later would be the sum of quarters published before."""
    year, q = quarter_of(today)
    periods = []
    for _i in range(REPORT_QUARTERS):
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        periods.append(quarter(year, q))
    return periods[::-1]


def police_periods(today: date) -> list[Period]:
    years = range(today.year - POLICE_YEARS, today.year)
    return [Period(str(y), date(y, 1, 1), date(y, 12, 31)) for y in years]


def public_areas(municipality: Municipality, today: date) -> list[Area]:
    """The areas of the one public kind valid today, each big enough to be shown."""
    areas = Area.objects.filter(municipality=municipality)
    kind = public_kind(set(areas.values_list("kind", flat=True)))
    chosen = areas.filter(kind=kind).valid_on(today).order_by("code")
    return [a for a in chosen if large_enough(a.area_km2)]


def counted_reports(municipality: Municipality) -> Any:
    """Reports that count publicly: not merged duplicates; from the professional reporters,
    or from citizens and safety walks once the coordinator has reviewed them."""
    professional = Q(report__source=Source.REPORTER)
    return Event.objects.counted().filter(
        professional | Q(reviewed_at__isnull=False), municipality=municipality
    )


def _roll_up(rows: Any, areas: list[Area], value: str) -> dict[int, int]:
    """Counts per public area: an event in a DeSO counts in its RegSO when that is shown."""
    wanted = {a.pk for a in areas}
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        for key in (row["area_id"], row["area__parent_id"]):
            if key in wanted:
                totals[key] += row[value] or 0
                break
    return totals


def _table(measure: str, periods: list[Period], areas: list[Area], count: Any) -> Table:
    by_period = [count(p) for p in periods]
    rows = [
        {"area": area, "cells": [disclose(counts.get(area.pk, 0)) for counts in by_period]}
        for area in areas
    ]
    return Table(measure, periods, rows)


def reports_table(municipality: Municipality, today: date | None = None) -> Table:
    today = today or timezone.localdate()
    areas = public_areas(municipality, today)
    events = counted_reports(municipality)

    def count(p: Period) -> dict[int, int]:
        rows = (
            events.filter(observed_from__date__gte=p.first, observed_from__date__lte=p.last)
            .values("area_id", "area__parent_id")
            .annotate(n=DbCount("id"))
        )
        return _roll_up(rows, areas, "n")

    return _table("reports", report_periods(today), areas, count)


def police_table(municipality: Municipality, today: date | None = None) -> Table:
    today = today or timezone.localdate()
    areas = public_areas(municipality, today)
    crimes = PoliceCrime.objects.filter(municipality=municipality, area__isnull=False)

    def count(p: Period) -> dict[int, int]:
        rows = (
            crimes.filter(registered__gte=p.first, registered__lte=p.last)
            .values("area_id", "area__parent_id")
            .annotate(n=Sum("count"))
        )
        return _roll_up(rows, areas, "n")

    return _table("police", police_periods(today), areas, count)


def level(count: Count) -> int:
    """Choropleth class 0–4 of a disclosed count (0: fewer than 5)."""
    return sum(1 for lower, _label in CLASSES if count.value is not None and count.value >= lower)


def legend() -> list[tuple[int, str]]:
    return [(0, _("fewer than 5")), *((i, label) for i, (_n, label) in enumerate(CLASSES, 1))]


MEASURES = {
    "reports": lambda: _("EST reports"),
    "police": lambda: _("police-reported crime"),
}


def csv_rows(tables: list[Table]) -> list[list[str]]:
    header = [_("area code"), _("area"), _("measure"), _("period"), _("count")]
    out = [header]
    for table in tables:
        for row in table.rows:
            area = row["area"]
            for period, cell in zip(table.periods, row["cells"], strict=True):
                out.append(
                    [area.code, area.name, MEASURES[table.measure](), period.label, cell.file_value]
                )
    return out


def geojson(table: Table) -> dict[str, Any]:
    """The table's last period per area as a choropleth: polygons only, never points."""
    period = table.periods[-1] if table.periods else None
    features = []
    for row in table.rows:
        cell = row["cells"][-1] if row["cells"] else disclose(0)
        area = row["area"]
        properties = {
            "label": area.label,
            "code": area.code,
            "period": period.label if period else "",
            "count": cell.file_value,
            "text": str(cell),
            "level": level(cell),
        }
        features.append({"type": "Feature", "geometry": area.geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}
