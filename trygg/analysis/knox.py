"""Near-repeat: the Knox test over spatial and temporal bands.

Knox EG (1964), "The detection of space-time interactions", Applied Statistics 13: 25–29;
laid out over distance × time bands as in Ratcliffe's Near Repeat Calculator (Ratcliffe JH,
2009, Near Repeat Calculator v1.3, Temple University; Johnson SD et al. 2007, "Space–time
patterns of risk: a cross national assessment of residential burglary victimization",
Journal of Quantitative Criminology 23: 201–219).

Every unordered pair of events is put in one cell of a table: its spatial band (Euclidean
distance, metres) × its temporal band (the number of whole days between the two dates).

Band convention: bands are closed on the right. With edges e1 < e2 < … the bands are
[0, e1], (e1, e2], (e2, e3], …, and a last band "more than" the last edge. For whole days
this is the Near Repeat Calculator's "0 to 7 days, 8 to 14 days, …": a pair 7 days apart is
in the first band, one 8 days apart in the second; a pair exactly 100 m apart is in
[0, 100], one 100.5 m apart in (100, 200]. Edges that start with 0 give a "same location"
(or "same day") band [0, 0].

The null hypothesis of no space-time interaction is simulated by permuting the dates among
the events (which keeps the spatial pattern and the time series): a cell's expected count is
its mean over the permutations, the Knox ratio is observed / expected, and its one-sided
p-value (more pairs than chance) is (1 + #{permutations ≥ observed}) / (R + 1). The classical
Knox expectation (row total × column total / all pairs) is given as well.

Speed: the pairs closer than the largest distance edge are found once with a k-d tree; each
permutation then only re-reads the pairs' dates (compiled, threads share the permutations).
The counts beyond the largest distance come from totals that no permutation changes: the
number of all pairs at each time lag, from the autocorrelation of the daily counts.
"""

from __future__ import annotations

import argparse
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.signal import fftconvolve
from scipy.spatial import cKDTree

from trygg.analysis.io import AnalysisError

if TYPE_CHECKING:
    from trygg.analysis.io import Events

CONVENTION = (
    "bands closed on the right: [0, e1], (e1, e2], …, then more than the last edge; "
    "time in whole days (Near Repeat Calculator: 0–7, 8–14, … days)"
)


@dataclass(frozen=True)
class KnoxResult:
    """Observed pairs per band, their Monte Carlo expectation, Knox ratio and p-value.

    Tables have one row per spatial band and one column per temporal band; the last row and
    column are "more than the last edge". ``simulated`` holds the table of every permutation.
    """

    space_labels: list[str]
    time_labels: list[str]
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    knox_expected: NDArray[np.float64]
    ratio: NDArray[np.float64]
    p: NDArray[np.float64]
    simulated: NDArray[np.int64]
    permutations: int
    n_events: int
    n_pairs: int


def whole_days(t: NDArray[Any]) -> NDArray[np.int64]:
    """Dates as day numbers: datetime64 cut to calendar days; numbers floored."""
    t = np.asarray(t)
    if np.issubdtype(t.dtype, np.datetime64):
        return t.astype("datetime64[D]").astype(np.int64)
    return np.floor(t.astype(np.float64)).astype(np.int64)


def band_labels(edges: NDArray[np.float64], unit: str) -> list[str]:
    """Labels of the bands of ``edges`` under the right-closed convention."""
    labels = [f"[0, {edges[0]:g}] {unit}"]
    labels += [f"({a:g}, {b:g}] {unit}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"> {edges[-1]:g} {unit}"]


def close_pairs(
    x: NDArray[np.float64], y: NDArray[np.float64], space_edges: NDArray[np.float64]
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int8]]:
    """The pairs (i < j) within the largest edge and their spatial band (k-d tree, once)."""
    xy = np.column_stack([x, y])
    pairs = cKDTree(xy).query_pairs(float(space_edges[-1]), output_type="ndarray")
    band = _space_bands(xy, pairs, space_edges)
    keep = band < len(space_edges)
    return pairs[keep, 0].astype(np.int32), pairs[keep, 1].astype(np.int32), band[keep]


