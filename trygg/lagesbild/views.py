"""The lägesbild pages: editions, the document with its checklist, problems, the action plan,
adoption and the adopted versions."""

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trygg.audit.services import record
from trygg.documents.policy import as_document
from trygg.tenants.access import Access, tenant_view

from . import document, services
from .access import (
    access_lagesbild,
    access_measure,
    access_problem,
    access_version,
    can_adopt,
    can_edit,
)
from .forms import AdoptForm, LagesbildForm, MeasureForm, NewLagesbildForm, ProblemForm, StatusForm
from .models import Lagesbild, PlanMeasure, Problem

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def where(access: Access, lagesbild: Lagesbild) -> dict[str, str]:
    """The pages where each part of the checklist is filled in."""
    c = access.municipality.code
    return {
        "texts": reverse("lagesbild_detail", args=[c, lagesbild.pk]) + "#texts",
        "problems": reverse("lagesbild_list", args=[c]) + "#problems",
        "plan": reverse("lagesbild_plan", args=[c]),
        "imports": reverse("import_list", args=[c]),
        "adopt": reverse("lagesbild_adopt", args=[c, lagesbild.pk]),
    }


def snapshot_of(lagesbild: Lagesbild) -> dict[str, Any]:
    return document.build_snapshot(
        lagesbild.municipality, lagesbild.start, lagesbild.end, lagesbild
    )


