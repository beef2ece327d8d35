"""Counting events: per area or grid cell × day/week/month, and time profiles.

Every count is one `np.bincount` over a combined integer key (place × period), so the
work is a single pass over the events. Weeks are ISO weeks (Monday to Sunday, labelled
`2017-W05` by the year of their Thursday); times are wall-clock as read.

`cell_period_counts` is the fast path for millions of events: the key is built in
chunks that stay in the processor's cache, on two threads, and counted by one bincount.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from trygg.analysis.grid import Grid
from trygg.analysis.io import AnalysisError, Events

PERIODS = ("day", "week", "month")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SECONDS_PER_DAY = 86_400
CHUNK = 1 << 15


@dataclass(frozen=True)
class Periods:
    """Consecutive periods from `first` (a day, ISO-week or month number) on."""

    kind: str
    first: int
    count: int

    def labels(self) -> list[str]:
        """Readable labels: `2017-01-31`, `2017-W05` or `2017-01`."""
        return [period_label(self.kind, k) for k in range(self.first, self.first + self.count)]


def days_since_epoch(t: np.ndarray) -> np.ndarray:
    """Whole days since 1970-01-01 of datetime64 times."""
    return t.astype("datetime64[D]").astype(np.int64)


def period_key(t: np.ndarray, kind: str) -> np.ndarray:
    """Period number of each time: days, ISO weeks (Monday-based) or months since 1970.

    1970-01-01 was a Thursday, so (days + 3) // 7 counts Monday-to-Sunday weeks.
    """
    if kind == "day":
        return days_since_epoch(t)
    if kind == "week":
        return (days_since_epoch(t) + 3) // 7
    if kind == "month":
        return t.astype("datetime64[M]").astype(np.int64)
    raise AnalysisError(f"unknown period {kind!r} (day, week or month)")


def period_start(kind: str, key: int) -> np.datetime64:
    """The first day of period number `key`."""
    if kind == "day":
        return np.datetime64(key, "D")
    if kind == "week":
        return np.datetime64(7 * key - 3, "D")
    return np.datetime64(key, "M").astype("datetime64[D]")


def period_label(kind: str, key: int) -> str:
    """`2017-01-31` for a day, `2017-W05` for an ISO week, `2017-01` for a month."""
    if kind == "day":
        return str(np.datetime64(key, "D"))
    if kind == "month":
        return str(np.datetime64(key, "M"))
    thursday = period_start("week", key) + np.timedelta64(3, "D")
    year = thursday.astype("datetime64[Y]")
    week = (thursday - year.astype("datetime64[D]")).astype(int) // 7 + 1
    return f"{year}-W{week:02d}"


def periods_of(t: np.ndarray, kind: str) -> tuple[np.ndarray, Periods]:
    """Each event's period index (0-based) and the span of periods from first to last."""
    key = period_key(t, kind)
    first = int(key.min())
    return key - first, Periods(kind, first, int(key.max()) - first + 1)


