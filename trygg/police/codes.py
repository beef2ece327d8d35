"""The police's crime codes (brottskoder) and their five-level category hierarchy.

`data/brottskod_niva_nyckel.csv` is the key the police and Region Dalarna use: for each crime
code, one row per level (1 = the broadest, e.g. "B1 Brott mot person, tillgrepps- och
skadegörelsebrott"; 2 = e.g. "Skadegörelsebrott"; 3 = e.g. "Skadegörelse genom klotter";
5 = the code's own text). See data/README.md for its origin.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

KEY_FILE = Path(__file__).parent / "data" / "brottskod_niva_nyckel.csv"
# Level-1 categories that are not crimes at all (wildlife accidents and the like).
NOT_CRIMES = frozenset({"Lokala trafikkoder"})
UNKNOWN = "?"

# How a crime category counts among the EST categories, by (level 2, level 3) and by level 2.
EST_BY_DETAIL = {
    ("Skadegörelsebrott", "Skadegörelse genom klotter"): "SKA.KLO",
    ("Skadegörelsebrott", "Skadegörelse genom brand"): "SKA.BRA",
    ("Våldsbrott", "Misshandel, ej grov"): "ORD.VAL",
    ("Våldsbrott", "Grov misshandel"): "ORD.VAL",
    ("Våldsbrott", "Mord och dråp"): "ORD.VAL",
    ("Våldsbrott", "Olaga hot"): "ORD.HOT",
    ("Våldsbrott", "Rån"): "ORD.RAN",
    ("Våldsbrott", "Hot eller våld mot tjänsteman"): "ORD.PER",
    ("Tillgreppsbrott (exkl i butik)", "Inbrott"): "ORD.INB",
    ("Övriga BrB-brott", "Brott mot allmän ordning m.m."): "ORD",
    ("Övriga brott mot person", "Ofredande"): "ORD",
    ("Övriga brott mot person", "Hemfridsbrott, olaga intrång"): "ORD",
    ("Övriga specialstraffrättsliga brott", "Brott mot knivlagen"): "ORD",
    ("Övriga specialstraffrättsliga brott", "Brott mot alkohollagen"): "ORD.BER",
}
EST_BY_CATEGORY = {"Skadegörelsebrott": "SKA.ANN", "Narkotikabrott": "ORD.NAR"}

# The groupings the crime page offers: (key, label).
GROUPINGS = (
    ("category", _("police crime category")),
    ("detail", _("police crime subcategory")),
    ("est", _("EST category")),
)


@dataclass(frozen=True)
class CrimeCode:
    code: str
    levels: tuple[str, ...]  # level 1 to 5
    question: str  # Brå's question area for local surveys ("Fråga 1 - Ordningsstörningar …")

    @property
    def name(self) -> str:
        return self.levels[-1]

    @property
    def is_crime(self) -> bool:
        return self.levels[0] not in NOT_CRIMES

    def group(self, grouping: str) -> str:
        """The code's category in one of GROUPINGS ("" when it has no EST category)."""
        if grouping == "detail":
            return self.levels[2]
        if grouping == "est":
            detail = EST_BY_DETAIL.get((self.levels[1], self.levels[2]))
            return detail or EST_BY_CATEGORY.get(self.levels[1], "")
        return self.levels[1]


def normal_code(value: str) -> str:
    """A crime code as the police write it: "821.0" and " 0821" are "821"."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.lstrip("0") or text


def build(rows: Iterable[tuple[str, int, str, str]]) -> dict[str, CrimeCode]:
    """Crime codes from (code, level, name, question area) rows, one per code and level."""
    levels: dict[str, dict[int, str]] = {}
    questions: dict[str, str] = {}
    for code, level, name, question in rows:
        levels.setdefault(code, {})[level] = name
        if question:
            questions[code] = question
    return {
        code: CrimeCode(
            code, tuple(by_level.get(n, "") for n in range(1, 6)), questions.get(code, "")
        )
        for code, by_level in levels.items()
    }


@lru_cache(maxsize=1)
def shipped() -> dict[str, CrimeCode]:
    """The key Trygg ships."""
    with KEY_FILE.open(encoding="utf-8", newline="") as f:
        rows = [
            (
                normal_code(row["Brottskod"]),
                int(float(row["Brott_niva"])),
                row["Brottskategorier_namn"].strip(),
                row["Frågeområde_namn"].strip(),
            )
            for row in csv.DictReader(f)
        ]
    return build(rows)


class CrimeKey:
    """The key a municipality uses: the shipped one, under the rows it imported itself."""

    def __init__(self, codes: dict[str, CrimeCode]):
        self.codes = codes

    @classmethod
    def of(cls, municipality: Any) -> "CrimeKey":
        from .models import CrimeCodeLevel

        rows = CrimeCodeLevel.objects.filter(municipality=municipality).values_list(
            "code", "level", "name", "question"
        )
        own = build(rows)
        return cls({**shipped(), **own} if own else shipped())

    def get(self, code: str) -> CrimeCode | None:
        return self.codes.get(code)

    def group_of(self, code: str, grouping: str) -> str:
        known = self.codes.get(code)
        if known is None:
            return "" if grouping == "est" else UNKNOWN
        return known.group(grouping)

    def is_crime(self, code: str) -> bool:
        known = self.codes.get(code)
        return known is None or known.is_crime
