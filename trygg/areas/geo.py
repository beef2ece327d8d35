"""Coordinates and point-in-area lookup, with shapely and pyproj (no GDAL)."""

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


@lru_cache(maxsize=16)
def transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_sweref(lon: float, lat: float) -> tuple[float, float]:
    x, y = transformer(WGS84, SWEREF99TM).transform(lon, lat)
    return float(x), float(y)


def to_wgs84(x: float, y: float, crs: str = SWEREF99TM) -> tuple[float, float]:
    lon, lat = transformer(crs, WGS84).transform(x, y)
    return float(lon), float(lat)


def reproject(geom: BaseGeometry, src: str, dst: str = WGS84) -> BaseGeometry:
    """The geometry with every coordinate transformed from `src` to `dst`."""
    t = transformer(src, dst)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def area_km2(geom: BaseGeometry) -> float:
    """The area of a WGS84 geometry, measured in SWEREF 99 TM."""
    return float(reproject(geom, WGS84, SWEREF99TM).area / 1e6)


def in_sweden(lat: float, lon: float) -> bool:
    """A loose box around Sweden: catches swapped or projected coordinates."""
    return 55.0 <= lat <= 69.5 and 10.5 <= lon <= 24.5


class AreaIndex:
    """Point-in-polygon lookup over one municipality's areas (an STRtree)."""

    def __init__(self, rows: Sequence[tuple[int, Any, date | None, date | None, float]]):
        self.ids = [r[0] for r in rows]
        self.geoms = [shape(r[1]) for r in rows]
        self.periods = [(r[2], r[3]) for r in rows]
        self.sizes = [r[4] for r in rows]
        for g in self.geoms:
            shapely.prepare(g)
        self.tree = shapely.STRtree(self.geoms)

    def locate(self, lon: float, lat: float, day: date) -> int | None:
        """The smallest area valid on `day` that contains the point, or None."""
        point = shapely.Point(lon, lat)
        best: tuple[float, int] | None = None
        for i in self.tree.query(point, predicate="intersects"):
            start, end = self.periods[i]
            if (start and day < start) or (end and day > end):
                continue
            if best is None or self.sizes[i] < best[0]:
                best = (self.sizes[i], self.ids[i])
        return best[1] if best else None


_cache: dict[int, tuple[Any, AreaIndex]] = {}


def area_index(municipality_id: int) -> AreaIndex:
    """The cached index for a municipality, rebuilt when any of its areas changed.

    Every call checks that the areas are unchanged (their count and latest change), since
    another server process may have changed them. That check runs on every report, so it is
    written in SQL: the ORM took 15 times longer to build the query than the database to
    answer it.
    """
    from django.db import connection

    from .models import Area

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(updated_at) FROM {Area._meta.db_table}"  # noqa: S608
            " WHERE municipality_id = %s",
            [municipality_id],
        )
        stamp = tuple(cursor.fetchone() or ())
    cached = _cache.get(municipality_id)
    if cached and cached[0] == stamp:
        return cached[1]
    qs = Area.objects.filter(municipality_id=municipality_id)
    rows = list(qs.values_list("id", "geometry", "valid_from", "valid_to", "area_km2"))
    index = AreaIndex(rows)
    _cache[municipality_id] = (stamp, index)
    return index
