"""Early warning: the prospective space-time permutation scan statistic.

Kulldorff M, Heffernan R, Hartman J, Assunção R, Mostashari F (2005). "A space-time
permutation scan statistic for disease outbreak detection". PLoS Medicine 2(3): e59.

The scan window is a cylinder: its base is a circle around a location (an event location, or
a grid cell when ``cell`` is given) holding the nearest locations up to ``max_radius`` metres
(a circle always holds every location at the same distance), its height a period of 1 to
``max_days`` days that ends on the last day of the study period (prospective: only clusters
that are still going on). With c[l, d] the events at location l on day d and N the total in the
study period, the expected count of a cylinder Z = A × D under space-time independence is

    mu_Z = sum_{l in A, d in D} N_l N_d / N = N_A N_D / N,

and its Poisson generalised log-likelihood ratio, for n_Z > mu_Z only, is

    LLR = n log(n / mu) + (N − n) log((N − n) / (N − mu)).

Inference is by Monte Carlo: the days are permuted among the events (which keeps every N_l
and N_d, so every mu_Z), the maximum LLR is recomputed for each of R ≥ 999 replicates, and a
cluster's p-value is (1 + #{replicates with max LLR ≥ its LLR}) / (R + 1), as in SaTScan. Its
recurrence interval is the analysis interval (1 day for daily surveillance) divided by p.
Secondary clusters are the best cylinders of the other centres that share no location with a
cluster already reported (SaTScan's "no geographical overlap"); their p-values are taken from
the same distribution of the maximum (conservative).

Speed: for a fixed duration, n is constant between two locations that have events in the
window while mu grows, so the maximum over radii is reached at a circle whose outermost
location holds a window event; likewise in time. Each centre therefore only needs the window
events inside its largest circle, found through an inverted neighbour index built once; the
replicates run in parallel in compiled code (numba).
"""

from __future__ import annotations

import argparse
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from trygg.analysis.io import AnalysisError

if TYPE_CHECKING:
    from trygg.analysis.io import Events

MIN_REPLICATES = 999


@dataclass(frozen=True)
class Cylinders:
    """The circles of every centre, as compressed neighbour lists sorted by distance.

    ``nb_start[c]:nb_start[c + 1]`` are centre c's slots; slot s holds the location
    ``nb_loc[s]`` at ``nb_dist[s]`` metres, and ``nb_cum[s]`` is N_A of the circle that ends at
    that slot's distance (ties included). The inverted index ``inv_start[l]:inv_start[l + 1]``
    lists for location l each centre ``inv_centre`` whose circles hold it, and the slot
    ``inv_slot`` of the smallest such circle.
    """

    centre_xy: NDArray[np.float64]
    nb_start: NDArray[np.int64]
    nb_loc: NDArray[np.int64]
    nb_dist: NDArray[np.float64]
    nb_cum: NDArray[np.int64]
    inv_start: NDArray[np.int64]
    inv_centre: NDArray[np.int64]
    inv_slot: NDArray[np.int64]


@dataclass(frozen=True)
class Cluster:
    """One space-time cluster still going on at the end of the study period."""

    x: float
    y: float
    radius: float
    start: str
    end: str
    days: int
    locations: int
    observed: int
    expected: float
    relative_risk: float
    llr: float
    p: float
    recurrence_days: float


@dataclass(frozen=True)
class ScanResult:
    """Clusters ordered by LLR, with what the analysis was run on."""

    clusters: list[Cluster]
    n_events: int
    study_start: str
    study_end: str
    replicates: int
    null_max_llr: NDArray[np.float64]


