"""Evaluation of an intervention: before/after in a target area against a control area.

With a = target before, b = target after, c = control before, d = control after (counts over
periods of the same length in both areas, or at least the same periods):

* Difference-in-differences on Poisson counts, as a ratio of rate ratios:
  RR = (b / a) / (d / c), log RR ± z sqrt(1/a + 1/b + 1/c + 1/d) (each count's Poisson
  variance on the log scale, the delta method). RR < 1: the target fell relative to the
  control; the percentage change is 100 (RR − 1).
* The relative effect size (Welsh BC, Farrington DP, 2009, "Public area CCTV and crime
  prevention: an updated systematic review and meta-analysis", Justice Quarterly 26(4):
  716–745): RES = (a d) / (b c) = 1 / RR, with the same variance of its log, optionally
  multiplied by an overdispersion factor. RES > 1: a desirable effect.
* The weighted displacement quotient (Bowers KJ, Johnson SD, 2003, "Measuring the
  geographical displacement and diffusion of benefit effects of crime prevention activity",
  Journal of Quantitative Criminology 19(3): 275–301), with B_b, B_a the counts in the
  buffer around the target before and after:

      success measure  SM  = b / d − a / c         (target after and before, each
                                                    relative to the control),
      buffer measure   BM  = B_a / d − B_b / c,
      WDQ = BM / SM.

  SM < 0 means success (the target improved relative to the control); only then is the
  WDQ interpretable: WDQ > 0 diffusion of benefits into the buffer, WDQ < 0 displacement,
  |WDQ| > 1 a buffer effect larger than the direct effect. The total net effect (Guerette
  RT, 2009, "Analyzing crime displacement and diffusion", Problem-Oriented Guides for
  Police, Tool Guide 10) counts the events prevented in the target and buffer together,
  each against what the control's trend predicts: TNE = (a d / c − b) + (B_b d / c − B_a).

When a count is zero, 0.5 is added to each of a, b, c, d for the ratios (Haldane–Anscombe).
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from trygg.analysis.io import AnalysisError

if TYPE_CHECKING:
    from trygg.analysis.io import Events


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio with its confidence interval and two-sided p-value (H0: ratio = 1)."""

    estimate: float
    ci_low: float
    ci_high: float
    log_se: float
    p: float


@dataclass(frozen=True)
class Displacement:
    """Bowers & Johnson's measures for a buffer around the target."""

    success_measure: float
    buffer_measure: float
    wdq: float | None
    total_net_effect: float
    interpretation: str


@dataclass(frozen=True)
class Evaluation:
    """Counts and every measure computed from them."""

    target_before: int
    target_after: int
    control_before: int
    control_after: int
    buffer_before: int | None
    buffer_after: int | None
    rate_ratio: RatioEstimate
    percent_change: tuple[float, float, float]
    relative_effect_size: RatioEstimate
    displacement: Displacement | None
    continuity_correction: float


def _corrected(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float, float]:
    """The four counts with 0.5 added to each when any is zero, and the correction."""
    add = 0.5 if min(a, b, c, d) == 0 else 0.0
    return a + add, b + add, c + add, d + add, add


def ratio_of_ratios(
    a: float, b: float, c: float, d: float, level: float = 0.95, dispersion: float = 1.0
) -> RatioEstimate:
    """(b / a) / (d / c) with its Wald interval on the log scale (Poisson variances)."""
    a, b, c, d, _ = _corrected(a, b, c, d)
    log_rr = math.log(b) - math.log(a) - math.log(d) + math.log(c)
    se = math.sqrt(dispersion * (1 / a + 1 / b + 1 / c + 1 / d))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = math.erfc(abs(log_rr) / se / math.sqrt(2))  # two-sided normal p-value
    return RatioEstimate(
        math.exp(log_rr), math.exp(log_rr - z * se), math.exp(log_rr + z * se), se, float(p)
    )


def relative_effect_size(
    a: float, b: float, c: float, d: float, level: float = 0.95, dispersion: float = 1.0
) -> RatioEstimate:
    """Welsh & Farrington's RES = (a d) / (b c) with its interval (see the module doc)."""
    rr = ratio_of_ratios(a, b, c, d, level, dispersion)
    return RatioEstimate(1 / rr.estimate, 1 / rr.ci_high, 1 / rr.ci_low, rr.log_se, rr.p)


