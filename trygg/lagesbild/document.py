"""The lägesbild as a document: its snapshot (every number with its source), then HTML, PDF
and DOCX rendered from the snapshot alone, so that an adopted version can be kept as it was."""

import base64
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from shapely.geometry import shape

from trygg.areas.geo import SWEREF99TM, WGS84, reproject
from trygg.areas.models import Area
from trygg.cycle.models import DirectionDecision, FollowUp
from trygg.documents import area_map_svg, bar_chart_svg, html_to_pdf
from trygg.documents.maps import Box
from trygg.tenants.models import Municipality

from . import checklist, images, sources
from .ledger import Ledger
from .models import AdoptedVersion, Lagesbild, PlanMeasure, Problem

TEXTS = (
    "summary",
    "consequences",
    "other_information",
    "analysis",
    "police_cooperation",
    "follow_up",
)
PROBLEM_FILL, SHADE_FILL = "#d1242f", "#2b6cb0"


def default_period(today: date) -> tuple[date, date]:
    """The last two years up to today."""
    start = date(
        today.year - 2, today.month, 28 if (today.month, today.day) == (2, 29) else today.day
    )
    return start + timedelta(days=1), today


def build_snapshot(
    m: Municipality, start: date, end: date, lagesbild: Lagesbild | None = None
) -> dict[str, Any]:
    """Everything the document shows, JSON-serialisable; numbers are in snapshot["figures"]."""
    ledger = Ledger()
    sections = {
        "police_crime": sources.police_crime_section(m, start, end, ledger),
        "bra": sources.bra_section(m, start, end, ledger),
        "est": sources.est_section(m, start, end, ledger),
        "ntu": sources.ntu_section(m, start, end, ledger),
        "police_events": sources.police_event_section(m, start, end, ledger),
        "surveys": sources.survey_section(m, start, end, ledger),
        "walks": sources.walk_section(m, start, end, ledger),
    }
    problems = [
        _problem(m, p, start, end, ledger)
        for p in Problem.objects.filter(municipality=m, active=True).prefetch_related("areas")
    ]
    last = (
        AdoptedVersion.objects.filter(lagesbild__municipality=m)
        .order_by("-adopted_on")
        .values_list("adopted_on", flat=True)
        .first()
    )
    snapshot: dict[str, Any] = {
        "municipality": {"code": m.code, "name": m.name},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "lagesbild_id": lagesbild.pk if lagesbild else None,
        "texts": {name: getattr(lagesbild, name, "") if lagesbild else "" for name in TEXTS},
        "sections": sections,
        "problems": problems,
        "plan": _plan(m),
        "directions": _directions(m, start, end),
        "adopted": None,
        "last_adopted": last.isoformat() if last else None,
        "figures": ledger.as_list(),
    }
    latest = lagesbild.versions.first() if lagesbild else None
    if latest and lagesbild and lagesbild.status == Lagesbild.Status.ADOPTED:
        snapshot["adopted"] = {
            "by": latest.adopted_by,
            "on": latest.adopted_on.isoformat(),
            "number": latest.number,
        }
    snapshot["graphics"] = _graphics(m, snapshot)
    return snapshot


def _problem(m: Municipality, p: Problem, start: date, end: date, ledger: Ledger) -> dict[str, Any]:
    return {
        "id": p.pk,
        "position": p.position,
        "title": p.title,
        "areas": [a.label for a in p.areas.all()],
        "area_ids": [a.pk for a in p.areas.all()],
        "categories": p.category_codes(),
        "crime_types": p.crime_type_names(),
        "description": p.description,
        "place": p.place,
        "offender": p.offender,
        "target": p.target,
        "guardian": p.guardian,
        "causes": p.causes,
        "data_gaps": p.data_gaps,
        "has_cause_analysis": p.has_cause_analysis,
        "development": sources.problem_development(m, p, start, end, ledger),
        "crimes": sources.problem_crimes(m, p, start, end, ledger),
    }


def _plan(m: Municipality) -> list[dict[str, Any]]:
    measures = PlanMeasure.objects.filter(municipality=m, problem__active=True).select_related(
        "problem", "responsible", "action", "decision"
    )
    return [
        {
            "id": x.pk,
            "problem_id": x.problem_id,
            "problem": x.problem.title,
            "text": x.text,
            "responsible": x.responsible_label,
            "start": x.start.isoformat() if x.start else "",
            "end": x.end.isoformat() if x.end else "",
            "follow_up": x.follow_up,
            "status": x.get_status_display(),
            "history": [
                {"status": h.get_status_display(), "on": h.on.isoformat(), "note": h.note}
                for h in x.history.all()
            ],
            "action": {"title": x.action.title, "status": x.action.get_status_display()}
            if x.action
            else None,
            "decision": x.decision.text[:200] if x.decision else None,
        }
        for x in measures
    ]


def _directions(m: Municipality, start: date, end: date) -> list[dict[str, Any]]:
    rows = DirectionDecision.objects.filter(
        municipality=m, decided_on__gte=start, decided_on__lte=end
    ).order_by("decided_on")
    followups = FollowUp.objects.filter(municipality=m)
    return [
        {
            "period": d.period,
            "decided_on": d.decided_on.isoformat(),
            "summary": d.summary,
            "followed_up": followups.filter(Q(direction=d) | Q(period=d.period)).exists(),
        }
        for d in rows
    ]


