"""Meeting series, meetings with their agenda, decisions and priority order; iCalendar."""

from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from trygg.tenants.access import Access, tenant_view

from . import reads, services
from .forms import (
    AssessmentForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PriorityForm,
    SeriesForm,
)
from .ics import series_ics
from .models import Meeting, MeetingKind, MeetingSeries

# The agenda template of each kind of meeting (the points the page is built around).
AGENDAS = {
    MeetingKind.EST: [
        gettext_lazy("Attendance"),
        gettext_lazy("Follow-up of earlier decisions and actions"),
        gettext_lazy("The new picture"),
        gettext_lazy("Assessment per area"),
        gettext_lazy("Priority order for the next period"),
        gettext_lazy("Decisions"),
        gettext_lazy("Information to pass on"),
        gettext_lazy("Minutes"),
    ],
    MeetingKind.STEERING: [
        gettext_lazy("Attendance"),
        gettext_lazy("Follow-up of earlier decisions and actions"),
        gettext_lazy("Quarterly analysis: need and possibility to influence"),
        gettext_lazy("Direction decision and split of responsibility"),
        gettext_lazy("Decisions"),
        gettext_lazy("Information to pass on"),
        gettext_lazy("Minutes"),
    ],
    MeetingKind.STRATEGIC: [
        gettext_lazy("Attendance"),
        gettext_lazy("The year in review: follow-ups"),
        gettext_lazy("Goals and direction for the coming year"),
        gettext_lazy("Decisions"),
        gettext_lazy("Minutes"),
    ],
}


def get_series(access: Access, pk: int) -> MeetingSeries:
    return get_object_or_404(MeetingSeries, municipality=access.municipality, pk=pk)


def get_meeting(access: Access, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("series"), municipality=access.municipality, pk=pk
    )


@tenant_view("view_reports")
@require_safe
def meeting_list(request: HttpRequest, access: Access) -> HttpResponse:
    series = MeetingSeries.objects.filter(municipality=access.municipality)
    meetings = Meeting.objects.filter(municipality=access.municipality).select_related("series")
    return render(request, "cycle/meeting_list.html", {"series": series, "meetings": meetings[:30]})


@tenant_view("review")
def series_new(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    form = SeriesForm(request.POST or None, municipality=m)
    if request.method == "POST" and form.is_valid():
        series = services.save_form(access.user, form, m)
        messages.success(request, _("The meeting series was created."))
        return redirect("series_detail", m.code, series.pk)
    return render(request, "cycle/series_form.html", {"form": form})


@tenant_view("view_reports")
@require_safe
def series_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    series = get_series(access, pk)
    ctx = {
        "series": series,
        "meetings": series.meetings.all(),
        "form": MeetingForm(municipality=access.municipality),
    }
    return render(request, "cycle/series_detail.html", ctx)


@tenant_view("review")
@require_POST
def meeting_new(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    series = get_series(access, pk)
    form = MeetingForm(request.POST, municipality=access.municipality)
    if form.is_valid():
        if series.meetings.filter(date=form.cleaned_data["date"]).exists():
            form.add_error("date", _("The series already has a meeting that day."))
        else:
            meeting = services.save_form(access.user, form, access.municipality, series=series)
            return redirect("meeting_detail", access.municipality.code, meeting.pk)
    ctx = {"series": series, "meetings": series.meetings.all(), "form": form}
    return render(request, "cycle/series_detail.html", ctx)


@tenant_view("view_reports")
@require_safe
def series_ics_view(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    series = get_series(access, pk)
    response = HttpResponse(series_ics(series, request.get_host()), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="trygg-series-{series.pk}.ics"'
    return response


FORMS = {
    "attendance": AttendanceForm,
    "assessment": AssessmentForm,
    "priority": PriorityForm,
    "decision": DecisionForm,
}


def meeting_context(access: Access, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    m = access.municipality
    blank = {name: cls(municipality=m, prefix=name) for name, cls in FORMS.items()}
    next_position = meeting.priorities.count() + 1
    blank["priority"] = PriorityForm(
        municipality=m, prefix="priority", initial={"position": next_position}
    )
    return {
        "meeting": meeting,
        "agenda_points": AGENDAS[MeetingKind(meeting.series.kind)],
        "followup": reads.agenda(access, meeting),
        "attendance": meeting.attendance.select_related("organisation"),
        "assessments": meeting.assessments.select_related("area"),
        "priorities": meeting.priorities.select_related("area", "responsible_organisation"),
        "decisions": meeting.decisions.select_related("area", "responsible_organisation")
        .prefetch_related("actions")
        .order_by("created_at"),
        "minutes_form": MinutesForm(instance=meeting, municipality=m, prefix="minutes"),
        "forms": blank | forms,
    }


@tenant_view("view_reports")
@require_safe
def meeting_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    meeting = get_meeting(access, pk)
    return render(request, "cycle/meeting_detail.html", meeting_context(access, meeting))


@tenant_view("review")
@require_POST
def meeting_minutes(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    meeting = get_meeting(access, pk)
    form = MinutesForm(request.POST, instance=meeting, municipality=access.municipality,
                       prefix="minutes")  # fmt: skip
    if form.is_valid():
        services.save_form(access.user, form, access.municipality)
        messages.success(request, _("The minutes were saved."))
        return redirect("meeting_detail", access.municipality.code, meeting.pk)
    ctx = meeting_context(access, meeting)
    ctx["minutes_form"] = form
    return render(request, "cycle/meeting_detail.html", ctx, status=200)


def add_to_meeting(request: HttpRequest, access: Access, pk: int, name: str) -> HttpResponse:
    """Add an attendance row, an assessment, a priority or a decision to a meeting."""
    meeting = get_meeting(access, pk)
    form = FORMS[name](request.POST, municipality=access.municipality, prefix=name)
    if form.is_valid():
        extra: dict[str, Any] = {"meeting": meeting}
        if name == "decision":
            extra["created_by"] = access.user
        try:
            services.save_form(access.user, form, access.municipality, **extra)
        except IntegrityError:
            form.add_error(None, _("That area has already been assessed in this meeting."))
        else:
            messages.success(request, _("Saved."))
            return redirect(
                reverse("meeting_detail", args=[access.municipality.code, pk]) + f"#{name}"
            )
    ctx = meeting_context(access, meeting, **{name: form})
    return render(request, "cycle/meeting_detail.html", ctx)


@tenant_view("review")
@require_POST
def meeting_attendance(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return add_to_meeting(request, access, pk, "attendance")


@tenant_view("review")
@require_POST
def meeting_assessment(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return add_to_meeting(request, access, pk, "assessment")


@tenant_view("review")
@require_POST
def meeting_priority(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return add_to_meeting(request, access, pk, "priority")


@tenant_view("review")
@require_POST
def meeting_decision(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return add_to_meeting(request, access, pk, "decision")
