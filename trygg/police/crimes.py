"""Police-reported crime as the police deliver it to kommuner: per DeSO, or per point.

Per DeSO (`brott_per_deso_*.csv`): one row per DeSO, crime code, registration date and crime
period, with the number of crimes (`antal_brott`). Its natural key is exactly that: DeSO, crime
code, registration date, crime from, crime to. A re-import, or a later delivery that overlaps
an earlier one, finds the same keys and counts nothing twice (a changed count updates the row).

Per point: x, y in SWEREF 99 TM (or lat, lon in WGS84), a date and a crime code; the point
gives the area. Its natural key is the export's id column when it has one; otherwise the date,
crime code and point, and how many times that combination occurred earlier in the file.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.areas.geo import SWEREF99TM, AreaIndex, in_sweden, to_sweref, to_wgs84
from trygg.areas.models import Area
from trygg.imports.engine import Importer, Row, register
from trygg.imports.files import FileInfo, Record
from trygg.imports.kommuner import kommun_code
from trygg.imports.values import Columns, day, whole_number
from trygg.tenants.models import Municipality

from .codes import CrimeKey, normal_code
from .models import CrimeCodeLevel, PoliceCrime

DESO = re.compile(r"^\d{4}[A-C]\d{4}$")
CRIME_CODE = re.compile(r"^\d{1,5}$")
KEY_LENGTH = 64

DESO_COLUMNS = {
    "deso": ("desokod", "deso", "deso_kod", "desokod_2025"),
    "code": ("Brottskod", "brottskod", "crime_code"),
    "registered": ("Inskrivningsdatum", "inskrivningsdatum", "registreringsdatum"),
    "from": ("Brottsdatum från", "brottsdatum_fran", "brottsdatum fr o m"),
    "to": ("Brottsdatum till", "brottsdatum_till", "brottsdatum t o m"),
    "count": ("antal_brott", "antal brott", "antal"),
    "kommun": ("Kommunkod", "kommun_kod", "kommun"),
    "kommun_name": ("Kommunnamn", "kommun_namn"),
    "police_area": ("LPO/Sektion nivå 4 brottsplats", "lpo", "lokalpolisomrade"),
    "source_file": ("kallfil", "källfil"),
}
DESO_REQUIRED = ("deso", "code", "registered", "count")

POINT_COLUMNS = {
    "x": ("x", "x_koordinat", "xkoordinat", "sweref99tm_x", "easting", "e"),
    "y": ("y", "y_koordinat", "ykoordinat", "sweref99tm_y", "northing", "n"),
    "lat": ("lat", "latitude", "latitud"),
    "lon": ("lon", "lng", "longitude", "longitud"),
    "date": ("brottsdatum", "Brottsdatum från", "datum", "date", "Inskrivningsdatum"),
    "code": ("Brottskod", "brottskod", "crime_code"),
    "id": ("id", "händelsenummer", "ärendenummer", "diarienummer", "anmälan", "brott_id"),
    "count": ("antal_brott", "antal", "count"),
    "kommun": ("Kommunkod", "kommun_kod", "kommun"),
}


def _key(*parts: Any) -> str:
    text = "|".join("" if p is None else str(p) for p in parts)
    if len(text) <= KEY_LENGTH:
        return text
    return "h|" + hashlib.sha256(text.encode()).hexdigest()[: KEY_LENGTH - 2]


class _Areas:
    """A municipality's DeSO areas by code, each with its validity period."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        self.periods: dict[str, list[tuple[date, date | None, int]]] = {}
        self.codes: dict[int, str] = {}
        self._index: AreaIndex | None = None
        rows = Area.objects.filter(municipality=municipality, kind=Area.Kind.DESO).values_list(
            "code", "valid_from", "valid_to", "id"
        )
        for code, start, end, pk in rows:
            self.periods.setdefault(code, []).append((start, end, pk))
            self.codes[pk] = code

    def find(self, code: str, when: date) -> int | None:
        for start, end, pk in self.periods.get(code, ()):
            if start <= when and (end is None or when <= end):
                return pk
        return None

    def locate(self, lon: float, lat: float, when: date) -> int | None:
        """The DeSO valid on `when` that holds the point."""
        if self._index is None:
            rows = Area.objects.filter(
                municipality=self.municipality, kind=Area.Kind.DESO
            ).values_list("id", "geometry", "valid_from", "valid_to", "area_km2")
            self._index = AreaIndex(list(rows))
        return self._index.locate(lon, lat, when)


