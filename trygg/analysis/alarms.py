"""Early warning per area: Poisson EWMA and Poisson CUSUM charts of weekly counts.

Both charts watch for increases only. The in-control mean mu0 of each area is its mean
weekly count over a baseline window (the first ``baseline_weeks`` weeks), with 0.5 added to
the total so that an area without events in the baseline still has a usable mean.

EWMA (Borror CM, Champ CW, Rigdon SE, 1998, "Poisson EWMA control charts", Journal of
Quality Technology 30(4): 352–361): z_t = λ x_t + (1 − λ) z_{t−1} with z_0 = mu0, and the
upper limit from the exact variance of z_t under an in-control Poisson process,

    UCL_t = mu0 + L sqrt(mu0 λ / (2 − λ) · (1 − (1 − λ)^(2t))).

CUSUM (Lucas JM, 1985, "Counted data CUSUMs", Technometrics 27(2): 129–144):
S_t = max(0, S_{t−1} + x_t − k), an alarm when S_t ≥ h, after which S restarts at 0. The
reference value k = (mu1 − mu0) / (ln mu1 − ln mu0) is optimal for a shift from mu0 to
mu1 = shift × mu0; it is rounded to a grid of 1/g (g = ``resolution``) so that the chart is
an exact Markov chain on the multiples of 1/g (Brook D, Evans DA, 1972, Biometrika 59:
539–549). The decision interval h is the smallest multiple of 1/g whose in-control average
run length (ARL, weeks between false alarms) reaches the target ``arl0``.

Weeks are ISO weeks (Monday to Sunday); the last week of the data may be incomplete.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from trygg.analysis.io import AnalysisError, column_index, column_values, read_table

if TYPE_CHECKING:
    from trygg.analysis.io import Events

MONDAY_OFFSET = 3  # 1970-01-01 was a Thursday: day + 3 counts days from a Monday


@dataclass(frozen=True)
class Chart:
    """A chart over areas (rows) × monitored weeks (columns)."""

    statistic: NDArray[np.float64]
    limit: NDArray[np.float64]
    alarm: NDArray[np.bool_]
    mu0: NDArray[np.float64]
    params: dict[str, Any]


def weekly_counts(
    area: NDArray[Any], t: NDArray[np.datetime64]
) -> tuple[NDArray[Any], NDArray[np.datetime64], NDArray[np.int64]]:
    """Counts per area × ISO week: (area labels, week start dates, counts[area, week])."""
    labels, area_index = np.unique(np.asarray(area), return_inverse=True)
    day = np.asarray(t).astype("datetime64[D]").astype(np.int64)
    week = (day + MONDAY_OFFSET) // 7
    first = int(week.min())
    counts = np.zeros((len(labels), int(week.max()) - first + 1), dtype=np.int64)
    np.add.at(counts, (area_index.ravel(), week - first), 1)
    starts = (np.arange(first, first + counts.shape[1]) * 7 - MONDAY_OFFSET).astype("datetime64[D]")
    return labels, starts, counts


def baseline_mean(counts: NDArray[np.int64], baseline_weeks: int) -> NDArray[np.float64]:
    """In-control weekly mean per area: (events in the baseline + 0.5) / baseline weeks."""
    if not 1 <= baseline_weeks < counts.shape[1]:
        raise AnalysisError(
            f"the baseline ({baseline_weeks} weeks) must be shorter than the data "
            f"({counts.shape[1]} weeks)"
        )
    return (counts[:, :baseline_weeks].sum(axis=1) + 0.5) / baseline_weeks


def ewma_chart(
    counts: NDArray[np.int64], baseline_weeks: int, lam: float = 0.2, L: float = 3.0
) -> Chart:
    """Upper Poisson EWMA (Borror et al. 1998) of the weeks after the baseline."""
    if not 0 < lam <= 1:
        raise AnalysisError(f"the EWMA weight λ must be in (0, 1], got {lam}")
    mu0 = baseline_mean(counts, baseline_weeks)
    x = counts[:, baseline_weeks:].astype(np.float64)
    z = np.empty_like(x)
    prev = mu0.copy()
    for w in range(x.shape[1]):
        prev = lam * x[:, w] + (1 - lam) * prev
        z[:, w] = prev
    t = np.arange(1, x.shape[1] + 1)
    spread = np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
    limit = mu0[:, None] + L * np.sqrt(mu0)[:, None] * spread[None, :]
    params = {"lambda": lam, "L": L, "baseline_weeks": baseline_weeks}
    return Chart(z, limit, z > limit, mu0, params)


def cusum_chart(
    counts: NDArray[np.int64],
    baseline_weeks: int,
    shift: float = 2.0,
    arl0: float = 104.0,
    resolution: int = 20,
) -> Chart:
    """Upper Poisson CUSUM (Lucas 1985) with h set for the in-control ARL ``arl0`` (weeks)."""
    if shift <= 1:
        raise AnalysisError(f"the shift to detect must be above 1 (× mu0), got {shift}")
    mu0 = baseline_mean(counts, baseline_weeks)
    x = counts[:, baseline_weeks:]
    k = np.empty(len(mu0))
    h = np.empty(len(mu0))
    for a, m in enumerate(mu0):
        k[a], h[a] = cusum_design(round(float(m), 6), shift, arl0, resolution)
    s = np.zeros(x.shape)
    alarm = np.zeros(x.shape, dtype=bool)
    prev = np.zeros(len(mu0))
    for w in range(x.shape[1]):
        s[:, w] = np.maximum(0.0, prev + x[:, w] - k)
        alarm[:, w] = s[:, w] >= h - 1e-9
        prev = np.where(alarm[:, w], 0.0, s[:, w])
    limit = np.repeat(h[:, None], x.shape[1], axis=1)
    params = {"shift": shift, "arl0_weeks": arl0, "baseline_weeks": baseline_weeks, "k": k}
    return Chart(s, limit, alarm, mu0, params)


def reference_value(mu0: float, mu1: float, resolution: int) -> float:
    """Lucas' k = (mu1 − mu0) / ln(mu1 / mu0), rounded to a multiple of 1/resolution."""
    return max(1, round((mu1 - mu0) / math.log(mu1 / mu0) * resolution)) / resolution