def displacement(
    a: float, b: float, c: float, d: float, buffer_before: float, buffer_after: float
) -> Displacement:
    """Bowers & Johnson's success measure, buffer measure and WDQ; Guerette's net effect."""
    a, b, c, d, _ = _corrected(a, b, c, d)
    success = b / d - a / c
    buffer = buffer_after / d - buffer_before / c
    wdq = buffer / success if success != 0 else None
    net = (a * d / c - b) + (buffer_before * d / c - buffer_after)
    return Displacement(success, buffer, wdq, net, _interpret(success, wdq))


def _interpret(success: float, wdq: float | None) -> str:
    """Bowers & Johnson's reading of the WDQ."""
    if success >= 0 or wdq is None:
        return "no success in the target relative to the control: WDQ not interpretable"
    if wdq > 1:
        return "diffusion of benefits larger than the direct effect"
    if wdq > 0:
        return "diffusion of benefits"
    if wdq == 0:
        return "no displacement or diffusion"
    if wdq >= -1:
        return "displacement, smaller than the direct effect (net benefit)"
    return "displacement larger than the direct effect (net harm)"


def evaluate_counts(
    a: int,
    b: int,
    c: int,
    d: int,
    buffer_before: int | None = None,
    buffer_after: int | None = None,
    *,
    level: float = 0.95,
    dispersion: float = 1.0,
) -> Evaluation:
    """Every measure from the counts; the buffer ones when the buffer counts are given."""
    rr = ratio_of_ratios(a, b, c, d, level, dispersion)
    disp = None
    if buffer_before is not None and buffer_after is not None:
        disp = displacement(a, b, c, d, buffer_before, buffer_after)
    return Evaluation(
        target_before=a,
        target_after=b,
        control_before=c,
        control_after=d,
        buffer_before=buffer_before,
        buffer_after=buffer_after,
        rate_ratio=rr,
        percent_change=(
            100 * (rr.estimate - 1),
            100 * (rr.ci_low - 1),
            100 * (rr.ci_high - 1),
        ),
        relative_effect_size=relative_effect_size(a, b, c, d, level, dispersion),
        displacement=disp,
        continuity_correction=_corrected(a, b, c, d)[4],
    )


