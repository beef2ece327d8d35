"""The public tip form and status page (no login), and the staff's moderation queue."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trygg.areas.models import Area
from trygg.ratelimit import allow, client_address
from trygg.reports.review import background_kind
from trygg.reports.views_review import partial_or_page
from trygg.tenants.access import Access, public_view, tenant_view
from trygg.tenants.models import Municipality

from . import services
from .access import access_tip
from .forms import CloseForm, ModerateForm, TipCategoriesForm, TipFilterForm, TipForm
from .models import Tip

MAX_BODY = 16 * 1024  # the form has no file field: anything larger is not a resident's tip
RATE_LIMIT = 10  # tips sent from one address…
RATE_PERIOD = 3600  # …per this many seconds
PAGE_SIZE = 50


# The public form ----------------------------------------------------------------------------


@public_view
@never_cache
def tip_new(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, TipForm(municipality=municipality))
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return _refused(request, municipality, _("The tip is too large to be sent."), 413)
    if not allow("tips", client_address(request), limit=RATE_LIMIT, per=RATE_PERIOD):
        message = _("Too many tips have been sent from your connection. Try again in an hour.")
        return _refused(request, municipality, message, 429)
    form = TipForm(request.POST, municipality=municipality)
    if form.is_spam:
        return _refused(request, municipality, _("The tip could not be sent."), 400)
    if form.is_valid():
        try:
            tip = _submit(municipality, form.cleaned_data)
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Thank you! Your tip is sent."))
            return redirect("tip_status", municipality.code, tip.public_id)
    return _form_page(request, form)


def _submit(municipality: Municipality, data: dict[str, Any]) -> Tip:
    return services.submit_tip(
        municipality,
        category=data["category"],
        lat=data["lat"],
        lon=data["lon"],
        observed_at=data["observed_at"],
        description=data["description"],
        channel=Tip.Channel.WEB,
        client_key=str(data["client_key"]),
        place=data["named_place"],
    )


def _form_page(request: HttpRequest, form: TipForm) -> HttpResponse:
    m = form.municipality
    return render(request, "tips/tip_new.html", {"form": form, "municipality": m})


def _refused(request: HttpRequest, m: Municipality, message: str, status: int) -> HttpResponse:
    return render(
        request, "tips/tip_refused.html", {"municipality": m, "message": message}, status=status
    )


@public_view
def tip_status(request: HttpRequest, municipality: Municipality, pk: str) -> HttpResponse:
    """What the resident may know of their tip: its status and the public answer, nothing else."""
    tip = (
        Tip.objects.filter(municipality=municipality, public_id=pk.upper())
        .only("public_id", "status", "public_note", "created_at", "closed_at")
        .first()
    )
    if tip is None:
        raise Http404
    return render(request, "tips/tip_status.html", {"municipality": municipality, "tip": tip})


@public_view
def tip_areas(request: HttpRequest, municipality: Municipality) -> JsonResponse:
    """The outlines of the municipality's areas (open data), the public map's background."""
    kind = background_kind(municipality)
    areas = Area.objects.filter(municipality=municipality, kind=kind).valid_on(timezone.localdate())
    features = [
        {"type": "Feature", "geometry": a.geometry, "properties": {"label": a.label}}
        for a in areas.only("geometry", "name", "code")
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Moderation ---------------------------------------------------------------------------------


@tenant_view("view_reports")
def tip_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The moderation queue, new tips first; a POST rejects the ticked new tips (spam)."""
    if request.method == "POST":
        access.require("review")
        return _bulk_reject(request, access)
    form = TipFilterForm(request.GET)
    tips = Tip.objects.filter(municipality=access.municipality)
    if form.is_valid() and form.cleaned_data["status"]:
        tips = tips.filter(status=form.cleaned_data["status"])
    tips = tips.select_related("report", "moderated_by").prefetch_related(
        "report__events__category", "report__events__subcategory", "report__events__area"
    )
    # New tips first, then the newest.
    ordered = tips.order_by(_new_first(), "-created_at", "-id")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "form": form,
        "page": page,
        "new_count": Tip.objects.filter(municipality=access.municipality).new().count(),
    }
    return partial_or_page(request, "tips/tip_list.html", "rows", ctx)


def _new_first() -> Any:
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        When(status=Tip.Status.NEW, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


@tenant_view("view_reports")
def tip_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    tip = access_tip(access, pk)
    ctx = {"area_kind": background_kind(access.municipality), **_moderation_context(tip)}
    return render(request, "tips/tip_detail.html", ctx)


def _moderation_context(tip: Tip, form: Any = None, error: str = "") -> dict[str, Any]:
    return {"tip": tip, "event": tip.event, "form": form or ModerateForm(), "error": error}


@tenant_view("review")
@require_POST
def tip_moderate(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    tip = access_tip(access, pk, write=True)
    form = ModerateForm(request.POST)
    error = ""
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        error = _run(
            lambda: services.moderate_tip(
                access.user, tip, accept=accept, note=form.cleaned_data["note"]
            )
        )
    else:
        error = _form_errors(form)
    return _after(request, access, tip, form, error)


@tenant_view("review")
@require_POST
def tip_close(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    tip = access_tip(access, pk, write=True)
    form = CloseForm(request.POST)
    error = ""
    if form.is_valid():
        error = _run(lambda: services.close_tip(access.user, tip, note=form.cleaned_data["note"]))
    else:
        error = _form_errors(form)
    return _after(request, access, tip, form, error)


def _form_errors(form: Any) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _run(action: Any) -> str:
    try:
        action()
    except ValidationError as e:
        return " ".join(e.messages)
    return ""


def _after(request: HttpRequest, access: Access, tip: Tip, form: Any, error: str) -> HttpResponse:
    """The refreshed moderation panel for htmx; otherwise back to the tip, with a message."""
    tip.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        ctx = _moderation_context(tip, form if error else None, error)
        return render(request, "tips/tip_detail.html#moderation", ctx)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("tip_detail", access.municipality.code, tip.pk)


def _bulk_reject(request: HttpRequest, access: Access) -> HttpResponse:
    """Reject the ticked new tips at once: spam and tips that are not about a place."""
    ids = [int(v) for v in request.POST.getlist("tip") if v.isdigit()]
    tips = list(Tip.objects.filter(municipality=access.municipality, pk__in=ids).new())
    if not tips:
        messages.error(request, _("Tick at least one new tip to reject."))
        return redirect("tip_list", access.municipality.code)
    try:
        n = services.reject_tips(access.user, tips, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, ngettext("%(n)s tip rejected.", "%(n)s tips rejected.", n) % {"n": n}
        )
    return redirect("tip_list", access.municipality.code)


@tenant_view("admin")
def tip_categories(request: HttpRequest, access: Access) -> HttpResponse:
    """The administrator chooses which categories the public form offers."""
    data = request.POST if request.method == "POST" else None
    form = TipCategoriesForm(data, municipality=access.municipality)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["categories"])
        services.set_tip_categories(access.user, access.municipality, chosen)
        messages.success(request, _("The categories of the tip form are saved."))
        return redirect("tip_categories", access.municipality.code)
    return render(request, "tips/tip_categories.html", {"form": form})
