"""The read and write endpoints of the REST API."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.cycle import services as cycle_services
from trygg.cycle.access import access_action, visible_actions
from trygg.cycle.forms import ActionUpdateForm
from trygg.cycle.models import Decision, Meeting
from trygg.picture.models import WeeklyPicture
from trygg.picture.weeks import Week
from trygg.police.models import PoliceEvent
from trygg.privacy import find_personal_data
from trygg.reports.access import access_event, visible_events
from trygg.reports.forms import FINDING_LABELS
from trygg.reports.models import Category
from trygg.reports.services import EventInput, report_incident
from trygg.surveys import results
from trygg.surveys.access import access_survey
from trygg.surveys.models import Survey
from trygg.tenants.access import Access
from trygg.tenants.models import Organisation

from . import schemas as s
from .auth import gate, police_gate
from .filters import EventFilter, Page, Period, Rows, filter_events, in_period
from .models import Scope
from .present import (
    EVENT_RELATED,
    action_row,
    area_feature,
    decision_row,
    event_row,
    meeting_row,
)

router = Router()
ERRORS: dict[int, Any] = {401: s.Error, 403: s.Error, 404: s.Error, 422: s.Error}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 413: s.Error, 429: s.Error}
# ETag on every read: the answer's digest; If-None-Match with it gives 304 Not Modified.
etagged = decorate_view(conditional_page)


def answers(ok: Any, *, writes: bool = False, created: bool = False) -> dict[int, Any]:
    codes = {200: ok, **(WRITE_ERRORS if writes else ERRORS)}
    if created:
        codes[201] = ok
    return codes


@router.get("/me", response=answers(s.Me), tags=["token"])
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the token acts for, in which municipality, with which roles and scopes."""
    access = gate(request)
    return {
        "municipality": access.municipality.code,
        "municipality_name": access.municipality.name,
        "username": access.user.get_username(),
        "roles": sorted(access.roles),
        "scopes": request.auth.scopes,  # type: ignore[attr-defined]
    }


@router.get("/categories", response=answers(list[s.CategoryOut]), tags=["reports"])
@etagged
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """The municipality's category taxonomy (codes are stable; retired ones are inactive)."""
    access = gate(request)
    rows = Category.objects.filter(municipality=access.municipality).select_related("parent")
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "parent": c.parent.code if c.parent else None,
            "active": c.active,
            "standard": c.standard,
        }
        for c in rows
    ]


@router.get("/areas", response=answers(s.AreaCollection), tags=["areas"])
@etagged
def areas(request: HttpRequest, kind: str | None = None) -> dict[str, Any]:
    """The municipality's areas (DeSO, RegSO, districts…) as GeoJSON in WGS84."""
    access = gate(request)
    rows = Area.objects.filter(municipality=access.municipality).order_by("kind", "code")
    if kind:
        rows = rows.filter(kind=kind)
    return {"type": "FeatureCollection", "features": [area_feature(a) for a in rows]}


def _events(access: Access, filters: EventFilter) -> Any:
    events = filter_events(visible_events(access), filters)
    return events.select_related(*EVENT_RELATED).order_by("-observed_from", "-id")


@router.get("/reports", response=answers(list[s.EventOut]), tags=["reports"])
@etagged
@paginate(Page)
def reports(request: HttpRequest, filters: Query[EventFilter]) -> Rows:
    """Reported events, newest first: every event for roles with an overview, a reporter's
    own otherwise. Filter by period, area, category and source."""
    access = gate(request)
    return Rows(_events(access, filters), event_row)


@router.get("/reports/{event_id}", response=answers(s.EventOut), tags=["reports"])
@etagged
def report(request: HttpRequest, event_id: int) -> dict[str, Any]:
    access = gate(request)
    return event_row(access_event(access, _pk(event_id)))


IDS = range(1, 2**63)  # the primary keys a database can hold


def _pk(value: int) -> int:
    if value not in IDS:
        raise Http404
    return value


def _category(access: Access, code: str | None, where: str) -> Category | None:
    if code is None:
        return None
    found = Category.objects.filter(municipality=access.municipality, code=code).first()
    if found is None:
        raise ValidationError({where: _("Unknown category code “%(code)s”.") % {"code": code}})
    return found


def _check_text(text: str, confirmed: bool, where: str) -> None:
    findings = find_personal_data(text)
    if findings and not confirmed:
        kinds = ", ".join(sorted({str(FINDING_LABELS[f.kind]) for f in findings}))
        raise ValidationError(
            {
                where: _(
                    "The description may hold personal data (%(kinds)s): describe the place "
                    "and the situation, not persons, or set personal_data_confirmed."
                )
                % {"kinds": kinds}
            }
        )


