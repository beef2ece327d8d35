"""Computing the weekly picture's content: a JSON-ready dict, frozen as-is at publication.

Reads events, areas, police data and actions; the statistics come from trygg.analysis
(trends: exact Poisson comparisons; hotspots: Gi*; kde: heat map; alarms: EWMA and CUSUM).
"""

import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.apps import apps
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree
from shapely.geometry import mapping, shape

from trygg.analysis import alarms, hotspots, kde, scan
from trygg.analysis.aggregate import weekday_hour_profile
from trygg.analysis.io import AnalysisError, Events
from trygg.analysis.trends import compare_counts
from trygg.areas.geo import SWEREF99TM, WGS84, area_index, to_sweref, to_wgs84, transformer
from trygg.areas.models import Area, Place
from trygg.reports.models import Category, Event
from trygg.reports.review import background_kind, category_colors
from trygg.tenants.models import Municipality

from .weeks import Week

VERSION = 1
RECENT_WEEKS = 8  # hot spots, heat map, profile and repeat places look at the last 8 weeks
ALARM_WEEKS = 26  # weekly series for EWMA/CUSUM: 18 baseline weeks, 8 monitored
ALARM_MONITORED = 8
HOTSPOT_CELL = 200.0
HOTSPOT_RADIUS = 400.0
HOTSPOT_MIN_EVENTS = 10
REPEAT_RADIUS = 50.0
REPEAT_MIN_EVENTS = 3
KDE_PIXELS = 90
KDE_LEVELS = 5
SIGNIFICANCE = 0.05
SCAN_MIN_EVENTS = 20
SCAN_RADIUS = 500.0


def compute(municipality: Municipality, week: Week) -> dict[str, Any]:
    """The picture of `week`: everything the page, the PDF and the exports show."""
    areas = _areas(municipality, week)
    rows = _event_rows(municipality, week)
    recent = [r for r in rows if r["at"] >= week.shifted(1 - RECENT_WEEKS).start()]
    return {
        "version": VERSION,
        "week": str(week),
        "start": week.monday.isoformat(),
        "end": week.sunday.isoformat(),
        "computed_at": timezone.now().isoformat(),
        "municipality": {"code": municipality.code, "name": municipality.name},
        "categories": _categories(municipality),
        **_counts(areas, rows, week),
        "area_features": [_area_feature(a) for a in areas],
        "hotspots": _hotspots(recent),
        "kde": _kde(recent),
        "alerts": _alerts(areas, rows, week),
        "clusters": _clusters(recent, week, municipality),
        "profile": _profile(recent),
        "repeat_places": _repeat_places(recent, areas, municipality),
        "points": _points(rows, week),
        "police": police_content(municipality, week, areas),
        "actions": actions_content(municipality),
        "surveys": surveys_content(municipality, week),
        "recent_weeks": RECENT_WEEKS,
    }


# Inputs ----------------------------------------------------------------------------------


def _areas(municipality: Municipality, week: Week) -> list[Area]:
    kind = background_kind(municipality)
    qs = Area.objects.filter(municipality=municipality, kind=kind).valid_on(week.monday)
    return list(qs.order_by("code"))


def _event_rows(municipality: Municipality, week: Week) -> list[dict[str, Any]]:
    """The counted events from 53 weeks before `week` to its end, one dict each."""
    first = min(week.same_week_last_year(), week.shifted(1 - ALARM_WEEKS))
    qs = Event.objects.counted().filter(
        municipality=municipality,
        observed_from__gte=first.start(),
        observed_from__lt=week.end(),
    )
    fields = ("observed_from", "x", "y", "lon", "lat", "area_id", "category__code")
    return [
        {
            "at": at,
            "local": timezone.localtime(at).replace(tzinfo=None),
            "x": x,
            "y": y,
            "lon": lon,
            "lat": lat,
            "area": area,
            "category": cat,
        }
        for at, x, y, lon, lat, area, cat in qs.values_list(*fields)
    ]


def _categories(municipality: Municipality) -> list[dict[str, str]]:
    colors = category_colors(municipality)
    tops = Category.objects.filter(municipality=municipality).top()
    return [
        {"code": c.code, "name": c.name, "name_en": c.name_en, "color": colors[c.pk]} for c in tops
    ]


