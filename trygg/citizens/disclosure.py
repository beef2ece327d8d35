"""The disclosure rule for every number Trygg shows the public, in one place.

1. A count under `THRESHOLD` (5), zero included, is never shown: it reads "färre än 5"
   ("<5" in files), so that nobody can tell whether one, two or no event happened.
2. No sums are published next to the cells they add up: no row or column totals, one area
   level only (a RegSO table never next to its DeSO cells), one period length per measure
   (EST reports per quarter, police-reported crime per year, so that no year is ever the sum
   of quarters shown before or after), and no period still in progress. A suppressed cell
   can therefore never be found by subtraction.
3. Counts are given per area (DeSO, RegSO, district) or per grid cell of at least
   `MIN_CELL_M` (250 m) a side, never as points.

The public statistics page, its CSV and GeoJSON, and every other public export use
`disclose`/`public_area_kinds`/`large_enough` from here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

THRESHOLD = 5
MIN_CELL_M = 250
MIN_AREA_KM2 = (MIN_CELL_M / 1000) ** 2
# Area kinds that may be published, coarsest first: the public tables use the first one a
# municipality has. Custom areas may be drawn around a single house and are never used.
PUBLIC_AREA_KINDS = ("regso", "district", "deso")
SUPPRESSED_FILE_VALUE = "<5"


@dataclass(frozen=True)
class Count:
    """A count as the public may see it: `value` is None when it is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return _("fewer than 5") if self.value is None else str(self.value)

    @property
    def file_value(self) -> str:
        """The value in a CSV or JSON file: the number, or "<5"."""
        return SUPPRESSED_FILE_VALUE if self.value is None else str(self.value)


def disclose(n: int) -> Count:
    return Count(None if n < THRESHOLD else n)


def large_enough(area_km2: float) -> bool:
    """An area (or grid cell) big enough to be published on its own."""
    return area_km2 >= MIN_AREA_KM2


def check_cell_size(side_m: float) -> None:
    """For grids: refuse cells smaller than 250 m."""
    if side_m < MIN_CELL_M:
        raise ValueError(f"public grid cells must be at least {MIN_CELL_M} m, not {side_m} m")


def public_kind(kinds: set[str]) -> str:
    """The one area kind a municipality's public tables use ("" when it has none)."""
    return next((k for k in PUBLIC_AREA_KINDS if k in kinds), "")
