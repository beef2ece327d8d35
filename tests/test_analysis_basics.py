"""The analysis engine's input, aggregation, trends, concentration and command line.

Each statistic is checked against an independent computation: a brute-force loop,
scipy, or numbers worked out by hand.
"""

import itertools
import json
import math
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import aggregate, concentration, trends
from trygg.analysis.cli import METHOD_MODULES, available_modules, format_table, main
from trygg.analysis.grid import Grid
from trygg.analysis.io import AnalysisError, Columns, Events, read_events

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
MEMPHIS = FIXTURES / "memphis_robberies_2019.csv"
CHICAGO = FIXTURES / "chicago_crimes_2017-01_first400.csv"
BURGLARY = FIXTURES / "chicago_burglary_every30th.csv"


def write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SALA = "x;y;datum;typ\n" + "".join(
    f"{600000 + 37 * i % 900},5;{6640000 + 53 * i % 700};2025-06-{1 + i % 28:02d} {i % 24}:05;"
    f"{'skadegörelse' if i % 3 else 'stöld'}\n"
    for i in range(60)
)


# --- io ---------------------------------------------------------------------------------


def test_it_reads_semicolon_cp1252_with_decimal_comma(tmp_path: Path) -> None:
    path = write(tmp_path, SALA, encoding="cp1252")
    ev = read_events(path, Columns(x="x", y="y", time="datum", category="typ"))
    assert len(ev) == 60
    assert ev.crs == ev.input_crs == "EPSG:3006"
    assert ev.x[1] == 600037.5 and ev.y[1] == 6640053
    assert ev.t is not None and str(ev.t[1]) == "2025-06-02T01:05:00"
    assert ev.category is not None and set(ev.category) == {"skadegörelse", "stöld"}
    assert list(ev.rows[:3]) == [2, 3, 4]


def test_it_reads_utf8_with_bom_and_case_insensitive_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffX,Y,W\n600000,6640000,2.5\n600100,6640100,1\n")
    ev = read_events(path, Columns(x="x", y="y", weight="w"))
    assert ev.weight is not None and list(ev.weight) == [2.5, 1.0]


def test_it_parses_iso_us_and_day_first_times(tmp_path: Path) -> None:
    text = (
        "x,y,a,b,c\n"
        "600000,6640000,2025-06-07 7:32:06 +02:00,01/31/2017 11:05:00 PM,13/01/2014\n"
        "600000,6640000,2019-01-01T01:30:00Z,02/01/2017 12:01:00 AM,02/03/2014\n"
    )
    path = write(tmp_path, text)
    got = {c: read_events(path, Columns(x="x", y="y", time=c)).t for c in "abc"}
    assert [str(v) for v in got["a"]] == ["2025-06-07T07:32:06", "2019-01-01T01:30:00"]
    assert [str(v) for v in got["b"]] == ["2017-01-31T23:05:00", "2017-02-01T00:01:00"]
    assert [str(v) for v in got["c"]] == ["2014-01-13T00:00:00", "2014-03-02T00:00:00"]


def test_it_skips_and_counts_rows_without_coordinates() -> None:
    ev = read_events(CHICAGO, Columns(lon="Longitude", lat="Latitude", time="Date"))
    raw = CHICAGO.read_text().splitlines()
    assert len(ev) + ev.skipped == len(raw) - 1
    assert ev.skipped > 0 and "'Longitude'" in ev.notes[0]
    assert ev.crs == "EPSG:32616" and ev.input_crs == "EPSG:4326"  # UTM 16N for Chicago


def test_it_projects_swedish_lonlat_to_sweref_and_back(tmp_path: Path) -> None:
    path = write(tmp_path, "lon,lat\n16.6,59.92\n16.61,59.93\n")
    ev = read_events(path, Columns(lon="lon", lat="lat"))
    assert ev.crs == "EPSG:3006"
    assert 500_000 < ev.x[0] < 700_000 and 6_600_000 < ev.y[0] < 6_700_000
    lon, lat = ev.to_input_crs(ev.x, ev.y)
    np.testing.assert_allclose(lon, [16.6, 16.61], atol=1e-9)
    np.testing.assert_allclose(lat, [59.92, 59.93], atol=1e-9)


