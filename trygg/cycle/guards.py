"""Suggestions for the mobile guards' week, drawn from the latest picture of the events.

The areas with the most events in the four weeks before the planned week, each with the
three-hour window (local time) in which most of its events were observed.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from trygg.areas.models import Area
from trygg.reports.models import Event

LOOKBACK_DAYS = 28
WINDOW_HOURS = 3


@dataclass(frozen=True)
class Suggestion:
    area: Area
    events: int
    start: time
    end: time
    weekday: int  # 0 = Monday: the weekday with most events
    day: date  # that weekday in the planned week


def suggestions(municipality: Any, monday: date, top: int = 5) -> list[Suggestion]:
    first = monday - timedelta(days=LOOKBACK_DAYS)
    events = (
        Event.objects.counted()
        .filter(municipality=municipality, area__isnull=False)
        .filter(observed_from__date__gte=first, observed_from__date__lt=monday)
        .select_related("area")
    )
    per_area: dict[int, list[Any]] = {}
    areas: dict[int, Area] = {}
    for event in events:
        if event.area is None:
            continue
        per_area.setdefault(event.area.pk, []).append(timezone.localtime(event.observed_from))
        areas[event.area.pk] = event.area
    ranked = sorted(per_area.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    return [_suggest(areas[pk], times, monday) for pk, times in ranked]


def _suggest(area: Area, times: list[Any], monday: date) -> Suggestion:
    hours = Counter(t.hour for t in times)
    best = max(range(24), key=lambda h: (sum(hours[(h + i) % 24] for i in range(WINDOW_HOURS)), -h))
    weekday = Counter(t.weekday() for t in times).most_common(1)[0][0]
    end = time((best + WINDOW_HOURS) % 24)
    return Suggestion(area, len(times), time(best), end, weekday, monday + timedelta(days=weekday))
