"""Synthetic events for the demo: seeded and realistic in when, where and what.

Seasons, school holidays, weekday and hour profiles, persistent hot spots at real places,
a cluster growing over the last weeks, safety walks, duplicates and a few events just
outside the municipality. Pure numpy and shapely: `loader` writes the drafts as models.
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from trygg.areas.geo import to_wgs84

from .scenario import DESCRIPTIONS, EVERYDAY, REPORTERS, SEASONAL, WALK_FINDINGS, Scenario, Spot

DAYS = 730
CLUSTER_DAYS = 25
# Factors for the number of events: per month (January first), per weekday (Monday first).
MONTH = (0.75, 0.7, 0.8, 0.9, 1.05, 1.25, 1.35, 1.3, 1.05, 0.95, 0.85, 0.8)
WEEKDAY = (0.85, 0.85, 0.9, 0.95, 1.3, 1.35, 0.9)
SCHOOL_HOLIDAY = 1.25
# Valborg, end of school, New Year's Eve.
SPECIAL_DAYS = {(4, 30): 2.5, (6, 12): 2.0, (12, 31): 2.0}
# Relative number of events per hour of the day: quiet mornings, busy evenings.
# fmt: off
HOURS = np.array([
    0.5, 0.35, 0.25, 0.15, 0.1, 0.1, 0.2, 0.3, 0.5, 0.5, 0.5, 0.6,  # 00–11
    0.7, 0.7, 0.8, 1.0, 1.2, 1.4, 1.8, 2.2, 2.4, 2.3, 1.8, 1.0,  # 12–23
])
# fmt: on
LATE_NIGHT = np.array([2.5] * 4 + [1.0] * 20)  # Saturday and Sunday after midnight
LATE_EVENING = np.array([1.0] * 20 + [1.4] * 4)  # Friday and Saturday evening
INSECURITY = {"SAM": (0.2, 0.5, 0.3), "ORD": (0.15, 0.5, 0.35), "SKA": (0.35, 0.45, 0.2)}
INSECURITY_OTHER = (0.5, 0.4, 0.1)
POLICE_CALLED = {"ORD": 0.35, "SAM": 0.12, "SKA": 0.08}
TIP_SHARE = 0.03  # everyday events that came in as citizen tips
VILLAGE_SHARE = 0.25  # everyday events in the smaller tätorter
DUPLICATE_SHARE = 0.015
JOIN_SHARE = 0.4  # an event soon after another by the same organisation joins its report


@dataclass
class Draft:
    """One synthetic event, before it becomes a Report and Event row."""

    start: datetime
    minutes: int
    lon: float
    lat: float
    code: str  # category code: "SKA.KLO", or "OVR" without a subcategory
    org: str | None  # organisation key; None for a citizen tip
    place: str | None = None
    walk: bool = False
    report: int = -1  # events with the same number belong to one report
    duplicate_of: int | None = None  # index of the event this one duplicates
    people: int | None = None
    youths: str = "okant"
    insecurity: int = 2
    police_called: bool = False
    crime_reported: bool = False
    description: str = ""
    delay_h: float = 1.0  # from the end of the event to its report
    review_h: float | None = None  # from the report to its review; None: left unreviewed


@dataclass(frozen=True)
class Geography:
    """The municipality's map in SWEREF 99 TM metres."""

    places: dict[str, tuple[float, float]]  # named place -> (x, y)
    towns: list[tuple[BaseGeometry, float]]  # the main town's DeSOs, weighted by population
    villages: list[tuple[str, float, float, float]]  # (name, x, y, population)
    boundary: BaseGeometry  # all areas together


def day_factor(day: date) -> float:
    factor = MONTH[day.month - 1] * WEEKDAY[day.weekday()]
    factor *= SPECIAL_DAYS.get((day.month, day.day), 1.0)
    return factor * (SCHOOL_HOLIDAY if school_holiday(day) else 1.0)


def school_holiday(day: date) -> bool:
    """Summer, Christmas, autumn break (week 44) and sports break (week 9, Västmanland)."""
    summer = date(day.year, 6, 13) <= day <= date(day.year, 8, 17)
    christmas = (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 7)
    return summer or christmas or day.isocalendar().week in (9, 44)


