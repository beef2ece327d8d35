"""Police event notices from the police's public events API, with the quirks of real files.

The quirks (see the shared data's SOURCES.md), each handled here:
- the hour in `datetime` is often not zero-padded: "2025-06-07 7:32:06 +02:00";
- from 2026 the location is a county ("Västmanlands län"): the kommun is the last
  comma-separated part of `name` ("06 juni 18.50, Trafikbrott, Kungsör");
- kommun names come in other cases ("Lilla edet");
- `type` can hold commas ("Trafikolycka, personskada") and trailing spaces;
- `url` is relative to polisen.se;
- "Sammanfattning natt" notices summarise many incidents (flagged, and left out of counts);
- GPS is the kommun's or county's centre, never the place of the incident.
"""

import html
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.imports.engine import Importer, Row, register
from trygg.imports.files import FileInfo, Record
from trygg.imports.kommuner import county_code, kommun_code

from .mapping import seed_mapping
from .models import PoliceEvent

POLICE_SITE = "https://polisen.se"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s*"
    r"(?:([+-])(\d{1,2}):?(\d{2})|Z)?$"
)
TITLE_TIME = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})\b")
MONTHS_OF_YEAR = (
    "januari februari mars april maj juni juli augusti september oktober november december"
)
MONTHS = {name: number for number, name in enumerate(MONTHS_OF_YEAR.split(), start=1)}
BLOCK_END = re.compile(r"</(p|div|li|h\d)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
REQUIRED = ("id", "datetime", "name", "type", "location.name")
PREVIEW_TEXT = 120


def published(text: str) -> datetime:
    """The API's `datetime`, also with an unpadded hour ("2025-06-07 7:32:06 +02:00")."""
    match = DATETIME.match(str(text).strip())
    if not match:
        raise ValueError(text)
    year, month, day_, hour, minute, second = (int(v) for v in match.groups()[:6])
    sign, off_h, off_m = match.groups()[6:]
    offset = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
    tz = timezone(-offset if sign == "-" else offset)
    return datetime(year, month, day_, hour, minute, second, tzinfo=tz)


def occurred(title: str, published_at: datetime) -> datetime | None:
    """The time at the start of the title ("22 augusti 17.59, …"), in the year it fits."""
    match = TITLE_TIME.match(title)
    if not match or match.group(2).casefold() not in MONTHS:
        return None
    day_, hour, minute = int(match.group(1)), int(match.group(3)), int(match.group(4))
    month = MONTHS[match.group(2).casefold()]
    local = published_at.astimezone(STOCKHOLM)
    year = local.year - 1 if (month, day_) > (local.month, local.day) else local.year
    try:
        return datetime(year, month, day_, hour, minute, tzinfo=STOCKHOLM)
    except ValueError:
        return None


def clean_type(text: str) -> str:
    """ "Lagen om hundar och katter " is "Lagen om hundar och katter"."""
    return " ".join(str(text).split())


def text_of(markup: Any) -> str:
    """Plain text from the notice's HTML, paragraphs kept as line breaks."""
    if not markup:
        return ""
    plain = html.unescape(TAG.sub("", BLOCK_END.sub("\n", str(markup))))
    lines = (" ".join(line.split()) for line in plain.splitlines())
    return "\n".join(line for line in lines if line)


def absolute_url(url: Any) -> str:
    """Links only to polisen.se: relative URLs are made absolute, other sites dropped."""
    text = str(url or "").strip()
    if text.startswith("/"):
        return POLICE_SITE + text
    return text if text.startswith(POLICE_SITE + "/") else ""


def centre(gps: Any) -> tuple[float | None, float | None]:
    try:
        lat, lon = (float(part) for part in str(gps).split(","))
    except ValueError:
        return None, None
    return lat, lon


def is_summary(event_type: str) -> bool:
    return event_type.casefold().startswith("sammanfattning")


def last_part(title: str) -> str:
    return title.rsplit(",", 1)[-1].strip() if "," in title else ""


def kommun_of(event: dict[str, Any], location: str) -> tuple[str | None, str]:
    """The event's kommun code and the name it was read from.

    The archive's own `municipality_code` first; then the location, when it is a kommun;
    else the last part of the title. A title that ends in a county (a county-wide summary)
    gives no kommun.
    """
    given = str(event.get("municipality_code") or "").strip()
    if given and (code := kommun_code(given)):
        return code, given
    if not county_code(location) and (code := kommun_code(location)):
        return code, location
    name = last_part(str(event.get("name", "")))
    return kommun_code(name) if name else None, name


@register
class PoliceEventImporter(Importer):
    source = "police-events"
    label = gettext_lazy("police event notices")
    model = PoliceEvent
    key_field = "event_id"
    kinds = ("json",)
    fields = (
        "published_at",
        "occurred_at",
        "iso_year",
        "iso_week",
        "name",
        "event_type",
        "summary",
        "preamble",
        "body",
        "url",
        "location_name",
        "county_level",
        "is_summary",
        "centre_lat",
        "centre_lon",
    )

    def __init__(self, info: FileInfo, run: Any):
        super().__init__(info, run)
        self.types: dict[int, set[str]] = {}

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        if reason := super().check(info):
            return reason
        missing = [c for c in REQUIRED if c not in info.columns]
        if missing:
            return _("the first element lacks %(fields)s") % {"fields": ", ".join(missing)}
        return None

    def preview_row(self, record: Record) -> list[str]:
        event = record.data if isinstance(record.data, dict) else {}
        values = []
        for column in self.info.columns:
            outer, _sep, inner = column.partition(".")
            value = event.get(outer, "")
            if inner and isinstance(value, dict):
                value = value.get(inner, "")
            text = str(value if value is not None else "")
            values.append(text if len(text) <= PREVIEW_TEXT else text[:PREVIEW_TEXT] + "…")
        return values

    def rows(self, record: Record) -> list[Row]:
        event = record.data
        if not isinstance(event, dict):
            self.run.problem(record.line, _("Not an event: an object with id, name, … expected."))
            return []
        try:
            event_id, values = self._values(event)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            self.run.problem(record.line, self._why(event, e))
            return []
        code, place = kommun_of(event, values["location_name"])
        if code is None:
            if place and not county_code(place):
                self.run.problem(
                    record.line,
                    _("Event %(id)s: “%(place)s” is not a Swedish kommun.")
                    % {"id": event_id, "place": place},
                )
            return []  # a county-wide notice: it belongs to no kommun
        municipality = self.run.targets.get(code)
        if municipality is None:
            return []
        self.types.setdefault(municipality.pk, set()).add(values["event_type"])
        # Third parties' text: personal data is masked in place, and counted, not refused.
        self.run.redact(record.line, values, ("name", "summary", "preamble", "body"), municipality)
        values["name"] = values["name"][:300]
        return [Row(municipality, event_id, values)]

    @staticmethod
    def _why(event: dict[str, Any], error: Exception) -> str:
        what = f"{error.args[0]}" if error.args else type(error).__name__
        return _("Event %(id)s cannot be read (%(what)s).") % {
            "id": event.get("id", "?"),
            "what": what,
        }

    def _values(self, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        event_id = int(event["id"])
        published_at = published(event["datetime"])
        title = " ".join(str(event["name"]).split())
        event_type = clean_type(event["type"])
        if not event_type:
            raise ValueError("type")
        location = " ".join(str(event["location"]["name"]).split())
        happened = occurred(title, published_at) or published_at
        local: date = happened.astimezone(STOCKHOLM).date()
        iso = local.isocalendar()
        lat, lon = centre(event["location"].get("gps"))
        values: dict[str, Any] = {
            "published_at": published_at,
            "occurred_at": happened,
            "iso_year": iso.year,
            "iso_week": iso.week,
            "name": title[:300],
            "event_type": event_type[:100],
            "summary": str(event.get("summary") or "").strip(),
            "url": absolute_url(event.get("url"))[:500],
            "location_name": location[:100],
            "county_level": bool(county_code(location)),
            "is_summary": is_summary(event_type),
            "centre_lat": lat,
            "centre_lon": lon,
        }
        # The archive has the notice's text; the live API does not: keep what is stored.
        if "html_preamble" in event:
            values["preamble"] = text_of(event["html_preamble"])
        if "html_body" in event:
            values["body"] = text_of(event["html_body"])
        return event_id, values

    def finish(self, batches: list[Any]) -> None:
        for batch in batches:
            seed_mapping(batch.municipality, self.types.get(batch.municipality_id, ()))
