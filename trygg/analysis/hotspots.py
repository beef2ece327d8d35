"""Hot spots on a regular grid: Getis-Ord Gi* and local Moran's I.

Events are counted in square cells over the extent of the data (`grid.Grid`); every cell
of the bounding grid takes part, empty ones with count 0. The neighbours of a cell are
the cells whose centres lie within `radius` metres of its centre (binary distance-band
weights, as `libpysal.weights.DistanceBand(binary=True)`). On a regular grid the sum
over such a neighbourhood is a 2-D convolution with a disc; we compute it exactly with
one running sum per disc row, O(cells × rows of the disc), so 250 000 cells take
milliseconds.

- Gi* (Getis & Ord 1992; Ord & Getis 1995) includes the cell itself with weight 1; the
  statistic, its moments and z equal `esda.G_Local(y, w, transform="B", star=True)`.
- Local Moran's I (Anselin 1995) excludes the cell itself and row-standardises the
  weights, as `esda.Moran_Local(y, w)` does by default (`transformation="r"`); the
  moments are those of the total randomisation null (Sokal, Oden & Thomson 1998, as
  esda's `EI`, `VI`).

p-values are two-sided: from the normal approximation of z, or from conditional
permutations (Anselin 1995: each cell's value held fixed, its neighbours drawn at
random from all other cells). Multiple testing is controlled with the false-discovery
rate of Benjamini & Hochberg (1995). Each cell is classed hot/cold (Gi*) or by its
Moran quadrant, at 99, 95 or 90 % confidence.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from trygg.analysis.grid import Grid
from trygg.analysis.io import AnalysisError, Events

CONFIDENCE = ((0.01, 99), (0.05, 95), (0.10, 90))
QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}


@dataclass(frozen=True)
class LocalStatistic:
    """A local statistic per cell (flat arrays in grid order) with its null moments."""

    value: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    z: np.ndarray
    cardinality: np.ndarray
    quadrant: np.ndarray | None = None


def disc_rows(radius_cells: float) -> list[tuple[int, int]]:
    """(row offset, half width) of every row of the disc of cells within the radius.

    A cell at offset (dx, dy) is a neighbour when dx² + dy² ≤ r² (centre distance at
    most the radius, in cell units; a relative tolerance of 1e-9 absorbs rounding).
    """
    r2 = radius_cells * radius_cells * (1 + 1e-9)
    reach = math.floor(math.sqrt(r2))
    return [(dy, math.floor(math.sqrt(r2 - dy * dy))) for dy in range(-reach, reach + 1)]


def disc_sum(values: np.ndarray, radius_cells: float) -> np.ndarray:
    """Sum of `values` (ny, nx) over each cell's disc neighbourhood, itself included.

    Cells outside the grid count as absent (zero padding). Each disc row is a horizontal
    run, summed in O(1) per cell from a running (cumulative) sum along the row.
    """
    rows = disc_rows(radius_cells)
    reach = max(dy for dy, _ in rows)
    width = max(h for _, h in rows)
    ny, nx = values.shape
    padded = np.zeros((ny + 2 * reach, nx + 2 * width + 1))
    padded[reach : reach + ny, width + 1 : width + 1 + nx] = values
    run = np.cumsum(padded, axis=1)
    out = np.zeros((ny, nx))
    for dy, h in rows:
        band = run[reach + dy : reach + dy + ny]
        out += band[:, width + h + 1 : width + h + 1 + nx] - band[:, width - h : width - h + nx]
    return out


def gi_star(counts: np.ndarray, radius_cells: float) -> LocalStatistic:
    """Getis-Ord Gi* with binary weights, the cell itself included (Ord & Getis 1995).

    G*_i = Σ_j w_ij y_j / Σ_j y_j,  E = W_i / n,
    Var = W_i (n − W_i) / (n − 1) / n² · s² / ȳ²  (s² the population variance),
    z = (G*_i − E) / √Var — the expressions of `esda.G_Local(star=True, transform="B")`.
    """
    y = counts.ravel().astype(np.float64)
    n = y.size
    total = y.sum()
    mean = total / n
    var = (y**2).sum() / n - mean**2
    if total <= 0 or var <= 0:
        raise AnalysisError("hot spots need cells with different counts (all cells are equal)")
    lag = disc_sum(counts.astype(np.float64), radius_cells).ravel()
    card = disc_sum(np.ones(counts.shape), radius_cells).ravel()
    value = lag / total
    expected = card / n
    variance = card * (n - card) / (n - 1) / n**2 * var / mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (value - expected) / np.sqrt(variance)
    return LocalStatistic(value, expected, variance, z, np.rint(card).astype(np.int64))


def local_moran(counts: np.ndarray, radius_cells: float) -> LocalStatistic:
    """Local Moran's I with row-standardised weights, the cell itself excluded.

    z_i = (y_i − ȳ)/s, I_i = (n − 1) z_i Σ_j w_ij z_j / Σ z² (Anselin 1995, as esda);
    moments under total randomisation (Sokal et al. 1998, eqs. A3–A4): E = −w_i/(n − 1),
    Var = w_i(2)(n − b2)/(n − 1) + (w_i² − w_i(2))(2b2 − n)/((n − 1)(n − 2)) − E².
    """
    y = counts.ravel().astype(np.float64)
    n = y.size
    sd = y.std()
    if sd <= 0:
        raise AnalysisError("hot spots need cells with different counts (all cells are equal)")
    zs = (y - y.mean()) / sd
    card = np.rint(disc_sum(np.ones(counts.shape), radius_cells).ravel()).astype(np.int64) - 1
    neighbours = disc_sum(zs.reshape(counts.shape), radius_cells).ravel() - zs
    with np.errstate(divide="ignore", invalid="ignore"):
        lag = np.where(card > 0, neighbours / card, 0.0)
    value = (n - 1) * zs * lag / (zs * zs).sum()
    wi = (card > 0).astype(np.float64)
    wi2 = np.where(card > 0, 1.0 / np.maximum(card, 1), 0.0)
    m2 = (zs * zs).sum() / n
    b2 = ((zs**4).sum() / n) / m2**2
    expected = -wi / (n - 1)
    variance = wi2 * (n - b2) / (n - 1)
    variance += (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
    variance -= expected**2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (value - expected) / np.sqrt(variance)
    quadrant = np.where(zs > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    return LocalStatistic(value, expected, variance, z, card, quadrant)


def normal_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of z-scores under the standard normal (nan z gives p = 1)."""
    p = 2 * stats.norm.sf(np.abs(z))
    return np.where(np.isfinite(p), p, 1.0)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values).

    q_(i) = min over j ≥ i of p_(j)·m/j for the p-values sorted ascending; rejecting
    q ≤ α controls the false-discovery rate at α for independent or positively
    dependent tests.
    """
    p = np.asarray(p, dtype=np.float64)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def permutation_counts(
    values: np.ndarray,
    observed: np.ndarray,
    draws: np.ndarray,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Conditional permutation (Anselin 1995) of neighbour sums, for every cell at once.

    Cell i's null: the sum of `draws[i]` values drawn without replacement from all values
    except its own. Returns, per cell, how many of the replicates have a sum ≥ and ≤
    `observed[i]`. As in esda, the replicates share one set of random draws: replicate r
    takes the first m_i of a random sample of m_max + 1 cells, replacing cell i by the
    next one when i is among them, which is a uniform draw from the other cells.
    Sorting each replicate's prefix sums turns the comparison into a binary search.
    """
    n = values.size
    m_max = int(draws.max())
    if m_max + 1 > n:
        raise AnalysisError("too few cells for conditional permutation")
    sample = np.stack([rng.choice(n, size=m_max + 1, replace=False) for _ in range(permutations)])
    prefix = np.zeros((permutations, m_max + 2))
    prefix[:, 1:] = np.cumsum(values[sample], axis=1)
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    for m in np.unique(draws):
        cells = np.flatnonzero(draws == m)
        null = np.sort(prefix[:, m])
        ge[cells] = permutations - np.searchsorted(null, observed[cells], side="left")
        le[cells] = np.searchsorted(null, observed[cells], side="right")
    _correct_self_draws(values, observed, draws, sample, prefix, ge, le)
    return ge, le


