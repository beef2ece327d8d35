"""Trends that hold on small counts: this period against the previous one and last year's.

Two counts a (this period, exposure e_a) and b (the baseline, exposure e_b) are compared
with the exact conditional test for two Poisson rates (Przyborowski & Wilenski 1940):
given a + b, a is binomial with π = e_a / (e_a + e_b) under no change (π = ½ for equal
exposure), tested two-sided with `scipy.stats.binomtest`. The rate ratio
(a/e_a)/(b/e_b) gets the exact interval obtained from the Clopper–Pearson interval
(π_L, π_U) of that binomial: RR = π/(1 − π) · e_b/e_a. A percentage change is only
reported together with that interval. The score 2(√a − √(b·e_a/e_b)) is the
variance-stabilised difference (each 2√X has variance ≈ 1), so under no change it is
roughly normal with variance 2.

Exposure is the length of the period in days, so a 31-day month is fairly compared with
a 28-day one.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from trygg.analysis.io import AnalysisError, Events

PERIODS = {"week": 0, "month": 1, "quarter": 3, "year": 12}  # months per period (0: weeks)


@dataclass(frozen=True)
class Comparison:
    """The comparison of a count with a baseline count, exposure-weighted."""

    count: int
    baseline_count: int
    exposure: float
    baseline_exposure: float
    p: float
    score: float
    rate_ratio: float | None
    rate_ratio_low: float | None
    rate_ratio_high: float | None
    change_pct: float | None
    change_pct_low: float | None
    change_pct_high: float | None


def compare_counts(
    a: int, b: int, exposure_a: float = 1.0, exposure_b: float = 1.0, confidence: float = 0.95
) -> Comparison:
    """Exact conditional (binomial) comparison of Poisson counts a and b; see module doc."""
    if a < 0 or b < 0 or exposure_a <= 0 or exposure_b <= 0:
        raise AnalysisError("counts must be non-negative and exposures positive")
    share = exposure_a / (exposure_a + exposure_b)
    scale = exposure_b / exposure_a
    score = 2 * (math.sqrt(a) - math.sqrt(b / scale))
    n = a + b
    if n == 0:
        return Comparison(a, b, exposure_a, exposure_b, 1.0, score, *([None] * 6))
    test = stats.binomtest(a, n, share, alternative="two-sided")
    ci = test.proportion_ci(confidence_level=confidence, method="exact")
    rr = _odds(a / n) * scale
    low, high = _odds(ci.low) * scale, _odds(ci.high) * scale
    return Comparison(
        a,
        b,
        exposure_a,
        exposure_b,
        float(test.pvalue),
        score,
        rr,
        low,
        high,
        _pct(rr),
        _pct(low),
        _pct(high),
    )


def _odds(pi: float) -> float:
    return math.inf if pi >= 1 else pi / (1 - pi)


def _pct(ratio: float) -> float | None:
    """Percentage change of a rate ratio (None when infinite: no baseline events)."""
    return None if math.isinf(ratio) else 100 * (ratio - 1)


@dataclass(frozen=True)
class Window:
    """A half-open window of days [start, end)."""

    start: np.datetime64
    end: np.datetime64

    @property
    def days(self) -> int:
        return int((self.end - self.start).astype(int))

    def label(self) -> str:
        last = self.end - np.timedelta64(1, "D")
        return f"{self.start}..{last}"


def windows(period: str, end: np.datetime64) -> dict[str, Window]:
    """The current period ending at `end` (exclusive), the previous one, and last year's.

    Weeks are shifted by 52 weeks for last year, so the weekdays line up.
    """
    end = end.astype("datetime64[D]")
    if period == "week":
        week = np.timedelta64(7, "D")
        current = Window(end - week, end)
        previous = Window(end - 2 * week, end - week)
        last_year = Window(end - 53 * week, end - 52 * week)
    else:
        months = PERIODS[period]
        m_end = end.astype("datetime64[M]")

        def span(first: int, last: int) -> Window:
            month = np.timedelta64(1, "M")
            return Window(_day(m_end - first * month), _day(m_end - last * month))

        current, previous = span(months, 0), span(2 * months, months)
        last_year = span(12 + months, 12)
    out = {"current": current, "previous": previous}
    if period != "year":
        out["last year"] = last_year
    return out


def _day(month: np.datetime64) -> np.datetime64:
    return month.astype("datetime64[D]")


def default_end(t: np.ndarray, period: str) -> np.datetime64:
    """The end of the last complete period: the period start on or before the day after
    the last event (a week starts on Monday)."""
    after = t.max().astype("datetime64[D]") + np.timedelta64(1, "D")
    if period == "week":
        days = int(after.astype(int))
        return np.datetime64(days - (days + 3) % 7, "D")
    months = max(PERIODS[period], 1)
    m = int(after.astype("datetime64[M]").astype(int))
    return _day(np.datetime64(m - m % months, "M"))


def count_in(t: np.ndarray, window: Window) -> int:
    """Number of events with window.start ≤ t < window.end."""
    day = t.astype("datetime64[D]")
    return int(np.count_nonzero((day >= window.start) & (day < window.end)))


def trends(
    t: np.ndarray,
    period: str,
    end: np.datetime64 | None = None,
    confidence: float = 0.95,
    data_start: np.datetime64 | None = None,
) -> list[dict[str, Any]]:
    """The current period compared with the previous one and the same period last year.

    A baseline window that starts before the data does (`data_start`, by default the
    first event) is not covered and is left out rather than compared with a false zero.
    """
    if len(t) == 0 and (end is None or data_start is None):
        raise AnalysisError("no events to compare")
    if period not in PERIODS:
        raise AnalysisError(f"unknown period {period!r} ({', '.join(PERIODS)})")
    end = default_end(t, period) if end is None else end
    wins = windows(period, end)
    current = wins.pop("current")
    first = (t.min() if data_start is None else data_start).astype("datetime64[D]")
    rows = []
    for name, base in wins.items():
        if base.start < first:
            continue
        cmp = compare_counts(
            count_in(t, current), count_in(t, base), current.days, base.days, confidence
        )
        rows.append(
            {"compared_with": name, "period": current.label(), "vs": base.label()} | asdict(cmp)
        )
    return rows


def add_cli(subparsers: Any) -> None:
    """`trygg analyse trends --time COL [--period week|month|quarter|year] [--end DATE]`."""
    parser = subparsers.add_parser(
        "trends",
        help="this period vs the previous one and last year, exact Poisson test",
        description="Counts of the last complete period (or the one ending at --end) "
        "against the previous period and the same period last year: exact conditional "
        "Poisson test, rate ratio and percentage change with exact confidence interval.",
    )
    parser.add_argument("--period", choices=list(PERIODS), default="month")
    parser.add_argument("--end", help="end of the period (exclusive), YYYY-MM-DD")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--by", choices=["all", "category"], default="all")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per group and baseline."""
    t = events.require_time("trends")
    end = _parse_end(args.end)
    if not 0 < args.confidence < 1:
        raise AnalysisError("--confidence must be between 0 and 1 (e.g. 0.95)")
    groups = [("all", np.ones(len(t), dtype=bool))]
    if args.by == "category":
        if events.category is None:
            raise AnalysisError("--by category needs --category COLUMN")
        groups += [(str(c), events.category == c) for c in np.unique(events.category)]
    end = default_end(t, args.period) if end is None else end
    rows = [
        {"group": name} | row
        for name, mask in groups
        for row in trends(t[mask], args.period, end, args.confidence, t.min())
    ]
    return {
        "method": "trends",
        "params": {
            "period": args.period,
            "end": str(end),
            "confidence": args.confidence,
            "test": "exact conditional Poisson (binomial), two-sided; Clopper-Pearson CI",
            "weights": "ignored: trends count events" if events.weight is not None else None,
        },
        "summary": {"events": len(events)},
        "rows": rows,
    }


def _parse_end(text: str | None) -> np.datetime64 | None:
    if text is None:
        return None
    try:
        return np.datetime64(text, "D")
    except ValueError:
        raise AnalysisError(f"--end {text!r} is not a date (YYYY-MM-DD)") from None
