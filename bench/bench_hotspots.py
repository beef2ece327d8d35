"""Gi* on 250 000 grid cells: trygg.analysis.hotspots against esda.G_Local, same data.

Run: `.venv/bin/python bench/bench_hotspots.py` (needs the `bench` extra for the peer).
Writes bench/results/hotspots.json.

Data: the 45 319 Chicago burglaries of ../shared/data/bench/ counted on a grid whose cell
size gives about 250 000 cells (synthetic clustered points when that folder is absent).
Neighbourhood: cells within 2.5 cells (21 cells, self included), binary weights.

The peer, `esda.G_Local(y, w, transform="B", star=True, permutations=999)`, is run on a
documented subsample: a window of `--peer-cells` cells cut from the same grid. Its cost
is linear in the number of cells (sparse products plus n × 999 conditional draws), so
its time is scaled by cells_full / cells_window. On that window the statistics of both
are compared (max |Δz|). Timings are the best of `--repeat` runs of ours, one of the
peer; libpysal's weights are built outside the timed peer call (reported apart).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trygg.analysis import hotspots as hs  # noqa: E402
from trygg.analysis.grid import Grid  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bench" / "chicago_burglary_2014_2017.csv"
RESULTS = ROOT / "bench" / "results" / "hotspots.json"
RADIUS_CELLS = 2.5


def load_points() -> tuple[np.ndarray, np.ndarray, str]:
    """Chicago burglaries (x, y in metres), or synthetic clusters when the data is absent."""
    if DATA.is_file():
        xy = np.loadtxt(DATA, delimiter=",", skiprows=1, usecols=(0, 1))
        return xy[:, 0], xy[:, 1], f"{DATA.name} ({len(xy)} events)"
    rng = np.random.default_rng(2024)
    centres = rng.uniform(0, 30_000, size=(40, 2))
    pts = np.vstack([rng.normal(c, rng.uniform(100, 800), size=(800, 2)) for c in centres])
    pts = np.vstack([pts, rng.uniform(0, 30_000, size=(13_000, 2))])
    return pts[:, 0], pts[:, 1], "synthetic: 40 Gaussian clusters + uniform, seed 2024"


def grid_of_about(x: np.ndarray, y: np.ndarray, cells: int) -> Grid:
    """A grid over the points with about `cells` cells."""
    cell = math.sqrt(np.ptp(x) * np.ptp(y) / cells)
    return Grid.covering(x, y, cell)


def best_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ours(counts: np.ndarray, permutations: int) -> None:
    """The full classification: Gi*, p-values (normal or permutation), BH, classes."""
    stat = hs.gi_star(counts, RADIUS_CELLS)
    if permutations:
        p = hs.permuted_p(counts, RADIUS_CELLS, stat.cardinality - 1, permutations, 0)
    else:
        p = hs.normal_p(stat.z)
    hs.classify(stat.z, hs.benjamini_hochberg(p))


def peer(window: np.ndarray, permutations: int) -> dict[str, float]:
    """esda.G_Local on a window of the grid: times and the largest z difference to ours."""
    from esda import G_Local
    from libpysal.weights import DistanceBand

    ny, nx = window.shape
    gx, gy = np.meshgrid(np.arange(nx) + 0.5, np.arange(ny) + 0.5)
    start = time.perf_counter()
    w = DistanceBand(np.c_[gx.ravel(), gy.ravel()], threshold=RADIUS_CELLS, binary=True)
    weights_s = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G_Local(window.ravel()[:50], _small_w(), "B", 9, star=True, seed=1)  # JIT warm-up
        start = time.perf_counter()
        ref = G_Local(window.ravel(), w, "B", permutations, star=True, seed=1, n_jobs=-1)
        stat_s = time.perf_counter() - start
        start = time.perf_counter()
        G_Local(window.ravel(), w, "B", 0, star=True)
        analytic_s = time.perf_counter() - start
    z = hs.gi_star(window, RADIUS_CELLS).z
    return {
        "weights_s": weights_s,
        "g_local_999_s": stat_s,
        "g_local_analytic_s": analytic_s,
        "max_abs_dz": float(np.abs(z - ref.Zs).max()),
        "max_abs_dG": float(np.abs(hs.gi_star(window, RADIUS_CELLS).value - ref.Gs).max()),
    }


def _small_w():  # type: ignore[no-untyped-def]
    from libpysal.weights import lat2W

    return lat2W(5, 10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=250_000)
    parser.add_argument("--peer-cells", type=int, default=40_000)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    x, y, source = load_points()
    grid = grid_of_about(x, y, args.cells)
    counts = grid.counts(x, y)
    result: dict[str, object] = {
        "benchmark": "Getis-Ord Gi* on a grid, binary weights within 2.5 cells, self included",
        "data": source,
        "cells": grid.size,
        "grid": grid.describe(),
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "numpy": np.__version__},
        "ours_analytic_s": best_time(lambda: ours(counts, 0), args.repeat),
        "ours_permutations_s": best_time(lambda: ours(counts, args.permutations), 2),
        "permutations": args.permutations,
    }
    try:
        import esda  # noqa: F401
    except ImportError:
        result["peer"] = "esda not installed: pip install -e '.[bench]'"
        return _write(result)
    side = int(math.sqrt(args.peer_cells))
    j0, i0 = max(0, grid.ny // 2 - side // 2), max(0, grid.nx // 2 - side // 2)
    window = counts[j0 : j0 + side, i0 : i0 + side]
    scale = grid.size / window.size
    measured = peer(window, args.permutations)
    peer_full = measured["g_local_999_s"] * scale
    result["peer"] = {
        "name": "esda.G_Local(star=True, transform='B')",
        "window_cells": int(window.size),
        "scale_to_full": scale,
        **measured,
        "g_local_999_full_s (scaled)": peer_full,
        "g_local_analytic_full_s (scaled)": measured["g_local_analytic_s"] * scale,
    }
    result["ratio_vs_esda_999"] = peer_full / float(result["ours_analytic_s"])  # type: ignore[arg-type]
    result["ratio_permutations_vs_esda_999"] = peer_full / float(result["ours_permutations_s"])  # type: ignore[arg-type]
    result["ratio_analytic_vs_esda_analytic"] = (
        measured["g_local_analytic_s"] * scale / float(result["ours_analytic_s"])  # type: ignore[arg-type]
    )
    result["target"] = "ratio_vs_esda_999 >= 100, max_abs_dz <= 1e-9"
    return _write(result)


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def _write(result: dict[str, object]) -> int:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