class Generator:
    def __init__(self, scenario: Scenario, geography: Geography, now: datetime):
        self.scenario = scenario
        self.geo = geography
        self.now = now
        self.today = now.date()
        self.rng = np.random.default_rng(scenario.seed)
        self.orgs = [o.key for o in scenario.organisations]
        for town, _ in geography.towns:
            shapely.prepare(town)
        shapely.prepare(geography.boundary)

    def drafts(self) -> list[Draft]:
        drafts = [*self.everyday(), *self.cluster(), *self.walks(), *self.outside()]
        drafts = [d for d in drafts if d.start + timedelta(minutes=d.minutes) <= self.now]
        drafts.sort(key=lambda d: d.start)
        drafts += self.duplicates(drafts)
        self.group_reports(drafts)
        return drafts

    def everyday(self) -> list[Draft]:
        days = [self.today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
        counts = self.rng.poisson([self.scenario.events_per_day * day_factor(d) for d in days])
        return [
            self.everyday_event(day) for day, n in zip(days, counts, strict=True) for _ in range(n)
        ]

    def everyday_event(self, day: date) -> Draft:
        spot = self.pick_spot()
        if spot:
            x, y = self.near(spot.place, spot.spread_m)
            code = self.category(spot.categories, day)
            return self.draft(day, x, y, code, self.reporter(code), spot.place)
        x, y, village = self.anywhere()
        code = self.category(EVERYDAY, day)
        tip = self.rng.random() < TIP_SHARE
        return self.draft(day, x, y, code, None if tip else self.reporter(code), village)

    def cluster(self) -> list[Draft]:
        """A problem growing day by day over the last weeks, in one place."""
        spot = self.scenario.cluster
        if not spot:
            return []
        drafts = []
        for k in range(CLUSTER_DAYS):
            day = self.today - timedelta(days=CLUSTER_DAYS - 1 - k)
            for _ in range(self.rng.poisson(0.2 + 3.5 * (k / (CLUSTER_DAYS - 1)) ** 2)):
                x, y = self.near(spot.place, spot.spread_m)
                code = self.category(spot.categories, day)
                drafts.append(self.draft(day, x, y, code, self.reporter(code), spot.place))
        return drafts

    def walks(self) -> list[Draft]:
        """Safety walks: one evening, several findings around a school, one report."""
        drafts = []
        for place, days_ago in self.scenario.walks:
            day = self.today - timedelta(days=days_ago)
            day -= timedelta(days=(day.weekday() - 1) % 7)  # the Tuesday before
            start = datetime.combine(day, time(18), tzinfo=self.now.tzinfo)
            for i in range(int(self.rng.integers(4, 7))):
                x, y = self.near(place, 120)
                code = self.category(WALK_FINDINGS, day)
                draft = self.draft(day, x, y, code, self.orgs[0], place)
                drafts.append(replace(draft, start=start + timedelta(minutes=15 * i), walk=True))
        return drafts

    def outside(self) -> list[Draft]:
        """Events just across the municipal border: in no area."""
        boundary = self.geo.boundary
        minx, miny, maxx, maxy = boundary.buffer(3000).bounds
        drafts: list[Draft] = []
        while len(drafts) < self.scenario.outside:
            x, y = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            point = shapely.Point(x, y)
            if boundary.contains(point) or boundary.distance(point) > 2000:
                continue
            day = self.today - timedelta(days=int(self.rng.integers(DAYS)))
            code = self.category(EVERYDAY, day)
            drafts.append(self.draft(day, x, y, code, self.reporter(code)))
        return drafts

    def duplicates(self, drafts: list[Draft]) -> list[Draft]:
        """The same event reported again by another organisation; merged by the coordinator."""
        copies = []
        old = self.now - timedelta(days=7)
        for i, draft in enumerate(drafts):
            if draft.walk or draft.org is None or draft.start > old:
                continue
            others = [k for k in self.reporter_mix(draft.code) if k != draft.org]
            if not others or self.rng.random() >= DUPLICATE_SHARE:
                continue
            copies.append(
                replace(
                    draft,
                    start=draft.start + timedelta(minutes=int(self.rng.integers(0, 40))),
                    lat=draft.lat + float(self.rng.normal(0, 0.0002)),
                    lon=draft.lon + float(self.rng.normal(0, 0.0004)),
                    org=str(self.rng.choice(others)),
                    duplicate_of=i,
                    review_h=float(self.rng.uniform(3, 48)),
                )
            )
        return copies

    def group_reports(self, drafts: list[Draft]) -> None:
        """Number the reports: a walk is one report; close events of one organisation may share."""
        numbers = itertools.count()
        walks: dict[str | None, int] = {}
        previous: dict[str, Draft] = {}
        for draft in sorted(drafts, key=lambda d: d.start):
            if draft.walk:
                if draft.place not in walks:
                    walks[draft.place] = next(numbers)
                draft.report = walks[draft.place]
                continue
            prev = previous.get(draft.org) if draft.org and draft.duplicate_of is None else None
            close = prev is not None and draft.start - prev.start < timedelta(hours=3)
            if prev and close and self.rng.random() < JOIN_SHARE:
                draft.report = prev.report
            else:
                draft.report = next(numbers)
            if draft.org and draft.duplicate_of is None:
                previous[draft.org] = draft

    def draft(
        self, day: date, x: float, y: float, code: str, org: str | None, place: str | None = None
    ) -> Draft:
        lon, lat = to_wgs84(x, y)
        minutes = 5 + int(self.rng.lognormal(3.4, 0.7))
        draft = Draft(self.start_time(day), minutes, lon, lat, code, org, place)
        self.add_details(draft)
        return draft

    def start_time(self, day: date) -> datetime:
        profile = HOURS * (LATE_NIGHT if day.weekday() in (5, 6) else 1.0)
        profile = profile * (LATE_EVENING if day.weekday() in (4, 5) else 1.0)
        hour = int(self.rng.choice(24, p=profile / profile.sum()))
        at = time(hour, int(self.rng.integers(60)))
        return datetime.combine(day, at, tzinfo=self.now.tzinfo)

    def add_details(self, draft: Draft) -> None:
        top = draft.code.split(".")[0]
        rng = self.rng
        if top == "SAM":
            draft.people = 3 + int(rng.poisson(5))
            draft.youths = str(rng.choice(["ja", "nej", "okant"], p=[0.7, 0.1, 0.2]))
        elif draft.code in ("ORD.VAL", "ORD.HOT", "ORD.BER"):
            draft.people = 1 + int(rng.poisson(1.5))
            draft.youths = str(rng.choice(["ja", "nej", "okant"], p=[0.3, 0.4, 0.3]))
        draft.insecurity = int(rng.choice([1, 2, 3], p=INSECURITY.get(top, INSECURITY_OTHER)))
        draft.police_called = bool(rng.random() < POLICE_CALLED.get(top, 0.02))
        draft.crime_reported = bool(
            (draft.police_called and rng.random() < 0.5) or (top == "SKA" and rng.random() < 0.15)
        )
        texts = DESCRIPTIONS.get(draft.code)
        draft.description = str(rng.choice(texts)) if texts and rng.random() < 0.8 else ""
        draft.delay_h = min(float(rng.exponential(10)), 72.0)
        draft.review_h = float(rng.uniform(3, 96)) if rng.random() < 0.92 else None

    def pick_spot(self) -> Spot | None:
        spots = self.scenario.spots
        if not spots or self.rng.random() >= self.scenario.spot_share:
            return None
        return spots[self.weighted_index([s.share for s in spots])]

    def near(self, place: str, spread_m: float) -> tuple[float, float]:
        return self.scatter(*self.geo.places[place], spread_m)

    def scatter(self, x: float, y: float, spread_m: float) -> tuple[float, float]:
        """A point around x, y, inside the municipality's areas (or x, y itself)."""
        for _ in range(100):
            px, py = x + self.rng.normal(0, spread_m), y + self.rng.normal(0, spread_m)
            if shapely.contains_xy(self.geo.boundary, px, py):
                return float(px), float(py)
        return x, y

    def anywhere(self) -> tuple[float, float, str | None]:
        """A point in the main town (by population), or near one of the smaller tätorter."""
        villages = self.geo.villages
        if villages and self.rng.random() < VILLAGE_SHARE:
            name, x, y, _ = villages[self.weighted_index([v[3] for v in villages])]
            return *self.scatter(x, y, 350), name
        town = self.geo.towns[self.weighted_index([t[1] for t in self.geo.towns])][0]
        minx, miny, maxx, maxy = town.bounds
        while True:
            x, y = float(self.rng.uniform(minx, maxx)), float(self.rng.uniform(miny, maxy))
            if shapely.contains_xy(town, x, y):
                return x, y, None

    def category(self, mix: Mapping[str, float], day: date) -> str:
        codes = list(mix)
        weights = [mix[c] * SEASONAL.get(c, (1.0,) * 12)[day.month - 1] for c in codes]
        return codes[self.weighted_index(weights)]

    def reporter_mix(self, code: str) -> dict[str, float]:
        mix = REPORTERS.get(code) or REPORTERS.get(code.split(".")[0], {})
        return {k: w for k, w in mix.items() if k in self.orgs}

    def reporter(self, code: str) -> str:
        mix = self.reporter_mix(code)
        if not mix:
            return self.orgs[0]
        keys = list(mix)
        return keys[self.weighted_index([mix[k] for k in keys])]

    def weighted_index(self, weights: Any) -> int:
        p = np.asarray(weights, dtype=float)
        return int(self.rng.choice(len(p), p=p / p.sum()))