def _in_week(rows: list[dict[str, Any]], week: Week) -> list[dict[str, Any]]:
    start, end = week.start(), week.end()
    return [r for r in rows if start <= r["at"] < end]


# Counts and trend signals ------------------------------------------------------------------


def signal(count: int, baseline: int, baseline_weeks: int) -> dict[str, Any]:
    """This week's count against `baseline` events over `baseline_weeks` weeks: the rate ratio
    with its exact 95 % interval and the exact conditional Poisson test's p-value."""
    c = compare_counts(count, baseline, 1.0, float(baseline_weeks))
    direction = "none"
    if c.p < SIGNIFICANCE and c.rate_ratio is not None:
        direction = "up" if c.rate_ratio > 1 else "down"
    return {
        "count": count,
        "baseline_mean": round(baseline / baseline_weeks, 2),
        "rate_ratio": _finite(c.rate_ratio),
        "low": _finite(c.rate_ratio_low),
        "high": _finite(c.rate_ratio_high),
        "p": round(c.p, 4),
        "direction": direction,
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else round(value, 2)


def _signals(rows: list[dict[str, Any]], week: Week, key: Any) -> dict[Any, Any]:
    now = Counter(key(r) for r in _in_week(rows, week))
    prev: Counter[Any] = Counter()
    for back in range(1, 5):
        prev.update(key(r) for r in _in_week(rows, week.shifted(-back)))
    last_year = Counter(key(r) for r in _in_week(rows, week.same_week_last_year()))
    keys = set(now) | set(prev) | set(last_year)
    return {
        k: {
            "vs_prev": signal(now[k], prev[k], 4),
            "vs_last_year": signal(now[k], last_year[k], 1),
        }
        for k in keys
    }


def _counts(areas: list[Area], rows: list[dict[str, Any]], week: Week) -> dict[str, Any]:
    known = {a.pk for a in areas}
    for r in rows:
        r["area_key"] = r["area"] if r["area"] in known else None
    this_week = _in_week(rows, week)
    cells = Counter((r["area_key"], r["category"]) for r in this_week)
    area_signals = _signals(rows, week, lambda r: r["area_key"])
    empty = {"vs_prev": signal(0, 0, 4), "vs_last_year": signal(0, 0, 1)}
    out_areas = []
    for area in [*areas, None]:
        key = area.pk if area else None
        counts = {cat: n for (a, cat), n in cells.items() if a == key}
        if area is None and not counts and key not in area_signals:
            continue
        out_areas.append(
            {
                "id": key,
                "code": area.code if area else "",
                "label": area.label if area else "",  # the outside row is named when shown
                "counts": counts,
                "total": sum(counts.values()),
                **area_signals.get(key, empty),
            }
        )
    category_signals = _signals(rows, week, lambda r: r["category"])
    total = _signals(rows, week, lambda r: "all").get("all", empty)
    return {
        "areas": out_areas,
        "category_signals": category_signals,
        "total": {"count": len(this_week), **total},
    }


def _area_feature(area: Area) -> dict[str, Any]:
    """The area polygon simplified to about 10 m: enough for the printed map."""
    geom = shape(area.geometry).simplify(0.0001, preserve_topology=True)
    return {
        "type": "Feature",
        "geometry": mapping(geom),
        "properties": {"id": area.pk, "code": area.code, "label": area.name or area.code},
    }


# Space: hot spots, heat map, repeat places ------------------------------------------------


def _events(rows: list[dict[str, Any]]) -> Events:
    return Events(
        x=np.array([r["x"] for r in rows], dtype=float),
        y=np.array([r["y"] for r in rows], dtype=float),
    )


def cell_polygons(xs: list[float], ys: list[float], half: float) -> list[list[list[float]]]:
    """The WGS84 ring of each square cell (SWEREF centre, half side `half` metres)."""
    if not xs:
        return []
    x, y = np.asarray(xs), np.asarray(ys)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    cx = np.stack([x + dx * half for dx, _dy in corners], axis=1)
    cy = np.stack([y + dy * half for _dx, dy in corners], axis=1)
    lon, lat = transformer(SWEREF99TM, WGS84).transform(cx.ravel(), cy.ravel())
    lon, lat = np.round(lon, 6).reshape(cx.shape), np.round(lat, 6).reshape(cx.shape)
    return [
        [[float(a), float(b)] for a, b in zip(lo, la, strict=True)]
        for lo, la in zip(lon, lat, strict=True)
    ]


def _hotspots(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Gi* hot-spot cells (FDR-controlled) of the last weeks' events."""
    info: dict[str, Any] = {"cell": HOTSPOT_CELL, "radius": HOTSPOT_RADIUS, "cells": []}
    if len(rows) < HOTSPOT_MIN_EVENTS:
        info["note"] = _("Too few events for a hot-spot analysis.")
        return info
    try:
        result = hotspots.hotspots(_events(rows), HOTSPOT_CELL, HOTSPOT_RADIUS)
    except AnalysisError as error:
        info["note"] = str(error)
        return info
    grid = result["grid"]
    xs, ys = grid.centres()
    z = result["stat"].z
    for i in np.flatnonzero([str(c).startswith("hot") for c in result["class"]]):
        info["cells"].append(
            {
                "x": round(float(xs[i]), 1),
                "y": round(float(ys[i]), 1),
                "z": round(float(z[i]), 2),
                "count": int(result["counts"][i]),
                "class": str(result["class"][i]),
            }
        )
    info["cells"].sort(key=lambda c: -c["z"])
    rings = cell_polygons(
        [c["x"] for c in info["cells"]], [c["y"] for c in info["cells"]], HOTSPOT_CELL / 2
    )
    for cell, ring in zip(info["cells"], rings, strict=True):
        cell["polygon"] = ring
    return info


def _kde(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The kernel density as graded cells (levels 1–5 of the highest density)."""
    if len(rows) < 3:
        return {"cells": [], "bandwidth": None}
    try:
        grid, dens, h = kde.heat_map(_events(rows), pixels=KDE_PIXELS)
    except AnalysisError:
        return {"cells": [], "bandwidth": None}
    peak = float(dens.max())
    if not peak > 0:
        return {"cells": [], "bandwidth": round(h)}
    xs, ys = grid.centres()
    flat = dens.ravel() / peak
    cells: list[dict[str, Any]] = []
    for i in np.flatnonzero(flat >= 1 / KDE_LEVELS / 2):
        level = min(KDE_LEVELS, int(flat[i] * KDE_LEVELS) + 1)
        x, y = float(xs[i]), float(ys[i])
        cells.append({"x": round(x, 1), "y": round(y, 1), "level": level})
    rings = cell_polygons([c["x"] for c in cells], [c["y"] for c in cells], grid.cell / 2)
    for cell, ring in zip(cells, rings, strict=True):
        cell["polygon"] = ring
    return {"cells": cells, "bandwidth": round(h), "cell": round(grid.cell, 1)}


def _repeat_places(
    rows: list[dict[str, Any]], areas: list[Area], municipality: Municipality
) -> list[dict[str, Any]]:
    """Places with repeated events: greedily, the densest 50 m disk, then the next one."""
    if len(rows) < REPEAT_MIN_EVENTS:
        return []
    xy = np.array([(r["x"], r["y"]) for r in rows], dtype=float)
    tree = cKDTree(xy)
    free = np.ones(len(rows), dtype=bool)
    names = {a.pk: a.label for a in areas}
    place_names = _place_finder(municipality)
    places: list[dict[str, Any]] = []
    while len(places) < 10:
        neighbours = [
            [j for j in near if free[j]] if free[i] else []
            for i, near in enumerate(tree.query_ball_point(xy, REPEAT_RADIUS))
        ]
        best = max(range(len(rows)), key=lambda i: len(neighbours[i]))
        members = neighbours[best]
        if len(members) < REPEAT_MIN_EVENTS:
            break
        free[members] = False
        group = [rows[j] for j in members]
        cx, cy = xy[members].mean(axis=0)
        lon, lat = to_wgs84(float(cx), float(cy))
        area = Counter(r["area"] for r in group).most_common(1)[0][0]
        places.append(
            {
                "count": len(members),
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "place": place_names(float(cx), float(cy)),
                "area": names.get(area, _("outside the areas")),
                "categories": dict(Counter(r["category"] for r in group).most_common()),
                "first": min(r["local"] for r in group).date().isoformat(),
                "last": max(r["local"] for r in group).date().isoformat(),
            }
        )
    return places


def _place_finder(municipality: Municipality) -> Any:
    """A function giving the name of the nearest named place within 200 m, or ""."""
    rows = list(Place.objects.filter(municipality=municipality).values_list("name", "lon", "lat"))
    if not rows:
        return lambda x, y: ""
    xy = np.array([to_sweref(lon, lat) for _name, lon, lat in rows])
    tree = cKDTree(xy)

    def nearest(x: float, y: float) -> str:
        dist, i = tree.query((x, y))
        return rows[int(i)][0] if dist <= 200 else ""

    return nearest


def _points(rows: list[dict[str, Any]], week: Week) -> list[dict[str, Any]]:
    """This week's own reports as points: category, area and time, no free text."""
    return [
        {
            "lon": round(r["lon"], 6),
            "lat": round(r["lat"], 6),
            "category": r["category"],
            "area": r["area_key"],
            "when": r["local"].isoformat(timespec="minutes"),
        }
        for r in _in_week(rows, week)
    ]


# Time: alerts and profile ----------------------------------------------------------------


def _alerts(areas: list[Area], rows: list[dict[str, Any]], week: Week) -> list[dict[str, Any]]:
    """Areas whose weekly counts alarm this week on the Poisson EWMA or CUSUM chart."""
    first = week.shifted(1 - ALARM_WEEKS)
    index = {a.pk: i for i, a in enumerate(areas)}
    counts = np.zeros((len(areas), ALARM_WEEKS), dtype=np.int64)
    for r in rows:
        if r["at"] >= first.start() and r["area_key"] in index:
            w = (r["local"].date() - first.monday).days // 7
            counts[index[r["area_key"]], w] += 1
    if not len(areas) or not counts.any():
        return []
    baseline = ALARM_WEEKS - ALARM_MONITORED
    ewma = alarms.ewma_chart(counts, baseline)
    cusum = alarms.cusum_chart(counts, baseline)
    out = []
    for i, area in enumerate(areas):
        charts = [name for name, c in (("EWMA", ewma), ("CUSUM", cusum)) if c.alarm[i, -1]]
        if charts:
            out.append(
                {
                    "area": area.label,
                    "area_id": area.pk,
                    "count": int(counts[i, -1]),
                    "expected": round(float(ewma.mu0[i]), 2),
                    "charts": charts,
                    "ewma": round(float(ewma.statistic[i, -1]), 2),
                    "ewma_limit": round(float(ewma.limit[i, -1]), 2),
                    "cusum": round(float(cusum.statistic[i, -1]), 2),
                    "cusum_limit": round(float(cusum.limit[i, -1]), 2),
                    "series": counts[i, -ALARM_MONITORED:].tolist(),
                }
            )
    return out


def _clusters(
    rows: list[dict[str, Any]], week: Week, municipality: Municipality
) -> list[dict[str, Any]]:
    """Space-time clusters of the last weeks still active this week (Kulldorff's prospective
    space-time permutation scan, 999 replicates), significant at 5 %."""
    if len(rows) < SCAN_MIN_EVENTS:
        return []
    x = np.array([r["x"] for r in rows], dtype=float)
    y = np.array([r["y"] for r in rows], dtype=float)
    t = np.array([np.datetime64(r["local"], "s") for r in rows])
    try:
        result = scan.space_time_scan(
            x,
            y,
            t,
            max_radius=SCAN_RADIUS,
            max_days=7,
            study_days=7 * RECENT_WEEKS,
            end=np.datetime64(week.sunday.isoformat()),
            cell=50.0,
            interval_days=7.0,
        )
    except AnalysisError:
        return []
    index = area_index(municipality.id)
    names = {a.pk: a.label for a in Area.objects.filter(municipality=municipality)}
    out = []
    for c in result.clusters:
        if c.p >= SIGNIFICANCE or c.end < week.monday.isoformat():
            continue
        lon, lat = to_wgs84(c.x, c.y)
        area = index.locate(lon, lat, week.monday)
        out.append(
            {
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "radius": round(c.radius),
                "start": c.start,
                "end": c.end,
                "observed": c.observed,
                "expected": round(c.expected, 1),
                "relative_risk": round(c.relative_risk, 1),
                "p": c.p,
                "area": names.get(area, "") if area else "",
            }
        )
    return out


def _profile(rows: list[dict[str, Any]]) -> list[list[int]]:
    """Events by weekday (Monday first) × hour of day, local time."""
    if not rows:
        return [[0] * 24 for _ in range(7)]
    t = np.array([np.datetime64(r["local"], "s") for r in rows])
    return weekday_hour_profile(t).astype(int).tolist()


# Police data and actions (other apps, read-only) ------------------------------------------


def police_content(municipality: Municipality, week: Week, areas: list[Area]) -> dict[str, Any]:
    """Police notices and police-reported crime of the week, aggregated, never as points."""
    if not apps.is_installed("trygg.police"):
        return {"available": False}
    from trygg.police.models import PoliceCrime, PoliceEvent

    notices = PoliceEvent.objects.filter(
        municipality=municipality, iso_year=week.year, iso_week=week.week, is_summary=False
    )
    by_type = Counter(notices.values_list("event_type", flat=True))
    crimes = PoliceCrime.objects.filter(
        municipality=municipality, registered__gte=week.monday, registered__lte=week.sunday
    )
    labels = {a.pk: a.label for a in areas}
    by_area: defaultdict[str, int] = defaultdict(int)
    for area_id, n in crimes.values_list("area_id").annotate(n=Sum("count")):
        by_area[labels.get(area_id, _("outside the areas"))] += n or 0
    by_code = list(crimes.values_list("crime_code").annotate(n=Sum("count")).order_by("-n")[:10])
    names = _crime_names(municipality)
    return {
        "available": True,
        "events": {"total": sum(by_type.values()), "by_type": by_type.most_common()},
        "crimes": {
            "total": sum(by_area.values()),
            "by_area": _top(by_area, 15, _("other areas")),
            "by_code": [[code, names(code), n] for code, n in by_code],
        },
    }


def _top(counts: dict[str, int], limit: int, rest: str) -> list[list[Any]]:
    """The `limit` largest counts, then the sum of the others under `rest`."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = [[k, v] for k, v in ranked[:limit]]
    others = sum(v for _k, v in ranked[limit:])
    return [*top, [rest, others]] if others else top


def _crime_names(municipality: Municipality) -> Any:
    """code -> the crime's name from the police's key of crime codes ("" when unknown)."""
    try:
        from trygg.police.codes import CrimeKey

        key = CrimeKey.of(municipality)
    except (ImportError, AttributeError, OSError):  # the police app's key is not available
        return lambda code: ""

    def name(code: str) -> str:
        known = key.get(code)
        value = getattr(known, "name", "") if known else ""
        return str(value() if callable(value) else value)

    return name


def surveys_content(municipality: Municipality, week: Week) -> dict[str, Any]:
    """The latest citizen survey's evening insecurity per area (trygg.surveys), suppressed."""
    if not apps.is_installed("trygg.surveys"):
        return {"available": False}
    from trygg.surveys.results import picture_content

    return picture_content(municipality, week.sunday)


OPEN_STATUSES = ("planned", "ongoing")


def actions_content(municipality: Municipality) -> dict[str, Any]:
    """Open actions per area, from the EST cycle's actions when that app is installed."""
    if not apps.is_installed("trygg.cycle"):
        return {"available": False, "by_area": []}
    try:
        from trygg.cycle.models import Action  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {"available": False, "by_area": []}
    qs = Action.objects.filter(municipality=municipality, status__in=OPEN_STATUSES)
    if any(f.name == "internal" for f in Action._meta.get_fields()):
        qs = qs.filter(internal=False)  # the picture is shared: no organisation's internal work
    qs = qs.select_related("area", "responsible_organisation").order_by("area__code", "end")
    today = timezone.localdate()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in qs:
        label = action.area.label if action.area else _("no area")
        end = action.end
        groups[label].append(
            {
                "title": action.title,
                "status": action.status,
                "organisation": str(action.responsible_organisation or ""),
                "end": end.isoformat() if end else "",
                "overdue": bool(end and end < today),
            }
        )
    return {"available": True, "by_area": [{"area": k, "items": v} for k, v in groups.items()]}
