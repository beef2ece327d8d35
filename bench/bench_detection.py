"""Detection power of the prospective scan: planted emerging clusters vs false alarms.

Run: `.venv/bin/python bench/bench_detection.py [--quick]`. Writes
bench/results/detection.json. Synthetic data only (no files needed).

Generator (a municipality of about 3 000 located events a year, all seeds below):
* 3 000 addresses, rounded to 5 m: 65 % around a town centre (isotropic normal, σ 1 200 m),
  8 % around each of three villages (σ 400 m), 11 % spread uniformly over 30 × 30 km; each
  address has a lognormal(0, 1) attractiveness (a few addresses see many events).
* Events: each day a Poisson number with mean 3 000/365 × weekday factor (Mon–Sun 0.9, 0.9,
  0.9, 1.0, 1.2, 1.3, 0.8, normalised) × season (1 + 0.2 cos, peak in mid July), each at an
  address drawn by attractiveness. Space and time are independent: the null hypothesis.
  Two years per seed, so that every analysis in the second year has a full year behind it.
* A planted emerging cluster: a centre drawn among the addresses by attractiveness and the
  smallest circle around it that holds the addresses of ``baseline`` events a week on
  average (redrawn if that circle is wider than the scan's 1 000 m); from the onset day on,
  the rate inside the circle is multiplied by the relative risk 3 (extra events at the
  circle's addresses, by attractiveness, with the same weekday and season factors).

Surveillance as the EST group would run it: a weekly analysis (every Sunday) of the last
365 days, prospective space-time permutation scan with circles up to 1 000 m, clusters of
1–14 days, 999 replicates, an alarm when a cluster's recurrence interval is at least a year
(p ≤ 7/365 for weekly analyses). A planted cluster is found when an analysis on one of the
14 days from its onset (two weekly analyses) raises an alarm whose circle meets the planted
circle. False alarms: the weeks with an alarm over simulated null years. Scenarios: a
cluster baseline of 2, 4, 6, 8 and 10 events a week, 20 planted clusters each.

For comparison, the per-area alarm: the municipality cut into 12 areas (as Sala's 12 DeSO;
each address in the area of the nearest of 12 seed addresses drawn by attractiveness), a
weekly Poisson CUSUM per area (in-control mean from the first year, k for a shift to 3 ×
mu0, h for an in-control ARL of 12 years per area, i.e. one false alarm a year over all
areas), and clusters planted as RR 3 over a whole area (200 trials, 20 null years).

Seeds: towns and null years 1001, 1002, …; planted clusters 2000 + trial (scan) and
3000 + trial (per area); trial t uses town and background 1001 + t mod 3.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trygg.analysis import alarms, scan  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "detection.json"
ORIGIN = np.datetime64("2023-01-02")  # a Monday
EVENTS_PER_YEAR = 3000.0
WEEKDAY = np.array([0.9, 0.9, 0.9, 1.0, 1.2, 1.3, 0.8]) / np.mean(
    [0.9, 0.9, 0.9, 1.0, 1.2, 1.3, 0.8]
)
RR, MAX_RADIUS, MAX_DAYS, REPLICATES = 3.0, 1000.0, 14, 999
N_AREAS = 12  # as Sala's 12 DeSO areas
ALPHA = 7 / 365  # recurrence interval of a year for weekly analyses
ANALYSIS_DAYS = 370 + 7 * np.arange(52)  # Sundays of the second year


@dataclass(frozen=True)
class Town:
    """Addresses (x, y) and the share of events each attracts."""

    xy: np.ndarray
    share: np.ndarray


def make_town(seed: int, n_addresses: int = 3000) -> Town:
    """The synthetic municipality's addresses (see the module doc)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[15_000, 15_000], [6_000, 8_000], [24_000, 9_000], [10_000, 24_000]])
    sigma = np.array([1_200, 400, 400, 400])
    part = rng.choice(5, size=n_addresses, p=[0.65, 0.08, 0.08, 0.08, 0.11])
    xy = rng.uniform(0, 30_000, (n_addresses, 2))
    for c in range(4):
        mine = part == c
        xy[mine] = centres[c] + rng.normal(0, sigma[c], (mine.sum(), 2))
    weight = rng.lognormal(0, 1, n_addresses)
    return Town(np.round(xy / 5) * 5, weight / weight.sum())


def daily_rate(days: np.ndarray) -> np.ndarray:
    """Expected events per day: the yearly total × weekday factor × season."""
    season = 1 + 0.2 * np.cos(2 * np.pi * (days - 193) / 365.25)
    return EVENTS_PER_YEAR / 365 * WEEKDAY[days % 7] * season


