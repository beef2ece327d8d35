"""Writes for areas and places: imports of GeoJSON files, checked as a whole.

An import runs in one transaction: a rejected file (`ImportRejected`) writes nothing.
Importing the same file again changes nothing; each import records one audit row.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from trygg.audit.services import record

from .geo import WGS84, area_km2
from .geojson import (
    POLYGONAL,
    GeometryReader,
    ImportRejected,
    as_geojson,
    feature_properties,
    first_of,
    load_features,
)
from .models import EARLIEST, Area, Place

Progress = Callable[[list[Any]], Iterable[Any]]
# (code or name, properties, WGS84 geometry, "Feature n (code)") -> imported/updated/unchanged
SaveFeature = Callable[[str, dict[str, Any], BaseGeometry, str], str]

CODE_KEYS: dict[str, tuple[str, ...]] = {
    Area.Kind.DESO: ("desokod", "code", "id"),
    Area.Kind.REGSO: ("regsokod", "code", "id"),
}
NAME_KEYS: dict[str, tuple[str, ...]] = {
    Area.Kind.DESO: ("name", "namn", "desonamn"),
    Area.Kind.REGSO: ("name", "namn", "regsonamn"),
}
GENERIC_CODE_KEYS = ("code", "id", "desokod", "regsokod")
GENERIC_NAME_KEYS = ("name", "namn")
POPULATION_KEYS = ("population_2025", "population", "befolkning")
PLACE_NAME_KEYS = ("name", "namn", "namn1")
MUNICIPALITY_KEYS = ("kommunkod", "kommun_kod")


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.as_dict().items())


@transaction.atomic
def import_areas(
    source: Path,
    municipality: Any,
    *,
    kind: str,
    crs: str = WGS84,
    valid_from: date | None = None,
    valid_to: date | None = None,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import DeSO, RegSO, district or custom areas; a DeSO's RegSO becomes its parent."""
    if kind not in Area.Kind.values:
        raise ImportRejected(_("Unknown kind of area %(kind)r.") % {"kind": kind})
    start = valid_from or EARLIEST
    if valid_to and valid_to < start:
        raise ImportRejected(_("--valid-to is before --valid-from."))

    def save(code: str, props: dict[str, Any], geom: BaseGeometry, where: str) -> str:
        key = {"municipality": municipality, "kind": kind, "code": code, "valid_from": start}
        values = _area_values(municipality, kind, props, geom, where, (start, valid_to))
        return _save(Area, key, values)

    result = _import(
        source, municipality, crs, progress, ident=_area_code(kind), allowed=POLYGONAL, save=save
    )
    linked = _link_deso_parents(municipality) if kind == Area.Kind.REGSO else 0
    record(
        actor,
        "import",
        municipality=municipality,
        object_type="areas.area",
        summary=f"{kind} areas from {Path(source).name}: {result}",
        file=Path(source).name,
        kind=kind,
        crs=crs,
        linked_children=linked,
        result=result.as_dict(),
    )
    return result