class _CrimeImporter(Importer):
    model = PoliceCrime
    fields = (
        "area_id",
        "deso_code",
        "crime_code",
        "registered",
        "crime_from",
        "crime_to",
        "count",
        "police_area",
        "source_file",
        "x",
        "y",
        "lat",
        "lon",
    )
    columns_wanted: Mapping[str, tuple[str, ...]] = {}
    required: tuple[str, ...] = ()

    def __init__(self, info: FileInfo, run: Any):
        super().__init__(info, run)
        self.columns = Columns(info.columns, self.columns_wanted)
        self.areas: dict[int, _Areas] = {}
        self.keys: dict[int, CrimeKey] = {}

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        if reason := super().check(info):
            return reason
        missing = Columns(info.columns, cls.columns_wanted).missing(cls.required)
        if missing:
            names = ", ".join(cls.columns_wanted[m][0] for m in missing)
            return _("missing the columns %(names)s") % {"names": names}
        return None

    def areas_of(self, municipality: Municipality) -> _Areas:
        areas = self.areas.get(municipality.id)
        if areas is None:
            areas = self.areas[municipality.id] = _Areas(municipality)
        return areas

    def crime(self, cells: dict[str, str]) -> str:
        code = normal_code(cells.get("code", ""))
        if not CRIME_CODE.match(code):
            raise ValueError(_("the crime code %(code)r is not a number") % {"code": code})
        return code

    def check_known(self, municipality: Municipality, code: str, line: int) -> None:
        """A warning, once per code, for a code the municipality's key lacks."""
        key = self.keys.get(municipality.id)
        if key is None:
            key = self.keys[municipality.id] = CrimeKey.of(municipality)
        if key.get(code) is None:
            self.run.warn_once(
                f"code:{municipality.id}:{code}",
                line,
                lambda: (
                    _(
                        "Crime code %(code)s is not in the police's key of crime codes: it is "
                        "counted as an unknown code."
                    )
                    % {"code": code}
                ),
                municipality,
            )

    def count(self, cells: dict[str, str]) -> int:
        if "count" not in cells:
            return 1
        value = whole_number(cells["count"])
        if value is None or value < 1:
            raise ValueError(_("the number of crimes must be a whole number of at least 1"))
        return value

    @staticmethod
    def date_of(cells: dict[str, str], field: str, *, required: bool = False) -> date | None:
        text = cells.get(field, "")
        try:
            value = day(text)
        except ValueError:
            raise ValueError(_("%(value)r is not a date") % {"value": text}) from None
        if required and value is None:
            raise ValueError(_("a date is missing"))
        return value


