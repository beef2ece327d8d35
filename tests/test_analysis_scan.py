"""The prospective space-time permutation scan (Kulldorff et al. 2005), against brute force.

The scan is checked cylinder by cylinder against an enumeration of every circle (every
distinct distance up to the maximum radius) × every prospective window, with the expected
count summed cell by cell from N_l N_d / N; its Monte Carlo null against brute-force
replicates made with numpy's own permutations.
"""

from typing import Any

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import scan
from trygg.analysis.io import AnalysisError

END = np.datetime64("2024-03-31")


def small_data(seed: int = 3, n: int = 160, planted: int = 0) -> tuple[np.ndarray, ...]:
    """Events on a 6 × 6 lattice of 100 m (so many circles tie), over 40 days.

    With ``planted`` > 0, that many extra events fall on the lattice's corner in the last
    four days.
    """
    rng = np.random.default_rng(seed)
    lattice = np.array([(i * 100.0, j * 100.0) for i in range(6) for j in range(6)])
    where = lattice[rng.integers(0, len(lattice), n)]
    day = rng.integers(0, 40, n)
    if planted:
        where = np.vstack([where, lattice[rng.integers(0, 3, planted)]])
        day = np.concatenate([day, rng.integers(36, 40, planted)])
    t = (END - np.timedelta64(39, "D") + day.astype("timedelta64[D]")).astype("datetime64[s]")
    return where[:, 0], where[:, 1], t


Best = tuple[float, int, float, float, int]


def brute_force(
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    max_radius: float,
    max_days: int,
    min_cases: int = 2,
    max_share: float = 0.5,
) -> dict[tuple[float, float], Best]:
    """Best cylinder of every centre by enumeration: (LLR, n, mu, radius, days).

    Every circle is a row of a membership matrix; n and mu of every circle × window come
    from the location × day count and expected-count matrices summed over the last days.
    """
    locs, loc_of = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True)
    day = t.astype("datetime64[D]").astype(np.int64)
    day = day - day.min()
    counts = np.zeros((len(locs), day.max() + 1))
    np.add.at(counts, (loc_of.ravel(), day), 1)
    total = counts.sum()
    n_l, n_d = counts.sum(axis=1), counts.sum(axis=0)
    last = slice(None, -max_days - 1, -1)  # the last days, most recent first
    n_tail = np.cumsum(counts[:, last], axis=1)
    mu_tail = np.cumsum((np.outer(n_l, n_d) / total)[:, last], axis=1)
    dist = np.hypot(locs[:, None, 0] - locs[None, :, 0], locs[:, None, 1] - locs[None, :, 1])
    out = {}
    for c, (cx, cy) in enumerate(locs):
        radii = np.unique(dist[c][dist[c] <= max_radius])
        member = dist[c][None, :] <= radii[:, None]
        ok = (member @ n_l <= max_share * total) | (radii == 0)
        n, mu = member[ok] @ n_tail, member[ok] @ mu_tail
        with np.errstate(divide="ignore", invalid="ignore"):
            llr = n * np.log(n / mu) + (total - n) * np.log((total - n) / (total - mu))
        llr = np.where((n >= min_cases) & (n > mu), np.nan_to_num(llr), 0.0)
        r, k = np.unravel_index(np.argmax(llr), llr.shape)
        best = float(llr[r, k])
        out[(cx, cy)] = (best, int(n[r, k]), float(mu[r, k]), float(radii[ok][r]), int(k) + 1)
    return out


def brute_force_max(x: np.ndarray, y: np.ndarray, t: np.ndarray, radius: float, days: int) -> float:
    """The scan statistic: the largest LLR over all cylinders."""
    return max(v[0] for v in brute_force(x, y, t, radius, days).values())


def test_it_finds_the_cylinder_that_brute_force_finds() -> None:
    x, y, t = small_data(planted=12)
    result = scan.space_time_scan(x, y, t, max_radius=250, max_days=7, study_days=40)
    naive = brute_force(x, y, t, 250, 7)
    top = max(naive.values())
    assert result.clusters[0].llr == pytest.approx(top[0], rel=1e-10)
    for cluster in result.clusters:
        llr, n, mu, radius, days = naive[(cluster.x, cluster.y)]
        assert cluster.llr == pytest.approx(llr, rel=1e-10)
        assert (cluster.observed, cluster.days) == (n, days)
        assert cluster.expected == pytest.approx(mu, rel=1e-10)
        assert cluster.radius == pytest.approx(radius)
        assert cluster.end == "2024-03-31"


def test_every_centre_matches_brute_force_also_on_permuted_days() -> None:
    """The kernel the replicates use, given a permutation of our own, equals brute force."""
    x, y, t = small_data(seed=5)
    rng = np.random.default_rng(0)
    for shuffled in (t, rng.permutation(t), rng.permutation(t)):
        naive = brute_force(x, y, shuffled, 300, 10, min_cases=1)
        best = per_centre(x, y, shuffled, max_radius=300, max_days=10, min_cases=1)
        for (cx, cy), llr in best.items():
            assert llr == pytest.approx(naive[(cx, cy)][0], rel=1e-10, abs=1e-12)


