"""Evaluation (DiD, RES, WDQ), weekly alarms (EWMA, CUSUM) and priorities, checked by hand.

Each statistic is recomputed here from its textbook formula, or checked by simulation where
the formula is a probability statement (interval coverage, average run length).
"""

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import alarms, evaluate, priorities
from trygg.analysis.io import Events

# --- evaluation -----------------------------------------------------------------------------


def test_difference_in_differences_by_hand() -> None:
    a, b, c, d = 120, 70, 300, 270  # target before/after, control before/after
    res = evaluate.evaluate_counts(a, b, c, d)
    rr = (70 / 120) / (270 / 300)
    se = math.sqrt(1 / 120 + 1 / 70 + 1 / 300 + 1 / 270)
    assert res.rate_ratio.estimate == pytest.approx(rr)
    assert res.rate_ratio.ci_low == pytest.approx(rr * math.exp(-1.959963985 * se))
    assert res.rate_ratio.ci_high == pytest.approx(rr * math.exp(1.959963985 * se))
    assert res.rate_ratio.p == pytest.approx(2 * stats.norm.sf(abs(math.log(rr)) / se))
    assert res.percent_change[0] == pytest.approx(100 * (rr - 1))


def test_relative_effect_size_is_ad_over_bc() -> None:
    """Welsh & Farrington: RES = ad/bc, > 1 desirable, same log-variance."""
    res = evaluate.evaluate_counts(120, 70, 300, 270, level=0.9)
    expected = 120 * 270 / (70 * 300)
    se = math.sqrt(1 / 120 + 1 / 70 + 1 / 300 + 1 / 270)
    z = stats.norm.ppf(0.95)
    r = res.relative_effect_size
    assert r.estimate == pytest.approx(expected)
    assert (r.ci_low, r.ci_high) == pytest.approx(
        (expected * math.exp(-z * se), expected * math.exp(z * se))
    )


def test_overdispersion_widens_the_interval() -> None:
    plain = evaluate.ratio_of_ratios(120, 70, 300, 270)
    wide = evaluate.ratio_of_ratios(120, 70, 300, 270, dispersion=4.0)
    assert wide.log_se == pytest.approx(2 * plain.log_se)


def test_the_interval_covers_the_true_ratio_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(0)
    means = np.array([80.0, 40.0, 200.0, 180.0])  # true ratio (40/80)/(180/200) = 0.556
    true = (40 / 80) / (180 / 200)
    hits = 0
    for a, b, c, d in rng.poisson(means, size=(2000, 4)):
        r = evaluate.ratio_of_ratios(a, b, c, d)
        hits += r.ci_low <= true <= r.ci_high
    assert 0.93 <= hits / 2000 <= 0.97


def test_weighted_displacement_quotient_by_hand() -> None:
    """Bowers & Johnson: WDQ = (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb)."""
    res = evaluate.evaluate_counts(100, 60, 200, 200, buffer_before=50, buffer_after=40)
    disp = res.displacement
    assert disp is not None
    assert disp.success_measure == pytest.approx(60 / 200 - 100 / 200)
    assert disp.buffer_measure == pytest.approx(40 / 200 - 50 / 200)
    assert disp.wdq == pytest.approx(0.25)
    assert disp.total_net_effect == pytest.approx((100 - 60) + (50 - 40))
    assert disp.interpretation == "diffusion of benefits"


def test_displacement_is_read_as_displacement() -> None:
    disp = evaluate.displacement(100, 60, 200, 200, 50, 70)
    assert disp.wdq == pytest.approx((70 / 200 - 50 / 200) / (60 / 200 - 100 / 200))
    assert disp.wdq is not None and disp.wdq < 0
    assert disp.interpretation.startswith("displacement, smaller")
    worse = evaluate.displacement(100, 90, 200, 200, 50, 90)
    assert worse.interpretation.endswith("(net harm)")
    assert evaluate.displacement(100, 120, 200, 200, 50, 40).interpretation.startswith("no success")


def test_a_zero_count_gets_half_an_event_everywhere() -> None:
    res = evaluate.evaluate_counts(12, 0, 40, 38)
    assert res.continuity_correction == 0.5
    assert res.rate_ratio.estimate == pytest.approx((0.5 / 12.5) / (38.5 / 40.5))


