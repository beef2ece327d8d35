"""Survey results per area and for the whole municipality, with small groups suppressed.

The statistics (Wilson and t intervals, primary and complementary suppression) are in
`trygg.analysis.surveys`; this module reads the answers and lays the numbers out. Every
number that leaves this module for a page or an export has gone through `suppressed`.
"""

import math
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.analysis.surveys import MINIMUM, Cell, add, mean_interval, suppressed, wilson
from trygg.areas.geo import to_sweref, to_wgs84
from trygg.areas.models import Area

from .models import Answer, Response, Survey, UnsafePlace
from .questions import HEADLINE, QUESTIONS, Question

PUBLIC_ROUNDS = 3
PUBLIC_QUESTIONS = ("evening", "daytime", "worry")
PLACE_CELL = 250.0  # metres: unsafe places are shown aggregated to cells of this size
TOO_FEW = _("fewer than 10 answers")
# 10 or more answers, but fewer than 10 of them on one side (yes or no): the share would tell
# how those few answered.
FEW_ON_ONE_SIDE = _("fewer than 10 answers on one side")
PROTECTS = _("hidden to protect a small group")
NO_ANSWERS = _("no answers")


@dataclass(frozen=True)
class Group:
    """One area's (or the municipality's) result for one question; hidden: no numbers."""

    label: str
    hidden: bool
    reason: str = ""
    n: int = 0
    k: int = 0
    share: float = 0.0
    low: float = 0.0
    high: float = 0.0
    mean: float = 0.0
    mean_low: float = 0.0
    mean_high: float = 0.0

    @property
    def reason_text(self) -> Any:
        return {"none": NO_ANSWERS, "few": TOO_FEW, "side": FEW_ON_ONE_SIDE}.get(
            self.reason, PROTECTS
        )


def _group(label: str, cell: Cell, hidden: bool, few: bool) -> Group:
    if cell.n == 0:
        return Group(label, True, "none")
    if hidden:
        if not few:
            return Group(label, True, "complement")
        return Group(label, True, "few" if cell.n < MINIMUM else "side")
    low, high = wilson(cell.k, cell.n)
    mean, mean_low, mean_high = mean_interval(cell)
    return Group(
        label, False, "", cell.n, cell.k, 100 * cell.k / cell.n, 100 * low, 100 * high,
        mean, mean_low, mean_high,
    )  # fmt: skip


def answer_cells(survey: Survey) -> dict[str, dict[int | None, Cell]]:
    """question code -> area id -> counts of the answers other than "don't know"."""
    sums: dict[str, dict[int | None, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0.0, 0.0])
    )
    rows = (
        Answer.objects.filter(response__survey=survey, value__gt=0)
        .values_list("question", "response__area_id", "value")
        .annotate(c=Count("id"))
    )
    by_code = {q.code: q for q in QUESTIONS}
    for code, area_id, value, count in rows:
        question = by_code.get(code)
        if question is None:
            continue
        s = sums[code][area_id]
        score = question.score(value)
        s[0] += count
        s[1] += count if value >= question.cut else 0
        s[2] += score * count
        s[3] += score * score * count
    return {
        code: {a: Cell(int(v[0]), int(v[1]), v[2], v[3]) for a, v in per_area.items()}
        for code, per_area in sums.items()
    }


def _areas(survey: Survey, area_ids: set[int | None]) -> list[Area]:
    known = {a.pk: a for a in survey.areas()}
    extra = Area.objects.filter(pk__in=[i for i in area_ids if i and i not in known])
    return sorted([*known.values(), *extra], key=lambda a: a.code)


def _row(
    cells: dict[int | None, Cell], areas: list[Area], total_label: str
) -> tuple[Group, list[Group]]:
    """The total and one group per area (an area without answers is hidden as too few)."""
    keyed: dict[Hashable, Cell] = {a.pk: cells.get(a.pk, Cell(0, 0)) for a in areas}
    if None in cells:
        keyed[None] = cells[None]  # answers whose area has since been removed
    hidden = suppressed(keyed)
    total = add(cells.values())
    total_group = _group(total_label, total, not total.safe(MINIMUM), True)
    groups = [
        _group(a.label, keyed[a.pk], a.pk in hidden, not keyed[a.pk].safe(MINIMUM)) for a in areas
    ]
    return total_group, groups


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    total: Group
    groups: list[Group]


