"""Pages of police data: event notices per week, police-reported crime per area, the mapping.

Every page that shows police data records a `view` (or `export`) in the audit log.
"""

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.reports.models import Category
from trygg.tenants.access import Access, tenant_view

from . import stats
from .codes import GROUPINGS
from .mapping import set_mapping
from .models import EventTypeMapping

EVENT_GROUPINGS = (
    ("type", gettext_lazy("police event type")),
    ("est", gettext_lazy("EST category")),
)
MONTHS = [(str(m), str(m)) for m in range(1, 13)]


def render_part(
    request: HttpRequest, template: str, parts: dict[str, str], ctx: dict[str, Any]
) -> HttpResponse:
    """The partial an htmx request targets (by the id of its target), else the whole page."""
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request and htmx.target in parts:
        template = f"{template}#{parts[htmx.target]}"
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Police events --------------------------------------------------------------------------


@tenant_view("police_data")
def police_events(request: HttpRequest, access: Access) -> HttpResponse:
    municipality = access.municipality
    years = stats.event_years(municipality)
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else timezone.localdate().isocalendar().year
    grouping = request.GET.get("by", "type")
    if grouping not in dict(EVENT_GROUPINGS):
        grouping = "type"
    week = _int(request.GET.get("week"))
    table = stats.events_by_week(municipality, year, grouping)
    record(
        request.user,
        "view",
        municipality=municipality,
        object_type="police.policeevent",
        summary=f"police events per week {year}" + (f", week {week}" if week else ""),
        year=year,
        week=week,
        by=grouping,
    )
    ctx = {
        "years": years,
        "year": year,
        "grouping": grouping,
        "groupings": EVENT_GROUPINGS,
        "table": table,
        "week": week,
        "week_events": stats.week_events(municipality, year, week) if week else [],
    }
    return render_part(
        request, "police/events.html", {"events": "events", "week-detail": "week"}, ctx
    )


# Police-reported crime ------------------------------------------------------------------


class CrimeFilters(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year registered"), coerce=int)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"), coerce=int, required=False, empty_value=None
    )
    by = forms.ChoiceField(label=gettext_lazy("Categories"), choices=GROUPINGS, required=False)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("every DeSO"),
    )

    def __init__(self, data: Any, *, years: list[int], municipality: Any):
        super().__init__(data)
        self.fields["year"].choices = [(y, y) for y in years]  # type: ignore[attr-defined]
        self.fields["month"].choices = [("", _("the whole year")), *MONTHS]  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, kind=Area.Kind.DESO
        ).order_by("code")

    def filters(self, years: list[int]) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "year": data.get("year") or (years[0] if years else timezone.localdate().year),
            "month": data.get("month"),
            "grouping": data.get("by") or "category",
            "area": data.get("area"),
        }


def _crime_filters(request: HttpRequest, access: Access) -> tuple[CrimeFilters, dict[str, Any]]:
    years = stats.crime_years(access.municipality)
    data = request.GET if "year" in request.GET else None
    form = CrimeFilters(data, years=years, municipality=access.municipality)
    return form, form.filters(years)


def _crime_summary(filters: dict[str, Any]) -> str:
    area = filters["area"]
    return (
        f"police-reported crime {filters['year']}"
        + (f"-{filters['month']:02d}" if filters["month"] else "")
        + f" by {filters['grouping']}"
        + (f", area {area.code}" if area else "")
    )


@tenant_view("police_data")
def police_crimes(request: HttpRequest, access: Access) -> HttpResponse:
    form, filters = _crime_filters(request, access)
    table = stats.crime_table(access.municipality, **filters)
    record(
        request.user,
        "view",
        municipality=access.municipality,
        object_type="police.policecrime",
        summary=_crime_summary(filters),
    )
    ctx = {
        "form": form,
        "filters": filters,
        "table": table,
        "by_year": stats.crimes_by_year(access.municipality),
        "query": request.GET.urlencode(),
    }
    return render_part(request, "police/crimes.html", {"crimes": "crimes"}, ctx)


@tenant_view("police_data")
def police_crimes_csv(request: HttpRequest, access: Access) -> HttpResponse:
    _form, filters = _crime_filters(request, access)
    table = stats.crime_table(access.municipality, **filters)
    record(
        request.user,
        "export",
        municipality=access.municipality,
        object_type="police.policecrime",
        summary=_crime_summary(filters) + " (CSV)",
    )
    name = f"polisanmalda-brott-{access.municipality.code}-{filters['year']}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # for Excel
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Month") if filters["area"] else _("Area"), *table.columns, _("Total")])
    for row in table.rows:
        writer.writerow([row["label"], *row["cells"], row["total"]])
    writer.writerow([_("Total"), *table.totals, table.total])
    return response


# The mapping of event types -------------------------------------------------------------


def _mapping_rows(access: Access) -> list[tuple[EventTypeMapping, int]]:
    counts = stats.type_counts(access.municipality)
    mappings = EventTypeMapping.objects.filter(municipality=access.municipality).select_related(
        "category"
    )
    return [(m, counts.get(m.event_type, 0)) for m in mappings]


def _categories(access: Access) -> Any:
    return Category.objects.filter(municipality=access.municipality, active=True).select_related(
        "parent"
    )


@tenant_view("police_data")
def police_mapping(request: HttpRequest, access: Access) -> HttpResponse:
    rows = _mapping_rows(access)
    record(
        request.user,
        "view",
        municipality=access.municipality,
        object_type="police.eventtypemapping",
        summary="police event types and their EST categories",
    )
    ctx = {"rows": rows, "categories": _categories(access), "can_edit": access.can("manage_areas")}
    return render(request, "police/mapping.html", ctx)


@tenant_view("manage_areas")
@require_POST
def police_mapping_set(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    mapping = get_object_or_404(EventTypeMapping, pk=pk, municipality=access.municipality)
    category_id = _int(request.POST.get("category"))
    category = (
        get_object_or_404(Category, pk=category_id, municipality=access.municipality)
        if category_id
        else None
    )
    set_mapping(request.user, mapping, category)
    if request.htmx:  # type: ignore[attr-defined]
        count = stats.type_counts(access.municipality).get(mapping.event_type, 0)
        ctx = {
            "mapping": mapping,
            "count": count,
            "categories": _categories(access),
            "can_edit": True,
            "saved": True,
        }
        return render(request, "police/mapping.html#row", ctx)
    messages.success(request, _("Saved: %(type)s.") % {"type": mapping.event_type})
    return redirect("police_mapping", access.municipality.code)
