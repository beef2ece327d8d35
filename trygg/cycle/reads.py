"""Reads of the EST cycle: the meeting's follow-up lists, the quarterly matrix, evaluations."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.apps import apps
from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from trygg.analysis import evaluate, priorities
from trygg.analysis.io import AnalysisError
from trygg.areas.models import Area
from trygg.reports.models import Event
from trygg.reports.review import background_kind
from trygg.tenants.access import Access

from .access import visible_actions
from .models import Decision, Evaluation, InfluenceRating, Meeting
from .periods import parse_period


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(series=meeting.series, date__lt=meeting.date)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-date")
        .first()
    )


def agenda(access: Access, meeting: Meeting) -> dict[str, Any]:
    """What the meeting follows up: open actions, and the previous meeting's decisions."""
    previous = previous_meeting(meeting)
    decisions = (
        Decision.objects.filter(meeting=previous).prefetch_related("actions")
        if previous
        else Decision.objects.none()
    )
    open_actions = (
        visible_actions(access)
        .open()
        .filter(Q(start__isnull=True) | Q(start__lte=meeting.date))
        .select_related("area", "responsible_organisation")
    )
    return {
        "previous": previous,
        "previous_decisions": decisions,
        "open_actions": open_actions,
        "picture": weekly_picture(meeting),
    }


def weekly_picture(meeting: Meeting) -> dict[str, Any] | None:
    """The weekly picture of the meeting's ISO week (when the picture app is installed):
    the picture row, if any, and the link to the week's picture page."""
    try:
        from trygg.picture.models import WeeklyPicture
    except ImportError:
        return None
    week = meeting.iso_week
    try:
        url = reverse("picture_week", args=[meeting.municipality.code]) + f"?week={week}"
    except NoReverseMatch:
        return None
    row = WeeklyPicture.objects.filter(municipality=meeting.municipality, week=week).first()
    return {"week": week, "url": url, "row": row}


# The quarterly need × influence matrix -----------------------------------------------------


def matrix_areas(municipality: Any, first: date, last: date) -> list[Area]:
    kind = background_kind(municipality)
    return list(Area.objects.filter(municipality=municipality, kind=kind).overlapping(first, last))


def quarterly_matrix(municipality: Any, period: str) -> dict[str, Any]:
    """Need score per area from the events of the period and the one before; the group's
    influence rating of the period; quadrant. Severity is the reported insecurity (1–3)."""
    first, last = parse_period(period)
    days = (last - first).days + 1
    areas = matrix_areas(municipality, first, last)
    if not areas:
        return {"rows": [], "period": period, "first": first, "last": last}
    events = Event.objects.counted().filter(municipality=municipality, area__in=areas)
    current = _per_area(events, first, last)
    previous = _per_area(events, first - timedelta(days=days), first - timedelta(days=1))
    ratings = dict(
        InfluenceRating.objects.filter(municipality=municipality, period=period).values_list(
            "area_id", "rating"
        )
    )
    populations = [a.population or 0 for a in areas]
    inputs = priorities.AreaInputs(
        area=[str(a.pk) for a in areas],
        current=np.array([current.get(a.pk, (0, 0))[0] for a in areas], dtype=float),
        previous=np.array([previous.get(a.pk, (0, 0))[0] for a in areas], dtype=float),
        severity_sum=np.array([current.get(a.pk, (0, 0))[1] for a in areas], dtype=float),
        population=np.array(populations, dtype=float) if min(populations) > 0 else None,
        influence=np.array([ratings.get(a.pk, np.nan) for a in areas], dtype=float),
        unsafety=survey_unsafety(municipality, areas, last),
    )
    try:
        result = priorities.need_scores(inputs)
    except AnalysisError as exc:
        return {"rows": [], "error": str(exc), "period": period, "first": first, "last": last}
    by_pk = {str(a.pk): a for a in areas}
    for row in result["rows"]:
        row["area_obj"] = by_pk[row["area"]]
        if row["influence"] is not None and np.isnan(row["influence"]):
            row["influence"] = None
    return result | {"period": period, "first": first, "last": last}


def survey_unsafety(municipality: Any, areas: list[Area], last: date) -> Any:
    """The need score's fourth component, with the same weight as the other three: per
    area, the per cent who feel unsafe outdoors in the evening in the latest safety survey
    round opened by `last` (trygg.surveys); None when no round has a shown result."""
    if not apps.is_installed("trygg.surveys"):
        return None
    from trygg.surveys.results import unsafety_for_areas

    values = np.array(unsafety_for_areas(municipality, areas, last), dtype=float)
    return None if np.all(np.isnan(values)) else values


def _per_area(events: Any, first: date, last: date) -> dict[int, tuple[int, int]]:
    rows = (
        events.filter(observed_from__date__gte=first, observed_from__date__lte=last)
        .values("area_id")
        .annotate(n=Count("id"), severity=Sum("insecurity"))
    )
    return {r["area_id"]: (r["n"], r["severity"] or 0) for r in rows}


# Follow-up: before/after against a control ---------------------------------------------------

# The engine's WDQ readings (trygg.analysis.evaluate._interpret), marked here for translation:
# the engine never imports Django, and the templates translate its text at display time.
WDQ_READINGS = (
    gettext_noop("no success in the target relative to the control: WDQ not interpretable"),
    gettext_noop("diffusion of benefits larger than the direct effect"),
    gettext_noop("diffusion of benefits"),
    gettext_noop("no displacement or diffusion"),
    gettext_noop("displacement, smaller than the direct effect (net benefit)"),
    gettext_noop("displacement larger than the direct effect (net harm)"),
)


@dataclass(frozen=True)
class EvaluationResult:
    row: Evaluation
    result: evaluate.Evaluation
    before: tuple[date, date]
    after: tuple[date, date]
    complete: bool  # the after period has ended


def count_events(area: Area, first: date, last: date) -> int:
    return (
        Event.objects.counted()
        .filter(area=area, observed_from__date__gte=first, observed_from__date__lte=last)
        .count()
    )


def run_evaluation(row: Evaluation, today: date) -> EvaluationResult:
    """Counts in [start − before_days, start) and [start, start + after_days), then the engine."""
    start = row.intervention_date
    before = (start - timedelta(days=row.before_days), start - timedelta(days=1))
    after = (start, start + timedelta(days=row.after_days - 1))
    a, b = count_events(row.target_area, *before), count_events(row.target_area, *after)
    c, d = count_events(row.control_area, *before), count_events(row.control_area, *after)
    buffer: tuple[int | None, int | None] = (None, None)
    if row.buffer_area:
        buffer = (count_events(row.buffer_area, *before), count_events(row.buffer_area, *after))
    result = evaluate.evaluate_counts(a, b, c, d, *buffer)
    return EvaluationResult(row, result, before, after, complete=after[1] < today)
