"""Priorities: a transparent need score per area next to the group's possibility to influence.

For the EST group's quarterly need × influence matrix. Per area, for the current period
(the ``period_days`` days up to the end) and the period before it:

* volume: the events of the current period, per 1 000 inhabitants when the population is
  given;
* severity: the sum of the events' severity weights (a weight per category, 1 for a
  category without one), per 1 000 inhabitants when the population is given;
* trend: 2(√a − √b) with a, b the events of the current and the previous period, roughly a
  standard normal score under no change (the variance-stabilised difference of Poisson
  counts, Anscombe 1948);
* unsafety: the share of survey respondents who feel unsafe (as given, e.g. per cent), when
  survey results are given.

Each component is scaled over the areas to 0–1 by min–max, s = (v − min) / (max − min)
(0 for all when every area has the same value), and the need score is
100 · Σ w_c s_c / Σ w_c over the components present for that area (an area without survey
results is scored on the others). Every input, raw value, scaled value,
weight, contribution and the minima and maxima used are returned, so that every number
traces back to its inputs.

The influence rating (e.g. 1–5, the group's own judgement) is an input. An area is "high
need" when its score is at least the threshold (default: the median over the areas) and
"high influence" when its rating is at least the threshold (default 3). The quadrants:
"act" (high need, high influence), "collaborate" (high need, low influence: work with those
who can influence), "maintain" (low need, high influence), "monitor" (low need, low
influence).
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from trygg.analysis.alarms import add_area_options, area_labels
from trygg.analysis.io import AnalysisError, decode

if TYPE_CHECKING:
    from trygg.analysis.io import Events

COMPONENTS = ("volume", "severity", "trend", "unsafety")
DEFAULT_WEIGHTS = dict.fromkeys(COMPONENTS, 1.0)
QUADRANTS = {
    (True, True): "act",
    (True, False): "collaborate",
    (False, True): "maintain",
    (False, False): "monitor",
}


@dataclass(frozen=True)
class AreaInputs:
    """What the score is computed from, one element per area."""

    area: list[str]
    current: NDArray[np.float64]
    previous: NDArray[np.float64]
    severity_sum: NDArray[np.float64]
    population: NDArray[np.float64] | None = None
    unsafety: NDArray[np.float64] | None = None
    influence: NDArray[np.float64] | None = None


def components(inputs: AreaInputs) -> dict[str, NDArray[np.float64]]:
    """The raw value of every component present (see the module doc)."""
    per: float | NDArray[np.float64] = 1.0
    if inputs.population is not None:
        if np.any(inputs.population <= 0):
            raise AnalysisError("every area needs a positive population")
        per = 1000.0 / inputs.population
    out = {
        "volume": inputs.current * per,
        "severity": inputs.severity_sum * per,
        "trend": 2 * (np.sqrt(inputs.current) - np.sqrt(inputs.previous)),
    }
    if inputs.unsafety is not None:
        out["unsafety"] = inputs.unsafety
    return out


def min_max(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], float, float]:
    """(v − min) / (max − min) over the areas, the min and the max; NaN stays NaN."""
    if np.all(np.isnan(values)):
        return values.copy(), float("nan"), float("nan")
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if hi == lo:
        return np.where(np.isnan(values), np.nan, 0.0), lo, hi
    return (values - lo) / (hi - lo), lo, hi


def need_scores(
    inputs: AreaInputs,
    weights: dict[str, float] | None = None,
    need_threshold: float | None = None,
    influence_threshold: float = 3.0,
) -> dict[str, Any]:
    """Need score, its components and the quadrant of every area, all traceable."""
    weights = DEFAULT_WEIGHTS | (weights or {})
    raw = components(inputs)
    used = {c: weights[c] for c in raw if weights[c] > 0}
    if not used:
        raise AnalysisError("at least one component needs a positive weight")
    scaled, scaling = {}, {}
    for name in used:
        scaled[name], lo, hi = min_max(raw[name])
        scaling[name] = {"min": lo, "max": hi}
    total_weight = np.sum([np.where(np.isnan(scaled[c]), 0.0, used[c]) for c in used], axis=0)
    contribution = {c: 100 * used[c] * scaled[c] / total_weight for c in used}
    need = np.nansum([contribution[c] for c in used], axis=0)
    threshold = float(np.median(need)) if need_threshold is None else need_threshold
    rows = [
        _row(inputs, a, raw, scaled, contribution, need, threshold, influence_threshold)
        | {"weight_sum": float(total_weight[a])}
        for a in range(len(inputs.area))
    ]
    return {
        "weights": used,
        "scaling": scaling,
        "need_threshold": threshold,
        "influence_threshold": influence_threshold,
        "rows": sorted(rows, key=lambda r: -r["need"]),
    }


def _row(
    inputs: AreaInputs,
    a: int,
    raw: dict[str, NDArray[np.float64]],
    scaled: dict[str, NDArray[np.float64]],
    contribution: dict[str, NDArray[np.float64]],
    need: NDArray[np.float64],
    need_threshold: float,
    influence_threshold: float,
) -> dict[str, Any]:
    """One area's inputs, components and placement."""
    row: dict[str, Any] = {
        "area": inputs.area[a],
        "events": float(inputs.current[a]),
        "events_previous": float(inputs.previous[a]),
        "severity_sum": float(inputs.severity_sum[a]),
        "population": None if inputs.population is None else float(inputs.population[a]),
    }
    for name in contribution:
        measured = bool(np.isfinite(raw[name][a]))
        row[name] = float(raw[name][a]) if measured else None
        row[f"{name}_scaled"] = float(scaled[name][a]) if measured else None
        row[f"{name}_points"] = float(contribution[name][a]) if measured else None
    row["need"] = float(need[a])
    influence = None if inputs.influence is None else float(inputs.influence[a])
    row["influence"] = influence
    if influence is not None and np.isfinite(influence):
        high = (bool(need[a] >= need_threshold), influence >= influence_threshold)
        row["quadrant"] = QUADRANTS[high]
    else:
        row["quadrant"] = None
    return row