def test_events_are_counted_per_area_and_period() -> None:
    day = np.array(
        ["2024-02-28", "2024-03-01", "2024-03-01", "2024-02-01", "2024-03-30", "2024-04-01"],
        "datetime64[D]",
    )
    target = np.array([True, True, False, True, False, True])
    control = ~target
    res = evaluate.evaluate_events(day, target, control, None, "2024-03-01", 30, 31)
    # before: [2024-01-31, 2024-03-01); after: [2024-03-01, 2024-04-01)
    assert (res.target_before, res.target_after) == (2, 1)
    assert (res.control_before, res.control_after) == (0, 2)


def test_the_cli_splits_target_buffer_and_control_by_box() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 3000, 3000), rng.uniform(0, 3000, 3000)
    t = np.datetime64("2024-01-01") + rng.integers(0, 200, 3000).astype("timedelta64[D]")
    events = Events(x=x + 500_000, y=y + 6_600_000, t=t.astype("datetime64[s]"))
    args = argparse.Namespace(
        target="501000,6601000,502000,6602000",
        target_file=None,
        control=None,
        control_file=None,
        buffer=200.0,
        intervention_date="2024-04-01",
        before_days=91,
        after_days=91,
        level=0.95,
        dispersion=1.0,
    )
    out = evaluate.run(args, events)
    before = (t >= np.datetime64("2024-01-01")) & (t < np.datetime64("2024-04-01"))
    after = (t >= np.datetime64("2024-04-01")) & (t < np.datetime64("2024-07-01"))
    inside = (x >= 1000) & (x <= 2000) & (y >= 1000) & (y <= 2000)
    dx = np.maximum(np.maximum(1000 - x, x - 2000), 0)
    dy = np.maximum(np.maximum(1000 - y, y - 2000), 0)
    ring = ~inside & (np.hypot(dx, dy) <= 200)
    summary = out["summary"]
    assert summary["target_before"] == (inside & before).sum()
    assert summary["target_after"] == (inside & after).sum()
    assert summary["buffer_before"] == (ring & before).sum()
    assert summary["control_after"] == (~inside & ~ring & after).sum()
    names = [r["measure"] for r in out["rows"]]
    assert names[:3] == ["rate_ratio_did", "percent_change", "relative_effect_size"]
    assert "wdq" in names


def test_the_cli_reads_a_geojson_target_in_wgs84(tmp_path: Path) -> None:
    from trygg.analysis.io import project

    lon, lat = project(
        np.array([600_000.0, 601_000.0]), np.array([6_650_000.0] * 2), "EPSG:3006", "EPSG:4326"
    )
    box = [
        [lon[0], lat[0] - 0.005],
        [lon[1], lat[0] - 0.005],
        [lon[1], lat[0] + 0.005],
        [lon[0], lat[0] + 0.005],
    ]
    path = tmp_path / "target.geojson"
    geometry = {"type": "Polygon", "coordinates": [[*box, box[0]]]}
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "geometry": geometry, "properties": {}}],
            }
        )
    )
    x = np.array([600_500.0, 600_500.0, 605_000.0, 605_000.0])
    y = np.full(4, 6_650_000.0)
    t = np.array(["2024-01-10", "2024-05-10", "2024-01-10", "2024-05-10"], "datetime64[s]")
    args = argparse.Namespace(
        target=None,
        target_file=str(path),
        control=None,
        control_file=None,
        buffer=0.0,
        intervention_date="2024-03-01",
        before_days=100,
        after_days=100,
        level=0.95,
        dispersion=1.0,
    )
    summary = evaluate.run(args, Events(x=x, y=y, t=t))["summary"]
    assert (summary["target_before"], summary["target_after"]) == (1, 1)
    assert (summary["control_before"], summary["control_after"]) == (1, 1)
    assert summary["buffer_before"] is None


# --- alarms ---------------------------------------------------------------------------------


def test_weeks_start_on_monday() -> None:
    t = np.array(["2024-01-07", "2024-01-08", "2024-01-14", "2024-01-15"], "datetime64[s]")
    labels, starts, counts = alarms.weekly_counts(np.array(["a", "a", "b", "a"]), t)
    assert [str(s) for s in starts] == ["2024-01-01", "2024-01-08", "2024-01-15"]
    np.testing.assert_array_equal(counts, [[1, 1, 1], [0, 1, 0]])
    assert list(labels) == ["a", "b"]