@register
class PoliceCrimeImporter(_CrimeImporter):
    """The per-DeSO delivery."""

    source = "police-crimes"
    label = gettext_lazy("police-reported crime per DeSO")
    columns_wanted = DESO_COLUMNS
    required = DESO_REQUIRED

    def rows(self, record: Record) -> list[Row]:
        cells, line = self.columns.cells(record.data), record.line
        deso = cells["deso"].upper()
        code = self._kommun(cells, deso)
        if code is None:
            self.run.problem(line, _("No kommun: neither a kommun code nor a DeSO code."))
            return []
        municipality = self.run.targets.get(code)
        if municipality is None:
            return []
        try:
            values = self._values(cells, deso, code)
        except ValueError as e:
            self.run.problem(line, str(e), municipality=municipality)
            return []
        values["area_id"] = self._area(municipality, deso, values["registered"], line)
        self.check_known(municipality, values["crime_code"], line)
        key = "|".join(
            (
                deso,
                values["crime_code"],
                values["registered"].isoformat(),
                values["crime_from"].isoformat() if values["crime_from"] else "",
                values["crime_to"].isoformat() if values["crime_to"] else "",
            )
        )
        return [Row(municipality, key, values)]

    @staticmethod
    def _kommun(cells: dict[str, str], deso: str) -> str | None:
        given = cells.get("kommun") or cells.get("kommun_name")
        if given:
            return kommun_code(given)
        return kommun_code(deso[:4]) if DESO.match(deso) else None

    def _values(self, cells: dict[str, str], deso: str, kommun: str) -> dict[str, Any]:
        if not DESO.match(deso):
            raise ValueError(_("%(deso)r is not a DeSO code") % {"deso": deso})
        if deso[:4] != kommun:
            raise ValueError(
                _("DeSO %(deso)s is not in kommun %(kommun)s: the row is left out.")
                % {"deso": deso, "kommun": kommun}
            )
        crime_from = self.date_of(cells, "from")
        crime_to = self.date_of(cells, "to")
        if crime_from and crime_to and crime_to < crime_from:
            raise ValueError(_("the crime period ends before it begins"))
        return {
            "deso_code": deso,
            "crime_code": self.crime(cells),
            "registered": self.date_of(cells, "registered", required=True),
            "crime_from": crime_from,
            "crime_to": crime_to,
            "count": self.count(cells),
            "police_area": cells.get("police_area", "")[:100],
            "source_file": cells.get("source_file", "")[:200],
            "x": None,
            "y": None,
            "lat": None,
            "lon": None,
        }

    def _area(self, municipality: Municipality, deso: str, when: date, line: int) -> int | None:
        area = self.areas_of(municipality).find(deso, when)
        if area is None:
            self.run.warn_once(
                f"deso:{municipality.id}:{deso}",
                line,
                lambda: (
                    _(
                        "DeSO %(deso)s is not among %(name)s's areas valid on %(day)s: its rows "
                        "are kept without an area."
                    )
                    % {"deso": deso, "name": municipality.name, "day": when.isoformat()}
                ),
                municipality,
            )
        return area