def _graphics(m: Municipality, snapshot: dict[str, Any]) -> dict[str, Any]:
    """SVG for the HTML and PDF, PNG (base64) for the DOCX: the map and the charts."""
    s = snapshot["sections"]
    out: dict[str, Any] = {"svg": {}, "png": {}, "titles": {}}
    charts = []
    # No chart of hidden counts (trygg.disclosure): the bars would show them.
    if s["police_crime"] and not any(r["n"].get("hidden") for r in s["police_crime"]["years"]):
        charts.append(
            ("crime_years", _("Police-reported crime per year"), s["police_crime"]["years"])
        )
    if s["bra"] and s["bra"]["history"]:
        charts.append(
            ("bra_history", _("Reported crime per 100 000 inhabitants (Brå)"), s["bra"]["history"])
        )
    if s["est"]:
        months = [{"label": k[2:], "n": {"value": v}} for k, v in s["est"]["months"]]
        charts.append(("est_months", _("Own EST reports per month"), months))
    for name, title, rows in charts:
        values = [r["n"]["value"] for r in rows]
        labels = [r["label"] for r in rows]
        out["svg"][name] = bar_chart_svg(values, labels, width=640, title=title)
        out["png"][name] = base64.b64encode(images.bar_chart_png(values, labels)).decode()
        out["titles"][name] = title
    features = _map_features(m, snapshot)
    if features:
        title = _("Priority problems' areas (red) and own reports per area (blue)")
        out["svg"]["map"] = area_map_svg(features, width=640, height=460, title=title)
        out["png"]["map"] = base64.b64encode(images.area_map_png(features)).decode()
        out["titles"]["map"] = title
    extent = _problem_extent(m, snapshot)
    if features and extent:
        title = _("The priority problems' areas, closer")
        svg = area_map_svg(features, width=640, height=460, extent=extent, title=title)
        png = images.area_map_png(features, extent=extent)
        out["svg"]["map_detail"] = svg
        out["png"]["map_detail"] = base64.b64encode(png).decode()
        out["titles"]["map_detail"] = title
    return out


def _problem_extent(m: Municipality, snapshot: dict[str, Any]) -> Box | None:
    """The SWEREF box around the problems' areas, with a margin of half its size."""
    ids = {a for p in snapshot["problems"] for a in p["area_ids"]}
    geoms = [
        reproject(shape(a.geometry), WGS84, SWEREF99TM)
        for a in Area.objects.filter(municipality=m, pk__in=ids)
        if a.geometry
    ]
    if not geoms:
        return None
    minx, miny = min(g.bounds[0] for g in geoms), min(g.bounds[1] for g in geoms)
    maxx, maxy = max(g.bounds[2] for g in geoms), max(g.bounds[3] for g in geoms)
    pad = max(maxx - minx, maxy - miny, 500.0) / 2
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _map_features(m: Municipality, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    start = date.fromisoformat(snapshot["period"]["start"])
    end = date.fromisoformat(snapshot["period"]["end"])
    areas = Area.objects.filter(municipality=m, kind=Area.Kind.DESO).overlapping(start, end)
    est = snapshot["sections"]["est"]
    counts = est["by_area"] if est else {}
    peak = max([*counts.values(), 1])
    problems_of: dict[int, list[str]] = {}
    for p in snapshot["problems"]:
        for a in p["area_ids"]:
            problems_of.setdefault(a, []).append(f"P{p['position']}")
    features = []
    for area in areas:
        if area.pk in problems_of:
            fill, label = PROBLEM_FILL, " ".join(problems_of[area.pk])
        else:
            fill, label = _shade(counts.get(str(area.pk), 0) / peak), ""
        features.append({"geometry": area.geometry, "properties": {"fill": fill, "label": label}})
    return features


def _shade(t: float) -> str:
    """White to blue."""
    r, g, b = (round(255 - t * (255 - c)) for c in (43, 108, 176))
    return f"#{r:02x}{g:02x}{b:02x}"


# Rendering ------------------------------------------------------------------------------


def context(snapshot: dict[str, Any], where: dict[str, str] | None = None) -> dict[str, Any]:
    where = where or dict.fromkeys(("texts", "problems", "plan", "imports", "adopt"), "")
    items = checklist.items(snapshot, where)
    figures = {f["id"]: f for f in snapshot["figures"]}
    plan_by_problem: dict[int, list[dict[str, Any]]] = {}
    for measure in snapshot["plan"]:
        plan_by_problem.setdefault(measure["problem_id"], []).append(measure)
    problems = [p | {"measures": plan_by_problem.get(p["id"], [])} for p in snapshot["problems"]]
    graphics = snapshot["graphics"]
    return {
        "s": snapshot,
        "sections": snapshot["sections"],
        "texts": snapshot["texts"],
        "problems": problems,
        "checklist": items,
        "missing": checklist.missing(items),
        "figures": figures,
        "svg": {k: mark_safe(v) for k, v in graphics["svg"].items()},
        "titles": graphics["titles"],
    }


def render_html(snapshot: dict[str, Any], where: dict[str, str] | None = None) -> str:
    return render_to_string("lagesbild/document.html", context(snapshot, where))


def render_pdf(html: str) -> bytes:
    return html_to_pdf(html)


def render_docx(snapshot: dict[str, Any]) -> bytes:
    from .docx import document_docx

    return document_docx(context(snapshot))
