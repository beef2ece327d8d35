"""Writes for areas and places. FIRST VERSION: to be hardened (validation, repair, CRS, parents)."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from shapely.geometry import mapping, shape

from .geo import SWEREF99TM, transformer
from .models import Area


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@transaction.atomic
def import_areas(
    source: Path, municipality: Any, *, kind: str, crs: str = "EPSG:4326", actor: Any = None
) -> ImportResult:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    result = ImportResult()
    to_m = transformer(crs, SWEREF99TM) if crs != SWEREF99TM else None
    for feature in data["features"]:
        props = feature.get("properties") or {}
        code = str(props.get("desokod") or props.get("regsokod") or props.get("code"))
        geom = shape(feature["geometry"])
        from shapely.ops import transform

        metric = transform(to_m.transform, geom) if to_m else geom
        minx, miny, maxx, maxy = geom.bounds
        _, created = Area.objects.update_or_create(
            municipality=municipality,
            kind=kind,
            code=code,
            defaults={
                "name": props.get("name") or props.get("regsonamn") or "",
                "population": props.get("population_2025") or props.get("population"),
                "geometry": mapping(geom),
                "properties": props,
                "area_km2": metric.area / 1e6,
                "min_lon": minx,
                "min_lat": miny,
                "max_lon": maxx,
                "max_lat": maxy,
            },
        )
        result.imported += created
        result.updated += not created
    return result
