"""Brå's statistics per kommun: reported crime, and the kommun indicators with NTU results.

Two layouts, told apart by their columns:
- wide, as Brå's own per-kommun downloads: a kommun (often a name without a code), a year,
  a crime category, the number and the number per 100 000 inhabitants. These files are
  semicolon-separated with a byte-order mark and write numbers the Swedish way ("1 234,5").
- long, as the kommun indicators: geography, unit, year, variable, value and source, where an
  NTU result's 95 % confidence interval comes as two more rows ("KI (95 %) undre/övre gräns").

A geography is a kommun (by code or name, resolved against the 290 kommuner), a county
("Dalarnas län") or the whole country ("Hela landet"). Kommun figures go to that kommun only;
county and national figures are stored as references with each target municipality in that
county (national: all of them).
"""

import hashlib
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.imports.engine import Importer, Row, register
from trygg.imports.files import FileInfo, Record
from trygg.imports.kommuner import Geography, geography
from trygg.imports.values import Columns, number, whole_number
from trygg.tenants.models import Municipality

from .models import BraStatistic

COLUMNS = {
    "geography": (
        "geografi",
        "kommun",
        "region",
        "kommunnamn",
        "kommun_namn",
        "område",
        "kommunkod",
        "kommun_kod",
    ),
    "year": ("år", "period", "year", "årtal"),
    "variable": (
        "variabel",
        "key",
        "brottskategori",
        "brottstyp",
        "brott",
        "kategori",
        "indikator",
        "brottsområde",
    ),
    "unit": ("enhet", "unit"),
    "value": ("värde", "value"),
    "count": ("count", "antal", "antal anmälda brott", "antal brott"),
    "per100k": (
        "per100k",
        "per 100 000 inv",
        "per 100 000 invånare",
        "antal per 100 000 invånare",
        "antal per 100 000 inv",
        "per 100000",
    ),
    "source": ("källa", "source"),
}
UNIT_COUNT = "Antal"
UNIT_PER_100K = "Antal per 100 000 inv"
WIDE_SOURCE = "Brå – anmälda brott per kommun"
TOTAL = "Totalt antal anmälda brott"
# The keys of the wide layout's English-keyed variant, and Brå's name for the total.
KEY_LABELS = {
    "total": TOTAL,
    "Samtliga brott": TOTAL,
    "burglary": "Inbrott",
    "drugs_weapons": "Narkotika- och vapenbrott",
    "person": "Brott mot person",
    "theft": "Stöld och tillgreppsbrott",
    "vandalism": "Skadegörelsebrott",
}


def measure_of(unit: str) -> str:
    """An NTU confidence bound ("KI (95 %) undre gräns"), or a value."""
    folded = unit.casefold()
    if folded.startswith(("ki ", "ki(", "konfidensintervall")):
        if "undre" in folded or "lower" in folded:
            return BraStatistic.Measure.CI_LOW
        if "övre" in folded or "upper" in folded:
            return BraStatistic.Measure.CI_HIGH
    return BraStatistic.Measure.VALUE


def statistic_key(place: Geography, year: int, source: str, variable: str, unit: str) -> str:
    text = "|".join((place.level, place.name, str(year), source, variable, unit))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@register
class BraImporter(Importer):
    source = "bra"
    label = gettext_lazy("Brå statistics")
    model = BraStatistic
    fields = (
        "geography",
        "geography_name",
        "year",
        "source",
        "variable",
        "unit",
        "measure",
        "value",
    )

    def __init__(self, info: FileInfo, run: Any):
        super().__init__(info, run)
        self.columns = Columns(info.columns, COLUMNS)
        self.long = "value" in self.columns

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        if reason := super().check(info):
            return reason
        columns = Columns(info.columns, COLUMNS)
        missing = columns.missing(("geography", "year"))
        if "value" not in columns and columns.missing(("count",)) and columns.missing(("per100k",)):
            missing.append("value")
        if "value" in columns and "variable" not in columns:
            missing.append("variable")
        if missing:
            names = ", ".join(COLUMNS[m][0] for m in missing)
            return _("missing the columns %(names)s") % {"names": names}
        return None

    def rows(self, record: Record) -> list[Row]:
        row, line = record.data, record.line
        name = self.columns.get(row, "geography")
        place = geography(name)
        if place is None:
            self.run.problem(
                line, _("“%(name)s” is neither a Swedish kommun nor a county.") % {"name": name}
            )
            return []
        targets = self._targets(place)
        if not targets:
            return []
        try:
            year = self._year(row)
            figures = self._figures(row, line)
        except ValueError as e:
            self.run.problem(line, str(e))
            return []
        return [
            Row(
                municipality,
                statistic_key(place, year, *figure[:3]),
                self._values(place, year, figure),
            )
            for municipality in targets
            for figure in figures
        ]

    def _targets(self, place: Geography) -> list[Municipality]:
        if place.level == "national":
            return self.run.targets.all_targets()
        if place.level == "county":
            return self.run.targets.in_county(place.code)
        municipality = self.run.targets.get(place.code)
        return [municipality] if municipality else []

    def _year(self, row: list[str]) -> int:
        text = self.columns.get(row, "year")
        try:
            year = whole_number(text[:4] if len(text) > 4 and text[:4].isdigit() else text)
        except ValueError:
            year = None
        if year is None or not 1900 <= year <= 2100:
            raise ValueError(_("%(value)r is not a year") % {"value": text})
        return year

    def _figures(self, row: list[str], line: int) -> list[tuple[str, str, str, float]]:
        """(source, variable, unit, value) for each figure of the row."""
        variable = self.columns.get(row, "variable") or TOTAL
        variable = KEY_LABELS.get(variable, variable)
        if self.long:
            source = self.columns.get(row, "source")
            pairs = [(self.columns.get(row, "unit"), "value")]
        else:
            source = WIDE_SOURCE
            pairs = [(UNIT_COUNT, "count"), (UNIT_PER_100K, "per100k")]
        figures = []
        for unit, field in pairs:
            if field not in self.columns:
                continue
            text = self.columns.get(row, field)
            try:
                value = number(text)
            except ValueError:
                raise ValueError(_("%(value)r is not a number") % {"value": text}) from None
            if value is None:
                self.run.warn_once(
                    "missing", line, lambda: _("Values marked as missing (“..”) are left out.")
                )
                continue
            figures.append((source[:100], variable[:300], unit[:300], value))
        return figures

    @staticmethod
    def _values(place: Geography, year: int, figure: tuple[str, str, str, float]) -> dict[str, Any]:
        source, variable, unit, value = figure
        return {
            "geography": place.level,
            "geography_name": place.name,
            "year": year,
            "source": source,
            "variable": variable,
            "unit": unit,
            "measure": measure_of(unit),
            "value": value,
        }