def _event_input(access: Access, e: s.EventIn, i: int) -> EventInput:
    where = f"events[{i}]"
    _check_text(e.description, e.personal_data_confirmed, f"{where}.description")
    category = _category(access, e.category, f"{where}.category")
    assert category is not None
    return EventInput(
        category=category,
        subcategory=_category(access, e.subcategory, f"{where}.subcategory"),
        observed_from=e.observed_from,
        observed_to=e.observed_to or e.observed_from,
        lat=e.lat,
        lon=e.lon,
        people_count=e.people_count,
        youths=e.youths,
        insecurity=e.insecurity,
        police_called=e.police_called,
        crime_reported=e.crime_reported,
        description=e.description,
        personal_data_confirmed=e.personal_data_confirmed,
    )


def _organisation(access: Access, pk: int | None) -> Organisation:
    pk = access.primary_organisation_id if pk is None else pk
    org = Organisation.objects.filter(municipality=access.municipality, pk=pk).first()
    if org is None or pk not in access.organisation_ids:
        raise ValidationError({"organisation": _("Reporting organisation: choose one of yours.")})
    return org


@router.post("/reports", response=answers(s.ReportOut, writes=True, created=True), tags=["reports"])
def create_report(request: HttpRequest, data: s.ReportIn) -> Any:
    """Report events, like the phone form. A retry with the same `client_key` answers 200
    with the report already stored; a new report answers 201."""
    access = gate(request, scope=Scope.WRITE, capability="report")
    events = [_event_input(access, e, i) for i, e in enumerate(data.events)]
    report, created = report_incident(
        access,
        organisation=_organisation(access, data.organisation),
        client_key=str(data.client_key),
        events=events,
    )
    body = {"id": report.pk, "created": created, "events": [e.pk for e in report.events.all()]}
    return Status(201 if created else 200, body)


def _actions(access: Access) -> Any:
    return (
        visible_actions(access)
        .select_related("area", "responsible_organisation")
        .prefetch_related("events")
        .order_by("-updated_at", "-id")
    )


@router.get("/actions", response=answers(list[s.ActionOut]), tags=["cycle"])
@etagged
@paginate(Page)
def actions(
    request: HttpRequest, status: str | None = None, organisation: int | None = None
) -> Rows:
    """Actions this user may see (internal ones only for their organisation and coordinators)."""
    rows = _actions(gate(request))
    if status:
        rows = rows.filter(status=status)
    if organisation is not None:
        # An id no database can hold names no organisation (SQLite would overflow on it).
        rows = (
            rows.filter(responsible_organisation_id=organisation)
            if organisation in IDS
            else rows.none()
        )
    return Rows(rows, action_row)


