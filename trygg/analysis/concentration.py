"""Concentration of events in few places: top-x % shares and the Gini coefficient.

Places are grid cells (`--by cell --cell M`: every cell of the grid over the events'
extent, or only the cells with events) or the values of `--category` (e.g. an address
or area code). The share of events in the top x % of places takes the ⌈x/100 · N⌉
places with the most events (Weisburd 2015, the law of crime concentration). The Gini
coefficient of the counts, G = Σ_i (2i − N − 1) c_(i) / (N Σ c) with counts sorted
ascending, is multiplied by N/(N − 1) so that total concentration in one place gives 1
whatever the number of places (the small-sample correction; Bernasco & Steenbeek 2017
discuss its use for crime).
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

from trygg.analysis.grid import Grid
from trygg.analysis.io import AnalysisError, Events

DEFAULT_TOP = (1.0, 5.0, 10.0, 20.0, 50.0)


def top_share(counts: np.ndarray, percent: float) -> tuple[int, float]:
    """(number of places, share of all events) for the top `percent` % of places."""
    if not 0 < percent <= 100:
        raise AnalysisError(f"top percentages must be in (0, 100] (got {percent:g})")
    total = float(np.sum(counts))
    if total <= 0:
        raise AnalysisError("no events to measure concentration")
    k = max(1, math.ceil(percent / 100 * len(counts) - 1e-9))
    top = np.partition(counts, len(counts) - k)[len(counts) - k :]
    return k, float(top.sum()) / total


def gini(counts: np.ndarray, corrected: bool = True) -> float:
    """Gini coefficient of non-negative counts, with the N/(N − 1) correction."""
    c = np.sort(np.asarray(counts, dtype=np.float64))
    n = c.size
    if n < 2 or c.sum() <= 0:
        raise AnalysisError("the Gini coefficient needs at least two places and some events")
    rank = np.arange(1, n + 1)
    g = float(((2 * rank - n - 1) * c).sum() / (n * c.sum()))
    return g * n / (n - 1) if corrected else g


def place_counts(events: Events, by: str, cell: float | None, places: str) -> np.ndarray:
    """Events (or weight sums) per place: grid cell or category value."""
    if by == "category":
        if events.category is None:
            raise AnalysisError("--by category needs --category COLUMN")
        _, codes = np.unique(events.category, return_inverse=True)
        return np.bincount(codes, weights=events.weight).astype(np.float64)
    if not cell:
        raise AnalysisError("--by cell needs --cell M (cell size in metres)")
    counts = Grid.covering(events.x, events.y, cell).counts(events.x, events.y, events.weight)
    counts = counts.ravel()
    return counts[counts > 0] if places == "occupied" else counts


def add_cli(subparsers: Any) -> None:
    """`trygg analyse concentration --by cell --cell M [--top 5 10 …] [--places …]`."""
    parser = subparsers.add_parser(
        "concentration",
        help="share of events in the top x %% of places; Gini",
        description="How concentrated events are: the share in the top x % of places "
        "(grid cells or --category values) and the Gini coefficient (N/(N-1) corrected).",
    )
    parser.add_argument("--by", choices=["cell", "category"], default="cell")
    parser.add_argument("--cell", type=float, help="cell size in metres, with --by cell")
    parser.add_argument("--places", choices=["all", "occupied"], default="all")
    parser.add_argument("--top", type=float, nargs="+", default=list(DEFAULT_TOP))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per top percentage, and the Gini coefficient."""
    counts = place_counts(events, args.by, args.cell, args.places)
    rows = []
    for pct in args.top:
        k, share = top_share(counts, pct)
        rows.append({"top_pct": pct, "places": k, "events_share_pct": 100 * share})
    return {
        "method": "concentration",
        "params": {"by": args.by, "cell": args.cell, "places": args.places},
        "summary": {
            "events": len(events),
            "places": len(counts),
            "places_with_events": int(np.count_nonzero(counts)),
            "gini": gini(counts),
            "gini_uncorrected": gini(counts, corrected=False),
        },
        "rows": rows,
    }