@pytest.mark.parametrize(
    ("text", "columns", "message"),
    [
        ("lon,lng\n16,59\n", Columns(lon="lon", lat="lat"), "column 'lat' not found; columns are"),
        ("x,y\n", Columns(x="x", y="y"), "no events"),
        ("", Columns(x="x", y="y"), "is empty"),
        ("x,y\na,b\n,\n", Columns(x="x", y="y"), "no usable rows: 2 of 2 rows have no usable 'x'"),
        ("x,y\n16.6,59.9\n", Columns(x="x", y="y"), "look like degrees"),
        ("x,y\n600000,6640000\n", Columns(x="x", y="y", crs="EPSG:4326"), "not a projected"),
        ("x,y\n600000,6640000\n", Columns(x="x", y="y", crs="EPSG:99999"), "unknown coordinate"),
        ("x,y\n365535,563965\n", Columns(x="x", y="y"), "lie outside EPSG:3006"),
        ("lon,lat\n600000,6640000\n", Columns(lon="lon", lat="lat"), "are not degrees"),
        ("x,y\n1,2\n", Columns(x="x"), "give the coordinate columns"),
    ],
)
def test_it_explains_bad_input(tmp_path: Path, text: str, columns: Columns, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        read_events(write(tmp_path, text), columns)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="input file not found"):
        read_events(tmp_path / "nope.csv", Columns(x="x", y="y"))


# --- grid and aggregation ----------------------------------------------------------------


def random_events(n: int = 500, seed: int = 1) -> Events:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 3 * 365 * 86400, n) + 1_577_836_800  # from 2020-01-01
    return Events(
        x=rng.uniform(600_000, 603_000, n),
        y=rng.uniform(6_640_000, 6_642_000, n),
        t=seconds.astype("datetime64[s]"),
        category=rng.choice(np.array(["a", "b", "c"]), n),
    )


def as_datetimes(t: np.ndarray) -> list[datetime]:
    return [datetime(1970, 1, 1) + timedelta(seconds=int(s)) for s in t.astype(np.int64)]


