"""Aggregation of 10⁷ events into grid cells × ISO weeks, against memory bandwidth.

Run: `.venv/bin/python bench/bench_aggregate.py`. Writes bench/results/aggregate.json.

Data: 10⁷ synthetic events (seed 3): x, y uniform over 20 km × 20 km (float64 metres),
t uniform over three years (datetime64[s]); 24 bytes per event. Grid of 250 m cells
(80 × 80), 157 ISO weeks. Counted by `aggregate.cell_period_counts`, in the file order
(random in time: the worst case for the histogram) and sorted by time (as exports are).

Throughput is input bytes / time. The machine's memory bandwidth is measured in the
same run: a numpy copy of a 10⁷-element float64 array (read + write bytes / time) and a
sum over it (read bytes / time); the ratio is bandwidth / our throughput (target ≤ 5).
The time of the final bincount alone (random increments into the cells × weeks table)
is reported too: it is the part that no streaming bound covers.
The peer is pandas' `groupby([cell, week]).size()` on the same cell and week keys
(when pandas is installed), a common analyst's way of doing it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trygg.analysis import aggregate  # noqa: E402
from trygg.analysis.grid import Grid  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "aggregate.json"


def best_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def events(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 20_000, n)
    y = rng.uniform(0, 20_000, n)
    start = np.datetime64("2020-01-01T00:00:00", "s")
    t = start + rng.integers(0, 3 * 365 * 86_400, n).astype("timedelta64[s]")
    return x, y, t


def bandwidth(n: int, repeat: int) -> dict[str, float]:
    """Memory bandwidth in GB/s: copy (read + write) and sum (read) of n float64."""
    a = np.random.default_rng(0).random(n)
    b = np.empty_like(a)
    copy_s = best_time(lambda: np.copyto(b, a), repeat)
    sum_s = best_time(lambda: a.sum(), repeat)
    return {"copy_GBps": 2 * a.nbytes / copy_s / 1e9, "sum_GBps": a.nbytes / sum_s / 1e9}


def pandas_time(x: np.ndarray, y: np.ndarray, t: np.ndarray, grid: Grid) -> float | None:
    try:
        import pandas as pd
    except ImportError:
        return None
    cell = grid.flat_index(x, y)
    week = aggregate.period_key(t, "week")
    frame = pd.DataFrame({"cell": cell, "week": week})
    return best_time(lambda: frame.groupby(["cell", "week"]).size(), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    x, y, t = events(args.events)
    grid = Grid(0.0, 0.0, 250.0, 80, 80)
    nbytes = x.nbytes + y.nbytes + t.nbytes
    table, periods = aggregate.cell_period_counts(x, y, t, grid, "week")
    assert int(table.sum()) == args.events
    random_s = best_time(lambda: aggregate.cell_period_counts(x, y, t, grid, "week"), args.repeat)
    order = np.argsort(t, kind="stable")
    xs, ys, ts = x[order], y[order], t[order]
    sorted_s = best_time(
        lambda: aggregate.cell_period_counts(xs, ys, ts, grid, "week"), args.repeat
    )
    bw = bandwidth(args.events, args.repeat)
    key = (aggregate.period_key(t, "week") - periods.first) * grid.size + grid.flat_index(x, y)
    scatter_s = best_time(lambda: np.bincount(key, minlength=grid.size * periods.count), 3)
    ours = {
        "random_order_GBps": nbytes / random_s / 1e9,
        "time_sorted_GBps": nbytes / sorted_s / 1e9,
    }
    peer = pandas_time(x, y, t, grid)
    result = {
        "benchmark": f"{args.events} events into {grid.size} cells × {periods.count} ISO weeks",
        "input_bytes": nbytes,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
        },
        "ours_random_order_s": random_s,
        "ours_time_sorted_s": sorted_s,
        **ours,
        "memory_bandwidth": bw,
        "part: bincount of the precomputed keys alone_s": scatter_s,
        "ratio_bandwidth_to_ours_random": bw["copy_GBps"] / ours["random_order_GBps"],
        "ratio_bandwidth_to_ours_sorted": bw["copy_GBps"] / ours["time_sorted_GBps"],
        "peer_pandas_groupby_s (keys precomputed)": peer,
        "ratio_vs_pandas": None if peer is None else peer / random_s,
        "target": "bandwidth / ours <= 5",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