@numba.njit(cache=True)
def _space_bands(
    xy: NDArray[np.float64], pairs: NDArray[np.int64], edges: NDArray[np.float64]
) -> NDArray[np.int8]:
    """Spatial band of every pair: the first edge ≥ its distance (len(edges): beyond)."""
    out = np.empty(len(pairs), dtype=np.int8)
    for p in range(len(pairs)):
        a, b = pairs[p, 0], pairs[p, 1]
        d = np.hypot(xy[a, 0] - xy[b, 0], xy[a, 1] - xy[b, 1])
        out[p] = np.searchsorted(edges, d, side="left")
    return out


def lag_band_lookup(time_edges: NDArray[np.float64]) -> NDArray[np.int64]:
    """Temporal band of every whole-day lag 0 … last edge + 1 (the last: beyond)."""
    lags = np.arange(int(np.floor(time_edges[-1])) + 2)
    return np.searchsorted(time_edges, lags, side="left").astype(np.int64)


def pairs_per_time_band(days: NDArray[np.int64], lookup: NDArray[np.int64]) -> NDArray[np.int64]:
    """Number of all pairs of events in each temporal band (invariant under permutation).

    The pairs g days apart are sum_d h[d] h[d + g] for g > 0 and sum_d h[d](h[d] − 1)/2 for
    g = 0, h being the daily counts: the autocorrelation of h, by FFT.
    """
    h = np.bincount(days - days.min()).astype(np.float64)
    auto = np.rint(fftconvolve(h, h[::-1], mode="full")[len(h) - 1 :]).astype(np.int64)
    auto[0] = int((h * (h - 1) / 2).sum())
    n_bands = int(lookup[-1]) + 1
    per_lag = np.zeros(n_bands, dtype=np.int64)
    within = auto[: len(lookup) - 1]
    np.add.at(per_lag, lookup[: len(within)], within)
    per_lag[-1] += auto[len(lookup) - 1 :].sum()
    return per_lag


@numba.njit(cache=True, nogil=True)
def _count(
    days: NDArray[np.int32],
    i: NDArray[np.int32],
    j: NDArray[np.int32],
    sband: NDArray[np.int8],
    lookup: NDArray[np.int64],
    table: NDArray[np.int64],
) -> None:
    """Add every close pair to ``table[spatial band, temporal band]``."""
    beyond = len(lookup) - 1
    for p in range(len(i)):
        lag = abs(days[i[p]] - days[j[p]])
        table[sband[p], lookup[min(lag, beyond)]] += 1


@numba.njit(cache=True, nogil=True)
def _permuted_tables(
    out: NDArray[np.int64],
    first: int,
    step: int,
    days: NDArray[np.int32],
    i: NDArray[np.int32],
    j: NDArray[np.int32],
    sband: NDArray[np.int8],
    lookup: NDArray[np.int64],
    seed: int,
) -> None:
    """Tables of permutations ``first, first + step, …``; permutation r is seeded seed + r."""
    for r in range(first, out.shape[0], step):
        np.random.seed(seed + r)
        _count(days[np.random.permutation(len(days))], i, j, sband, lookup, out[r])


def knox_test(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[Any],
    space_edges: list[float] | NDArray[np.float64],
    time_edges: list[float] | NDArray[np.float64],
    *,
    permutations: int = 99,
    seed: int = 1,
    threads: int | None = None,
) -> KnoxResult:
    """Knox table over distance (metres) × time (days) bands, see the module doc."""
    s_edges = _check_edges(space_edges, "space")
    t_edges = _check_edges(time_edges, "time")
    if permutations < 1:
        raise AnalysisError("the Knox test needs at least 1 permutation (99 or 999 usual)")
    days = whole_days(t)
    i, j, sband = close_pairs(np.asarray(x), np.asarray(y), s_edges)
    lookup = lag_band_lookup(t_edges)
    shape = (len(s_edges) + 1, len(t_edges) + 1)
    col_total = pairs_per_time_band(days, lookup)
    row_within = np.bincount(sband, minlength=len(s_edges))
    observed = np.zeros(shape, dtype=np.int64)
    days32 = (days - days.min()).astype(np.int32)  # small, for the cache
    _count(days32, i, j, sband, lookup, observed)
    _complete(observed, col_total)
    sims = _simulate(days32, i, j, sband, lookup, shape, permutations, seed, threads)
    for table in sims:
        _complete(table, col_total)
    n_pairs = len(days) * (len(days) - 1) // 2
    row_total = np.append(row_within, n_pairs - row_within.sum())
    expected = sims.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / expected
    return KnoxResult(
        space_labels=band_labels(s_edges, "m"),
        time_labels=band_labels(t_edges, "days"),
        observed=observed,
        expected=expected,
        knox_expected=np.outer(row_total, col_total) / n_pairs,
        ratio=ratio,
        p=(1 + (sims >= observed).sum(axis=0)) / (permutations + 1),
        simulated=sims,
        permutations=permutations,
        n_events=len(days),
        n_pairs=n_pairs,
    )


