"""The public site of a municipality (`/kommun/<code>/...`): no login.

Only what the group has published, and statistics that follow `disclosure`'s rule.
"""

import csv
import io

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from trygg.cycle.models import Action, DirectionDecision
from trygg.surveys.results import public_results
from trygg.tenants.access import public_view
from trygg.tenants.models import Municipality

from . import stats
from .access import public_promise
from .models import CitizenPromise, Commitment, Progress, PublishedFollowUp, PublishedPicture


def published_directions(municipality: Municipality) -> list[DirectionDecision]:
    return list(
        DirectionDecision.objects.filter(
            municipality=municipality, publication__isnull=False
        ).prefetch_related("problems__area")
    )


def promise_commitments(promise: CitizenPromise) -> list[Commitment]:
    """The promise's commitments with only their published progress and public actions."""
    return list(
        promise.commitments.select_related("organisation").prefetch_related(
            Prefetch(
                "progress",
                queryset=Progress.objects.filter(published=True).order_by("date", "id"),
                to_attr="public_progress",
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.filter(internal=False).order_by("start", "id"),
                to_attr="public_actions",
            ),
        )
    )


@public_view
def public_home(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's public page: direction, promises, results and where to read more."""
    today = timezone.localdate()
    promises = CitizenPromise.objects.published().filter(municipality=municipality)
    current = promises.current(today).first() or promises.first()
    directions = published_directions(municipality)
    ctx = {
        "municipality": municipality,
        "direction": directions[0] if directions else None,
        "promise": current,
        "commitments": promise_commitments(current) if current else [],
        "other_promises": promises.exclude(pk=current.pk) if current else [],
        "followups": PublishedFollowUp.objects.filter(
            followup__municipality=municipality
        ).select_related("followup")[:4],
        "pictures": PublishedPicture.objects.filter(
            picture__municipality=municipality
        ).select_related("picture")[:4],
        "surveys": public_results(municipality),
    }
    return render(request, "public/home.html", ctx)


@public_view
def public_promises(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    promises = CitizenPromise.objects.published().filter(municipality=municipality)
    ctx = {"municipality": municipality, "promises": promises}
    return render(request, "public/promise_list.html", ctx)


@public_view
def public_promise_detail(
    request: HttpRequest, municipality: Municipality, pk: int
) -> HttpResponse:
    """ "Ni sa – vi gjorde": each commitment, its status and what was done."""
    promise = public_promise(municipality, pk)
    ctx = {
        "municipality": municipality,
        "promise": promise,
        "commitments": promise_commitments(promise),
    }
    return render(request, "public/promise_detail.html", ctx)


@public_view
def public_statistics(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    reports, police = stats.reports_table(municipality), stats.police_table(municipality)
    # The map shows the EST reports; police-reported crime where there are no reports.
    shown = police if police.has_data and not reports.has_data else reports
    ctx = {
        "municipality": municipality,
        "reports": reports,
        "police": police,
        "map_measure": shown.measure,
        "map_period": shown.periods[-1].label if shown.periods else "",
        "legend": stats.legend(),
    }
    return render(request, "public/statistics.html", ctx)


@public_view
def public_statistics_csv(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    tables = [stats.reports_table(municipality), stats.police_table(municipality)]
    out = io.StringIO()
    csv.writer(out).writerows(stats.csv_rows(tables))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"trygg-statistik-{municipality.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_view
def public_statistics_geojson(request: HttpRequest, municipality: Municipality) -> JsonResponse:
    """`?measure=police` for police-reported crime; EST reports otherwise."""
    if request.GET.get("measure") == "police":
        table = stats.police_table(municipality)
    else:
        table = stats.reports_table(municipality)
    return JsonResponse(stats.geojson(table))