@transaction.atomic
def import_places(
    source: Path,
    municipality: Any,
    *,
    kind: str = Place.Kind.LOCALITY,
    crs: str = WGS84,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import named places: points, or polygons that keep their outline.

    A feature's own `kind` property (a Place kind) wins over `kind`.
    """
    if kind not in Place.Kind.values:
        raise ImportRejected(_("Unknown kind of place %(kind)r.") % {"kind": kind})

    def save(name: str, props: dict[str, Any], geom: BaseGeometry, where: str) -> str:
        key = {"municipality": municipality, "name": name}
        return _save(Place, key, _place_values(props, geom, kind))

    result = _import(
        source,
        municipality,
        crs,
        progress,
        ident=_place_name,
        allowed=("Point", *POLYGONAL),
        save=save,
    )
    record(
        actor,
        "import",
        municipality=municipality,
        object_type="areas.place",
        summary=f"places from {Path(source).name}: {result}",
        file=Path(source).name,
        crs=crs,
        result=result.as_dict(),
    )
    return result


def _import(
    source: Path,
    municipality: Any,
    crs: str,
    progress: Progress | None,
    *,
    ident: Callable[[dict[str, Any], dict[str, Any], int], str],
    allowed: tuple[str, ...],
    save: SaveFeature,
) -> ImportResult:
    """Check and save every feature of the municipality; skip those of other municipalities."""
    reader = GeometryReader(crs)
    features = load_features(source)
    result = ImportResult()
    seen: dict[str, int] = {}
    for number, raw in enumerate(progress(features) if progress else features, start=1):
        props = feature_properties(raw, number)
        if _belongs_elsewhere(props, municipality.code):
            result.skipped += 1
            continue
        key = ident(raw, props, number)
        where = _("Feature %(number)d (%(key)s)") % {"number": number, "key": key}
        _check_unique(seen, key, number, where)
        result.count(save(key, props, reader.read(raw, where, allowed), where))
    if result.skipped == len(features):
        raise ImportRejected(
            _("None of the %(count)d features belongs to kommun %(code)s (property kommunkod).")
            % {"count": len(features), "code": municipality.code}
        )
    return result


def _belongs_elsewhere(props: dict[str, Any], code: str) -> bool:
    value = first_of(props, MUNICIPALITY_KEYS)
    return value is not None and str(value).zfill(4) != code


def _check_unique(seen: dict[str, int], key: str, number: int, where: str) -> None:
    if key in seen:
        raise ImportRejected(
            _("%(where)s: the same code or name as feature %(other)d.")
            % {"where": where, "other": seen[key]}
        )
    seen[key] = number


def _area_code(kind: str) -> Callable[[dict[str, Any], dict[str, Any], int], str]:
    keys = CODE_KEYS.get(kind, GENERIC_CODE_KEYS)

    def ident(raw: dict[str, Any], props: dict[str, Any], number: int) -> str:
        code = first_of(props, keys) or raw.get("id")
        if code in (None, ""):
            raise ImportRejected(
                _("Feature %(number)d has no code (property %(keys)s).")
                % {"number": number, "keys": " or ".join(keys)}
            )
        return str(code).strip()

    return ident


def _place_name(raw: dict[str, Any], props: dict[str, Any], number: int) -> str:
    name = first_of(props, PLACE_NAME_KEYS)
    if name is None or not str(name).strip():
        raise ImportRejected(
            _("Feature %(number)d has no name (property %(keys)s).")
            % {"number": number, "keys": " or ".join(PLACE_NAME_KEYS)}
        )
    return str(name).strip()


def _area_values(
    municipality: Any,
    kind: str,
    props: dict[str, Any],
    geom: BaseGeometry,
    where: str,
    period: tuple[date, date | None],
) -> dict[str, Any]:
    minx, miny, maxx, maxy = geom.bounds
    label = geom.representative_point()
    parent_code = str(first_of(props, ("regsokod",)) or "") if kind == Area.Kind.DESO else ""
    return {
        "name": str(first_of(props, NAME_KEYS.get(kind, GENERIC_NAME_KEYS)) or ""),
        "population": _population(props, where),
        "parent_code": parent_code,
        "parent_id": _parent_id(municipality, parent_code, period),
        "valid_to": period[1],
        "geometry": as_geojson(geom),
        "properties": props,
        "area_km2": area_km2(geom),
        "min_lon": minx,
        "min_lat": miny,
        "max_lon": maxx,
        "max_lat": maxy,
        "label_lat": label.y,
        "label_lon": label.x,
    }


def _population(props: dict[str, Any], where: str) -> int | None:
    value = first_of(props, POPULATION_KEYS)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or number < 0 or not number.is_integer():
        raise ImportRejected(
            _("%(where)s: the population %(value)r is not a whole number.")
            % {"where": where, "value": value}
        )
    return int(number)


def _parent_id(municipality: Any, code: str, period: tuple[date, date | None]) -> int | None:
    if not code:
        return None
    parent = (
        Area.objects.filter(municipality=municipality, kind=Area.Kind.REGSO, code=code)
        .overlapping(*period)
        .order_by("-valid_from")
        .first()
    )
    return parent.pk if parent else None


def _link_deso_parents(municipality: Any) -> int:
    """Make each RegSO the parent of the DeSOs that name it, for DeSOs imported before it."""
    linked = 0
    for regso in Area.objects.filter(municipality=municipality, kind=Area.Kind.REGSO):
        desos = Area.objects.filter(
            municipality=municipality, kind=Area.Kind.DESO, parent_code=regso.code
        ).overlapping(regso.valid_from, regso.valid_to)
        linked += desos.exclude(parent=regso).update(parent=regso)
    return linked


def _place_values(props: dict[str, Any], geom: BaseGeometry, default_kind: str) -> dict[str, Any]:
    kind = str(first_of(props, ("kind",)) or "")
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    return {
        "kind": kind if kind in Place.Kind.values else default_kind,
        "lat": point.y,
        "lon": point.x,
        "geometry": None if geom.geom_type == "Point" else as_geojson(geom),
        "active": True,
    }


def _save(model: type[models.Model], key: dict[str, Any], values: dict[str, Any]) -> str:
    """Create, update or leave alone the row with `key`; says which."""
    row = model._default_manager.filter(**key).first()
    if row is None:
        model._default_manager.create(**key, **values)
        return "imported"
    if all(getattr(row, field) == value for field, value in values.items()):
        return "unchanged"
    for field, value in values.items():
        setattr(row, field, value)
    row.save()
    return "updated"