def _correct_self_draws(
    values: np.ndarray,
    observed: np.ndarray,
    draws: np.ndarray,
    sample: np.ndarray,
    prefix: np.ndarray,
    ge: np.ndarray,
    le: np.ndarray,
) -> None:
    """Recount the replicates in which a cell drew itself, with its replacement instead."""
    rep, pos = np.nonzero(np.arange(sample.shape[1]) < draws[sample])
    cell = sample[rep, pos]
    m = draws[cell]
    wrong = prefix[rep, m]
    right = wrong - values[cell] + values[sample[rep, m]]
    obs = observed[cell]
    np.add.at(ge, cell, (right >= obs).astype(np.int64) - (wrong >= obs))
    np.add.at(le, cell, (right <= obs).astype(np.int64) - (wrong <= obs))


def permutation_p(ge: np.ndarray, le: np.ndarray, permutations: int) -> np.ndarray:
    """Two-sided pseudo p-value: twice the smaller tail, (min(ge, le) + 1)/(R + 1)·2, ≤ 1."""
    return np.minimum(1.0, 2 * (np.minimum(ge, le) + 1) / (permutations + 1))


def permuted_p(
    counts: np.ndarray, radius_cells: float, draws: np.ndarray, permutations: int, seed: int | None
) -> np.ndarray:
    """Two-sided conditional-permutation p-values of the neighbour sums (self excluded).

    Both Gi* and local Moran's I are, for a given cell and number of neighbours,
    monotone in the sum of the neighbours' values, so the raw sums are compared.
    """
    values = counts.ravel()
    observed = disc_sum(counts, radius_cells).ravel() - values
    rng = np.random.default_rng(seed)
    ge, le = permutation_counts(values, observed, draws, permutations, rng)
    return permutation_p(ge, le, permutations)