def weekday_hour_profile(t: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """A 7 × 24 table of events by weekday (Monday first) and hour of day."""
    seconds = t.astype("datetime64[s]").astype(np.int64)
    days = np.floor_divide(seconds, SECONDS_PER_DAY)
    weekday = (days + 3) % 7
    hour = (seconds - days * SECONDS_PER_DAY) // 3600
    return np.bincount(weekday * 24 + hour, weights=weights, minlength=168).reshape(7, 24)


def month_profile(t: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Events per calendar month (January first), over all years: the seasonal profile."""
    month = t.astype("datetime64[M]").astype(np.int64) % 12
    return np.bincount(month, weights=weights, minlength=12)


def table_counts(
    place: np.ndarray, n_places: int, period: np.ndarray, n_periods: int, weights: np.ndarray | None
) -> np.ndarray:
    """A (places × periods) table of counts (or weight sums) by one bincount."""
    key = place.astype(np.int64) * n_periods + period
    flat = np.bincount(key, weights=weights, minlength=n_places * n_periods)
    return flat.reshape(n_places, n_periods)


def cell_period_counts(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    grid: Grid,
    kind: str = "week",
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, Periods]:
    """A (cells × periods) table of counts for many events: the fast path.

    The combined key period·cells + cell is computed in floating point, in place, chunk
    by chunk in buffers that stay in cache (two threads, each on half of the events:
    numpy releases the GIL), then counted by one bincount. Points outside the grid are
    clipped to its edge cells.
    """
    seconds = t.astype("datetime64[s]").view(np.int64)
    lo, hi = t[int(np.argmin(seconds))], t[int(np.argmax(seconds))]
    first, last = int(period_key(lo[None], kind)[0]), int(period_key(hi[None], kind)[0])
    periods = Periods(kind, first, last - first + 1)
    key = np.empty(len(x), dtype=np.int64)
    keys = _KeyMaker(x, y, t, seconds, grid, kind, first, key)
    half = len(x) // 2
    if len(x) > 8 * CHUNK:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(keys.fill, [slice(0, half), slice(half, len(x))]))
    else:
        keys.fill(slice(0, len(x)))
    flat = np.bincount(key, weights=weights, minlength=grid.size * periods.count)
    return flat.reshape(periods.count, grid.size).T, periods


@dataclass(frozen=True)
class _KeyMaker:
    """Writes period·cells + cell of events into `key` (exact in float64 for these sizes)."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    seconds: np.ndarray
    grid: Grid
    kind: str
    first: int
    key: np.ndarray

    def fill(self, part: slice) -> None:
        """Fill key[part], CHUNK events at a time, in two reused buffers."""
        a, b = np.empty(CHUNK), np.empty(CHUNK)
        lo, hi, _ = part.indices(len(self.key))
        for s in range(lo, hi, CHUNK):
            m = min(CHUNK, hi - s)
            self._chunk(slice(s, s + m), a[:m], b[:m])

    def _chunk(self, sl: slice, a: np.ndarray, b: np.ndarray) -> None:
        g = self.grid
        inv = 1.0 / g.cell
        np.multiply(self.y[sl], inv, out=a)
        a -= g.y0 * inv
        np.floor(a, out=a)
        np.clip(a, 0, g.ny - 1, out=a)
        a *= g.nx
        np.multiply(self.x[sl], inv, out=b)
        b -= g.x0 * inv
        np.floor(b, out=b)
        np.clip(b, 0, g.nx - 1, out=b)
        a += b
        if self.kind == "month":
            b[:] = period_key(self.t[sl], "month") - self.first
        else:
            length = SECONDS_PER_DAY * (7 if self.kind == "week" else 1)
            start = (period_start(self.kind, self.first) - np.datetime64(0, "D")).astype(np.int64)
            np.subtract(self.seconds[sl], start * SECONDS_PER_DAY, out=b, casting="unsafe")
            b *= 1.0 / length
            np.floor(b, out=b)
        b *= g.size
        a += b
        self.key[sl] = a


def category_codes(category: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values sorted, each event's index into them)."""
    values, codes = np.unique(category, return_inverse=True)
    return values, codes


def add_cli(subparsers: Any) -> None:
    """`trygg analyse aggregate [--by cell|category|all] [--period …] [--profile …]`."""
    parser = subparsers.add_parser(
        "aggregate",
        help="counts per cell or category × day/week/month, or time profiles",
        description="Counts of events per grid cell (--by cell --cell M) or per value of "
        "--category (e.g. an area code) × period; or a weekday × hour or month profile.",
    )
    parser.add_argument("--by", choices=["cell", "category", "all"], default="all")
    parser.add_argument("--cell", type=float, help="cell size in metres, with --by cell")
    parser.add_argument("--period", choices=[*PERIODS, "none"], default="week")
    parser.add_argument("--profile", choices=["weekday-hour", "month"], help="a time profile")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per non-empty place × period, or the profile."""
    if args.profile:
        return _profile(args.profile, events)
    places, n_places, label = _places(args, events)
    if args.period == "none":
        period, period_labels = np.zeros(len(events), dtype=np.int64), ["all"]
    else:
        period, periods = periods_of(events.require_time("aggregate --period"), args.period)
        period_labels = periods.labels()
    table = table_counts(places, n_places, period, len(period_labels), events.weight)
    place, k = np.nonzero(table)
    rows = [
        {**lab, "period": period_labels[j], "count": _count(c)}
        for lab, j, c in zip(label(place), k, table[place, k], strict=True)
    ]
    return {
        "method": "aggregate",
        "params": {"by": args.by, "cell": args.cell, "period": args.period},
        "summary": {"events": len(events), "places": n_places, "periods": len(period_labels)},
        "rows": rows,
    }


Labeller = Callable[[np.ndarray], list[dict[str, Any]]]


def _places(args: argparse.Namespace, events: Events) -> tuple[np.ndarray, int, Labeller]:
    """Each event's place index, the number of places, and a labeller of place indices."""
    if args.by == "all":
        return np.zeros(len(events), dtype=np.int64), 1, lambda p: [{"place": "all"} for _ in p]
    if args.by == "category":
        if events.category is None:
            raise AnalysisError("--by category needs --category COLUMN")
        values, codes = category_codes(events.category)
        return codes, len(values), lambda p: [{"category": str(values[i])} for i in p]
    if not args.cell:
        raise AnalysisError("--by cell needs --cell M (cell size in metres)")
    grid = Grid.covering(events.x, events.y, args.cell)

    def cell_labels(p: np.ndarray) -> list[dict[str, Any]]:
        cx, cy = grid.centres()
        x, y = events.to_input_crs(cx[p], cy[p])
        return [{"x": float(a), "y": float(b)} for a, b in zip(x, y, strict=True)]

    return grid.flat_index(events.x, events.y), grid.size, cell_labels


def _profile(kind: str, events: Events) -> dict[str, Any]:
    t = events.require_time(f"the {kind} profile")
    rows: list[dict[str, Any]]
    if kind == "month":
        counts = month_profile(t, events.weight)
        rows = [{"month": m + 1, "count": _count(c)} for m, c in enumerate(counts)]
    else:
        table = weekday_hour_profile(t, events.weight)
        rows = [
            {"weekday": WEEKDAYS[d], **{f"{h:02d}": _count(table[d, h]) for h in range(24)}}
            for d in range(7)
        ]
    return {
        "method": "aggregate",
        "params": {"profile": kind},
        "summary": {"events": len(events)},
        "rows": rows,
    }


def _count(v: float) -> int | float:
    """Counts as int, weight sums as float."""
    return int(v) if float(v).is_integer() else float(v)
