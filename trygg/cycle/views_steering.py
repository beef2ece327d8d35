"""The steering cycle: quarterly analysis, direction decisions, follow-ups, mobile guards."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trygg.audit.services import record
from trygg.documents.policy import as_document
from trygg.tenants.access import Access, tenant_view

from . import documents, exports, guards, reads, services
from .access import can_decide_direction, visible_actions
from .forms import (
    DirectionForm,
    EvaluationForm,
    FollowUpForm,
    GuardShiftForm,
    ProblemForm,
    SettingsForm,
)
from .models import CycleSettings, DirectionDecision, FollowUp, GuardShift, InfluenceRating
from .periods import PERIOD_RE, PeriodError, current_period, parse_week, week_of


def chosen_period(request: HttpRequest, access: Access) -> str:
    period = request.GET.get("period", "").strip().upper()
    if period and not PERIOD_RE.match(period):
        messages.error(request, _("Write the period as e.g. 2026-Q4 or 2026-T3."))
        period = ""
    return period or current_period(access.municipality, timezone.localdate())


def document_response(template: str, ctx: dict[str, Any], fmt: str, name: str) -> HttpResponse:
    content, content_type = documents.render_document(template, ctx, fmt)
    response = HttpResponse(content, content_type=content_type)
    if fmt == "pdf":
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return as_document(response)


@tenant_view("view_reports")
def quarterly(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    period = chosen_period(request, access)
    if request.method == "POST":
        return save_influence(request, access, period)
    fmt = request.GET.get("format", "")
    if fmt in ("pdf", "html"):
        ctx = documents.quarterly_context(m, period)
        return document_response("cycle/doc_quarterly.html", ctx, fmt, f"quarterly-{period}")
    ctx = documents.quarterly_context(m, period) | {
        "period": period,
        "can_decide": can_decide_direction(access),
    }
    return render(request, "cycle/quarterly.html", ctx)


@tenant_view("view_reports")
@require_GET
def quarterly_export(request: HttpRequest, access: Access) -> HttpResponse:
    """`?format=csv` or `?format=geojson`: the page's need × influence ranking per area."""
    m = access.municipality
    period = chosen_period(request, access)
    kind = "geojson" if request.GET.get("format") == "geojson" else "csv"
    matrix = reads.quarterly_matrix(m, period)
    record(access.user, "export", municipality=m, object_type="cycle.quarterly",
           object_id=period, summary=f"{period} {kind}")  # fmt: skip
    name = f"kvartalsanalys-{m.code}-{period}"
    if kind == "geojson":
        data = exports.quarterly_geojson(matrix)
        response: HttpResponse = JsonResponse(data, content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="{name}.geojson"'
        return response
    response = HttpResponse(exports.quarterly_csv(matrix), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@transaction.atomic
def save_influence(request: HttpRequest, access: Access, period: str) -> HttpResponse:
    """The group's influence rating (1–5) per area for the period: blank removes it."""
    if not can_decide_direction(access):
        raise PermissionDenied
    m = access.municipality
    areas = {
        str(r["area_obj"].pk): r["area_obj"] for r in reads.quarterly_matrix(m, period)["rows"]
    }
    bad, saved = [], {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("rating-") or key[7:] not in areas:
            continue
        value = value.strip()
        area = areas[key[7:]]
        if not value:
            InfluenceRating.objects.filter(municipality=m, period=period, area=area).delete()
        elif value.isdigit() and 1 <= int(value) <= 5:
            InfluenceRating.objects.update_or_create(
                municipality=m, period=period, area=area, defaults={"rating": int(value)}
            )
            saved[area.code] = int(value)
        else:
            bad.append(area.label)
    if bad:
        transaction.set_rollback(True)
        messages.error(
            request, _("A rating is a whole number 1–5: %(areas)s") % {"areas": ", ".join(bad)}
        )
    else:
        record(access.user, "update", municipality=m, object_type="cycle.influencerating",
               object_id=period, summary=period, ratings=saved)  # fmt: skip
        messages.success(request, _("The influence ratings were saved."))
    return redirect(f"{request.path}?period={period}")


@tenant_view("view_reports")
def direction_new(request: HttpRequest, access: Access) -> HttpResponse:
    if not can_decide_direction(access):
        raise PermissionDenied
    m = access.municipality
    initial = {
        "period": current_period(m, timezone.localdate()),
        "decided_on": timezone.localdate(),
    }
    form = DirectionForm(request.POST or None, initial=initial, municipality=m)
    if request.method == "POST" and form.is_valid():
        direction = services.save_form(access.user, form, m, created_by=access.user)
        messages.success(request, _("The direction decision was recorded."))
        return redirect("direction_detail", m.code, direction.pk)
    return render(request, "cycle/direction_form.html", {"form": form})


@tenant_view("view_reports")
def direction_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    direction = get_object_or_404(DirectionDecision, municipality=m, pk=pk)
    form = ProblemForm(
        request.POST or None,
        municipality=m,
        initial={"position": direction.problems.count() + 1},
    )
    if request.method == "POST":
        if not can_decide_direction(access):
            raise PermissionDenied
        if form.is_valid():
            services.save_form(access.user, form, m, direction=direction)
            messages.success(request, _("The problem was added."))
            return redirect("direction_detail", m.code, direction.pk)
    ctx = {
        "direction": direction,
        "problems": direction.problems.select_related("area", "organisation"),
        "form": form,
        "can_decide": can_decide_direction(access),
    }
    return render(request, "cycle/direction_detail.html", ctx)


@tenant_view("view_reports")
def followup_list(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    initial = {"period": current_period(m, timezone.localdate())}
    form = FollowUpForm(request.POST or None, initial=initial, municipality=m)
    if request.method == "POST":
        access.require("review")
        if form.is_valid():
            followup = services.save_form(access.user, form, m, created_by=access.user)
            return redirect("followup_detail", m.code, followup.pk)
    ctx = {"followups": FollowUp.objects.filter(municipality=m), "form": form}
    return render(request, "cycle/followup_list.html", ctx)


def get_followup(access: Access, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("direction"), municipality=access.municipality, pk=pk
    )


@tenant_view("view_reports")
def followup_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    followup = get_followup(access, pk)
    form = FollowUpForm(request.POST or None, instance=followup, municipality=m)
    if request.method == "POST":
        access.require("review")
        if form.is_valid():
            services.save_form(access.user, form, m)
            messages.success(request, _("The follow-up was saved."))
            return redirect("followup_detail", m.code, followup.pk)
    fmt = request.GET.get("format", "")
    ctx = documents.followup_context(followup, visible_actions(access))
    if fmt in ("pdf", "html"):
        name = f"followup-{followup.period}"
        return document_response("cycle/doc_followup.html", ctx, fmt, name)
    ctx |= {"form": form, "evaluation_form": EvaluationForm(municipality=m)}
    return render(request, "cycle/followup_detail.html", ctx)


@tenant_view("view_reports")
@require_GET
def followup_export(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """`?format=csv`: the follow-up's evaluations, with the decisions' actions the reader
    may see (the same read as the page)."""
    followup = get_followup(access, pk)
    ctx = documents.followup_context(followup, visible_actions(access))
    record(access.user, "export", municipality=access.municipality,
           object_type="cycle.followup", object_id=followup.pk,
           summary=f"{followup.period} csv")  # fmt: skip
    name = f"uppfoljning-{access.municipality.code}-{followup.period}"
    response = HttpResponse(exports.followup_csv(ctx), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@tenant_view("review")
@require_POST
def followup_evaluation(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    followup = get_followup(access, pk)
    form = EvaluationForm(request.POST, municipality=m)
    if form.is_valid():
        services.save_form(access.user, form, m, followup=followup)
        messages.success(request, _("The evaluation was added."))
        return redirect("followup_detail", m.code, followup.pk)
    ctx = documents.followup_context(followup, visible_actions(access)) | {
        "form": FollowUpForm(instance=followup, municipality=m),
        "evaluation_form": form,
    }
    return render(request, "cycle/followup_detail.html", ctx)


@tenant_view()
def guard_plan(request: HttpRequest, access: Access) -> HttpResponse:
    """The mobile guards' week: the plan, suggestions from the latest events, a report link."""
    m = access.municipality
    week = request.GET.get("week", "").strip().upper() or week_of(timezone.localdate())
    try:
        monday = parse_week(week)
    except PeriodError:
        messages.error(request, _("Write the week as e.g. 2026-W47."))
        week, monday = week_of(timezone.localdate()), parse_week(week_of(timezone.localdate()))
    form = GuardShiftForm(request.POST or None, municipality=m, initial={"day": monday})
    if request.method == "POST":
        access.require("review")
        if form.is_valid():
            shift_week = week_of(form.cleaned_data["day"])
            services.save_form(access.user, form, m, week=shift_week, created_by=access.user)
            messages.success(request, _("The shift was added to the plan."))
            return redirect(f"{request.path}?week={shift_week}")
    ctx = {
        "week": week,
        "monday": monday,
        "shifts": GuardShift.objects.filter(municipality=m, week=week).select_related("area"),
        "suggestions": guards.suggestions(m, monday) if access.can("review") else [],
        "form": form,
        "previous_week": week_of(monday - timedelta(days=7)),
        "next_week": week_of(monday + timedelta(days=7)),
    }
    return render(request, "cycle/guard_plan.html", ctx)


@tenant_view("admin")
def cycle_settings(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    row = CycleSettings.objects.filter(municipality=m).first() or CycleSettings(municipality=m)
    form = SettingsForm(request.POST or None, instance=row, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The settings were saved."))
        return redirect("cycle_settings", m.code)
    return render(request, "cycle/settings.html", {"form": form})