def classify(z: np.ndarray, p: np.ndarray, labels: tuple[str, str] = ("hot", "cold")) -> np.ndarray:
    """'hot-99' … 'cold-90' by the sign of z and the smallest level p falls under."""
    out = np.full(z.shape, "none", dtype=object)
    for alpha, level in reversed(CONFIDENCE):
        sig = p <= alpha
        out[sig & (z > 0)] = f"{labels[0]}-{level}"
        out[sig & (z < 0)] = f"{labels[1]}-{level}"
    return out


def classify_moran(quadrant: np.ndarray, p: np.ndarray) -> np.ndarray:
    """'high-high-95' etc.: the Moran quadrant of each significant cell."""
    out = np.full(quadrant.shape, "none", dtype=object)
    for alpha, level in reversed(CONFIDENCE):
        for q, name in QUADRANTS.items():
            out[(p <= alpha) & (quadrant == q)] = f"{name}-{level}"
    return out


def hotspots(
    events: Events,
    cell: float,
    radius: float | None = None,
    *,
    statistic: str = "gistar",
    permutations: int = 0,
    fdr: bool = True,
    seed: int | None = 0,
) -> dict[str, Any]:
    """Gi* (or local Moran's I) for every cell of a grid over the events.

    Returns the grid, the per-cell arrays and the p-values used for the classes
    (permutation p when `permutations` > 0, else normal; BH-adjusted when `fdr`).
    """
    radius = 2 * cell if radius is None else radius
    if radius < cell:
        raise AnalysisError(f"--radius ({radius:g} m) must be at least the cell size ({cell:g} m)")
    grid = Grid.covering(events.x, events.y, cell)
    counts = grid.counts(events.x, events.y, events.weight)
    r = radius / cell
    if statistic == "gistar":
        stat = gi_star(counts, r)
        draws = stat.cardinality - 1
    elif statistic == "moran":
        stat = local_moran(counts, r)
        draws = stat.cardinality
    else:
        raise AnalysisError(f"unknown statistic {statistic!r} (gistar or moran)")
    p = normal_p(stat.z)
    if permutations > 0:
        p = permuted_p(counts, r, draws, permutations, seed)
        if stat.quadrant is not None:  # I_i is 0 in every replicate when y_i is the mean
            p = np.where(counts.ravel() == counts.mean(), 1.0, p)
    q = benjamini_hochberg(p) if fdr else p
    quadrant = stat.quadrant
    classes = classify(stat.z, q) if quadrant is None else classify_moran(quadrant, q)
    return {"grid": grid, "counts": counts.ravel(), "stat": stat, "p": p, "q": q, "class": classes}


