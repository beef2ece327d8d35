"""Area pages, the areas GeoJSON for maps, and the place search of the report form."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from trygg.reports.models import Event
from trygg.tenants.access import Access, tenant_view

from .models import Area, Place

RECENT_DAYS = 30
SEARCH_LIMIT = 10


@tenant_view("view_reports")
def area_list(request: HttpRequest, access: Access) -> HttpResponse:
    municipality = access.municipality
    areas = list(
        Area.objects.filter(municipality=municipality)
        .valid_on(timezone.localdate())
        .select_related("parent")
    )
    kinds = [(k, label) for k, label in Area.Kind.choices if any(a.kind == k for a in areas)]
    kind = request.GET.get("kind", "")
    if kind in dict(kinds):
        areas = [a for a in areas if a.kind == kind]
    counts = event_counts(municipality)
    for area in areas:
        area.recent_events, area.total_events = counts[area.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "areas/area_list.html",
        {
            "areas": areas,
            "kinds": kinds,
            "kind": kind,
            "map_kind": kind or (kinds[0][0] if kinds else ""),
            "center": f"{municipality.center_lat:.5f},{municipality.center_lon:.5f}",
            "recent_days": RECENT_DAYS,
        },
    )


@tenant_view("view_reports")
def area_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    municipality = access.municipality
    area = get_object_or_404(
        Area.objects.select_related("parent"), pk=pk, municipality=municipality
    )
    recent, total = event_counts(municipality)[area.pk]
    events = (
        Event.objects.filter(municipality=municipality, area_id__in=subtree_ids(area))
        .counted()
        .select_related("category", "subcategory", "area")[:20]
    )
    located = area.label_lat is not None and area.label_lon is not None
    return render(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "children": area.children.order_by("kind", "code"),
            "events": events,
            "recent_events": recent,
            "total_events": total,
            "recent_days": RECENT_DAYS,
            "center": f"{area.label_lat:.5f},{area.label_lon:.5f}" if located else "",
        },
    )


@tenant_view()
def area_geojson(request: HttpRequest, access: Access) -> JsonResponse:
    """The municipality's areas valid today for map backgrounds, also on the report form.

    `?kind=deso` keeps one kind; `?area=<id>` gives that area and its children.
    """
    municipality = access.municipality
    today = timezone.localdate()
    areas = Area.objects.filter(municipality=municipality)
    area_id = request.GET.get("area", "")
    if area_id.isdigit():
        children = areas.filter(parent_id=int(area_id)).valid_on(today)
        areas = areas.filter(pk=int(area_id)) | children
    else:
        areas = areas.valid_on(today)
    if kind := request.GET.get("kind"):
        areas = areas.filter(kind=kind)
    # Reporters see the polygons on their map, but the area pages are not theirs.
    code = municipality.code if access.can("view_reports") else ""
    features = [_area_feature(area, code) for area in areas.order_by("kind", "code")]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _area_feature(area: Area, code: str) -> dict[str, Any]:
    url = reverse("area_detail", args=[code, area.pk]) if code else ""
    return {
        "type": "Feature",
        "geometry": area.geometry,
        "properties": {"label": area.label, "code": area.code, "kind": area.kind, "url": url},
    }


@tenant_view("report")
def place_search(request: HttpRequest, access: Access) -> JsonResponse:
    """Named places and areas whose name contains `?q=` (any case), best matches first."""
    query = request.GET.get("q", "").strip().casefold()
    results = search_places(access.municipality, query) if query else []
    return JsonResponse({"results": results[:SEARCH_LIMIT]})


def search_places(municipality: Any, query: str) -> list[dict[str, Any]]:
    # Matched in Python: SQLite's LIKE ignores case only for ASCII, not for å, ä and ö.
    places = Place.objects.filter(municipality=municipality).active()
    areas = (
        Area.objects.filter(municipality=municipality)
        .valid_on(timezone.localdate())
        .only("name", "code", "kind", "label_lat", "label_lon")
    )
    candidates = [(0, p.name, p.kind, p.get_kind_display(), p.lat, p.lon) for p in places] + [
        (1, a.label, a.kind, a.get_kind_display(), a.label_lat, a.label_lon)
        for a in areas
        if a.label_lat is not None and a.label_lon is not None
    ]
    found = [c for c in candidates if query in c[1].casefold()]
    found.sort(key=lambda c: (not c[1].casefold().startswith(query), c[0], c[1].casefold()))
    return [
        {
            "name": name,
            "kind": kind,
            "kind_label": label,
            "lat": round(lat, 6),
            "lon": round(lon, 6),
        }
        for _, name, kind, label, lat, lon in found
    ]


def event_counts(municipality: Any) -> dict[int, tuple[int, int]]:
    """(events in the last RECENT_DAYS, all events) per area, each counted in its ancestors too."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rows = (
        Event.objects.filter(municipality=municipality, area__isnull=False)
        .counted()
        .values("area")
        .annotate(total=Count("id"), recent=Count("id", filter=Q(observed_from__gte=since)))
    )
    parents = dict(Area.objects.filter(municipality=municipality).values_list("id", "parent_id"))
    counts: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        node: int | None = row["area"]
        while node is not None:
            recent, total = counts[node]
            counts[node] = (recent + row["recent"], total + row["total"])
            node = parents.get(node)
    return counts


def subtree_ids(area: Area) -> list[int]:
    """The area and all areas below it."""
    ids, frontier = [area.pk], [area.pk]
    while frontier:
        below = Area.objects.filter(parent_id__in=frontier).exclude(id__in=ids)
        frontier = list(below.values_list("id", flat=True))
        ids += frontier
    return ids