def period_counts(
    area: NDArray[Any],
    t: NDArray[np.datetime64],
    end: str | None,
    period_days: int,
    severity: NDArray[np.float64],
) -> tuple[list[str], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], str]:
    """Per area: events in the current and the previous period and the severity sum.

    The current period is the ``period_days`` days up to ``end`` (default: the last event's
    day), the previous one the ``period_days`` days before it. Returns also the period.
    """
    day = np.asarray(t).astype("datetime64[D]")
    last = day.max() if end is None else np.datetime64(end, "D")
    first = last - np.timedelta64(period_days - 1, "D")
    current = (day >= first) & (day <= last)
    previous = (day >= first - np.timedelta64(period_days, "D")) & (day < first)
    labels, index = np.unique(np.asarray(area), return_inverse=True)
    index = index.ravel()
    n = len(labels)
    return (
        [str(v) for v in labels],
        np.bincount(index[current], minlength=n).astype(np.float64),
        np.bincount(index[previous], minlength=n).astype(np.float64),
        np.bincount(index[current], weights=severity[current], minlength=n),
        f"{first} – {last}",
    )


# --- the command line ---------------------------------------------------------------------


def add_cli(subparsers: Any) -> None:
    """``trygg analyse priorities``: need score per area and the need × influence matrix."""
    p = subparsers.add_parser(
        "priorities",
        help="priorities: transparent need score per area × the group's influence",
        description="Need score per area (volume, severity, trend, perceived unsafety), each "
        "component and weight shown, placed against the group's rating of its possibility to "
        "influence. Area tables are CSV files with the area in the first column and the value "
        "in the second.",
    )
    add_area_options(p)
    p.add_argument("--period-days", type=int, default=91, help="period length (91: a quarter)")
    p.add_argument("--end", help="last day of the current period (default: last event)")
    p.add_argument("--population", help="CSV: area, inhabitants")
    p.add_argument("--survey", help="CSV: area, share feeling unsafe")
    p.add_argument("--influence", help="CSV: area, the group's rating (e.g. 1–5)")
    p.add_argument("--severity", help="category weights: 'assault=3,theft=1' or a CSV")
    p.add_argument("--weights", help="component weights: 'volume=1,severity=1,trend=1,unsafety=1'")
    p.add_argument("--need-threshold", type=float, help="high need from (default: median)")
    p.add_argument("--influence-threshold", type=float, default=3.0, help="high from (3)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per area, highest need first."""
    area, described = area_labels(args, events)
    severity_of = _pairs(args.severity) if args.severity else {}
    category = events.category if events.category is not None else np.full(len(events), "")
    severity = np.array([severity_of.get(str(c), 1.0) for c in category], dtype=np.float64)
    labels, current, previous, sev, period = period_counts(
        area, events.require_time("priorities"), args.end, args.period_days, severity
    )
    inputs = AreaInputs(
        area=labels,
        current=current,
        previous=previous,
        severity_sum=sev,
        population=_per_area(args.population, labels, "population", required=True),
        unsafety=_per_area(args.survey, labels, "survey"),
        influence=_per_area(args.influence, labels, "influence"),
    )
    weights = _pairs(args.weights) if args.weights else None
    if weights and set(weights) - set(COMPONENTS):
        raise AnalysisError(f"weights are for {', '.join(COMPONENTS)}; got {sorted(weights)}")
    result = need_scores(inputs, weights, args.need_threshold, args.influence_threshold)
    quadrants = [r["quadrant"] for r in result["rows"] if r["quadrant"]]
    return {
        "method": "priorities",
        "params": {
            "areas": described,
            "period": period,
            "period_days": args.period_days,
            "severity_weights": severity_of or "1 for every category",
            "weights": result["weights"],
            "scaling": result["scaling"],
            "need_threshold": result["need_threshold"],
            "influence_threshold": result["influence_threshold"],
            "need": "100 · Σ weight · (value − min) / (max − min) / Σ weight",
        },
        "summary": {"areas": len(labels)} | {q: quadrants.count(q) for q in QUADRANTS.values()},
        "rows": result["rows"],
    }


def _pairs(text: str) -> dict[str, float]:
    """'a=1,b=2' or a CSV file of name, value into a dict."""
    if Path(text).is_file():
        return {k: v for k, v in _read_area_table(Path(text)).items() if np.isfinite(v)}
    out = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise AnalysisError(f"expected name=number pairs, got {part!r}") from None
        if not sep:
            raise AnalysisError(f"expected name=number pairs, got {part!r}")
    return out


def _read_area_table(path: Path) -> dict[str, float]:
    """First column → second column (a number) of a CSV with a header line."""
    text = decode(path.read_bytes())
    sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=sep))[1:]
    out = {}
    for r in rows:
        if len(r) >= 2 and r[0].strip():
            try:
                out[r[0].strip()] = float(r[1].replace(",", ".") if sep == ";" else r[1])
            except ValueError:
                raise AnalysisError(f"{path}: {r[1]!r} is not a number ({r[0]})") from None
    return out


def _per_area(
    path: str | None, labels: list[str], what: str, required: bool = False
) -> NDArray[np.float64] | None:
    """Values of a CSV table for each area (NaN where missing; an error if required)."""
    if not path:
        return None
    table = _read_area_table(Path(path))
    missing = [a for a in labels if a not in table]
    if required and missing:
        raise AnalysisError(f"{path} has no {what} for area(s) {', '.join(missing[:5])}")
    return np.array([table.get(a, np.nan) for a in labels], dtype=np.float64)
