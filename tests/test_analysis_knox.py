"""The Knox near-repeat test against a double loop over all pairs, and against pointpats."""

import argparse
from typing import Any

import numpy as np
import pytest

from trygg.analysis import knox
from trygg.analysis.io import AnalysisError, Events

SPACE = [100.0, 200.0, 300.0]
TIME = [7.0, 14.0]


def lattice_events(n: int = 150, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events on a 50 m lattice and whole days, so that many pairs sit exactly on an edge."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 12, n) * 50.0
    y = rng.integers(0, 12, n) * 50.0
    day = np.datetime64("2023-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]")
    return x, y, day


def double_loop(
    x: np.ndarray, y: np.ndarray, day: np.ndarray, space: list[float], time: list[float]
) -> np.ndarray:
    """Every pair once, by hand, with the right-closed convention: [0, e1], (e1, e2], …."""
    d = day.astype("datetime64[D]").astype(np.int64)
    table = np.zeros((len(space) + 1, len(time) + 1), dtype=np.int64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dist = float(np.hypot(x[i] - x[j], y[i] - y[j]))
            lag = abs(int(d[i]) - int(d[j]))
            s_band = next((k for k, e in enumerate(space) if dist <= e), len(space))
            t_band = next((k for k, e in enumerate(time) if lag <= e), len(time))
            table[s_band, t_band] += 1
    return table


def test_observed_table_equals_the_double_loop() -> None:
    x, y, day = lattice_events()
    result = knox.knox_test(x, y, day, SPACE, TIME, permutations=19)
    np.testing.assert_array_equal(result.observed, double_loop(x, y, day, SPACE, TIME))
    assert result.observed.sum() == result.n_pairs == 150 * 149 // 2


def test_edges_belong_to_the_band_below_them() -> None:
    """Near Repeat Calculator convention: 0–100 m, 101–200 m; 0–7 days, 8–14 days."""
    x = np.array([0.0, 100.0, 200.5, 0.0])
    y = np.zeros(4)
    day = np.array(["2024-01-01", "2024-01-08", "2024-01-09", "2024-01-16"], "datetime64[D]")
    obs = knox.knox_test(x, y, day, [100, 200], [7, 14], permutations=9).observed
    # pairs: (0,1) 100 m 7 d; (0,2) 200.5 m 8 d; (0,3) 0 m 15 d; (1,2) 100.5 m 1 d;
    # (1,3) 100 m 8 d; (2,3) 200.5 m 7 d
    expected = np.zeros((3, 3), dtype=np.int64)
    for s, t in [(0, 0), (2, 1), (0, 2), (1, 0), (0, 1), (2, 0)]:
        expected[s, t] += 1
    np.testing.assert_array_equal(obs, expected)


def test_a_zero_edge_makes_a_same_location_band() -> None:
    x, y, day = lattice_events(seed=8)
    result = knox.knox_test(x, y, day, [0, 100], [0, 7], permutations=9)
    np.testing.assert_array_equal(result.observed, double_loop(x, y, day, [0, 100], [0, 7]))
    assert result.space_labels[0] == "[0, 0] m" and result.time_labels[1] == "(0, 7] days"


def test_expectations_p_values_and_ratios_follow_from_the_permutations() -> None:
    x, y, day = lattice_events(seed=5)
    res = knox.knox_test(x, y, day, SPACE, TIME, permutations=49, seed=3)
    assert res.simulated.shape == (49, 4, 3)
    np.testing.assert_allclose(res.expected, res.simulated.mean(axis=0))
    np.testing.assert_allclose(res.ratio, res.observed / res.expected)
    by_hand = (1 + (res.simulated >= res.observed).sum(axis=0)) / 50
    np.testing.assert_allclose(res.p, by_hand)
    # Permuting dates keeps the spatial pairs (row totals) and the time lags (column totals).
    rows = np.bincount(
        [next((k for k, e in enumerate(SPACE) if d <= e), 3) for d in all_distances(x, y)],
        minlength=4,
    )
    np.testing.assert_array_equal(res.simulated.sum(axis=2), np.broadcast_to(rows, (49, 4)))
    np.testing.assert_array_equal(
        res.simulated.sum(axis=1), np.broadcast_to(res.observed.sum(0), (49, 3))
    )
    knox_by_hand = np.outer(rows, res.observed.sum(axis=0)) / res.n_pairs
    np.testing.assert_allclose(res.knox_expected, knox_by_hand)


def all_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(len(x), k=1)
    return np.hypot(x[i] - x[j], y[i] - y[j])


def test_a_planted_near_repeat_pattern_is_found() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 5000, 300), rng.uniform(0, 5000, 300)
    day = rng.integers(0, 365, 300)
    # Each of 60 events gets a repeat within 50 m and 3 days.
    x = np.concatenate([x, x[:60] + rng.uniform(-30, 30, 60)])
    y = np.concatenate([y, y[:60] + rng.uniform(-30, 30, 60)])
    day = np.concatenate([day, day[:60] + rng.integers(0, 4, 60)])
    res = knox.knox_test(x, y, day, [100, 200], [7, 14], permutations=99)
    assert res.p[0, 0] == pytest.approx(0.01)
    assert res.ratio[0, 0] > 5
    assert res.p[1, 1] > 0.05


def test_same_seed_same_result_on_any_thread_count() -> None:
    x, y, day = lattice_events(seed=6)
    one = knox.knox_test(x, y, day, SPACE, TIME, permutations=20, seed=9, threads=1)
    three = knox.knox_test(x, y, day, SPACE, TIME, permutations=20, seed=9, threads=3)
    np.testing.assert_array_equal(one.simulated, three.simulated)


def test_bad_edges_are_refused() -> None:
    x, y, day = lattice_events()
    with pytest.raises(AnalysisError, match="increasing"):
        knox.knox_test(x, y, day, [200, 100], TIME)


def test_the_cli_lists_every_band_pair_and_states_the_convention() -> None:
    x, y, day = lattice_events()
    events = Events(x=x, y=y, t=day.astype("datetime64[s]"))
    args = argparse.Namespace(
        distance_band=100.0,
        distance_bands=3,
        time_band=7.0,
        time_bands=2,
        same_location=False,
        permutations=19,
        seed=1,
    )
    out = knox.run(args, events)
    assert len(out["rows"]) == 4 * 3
    assert "closed on the right" in out["params"]["convention"]
    first = out["rows"][0]
    table = double_loop(x, y, day, SPACE, TIME)
    assert (first["distance"], first["time"], first["observed"]) == (
        "[0, 100] m",
        "[0, 7] days",
        table[0, 0],
    )


def test_it_counts_what_pointpats_counts() -> None:
    spacetime: Any = pytest.importorskip(
        "pointpats.spacetime", reason="pointpats is a bench extra, not installed"
    )
    x, y, day = lattice_events(n=200, seed=2)
    ours = knox.knox_test(x, y, day, [120.0], [10.0], permutations=9)
    t = day.astype("datetime64[D]").astype(np.float64).reshape(-1, 1)
    theirs = spacetime.Knox(np.column_stack([x, y]), t, delta=120.0, tau=10.0, permutations=0)
    np.testing.assert_array_equal(ours.observed, theirs.observed)
    np.testing.assert_allclose(ours.knox_expected, theirs.expected, rtol=1e-12)
