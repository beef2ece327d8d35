"""A meeting series as iCalendar (RFC 5545), written by hand: one recurring VEVENT.

Times are local Swedish time with a VTIMEZONE for Europe/Stockholm, so that a 09:00 meeting
stays at 09:00 across daylight-saving changes. Cancelled meetings become EXDATEs. Lines end
in CRLF and are folded at 75 octets; text values are escaped (RFC 5545 §3.1, §3.3.11).
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from .models import Meeting, MeetingSeries, Recurrence

RRULES = {
    Recurrence.WEEKLY: "FREQ=WEEKLY",
    Recurrence.BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2",
    Recurrence.QUARTERLY: "FREQ=MONTHLY;INTERVAL=3",
    Recurrence.YEARLY: "FREQ=YEARLY",
}
TZID = "Europe/Stockholm"
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a character."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def local(day: object, time: object) -> str:
    return datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")  # type: ignore[arg-type]


def series_ics(series: MeetingSeries, host: str) -> str:
    start = datetime.combine(series.first_date, series.start_time)
    end = start + timedelta(minutes=series.duration_minutes)
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Trygg//EST cycle//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(series.name)}",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:series-{series.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={TZID}:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={TZID}:{end:%Y%m%dT%H%M%S}",
        f"RRULE:{RRULES[Recurrence(series.recurrence)]}",
        f"SUMMARY:{escape(series.name)}",
        f"DESCRIPTION:{escape(series.get_kind_display())}",
    ]
    if series.location:
        lines.append(f"LOCATION:{escape(series.location)}")
    cancelled = series.meetings.filter(status=Meeting.Status.CANCELLED).order_by("date")
    for meeting in cancelled:
        lines.append(f"EXDATE;TZID={TZID}:{local(meeting.date, series.start_time)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
