"""The quarterly analysis and the follow-up as documents: HTML, or PDF via trygg.documents."""

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trygg.documents import area_map_svg, bar_chart_svg, html_to_pdf

from . import reads
from .models import Action, DirectionDecision, FollowUp

QUADRANT_FILL = {
    "act": "#d1242f",
    "collaborate": "#d4a72c",
    "maintain": "#2da44e",
    "monitor": "#8c959f",
}


def quarterly_context(municipality: Any, period: str) -> dict[str, Any]:
    matrix = reads.quarterly_matrix(municipality, period)
    rows = matrix["rows"]
    features = [
        {
            "geometry": r["area_obj"].geometry,
            "properties": {
                "label": r["area_obj"].code[-4:],
                "fill": QUADRANT_FILL.get(r["quadrant"] or "", "#ffffff"),
            },
        }
        for r in rows
    ]
    top = rows[:12]
    return {
        "municipality": municipality,
        "matrix": matrix,
        "directions": DirectionDecision.objects.filter(
            municipality=municipality, period=period
        ).prefetch_related("problems__area", "problems__organisation"),
        "map_svg": mark_safe(area_map_svg(features, title=str(municipality))) if rows else "",
        "chart_svg": mark_safe(
            bar_chart_svg(
                [round(r["need"], 1) for r in top],
                [r["area_obj"].code[-4:] for r in top],
                title="need",
            )
        )
        if top
        else "",
        "generated": timezone.now(),
    }


def followup_context(
    followup: FollowUp, actions: Any = None, today: date | None = None
) -> dict[str, Any]:
    """The follow-up's evaluations, decisions and their actions. `actions` limits the actions
    to those the reader may see (the web pages); the command line's document shows all."""
    today = today or timezone.localdate()
    if actions is None:
        actions = Action.objects.filter(municipality=followup.municipality)
    evaluations = [
        reads.run_evaluation(e, today)
        for e in followup.evaluations.select_related(
            "target_area", "control_area", "buffer_area", "decision"
        )
    ]
    decisions = {e.row.decision for e in evaluations if e.row.decision}
    if followup.direction_id:
        decisions |= set(followup.direction.decisions.all())  # type: ignore[union-attr]
    actions = actions.filter(decision__in=decisions).select_related(
        "responsible_organisation", "decision"
    )
    return {
        "municipality": followup.municipality,
        "followup": followup,
        "evaluations": evaluations,
        "figures": [evaluation_figures(e) for e in evaluations],
        "decisions": sorted(decisions, key=lambda d: d.created_at),
        "actions": actions,
        "generated": timezone.now(),
    }


EVALUATION_FILL = {"target": "#d1242f", "control": "#8c959f", "buffer": "#d4a72c"}


def evaluation_figures(evaluation: Any) -> dict[str, Any]:
    """A map of the target, control and buffer areas, and a chart of their counts."""
    row, r = evaluation.row, evaluation.result
    roles = [("target", row.target_area), ("control", row.control_area)]
    if row.buffer_area_id:
        roles.append(("buffer", row.buffer_area))
    features = [
        {"geometry": area.geometry, "properties": {"label": area.code[-4:], "fill": fill}}
        for role, area in roles
        for fill in [EVALUATION_FILL[role]]
    ]
    values = [r.target_before, r.target_after, r.control_before, r.control_after]
    labels = [_("target before"), _("target after"), _("control before"), _("control after")]
    if r.buffer_before is not None:
        values += [r.buffer_before, r.buffer_after]
        labels += [_("buffer before"), _("buffer after")]
    return {
        "title": f"{row.target_area.label} – {row.control_area.label}",
        "map_svg": mark_safe(area_map_svg(features, width=480, height=300)),
        "chart_svg": mark_safe(bar_chart_svg(values, labels, width=640)),
    }


def render_document(template: str, ctx: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """(content, content type) of a document template as `html` or `pdf`."""
    html = render_to_string(template, ctx)
    if fmt == "pdf":
        return html_to_pdf(html), "application/pdf"
    return html.encode(), "text/html; charset=utf-8"
