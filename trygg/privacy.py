"""Finding personal data in free text, so that reports hold places and situations, not persons.

`find_personal_data` returns what it found and where, `mask` replaces each finding with a
placeholder (both pure Python). Detectors, in order of precedence when matches overlap:

- e-mail addresses;
- personnummer and samordningsnummer (YYMMDD-NNNN or YYYYMMDDNNNN, separated by -, + or
  nothing), only with a real date (day + 60 for a samordningsnummer) and a valid Luhn digit;
- Swedish phone numbers: 0 or +46/0046, then 8–10 digits in all, spaces and dashes allowed;
- vehicle registration numbers: ABC 123 or ABC 12D in capitals (or abc123 written together),
  without the letters I, Q and V, which Swedish plates do not use.

Every channel through which free text enters uses it, by channel:

- **Forms and API writes from people** refuse the text with a message naming the field and
  what was found (`clean_free_text`), so that the writer rephrases. Forms get it
  declaratively from `NoPersonalDataForm` (every text field is checked unless the form
  names it in `personal_data_allowed`, with the reason); `cycle.forms.TenantForm` is one, so
  every form of the EST cycle, the citizens' promise and the lägesbild is. The services
  behind the public channels check again (tips and Open311: `tips.services.check_description`;
  walk findings from walk mode: `walks.services.check_text`; API reports:
  `api.endpoints._check_text`).
- **The report form and the API's reports** warn once and then save the text masked, unless
  the reporter confirms that it is not personal data (`reports.services._description`).
- **Imports of third parties' data** (police notices) are redacted in place (`redact`) and
  the import's summary counts the redactions.

Exempt, because personal data is expected there or the field is not free text (declared in
`EXEMPT` for forms that are not `NoPersonalDataForm`, or in a form's `personal_data_allowed`;
`tests/test_privacy_channels.py` fails for a text field in neither):

- user names and passwords (tenants.forms.MemberForm): accounts are personal by nature;
- names of organisations, categories, API tokens and Open311 partners, the adopting body of
  a lägesbild: staff set them, they name bodies, not residents;
- technical fields: client keys, digests of warnings, honeypots, GeoJSON routes, place ids;
- the report form's description: its own warn-then-mask flow (above).
"""

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "email": "[e-post]",
    "personnummer": "[personnummer]",
    "samordningsnummer": "[samordningsnummer]",
    "phone": "[telefonnummer]",
    "vehicle": "[registreringsnummer]",
}

KIND_LABELS = {
    "personnummer": _("personal identity number"),
    "samordningsnummer": _("coordination number"),
    "phone": _("phone number"),
    "email": _("e-mail address"),
    "vehicle": _("vehicle registration number"),
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


def redact(text: str) -> tuple[str, int]:
    """The masked text and the number of findings replaced: for third parties' data."""
    findings = find_personal_data(text)
    return (mask(text) if findings else text), len(findings)


def describe(findings: Iterable[Finding]) -> str:
    """What was found, e.g. "phone number, e-mail address", each kind once, in text order."""
    return ", ".join(dict.fromkeys(str(KIND_LABELS[f.kind]) for f in findings))


def personal_data_message(label: Any, findings: Iterable[Finding]) -> str:
    return str(
        _(
            "%(field)s: remove personal data (%(kinds)s). Describe the place and what happened, "
            "not who was involved."
        )
        % {"field": label, "kinds": describe(findings)}
    )


def clean_free_text(text: str, field: str | None = None, label: Any = None) -> str:
    """The text unchanged, or a ValidationError naming the field and what was found.

    With `field`, the error is attached to that field (a form's or a service's
    `{field: message}`); `label` is the name shown to people, default the field's name.
    A NUL character is refused too, as Django's form fields do: it is never text, and
    PostgreSQL cannot store it.
    """
    name = label or field or _("Text")
    if "\x00" in (text or ""):
        message = _("%(field)s: contains a NUL character.") % {"field": name}
        raise ValidationError({field: message} if field else message)
    findings = find_personal_data(text or "")
    if findings:
        message = personal_data_message(name, findings)
        raise ValidationError({field: message} if field else message)
    return text


def text_fields(form_class: type[forms.BaseForm]) -> list[str]:
    """The form's fields that take free text (UUIDs are keys, not text)."""
    return [
        name
        for name, field in getattr(form_class, "base_fields", {}).items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
    ]


class NoPersonalDataForm(forms.BaseForm):
    """A form mixin that refuses personal data in every text field but the allowed ones.

    Put it first among the bases. `personal_data_allowed` maps a field name to the reason it
    may hold personal data (or is checked otherwise); every other text field is checked.
    """

    personal_data_allowed: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in list(data):
            field, value = self.fields.get(name), data.get(name)
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field, forms.UUIDField)
                and name not in self.personal_data_allowed
                and isinstance(value, str)
            ):
                findings = find_personal_data(value)
                if findings:
                    self.add_error(name, personal_data_message(field.label or name, findings))
        return data


# Forms that are not NoPersonalDataForm, with the reason their text fields may hold personal
# data: staff set them, and they name accounts or bodies, not residents.
EXEMPT: dict[str, str] = {
    "trygg.tenants.forms.MemberForm": "user names and passwords of accounts",
    "trygg.tenants.forms.OrganisationForm": "names of the collaboration's organisations",
    "trygg.reports.review.NamesForm": "names of report categories, set by admins",
    "trygg.reports.review.CategoryForm": "names of report categories, set by admins",
    "trygg.reports.review.NewCategoryForm": "names and codes of categories, set by admins",
    "trygg.api.forms.TokenForm": "the name of an API token, set by admins",
    "trygg.api.forms.Open311KeyForm": "the name of an Open311 partner, set by admins",
    "trygg.lagesbild.forms.AdoptForm": "the body that adopted the lägesbild",
    "trygg.accounts.forms.LoginForm": "user names and passwords of accounts",
    "trygg.accounts.forms.CodeForm": "a one-time code, not free text",
}