def add_cli(subparsers: Any) -> None:
    """`trygg analyse hotspots --cell M [--radius M] [--permutations N] [--fdr/--no-fdr]`."""
    parser = subparsers.add_parser(
        "hotspots",
        help="Getis-Ord Gi* (or local Moran's I) hot spots on a grid",
        description="Hot and cold spots of event counts on a regular grid (Getis & Ord "
        "1992/1995), with Benjamini-Hochberg false-discovery control.",
    )
    parser.add_argument("--cell", type=float, required=True, help="cell size in metres")
    parser.add_argument("--radius", type=float, help="neighbourhood radius in metres (2×cell)")
    parser.add_argument("--statistic", choices=["gistar", "moran"], default="gistar")
    parser.add_argument("--permutations", type=int, default=0, help="conditional permutations")
    parser.add_argument("--fdr", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seed", type=int, default=0, help="random seed for permutations")
    parser.add_argument("--all", action="store_true", help="list every cell, not only classed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per classed cell (or every cell with --all)."""
    res = hotspots(
        events,
        args.cell,
        args.radius,
        statistic=args.statistic,
        permutations=args.permutations,
        fdr=args.fdr,
        seed=args.seed,
    )
    grid, stat, classes = res["grid"], res["stat"], res["class"]
    keep = np.arange(grid.size) if args.all else np.flatnonzero(classes != "none")
    keep = keep[np.argsort(-np.nan_to_num(stat.z[keep]), kind="stable")]
    cx, cy = grid.centres()
    x, y = events.to_input_crs(cx[keep], cy[keep])
    rows = []
    for k, i in enumerate(keep):
        row: dict[str, Any] = {"x": float(x[k]), "y": float(y[k]), "count": float(res["counts"][i])}
        if stat.quadrant is not None:
            row["I"] = float(stat.value[i])
        row |= {"z": _num(stat.z[i]), "p": float(res["p"][i])}
        if args.fdr:
            row["q"] = float(res["q"][i])
        row["class"] = str(classes[i])
        rows.append(row)
    labels, n = np.unique(classes.astype(str), return_counts=True)
    note = None
    if args.permutations and args.fdr:
        note = (
            f"with {args.permutations} permutations the smallest p is "
            f"{2 / (args.permutations + 1):.2g}; over {grid.size} cells false-discovery "
            "control needs many permutations (or use --no-fdr)"
        )
    return {
        "method": "hotspots",
        "params": {
            "statistic": args.statistic,
            "cell": args.cell,
            "radius": args.radius if args.radius is not None else 2 * args.cell,
            "permutations": args.permutations,
            "fdr": args.fdr,
            "p": "permutation, two-sided" if args.permutations else "normal, two-sided",
            "grid": grid.describe() | {"crs": events.crs},
            "crs": events.input_crs,
            "note": note,
        },
        "summary": {"cells": grid.size, "events": len(events)}
        | {str(k): int(v) for k, v in zip(labels, n, strict=True)},
        "rows": rows,
    }


def _num(v: float) -> float | None:
    """A float for JSON (None for nan/inf)."""
    return float(v) if np.isfinite(v) else None
