"""ISO weeks as the picture names them: "2026-W47", Monday 00:00 to Monday 00:00 local time."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> "Week":
        """The week named by `text`; ValueError for anything that is not an ISO week."""
        match = WEEK_RE.match(text.strip())
        if not match:
            raise ValueError(text)
        year, week = int(match[1]), int(match[2])
        date.fromisocalendar(year, week, 1)  # raises ValueError for week 53 of a 52-week year
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> "Week":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def current(cls) -> "Week":
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def start(self) -> datetime:
        """Monday 00:00, local time (aware)."""
        return timezone.make_aware(datetime.combine(self.monday, time.min))

    def end(self) -> datetime:
        """The next Monday 00:00 (exclusive)."""
        return self.shifted(1).start()

    def shifted(self, weeks: int) -> "Week":
        return Week.of(self.monday + timedelta(weeks=weeks))

    def same_week_last_year(self) -> "Week":
        week = min(self.week, date(self.year - 1, 12, 28).isocalendar().week)
        return Week(self.year - 1, week)
