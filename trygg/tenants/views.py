from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.reports.models import Event

from .access import Access, memberships_of, tenant_view
from .forms import MemberForm, OrganisationForm
from .models import Membership, Organisation
from .services import add_member, save_organisation, set_membership_active


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


@tenant_view("admin")
def organisation_list(request: HttpRequest, access: Access) -> HttpResponse:
    form = OrganisationForm(request.POST or None, municipality=access.municipality)
    if request.method == "POST" and form.is_valid():
        org = save_organisation(request.user, form.save(commit=False))
        messages.success(request, _("Organisation “%(name)s” added.") % {"name": org.name})
        return redirect("organisation_list", code=access.municipality.code)
    organisations = access.municipality.organisations.annotate(
        members=Count("memberships", filter=Q(memberships__active=True))
    )
    return render(
        request, "tenants/organisation_list.html", {"organisations": organisations, "form": form}
    )


@tenant_view("admin")
def organisation_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk, municipality=access.municipality)
    form = OrganisationForm(request.POST or None, instance=org, municipality=access.municipality)
    if request.method == "POST" and form.is_valid():
        save_organisation(request.user, form.save(commit=False))
        messages.success(request, _("Organisation saved."))
        return redirect("organisation_list", code=access.municipality.code)
    return render(request, "tenants/organisation_edit.html", {"form": form, "organisation": org})


@tenant_view("admin")
def member_list(request: HttpRequest, access: Access) -> HttpResponse:
    form = MemberForm(request.POST or None, municipality=access.municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        add_member(
            request.user,
            data["organisation"],
            data["role"],
            username=data["username"],
            password=data["password"],
        )
        messages.success(request, _("%(user)s can now log in.") % {"user": data["username"]})
        return redirect("member_list", code=access.municipality.code)
    members = (
        Membership.objects.filter(organisation__municipality=access.municipality)
        .select_related("user", "user__totp_device", "organisation")
        .order_by("organisation__name", "user__username", "role")
    )
    return render(request, "tenants/member_list.html", {"members": members, "form": form})


@tenant_view("admin")
@require_POST
def member_active(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership, pk=pk, organisation__municipality=access.municipality
    )
    active = request.POST.get("active") == "1"
    if membership.user_id == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate your own membership."))
    else:
        set_membership_active(request.user, membership, active)
    return redirect("member_list", code=access.municipality.code)