def kernel_args(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, max_radius: float, max_days: int
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Location coordinates and the arguments of the compiled kernels, as the scan makes them."""
    day = t.astype("datetime64[D]").astype(np.int64)
    k = day.max() - day
    loc_xy, loc_of = scan.locations_of(x, y)
    cyl = scan.build_cylinders(loc_xy, np.bincount(loc_of), max_radius)
    nd_cum = np.cumsum(np.bincount(np.minimum(k, max_days), minlength=max_days + 1))[:max_days]
    log_int = np.log(np.maximum(np.arange(len(x) + 1), 1))
    window = k < max_days
    args = (loc_of[window], k[window], len(loc_xy), cyl.inv_start, cyl.inv_centre)
    return loc_xy, (*args, cyl.inv_slot, cyl.nb_cum, nd_cum, log_int)


def per_centre(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, max_radius: float, max_days: int, min_cases: int
) -> dict[tuple[float, float], float]:
    """Best LLR per centre from the compiled kernel."""
    loc_xy, args = kernel_args(x, y, t, max_radius, max_days)
    kernel: Any = scan._best_per_centre
    llr = kernel(*args, min_cases, scan._key_shift(max_days))[0]
    return {(float(a), float(b)): float(v) for (a, b), v in zip(loc_xy, llr, strict=True)}


def test_the_pruned_maximum_of_the_replicates_matches_brute_force() -> None:
    """The replicates' kernel, which skips what cannot beat the best so far, on dense data."""
    x, y, t = small_data(seed=12, n=500)
    rng = np.random.default_rng(4)
    for shuffled in (t, *(rng.permutation(t) for _ in range(4))):
        _, args = kernel_args(x, y, shuffled, 350, 12)
        kernel: Any = scan._max_llr
        ours = kernel(*args, 2, scan._key_shift(12))
        assert ours == pytest.approx(brute_force_max(x, y, shuffled, 350, 12), rel=1e-10)


def test_the_null_distribution_matches_brute_force_permutations() -> None:
    """Our replicates' maximum LLR and brute force on numpy permutations: same distribution."""
    x, y, t = small_data(seed=7, n=120)
    ours = scan.space_time_scan(x, y, t, max_radius=200, max_days=5, study_days=40, seed=11)
    rng = np.random.default_rng(2)
    theirs = [brute_force_max(x, y, rng.permutation(t), 200, 5) for _ in range(200)]
    assert stats.ks_2samp(ours.null_max_llr, theirs).pvalue > 0.001
    assert len(ours.null_max_llr) == 999


def test_p_value_is_rank_over_replicates_plus_one_and_recurrence_its_inverse() -> None:
    x, y, t = small_data(planted=25)
    result = scan.space_time_scan(x, y, t, max_radius=250, max_days=7, study_days=40)
    top = result.clusters[0]
    rank = 1 + np.sum(result.null_max_llr >= top.llr)
    assert top.p == pytest.approx(rank / 1000)
    assert top.p == pytest.approx(1 / 1000)  # 25 planted events stand out
    assert top.recurrence_days == pytest.approx(1000.0)
    assert (top.x, top.y) in {(0.0, 0.0), (0.0, 100.0), (0.0, 200.0)}


def test_secondary_clusters_share_no_location() -> None:
    x, y, t = small_data(planted=12)
    result = scan.space_time_scan(x, y, t, max_radius=250, max_days=7, study_days=40)
    locs = np.unique(np.column_stack([x, y]), axis=0)
    seen: set[tuple[float, float]] = set()
    for c in result.clusters:
        d = np.hypot(locs[:, 0] - c.x, locs[:, 1] - c.y)
        members = {(float(a), float(b)) for a, b in locs[d <= c.radius]}
        assert len(members) == c.locations
        assert not members & seen
        seen |= members
    assert [c.llr for c in result.clusters] == sorted(
        (c.llr for c in result.clusters), reverse=True
    )


def test_results_do_not_depend_on_the_thread_count() -> None:
    x, y, t = small_data(seed=9)
    runs = [
        scan.space_time_scan(x, y, t, max_radius=250, max_days=7, threads=n).null_max_llr
        for n in (1, 3)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_it_refuses_fewer_than_999_replicates() -> None:
    x, y, t = small_data()
    with pytest.raises(AnalysisError, match="999"):
        scan.space_time_scan(x, y, t, replicates=99)


def test_grid_cells_replace_event_locations_as_centres() -> None:
    x, y, t = small_data(planted=12)
    result = scan.space_time_scan(x + 10, y + 10, t, max_radius=250, max_days=7, cell=200)
    centres = {(c.x % 200, c.y % 200) for c in result.clusters}
    assert centres == {(100.0, 100.0)}


def test_only_the_study_period_counts() -> None:
    x, y, t = small_data(planted=12)
    early = t - np.timedelta64(400, "D")
    both = scan.space_time_scan(
        np.concatenate([x, x]), np.concatenate([y, y]), np.concatenate([t, early]), study_days=40
    )
    alone = scan.space_time_scan(x, y, t, study_days=40)
    assert both.n_events == alone.n_events == len(x)
    assert both.clusters[0].llr == pytest.approx(alone.clusters[0].llr)


def test_the_cli_reports_clusters_in_the_input_coordinates() -> None:
    import argparse

    from trygg.analysis.io import Events

    x, y, t = small_data(planted=25)
    events = Events(x=x + 600_000, y=y + 6_650_000, t=t)
    args = argparse.Namespace(
        max_radius=250.0, max_days=7, study_days=40, end=None, cell=None, replicates=999,
        seed=1, min_cases=2, max_clusters=3, interval_days=1.0,
    )  # fmt: skip
    out = scan.run(args, events)
    top = out["rows"][0]
    assert out["method"] == "scan" and out["summary"]["study_end"] == "2024-03-31"
    assert top["p"] == pytest.approx(0.001) and top["recurrence_days"] == pytest.approx(1000)
    assert (top["x"] - 600_000, top["y"] - 6_650_000) in {(0.0, 0.0), (0.0, 100.0), (0.0, 200.0)}
    assert len(out["rows"]) <= 3
