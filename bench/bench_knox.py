"""Knox near-repeat test on the 45 319 Chicago burglaries, against pointpats' Knox.

Run: `.venv/bin/python bench/bench_knox.py`. Writes bench/results/knox.json; skips (exit 0)
when ../shared/data/bench/chicago_burglary_2014_2017.csv is absent.

Data: the x, y (metres) and date_single (DD/MM/YYYY in this file, despite its description)
of every burglary, 2014–2017. Both tools do the same computation in the same process: the
pairs within 200 m and 14 days (both inclusive), their number and a Monte Carlo p-value
from 99 permutations of the dates; `pointpats.spacetime.Knox(delta=200, tau=14)` against
`trygg.analysis.knox.knox_test(space_edges=[200], time_edges=[14])`. The observed count of
close pairs must be equal, and the analytic Knox expectation too. We time our first call
after the compiled code is loaded (numba's cache) and, separately, a Near Repeat
Calculator table (10 bands of 100 m × 8 bands of 7 days, 99 permutations), which pointpats
would need one run per band edge pair for.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trygg.analysis import knox  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bench" / "chicago_burglary_2014_2017.csv"
RESULTS = ROOT / "bench" / "results" / "knox.json"
DELTA, TAU, PERMUTATIONS = 200.0, 14.0, 99


def read_burglaries(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y in metres and the date of every row (date_single is DD/MM/YYYY)."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([float(r["x"]) for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    iso = [f"{d[6:10]}-{d[3:5]}-{d[0:2]}" for d in (r["date_single"] for r in rows)]
    return x, y, np.array(iso, dtype="datetime64[D]")


def timed(fn: Any) -> tuple[Any, float, float]:
    """Result, wall seconds and this process's CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    if not DATA.is_file():
        print(f"skipped: {DATA} not found")
        return 0
    x, y, day = read_burglaries(DATA)
    knox.knox_test(x[:200], y[:200], day[:200], [DELTA], [TAU], permutations=2)  # load code
    load_before = os.getloadavg()
    ours, ours_s, ours_cpu = timed(
        lambda: knox.knox_test(x, y, day, [DELTA], [TAU], permutations=PERMUTATIONS)
    )
    table, table_s, _ = timed(
        lambda: knox.knox_test(
            x, y, day, np.arange(100, 1001, 100), np.arange(7, 57, 7), permutations=PERMUTATIONS
        )
    )
    result: dict[str, Any] = {
        "benchmark": f"Knox test, {DELTA:g} m × {TAU:g} days, {PERMUTATIONS} permutations",
        "data": f"{DATA.name}: {len(x)} burglaries",
        "convention": knox.CONVENTION,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_before": load_before,
        "ours_s": ours_s,
        "ours_cpu_s": ours_cpu,
        "ours": {
            "close_pairs": int(ours.observed[0, 0]),
            "knox_ratio": float(ours.ratio[0, 0]),
            "p": float(ours.p[0, 0]),
            "knox_expected": float(ours.knox_expected[0, 0]),
        },
        "ours_nrc_table_10x8_s": table_s,
        "ours_nrc_table_pairs_within_1000m": int(table.observed[:-1].sum()),
        "target": "ratio >= 50",
    }
    result |= peer(x, y, day, ours, ours_s)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def peer(
    x: np.ndarray, y: np.ndarray, day: np.ndarray, ours: knox.KnoxResult, ours_s: float
) -> dict[str, Any]:
    """pointpats' Knox on the same data, and the checks that both count the same."""
    try:
        import pointpats
        from pointpats.spacetime import Knox
    except ImportError:
        return {"peer": "pointpats not installed (pip install pointpats): not compared"}
    s = np.column_stack([x, y])
    t = day.astype(np.int64).reshape(-1, 1).astype(np.float64)
    np.random.seed(1)
    theirs, peer_s, peer_cpu = timed(lambda: Knox(s, t, DELTA, TAU, permutations=PERMUTATIONS))
    return {
        "peer": f"pointpats {pointpats.__version__} spacetime.Knox",
        "peer_s": peer_s,
        "peer_cpu_s": peer_cpu,
        "peer_result": {
            "close_pairs": int(theirs.nst),
            "p_sim": float(theirs.p_sim),
            "knox_expected": float(theirs.expected[0, 0]),
        },
        "same_close_pairs": int(theirs.nst) == int(ours.observed[0, 0]),
        "same_knox_expected": bool(
            np.isclose(theirs.expected[0, 0], ours.knox_expected[0, 0], rtol=1e-12)
        ),
        "ratio": peer_s / ours_s,
    }


if __name__ == "__main__":
    raise SystemExit(main())
