"""Rows of the API's answers and exports: one place that says what a partner sees of each."""

from typing import Any

from trygg.areas import geo
from trygg.areas.models import Area
from trygg.cycle.models import Action, Decision, Meeting
from trygg.reports.models import Event

EVENT_RELATED = ("report", "report__organisation", "category", "subcategory", "area", "place")


def event_row(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "report": e.report_id,
        "source": e.report.source,
        "organisation": e.report.organisation.name if e.report.organisation else None,
        "category": e.category.code,
        "subcategory": e.subcategory.code if e.subcategory else None,
        "observed_from": e.observed_from,
        "observed_to": e.observed_to,
        "reported_at": e.report.created_at,
        "lat": e.lat,
        "lon": e.lon,
        "area": e.area.code if e.area else None,
        "place": e.place.name if e.place else None,
        "people_count": e.people_count,
        "youths": e.youths,
        "insecurity": e.insecurity,
        "police_called": e.police_called,
        "crime_reported": e.crime_reported,
        "description": e.description,
        "reviewed": e.reviewed_at is not None,
        "duplicate_of": e.duplicate_of_id,
    }


def action_row(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "description": a.description,
        "status": a.status,
        "area": a.area.code if a.area else None,
        "responsible_organisation": a.responsible_organisation.name,
        "internal": a.internal,
        "start": a.start,
        "end": a.end,
        "effort": a.effort,
        "outcome": a.outcome,
        "decision": a.decision_id,
        "events": [e.pk for e in a.events.all()],
        "updated_at": a.updated_at,
    }


def action_point(a: Action) -> list[float] | None:
    """[lon, lat] of the action's hot spot, place or area label point, if it has one."""
    if a.hotspot_x is not None and a.hotspot_y is not None:
        lon, lat = geo.to_wgs84(a.hotspot_x, a.hotspot_y)
        return [round(lon, 6), round(lat, 6)]
    if a.place is not None:
        return [a.place.lon, a.place.lat]
    if a.area is not None and a.area.label_lat is not None and a.area.label_lon is not None:
        return [a.area.label_lon, a.area.label_lat]
    return None


def decision_row(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "text": d.text,
        "meeting": d.meeting_id,
        "direction": d.direction_id,
        "area": d.area.code if d.area else None,
        "responsible_organisation": (
            d.responsible_organisation.name if d.responsible_organisation else None
        ),
        "created_at": d.created_at,
    }


def meeting_row(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "series": m.series.name,
        "kind": m.series.kind,
        "date": m.date,
        "status": m.status,
        "information": m.information,
        "decisions": [d.pk for d in m.decisions.all()],
    }


def area_feature(a: Area) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": a.geometry,
        "properties": {
            "id": a.pk,
            "code": a.code,
            "name": a.name,
            "label": a.label,
            "kind": a.kind,
            "population": a.population,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
        },
    }


def point_feature(point: list[float] | None, properties: dict[str, Any]) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": point} if point else None
    return {"type": "Feature", "geometry": geometry, "properties": properties}