def locations_of(
    x: NDArray[np.float64], y: NDArray[np.float64], cell: float | None = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distinct event locations (or grid-cell centres when ``cell`` is given) and each event's.

    Returns (location coordinates as an (L, 2) array, location index of every event).
    """
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    if cell is not None:
        xy = (np.floor(xy / cell) + 0.5) * cell
    loc_xy, loc_of_event = np.unique(xy, axis=0, return_inverse=True)
    return loc_xy, loc_of_event.reshape(-1).astype(np.int64)


def build_cylinders(
    loc_xy: NDArray[np.float64],
    loc_count: NDArray[np.int64],
    max_radius: float,
    max_share: float = 0.5,
) -> Cylinders:
    """Neighbour lists of every location-centred circle up to ``max_radius`` metres.

    A circle is cut before it would hold more than ``max_share`` of all events (SaTScan's
    maximum spatial cluster size as a share of the population at risk).
    """
    tree = cKDTree(loc_xy)
    pairs = tree.sparse_distance_matrix(tree, max_radius, output_type="ndarray")
    other = pairs["i"] != pairs["j"]
    # Every location is its own neighbour at distance 0 (whether the tree lists it or not).
    n_loc = len(loc_xy)
    own = np.arange(n_loc, dtype=np.int64)
    centre = np.concatenate([own, pairs["i"][other].astype(np.int64)])
    loc = np.concatenate([own, pairs["j"][other].astype(np.int64)])
    dist = np.concatenate([np.zeros(n_loc), pairs["v"][other]])
    order = np.lexsort((loc, dist, centre))
    centre, loc, dist = centre[order], loc[order], dist[order]
    nb_start = np.searchsorted(centre, np.arange(n_loc + 1)).astype(np.int64)
    group_end = _tie_group_ends(nb_start, dist)
    cum = _cumulative_within(nb_start, loc_count[loc].astype(np.int64))[group_end]
    keep = cum <= max_share * loc_count.sum()
    keep[nb_start[:-1]] = True  # a circle always holds its own centre
    centre, loc, dist, cum = centre[keep], loc[keep], dist[keep], cum[keep]
    nb_start = np.searchsorted(centre, np.arange(n_loc + 1)).astype(np.int64)
    group_end = _tie_group_ends(nb_start, dist)
    inv_order = np.argsort(loc, kind="stable")
    return Cylinders(
        centre_xy=loc_xy,
        nb_start=nb_start,
        nb_loc=loc,
        nb_dist=dist,
        nb_cum=cum,
        inv_start=np.searchsorted(loc[inv_order], np.arange(n_loc + 1)).astype(np.int64),
        inv_centre=centre[inv_order],
        inv_slot=group_end[inv_order],
    )


def _tie_group_ends(nb_start: NDArray[np.int64], dist: NDArray[np.float64]) -> NDArray[np.int64]:
    """For every slot, the last slot of its centre at the same distance."""
    slots = np.arange(len(dist), dtype=np.int64)
    last_in_centre = np.zeros(len(dist), dtype=bool)
    last_in_centre[nb_start[1:][nb_start[1:] > nb_start[:-1]] - 1] = True
    is_end = last_in_centre.copy()
    is_end[:-1] |= dist[1:] != dist[:-1]
    ends = slots[is_end]
    return ends[np.searchsorted(ends, slots)]


def _cumulative_within(nb_start: NDArray[np.int64], values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Cumulative sum of ``values`` restarting at every centre's first slot."""
    total = np.cumsum(values)
    sizes = np.diff(nb_start)
    before = np.repeat(total[nb_start[:-1]] - values[nb_start[:-1]], sizes)
    return total - before


@numba.njit(cache=True, inline="always")
def _llr(n: float, mu: float, total: float) -> float:
    """Poisson GLR of a cylinder with n observed and mu expected, 0 unless n > mu."""
    if n <= mu:
        return 0.0
    out = n * math.log(n / mu)
    if total > n:
        out += (total - n) * math.log((total - n) / (total - mu))
    return out


@numba.njit(cache=True)
def _gather(
    ev_loc: NDArray[np.int64],
    ev_k: NDArray[np.int64],
    n_centres: int,
    inv_start: NDArray[np.int64],
    inv_centre: NDArray[np.int64],
    inv_slot: NDArray[np.int64],
    shift: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Window events of every centre's largest circle, keyed ``slot << shift | k``.

    Centre c's keys are ``keys[offsets[c]:offsets[c + 1]]``, in no particular order.
    """
    counts = np.zeros(n_centres + 1, dtype=np.int64)
    for e in range(len(ev_loc)):
        for p in range(inv_start[ev_loc[e]], inv_start[ev_loc[e] + 1]):
            counts[inv_centre[p] + 1] += 1
    offsets = np.cumsum(counts)
    fill = offsets[:-1].copy()
    keys = np.empty(offsets[-1], dtype=np.int64)
    for e in range(len(ev_loc)):
        for p in range(inv_start[ev_loc[e]], inv_start[ev_loc[e] + 1]):
            c = inv_centre[p]
            keys[fill[c]] = (inv_slot[p] << shift) | ev_k[e]
            fill[c] += 1
    return offsets, keys


@numba.njit(cache=True)
def _sort_in_place(a: NDArray[np.int64], lo: int, hi: int) -> None:
    """Sort ``a[lo:hi]``: insertion sort for the few keys most centres have, else numpy's."""
    if hi - lo > 24:
        a[lo:hi].sort()
        return
    for i in range(lo + 1, hi):
        v = a[i]
        j = i - 1
        while j >= lo and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v


@numba.njit(cache=True)
def _add_day(k: int, days: NDArray[np.int64], count: int) -> int:
    """Insert k into the ascending ``days[:count]``; return the new count."""
    j = count
    while j > 0 and days[j - 1] > k:
        days[j] = days[j - 1]
        j -= 1
    days[j] = k
    return count + 1


@numba.njit(cache=True)
def _best_of_centre(
    keys: NDArray[np.int64],
    lo: int,
    hi: int,
    floor: float,
    nb_cum: NDArray[np.int64],
    nd_share: NDArray[np.float64],
    log_nd_share: NDArray[np.float64],
    log_int: NDArray[np.float64],
    min_cases: int,
    shift: int,
    hist: NDArray[np.int64],
    days: NDArray[np.int64],
) -> tuple[float, int, int, int]:
    """Best cylinder of one centre from its sorted keys ``keys[lo:hi]``, if above ``floor``.

    Candidates are the circles ending at a location with window events and the windows
    starting on a day with events in the circle (see the module doc). A candidate is first
    bounded cheaply from above, using log(1 − x) ≤ −x on the second term of the LLR and
    N − mu ≤ N: LLR ≤ n log(n / mu) − (n − mu)(N − n)/N, with the logs tabulated: ``log_int[i]``
    is log i up to N, ``nd_share[k]`` is N_D / N of the last k + 1 days and ``log_nd_share``
    its log. Returns (LLR, slot, k, n), or (floor, -1, -1, 0) when nothing beats ``floor``.
    ``hist`` must be zero and is left zero; ``days`` is scratch space.
    """
    mask = (1 << shift) - 1
    total = len(log_int) - 1
    inv_total = 1.0 / total
    best, best_slot, best_k, best_n = floor, -1, -1, 0
    n_days = 0
    i = lo
    while i < hi:
        slot = keys[i] >> shift
        newest = keys[i] & mask  # the group's smallest k: shorter windows did not change
        while i < hi and keys[i] >> shift == slot:
            k = keys[i] & mask
            if hist[k] == 0:
                n_days = _add_day(k, days, n_days)
            hist[k] += 1
            i += 1
        n_a = nb_cum[slot]
        log_na = log_int[n_a]
        # Every candidate of this circle has n ≤ all its window events and mu ≥ that of k =
        # newest: if even that bound cannot beat the best, skip the circle.
        n = i - lo
        mu = n_a * nd_share[newest]
        if n <= mu or (
            n * (log_int[n] - log_na - log_nd_share[newest]) - (n - mu) * (1.0 - n * inv_total)
            <= best
        ):
            continue
        n = 0
        for j in range(n_days):
            k = days[j]
            n += hist[k]
            if k < newest:
                continue  # same n as in the smaller circle, larger mu: dominated
            mu = n_a * nd_share[k]
            if n < min_cases or n <= mu:
                continue
            first = n * (log_int[n] - log_na - log_nd_share[k])
            if first - (n - mu) * (1.0 - n * inv_total) <= best:
                continue
            value = _llr(n, mu, total)
            if value > best:
                best, best_slot, best_k, best_n = value, slot, k, n
    for j in range(n_days):
        hist[days[j]] = 0
    return best, best_slot, best_k, best_n


def _key_shift(n_days: int) -> int:
    """Bits needed for a days-before-the-end value below ``n_days``."""
    return max(1, int(n_days - 1).bit_length())


@numba.njit(cache=True)
def _best_per_centre(
    ev_loc: NDArray[np.int64],
    ev_k: NDArray[np.int64],
    n_centres: int,
    inv_start: NDArray[np.int64],
    inv_centre: NDArray[np.int64],
    inv_slot: NDArray[np.int64],
    nb_cum: NDArray[np.int64],
    nd_cum: NDArray[np.int64],
    log_int: NDArray[np.float64],
    min_cases: int,
    shift: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Best prospective cylinder of every centre given the window events.

    ``ev_loc``/``ev_k`` are the location and days-before-the-end (0 = last day) of the events
    inside the longest window; ``nd_cum[k]`` is N_D of the window of the last k + 1 days and
    ``log_int[i] = log(i)`` up to N. Returns per centre (LLR, slot of the circle's edge, k,
    observed), with LLR 0 and slot -1 where no cylinder has more events than expected.
    """
    offsets, keys = _gather(ev_loc, ev_k, n_centres, inv_start, inv_centre, inv_slot, shift)
    nd_share = nd_cum / (len(log_int) - 1)
    log_nd_share = np.log(nd_share)
    best_llr = np.zeros(n_centres)
    best_slot = np.full(n_centres, -1, dtype=np.int64)
    best_k = np.full(n_centres, -1, dtype=np.int64)
    best_n = np.zeros(n_centres, dtype=np.int64)
    hist = np.zeros(1 << shift, dtype=np.int64)
    days = np.zeros(1 << shift, dtype=np.int64)
    for c in range(n_centres):
        lo, hi = offsets[c], offsets[c + 1]
        if hi - lo < min_cases:
            continue
        _sort_in_place(keys, lo, hi)
        best = _best_of_centre(
            keys, lo, hi, 0.0, nb_cum, nd_share, log_nd_share, log_int, min_cases, shift, hist, days
        )
        best_llr[c], best_slot[c], best_k[c], best_n[c] = best
    return best_llr, best_slot, best_k, best_n


@numba.njit(cache=True, nogil=True)
def _max_llr(
    ev_loc: NDArray[np.int64],
    ev_k: NDArray[np.int64],
    n_centres: int,
    inv_start: NDArray[np.int64],
    inv_centre: NDArray[np.int64],
    inv_slot: NDArray[np.int64],
    nb_cum: NDArray[np.int64],
    nd_cum: NDArray[np.int64],
    log_int: NDArray[np.float64],
    min_cases: int,
    shift: int,
) -> float:
    """The scan statistic, the largest LLR of all cylinders, for the given window events.

    As ``_best_per_centre``, but each centre only looks for cylinders that beat the best
    found so far, which prunes most of them.
    """
    offsets, keys = _gather(ev_loc, ev_k, n_centres, inv_start, inv_centre, inv_slot, shift)
    nd_share = nd_cum / (len(log_int) - 1)
    log_nd_share = np.log(nd_share)
    hist = np.zeros(1 << shift, dtype=np.int64)
    days = np.zeros(1 << shift, dtype=np.int64)
    best = 0.0
    for c in range(n_centres):
        lo, hi = offsets[c], offsets[c + 1]
        if hi - lo < min_cases:
            continue
        _sort_in_place(keys, lo, hi)
        best = _best_of_centre(
            keys,
            lo,
            hi,
            best,
            nb_cum,
            nd_share,
            log_nd_share,
            log_int,
            min_cases,
            shift,
            hist,
            days,
        )[0]
    return best


@numba.njit(cache=True, nogil=True)
def _null_max_llr(
    out: NDArray[np.float64],
    first: int,
    step: int,
    loc_of_event: NDArray[np.int64],
    window_k: NDArray[np.int64],
    seed: int,
    n_centres: int,
    inv_start: NDArray[np.int64],
    inv_centre: NDArray[np.int64],
    inv_slot: NDArray[np.int64],
    nb_cum: NDArray[np.int64],
    nd_cum: NDArray[np.int64],
    log_int: NDArray[np.float64],
    min_cases: int,
    shift: int,
) -> None:
    """Maximum LLR of replicates ``first, first + step, …`` into ``out``, the days permuted.

    Only the events that receive a window day matter: a permutation gives the m window days
    (``window_k``) to a uniformly random m-subset of the events, drawn here by a partial
    Fisher–Yates shuffle seeded with ``seed + replicate`` (reproducible on any thread count).
    Runs without the GIL, so that threads share the replicates.
    """
    total = len(loc_of_event)
    m = len(window_k)
    for r in range(first, len(out), step):
        np.random.seed(seed + r)
        order = np.arange(total)
        for j in range(m):
            pick = np.random.randint(j, total)
            order[j], order[pick] = order[pick], order[j]
        out[r] = _max_llr(
            loc_of_event[order[:m]],
            window_k,
            n_centres,
            inv_start,
            inv_centre,
            inv_slot,
            nb_cum,
            nd_cum,
            log_int,
            min_cases,
            shift,
        )


def space_time_scan(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[np.datetime64],
    *,
    max_radius: float = 1000.0,
    max_days: int = 30,
    study_days: int | None = 365,
    end: np.datetime64 | str | None = None,
    cell: float | None = None,
    replicates: int = MIN_REPLICATES,
    seed: int = 1,
    min_cases: int = 2,
    max_share: float = 0.5,
    max_clusters: int = 10,
    interval_days: float = 1.0,
    threads: int | None = None,
) -> ScanResult:
    """Prospective space-time permutation scan (Kulldorff et al. 2005), see the module doc.

    ``t`` is cut to days; the study period is the ``study_days`` days up to ``end`` (default
    the last event's day; ``study_days=None`` takes every event up to ``end``). The scan
    reports up to ``max_clusters`` non-overlapping clusters, each with its Monte Carlo
    p-value from ``replicates`` ≥ 999 permutations and recurrence interval
    ``interval_days / p`` (the time between analyses: 1 for daily surveillance). The
    replicates run on ``threads`` threads (default: one per CPU); results do not depend on it.
    """
    if replicates < MIN_REPLICATES:
        raise AnalysisError(f"replicates must be at least {MIN_REPLICATES}, got {replicates}")
    if max_days < 1 or max_radius < 0:
        raise AnalysisError("max_days must be ≥ 1 and max_radius ≥ 0")
    if study_days is not None and study_days < max_days:
        raise AnalysisError(f"study_days ({study_days}) must be at least max_days ({max_days})")
    day, end_day, start_day = _study_days(t, study_days, end)
    inside = (day >= start_day) & (day <= end_day)
    if not inside.any():
        raise AnalysisError("no events in the study period")
    loc_xy, loc_of_event = locations_of(np.asarray(x)[inside], np.asarray(y)[inside], cell)
    k_of_event = (end_day - day[inside]).astype(np.int64)
    loc_count = np.bincount(loc_of_event, minlength=len(loc_xy)).astype(np.int64)
    cyl = build_cylinders(loc_xy, loc_count, max_radius, max_share)
    nd_cum = np.cumsum(np.bincount(np.minimum(k_of_event, max_days), minlength=max_days + 1))
    nd_cum = nd_cum[:max_days].astype(np.int64)
    window = k_of_event < max_days
    n = len(loc_of_event)
    log_int = np.log(np.maximum(np.arange(n + 1), 1)).astype(np.float64)
    args = (len(loc_xy), cyl.inv_start, cyl.inv_centre, cyl.inv_slot, cyl.nb_cum, nd_cum, log_int)
    shift = _key_shift(max_days)
    best = _best_per_centre(loc_of_event[window], k_of_event[window], *args, min_cases, shift)
    null = np.zeros(replicates)
    threads = max(1, min(threads or os.cpu_count() or 1, replicates))
    with ThreadPoolExecutor(threads) as pool:
        runs = [
            pool.submit(
                _null_max_llr,
                null,
                i,
                threads,
                loc_of_event,
                k_of_event[window],
                seed,
                *args,
                min_cases,
                shift,
            )
            for i in range(threads)
        ]
        for run_ in runs:
            run_.result()
    null = np.sort(null)
    clusters = _pick_clusters(cyl, best, nd_cum, n, max_clusters)
    return ScanResult(
        clusters=[
            _describe(cyl, c, nd_cum, n, end_day, null, interval_days, best) for c in clusters
        ],
        n_events=n,
        study_start=str(np.datetime64(int(start_day), "D")),
        study_end=str(np.datetime64(int(end_day), "D")),
        replicates=replicates,
        null_max_llr=null,
    )


def _study_days(
    t: NDArray[np.datetime64], study_days: int | None, end: np.datetime64 | str | None
) -> tuple[NDArray[np.int64], int, int]:
    """Day numbers of the events, the study period's last day and first day."""
    day = np.asarray(t).astype("datetime64[D]").astype(np.int64)
    end_day = int(day.max()) if end is None else int(np.datetime64(end, "D").astype(np.int64))
    start_day = int(day.min()) if study_days is None else end_day - study_days + 1
    return day, end_day, start_day


def _pick_clusters(
    cyl: Cylinders,
    best: tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    nd_cum: NDArray[np.int64],
    n: int,
    max_clusters: int,
) -> list[int]:
    """Centres of the most likely cluster and the secondary clusters sharing no location."""
    llr = best[0]
    used = np.zeros(len(cyl.centre_xy), dtype=bool)
    picked: list[int] = []
    for c in np.argsort(-llr, kind="stable"):
        if llr[c] <= 0 or len(picked) >= max_clusters:
            break
        members = cyl.nb_loc[cyl.nb_start[c] : best[1][c] + 1]
        if used[members].any():
            continue
        used[members] = True
        picked.append(int(c))
    return picked


def _describe(
    cyl: Cylinders,
    c: int,
    nd_cum: NDArray[np.int64],
    n: int,
    end_day: int,
    null: NDArray[np.float64],
    interval_days: float,
    best: tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
) -> Cluster:
    """The reportable numbers of centre c's best cylinder."""
    llr, slot, k, observed = float(best[0][c]), int(best[1][c]), int(best[2][c]), int(best[3][c])
    expected = float(cyl.nb_cum[slot] * nd_cum[k] / n)
    p = (1 + int(np.sum(null >= llr - 1e-9 * max(1.0, llr)))) / (len(null) + 1)
    return Cluster(
        x=float(cyl.centre_xy[c, 0]),
        y=float(cyl.centre_xy[c, 1]),
        radius=float(cyl.nb_dist[slot]),
        start=str(np.datetime64(end_day - k, "D")),
        end=str(np.datetime64(end_day, "D")),
        days=k + 1,
        locations=slot - int(cyl.nb_start[c]) + 1,
        observed=observed,
        expected=expected,
        relative_risk=observed / expected,
        llr=llr,
        p=p,
        recurrence_days=interval_days / p,
    )


def add_cli(subparsers: Any) -> None:
    """``trygg analyse scan``: prospective space-time permutation scan."""
    p = subparsers.add_parser(
        "scan",
        help="early warning: prospective space-time permutation scan (Kulldorff 2005)",
        description="Clusters still going on at the study end: Kulldorff's prospective "
        "space-time permutation scan statistic with Monte Carlo p-values and recurrence "
        "intervals.",
    )
    p.add_argument("--max-radius", type=float, default=1000.0, help="metres (default 1000)")
    p.add_argument("--max-days", type=int, default=30, help="longest cluster (default 30)")
    p.add_argument("--study-days", type=int, default=365, help="study period (default 365)")
    p.add_argument("--end", help="last day of the study period, YYYY-MM-DD (default: last event)")
    p.add_argument("--cell", type=float, help="scan around grid cells of this size (metres)")
    p.add_argument("--replicates", type=int, default=MIN_REPLICATES, help="at least 999")
    p.add_argument("--seed", type=int, default=1, help="random seed of the permutations")
    p.add_argument("--min-cases", type=int, default=2, help="fewest events in a cluster")
    p.add_argument("--max-clusters", type=int, default=10, help="clusters to report")
    p.add_argument("--interval-days", type=float, default=1.0, help="days between analyses")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """The CLI's result: one row per cluster, most likely first."""
    params = {
        "max_radius": args.max_radius,
        "max_days": args.max_days,
        "study_days": args.study_days,
        "end": args.end,
        "cell": args.cell,
        "replicates": args.replicates,
        "seed": args.seed,
        "min_cases": args.min_cases,
        "max_clusters": args.max_clusters,
        "interval_days": args.interval_days,
    }
    result = space_time_scan(events.x, events.y, events.require_time("scan"), **params)
    rows = [asdict(c) for c in result.clusters]
    x, y = events.to_input_crs(np.array([r["x"] for r in rows]), np.array([r["y"] for r in rows]))
    for row, xi, yi in zip(rows, x, y, strict=True):
        row["x"], row["y"] = float(xi), float(yi)
    return {
        "method": "scan",
        "params": params | {"crs": events.input_crs, "p": "Monte Carlo, rank / (R + 1)"},
        "summary": {
            "events": result.n_events,
            "study_start": result.study_start,
            "study_end": result.study_end,
            "clusters": len(rows),
            "significant_5pct": sum(r["p"] <= 0.05 for r in rows),
        },
        "rows": rows,
    }
