"""PNG versions of the document's chart and map, for the DOCX (Word does not take SVG).

Drawn with Pillow, like the SVGs of trygg.documents: bars with their values, and area
polygons in SWEREF 99 TM shaded by a count.
"""

import io
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image, ImageDraw
from shapely.geometry import shape

from trygg.areas.geo import SWEREF99TM, WGS84, reproject

INK, BAR, GRID = (31, 35, 40), (43, 108, 176), (136, 136, 136)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def bar_chart_png(
    values: Sequence[float], labels: Sequence[str], *, width: int = 960, height: int = 360
) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    top, bottom, left = 30, 44, 12
    plot_h = height - top - bottom
    n = max(len(values), 1)
    step = (width - 2 * left) / n
    peak = max([float(v) for v in values] + [1.0])
    draw.line([(left, top + plot_h), (width - left, top + plot_h)], fill=GRID, width=2)
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_h * float(value) / peak
        x0 = left + i * step + step * 0.15
        draw.rectangle([x0, top + plot_h - h, x0 + step * 0.7, top + plot_h], fill=BAR)
        cx = left + i * step + step / 2
        text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
        draw.text((cx, top + plot_h - h - 4), text, fill=INK, anchor="md", font_size=16)
        draw.text((cx, height - 14), str(label)[:14], fill=INK, anchor="md", font_size=14)
    return _png(image)


def area_map_png(
    features: Sequence[Mapping[str, Any]],
    *,
    width: int = 960,
    height: int = 720,
    extent: tuple[float, ...] | None = None,
) -> bytes:
    """Areas (WGS84 GeoJSON features with a "fill" "#rrggbb" property) drawn north up."""
    geoms = [
        (reproject(shape(f["geometry"]), WGS84, SWEREF99TM), f.get("properties") or {})
        for f in features
        if f.get("geometry")
    ]
    image = Image.new("RGB", (width, height), (244, 246, 248))
    if not geoms:
        return _png(image)
    draw = ImageDraw.Draw(image)
    minx, miny, maxx, maxy = extent or (
        min(g.bounds[0] for g, _p in geoms),
        min(g.bounds[1] for g, _p in geoms),
        max(g.bounds[2] for g, _p in geoms),
        max(g.bounds[3] for g, _p in geoms),
    )
    margin = 12
    scale = min(
        (width - 2 * margin) / max(maxx - minx, 1), (height - 2 * margin) / max(maxy - miny, 1)
    )

    def xy(x: float, y: float) -> tuple[float, float]:
        return margin + (x - minx) * scale, margin + (maxy - y) * scale

    for geom, props in geoms:
        fill = str(props.get("fill") or "#ffffff")
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.geom_type != "Polygon":
                continue
            ring = [xy(x, y) for x, y in polygon.exterior.coords]
            draw.polygon(ring, fill=fill, outline=(68, 81, 94))
    for geom, props in geoms:
        if props.get("label") and not geom.is_empty:
            point = geom.representative_point()
            draw.text(
                xy(point.x, point.y),
                str(props["label"]),
                fill=INK,
                anchor="mm",
                font_size=20,
                stroke_width=3,
                stroke_fill="white",
            )
    return _png(image)