def test_ewma_follows_its_recursion_and_exact_variance() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson([[2.0], [5.0]], size=(2, 80))
    lam, width = 0.3, 2.7
    chart = alarms.ewma_chart(counts, 52, lam=lam, L=width)
    for a in range(2):
        mu0 = (counts[a, :52].sum() + 0.5) / 52
        z = mu0
        for w in range(28):
            z = lam * counts[a, 52 + w] + (1 - lam) * z
            variance = sum((lam * (1 - lam) ** i) ** 2 * mu0 for i in range(w + 1))
            assert chart.statistic[a, w] == pytest.approx(z)
            assert chart.limit[a, w] == pytest.approx(mu0 + width * math.sqrt(variance))
            assert chart.alarm[a, w] == (z > mu0 + width * math.sqrt(variance))


def test_cusum_follows_lucas_recursion() -> None:
    counts = np.array([[1, 2, 1, 0, 2, 1, 1, 2, 1, 1, 4, 5, 3, 6, 4, 1, 0]])
    chart = alarms.cusum_chart(counts, 10, shift=2.0, arl0=50)
    mu0 = (counts[0, :10].sum() + 0.5) / 10
    k = round(mu0 / math.log(2) * 20) / 20
    assert chart.params["k"][0] == pytest.approx(k)
    h = chart.limit[0, 0]
    s, flags = 0.0, []
    for x in counts[0, 10:]:
        s = max(0.0, s + x - k)
        flags.append(s >= h)
        if s >= h:
            s = 0.0
    np.testing.assert_array_equal(chart.alarm[0], flags)
    assert any(flags)


@pytest.mark.parametrize("mu0", [0.4, 3.0])
def test_cusum_arl_matches_simulation(mu0: float) -> None:
    k, h = alarms.cusum_design(mu0, 2.0, 60.0)
    arl = alarms.cusum_arl(mu0, k, h)
    assert arl >= 60 > alarms.cusum_arl(mu0, k, h - 1 / 20)
    rng = np.random.default_rng(int(mu0 * 10))
    runs = 3000
    s = np.zeros(runs)
    length = np.zeros(runs)
    alive = np.ones(runs, dtype=bool)
    step = 0
    while alive.any():
        step += 1
        s = np.maximum(0.0, s + rng.poisson(mu0, runs) - k)
        stop = alive & (s >= h - 1e-9)
        length[stop] = step
        alive &= ~stop
    se = length.std() / math.sqrt(runs)
    assert abs(length.mean() - arl) < 4 * se


def test_a_tripled_rate_raises_the_alarms() -> None:
    rng = np.random.default_rng(5)
    counts = np.vstack(
        [rng.poisson(2.0, 72), np.concatenate([rng.poisson(2.0, 60), rng.poisson(6.0, 12)])]
    )
    cusum = alarms.cusum_chart(counts, 52, shift=2.0, arl0=104)
    ewma = alarms.ewma_chart(counts, 52)
    assert cusum.alarm[1, 8:].any() and ewma.alarm[1, 8:].any()
    assert not cusum.alarm[1, :8].any()


# --- priorities -----------------------------------------------------------------------------


def test_need_score_by_hand() -> None:
    inputs = priorities.AreaInputs(
        area=["A", "B", "C"],
        current=np.array([30.0, 10.0, 20.0]),
        previous=np.array([20.0, 10.0, 25.0]),
        severity_sum=np.array([60.0, 10.0, 20.0]),
        population=np.array([3000.0, 1000.0, 4000.0]),
        unsafety=np.array([20.0, np.nan, 40.0]),
        influence=np.array([4.0, 2.0, 1.0]),
    )
    out = priorities.need_scores(inputs, weights={"trend": 2.0})
    rows = {r["area"]: r for r in out["rows"]}
    volume = np.array([10.0, 10.0, 5.0])  # per 1 000 inhabitants
    severity = np.array([20.0, 10.0, 5.0])
    trend = 2 * (np.sqrt([30.0, 10.0, 20.0]) - np.sqrt([20.0, 10.0, 25.0]))
    unsafety = np.array([20.0, np.nan, 40.0])

    def scale(v: np.ndarray) -> np.ndarray:
        return (v - np.nanmin(v)) / (np.nanmax(v) - np.nanmin(v))

    w = {"volume": 1.0, "severity": 1.0, "trend": 2.0, "unsafety": 1.0}
    parts = {"volume": scale(volume), "severity": scale(severity), "trend": scale(trend)}
    parts["unsafety"] = scale(unsafety)
    for i, name in enumerate("ABC"):
        present = [c for c in w if not np.isnan(parts[c][i])]
        need = 100 * sum(w[c] * parts[c][i] for c in present) / sum(w[c] for c in present)
        row = rows[name]
        assert row["need"] == pytest.approx(need)
        assert row["trend"] == pytest.approx(trend[i])
        assert sum(row[f"{c}_points"] for c in present) == pytest.approx(need)
        assert row["weight_sum"] == sum(w[c] for c in present)
    assert rows["B"]["unsafety"] is None
    assert out["scaling"]["severity"] == {"min": 5.0, "max": 20.0}


