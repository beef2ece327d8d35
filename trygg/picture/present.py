"""From a picture's content (live or frozen) to what the page, the PDF and the exports show."""

import csv
import io
from typing import Any

import numpy as np
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from trygg.areas.geo import to_sweref
from trygg.documents import area_map_svg, bar_chart_svg, heatmap_svg

LEVEL_COLORS = {"green": "#2da44e", "yellow": "#d4a72c", "red": "#cf222e"}
KDE_COLORS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]


def weekdays() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def area_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per area: counts in category order, signals and the assessment."""
    codes = [c["code"] for c in content["categories"]]
    assessments = content.get("assessments", {})
    rows = []
    for area in content["areas"]:
        rows.append(
            {
                **area,
                "cells": [area["counts"].get(code, 0) for code in codes],
                "assessment": assessments.get(str(area["id"])) if area["id"] else None,
                "label": area["label"] or _("outside the areas"),
            }
        )
    return rows


def category_name(category: dict[str, Any]) -> str:
    """The category's name in the reader's language (the snapshot keeps both)."""
    english = (get_language() or "sv").startswith("en")
    return str(category.get("name_en") if english and category.get("name_en") else category["name"])


def category_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    signals = content["category_signals"]
    return [
        {**c, "name": category_name(c), **signals.get(c["code"], {})} for c in content["categories"]
    ]


def category_totals(content: dict[str, Any]) -> list[int]:
    return [
        sum(a["counts"].get(c["code"], 0) for a in content["areas"]) for c in content["categories"]
    ]


def category_chart(content: dict[str, Any]) -> SafeString:
    codes = [c["code"] for c in content["categories"]]
    return mark_safe(  # the SVG builders escape every text they write
        bar_chart_svg(category_totals(content), codes, title=_("Reports per category"))
    )


def profile_svg(content: dict[str, Any]) -> SafeString:
    hours = [str(h) if h % 3 == 0 else "" for h in range(24)]
    return mark_safe(
        heatmap_svg(
            content["profile"], weekdays(), hours, cell=22, title=_("Weekday × hour of day")
        )
    )


def _map_layers(content: dict[str, Any]) -> dict[str, Any]:
    assessments = content.get("assessments", {})
    features = []
    for f in content["area_features"]:
        level = assessments.get(str(f["properties"]["id"]), {}).get("level")
        props = {**f["properties"], "fill": LEVEL_COLORS.get(level or "", "#ffffff")}
        features.append({**f, "properties": props})
    kde = content["kde"]
    cells = [
        {
            "x": c["x"],
            "y": c["y"],
            "size": kde.get("cell", 100),
            "color": KDE_COLORS[c["level"] - 1],
        }
        for c in kde["cells"]
        if c["level"] >= 2
    ]
    hot = content["hotspots"]
    cells += [
        {"x": c["x"], "y": c["y"], "size": hot["cell"], "color": "#7a0177", "outline": True}
        for c in hot["cells"]
    ]
    points = [(p["lon"], p["lat"]) for p in content["points"]]
    return {"features": features, "cells": cells, "points": points}


def focus_extent(
    content: dict[str, Any], pad: float = 300.0
) -> tuple[float, float, float, float] | None:
    """The SWEREF box around most of this week's reports (5th–95th percentile, so that a
    lone report far out does not shrink the town) and every hot spot, padded."""
    xy = [to_sweref(p["lon"], p["lat"]) for p in content["points"]]
    boxes = []
    if xy:
        arr = np.array(xy)
        low, high = np.percentile(arr, 5, axis=0), np.percentile(arr, 95, axis=0)
        boxes.append((float(low[0]), float(low[1]), float(high[0]), float(high[1])))
    boxes += [(c["x"], c["y"], c["x"], c["y"]) for c in content["hotspots"]["cells"]]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes) - pad,
        min(b[1] for b in boxes) - pad,
        max(b[2] for b in boxes) + pad,
        max(b[3] for b in boxes) + pad,
    )


def map_svg(content: dict[str, Any], *, width: int = 680, height: int = 470) -> SafeString:
    """The printed map of the town: areas coloured by assessment, heat map, hot spots,
    own reports of the week."""
    return mark_safe(  # the SVG builders escape every text they write
        area_map_svg(
            **_map_layers(content),
            width=width,
            height=height,
            extent=focus_extent(content),
            title=_("Map of the week"),
        )
    )


def overview_svg(content: dict[str, Any], *, size: int = 250) -> SafeString:
    """The whole municipality with the same layers, small."""
    layers = _map_layers(content)
    unlabelled = [{**f, "properties": {**f["properties"], "label": ""}} for f in layers["features"]]
    return mark_safe(
        area_map_svg(
            unlabelled,
            points=layers["points"],
            width=size,
            height=size,
            title=_("The whole municipality"),
        )
    )


def layers_geojson(content: dict[str, Any], *, points: bool) -> dict[str, Any]:
    """The web map's layers: own reports (if allowed), hot-spot cells, heat-map cells."""
    colors = {c["code"]: c["color"] for c in content["categories"]}

    def polygons(cells: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [c["polygon"]]},
                    "properties": {k: c[k] for k in keys},
                }
                for c in cells
            ],
        }

    own = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {
                    "title": p["category"],
                    "when": p["when"].replace("T", " "),
                    "color": colors.get(p["category"], "#6e7781"),
                },
            }
            for p in (content["points"] if points else [])
        ],
    }
    clusters = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                "properties": {k: c[k] for k in ("radius", "observed", "expected", "p")},
            }
            for c in content.get("clusters", [])
        ],
    }
    return {
        "points": own,
        "clusters": clusters,
        "hot": polygons(content["hotspots"]["cells"], ("z", "count", "class")),
        "kde": polygons(content["kde"]["cells"], ("level",)),
    }


def counts_csv(content: dict[str, Any]) -> str:
    """Aggregated counts per area × category, with the area's trend signals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "week",
            "area_code",
            "area",
            "category",
            "count",
            "area_total",
            "area_prev4_mean",
            "area_rate_ratio_vs_prev4",
            "area_rr_low",
            "area_rr_high",
            "area_p_vs_prev4",
        ]
    )
    for row in area_rows(content):
        s = row["vs_prev"]
        for category, n in zip(content["categories"], row["cells"], strict=True):
            writer.writerow(
                [
                    content["week"],
                    row["code"],
                    row["label"],
                    category["code"],
                    n,
                    row["total"],
                    s["baseline_mean"],
                    s["rate_ratio"],
                    s["low"],
                    s["high"],
                    s["p"],
                ]
            )
    return out.getvalue()


def export_geojson(content: dict[str, Any], *, points: bool) -> dict[str, Any]:
    """Areas with their aggregated counts; own-report points only when `points`."""
    by_id = {a["id"]: a for a in content["areas"]}
    features = []
    for f in content["area_features"]:
        area = by_id.get(f["properties"]["id"], {})
        props = {
            **f["properties"],
            "kind": "area",
            "week": content["week"],
            "counts": area.get("counts", {}),
            "total": area.get("total", 0),
            "vs_prev": area.get("vs_prev"),
            "vs_last_year": area.get("vs_last_year"),
        }
        features.append({**f, "properties": props})
    if points:
        for p in content["points"]:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                    "properties": {
                        "kind": "report",
                        "category": p["category"],
                        "when": p["when"],
                    },
                }
            )
    return {"type": "FeatureCollection", "week": content["week"], "features": features}