@lru_cache(maxsize=4096)
def cusum_design(
    mu0: float, shift: float, arl0: float, resolution: int = 20
) -> tuple[float, float]:
    """(k, h) of the Poisson CUSUM for in-control mean ``mu0`` and target ARL ``arl0``.

    h is found by bisection on the multiples of 1/resolution: the ARL grows with h.
    """
    k = reference_value(mu0, shift * mu0, resolution)
    lo, hi = 1, resolution
    while cusum_arl(mu0, k, hi / resolution, resolution) < arl0:
        lo, hi = hi, hi * 2
        if hi > 10_000 * resolution:
            raise AnalysisError(f"no decision interval reaches an ARL of {arl0}")
    while lo < hi:
        mid = (lo + hi) // 2
        if cusum_arl(mu0, k, mid / resolution, resolution) >= arl0:
            hi = mid
        else:
            lo = mid + 1
    return k, hi / resolution


def cusum_arl(mu: float, k: float, h: float, resolution: int = 20) -> float:
    """Average run length from S_0 = 0 of the CUSUM max(0, S + X − k) ≥ h, X ~ Poisson(mu).

    Exact Markov chain (Brook & Evans 1972) on the states 0, 1/g, …, h − 1/g (g =
    ``resolution``; k and h must be multiples of 1/g): ARL = ((I − Q)^(−1) 1)[0].
    """
    g = resolution
    n_states, k_units = round(h * g), round(k * g)
    if n_states < 1:
        return 1.0
    s = np.arange(n_states)
    # From state s, X = x leads to max(0, s + g·x − k_units); x ≥ x_max always signals.
    x = np.arange((n_states + k_units) // g + 1)
    p = stats.poisson.pmf(x, mu)
    target = np.maximum(0, s[:, None] + g * x[None, :] - k_units)
    q = np.zeros((n_states, n_states))
    inside = target < n_states
    rows = np.broadcast_to(s[:, None], target.shape)[inside]
    np.add.at(q, (rows, target[inside]), np.broadcast_to(p, target.shape)[inside])
    arl = np.linalg.solve(np.eye(n_states) - q, np.ones(n_states))
    return float(arl[0])


def area_labels(args: argparse.Namespace, events: Events) -> tuple[NDArray[Any], str]:
    """Each event's area: a column of the input (--area-column) or a grid cell (--cell).

    Grid cells are named "x,y" by their centre in the input's coordinate system.
    """
    if getattr(args, "area_column", None):
        header, records, _ = read_table(args.input)
        values = np.array(column_values(records, column_index(header, args.area_column)))
        return values[events.rows - 2], f"column {args.area_column!r}"
    cell = float(args.cell)
    ix, iy = np.floor(events.x / cell), np.floor(events.y / cell)
    cells, index = np.unique(np.column_stack([ix, iy]), axis=0, return_inverse=True)
    cx, cy = events.to_input_crs((cells[:, 0] + 0.5) * cell, (cells[:, 1] + 0.5) * cell)
    digits = 6 if events.input_crs != events.crs else 0
    names = np.array([f"{a:.{digits}f},{b:.{digits}f}" for a, b in zip(cx, cy, strict=True)])
    described = f"{cell:g} m grid cells named by their centre (x,y in {events.input_crs})"
    return names[index.ravel()], described


def add_cli(subparsers: Any) -> None:
    """``trygg analyse alarms``: weekly Poisson EWMA and CUSUM per area."""
    p = subparsers.add_parser(
        "alarms",
        help="early warning: weekly Poisson EWMA and CUSUM per area",
        description="Alarms on weekly counts per area: an upper Poisson EWMA (Borror et al. "
        "1998) and an upper Poisson CUSUM (Lucas 1985), both with limits from the in-control "
        "mean over a baseline.",
    )
    add_area_options(p)
    p.add_argument("--baseline-weeks", type=int, default=52, help="in-control weeks (52)")
    p.add_argument("--lambda", dest="lam", type=float, default=0.2, help="EWMA weight (0.2)")
    p.add_argument("--L", type=float, default=3.0, help="EWMA limit width (3)")
    p.add_argument("--shift", type=float, default=2.0, help="CUSUM: mu1 / mu0 to detect (2)")
    p.add_argument("--arl0", type=float, default=104.0, help="CUSUM in-control ARL (104 weeks)")
    p.add_argument("--last-weeks", type=int, default=8, help="weeks to list (0: all)")
    p.set_defaults(run=run)


def add_area_options(p: argparse.ArgumentParser) -> None:
    """--area-column or --cell, shared with `priorities`."""
    p.add_argument("--area-column", help="column of the input holding each event's area")
    p.add_argument("--cell", type=float, default=1000.0, help="else grid cells (metres, 1000)")


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per area and monitored week, with both charts."""
    area, described = area_labels(args, events)
    labels, starts, counts = weekly_counts(area, events.require_time("alarms"))
    ewma = ewma_chart(counts, args.baseline_weeks, args.lam, args.L)
    cusum = cusum_chart(counts, args.baseline_weeks, args.shift, args.arl0)
    weeks = starts[args.baseline_weeks :]
    first = 0 if args.last_weeks <= 0 else max(0, len(weeks) - args.last_weeks)
    rows = [
        {
            "area": str(labels[a]),
            "week": str(weeks[w]),
            "count": int(counts[a, args.baseline_weeks + w]),
            "mu0": float(ewma.mu0[a]),
            "ewma": float(ewma.statistic[a, w]),
            "ewma_limit": float(ewma.limit[a, w]),
            "ewma_alarm": bool(ewma.alarm[a, w]),
            "cusum": float(cusum.statistic[a, w]),
            "cusum_limit": float(cusum.limit[a, w]),
            "cusum_k": float(cusum.params["k"][a]),
            "cusum_alarm": bool(cusum.alarm[a, w]),
        }
        for a in range(len(labels))
        for w in range(first, len(weeks))
    ]
    return {
        "method": "alarms",
        "params": {
            "areas": described,
            "baseline_weeks": args.baseline_weeks,
            "ewma": {"lambda": args.lam, "L": args.L},
            "cusum": {"shift": args.shift, "arl0_weeks": args.arl0, "signal": "S >= h, reset"},
            "weeks": "ISO weeks, Monday start; the last may be incomplete",
        },
        "summary": {
            "areas": len(labels),
            "monitored_weeks": len(weeks),
            "ewma_alarms": int(ewma.alarm.sum()),
            "cusum_alarms": int(cusum.alarm.sum()),
            "listed_weeks": len(weeks) - first,
        },
        "rows": rows,
    }