def test_areas_are_placed_in_the_need_influence_matrix() -> None:
    inputs = priorities.AreaInputs(
        area=["hi-hi", "hi-lo", "lo-hi", "lo-lo"],
        current=np.array([40.0, 50.0, 5.0, 2.0]),
        previous=np.array([40.0, 50.0, 5.0, 2.0]),
        severity_sum=np.array([40.0, 50.0, 5.0, 2.0]),
        influence=np.array([5.0, 1.0, 4.0, 2.0]),
    )
    out = priorities.need_scores(inputs)
    quadrant = {r["area"]: r["quadrant"] for r in out["rows"]}
    assert quadrant == {
        "hi-hi": "act",
        "hi-lo": "collaborate",
        "lo-hi": "maintain",
        "lo-lo": "monitor",
    }
    assert out["need_threshold"] == pytest.approx(np.median([r["need"] for r in out["rows"]]))


def test_priorities_cli_reads_area_tables(tmp_path: Path) -> None:
    csv_path = tmp_path / "events.csv"
    lines = ["x,y,date,kind,deso"]
    day = np.datetime64("2024-06-30")
    for i in range(40):
        area = "D1" if i % 4 else "D2"
        kind = "assault" if i % 5 == 0 else "theft"
        lines.append(f"600000,6650000,{day - np.timedelta64(i * 4, 'D')},{kind},{area}")
    csv_path.write_text("\n".join(lines) + "\n")
    (tmp_path / "pop.csv").write_text("deso,population\nD1,2000\nD2,500\n")
    (tmp_path / "infl.csv").write_text("deso;rating\nD1;4\nD2;2\n")
    from trygg.analysis.io import Columns, read_events

    events = read_events(csv_path, Columns(x="x", y="y", time="date", category="kind"))
    args = argparse.Namespace(
        input=str(csv_path),
        area_column="deso",
        cell=1000.0,
        period_days=91,
        end=None,
        population=str(tmp_path / "pop.csv"),
        survey=None,
        influence=str(tmp_path / "infl.csv"),
        severity="assault=3",
        weights=None,
        need_threshold=None,
        influence_threshold=3.0,
    )
    out = priorities.run(args, events)
    rows = {r["area"]: r for r in out["rows"]}
    recent = [i for i in range(40) if i * 4 <= 90]
    d1 = [i for i in recent if i % 4]
    assert rows["D1"]["events"] == len(d1)
    assert rows["D1"]["volume"] == pytest.approx(len(d1) / 2000 * 1000)
    assert rows["D1"]["severity_sum"] == sum(3 if i % 5 == 0 else 1 for i in d1)
    assert rows["D2"]["influence"] == 2.0
    assert out["summary"]["areas"] == 2


def test_the_alarms_cli_lists_the_last_weeks_per_grid_cell() -> None:
    rng = np.random.default_rng(8)
    n = 3000
    x, y = rng.uniform(0, 2000, n) + 600_000, rng.uniform(0, 1000, n) + 6_650_000
    t = np.datetime64("2023-01-02") + rng.integers(0, 7 * 60, n).astype("timedelta64[D]")
    events = Events(x=x, y=y, t=t.astype("datetime64[s]"))
    args = argparse.Namespace(
        area_column=None, cell=1000.0, baseline_weeks=52, lam=0.2, L=3.0, shift=2.0,
        arl0=104.0, last_weeks=4,
    )  # fmt: skip
    out = alarms.run(args, events)
    assert out["summary"]["areas"] == 2 and out["summary"]["monitored_weeks"] == 8
    assert len(out["rows"]) == 2 * 4
    assert {r["area"] for r in out["rows"]} == {"600500,6650500", "601500,6650500"}
    row = out["rows"][-1]
    week = np.datetime64(row["week"])
    in_cell = (x >= 601_000) & (t >= week) & (t < week + np.timedelta64(7, "D"))
    assert row["count"] == in_cell.sum()
