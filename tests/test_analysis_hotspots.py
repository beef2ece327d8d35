"""Hot spots: Gi* and local Moran's I against brute force and esda, BH, permutations."""

import importlib.util
import itertools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import hotspots as hs
from trygg.analysis.cli import main
from trygg.analysis.io import AnalysisError, Events

MEMPHIS = Path(__file__).parent / "fixtures" / "analysis" / "memphis_robberies_2019.csv"
HAS_ESDA = all(importlib.util.find_spec(m) for m in ("esda", "libpysal"))
needs_esda = pytest.mark.skipif(
    not HAS_ESDA, reason="esda/libpysal not installed (pip install -e '.[bench]')"
)


def skewed_counts(ny: int = 13, nx: int = 17, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.gamma(0.7, 2.0, size=(ny, nx))).astype(float)
    counts[4:7, 5:8] += 6  # a planted hot spot
    return counts


def neighbours(ny: int, nx: int, r: float) -> list[list[int]]:
    """Brute force: the cells whose centres are within r (cell units), self included."""
    cells = list(itertools.product(range(ny), range(nx)))
    return [
        [b * nx + a for b, a in cells if (a - i) ** 2 + (b - j) ** 2 <= r * r] for j, i in cells
    ]


@pytest.mark.parametrize("r", [1.0, 1.5, 2.5, 3.2])
def test_disc_sum_equals_brute_force(r: float) -> None:
    counts = skewed_counts()
    flat = counts.ravel()
    brute = [flat[nb].sum() for nb in neighbours(*counts.shape, r)]
    np.testing.assert_allclose(hs.disc_sum(counts, r).ravel(), brute, atol=1e-12)


def test_gi_star_equals_getis_ord_1995_formula() -> None:
    counts = skewed_counts()
    y = counts.ravel()
    n, mean, s = y.size, y.mean(), y.std()
    got = hs.gi_star(counts, 2.5)
    for i, nb in enumerate(neighbours(*counts.shape, 2.5)):
        w = len(nb)  # binary weights: W_i = S1_i = number of neighbours incl. self
        z = (y[nb].sum() - mean * w) / (s * math.sqrt((n * w - w * w) / (n - 1)))
        assert got.z[i] == pytest.approx(z, rel=1e-10)
    row, col = divmod(int(got.z.argmax()), 17)
    assert 4 <= row <= 6 and 5 <= col <= 7  # inside the planted block


def test_local_moran_equals_anselin_1995_formula() -> None:
    counts = skewed_counts()
    y = counts.ravel()
    z = (y - y.mean()) / y.std()
    got = hs.local_moran(counts, 1.5)
    for i, nb in enumerate(neighbours(*counts.shape, 1.5)):
        others = [j for j in nb if j != i]
        lag = z[others].mean()
        assert got.value[i] == pytest.approx((y.size - 1) * z[i] * lag / (z @ z), abs=1e-12)
        assert got.quadrant is not None
        quadrant = {(True, True): 1, (False, True): 2, (False, False): 3, (True, False): 4}
        assert got.quadrant[i] == quadrant[(bool(z[i] > 0), bool(lag > 0))]


def esda_weights(shape: tuple[int, int], r: float):  # type: ignore[no-untyped-def]
    from libpysal.weights import DistanceBand

    ny, nx = shape
    gx, gy = np.meshgrid(np.arange(nx) + 0.5, np.arange(ny) + 0.5)
    points = np.c_[gx.ravel(), gy.ravel()]
    return DistanceBand(points, threshold=r, binary=True, silence_warnings=True)


