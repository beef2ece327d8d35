"""Staff pages: survey rounds, results per area with intervals, unsafe places, CSV export."""

import csv

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trygg.audit.services import record
from trygg.tenants.access import Access, tenant_view

from . import results, services
from .access import access_survey
from .forms import SurveyForm
from .models import Survey, UnsafePlace


@tenant_view("view_reports")
@require_safe
def survey_list(request: HttpRequest, access: Access) -> HttpResponse:
    surveys = Survey.objects.filter(municipality=access.municipality).annotate(
        answers=Count("responses")
    )
    return render(request, "surveys/survey_list.html", {"surveys": surveys})


@tenant_view("review")
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest, access: Access) -> HttpResponse:
    return _edit(request, access, Survey())


@tenant_view("review")
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return _edit(request, access, access_survey(access, pk, write=True))


def _edit(request: HttpRequest, access: Access, survey: Survey) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey, municipality=access.municipality)
    if request.method == "POST" and form.is_valid():
        saved = services.save_survey(request.user, form)
        messages.success(request, _("The survey is saved."))
        return redirect("survey_results", access.municipality.code, saved.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@tenant_view("review")
@require_POST
def survey_close(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    survey = access_survey(access, pk, write=True)
    if survey.is_open:
        services.close_survey(request.user, survey)
        messages.success(request, _("The survey is closed: no more answers are accepted."))
    return redirect("survey_results", access.municipality.code, survey.pk)


@tenant_view("view_reports")
@require_safe
def survey_results(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    survey = access_survey(access, pk)
    data = results.results(survey)
    ctx = data | {
        "safety": results.safety_table(data),
        "problems": [r for r in data["questions"] if r.question.code.startswith("problem_")],
        "trend": results.trend(survey),
        "cells": results.place_cells_geojson(survey),
        "center": f"{access.municipality.center_lat:.5f},{access.municipality.center_lon:.5f}",
        "minimum": results.MINIMUM,
        "cell_size": int(results.PLACE_CELL),
    }
    return render(request, "surveys/survey_results.html", ctx)


@tenant_view("view_reports")
@require_safe
def survey_places(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """The unsafe places as residents marked them, with their texts: raw answers, audited."""
    survey = access_survey(access, pk)
    places = list(
        UnsafePlace.objects.filter(response__survey=survey).select_related("place").order_by("pk")
    )
    points = []
    for p in places:
        lat, lon = (
            (p.lat, p.lon)
            if p.lat is not None
            else ((p.place.lat, p.place.lon) if p.place else (None, None))
        )
        if lat is not None:
            points.append({"lat": lat, "lon": lon, "text": p.text})
    record(request.user, "view", survey, summary=f"unsafe places of {survey.title}", n=len(places))
    ctx = {
        "survey": survey,
        "places": places,
        "points": points,
        "center": f"{access.municipality.center_lat:.5f},{access.municipality.center_lon:.5f}",
    }
    return render(request, "surveys/survey_places.html", ctx)


@tenant_view("view_reports")
@require_safe
def survey_export(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Results per question and area as CSV: the same suppressed numbers as the page."""
    survey = access_survey(access, pk)
    data = results.results(survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enkat-{survey.pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(results.csv_header())
    for row in results.csv_rows(data):
        writer.writerow(row)
    record(request.user, "export", survey, summary=f"results of {survey.title} as CSV")
    return response
