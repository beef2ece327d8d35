"""The protocol of a safety walk: a route map with numbered findings, drawn on the server."""

import base64
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from shapely.geometry import box as box_shape
from shapely.geometry import shape

from trygg.areas.geo import SWEREF99TM, WGS84, reproject, to_sweref
from trygg.areas.models import Area
from trygg.documents.maps import Frame, path_d, scale_bar

from .models import Finding, SafetyWalk

MARGIN_M = 80.0  # around the route and findings
THUMB_MAX_BYTES = 3_000_000


def finding_points(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "n": f.number,
            "lat": f.event.lat,
            "lon": f.event.lon,
            "label": (f.event.subcategory or f.event.category).display_name,
        }
        for f in findings
    ]


def route_map_svg(
    walk: SafetyWalk, points: Sequence[dict[str, Any]], *, width: int = 640, height: int = 420
) -> str:
    """The walk's area (if any), its route as a line and its findings as numbered circles."""
    route = [tuple(xy) for xy in walk.route_sweref or []]
    spots = [(p["n"], *to_sweref(p["lon"], p["lat"])) for p in points]
    area = _metric(walk.area) if walk.area else None
    xs = [x for x, _ in route] + [x for _, x, _ in spots]
    ys = [y for _, y in route] + [y for _, _, y in spots]
    if not xs and area is not None:
        minx, miny, maxx, maxy = area.bounds
    elif xs:
        minx, miny, maxx, maxy = min(xs), min(ys), max(xs), max(ys)
    else:
        return ""
    box = (minx - MARGIN_M, miny - MARGIN_M, maxx + MARGIN_M, maxy + MARGIN_M)
    frame = Frame(box, width, height)
    clip = f"walk-clip-{walk.pk}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">',
        f"<title>{escape(str(walk))}</title>",
        f'<clipPath id="{clip}"><rect width="{width}" height="{height}"/></clipPath>',
        f'<rect width="{width}" height="{height}" fill="#f4f6f8"/>',
        f'<g clip-path="url(#{clip})">',
    ]
    for other in _neighbours(walk, box):
        out.append(_area_path(frame, other, fill="#ffffff"))
    if area is not None:
        out.append(_area_path(frame, area))
    if len(route) >= 2:
        line = " ".join("{:.1f},{:.1f}".format(*frame.xy(x, y)) for x, y in route)
        out.append(
            f'<polyline points="{line}" fill="none" stroke="#0b5394" stroke-width="3" '
            'stroke-linejoin="round" stroke-dasharray="8 4"/>'
        )
    for n, x, y in spots:
        px, py = frame.xy(x, y)
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="9" fill="#cf222e" stroke="#ffffff" '
            'stroke-width="1.5"/>'
            f'<text x="{px:.1f}" y="{py + 3.5:.1f}" font-size="10" font-weight="bold" '
            f'text-anchor="middle" fill="#ffffff">{n}</text>'
        )
    out.append(scale_bar(frame, width, height))
    out.append("</g></svg>")
    return "".join(out)


def _metric(area: Any) -> Any:
    return reproject(shape(area.geometry), WGS84, SWEREF99TM) if area.geometry else None


def _neighbours(walk: SafetyWalk, box: tuple[float, float, float, float]) -> list[Any]:
    """The municipality's areas of the walk's kind (DeSO by default) that reach into the map."""
    kind = walk.area.kind if walk.area else Area.Kind.DESO
    areas = Area.objects.filter(municipality=walk.municipality, kind=kind)
    view = box_shape(*box)
    geoms = [_metric(a) for a in areas if a.pk != walk.area_id]
    return [g for g in geoms if g is not None and g.intersects(view)]


def _area_path(frame: Frame, geom: Any, fill: str = "#dbe7f3") -> str:
    return (
        f'<path d="{path_d(frame, geom)}" fill="{fill}" fill-opacity="0.6" stroke="#44515e" '
        'stroke-width="0.8" fill-rule="evenodd"/>'
    )


def _thumbnail(photo: Any) -> str:
    """A data URI of the stored photo (already cleaned of metadata), or "" if missing."""
    try:
        with photo.image.open("rb") as handle:
            content = handle.read(THUMB_MAX_BYTES + 1)
    except (FileNotFoundError, OSError):
        return ""
    if len(content) > THUMB_MAX_BYTES:
        return ""
    return f"data:{photo.content_type};base64,{base64.b64encode(content).decode()}"


def protocol_context(walk: SafetyWalk, findings: Any, agreed: Any) -> dict[str, Any]:
    findings = list(findings)
    rows = [
        {"finding": f, "photos": [t for t in map(_thumbnail, f.event.photos.all()) if t]}
        for f in findings
    ]
    return {
        "walk": walk,
        "municipality": walk.municipality,
        "participants": walk.participants.select_related("organisation"),
        "rows": rows,
        "agreed": agreed,
        "map_svg": mark_safe(route_map_svg(walk, finding_points(findings))),
        "generated": timezone.now(),
    }


def protocol_html(ctx: dict[str, Any]) -> str:
    return render_to_string("walks/protocol.html", ctx)
