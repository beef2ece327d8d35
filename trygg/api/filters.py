"""Query filters and pagination shared by the list endpoints and the exports."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import PaginationBase

# Dates outside these years are refused: they mean nothing here and overflow time zones.
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


class Period(Schema):
    start: date | None = Field(None, description="First day (inclusive), local time.")
    end: date | None = Field(None, description="Last day (inclusive), local time.")


class EventFilter(Period):
    area: str | None = Field(None, description="Area code, e.g. a DeSO code.", max_length=40)
    category: str | None = Field(None, description="Category or subcategory code.", max_length=20)
    source: Literal["rapport", "tips", "vandring"] | None = None


def day_start(day: date) -> datetime:
    day = min(max(day, EARLIEST), LATEST)
    return timezone.make_aware(datetime.combine(day, time.min))


def in_period(qs: QuerySet[Any], field: str, period: Period) -> QuerySet[Any]:
    if period.start:
        qs = qs.filter(**{f"{field}__gte": day_start(period.start)})
    if period.end:
        qs = qs.filter(**{f"{field}__lt": day_start(period.end) + timedelta(days=1)})
    return qs


def filter_events(events: QuerySet[Any], f: EventFilter) -> QuerySet[Any]:
    events = in_period(events, "observed_from", f)
    if f.area:
        events = events.filter(area__code=f.area)
    if f.category:
        events = events.filter(Q(category__code=f.category) | Q(subcategory__code=f.category))
    if f.source:
        events = events.filter(report__source=f.source)
    return events


class Rows:
    """A query whose objects become answer rows only for the page that is shown."""

    def __init__(self, queryset: QuerySet[Any], row: Callable[[Any], dict[str, Any]]):
        self.queryset = queryset
        self.row = row

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.row(obj) for obj in self.queryset[page]]


class Page(PaginationBase):
    """`limit` and `offset`; the answer says how many there are in all."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        start, stop = pagination.offset, pagination.offset + pagination.limit
        return {
            "items": queryset[start:stop],
            "count": queryset.count(),
            "limit": pagination.limit,
            "offset": pagination.offset,
        }
