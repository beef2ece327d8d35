"""CSV and GeoJSON exports of the data behind the quarterly analysis and the follow-up."""

import csv
import io
import math
from typing import Any

COMPONENTS = ("volume", "severity", "trend")
QUARTERLY_FIELDS = [
    "period",
    "rank",
    "area_code",
    "area",
    "events",
    "events_previous",
    "population",
    "severity_sum",
    *(f"{c}{suffix}" for c in COMPONENTS for suffix in ("", "_scaled", "_points")),
    "need",
    "influence",
    "quadrant",
]
FOLLOWUP_FIELDS = [
    "period",
    "decision",
    "actions",
    "target_area_code",
    "target_area",
    "control_area_code",
    "control_area",
    "buffer_area_code",
    "buffer_area",
    "intervention_date",
    "before_first",
    "before_last",
    "after_first",
    "after_last",
    "complete",
    "target_before",
    "target_after",
    "control_before",
    "control_after",
    "buffer_before",
    "buffer_after",
    "rate_ratio",
    "rr_low",
    "rr_high",
    "p",
    "percent_change",
    "continuity_correction",
    "wdq",
    "displacement",
    "notes",
]


def _number(value: Any) -> Any:
    """None and NaN as blank; whole floats as integers."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def quarterly_rows(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per area of the need × influence matrix, in the page's rank order."""
    rows = []
    for rank, r in enumerate(matrix["rows"], start=1):
        area = r["area_obj"]
        row: dict[str, Any] = {
            "period": matrix["period"],
            "rank": rank,
            "area_code": area.code,
            "area": area.label,
        }
        for field in QUARTERLY_FIELDS[4:-1]:
            row[field] = _number(r.get(field))
        row["quadrant"] = r["quadrant"] or ""
        rows.append(row)
    return rows


def _csv(fields: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # for Excel
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def quarterly_csv(matrix: dict[str, Any]) -> str:
    return _csv(QUARTERLY_FIELDS, quarterly_rows(matrix))


def quarterly_geojson(matrix: dict[str, Any]) -> dict[str, Any]:
    """The ranked areas' polygons with the matrix's numbers as properties."""
    features = [
        {"type": "Feature", "geometry": r["area_obj"].geometry, "properties": row}
        for r, row in zip(matrix["rows"], quarterly_rows(matrix), strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "period": matrix["period"],
        "need_threshold": _number(matrix.get("need_threshold")),
        "influence_threshold": _number(matrix.get("influence_threshold")),
        "features": features,
    }


def followup_rows(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per evaluation of `documents.followup_context` (its actions already limited
    to those the reader may see)."""
    rows = []
    for ev in ctx["evaluations"]:
        e, r = ev.row, ev.result
        actions = [
            a.title for a in ctx["actions"] if e.decision_id and a.decision_id == e.decision_id
        ]
        buffer = e.buffer_area
        d = r.displacement
        rows.append(
            {
                "period": ctx["followup"].period,
                "decision": e.decision.text if e.decision else "",
                "actions": "; ".join(actions),
                "target_area_code": e.target_area.code,
                "target_area": e.target_area.label,
                "control_area_code": e.control_area.code,
                "control_area": e.control_area.label,
                "buffer_area_code": buffer.code if buffer else "",
                "buffer_area": buffer.label if buffer else "",
                "intervention_date": e.intervention_date.isoformat(),
                "before_first": ev.before[0].isoformat(),
                "before_last": ev.before[1].isoformat(),
                "after_first": ev.after[0].isoformat(),
                "after_last": ev.after[1].isoformat(),
                "complete": ev.complete,
                "target_before": r.target_before,
                "target_after": r.target_after,
                "control_before": r.control_before,
                "control_after": r.control_after,
                "buffer_before": r.buffer_before,
                "buffer_after": r.buffer_after,
                "rate_ratio": _number(r.rate_ratio.estimate),
                "rr_low": _number(r.rate_ratio.ci_low),
                "rr_high": _number(r.rate_ratio.ci_high),
                "p": _number(r.rate_ratio.p),
                "percent_change": _number(r.percent_change[0]),
                "continuity_correction": _number(r.continuity_correction),
                "wdq": _number(d.wdq) if d else None,
                "displacement": d.interpretation if d else "",
                "notes": e.notes,
            }
        )
    return rows


def followup_csv(ctx: dict[str, Any]) -> str:
    return _csv(FOLLOWUP_FIELDS, followup_rows(ctx))
