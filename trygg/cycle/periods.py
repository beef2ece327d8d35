"""Periods of the steering cycle: quarters ("2026-Q4") and tertials ("2026-T3"), ISO weeks."""

import re
from datetime import date, timedelta
from typing import Any

from .models import CycleSettings, PeriodKind

PERIOD_RE = re.compile(r"^(\d{4})-([QT])([1-4])$")
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


class PeriodError(ValueError):
    pass


def parse_period(label: str) -> tuple[date, date]:
    """First and last day of a quarter or tertial label."""
    m = PERIOD_RE.match(label.strip().upper())
    if not m:
        raise PeriodError(label)
    year, kind, n = int(m[1]), m[2], int(m[3])
    months = 3 if kind == "Q" else 4
    if kind == "T" and n > 3:
        raise PeriodError(label)
    first = date(year, (n - 1) * months + 1, 1)
    last_month = n * months
    nxt = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return first, nxt - timedelta(days=1)


def period_of(day: date, kind: str) -> str:
    if kind == PeriodKind.TERTIAL:
        return f"{day.year}-T{(day.month - 1) // 4 + 1}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_kind(municipality: Any) -> str:
    row = CycleSettings.objects.filter(municipality=municipality).first()
    return row.period_kind if row else PeriodKind.QUARTER


def current_period(municipality: Any, today: date) -> str:
    return period_of(today, period_kind(municipality))


def previous_period(label: str) -> str:
    first, _last = parse_period(label)
    return period_of(first - timedelta(days=1), "tertial" if "T" in label.upper() else "quarter")


def parse_week(label: str) -> date:
    """The Monday of an ISO week label."""
    m = WEEK_RE.match(label.strip().upper())
    if not m:
        raise PeriodError(label)
    try:
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise PeriodError(label) from None


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
