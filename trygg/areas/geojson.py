"""Reading GeoJSON files for import. Every rejection says what is wrong and where."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .geo import in_sweden, reproject

POLYGONAL = ("Polygon", "MultiPolygon")
# A repair may change the area by at most this share; more means the intended shape is unclear.
REPAIR_TOLERANCE = 0.01
# Coordinates are stored on a 1e-7 degree grid (about 1 cm): the same shape read from another
# CRS is then stored identically, and re-importing it changes nothing.
GRID = 1e-7


class ImportRejected(Exception):
    """The file cannot be imported and nothing was written; the message names what and where."""


def check_crs(crs: str) -> CRS:
    try:
        return CRS.from_user_input(crs)
    except CRSError:
        raise ImportRejected(
            _("Unknown coordinate reference system %(crs)r; use e.g. EPSG:4326 or EPSG:3006.")
            % {"crs": crs}
        ) from None


class GeometryReader:
    """Reads feature geometries given in one CRS into checked WGS84 shapely geometries."""

    def __init__(self, crs: str):
        self.crs = check_crs(crs)
        self.reproject = self.crs.to_epsg() != 4326

    def read(self, raw: dict[str, Any], where: str, allowed: tuple[str, ...]) -> BaseGeometry:
        """The feature's geometry in WGS84, checked, and repaired if that is safe."""
        data = raw.get("geometry")
        if not data:
            raise ImportRejected(_("%(where)s has no geometry.") % {"where": where})
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in allowed:
            raise ImportRejected(
                _("%(where)s: %(type)s geometry is not accepted here, only %(allowed)s.")
                % {"where": where, "type": kind, "allowed": ", ".join(allowed)}
            )
        geom = _shape(data, where)
        _check_units(geom, where, self.crs)
        if self.reproject:
            geom = reproject(geom, self.crs.srs)
        _check_in_sweden(geom, where)
        return shapely.set_precision(_repaired(geom, where), GRID)


def load_features(source: Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection file."""
    name = Path(source).name
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise ImportRejected(
            _("Cannot read %(file)s: %(error)s") % {"file": source, "error": e}
        ) from None
    except UnicodeDecodeError:
        raise ImportRejected(_("%(file)s is not UTF-8 text.") % {"file": name}) from None
    except json.JSONDecodeError as e:
        raise ImportRejected(
            _("%(file)s is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
            % {"file": name, "error": e.msg, "line": e.lineno, "column": e.colno}
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRejected(_("%(file)s is not a GeoJSON FeatureCollection.") % {"file": name})
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportRejected(_("%(file)s contains no features.") % {"file": name})
    return features


def feature_properties(raw: Any, number: int) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise ImportRejected(_("Feature %(number)d is not a GeoJSON Feature.") % {"number": number})
    props = raw.get("properties") or {}
    if not isinstance(props, dict):
        raise ImportRejected(
            _("Feature %(number)d: its properties are not an object.") % {"number": number}
        )
    return props


def first_of(props: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The value of the first of `keys` (compared case-insensitively) that is set."""
    lowered = {str(k).lower(): v for k, v in props.items()}
    return next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)


def _shape(data: dict[str, Any], where: str) -> BaseGeometry:
    try:
        geom = shape(data)
        finite = bool(np.isfinite(shapely.get_coordinates(geom)).all())
    except (GEOSException, ValueError, TypeError, IndexError, KeyError, AttributeError):
        finite = False
    if not finite:
        raise ImportRejected(_("%(where)s: the coordinates are malformed.") % {"where": where})
    if geom.is_empty:
        raise ImportRejected(_("%(where)s has an empty geometry.") % {"where": where})
    return geom


def _check_units(geom: BaseGeometry, where: str, crs: CRS) -> None:
    minx, miny, maxx, maxy = geom.bounds
    degrees = minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90
    x, y = shapely.get_coordinates(geom)[0]
    values = {"where": where, "x": x, "y": y, "crs": crs.srs}
    if crs.is_geographic and not degrees:
        raise ImportRejected(
            _(
                "%(where)s: coordinates such as %(x).0f, %(y).0f look like projected "
                "coordinates (metres); pass --crs EPSG:3006 (SWEREF 99 TM) or the file's CRS."
            )
            % values
        )
    if crs.is_projected and degrees:
        raise ImportRejected(
            _(
                "%(where)s: coordinates such as %(x)s, %(y)s look like longitude and latitude "
                "in degrees, not %(crs)s; leave out --crs."
            )
            % values
        )


def _check_in_sweden(geom: BaseGeometry, where: str) -> None:
    outside = [(x, y) for x, y in shapely.get_coordinates(geom) if not in_sweden(y, x)]
    if not outside:
        return
    lon, lat = outside[0]
    message = _(
        "%(where)s: the point latitude %(lat).4f, longitude %(lon).4f is far outside Sweden."
    )
    if in_sweden(lon, lat):
        message += " " + _("Latitude and longitude look swapped.")
    raise ImportRejected(message % {"where": where, "lat": lat, "lon": lon})


def _repaired(geom: BaseGeometry, where: str) -> BaseGeometry:
    if geom.is_valid:
        return geom
    fixed = _polygonal_part(shapely.make_valid(geom))
    change = abs(fixed.area - geom.area) / max(fixed.area, geom.area, 1e-12)
    if fixed.is_empty or change > REPAIR_TOLERANCE:
        raise ImportRejected(
            _(
                "%(where)s has an invalid geometry (%(reason)s) that cannot be repaired "
                "without changing its shape; please fix it in the source."
            )
            % {"where": where, "reason": shapely.is_valid_reason(geom)}
        )
    return fixed


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def as_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """The geometry as a GeoJSON dict, exactly as it reads back from a JSONField."""
    result: dict[str, Any] = json.loads(shapely.to_geojson(geom))
    return result