@needs_esda
@pytest.mark.parametrize("r", [1.5, 2.5])
def test_gi_star_equals_esda(r: float) -> None:
    from esda import G_Local

    counts = skewed_counts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = G_Local(counts.ravel(), esda_weights(counts.shape, r), "B", 0, star=True)
    got = hs.gi_star(counts, r)
    np.testing.assert_allclose(got.value, ref.Gs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.expected, ref.EGs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.variance, ref.VGs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.z, ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(hs.normal_p(got.z), 2 * ref.p_norm, atol=1e-12)


@needs_esda
def test_local_moran_equals_esda() -> None:
    from esda import Moran_Local

    counts = skewed_counts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Moran_Local(counts.ravel(), esda_weights(counts.shape, 1.5), permutations=0)
    got = hs.local_moran(counts, 1.5)
    np.testing.assert_allclose(got.value, ref.Is, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.expected, ref.EI, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.variance, ref.VI, rtol=0, atol=1e-9)
    assert got.quadrant is not None and (got.quadrant == ref.q).all()


def test_benjamini_hochberg_equals_scipy_and_step_up_rule() -> None:
    rng = np.random.default_rng(4)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 0.003, size=30)])
    q = hs.benjamini_hochberg(p)
    np.testing.assert_allclose(q, stats.false_discovery_control(p), rtol=1e-12)
    for alpha in (0.01, 0.05, 0.1):
        ranked = np.sort(p)
        passing = np.flatnonzero(ranked <= alpha * np.arange(1, p.size + 1) / p.size)
        k = passing.max() + 1 if passing.size else 0
        assert (q <= alpha).sum() == k


def test_permutation_counts_match_exact_enumeration() -> None:
    values = np.array([0.0, 0, 1, 1, 2, 3, 5, 0, 8, 1])
    draws = np.array([3, 2, 3, 4, 1, 3, 2, 3, 3, 0])
    observed = np.array([4.0, 1, 6, 3, 5, 9, 2, 0, 1, 0])
    reps = 20_000
    ge, le = hs.permutation_counts(values, observed, draws, reps, np.random.default_rng(5))
    for i in range(values.size):
        others = np.delete(values, i)
        sums = [sum(c) for c in itertools.combinations(others, draws[i])]
        exact_ge = np.mean([s >= observed[i] for s in sums])
        exact_le = np.mean([s <= observed[i] for s in sums])
        assert ge[i] / reps == pytest.approx(exact_ge, abs=0.015)
        assert le[i] / reps == pytest.approx(exact_le, abs=0.015)


def planted_events(seed: int = 6) -> Events:
    rng = np.random.default_rng(seed)
    background = rng.uniform(0, 5000, size=(600, 2))
    cluster = rng.normal(2500, 150, size=(150, 2))
    xy = np.vstack([background, cluster]) + np.array([600_000, 6_640_000])
    return Events(x=xy[:, 0], y=xy[:, 1])


def test_planted_cluster_is_the_hot_spot_with_and_without_permutations() -> None:
    ev = planted_events()
    for perms in (0, 999):  # with 999 the smallest p is 0.002, which BH over 400 cells dilutes
        res = hs.hotspots(ev, 250, 500, permutations=perms)
        grid, classes = res["grid"], res["class"]
        centre = grid.flat_index(np.array([602_500.0]), np.array([6_642_500.0]))[0]
        assert classes[centre] == "hot-99" or (perms and classes[centre].startswith("hot"))
        assert (classes != "none").sum() < grid.size / 4
    moran = hs.hotspots(ev, 250, 500, statistic="moran")
    assert moran["class"][centre].startswith("high-high")


def test_cli_hotspots_on_memphis(capsys: pytest.CaptureFixture) -> None:
    argv = ["hotspots", "--input", str(MEMPHIS), "--lon", "longitude", "--lat", "latitude"]
    assert main([*argv, "--cell", "500", "--radius", "1000", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    rows = res["rows"]
    assert rows and rows[0]["class"].startswith("hot") and rows[0]["z"] > 3
    assert -91 < rows[0]["x"] < -89 and 34 < rows[0]["y"] < 36  # back in lon/lat
    assert res["params"]["crs"] == "EPSG:4326"
    assert main([*argv, "--cell", "500", "--permutations", "99", "--no-fdr", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert all("q" not in r for r in rows) and all(r["p"] >= 0.02 for r in rows)


def test_radius_below_cell_is_refused() -> None:
    with pytest.raises(AnalysisError, match="at least the cell size"):
        hs.hotspots(planted_events(), 250, 100)