def background(town: Town, seed: int, n_days: int = 730) -> tuple[np.ndarray, np.ndarray]:
    """Null events: (address index, day) of two years of independent space and time."""
    rng = np.random.default_rng(seed)
    days = np.arange(n_days)
    day = np.repeat(days, rng.poisson(daily_rate(days)))
    return rng.choice(len(town.xy), size=len(day), p=town.share), day


def plant(
    town: Town, rng: np.random.Generator, baseline: float, onset: int, last_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Extra events of a cluster with ``baseline`` events a week at relative risk RR.

    Returns (address index, day) of the extra events, the centre and the radius.
    """
    share = baseline / 7 / (EVENTS_PER_YEAR / 365)
    for _ in range(100_000):
        centre = town.xy[rng.choice(len(town.xy), p=town.share)]
        dist = np.hypot(*(town.xy - centre).T)
        order = np.argsort(dist, kind="stable")
        reach = np.searchsorted(np.cumsum(town.share[order]), share)
        if reach < len(order) and dist[order[reach]] <= MAX_RADIUS:
            break
    else:
        raise ValueError(f"no circle of at most {MAX_RADIUS:g} m holds {baseline} events a week")
    radius = float(dist[order[reach]])
    inside = order[: reach + 1]
    days = np.arange(onset, last_day + 1)
    rate = (RR - 1) * town.share[inside].sum() * daily_rate(days)
    day = np.repeat(days, rng.poisson(rate))
    p = town.share[inside] / town.share[inside].sum()
    return rng.choice(inside, size=len(day), p=p), day, centre, radius


def alarms_on(town: Town, address: np.ndarray, day: np.ndarray, analysis_day: int) -> list[Any]:
    """The clusters of the weekly analysis on ``analysis_day`` with p ≤ ALPHA."""
    upto = day <= analysis_day
    xy = town.xy[address[upto]]
    t = (ORIGIN + day[upto].astype("timedelta64[D]")).astype("datetime64[s]")
    result = scan.space_time_scan(
        xy[:, 0], xy[:, 1], t, max_radius=MAX_RADIUS, max_days=MAX_DAYS, study_days=365,
        end=ORIGIN + np.timedelta64(int(analysis_day), "D"), replicates=REPLICATES,
        seed=int(analysis_day), interval_days=7.0,
    )  # fmt: skip
    return [c for c in result.clusters if c.p <= ALPHA + 1e-12]


def false_alarms(years: int) -> dict[str, Any]:
    """Alarms of a year of weekly analyses on each of ``years`` null data sets."""
    per_year = []
    for y in range(years):
        town = make_town(1001 + y)
        address, day = background(town, 1001 + y)
        per_year.append(sum(len(alarms_on(town, address, day, int(a))) > 0 for a in ANALYSIS_DAYS))
        print(f"null year {y + 1}: {per_year[-1]} alarm weeks", file=sys.stderr, flush=True)
    return {
        "null_years": years,
        "analyses": years * len(ANALYSIS_DAYS),
        "alarm_weeks_per_year": per_year,
        "false_alarms_per_year": float(np.mean(per_year)),
    }


def power(baseline: float, trials: int) -> dict[str, Any]:
    """Share of planted clusters found within 14 days of onset, and when."""
    found, delays = 0, []
    for trial in range(trials):
        town = make_town(1001 + trial % 3)
        address, day = background(town, 1001 + trial % 3)
        rng = np.random.default_rng(2000 + trial)
        onset = int(rng.integers(ANALYSIS_DAYS[0], ANALYSIS_DAYS[-2] + 1))
        extra_address, extra_day, centre, radius = plant(town, rng, baseline, onset, onset + 13)
        address = np.concatenate([address, extra_address])
        day = np.concatenate([day, extra_day])
        within = np.abs(ANALYSIS_DAYS - onset - 6.5) <= 6.5  # onset … onset + 13
        for a in ANALYSIS_DAYS[within]:
            hits = [
                c
                for c in alarms_on(town, address, day, int(a))
                if np.hypot(c.x - centre[0], c.y - centre[1]) <= c.radius + radius
            ]
            if hits:
                found += 1
                delays.append(int(a) - onset)
                break
    print(f"baseline {baseline}/week: {found} of {trials} found", file=sys.stderr, flush=True)
    return {
        "baseline_events_per_week": baseline,
        "events_per_week_during_cluster": baseline * RR,
        "trials": trials,
        "found_within_14_days": found,
        "share_found": found / trials,
        "days_from_onset_to_alarm": delays,
    }


def areas_of(town: Town, seed: int) -> np.ndarray:
    """Each address's area: the nearest of N_AREAS seed addresses drawn by attractiveness."""
    rng = np.random.default_rng(seed)
    seeds = town.xy[rng.choice(len(town.xy), size=N_AREAS, replace=False, p=town.share)]
    return np.argmin(np.hypot(*(town.xy[:, None, :] - seeds[None, :, :]).transpose(2, 0, 1)), 1)


def cusum_alarms(area: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Alarm flags (area × week of the second year) of the weekly Poisson CUSUM per area.

    In-control mean from the first year, shift to detect RR (k from mu0 and RR·mu0), and an
    in-control ARL of N_AREAS years per area: one false alarm a year over all areas.
    """
    t = (ORIGIN + day.astype("timedelta64[D]")).astype("datetime64[s]")
    labels, _, counts = alarms.weekly_counts(area, t)
    full = np.zeros((N_AREAS, 104), dtype=np.int64)
    full[labels] = counts[:, :104]
    return alarms.cusum_chart(full, 52, shift=RR, arl0=52.0 * N_AREAS).alarm


def cusum_detection(trials: int, years: int) -> dict[str, Any]:
    """Per-area CUSUM: false alarms on the null years, and clusters planted in one area."""
    per_year = []
    for y in range(years):
        town = make_town(1001 + y)
        address, day = background(town, 1001 + y)
        per_year.append(int(cusum_alarms(areas_of(town, 1001 + y)[address], day).sum()))
    found, by_baseline = 0, []
    for trial in range(trials):
        town = make_town(1001 + trial % 3)
        area_of = areas_of(town, 1001 + trial % 3)
        address, day = background(town, 1001 + trial % 3)
        rng = np.random.default_rng(3000 + trial)
        target = int(rng.integers(N_AREAS))
        onset = int(rng.integers(ANALYSIS_DAYS[0], ANALYSIS_DAYS[-2] + 1))
        inside = np.flatnonzero(area_of == target)
        days = np.arange(onset, onset + 14)
        rate = (RR - 1) * town.share[inside].sum() * daily_rate(days)
        extra_day = np.repeat(days, rng.poisson(rate))
        p = town.share[inside] / town.share[inside].sum()
        extra = rng.choice(inside, size=len(extra_day), p=p)
        flags = cusum_alarms(
            area_of[np.concatenate([address, extra])], np.concatenate([day, extra_day])
        )
        weeks = np.abs(ANALYSIS_DAYS - onset - 6.5) <= 6.5  # weeks ending within 14 days
        hit = bool(flags[target, weeks].any())
        found += hit
        baseline = town.share[inside].sum() * EVENTS_PER_YEAR / 52
        by_baseline.append({"baseline_per_week": round(float(baseline), 2), "found": hit})
    print(f"CUSUM: {found} of {trials} found", file=sys.stderr, flush=True)
    return {
        "method": f"weekly Poisson CUSUM per area ({N_AREAS} areas: nearest of {N_AREAS} "
        "seed addresses), k for mu1 = 3 mu0, in-control ARL 12 years per area",
        "null_years": years,
        "alarms_per_year": per_year,
        "false_alarms_per_year": float(np.mean(per_year)),
        "trials": trials,
        "share_found_within_14_days": found / trials,
        "trials_by_area_baseline": by_baseline,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials and null years")
    args = parser.parse_args()
    trials, years = (6, 1) if args.quick else (20, 5)
    baselines = [4.0, 8.0] if args.quick else [2.0, 4.0, 6.0, 8.0, 10.0]
    start = time.perf_counter()
    null = false_alarms(years)
    scenarios = [power(b, trials) for b in baselines]
    per_area = cusum_detection(10 * trials, 4 * years)
    meeting = [s["baseline_events_per_week"] for s in scenarios if s["share_found"] >= 0.9]
    out = {
        "benchmark": "detection power of the weekly prospective scan, planted clusters at RR 3",
        "generator": "bench/bench_detection.py module docstring (seeds 1001.., 2000 + trial)",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "surveillance": {
            "analyses": "weekly, last 365 days",
            "max_radius_m": MAX_RADIUS,
            "max_days": MAX_DAYS,
            "replicates": REPLICATES,
            "alarm": "p <= 7/365 (recurrence interval >= 1 year)",
        },
        "null": null,
        "scenarios": scenarios,
        "per_area_cusum": per_area,
        "targets": {
            "share_found_within_14_days": ">= 0.9 at RR 3",
            "false_alarms_per_year": "<= 1",
        },
        "false_alarm_target_met": null["false_alarms_per_year"] <= 1,
        "power_target_met_from_baseline_per_week": min(meeting) if meeting else None,
        "seconds": time.perf_counter() - start,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