def test_grid_cells_match_floor_division() -> None:
    ev = random_events()
    grid = Grid.covering(ev.x, ev.y, 250)
    assert grid.x0 % 250 == 0 and grid.y0 % 250 == 0
    counts = grid.counts(ev.x, ev.y)
    brute = Counter(
        (int((x - grid.x0) // 250), int((y - grid.y0) // 250))
        for x, y in zip(ev.x, ev.y, strict=True)
    )
    for (ix, iy), c in brute.items():
        assert counts[iy, ix] == c
    assert counts.sum() == len(ev)


def test_weeks_are_iso_weeks() -> None:
    days = np.arange("2014-12-20", "2021-01-10", dtype="datetime64[D]")
    keys = aggregate.period_key(days, "week")
    for d, k in zip(days.tolist(), keys, strict=True):
        year, week, _ = d.isocalendar()
        assert aggregate.period_label("week", int(k)) == f"{year}-W{week:02d}"
        assert aggregate.period_start("week", int(k)) == np.datetime64(d - timedelta(d.weekday()))


def test_profiles_match_python_calendar() -> None:
    ev = random_events()
    assert ev.t is not None
    dts = as_datetimes(ev.t)
    table = aggregate.weekday_hour_profile(ev.t)
    brute = Counter((d.weekday(), d.hour) for d in dts)
    assert all(table[w, h] == brute[(w, h)] for w in range(7) for h in range(24))
    months = aggregate.month_profile(ev.t)
    assert list(months) == [sum(d.month == m for d in dts) for m in range(1, 13)]


def test_cell_week_counts_match_brute_force() -> None:
    ev = random_events(3000)
    assert ev.t is not None
    grid = Grid.covering(ev.x, ev.y, 500)
    table, periods = aggregate.cell_period_counts(ev.x, ev.y, ev.t, grid, "week")
    assert table.sum() == len(ev)
    labels = periods.labels()
    cell = grid.flat_index(ev.x, ev.y)
    brute = Counter(
        (int(c), f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}")
        for c, d in zip(cell, as_datetimes(ev.t), strict=True)
    )
    for (c, label), n in brute.items():
        assert table[c, labels.index(label)] == n


def test_fast_path_on_many_chunks_equals_one_bincount() -> None:
    ev = random_events(400_000, seed=2)  # more than 8 chunks: counted on two threads
    assert ev.t is not None
    grid = Grid.covering(ev.x, ev.y, 300)
    for kind in aggregate.PERIODS:
        table, periods = aggregate.cell_period_counts(ev.x, ev.y, ev.t, grid, kind)
        period, plain_periods = aggregate.periods_of(ev.t, kind)
        plain = aggregate.table_counts(
            grid.flat_index(ev.x, ev.y), grid.size, period, periods.count, None
        )
        assert periods == plain_periods
        np.testing.assert_array_equal(table, plain)


def test_cli_aggregate_by_category_and_month(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path, SALA)
    args = ["aggregate", "--input", str(path), "--x", "x", "--y", "y", "--time", "datum"]
    code = main([*args, "--category", "typ", "--by", "category", "--period", "day", "--json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    brute = Counter(
        (("skadegörelse" if i % 3 else "stöld"), f"2025-06-{1 + i % 28:02d}") for i in range(60)
    )
    assert {(r["category"], r["period"]): r["count"] for r in rows} == brute


# --- trends -----------------------------------------------------------------------------


def test_compare_counts_equals_the_exact_poisson_test() -> None:
    for a, b in [(3, 12), (20, 9), (0, 4), (7, 7), (15, 0)]:
        got = trends.compare_counts(a, b)
        assert got.p == pytest.approx(stats.binomtest(a, a + b, 0.5).pvalue, rel=1e-12)
        assert got.score == pytest.approx(2 * (math.sqrt(a) - math.sqrt(b)))
    # scipy's own two-sample Poisson test agrees with the conditional test
    got = trends.compare_counts(31, 18, 31, 28)
    ref = stats.poisson_means_test(31, 31, 18, 28)
    assert got.p == pytest.approx(binom_p(31, 49, 31 / 59), rel=1e-12)
    assert ref.pvalue == pytest.approx(got.p, abs=0.05)


def binom_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p: the sum of outcomes no more likely than k."""
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


def test_rate_ratio_interval_is_clopper_pearson() -> None:
    a, b = 14, 30
    got = trends.compare_counts(a, b, 31, 30)
    # Clopper-Pearson from beta quantiles, then odds times the exposure ratio
    lo = stats.beta.ppf(0.025, a, b + 1)
    hi = stats.beta.ppf(0.975, a + 1, b)
    assert got.rate_ratio == pytest.approx((a / 31) / (b / 30))
    assert got.rate_ratio_low == pytest.approx(lo / (1 - lo) * 30 / 31, rel=1e-9)
    assert got.rate_ratio_high == pytest.approx(hi / (1 - hi) * 30 / 31, rel=1e-9)
    assert got.change_pct == pytest.approx(100 * (got.rate_ratio - 1))
    assert got.change_pct_low is not None and got.change_pct_low < got.change_pct
    assert got.rate_ratio_low < got.rate_ratio < got.rate_ratio_high


def test_no_percentage_without_its_interval() -> None:
    got = trends.compare_counts(5, 0)
    assert got.change_pct is None and got.change_pct_high is None
    empty = trends.compare_counts(0, 0)
    assert empty.p == 1.0 and empty.change_pct is None and empty.rate_ratio_low is None


def test_trend_windows_and_counts() -> None:
    days = np.arange("2016-01-01", "2017-12-16", dtype="datetime64[D]")
    t = np.repeat(days, (np.arange(len(days)) % 3) + 1).astype("datetime64[s]")
    rows = trends.trends(t, "month")
    assert rows[0]["period"] == "2017-11-01..2017-11-30"  # the last complete month
    assert rows[0]["vs"] == "2017-10-01..2017-10-31"
    assert rows[1]["vs"] == "2016-11-01..2016-11-30"
    day = t.astype("datetime64[D]")
    nov = int(((day >= np.datetime64("2017-11-01")) & (day < np.datetime64("2017-12-01"))).sum())
    assert rows[0]["count"] == nov and rows[0]["exposure"] == 30
    weekly = trends.trends(t, "week", np.datetime64("2017-12-11"))
    assert weekly[0]["period"] == "2017-12-04..2017-12-10"
    assert weekly[1]["vs"] == "2016-12-05..2016-12-11"  # 52 weeks earlier, same weekdays
    assert date(2016, 12, 5).weekday() == 0


def test_baselines_before_the_data_are_left_out() -> None:
    t = np.arange("2017-01-01", "2017-03-01", dtype="datetime64[D]").astype("datetime64[s]")
    rows = trends.trends(t, "month")
    assert [r["compared_with"] for r in rows] == ["previous"]


# --- concentration ----------------------------------------------------------------------


def test_gini_equals_mean_absolute_difference() -> None:
    rng = np.random.default_rng(3)
    for counts in (rng.poisson(2, 40), np.array([0, 0, 0, 9]), rng.integers(0, 50, 7)):
        n = len(counts)
        mad = sum(abs(int(a) - int(b)) for a, b in itertools.product(counts, counts))
        plain = mad / (2 * n * n * counts.mean())
        assert concentration.gini(counts, corrected=False) == pytest.approx(plain)
        assert concentration.gini(counts) == pytest.approx(plain * n / (n - 1))
    assert concentration.gini(np.array([0, 0, 0, 5])) == pytest.approx(1.0)


def test_top_share_by_sorting() -> None:
    counts = np.array([5, 0, 1, 9, 3, 3, 0, 2, 7, 1])
    assert concentration.top_share(counts, 10) == (1, 9 / 31)
    assert concentration.top_share(counts, 25) == (3, 21 / 31)  # ⌈2.5⌉ places
    assert concentration.top_share(counts, 100) == (10, 1.0)


# --- command line -----------------------------------------------------------------------


def run_json(capsys: pytest.CaptureFixture, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_runs_on_real_slices(capsys: pytest.CaptureFixture) -> None:
    memphis = ["--input", str(MEMPHIS), "--lon", "longitude", "--lat", "latitude"]
    res = run_json(capsys, "concentration", *memphis, "--cell", "500", "--places", "occupied")
    assert res["summary"]["places"] == res["summary"]["places_with_events"]
    res = run_json(capsys, "aggregate", *memphis, "--time", "date_utc", "--period", "month")
    assert sum(r["count"] for r in res["rows"]) == 2245 and len(res["rows"]) == 12
    burglary = ["--input", str(BURGLARY), "--x", "x", "--y", "y", "--crs", "EPSG:26971"]
    res = run_json(capsys, "trends", *burglary, "--time", "date_single", "--period", "quarter")
    assert res["rows"][0]["period"] == "2017-10-01..2017-12-31"
    res = run_json(capsys, "aggregate", *burglary, "--time", "date_single", "--profile", "month")
    assert sum(r["count"] for r in res["rows"]) == 1511


def test_cli_prints_a_table(capsys: pytest.CaptureFixture) -> None:
    argv = ["concentration", "--input", str(MEMPHIS), "--lon", "longitude", "--lat", "latitude"]
    assert main([*argv, "--cell", "1000"]) == 0
    out = capsys.readouterr().out
    assert "top_pct" in out and "gini=" in out


def test_cli_errors_are_one_line_with_status_2(capsys: pytest.CaptureFixture) -> None:
    argv = ["aggregate", "--input", str(MEMPHIS), "--lon", "longitude", "--lat", "lat"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "column 'lat' not found; columns are: 'uid', 'offense_type'" in err
    argv = ["trends", "--input", str(MEMPHIS), "--lon", "longitude", "--lat", "latitude"]
    assert main(argv) == 2
    assert "needs event times: give --time" in capsys.readouterr().err


def test_format_table_aligns_columns() -> None:
    text = format_table([{"a": 1.0, "b": "x"}, {"a": 12.5, "b": "long"}])
    assert text.splitlines() == ["   a  b", "----  ----", "   1  x", "12.5  long"]


def test_method_modules_are_registered_in_order() -> None:
    names = [m.__name__.rsplit(".", 1)[1] for m in available_modules()]
    assert names[:5] == ["aggregate", "trends", "hotspots", "kde", "concentration"]
    assert names == [n for n in METHOD_MODULES if n in names]


def test_the_analysis_package_never_imports_django() -> None:
    code = (
        "import sys, importlib, pkgutil, trygg.analysis as a\n"
        "for m in pkgutil.iter_modules(a.__path__):\n"
        "    importlib.import_module('trygg.analysis.' + m.name)\n"
        "assert 'django' not in sys.modules, sorted(k for k in sys.modules if 'django' in k)\n"
        "print('ok')\n"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
