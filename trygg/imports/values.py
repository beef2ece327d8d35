"""Parsing the values of import files: Swedish numbers, dates, and column names."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

# Brå and SCB mark missing values with these.
MISSING = frozenset({"", "..", "…", "-", "–", "—", ".", "x", "X"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def number(text: str) -> float | None:
    """A number written the Swedish way ("1 234,5", "−3,2") or the English way ("1234.5").

    None for the marks of a missing value; ValueError for anything else that is not a number.
    """
    value = _SPACES.sub("", str(text)).replace("\u2212", "-")
    if value in MISSING:
        return None
    if "," in value:
        value = (
            value.replace(".", "").replace(",", ".") if "." in value else value.replace(",", ".")
        )
    result = float(value)
    if result != result or result in (float("inf"), float("-inf")):
        raise ValueError(text)
    return result


def whole_number(text: str) -> int | None:
    """A whole number ("1 234", "821.0"); ValueError when it has a fraction."""
    if text.isdigit():
        return int(text)
    value = number(text)
    if value is None:
        return None
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def day(text: str) -> date | None:
    """A date as "2022-07-19", "2022-07-19 00:00:00" or "20220719"; None when missing."""
    value = str(text).strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        if value in MISSING:
            return None
    if match := _COMPACT_DATE.match(value):
        return date(*(int(part) for part in match.groups()))
    return date.fromisoformat(value[:10])


def column_key(name: str) -> str:
    """A column name reduced for matching: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(name).casefold())
    return "".join(c for c in decomposed if c.isalnum())


class Columns:
    """Finds the columns an importer needs in a header, each by one of several names."""

    def __init__(self, header: list[str], wanted: Mapping[str, Iterable[str]]):
        keys = {column_key(name): index for index, name in enumerate(header)}
        self.index: dict[str, int] = {}
        for field, aliases in wanted.items():
            for alias in aliases:
                if (found := keys.get(column_key(alias))) is not None:
                    self.index[field] = found
                    break

    def __contains__(self, field: str) -> bool:
        return field in self.index

    def missing(self, fields: Iterable[str]) -> list[str]:
        return [f for f in fields if f not in self.index]

    def cells(self, row: list[str]) -> dict[str, str]:
        """The row's values by field name, stripped; a field the file lacks is absent."""
        return {field: row[index].strip() for field, index in self.index.items()}

    def get(self, row: list[str], field: str, default: str = "") -> str:
        index = self.index.get(field)
        return row[index].strip() if index is not None else default