@register
class PoliceCrimePointImporter(_CrimeImporter):
    """Point-level exports: one crime per row at x, y (SWEREF 99 TM) or lat, lon."""

    source = "police-crime-points"
    label = gettext_lazy("police-reported crime at points")
    columns_wanted = POINT_COLUMNS
    required = ("date", "code")

    def __init__(self, info: FileInfo, run: Any):
        super().__init__(info, run)
        self.occurrences: Counter[str] = Counter()

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        if reason := super().check(info):
            return reason
        columns = Columns(info.columns, POINT_COLUMNS)
        if columns.missing(("x", "y")) and columns.missing(("lat", "lon")):
            return _("missing the coordinates: columns x and y, or lat and lon")
        return None

    def rows(self, record: Record) -> list[Row]:
        cells, line = self.columns.cells(record.data), record.line
        try:
            x, y, lat, lon = self._point(cells)
            values = self._values(cells)
        except ValueError as e:
            self.run.problem(line, str(e))
            return []
        found = self._place(cells, lon, lat, values["registered"], line)
        if found is None:
            return []
        municipality, area = found
        self.check_known(municipality, values["crime_code"], line)
        values.update(area_id=area, x=x, y=y, lat=lat, lon=lon)
        values["deso_code"] = self._deso(municipality, area)
        return [Row(municipality, self._natural_key(cells, values), values)]

    @staticmethod
    def _point(cells: dict[str, str]) -> tuple[float, float, float, float]:
        if "x" in cells and "y" in cells:
            x, y = (float(cells[f].replace(",", ".")) for f in ("x", "y"))
            if not (180_000 <= x <= 1_000_000 and 6_100_000 <= y <= 7_700_000):
                raise ValueError(
                    _("x=%(x)s, y=%(y)s is not a point in Sweden in SWEREF 99 TM (swapped?)")
                    % {"x": x, "y": y}
                )
            lon, lat = to_wgs84(x, y, SWEREF99TM)
            return x, y, lat, lon
        lat, lon = (float(cells[f].replace(",", ".")) for f in ("lat", "lon"))
        if not in_sweden(lat, lon):
            raise ValueError(
                _("lat=%(lat)s, lon=%(lon)s is not a point in Sweden (swapped?)")
                % {"lat": lat, "lon": lon}
            )
        x, y = to_sweref(lon, lat)
        return x, y, lat, lon

    def _values(self, cells: dict[str, str]) -> dict[str, Any]:
        when = self.date_of(cells, "date", required=True)
        return {
            "crime_code": self.crime(cells),
            "registered": when,
            "crime_from": when,
            "crime_to": when,
            "count": self.count(cells),
            "police_area": "",
            "source_file": "",
        }

    def _place(
        self, cells: dict[str, str], lon: float, lat: float, when: date, line: int
    ) -> tuple[Municipality, int | None] | None:
        """The municipality (by the kommun column, else by its areas) and the area."""
        if "kommun" in cells:
            municipality = self.run.targets.get(kommun_code(cells["kommun"]))
            if municipality is None:
                return None
            area = self.areas_of(municipality).locate(lon, lat, when)
            if area is None:
                self._outside(municipality, line)
            return municipality, area
        for municipality in self.run.targets.all_targets():
            area = self.areas_of(municipality).locate(lon, lat, when)
            if area is not None:
                return municipality, area
        self.run.warn_once(
            "outside",
            line,
            lambda: _(
                "The point is in none of the DeSO areas of the municipalities here, and the "
                "file has no kommun column: the row is skipped."
            ),
        )
        return None

    def _outside(self, municipality: Municipality, line: int) -> None:
        self.run.warn_once(
            f"outside:{municipality.id}",
            line,
            lambda: (
                _("The point is outside %(name)s's DeSO areas: the row is kept without an area.")
                % {"name": municipality.name}
            ),
            municipality,
        )

    def _deso(self, municipality: Municipality, area: int | None) -> str:
        return self.areas_of(municipality).codes.get(area, "") if area else ""

    def _natural_key(self, cells: dict[str, str], values: dict[str, Any]) -> str:
        if given := cells.get("id"):
            return _key("p", given)
        point = (values["registered"], values["crime_code"], round(values["x"]), round(values["y"]))
        self.occurrences[str(point)] += 1
        return _key("p", *point, self.occurrences[str(point)])


KEY_COLUMNS = {
    "code": ("Brottskod", "brottskod"),
    "level": ("Brott_niva", "brottsniva", "niva"),
    "name": ("Brottskategorier_namn", "brottskategori", "kategori"),
    "question": ("Frågeområde_namn", "frageomrade"),
}


@register
class CrimeCodeKeyImporter(Importer):
    """A newer key of crime codes (brottskod_niva_nyckel.csv) for the target municipalities."""

    source = "police-crime-codes"
    label = gettext_lazy("key of crime codes")
    model = CrimeCodeLevel
    fields = ("code", "level", "name", "question")

    def __init__(self, info: FileInfo, run: Any):
        super().__init__(info, run)
        self.columns = Columns(info.columns, KEY_COLUMNS)

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        if reason := super().check(info):
            return reason
        missing = Columns(info.columns, KEY_COLUMNS).missing(("code", "level", "name"))
        if missing:
            names = ", ".join(KEY_COLUMNS[m][0] for m in missing)
            return _("missing the columns %(names)s") % {"names": names}
        return None

    def rows(self, record: Record) -> list[Row]:
        row, line = record.data, record.line
        code = normal_code(self.columns.get(row, "code"))
        try:
            level = whole_number(self.columns.get(row, "level"))
        except ValueError:
            level = None
        name = self.columns.get(row, "name")
        if not CRIME_CODE.match(code) or level not in range(1, 6) or not name:
            self.run.problem(line, _("Not a crime code, a level from 1 to 5 and a category."))
            return []
        values = {
            "code": code,
            "level": level,
            "name": name[:300],
            "question": self.columns.get(row, "question")[:200],
        }
        return [Row(m, f"{code}|{level}", values) for m in self.run.targets.all_targets()]
