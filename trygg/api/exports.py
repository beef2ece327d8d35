"""Exports of reports, actions and statistics as CSV and GeoJSON.

Reports and actions come in detail, through the same gates as the lists (a reporter gets
their own reports). Statistics are counts per area × category; for a user without the
detail rights (`view_reports`) they follow the public page's rule: small counts suppressed.
"""

import csv
import io
from collections import Counter
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router

from trygg.audit.services import record
from trygg.disclosure import withheld
from trygg.reports.models import Event
from trygg.surveys import results
from trygg.surveys.access import access_survey
from trygg.tenants.access import Access

from . import schemas as s
from .auth import gate
from .endpoints import ERRORS, _actions, _events, _pk
from .filters import EventFilter, filter_events
from .present import action_point, action_row, event_row, point_feature

router = Router(tags=["exports"])
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}
GEOJSON = {"content": {"application/geo+json": {"schema": {"type": "object"}}}}


def _documented(kind: dict[str, Any]) -> dict[str, Any]:
    return {"responses": {200: {"description": "OK", **kind}}}


def _audit(access: Access, what: str, fmt: str, count: int) -> None:
    record(
        access.user,
        "export",
        municipality=access.municipality,
        object_type=f"api.{what}",
        summary=f"{what} {fmt}: {count}",
        rows=count,
    )


def _csv(rows: list[dict[str, Any]], name: str, fields: list[str]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


def _geojson(features: list[dict[str, Any]], name: str) -> HttpResponse:
    body = {"type": "FeatureCollection", "features": features}
    response = JsonResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{name}.geojson"'
    return response


EVENT_FIELDS = list(s.EventOut.model_fields)
ACTION_FIELDS = list(s.ActionOut.model_fields)


@router.get("/reports.csv", response=ERRORS, openapi_extra=_documented(CSV))
def reports_csv(request: HttpRequest, filters: Query[EventFilter]) -> HttpResponse:
    access = gate(request)
    rows = [event_row(e) for e in _events(access, filters)]
    _audit(access, "reports", "csv", len(rows))
    return _csv(rows, f"rapporter-{access.municipality.code}", EVENT_FIELDS)


@router.get("/reports.geojson", response=ERRORS, openapi_extra=_documented(GEOJSON))
def reports_geojson(request: HttpRequest, filters: Query[EventFilter]) -> HttpResponse:
    access = gate(request)
    features = []
    for event in _events(access, filters):
        row = event_row(event)
        point = [row.pop("lon"), row.pop("lat")]
        features.append(point_feature(point, row))
    _audit(access, "reports", "geojson", len(features))
    return _geojson(features, f"rapporter-{access.municipality.code}")


@router.get("/actions.csv", response=ERRORS, openapi_extra=_documented(CSV))
def actions_csv(request: HttpRequest) -> HttpResponse:
    access = gate(request)
    rows = [action_row(a) for a in _actions(access)]
    _audit(access, "actions", "csv", len(rows))
    return _csv(rows, f"insatser-{access.municipality.code}", ACTION_FIELDS)


@router.get("/actions.geojson", response=ERRORS, openapi_extra=_documented(GEOJSON))
def actions_geojson(request: HttpRequest) -> HttpResponse:
    access = gate(request)
    actions = _actions(access).select_related("place")
    features = [point_feature(action_point(a), action_row(a)) for a in actions]
    _audit(access, "actions", "geojson", len(features))
    return _geojson(features, f"insatser-{access.municipality.code}")


def statistics_rows(access: Access, filters: EventFilter) -> list[dict[str, Any]]:
    """Counted events per area × main category in the filter's period. Exact for roles with
    the detail rights; otherwise every municipality event counts, small counts suppressed."""
    exact = access.can("view_reports")
    events = filters_all(access, filters) if not exact else _events(access, filters)
    counts = Counter(events.counted().values_list("area__code", "category__code"))
    rows = []
    for (area, category), n in sorted(counts.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        shown = n if exact else withheld(n)
        rows.append(
            {"area": area, "category": category, "count": shown, "suppressed": shown is None}
        )
    return rows


def filters_all(access: Access, filters: EventFilter) -> Any:
    return filter_events(Event.objects.filter(municipality=access.municipality), filters)


@router.get("/statistics", response={200: list[s.StatisticsRow], **ERRORS})
def statistics(request: HttpRequest, filters: Query[EventFilter]) -> list[dict[str, Any]]:
    """Counts per area × category as JSON (`/exports/statistics.csv` for CSV)."""
    access = gate(request)
    return statistics_rows(access, filters)


@router.get("/statistics.csv", response=ERRORS, openapi_extra=_documented(CSV))
def statistics_csv(request: HttpRequest, filters: Query[EventFilter]) -> HttpResponse:
    access = gate(request)
    rows = statistics_rows(access, filters)
    _audit(access, "statistics", "csv", len(rows))
    fields = list(s.StatisticsRow.model_fields)
    return _csv(rows, f"statistik-{access.municipality.code}", fields)


@router.get("/surveys/{survey_id}/results.csv", response=ERRORS, openapi_extra=_documented(CSV))
def survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The round's results per question and area as CSV (`;`-separated, UTF-8 with a BOM):
    the same suppressed numbers as the staff page's export."""
    access = gate(request, capability="view_reports")
    survey = access_survey(access, _pk(survey_id))
    rows = results.csv_rows(results.results(survey))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(results.csv_header())
    writer.writerows(rows)
    record(
        access.user,
        "export",
        survey,
        municipality=access.municipality,
        summary=f"results of {survey.title} as CSV: API",
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enkat-{survey.pk}.csv"'
    return response