@router.get("/actions/{action_id}", response=answers(s.ActionOut), tags=["cycle"])
@etagged
def action(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return action_row(access_action(gate(request), _pk(action_id)))


@router.patch("/actions/{action_id}", response=answers(s.ActionOut, writes=True), tags=["cycle"])
def update_action(request: HttpRequest, action_id: int, data: s.ActionPatch) -> dict[str, Any]:
    """Status, effort and outcome, as the action queue sets them: by the responsible
    organisation or a coordinator. Closing as done needs an outcome."""
    access = gate(request, scope=Scope.WRITE)
    row = access_action(access, _pk(action_id), write=True)
    form = ActionUpdateForm(data.dict())
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    cycle_services.update_action(access.user, row, **form.cleaned_data)
    return action_row(access_action(access, row.pk))


@router.get("/decisions", response=answers(list[s.DecisionOut]), tags=["cycle"])
@etagged
@paginate(Page)
def decisions(request: HttpRequest, period: Query[Period]) -> Rows:
    """Decisions of meetings and direction decisions, newest first."""
    access = gate(request, capability="view_reports")
    rows = Decision.objects.filter(municipality=access.municipality).select_related(
        "area", "responsible_organisation"
    )
    return Rows(in_period(rows, "created_at", period), decision_row)


@router.get("/meetings", response=answers(list[s.MeetingOut]), tags=["cycle"])
@etagged
@paginate(Page)
def meetings(request: HttpRequest, period: Query[Period]) -> Rows:
    access = gate(request, capability="view_reports")
    rows = Meeting.objects.filter(municipality=access.municipality)
    if period.start:
        rows = rows.filter(date__gte=period.start)
    if period.end:
        rows = rows.filter(date__lte=period.end)
    rows = rows.select_related("series").prefetch_related("decisions")
    return Rows(rows, meeting_row)


def _published(access: Access) -> Any:
    return WeeklyPicture.objects.filter(
        municipality=access.municipality, status=WeeklyPicture.Status.PUBLISHED
    )


@router.get("/pictures", response=answers(list[s.PictureSummary]), tags=["picture"])
@etagged
@paginate(Page)
def pictures(request: HttpRequest) -> Rows:
    """The published weekly situational pictures, newest first."""
    access = gate(request, capability="view_reports")
    return Rows(_published(access), lambda p: {"week": p.week, "published_at": p.published_at})


def _picture(access: Access, week: str) -> WeeklyPicture:
    try:
        parsed = Week.parse(week)
    except ValueError:
        raise Http404 from None
    picture = _published(access).filter(week=str(parsed)).first()
    if picture is None or picture.snapshot is None:
        raise Http404
    return picture


def _with_police(request: HttpRequest, access: Access) -> bool:
    token = request.auth  # type: ignore[attr-defined]
    return token.has_scope(Scope.POLICE) and access.can("police_data")


@router.get("/pictures/{week}", response=answers(s.PictureOut), tags=["picture"])
@etagged
def picture(request: HttpRequest, week: str) -> dict[str, Any]:
    """One published picture as frozen (ISO week, e.g. 2026-W48). Its police part is
    included only for a token with the police-data scope whose user may see police data."""
    access = gate(request, capability="view_reports")
    row = _picture(access, week)
    content = dict(row.snapshot or {})
    if _with_police(request, access):
        record(
            access.user,
            "view",
            municipality=access.municipality,
            object_type="picture.police",
            object_id=row.week,
            summary=f"{row.week}: API",
        )
    else:
        content.pop("police", None)
    return {"week": row.week, "published_at": row.published_at, "content": content}


@router.get("/pictures/{week}/analysis", response=answers(s.AnalysisOut), tags=["picture"])
@etagged
def analysis(request: HttpRequest, week: str) -> dict[str, Any]:
    """The analysis results of a published picture: totals and trends per area, alerts,
    hot spots (Gi*), space-time clusters and repeat places."""
    access = gate(request, capability="view_reports")
    content = _picture(access, week).snapshot or {}
    return {
        "week": content.get("week", week),
        "published": True,
        "total": content.get("total", {}),
        "alerts": content.get("alerts", []),
        "hotspots": content.get("hotspots", {}),
        "clusters": content.get("clusters", []),
        "repeat_places": content.get("repeat_places", []),
        "areas": content.get("areas", []),
    }


@router.get("/police/events", response=answers(list[s.PoliceEventOut]), tags=["police"])
@etagged
@paginate(Page)
def police_events(request: HttpRequest, period: Query[Period]) -> Rows:
    """The police's published events in the municipality. Needs the police-data scope and a
    role that may see police data; every call leaves an audit row."""
    access = police_gate(request)
    rows = in_period(
        PoliceEvent.objects.filter(municipality=access.municipality), "occurred_at", period
    )
    record(
        access.user,
        "view",
        municipality=access.municipality,
        object_type="police.policeevent",
        summary="police events: API",
        start=str(period.start or ""),
        end=str(period.end or ""),
    )
    return Rows(rows.order_by("-occurred_at", "-id"), police_event_row)


def police_event_row(p: PoliceEvent) -> dict[str, Any]:
    return {
        "id": p.pk,
        "event_id": p.event_id,
        "occurred_at": p.occurred_at,
        "event_type": p.event_type,
        "name": p.name,
        "summary": p.summary,
        "location_name": p.location_name,
        "url": p.url,
    }


def survey_row(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "title": survey.title,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "status": survey.status,
        "area_kind": survey.area_kind,
        "publish_results": survey.publish_results,
    }


@router.get("/surveys", response=answers(list[s.SurveyOut]), tags=["surveys"])
@etagged
@paginate(Page)
def surveys(request: HttpRequest) -> Rows:
    """The citizen-dialogue survey rounds, newest first (staff with the overview only)."""
    access = gate(request, capability="view_reports")
    return Rows(Survey.objects.filter(municipality=access.municipality), survey_row)


def _group(group: Any, area: Area | None) -> dict[str, Any]:
    shown = not group.hidden
    return {
        "area": area.code if area else None,
        "label": group.label,
        "hidden": group.hidden,
        "note": str(group.reason_text) if group.hidden else "",
        **{
            k: (getattr(group, k) if shown else None)
            for k in ("n", "k", "share", "low", "high", "mean", "mean_low", "mean_high")
        },
    }


@router.get("/surveys/{survey_id}/results", response=answers(s.SurveyResultsOut), tags=["surveys"])
@etagged
def survey_results(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """The round's results per area and for the whole municipality, as the staff page shows
    them: shares with 95 % Wilson intervals and mean scores with t intervals; a group with
    fewer than 10 answers, or one hidden so that such a group cannot be worked out from the
    total, has every number null (trygg.analysis.surveys)."""
    access = gate(request, capability="view_reports")
    data = results.results(access_survey(access, _pk(survey_id)))
    respondents = data["respondents"]
    return {
        "survey": survey_row(data["survey"]),
        "minimum": results.MINIMUM,
        "respondents": respondents["total"],
        "respondents_by_area": [
            {"area": a.code, "label": a.label, "n": n}
            for a, n in zip(data["areas"], respondents["by_area"], strict=True)
        ],
        "questions": [
            {
                "code": qr.question.code,
                "question": str(qr.question.text),
                "outcome": str(qr.question.outcome),
                "total": _group(qr.total, None),
                "areas": [_group(g, a) for a, g in zip(data["areas"], qr.groups, strict=True)],
            }
            for qr in data["questions"]
        ],
    }