def download(data: bytes | str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return as_document(response)


@tenant_view("view_reports")
def lagesbild_list(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    start, end = document.default_period(timezone.localdate())
    form = NewLagesbildForm(municipality=m, initial={"start": start, "end": end})
    if request.method == "POST":
        if not can_edit(access):
            raise PermissionDenied
        form = NewLagesbildForm(request.POST, municipality=m)
        if form.is_valid():
            lagesbild = services.save_form(access.user, form, m, created_by=access.user)
            return redirect("lagesbild_detail", m.code, lagesbild.pk)
    ctx = {
        "lagesbilder": Lagesbild.objects.filter(municipality=m).prefetch_related("versions"),
        "problems": Problem.objects.filter(municipality=m).prefetch_related("areas", "measures"),
        "form": form,
        "can_edit": can_edit(access),
    }
    return render(request, "lagesbild/list.html", ctx)


@tenant_view("view_reports")
@require_safe
def lagesbild_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    lagesbild = access_lagesbild(access, pk)
    snapshot = snapshot_of(lagesbild)
    ctx = document.context(snapshot, where(access, lagesbild)) | {
        "lagesbild": lagesbild,
        "versions": lagesbild.versions.all(),
        "form": LagesbildForm(instance=lagesbild, municipality=access.municipality),
        "can_edit": can_edit(access),
        "can_adopt": can_adopt(access),
    }
    record(access.user, "view", lagesbild, summary=str(lagesbild))
    return render(request, "lagesbild/detail.html", ctx)


@tenant_view("review")
@require_POST
def lagesbild_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    lagesbild = access_lagesbild(access, pk, write=True)
    form = LagesbildForm(request.POST, instance=lagesbild, municipality=access.municipality)
    if form.is_valid():
        services.save_form(access.user, form, access.municipality)
        messages.success(request, _("The lägesbild was saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(reverse("lagesbild_detail", args=[access.municipality.code, pk]) + "#texts")


@tenant_view("view_reports")
@require_safe
def lagesbild_export(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """`?format=html|pdf|docx`: the current document (a draft unless adopted)."""
    lagesbild = access_lagesbild(access, pk)
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "pdf", "docx"):
        fmt = "html"
    snapshot = snapshot_of(lagesbild)
    if fmt == "docx":
        data: bytes | str = document.render_docx(snapshot)
    else:
        data = document.render_html(snapshot, where(access, lagesbild))
        if fmt == "pdf":
            data = document.render_pdf(data)
    record(access.user, "export", lagesbild, summary=f"{lagesbild} {fmt}")
    return download(data, fmt, f"lagesbild-{access.municipality.code}-{lagesbild.end:%Y%m%d}")


@tenant_view("view_reports")
def lagesbild_adopt(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    if not can_adopt(access):
        raise PermissionDenied
    lagesbild = access_lagesbild(access, pk)
    form = AdoptForm()
    if request.method == "POST":
        form = AdoptForm(request.POST)
        if form.is_valid():
            version = services.adopt(access.user, lagesbild, **form.cleaned_data)
            messages.success(
                request,
                _("Version %(n)d was adopted and is kept unchanged.") % {"n": version.number},
            )
            return redirect("lagesbild_detail", access.municipality.code, lagesbild.pk)
    snapshot = snapshot_of(lagesbild)
    ctx = document.context(snapshot, where(access, lagesbild)) | {
        "lagesbild": lagesbild,
        "form": form,
    }
    return render(request, "lagesbild/adopt.html", ctx)


@tenant_view("view_reports")
@require_safe
def version_download(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """An adopted version exactly as adopted: `?format=html|pdf|docx|json`."""
    version = access_version(access, pk)
    fmt = request.GET.get("format", "pdf")
    data: Any = {
        "html": version.html,
        "pdf": bytes(version.pdf),
        "docx": bytes(version.docx),
        "json": json.dumps(version.snapshot, ensure_ascii=False, indent=1),
    }.get(fmt)
    if data is None:
        fmt, data = "pdf", bytes(version.pdf)
    record(
        access.user, "export", version, municipality=access.municipality, summary=f"{version} {fmt}"
    )
    name = f"lagesbild-{access.municipality.code}-v{version.number}-{version.adopted_on:%Y%m%d}"
    return download(data, fmt, name)


# Problems and the action plan ---------------------------------------------------------


def _problem_form(request: HttpRequest, access: Access, problem: Problem | None) -> HttpResponse:
    m = access.municipality
    form = ProblemForm(request.POST or None, instance=problem, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The problem was saved."))
        return redirect(reverse("lagesbild_list", args=[m.code]) + "#problems")
    title = _("Edit the problem") if problem else _("New priority problem")
    return render(
        request,
        "lagesbild/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "The cause analysis follows the problem-analysis triangle: what about the place, "
                "the offenders and the targets makes the problem possible."
            ),
        },
    )


@tenant_view("review")
def problem_new(request: HttpRequest, access: Access) -> HttpResponse:
    return _problem_form(request, access, None)


@tenant_view("review")
def problem_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return _problem_form(request, access, access_problem(access, pk, write=True))


@tenant_view("view_reports")
@require_safe
def measure_list(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    measures = (
        PlanMeasure.objects.filter(municipality=m)
        .select_related("problem", "responsible", "action", "decision")
        .prefetch_related("history")
    )
    ctx = {
        "measures": measures,
        "can_edit": can_edit(access),
        "status_form": StatusForm(),
        "today": date.today(),
    }
    return render(request, "lagesbild/plan.html", ctx)


def _measure_form(
    request: HttpRequest, access: Access, measure: PlanMeasure | None
) -> HttpResponse:
    m = access.municipality
    initial = {}
    if measure is None and request.GET.get("problem", "").isdigit():
        initial["problem"] = int(request.GET["problem"])
    form = MeasureForm(request.POST or None, instance=measure, municipality=m, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The measure was saved."))
        return redirect("lagesbild_plan", m.code)
    title = _("Edit the measure") if measure else _("New measure")
    return render(
        request,
        "lagesbild/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "Every measure addresses a priority problem. Link an action or a decision that is "
                "already in Trygg: its title, responsible organisation and dates are used when "
                "left empty."
            ),
        },
    )


@tenant_view("review")
def measure_new(request: HttpRequest, access: Access) -> HttpResponse:
    return _measure_form(request, access, None)


@tenant_view("review")
def measure_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return _measure_form(request, access, access_measure(access, pk, write=True))


@tenant_view("review")
@require_POST
def measure_status(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    measure = access_measure(access, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.change_status(access.user, measure, **form.cleaned_data)
        messages.success(request, _("The status was recorded."))
    else:
        messages.error(request, _("Give a status and a date."))
    return redirect("lagesbild_plan", access.municipality.code)
