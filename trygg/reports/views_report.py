"""Reporting, phone first: a reporter's new report and their own recent reports."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.tenants.access import Access, tenant_view

from .forms import EventFormSet, ReportForm
from .models import Category, Event, Report
from .services import report_incident

MINE_DAYS = 30
MINE_LIMIT = 50


@tenant_view("report")
def report_new(request: HttpRequest, access: Access) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    report_form = ReportForm(data, access=access)
    formset = EventFormSet(data, files, municipality=access.municipality)
    valid = all([report_form.is_valid(), formset.is_valid()])  # both, to show every error
    if data is not None and valid:
        try:
            report, _created = report_incident(
                access,
                organisation=report_form.cleaned_data["organisation"],
                client_key=str(report_form.cleaned_data["client_key"]),
                events=formset.event_inputs(),
            )
        except ValidationError as e:
            report_form.add_error(None, e.messages)
        else:
            messages.success(request, _saved_message(report))
            return redirect("report_mine", code=access.municipality.code)
    return render(
        request,
        "reports/report_new.html",
        {
            "report_form": report_form,
            "formset": formset,
            "subcategories": _subcategories(access),
            "photos_dropped": bool(files),
            "js_text": _js_text(),
        },
    )


def _saved_message(report: Report) -> str:
    saved = getattr(report, "saved_events", None)  # just created: no need to read them again
    if saved is not None:
        events = [e.outside_areas for e in saved]
    else:
        events = list(report.events.values_list("outside_areas", flat=True))
    outside = sum(events)
    message = ngettext(
        "Thank you! Your report with %(n)s event is saved.",
        "Thank you! Your report with %(n)s events is saved.",
        len(events),
    ) % {"n": len(events)}
    if outside:
        message += " " + ngettext(
            "%(n)s event is outside every area of the municipality; the coordinator will check "
            "its place.",
            "%(n)s events are outside every area of the municipality; the coordinator will "
            "check their places.",
            outside,
        ) % {"n": outside}
    return message


def _subcategories(access: Access) -> dict[str, list[tuple[int, str]]]:
    """Active subcategories by main category id, for the dependent select."""
    subs = Category.objects.filter(municipality=access.municipality, parent__isnull=False)
    grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for sub in subs.active():
        grouped[str(sub.parent_id)].append((sub.pk, sub.display_name))
    return grouped


def _js_text() -> dict[str, str]:
    return {
        "choose": _("Choose…"),
        "noPlace": _("No place chosen yet: tap the map, use your position or search."),
        "position": _("Position:"),
        "place": _("Place:"),
        "locating": _("Finding your position…"),
        "noGeolocation": _("This device cannot share its position: tap the map instead."),
        "geoFailed": _("Could not get your position: tap the map instead."),
        "searching": _("Searching…"),
        "noResults": _("No places found."),
        "searchFailed": _("The search failed: tap the map instead."),
    }


@tenant_view("report")
def report_mine(request: HttpRequest, access: Access) -> HttpResponse:
    events = (
        Event.objects.select_related("category", "subcategory", "area", "place")
        .annotate(photo_count=Count("photos"))
        .order_by("id")
    )
    reports = (
        Report.objects.filter(
            municipality=access.municipality,
            reporter=access.user,
            created_at__gte=timezone.now() - timedelta(days=MINE_DAYS),
        )
        .select_related("organisation")
        .prefetch_related(Prefetch("events", queryset=events))[:MINE_LIMIT]
    )
    return render(
        request,
        "reports/report_mine.html",
        {"reports": reports, "days": MINE_DAYS, "limit": MINE_LIMIT},
    )