def _check_edges(edges: list[float] | NDArray[np.float64], what: str) -> NDArray[np.float64]:
    """Edges as a strictly increasing array of numbers ≥ 0."""
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or len(e) == 0 or e[0] < 0 or np.any(np.diff(e) <= 0):
        raise AnalysisError(f"{what} band edges must be increasing numbers ≥ 0, got {edges}")
    return e


def _complete(table: NDArray[np.int64], col_total: NDArray[np.int64]) -> None:
    """Fill the "beyond the largest distance" row from the fixed column totals."""
    table[-1] = col_total - table[:-1].sum(axis=0)


def _simulate(
    days: NDArray[np.int32],
    i: NDArray[np.int32],
    j: NDArray[np.int32],
    sband: NDArray[np.int8],
    lookup: NDArray[np.int64],
    shape: tuple[int, int],
    permutations: int,
    seed: int,
    threads: int | None,
) -> NDArray[np.int64]:
    """Tables of the close pairs under ``permutations`` permutations of the dates."""
    out = np.zeros((permutations, *shape), dtype=np.int64)
    n_threads = max(1, min(threads or os.cpu_count() or 1, permutations))
    with ThreadPoolExecutor(n_threads) as pool:
        jobs = [
            pool.submit(_permuted_tables, out, k, n_threads, days, i, j, sband, lookup, seed)
            for k in range(n_threads)
        ]
        for job in jobs:
            job.result()
    return out


def add_cli(subparsers: Any) -> None:
    """``trygg analyse knox``: near-repeat Knox test over distance × time bands."""
    p = subparsers.add_parser(
        "knox",
        help="near-repeat: Knox test over distance × time bands (Near Repeat Calculator)",
        description="Near-repeat patterns: pairs of events per distance band × time band, "
        "observed against date permutations. " + CONVENTION + ".",
    )
    p.add_argument("--distance-band", type=float, default=100.0, help="metres (default 100)")
    p.add_argument("--distance-bands", type=int, default=5, help="how many (default 5)")
    p.add_argument("--time-band", type=float, default=7.0, help="days (default 7)")
    p.add_argument("--time-bands", type=int, default=5, help="how many (default 5)")
    p.add_argument("--same-location", action="store_true", help="a band for distance 0")
    p.add_argument("--permutations", type=int, default=99, help="default 99")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per distance band × time band."""
    space = args.distance_band * np.arange(1, args.distance_bands + 1)
    if args.same_location:
        space = np.concatenate([[0.0], space])
    time = args.time_band * np.arange(1, args.time_bands + 1)
    res = knox_test(
        events.x,
        events.y,
        events.require_time("knox"),
        space,
        time,
        permutations=args.permutations,
        seed=args.seed,
    )
    rows = [
        {
            "distance": s_label,
            "time": t_label,
            "observed": int(res.observed[a, b]),
            "expected": float(res.expected[a, b]),
            "knox_expected": float(res.knox_expected[a, b]),
            "ratio": _num(res.ratio[a, b]),
            "p": float(res.p[a, b]),
        }
        for a, s_label in enumerate(res.space_labels)
        for b, t_label in enumerate(res.time_labels)
    ]
    return {
        "method": "knox",
        "params": {
            "space_edges_m": space.tolist(),
            "time_edges_days": time.tolist(),
            "permutations": args.permutations,
            "seed": args.seed,
            "convention": CONVENTION,
            "p": "one-sided (more pairs than chance), (1 + #perm ≥ obs) / (R + 1)",
        },
        "summary": {
            "events": res.n_events,
            "pairs": res.n_pairs,
            "significant_5pct": int((res.p <= 0.05).sum()),
        },
        "rows": rows,
    }


def _num(v: float) -> float | None:
    """A float for JSON; None where it is not finite (no pairs expected)."""
    return float(v) if np.isfinite(v) else None