def results(survey: Survey) -> dict[str, Any]:
    """Respondents and every question, per area and in total, suppressed."""
    cells = answer_cells(survey)
    respondents: dict[int | None, int] = dict(
        Response.objects.filter(survey=survey)
        .values_list("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    seen: set[int | None] = set(respondents) | {a for c in cells.values() for a in c}
    areas = _areas(survey, seen)
    whole = str(survey.municipality.name)
    counted = {a: Cell(n, 0, binary=False) for a, n in respondents.items()}
    keyed: dict[Hashable, Cell] = {a.pk: counted.get(a.pk, Cell(0, 0, binary=False)) for a in areas}
    if None in counted:
        keyed[None] = counted[None]
    hidden = suppressed(keyed)
    total_n = sum(respondents.values())
    by_area = [None if a.pk in hidden else keyed[a.pk].n for a in areas]
    return {
        "area_counts": list(zip(areas, by_area, strict=True)),
        "survey": survey,
        "areas": areas,
        "respondents": {
            "total": total_n if total_n >= MINIMUM else None,
            "by_area": by_area,
        },
        "questions": [
            QuestionResult(q, *_row(cells.get(q.code, {}), areas, whole)) for q in QUESTIONS
        ],
    }


def safety_table(result: dict[str, Any]) -> dict[str, Any]:
    """The safety questions side by side: the total row, then one row per area."""
    shown = [r for r in result["questions"] if r.question.code in PUBLIC_QUESTIONS]
    respondents = result["respondents"]
    rows = [(shown[0].total.label, respondents["total"], [r.total for r in shown])]
    for i, area in enumerate(result["areas"]):
        rows.append((area.label, respondents["by_area"][i], [r.groups[i] for r in shown]))
    return {"questions": [r.question for r in shown], "rows": rows}


def headline_by_area(survey: Survey) -> dict[int, float | None]:
    """area id -> per cent feeling unsafe in the evening (None where suppressed)."""
    result = results(survey)
    row = next(r for r in result["questions"] if r.question.code == HEADLINE)
    return {
        a.pk: (None if g.hidden else g.share)
        for a, g in zip(result["areas"], row.groups, strict=True)
    }


def trend(survey: Survey) -> dict[str, Any]:
    """The municipality totals of this round and the earlier ones, oldest first."""
    rounds = list(
        Survey.objects.filter(
            municipality=survey.municipality, opens_on__lte=survey.opens_on
        ).order_by("opens_on", "pk")
    )
    totals = []
    for s in rounds:
        cells = answer_cells(s)
        whole = str(s.municipality.name)
        row = {}
        for q in QUESTIONS:
            total = add(cells.get(q.code, {}).values())
            row[q.code] = _group(whole, total, not total.safe(MINIMUM), True)
        totals.append(row)
    rows = [{"question": q, "rounds": [t[q.code] for t in totals]} for q in QUESTIONS]
    return {"rounds": rounds, "rows": rows}


def place_cells(survey: Survey) -> list[dict[str, Any]]:
    """Unsafe places counted per 250 m cell; only cells with at least 10 are returned."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for lat, lon, plat, plon in UnsafePlace.objects.filter(response__survey=survey).values_list(
        "lat", "lon", "place__lat", "place__lon"
    ):
        lat, lon = (lat, lon) if lat is not None else (plat, plon)
        if lat is None or lon is None:
            continue
        x, y = to_sweref(lon, lat)
        counts[(math.floor(x / PLACE_CELL), math.floor(y / PLACE_CELL))] += 1
    out = []
    for (ix, iy), n in sorted(counts.items()):
        if n < MINIMUM:
            continue
        corners = [(ix, iy), (ix + 1, iy), (ix + 1, iy + 1), (ix, iy + 1), (ix, iy)]
        ring = [list(to_wgs84(cx * PLACE_CELL, cy * PLACE_CELL)) for cx, cy in corners]
        out.append({"n": n, "ring": ring})
    return out


def place_cells_geojson(survey: Survey) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [c["ring"]]},
            "properties": {"n": c["n"], "label": str(c["n"])},
        }
        for c in place_cells(survey)
    ]
    return {"type": "FeatureCollection", "features": features}


def public_results(municipality: Any) -> dict[str, Any]:
    """For the public site: the open surveys and the published results, suppressed."""
    today = timezone.localdate()
    published = [
        s
        for s in Survey.objects.filter(municipality=municipality, publish_results=True)
        if s.status == "closed"
    ]
    return {
        "municipality": municipality,
        "open": list(Survey.objects.filter(municipality=municipality).open_on(today)),
        "published": [_public_table(results(s)) for s in published[:PUBLIC_ROUNDS]],
    }


def _public_table(result: dict[str, Any]) -> dict[str, Any]:
    """The safety questions per area as rows: label, then one Group per question."""
    table = safety_table(result)
    return {
        "survey": result["survey"],
        "respondents": result["respondents"]["total"],
        "questions": table["questions"],
        "rows": [(label, groups) for label, _n, groups in table["rows"]],
    }


def latest_with_results(municipality: Any, on: Any = None) -> Survey | None:
    """The latest round that has opened by `on` (default today) and has answers."""
    day = on or timezone.localdate()
    return (
        Survey.objects.filter(municipality=municipality, opens_on__lte=day, responses__isnull=False)
        .distinct()
        .order_by("-opens_on", "-pk")
        .first()
    )


def unsafety_for_areas(municipality: Any, areas: list[Area], on: Any = None) -> list[float]:
    """Per area of `areas`: the latest round's evening insecurity share (per cent), the area's
    own or, when the survey reports at a coarser level, its parent's; NaN where the survey has
    no shown result. The need score's `unsafety` component (trygg.analysis.priorities)."""
    survey = latest_with_results(municipality, on)
    if survey is None:
        return [math.nan for _a in areas]
    shares = headline_by_area(survey)
    out = []
    for area in areas:
        value = shares.get(area.pk)
        if value is None and area.parent_id:
            value = shares.get(area.parent_id)
        out.append(math.nan if value is None else value)
    return out


def picture_content(municipality: Any, day: Any) -> dict[str, Any]:
    """For the weekly picture (frozen as JSON at publication): the latest round's share
    feeling unsafe in the evening, in total and per area, suppressed like every page."""
    survey = latest_with_results(municipality, day)
    if survey is None:
        return {"available": False}
    result = results(survey)
    row = next(r for r in result["questions"] if r.question.code == HEADLINE)

    def cell(g: Group) -> dict[str, Any]:
        if g.hidden:
            return {"label": g.label, "hidden": True, "note": str(g.reason_text)}
        return {"label": g.label, "hidden": False, "share": round(g.share, 1),
                "low": round(g.low, 1), "high": round(g.high, 1), "n": g.n}  # fmt: skip

    return {
        "available": True,
        "title": survey.title,
        "period": f"{survey.opens_on.isoformat()} – {survey.closes_on.isoformat()}",
        "question": str(row.question.text),
        "total": cell(row.total),
        "areas": [cell(g) for g in row.groups],
    }


# CSV ---------------------------------------------------------------------------------------


def csv_header() -> list[Any]:
    """The CSV export's columns (the staff page's export and the API's)."""
    return [
        _("question"), _("area code"), _("area"), _("answers"), _("in the outcome"),
        _("share (%)"), _("95 % CI low"), _("95 % CI high"), _("mean (1–4)"),
        _("mean CI low"), _("mean CI high"), _("note"),
    ]  # fmt: skip


def csv_rows(data: dict[str, Any]) -> list[list[Any]]:
    """`results(survey)` as CSV rows: the same suppressed numbers as the page."""
    rows: list[list[Any]] = []
    respondents = data["respondents"]
    total = respondents["total"]
    rows.append(_count_row(_("respondents"), "", data["survey"].municipality.name, total))
    for area, n in zip(data["areas"], respondents["by_area"], strict=True):
        rows.append(_count_row(_("respondents"), area.code, area.name or area.code, n))
    for qr in data["questions"]:
        code = str(qr.question.code)
        rows.append([code, "", *_group_cells(qr.total)])
        for area, group in zip(data["areas"], qr.groups, strict=True):
            rows.append([code, area.code, *_group_cells(group, area.name or area.code)])
    return rows


def _count_row(what: Any, code: str, name: str, n: int | None) -> list[Any]:
    blanks = [""] * 7
    if n is None:
        return [what, code, name, "", *blanks, str(TOO_FEW)]
    return [what, code, name, n, *blanks, ""]


def _group_cells(group: Any, name: str | None = None) -> list[Any]:
    label = name or group.label
    if group.hidden:
        return [label, "", "", "", "", "", "", "", "", str(group.reason_text)]
    numbers = [group.share, group.low, group.high, group.mean, group.mean_low, group.mean_high]
    return [label, group.n, group.k, *(f"{v:.1f}" if i < 3 else f"{v:.2f}"
                                      for i, v in enumerate(numbers)), ""]  # fmt: skip
