"""Safety walks: the staff's list, plan and page, the phone's walk mode, the protocol PDF."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trygg.audit.services import record
from trygg.documents import html_to_pdf
from trygg.reports.models import Category
from trygg.tenants.access import Access, tenant_view

from . import documents, services
from .access import access_walk, can_record, visible_walks
from .forms import AgreedActionForm, FindingForm, WalkForm
from .models import Finding, SafetyWalk

# One tap in walk mode: the categories a walk usually finds, in this order.
WALK_CODES = ("PLA.BEL", "PLA.BUS", "PLA.NED", "PLA.ODE", "SKA.KLO", "SKA.GLA", "SKA.ANN", "OVR")


@tenant_view()
@require_safe
def walk_list(request: HttpRequest, access: Access) -> HttpResponse:
    walks = (
        visible_walks(access)
        .select_related("area", "place")
        .annotate(finding_count=Count("findings", distinct=True))
        .prefetch_related("participants__organisation")
    )
    rows = [(w, can_record(access, w)) for w in walks]
    return render(request, "walks/walk_list.html", {"rows": rows})


@tenant_view("review")
def walk_new(request: HttpRequest, access: Access) -> HttpResponse:
    return _edit(request, access, SafetyWalk(municipality=access.municipality))


@tenant_view("review")
def walk_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return _edit(request, access, access_walk(access, pk, write=True))


def _edit(request: HttpRequest, access: Access, walk: SafetyWalk) -> HttpResponse:
    m = access.municipality
    data = request.POST if request.method == "POST" else None
    form = WalkForm(data, instance=walk, municipality=m)
    if data is not None and form.is_valid():
        walk = services.save_walk(
            access, form.save(commit=False), form.participants(), form.changed_data
        )
        messages.success(request, _("The safety walk was saved."))
        return redirect("walk_detail", m.code, walk.pk)
    return render(request, "walks/walk_form.html", {"form": form, "walk": walk})


def _findings(walk: SafetyWalk) -> Any:
    return walk.findings.select_related(
        "event__category", "event__subcategory", "event__area"
    ).prefetch_related("event__photos")


def _agreed(walk: SafetyWalk) -> Any:
    return walk.agreed.select_related("action__responsible_organisation", "finding")


@tenant_view()
@require_safe
def walk_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    walk = access_walk(access, pk)
    ctx = {
        "walk": walk,
        "participants": walk.participants.select_related("organisation"),
        "findings": _findings(walk),
        "agreed": _agreed(walk),
        "action_form": AgreedActionForm(walk=walk) if access.can("review") else None,
        "can_record": can_record(access, walk),
        "route": walk.route,
        "points": documents.finding_points(_findings(walk)),
    }
    return render(request, "walks/walk_detail.html", ctx)


@tenant_view()
@require_POST
def walk_action(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """An action agreed at the feedback meeting."""
    walk = access_walk(access, pk, write=True)
    form = AgreedActionForm(request.POST, walk=walk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agree_action(
                access,
                walk,
                title=data["title"],
                organisation=data["responsible_organisation"],
                end=data["end"],
                finding=data["finding"],
                description=data["description"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The agreed action was recorded."))
            return redirect("walk_detail", access.municipality.code, walk.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("walk_detail", access.municipality.code, walk.pk)


# Walk mode ---------------------------------------------------------------------------------


def _buttons(access: Access) -> list[Category]:
    categories = Category.objects.filter(municipality=access.municipality, code__in=WALK_CODES)
    by_code = {c.code: c for c in categories.active()}
    return [by_code[code] for code in WALK_CODES if code in by_code]


def _other_categories(access: Access) -> list[Category]:
    """Every category a finding may have: subcategories, and main categories without any."""
    categories = Category.objects.filter(municipality=access.municipality).active()
    with_children = set(categories.values_list("parent_id", flat=True))
    return [c for c in categories.select_related("parent") if c.pk not in with_children]


def finding_json(finding: Finding) -> dict[str, Any]:
    event = finding.event
    return {
        "number": finding.number,
        "category": (event.subcategory or event.category).display_name,
        "lat": event.lat,
        "lon": event.lon,
        "text": event.description,
        "time": event.observed_from.isoformat(),
    }


@tenant_view("report")
@require_safe
def walk_mode(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    walk = access_walk(access, pk, record=True)
    return _walk_mode(request, access, walk, FindingForm(municipality=access.municipality))


def _walk_mode(request: HttpRequest, access: Access, walk: SafetyWalk, form: Any) -> HttpResponse:
    findings = _findings(walk)
    ctx = {
        "walk": walk,
        "form": form,
        "client_key": uuid.uuid4(),
        "buttons": _buttons(access),
        "others": _other_categories(access),
        "findings": findings,
        "findings_data": [finding_json(f) for f in findings],
        "route": walk.route,
        "js_text": _js_text(),
    }
    # Errors come back with 200, like the other forms; walk mode's script gets JSON and a 400.
    return render(request, "walks/walk_mode.html", ctx)


def _js_text() -> dict[str, str]:
    return {
        "locating": _("Finding your position…"),
        "position": _("Position:"),
        "noGeolocation": _("This device cannot share its position: tap the map instead."),
        "geoFailed": _("Could not get your position: tap the map instead."),
        "noPlace": _("First tap the map where the finding is, then the category."),
        "sending": _("Sending…"),
        "saved": _("Saved as finding %(n)s."),
        "offline": _("Not sent: no connection. It is kept and sent again automatically."),
        "pending": _("Waiting to be sent:"),
        "retry": _("Send again now"),
    }


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@tenant_view("report")
@require_POST
def walk_finding(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One finding from walk mode. A retried post with the same client key is stored once."""
    walk = access_walk(access, pk, record=True)
    data = request.POST.copy()
    if data.get("category") == "other":  # the "other category" list's button
        data["category"] = data.get("other", "")
    form = FindingForm(data, request.FILES, municipality=access.municipality)
    if form.is_valid():
        try:
            finding, created = services.record_finding(
                access, walk, str(form.cleaned_data["client_key"]), form.finding_input()
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            if _wants_json(request):
                return JsonResponse(finding_json(finding) | {"created": created})
            messages.success(request, _("Saved as finding %(n)s.") % {"n": finding.number})
            return redirect("walk_mode", access.municipality.code, walk.pk)
    if _wants_json(request):
        errors = [m for messages_ in form.errors.values() for m in messages_]
        return JsonResponse({"errors": errors}, status=400)
    return _walk_mode(request, access, walk, form)


# The protocol ------------------------------------------------------------------------------


@tenant_view()
@require_safe
def walk_protocol(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    walk = access_walk(access, pk)
    ctx = documents.protocol_context(walk, _findings(walk), _agreed(walk))
    pdf = html_to_pdf(documents.protocol_html(ctx))
    record(access.user, "export", walk, summary=f"protocol {walk}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="trygghetsvandring-{walk.pk}.pdf"'
    return response
