"""The 290 kommuner and 21 län of Sweden, and matching a file's kommun to the installation.

Files name a kommun by code ("1981", "0380", 380) or by name ("Sala", "falun", "Lilla edet",
"Sala kommun"). Every importer resolves them here, against SCB's list of kommuner shipped in
`data/kommuner_population_2024.csv`, and then against the installation's municipalities: a row
of a kommun that is not one of the import's targets is skipped, never attached to another.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from trygg.tenants.models import Municipality

DATA = Path(__file__).parent / "data"

# SCB's län codes (the first two digits of a kommun code) and names.
COUNTIES: dict[str, str] = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}
NATIONAL_NAMES = frozenset({"hela landet", "riket", "sverige", "hela riket"})
# Official names that differ from the short names files use.
NAME_ALIASES = {"region gotland": "gotland", "falu": "falun"}
_SUFFIX = re.compile(r"\s+(kommun|stad)$")


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    population: int

    @property
    def county_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Geography:
    """What a file's geography column names: a kommun, a county or the whole country."""

    level: str  # "kommun", "county" or "national"
    code: str  # kommun code, county code, or "" for the country
    name: str


def normalise_name(name: str) -> str:
    key = " ".join(str(name).split()).casefold()
    key = _SUFFIX.sub("", key)
    return NAME_ALIASES.get(key, key)


def _name_keys(name: str) -> list[str]:
    """The keys to try for a name: "Säters kommun" is Säter, "Falu kommun" is Falun."""
    key = normalise_name(name)
    plain = " ".join(str(name).split()).casefold()
    if _SUFFIX.search(plain) and key.endswith("s"):
        return [key, key[:-1]]
    return [key]


@lru_cache(maxsize=1)
def kommuner() -> dict[str, Kommun]:
    """Kommun code -> Kommun, for all 290 kommuner."""
    with (DATA / "kommuner_population_2024.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        r["kommun_kod"]: Kommun(r["kommun_kod"], r["kommun_namn"], int(r["population"]))
        for r in rows
    }


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    names = {normalise_name(k.name): code for code, k in kommuner().items()}
    names.update({normalise_name(county): code for code, county in COUNTIES.items()})
    return names


@lru_cache(maxsize=4096)
def kommun_code(value: Any) -> str | None:
    """The kommun code a value names, by code or by name in any case; None if none does."""
    text = str(value).strip()
    if text.isdigit() and len(text) <= 4:
        code = text.zfill(4)
        return code if code in kommuner() else None
    for key in _name_keys(text):
        found = _by_name().get(key)
        if found and len(found) == 4:
            return found
    return None


@lru_cache(maxsize=1024)
def county_code(value: str) -> str | None:
    """The län code of a county name ("Dalarnas län", "dalarnas län"), or None."""
    code = _by_name().get(normalise_name(value))
    return code if code and len(code) == 2 else None


@lru_cache(maxsize=4096)
def geography(value: Any) -> Geography | None:
    """A kommun, a county, or the country, from a name or a code; None when unknown."""
    text = " ".join(str(value).split())
    if normalise_name(text) in NATIONAL_NAMES:
        return Geography("national", "", "Hela landet")
    if code := kommun_code(text):
        return Geography("kommun", code, kommuner()[code].name)
    if code := county_code(text):
        return Geography("county", code, COUNTIES[code])
    return None


class Targets:
    """The installation's municipalities an import may write to, by kommun code."""

    def __init__(self, municipalities: list[Municipality]):
        self.by_code = {m.code: m for m in municipalities}

    @classmethod
    def all(cls) -> "Targets":
        return cls(list(Municipality.objects.all()))

    def __bool__(self) -> bool:
        return bool(self.by_code)

    def get(self, code: str | None) -> Municipality | None:
        return self.by_code.get(code) if code else None

    def in_county(self, county: str) -> list[Municipality]:
        return [m for code, m in self.by_code.items() if code[:2] == county]

    def all_targets(self) -> list[Municipality]:
        return list(self.by_code.values())