def period_masks(
    t: NDArray[np.datetime64], intervention: str, before_days: int, after_days: int
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Events in [date − before_days, date) and in [date, date + after_days)."""
    day = np.asarray(t).astype("datetime64[D]")
    start = np.datetime64(intervention, "D")
    before = (day >= start - np.timedelta64(before_days, "D")) & (day < start)
    after = (day >= start) & (day < start + np.timedelta64(after_days, "D"))
    return before, after


def evaluate_events(
    t: NDArray[np.datetime64],
    in_target: NDArray[np.bool_],
    in_control: NDArray[np.bool_],
    in_buffer: NDArray[np.bool_] | None,
    intervention: str,
    before_days: int,
    after_days: int,
    **kwargs: Any,
) -> Evaluation:
    """Counts events per area and period, then ``evaluate_counts``."""
    before, after = period_masks(t, intervention, before_days, after_days)
    counts = [
        int((area & period).sum()) for area in (in_target, in_control) for period in (before, after)
    ]
    a, b, c, d = counts
    if in_buffer is None:
        return evaluate_counts(a, b, c, d, **kwargs)
    return evaluate_counts(
        a, b, c, d, int((in_buffer & before).sum()), int((in_buffer & after).sum()), **kwargs
    )


# --- the command line: areas as bounding boxes or GeoJSON polygons ---------------------------


def add_cli(subparsers: Any) -> None:
    """``trygg analyse evaluate``: before/after, target vs control, with a buffer."""
    p = subparsers.add_parser(
        "evaluate",
        help="evaluation: difference-in-differences, relative effect size, WDQ",
        description="Did an intervention work? Counts before and after an intervention date in "
        "a target area, a control area and a buffer ring around the target. An area is a box "
        "'xmin,ymin,xmax,ymax' in the input's coordinates (--target) or a GeoJSON file "
        "(--target-file, WGS84 as RFC 7946 says). Without a control, the control is every "
        "event outside the target and its buffer.",
    )
    p.add_argument("--target", help="xmin,ymin,xmax,ymax in the input's coordinates")
    p.add_argument("--target-file", help="GeoJSON (Multi)Polygon(s) of the target, WGS84")
    p.add_argument("--control", help="xmin,ymin,xmax,ymax (default: all outside target+buffer)")
    p.add_argument("--control-file", help="GeoJSON of the control area, WGS84")
    p.add_argument("--buffer", type=float, default=0.0, help="buffer ring width, metres")
    p.add_argument("--intervention-date", required=True, help="YYYY-MM-DD, first day after")
    p.add_argument("--before-days", type=int, default=365)
    p.add_argument("--after-days", type=int, default=365)
    p.add_argument("--level", type=float, default=0.95, help="confidence level (0.95)")
    p.add_argument("--dispersion", type=float, default=1.0, help="variance inflation (1)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per measure, with the counts in the summary."""
    import shapely

    target = _area(args.target, args.target_file, events, "target")
    if target is None:
        raise AnalysisError("give the target area: --target xmin,ymin,xmax,ymax or --target-file")
    ring = target.buffer(args.buffer).difference(target) if args.buffer > 0 else None
    control = _area(args.control, args.control_file, events, "control")
    taken = target if ring is None else target.union(ring)
    in_target = shapely.contains_xy(target, events.x, events.y)
    in_taken = shapely.contains_xy(taken, events.x, events.y)
    if control is None:
        in_control = ~in_taken
    else:
        in_control = shapely.contains_xy(control, events.x, events.y) & ~in_taken
    in_buffer = None if ring is None else in_taken & ~in_target
    result = evaluate_events(
        events.require_time("evaluate"),
        in_target,
        in_control,
        in_buffer,
        args.intervention_date,
        args.before_days,
        args.after_days,
        level=args.level,
        dispersion=args.dispersion,
    )
    return {
        "method": "evaluate",
        "params": {
            "intervention_date": args.intervention_date,
            "before_days": args.before_days,
            "after_days": args.after_days,
            "buffer_m": args.buffer,
            "control": "given area outside target and buffer" if control else "all the rest",
            "level": args.level,
            "dispersion": args.dispersion,
        },
        "summary": _counts(result),
        "rows": _measure_rows(result),
    }


def _counts(ev: Evaluation) -> dict[str, Any]:
    keys = ["target_before", "target_after", "control_before", "control_after"]
    keys += ["buffer_before", "buffer_after", "continuity_correction"]
    return {k: getattr(ev, k) for k in keys}


def _measure_rows(ev: Evaluation) -> list[dict[str, Any]]:
    """The measures as rows: name, value, interval, p and how to read it."""
    rr, res = ev.rate_ratio, ev.relative_effect_size
    rows: list[dict[str, Any]] = [
        {"measure": "rate_ratio_did", "value": rr.estimate, "ci_low": rr.ci_low}
        | {"ci_high": rr.ci_high, "p": rr.p, "reading": "< 1: target fell relative to control"},
        {"measure": "percent_change", "value": ev.percent_change[0]}
        | {"ci_low": ev.percent_change[1], "ci_high": ev.percent_change[2], "p": rr.p},
        {"measure": "relative_effect_size", "value": res.estimate, "ci_low": res.ci_low}
        | {"ci_high": res.ci_high, "p": res.p, "reading": "> 1: desirable effect"},
    ]
    if ev.displacement is not None:
        d = asdict(ev.displacement)
        reading = d.pop("interpretation")
        rows += [{"measure": k, "value": v} for k, v in d.items()]
        for row in rows:
            if row["measure"] == "wdq":
                row["reading"] = reading
    return rows


def _area(box: str | None, path: str | None, events: Events, name: str) -> Any:
    """A shapely geometry in the events' metric system, from a box or a GeoJSON file."""
    import shapely

    from trygg.analysis.io import project

    if box and path:
        raise AnalysisError(f"give --{name} or --{name}-file, not both")
    if box:
        try:
            xmin, ymin, xmax, ymax = (float(v) for v in box.split(","))
        except ValueError:
            raise AnalysisError(f"--{name} must be xmin,ymin,xmax,ymax, got {box!r}") from None
        geom = shapely.box(xmin, ymin, xmax, ymax)
        source = events.input_crs
    elif path:
        geom = _read_geojson(Path(path), name)
        source = "EPSG:4326"
    else:
        return None
    if source == events.crs:
        return geom
    geom = shapely.segmentize(geom, max_segment_length=_segment(geom))
    return shapely.transform(
        geom, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1], source, events.crs))
    )


def _segment(geom: Any) -> float:
    """A segment length that keeps a reprojected outline within metres of the curve."""
    xmin, ymin, xmax, ymax = geom.bounds
    return max(xmax - xmin, ymax - ymin) / 100 or 1.0


def _read_geojson(path: Path, name: str) -> Any:
    """The union of the (Multi)Polygons of a GeoJSON file (FeatureCollection or geometry)."""
    import shapely
    from shapely.geometry import shape

    if not path.is_file():
        raise AnalysisError(f"--{name}-file not found: {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features", [data])
    geoms = [shape(f.get("geometry", f)) for f in features]
    polygons = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise AnalysisError(f"{path} holds no polygon for the {name} area")
    return shapely.union_all(polygons)
