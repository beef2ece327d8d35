from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.reports.review import background_kind
from trygg.tenants.access import Access, tenant_view

from . import present, services
from . import render as document
from .forms import AssessmentForm
from .weeks import Week


def _week(data: Any) -> Week:
    text = data.get("week", "")
    if not text:
        return Week.current()
    try:
        return Week.parse(text)
    except ValueError as error:
        raise Http404 from error


def _week_url(access: Access, week: Week) -> str:
    return reverse("picture_week", args=[access.municipality.code]) + f"?week={week}"


def _context(access: Access, week: Week) -> dict[str, Any]:
    picture, content = services.content_of(access.municipality, week)
    police = access.can("police_data")
    return document.context(week, picture, content, police=police)


@tenant_view("view_reports")
def picture_week(request: HttpRequest, access: Access) -> HttpResponse:
    """The weekly picture: page, or `?format=pdf` for the printable document."""
    week = _week(request.GET)
    ctx = _context(access, week)
    if ctx["show_police"]:
        services.record_police_view(access, week, "picture")
    if request.GET.get("format") == "pdf":
        return _pdf_response(access, week, ctx)
    can_review = access.can("review") and not ctx["published"]
    layers = present.layers_geojson(ctx["content"], points=access.can("view_reports"))
    ctx.update(
        {
            "can_review": can_review,
            "layers": layers,
            "published_weeks": services.published_weeks(access.municipality),
            "area_kind": background_kind(access.municipality),
        }
    )
    if can_review:
        for row in ctx["area_rows"]:
            if row["id"]:
                initial = row["assessment"] or {}
                row["form"] = AssessmentForm(initial=initial, prefix=f"a{row['id']}")
    return render(request, "picture/week.html", ctx)


def _pdf_response(access: Access, week: Week, ctx: dict[str, Any]) -> HttpResponse:
    pdf = document.document_pdf(ctx)
    record(
        access.user,
        "export",
        municipality=access.municipality,
        object_type="picture.weeklypicture",
        object_id=str(week),
        summary=f"{week} PDF",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"lagesbild-{access.municipality.code}-{week}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@tenant_view("review")
def picture_assess(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Save one area's assessment (htmx: answers with that area's form)."""
    area = get_object_or_404(Area, pk=pk, municipality=access.municipality)
    week = _week(request.POST)
    form = AssessmentForm(request.POST, prefix=f"a{area.pk}")
    saved = False
    if form.is_valid():
        try:
            services.save_assessment(
                access, week, area, form.cleaned_data["level"], form.cleaned_data["text"]
            )
            saved = True
        except services.AlreadyPublished:
            form.add_error(None, _("This week's picture is published and can no longer change."))
    if not request.htmx:  # type: ignore[attr-defined]
        if saved:
            messages.success(request, _("Assessment saved."))
        else:
            errors = [str(e) for errs in form.errors.values() for e in errs]
            messages.error(request, " ".join(errors))
        return redirect(_week_url(access, week))
    ctx = {"form": form, "area_id": area.pk, "week": week, "saved": saved, "access": access}
    # 200 even for a refusal: htmx swaps in the form with its error message.
    return render(request, "picture/assess_form.html", ctx)


@require_http_methods(["GET", "POST"])
@tenant_view("review")
def picture_publish(request: HttpRequest, access: Access) -> HttpResponse:
    """GET: what publishing will freeze; POST: publish (once; again changes nothing)."""
    week = _week(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        services.publish(access, week)
        messages.success(request, _("The picture of week %(week)s is published.") % {"week": week})
        return redirect(_week_url(access, week))
    picture = services.picture_of(access.municipality, week)
    assessed = len(services.assessments_of(picture))
    ctx = {"week": week, "picture": picture, "assessed": assessed}
    return render(request, "picture/publish.html", ctx)


@tenant_view("view_reports")
def picture_export(request: HttpRequest, access: Access) -> HttpResponse:
    """`?format=csv`: counts per area × category; `?format=geojson`: areas and own reports."""
    week = _week(request.GET)
    _picture, content = services.content_of(access.municipality, week)
    kind = request.GET.get("format", "csv")
    record(
        access.user,
        "export",
        municipality=access.municipality,
        object_type="picture.weeklypicture",
        object_id=str(week),
        summary=f"{week} {kind}",
    )
    name = f"lagesbild-{access.municipality.code}-{week}"
    if kind == "geojson":
        data = present.export_geojson(content, points=access.can("view_reports"))
        response: HttpResponse = JsonResponse(data, content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="{name}.geojson"'
        return response
    response = HttpResponse(present.counts_csv(content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
