from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from trygg.reports.models import Event

from .access import Access, memberships_of, tenant_view


@login_required
def home(request: HttpRequest) -> HttpResponse:
    municipalities = {m.organisation.municipality for m in memberships_of(request.user)}
    if len(municipalities) == 1:
        return redirect("dashboard", code=municipalities.pop().code)
    return render(
        request,
        "tenants/home.html",
        {"municipalities": sorted(municipalities, key=lambda m: m.name)},
    )


@tenant_view()
def dashboard(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.can("view_reports"):
        return redirect("report_new", code=access.municipality.code)
    since = timezone.now() - timedelta(days=7)
    events = Event.objects.filter(municipality=access.municipality).counted()
    week = events.filter(observed_from__gte=since)
    by_category = (
        week.values("category__code", "category__name", "category__name_en")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return render(
        request,
        "tenants/dashboard.html",
        {
            "week_count": week.count(),
            "unreviewed": events.filter(reviewed_at__isnull=True).count(),
            "outside": events.filter(outside_areas=True).count(),
            "by_category": by_category,
        },
    )
