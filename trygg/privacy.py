"""Finding personal data in free text, so that reports hold places and situations, not persons.

Pure Python, no Django: `find_personal_data` returns what it found and where, `mask` replaces
each finding with a placeholder. Detectors, in order of precedence when matches overlap:

- e-mail addresses;
- personnummer and samordningsnummer (YYMMDD-NNNN or YYYYMMDDNNNN, separated by -, + or
  nothing), only with a real date (day + 60 for a samordningsnummer) and a valid Luhn digit;
- Swedish phone numbers: 0 or +46/0046, then 8–10 digits in all, spaces and dashes allowed;
- vehicle registration numbers: ABC 123 or ABC 12D in capitals (or abc123 written together),
  without the letters I, Q and V, which Swedish plates do not use.
"""

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass

PLACEHOLDERS = {
    "email": "[e-post]",
    "personnummer": "[personnummer]",
    "samordningsnummer": "[samordningsnummer]",
    "phone": "[telefonnummer]",
    "vehicle": "[registreringsnummer]",
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
IDENTITY = re.compile(
    r"(?<!\d)(?P<century>18|19|20)?(?P<date>\d{6})[-+]?(?P<serial>\d{3})(?P<check>\d)(?!\d)"
)
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)46[ -]?(?:\(0\)[ -]?)?|0)[1-9](?:[ -]?\d){6,8}(?!\d)")
PLATE_LETTER = "A-HJ-PR-UW-Z"
VEHICLE = re.compile(
    rf"\b(?:[{PLATE_LETTER}]{{3}} ?\d{{2}}[0-9{PLATE_LETTER}]"
    rf"|[{PLATE_LETTER.lower()}]{{3}}\d{{2}}[0-9{PLATE_LETTER.lower()}])\b"
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


def luhn_check_digit(digits: str) -> int:
    """The check digit the Swedish identity numbers append to their first nine digits."""
    total = 0
    for i, char in enumerate(digits):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _valid_date(century: str | None, yymmdd: str) -> bool:
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if not 1 <= month <= 12:
        return False
    years = [int(century + yymmdd[:2])] if century else [1900 + yy, 2000 + yy]
    return any(1 <= day <= calendar.monthrange(year, month)[1] for year in years)


def _identity_kind(match: re.Match[str]) -> str | None:
    """`personnummer`, `samordningsnummer`, or None when the date or check digit is wrong."""
    date, serial, check = match["date"], match["serial"], match["check"]
    if luhn_check_digit(date + serial) != int(check):
        return None
    if _valid_date(match["century"], date):
        return "personnummer"
    day = int(date[4:])
    if 61 <= day <= 91 and _valid_date(match["century"], f"{date[:4]}{day - 60:02d}"):
        return "samordningsnummer"
    return None


def _candidates(text: str) -> Iterator[Finding]:
    """Every match of every detector, in order of precedence."""
    for match in EMAIL.finditer(text):
        yield Finding("email", match.start(), match.end(), match.group())
    for match in IDENTITY.finditer(text):
        kind = _identity_kind(match)
        if kind:
            yield Finding(kind, match.start(), match.end(), match.group())
    for pattern, kind in ((PHONE, "phone"), (VEHICLE, "vehicle")):
        for match in pattern.finditer(text):
            yield Finding(kind, match.start(), match.end(), match.group())


def find_personal_data(text: str) -> list[Finding]:
    """Non-overlapping findings in text order; an earlier detector wins an overlap."""
    kept: list[Finding] = []
    for finding in _candidates(text):
        if not any(finding.start < k.end and k.start < finding.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def mask(text: str) -> str:
    """The text with each finding replaced by its placeholder, e.g. `[personnummer]`."""
    for finding in reversed(find_personal_data(text)):
        text = text[: finding.start] + PLACEHOLDERS[finding.kind] + text[finding.end :]
    return text
