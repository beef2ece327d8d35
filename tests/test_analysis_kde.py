"""Heat maps: the binned FFT density against the exact kernel sum, rules and the CLI."""

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from trygg.analysis import kde
from trygg.analysis.cli import main
from trygg.analysis.grid import Grid
from trygg.analysis.io import AnalysisError, Events

MEMPHIS = Path(__file__).parent / "fixtures" / "analysis" / "memphis_robberies_2019.csv"


def clustered_points(seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.r_[rng.normal(0, 800, 300), rng.normal(1500, 50, 150), [3000.0]]
    y = np.r_[rng.normal(0, 600, 300), rng.normal(1000, 50, 150), [-2000.0]]
    return x, y


def exact_density(
    x: np.ndarray, y: np.ndarray, grid: Grid, h: float, kernel: str, w: np.ndarray | None = None
) -> np.ndarray:
    """Brute force: the kernel formula summed over every event at every cell centre."""
    cx, cy = grid.centres()
    w = np.ones(len(x)) if w is None else w
    d2 = (cx[:, None] - x[None, :]) ** 2 + (cy[:, None] - y[None, :]) ** 2
    if kernel == "quartic":
        k = np.where(d2 < h * h, 3 / (math.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)
    else:
        k = np.exp(-d2 / (2 * h * h)) / (2 * math.pi * h * h)
    return (k @ w).reshape(grid.shape)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("h_cells", [1.5, 4, 11, 29])
def test_density_within_1e3_of_peak_of_the_exact_sum(kernel: str, h_cells: float) -> None:
    x, y = clustered_points()
    cell = 60.0
    h = h_cells * cell
    grid = Grid.covering(x, y, cell, pad=h)
    got = kde.density(x, y, grid, h, kernel)
    exact = exact_density(x, y, grid, h, kernel)
    assert np.abs(got - exact).max() <= 1e-3 * exact.max()


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_single_weighted_points_within_1e3(kernel: str) -> None:
    x, y, w = np.array([10.0, 333.0]), np.array([-7.0, 151.0]), np.array([2.0, 0.5])
    for h in (90.0, 400.0, 1200.0):
        grid = Grid.covering(x, y, 50.0, pad=h)
        got = kde.density(x, y, grid, h, kernel, w)
        exact = exact_density(x, y, grid, h, kernel, w)
        assert np.abs(got - exact).max() <= 1e-3 * exact.max()


def test_density_integrates_to_the_number_of_events() -> None:
    x, y = clustered_points()
    grid = Grid.covering(x, y, 40.0, pad=3 * 300)
    for kernel in kde.KERNELS:
        total = kde.density(x, y, grid, 300.0, kernel).sum() * grid.cell**2
        assert total == pytest.approx(len(x), rel=2e-3)


def test_linear_binning_keeps_mass_and_centre() -> None:
    x, y = clustered_points()
    grid = Grid.covering(x, y, 100.0, pad=200)
    binned, _, _ = kde.linear_binning(x, y, None, grid)
    cx, cy = grid.centres()
    assert binned.sum() == pytest.approx(len(x))
    assert (binned.ravel() * cx).sum() / len(x) == pytest.approx(x.mean(), abs=1e-6)
    assert (binned.ravel() * cy).sum() / len(y) == pytest.approx(y.mean(), abs=1e-6)


def test_kernel_ratio_from_numerical_integrals() -> None:
    def moments(k: object) -> tuple[float, float]:
        radial = integrate.quad(lambda r: k(r) ** 2 * 2 * math.pi * r, 0, 12)[0]  # type: ignore[operator]
        mu2 = integrate.quad(lambda r: r**2 / 2 * k(r) * 2 * math.pi * r, 0, 12)[0]  # type: ignore[operator]
        return radial, mu2

    rq, mq = moments(lambda r: 3 / math.pi * (1 - r * r) ** 2 if r < 1 else 0.0)
    rg, mg = moments(lambda r: math.exp(-r * r / 2) / (2 * math.pi))
    assert kde.quartic_to_gaussian() == pytest.approx(((rq / mq**2) / (rg / mg**2)) ** (1 / 6))


def test_bandwidth_rules() -> None:
    rng = np.random.default_rng(8)
    x, y = rng.normal(0, 100, 5000), rng.normal(0, 300, 5000)
    sigma = math.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2)
    scott = kde.bandwidth_rule(x, y, "scott", "gaussian")
    assert scott == pytest.approx(sigma * 5000 ** (-1 / 6))
    assert kde.bandwidth_rule(x, y, "silverman", "gaussian") == pytest.approx(scott, rel=0.05)
    assert kde.bandwidth_rule(x, y, "scott", "quartic") == pytest.approx(
        scott * kde.quartic_to_gaussian()
    )
    with pytest.raises(AnalysisError, match="one place"):
        kde.bandwidth_rule(np.zeros(3), np.zeros(3), "scott", "gaussian")


@pytest.mark.skipif(not importlib.util.find_spec("sklearn"), reason="scikit-learn not installed")
def test_gaussian_equals_scikit_learn() -> None:
    from sklearn.neighbors import KernelDensity

    x, y = clustered_points()
    grid = Grid.covering(x, y, 50.0, pad=600)
    got = kde.density(x, y, grid, 200.0, "gaussian").ravel() / len(x)
    cx, cy = grid.centres()
    ref = np.exp(KernelDensity(bandwidth=200.0).fit(np.c_[x, y]).score_samples(np.c_[cx, cy]))
    assert np.abs(got - ref).max() <= 1e-3 * ref.max()


def test_cli_kde_lists_peaks_in_lonlat(capsys: pytest.CaptureFixture) -> None:
    argv = ["kde", "--input", str(MEMPHIS), "--lon", "longitude", "--lat", "latitude"]
    assert main([*argv, "--bandwidth", "800", "--pixels", "200", "--top", "3", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["params"]["bandwidth"] == 800 and len(res["rows"]) == 3
    dens = [r["density_km2"] for r in res["rows"]]
    assert dens == sorted(dens, reverse=True) and dens[0] == res["summary"]["peak_km2"]
    assert -91 < res["rows"][0]["x"] < -89 and 34 < res["rows"][0]["y"] < 36
    assert main([*argv, "--kernel", "gaussian", "--rule", "scott"]) == 0
    assert "density_km2" in capsys.readouterr().out


def test_peaks_are_local_maxima() -> None:
    ev = Events(x=np.array([0.0, 0, 5000]), y=np.array([0.0, 10, 0]))
    _, dens, _ = kde.heat_map(ev, cell=100, bandwidth=500)
    idx = kde.peaks(dens)
    assert len(idx) == 2 and dens.ravel()[idx[0]] > dens.ravel()[idx[1]]
