"""A map drawn on the server as SVG: area polygons projected to SWEREF 99 TM, cells and points.

Input coordinates are WGS84 GeoJSON (areas, points as (lon, lat)); cells are given in SWEREF 99
TM metres, as the analysis engine produces them. No tile server is needed.
"""

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from uuid import uuid4

from shapely.geometry import shape

from trygg.areas.geo import SWEREF99TM, WGS84, reproject, to_sweref

Box = tuple[float, float, float, float]


class Frame:
    """Maps SWEREF x/y (metres, north up) to SVG pixels, keeping the aspect ratio."""

    def __init__(self, box: Box, width: int, height: int, margin: int = 8):
        minx, miny, maxx, maxy = box
        span_x = max(maxx - minx, 1.0)
        span_y = max(maxy - miny, 1.0)
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.x0 = minx - ((width - 2 * margin) / self.scale - span_x) / 2 - margin / self.scale
        self.y1 = maxy + ((height - 2 * margin) / self.scale - span_y) / 2 + margin / self.scale

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def _rings(geom: Any) -> Iterable[Sequence[tuple[float, float]]]:
    polygons = getattr(geom, "geoms", [geom])
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        yield list(polygon.exterior.coords)
        for interior in polygon.interiors:
            yield list(interior.coords)


def path_d(frame: Frame, geom: Any) -> str:
    """The SVG path data of a (multi)polygon in SWEREF, holes included."""
    parts = []
    for ring in _rings(geom):
        pts = [frame.xy(x, y) for x, y in ring]
        parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in pts) + "Z")
    return "".join(parts)


def _bounds(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def area_map_svg(
    features: Sequence[Mapping[str, Any]],
    *,
    points: Sequence[tuple[float, float]] = (),
    cells: Sequence[Mapping[str, Any]] = (),
    width: int = 640,
    height: int = 480,
    cell_size: float = 250.0,
    extent: Box | None = None,
    title: str = "",
) -> str:
    """An SVG map of area polygons with coloured cells and points.

    features: GeoJSON features (WGS84) with properties "label" (drawn at the area's centre)
    and optional "fill" (a CSS colour). points: (lon, lat) pairs. cells: {"x", "y"} SWEREF
    centres with "color" (optional "size" in metres, default `cell_size`; "outline": True
    draws the cell's border only). extent: the
    SWEREF box (minx, miny, maxx, maxy) to show; default: everything. Outside is clipped.
    """
    geoms = [
        (reproject(shape(f["geometry"]), WGS84, SWEREF99TM), f.get("properties") or {})
        for f in features
        if f.get("geometry")
    ]
    xy_points = [to_sweref(lon, lat) for lon, lat in points]
    boxes: list[Box] = [g.bounds for g, _ in geoms if not g.is_empty]
    boxes += [(x, y, x, y) for x, y in xy_points]
    box = extent or _bounds(boxes) or (0.0, 0.0, 1000.0, 1000.0)
    frame = Frame(box, width, height)
    clip = f"clip-{uuid4().hex[:8]}"  # unique: several maps may share one document
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<clipPath id="{clip}"><rect width="{width}" height="{height}"/></clipPath>',
        f'<rect width="{width}" height="{height}" fill="#f4f6f8"/>',
        f'<g clip-path="url(#{clip})">',
    ]
    for geom, props in geoms:
        fill = escape(str(props.get("fill") or "#ffffff"))
        out.append(
            f'<path d="{path_d(frame, geom)}" fill="{fill}" fill-opacity="0.35" '
            'stroke="#44515e" stroke-width="0.8" fill-rule="evenodd"/>'
        )
    for cell in cells:
        half = float(cell.get("size", cell_size)) / 2
        x0, y0 = frame.xy(float(cell["x"]) - half, float(cell["y"]) + half)
        side = 2 * half * frame.scale
        color = escape(str(cell.get("color", "#d7301f")))
        paint = (
            f'fill="none" stroke="{color}" stroke-width="1.2"'
            if cell.get("outline")
            else f'fill="{color}" fill-opacity="0.7"'
        )
        out.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(side, 2):.1f}" '
            f'height="{max(side, 2):.1f}" {paint}/>'
        )
    for x, y in xy_points:
        px, py = frame.xy(x, y)
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="#1f4e9a" '
            'stroke="#ffffff" stroke-width="0.6"/>'
        )
    for geom, props in geoms:
        label = props.get("label")
        if not label or geom.is_empty:
            continue
        minx, _miny, maxx, _maxy = geom.bounds
        if (maxx - minx) * frame.scale < 5.5 * len(str(label)):
            continue  # too small at this scale: the label would cover its neighbours
        point = geom.representative_point()
        px, py = frame.xy(point.x, point.y)
        if not (0 <= px <= width and 0 <= py <= height):
            continue
        text = escape(str(label))
        common = f'x="{px:.1f}" y="{py:.1f}" font-size="10" text-anchor="middle"'
        out.append(f'<text {common} fill="#ffffff" stroke="#ffffff" stroke-width="3">{text}</text>')
        out.append(f'<text {common} fill="#1b2631">{text}</text>')
    out.append(scale_bar(frame, width, height))
    out.append("</g></svg>")
    return "".join(out)


def scale_bar(frame: Frame, width: int, height: int) -> str:
    """A scale bar of a round length up to a quarter of the map's width, bottom left."""
    metres = width / 4 / frame.scale
    steps = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
    nice = max((n for n in steps if n <= metres), default=steps[0])
    length = nice * frame.scale
    label = f"{nice // 1000} km" if nice >= 1000 else f"{nice} m"
    y = height - 12
    return (
        f'<rect x="8" y="{y - 12}" width="{length + 8:.1f}" height="18" fill="#ffffff" '
        'fill-opacity="0.8"/>'
        f'<line x1="12" y1="{y}" x2="{12 + length:.1f}" y2="{y}" stroke="#1b2631" '
        'stroke-width="2"/>'
        f'<text x="12" y="{y - 3}" font-size="9">{label}</text>'
    )
