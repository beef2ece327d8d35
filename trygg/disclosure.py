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

4. Where a total *is* published next to its cells (the lägesbild, a document the kommun
   adopts and publishes, gives police-reported crime per category with the kommun total),
   `protect` hides further cells ("complementary suppression") so that the total minus the
   shown cells never tells a hidden count, and hides the total when that is not enough.

The public statistics page, its CSV and GeoJSON, the API's statistics for roles without the
detail rights, the lägesbild and every other public export use this module.
"""

from collections.abc import Collection, Sequence
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


def withheld(n: int) -> int | None:
    """A count where zero may be shown (rows that exist only for counted events): None for
    1–4, else the count."""
    return None if 0 < n < THRESHOLD else n


@dataclass(frozen=True)
class Line:
    """Which cells of a line of counts (adding up to its total) are hidden, and why."""

    small: frozenset[int]  # counts 1–4 ("<5")
    complementary: frozenset[int]  # hidden so that the small ones cannot be worked out
    total_hidden: bool

    @property
    def hidden(self) -> frozenset[int]:
        return self.small | self.complementary


def _ranges(
    values: Sequence[int], small: Collection[int], hidden: Collection[int]
) -> dict[int, tuple[float, float]]:
    """What a reader knows of each hidden cell: 1–4 when marked "<5", at least 5 otherwise."""
    return {i: (1, THRESHOLD - 1) if i in small else (THRESHOLD, float("inf")) for i in hidden}


def narrowed(values: Sequence[int], small: Collection[int], hidden: Collection[int]) -> bool:
    """Whether the total minus the shown cells narrows a hidden cell: a "<5" cell no longer
    anywhere in 1–4, or any hidden cell down to a single value."""
    ranges = _ranges(values, small, hidden)
    rest = sum(values[i] for i in hidden)  # = the total minus the shown cells
    for j, (lo, hi) in ranges.items():
        others = [r for i, r in ranges.items() if i != j]
        low = max(lo, rest - sum(h for _l, h in others))
        high = min(hi, rest - sum(low_ for low_, _h in others))
        if j in small and (low > 1 or high < THRESHOLD - 1):
            return True
        if low >= high:
            return True
    return False


def protect(values: Sequence[int], total_shown: bool = True) -> Line:
    """Counts 1–4 are hidden; when the line's total is shown, the smallest other non-zero
    cells are hidden too until the total minus the shown cells narrows no hidden cell, and
    the total itself when even that is not enough. Zero stays zero."""
    small = frozenset(i for i, n in enumerate(values) if 0 < n < THRESHOLD)
    if not small or not total_shown:
        return Line(small, frozenset(), False)
    hidden = set(small)
    candidates = sorted(
        (i for i, n in enumerate(values) if n >= THRESHOLD), key=lambda i: (values[i], i)
    )
    while narrowed(values, small, hidden):
        if not candidates:
            return Line(small, frozenset(), True)
        hidden.add(candidates.pop(0))
    return Line(small, frozenset(hidden - small), False)


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
