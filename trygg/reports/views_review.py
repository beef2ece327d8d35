"""The coordinator's review of events, and the administration of the category taxonomy."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.tenants.access import Access, tenant_view

from . import review
from .access import access_event, access_photo
from .models import Category, Event

PAGE_SIZE = 50
SAFE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def partial_or_page(request: HttpRequest, template: str, partial: str, ctx: dict[str, Any]) -> Any:
    """The named partial for an htmx request, else the whole page."""
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template = f"{template}#{partial}"
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Events ----------------------------------------------------------------------------------


@tenant_view("view_reports")
def event_list(request: HttpRequest, access: Access) -> HttpResponse:
    form, events = review.filter_events(access, request.GET)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    colors = review.category_colors(access.municipality)
    ctx = {
        "form": form,
        "page": page,
        "rows": [(e, colors.get(e.category_id)) for e in page],
        "counts": review.counts(events),
    }
    return partial_or_page(request, "reports/event_list.html", "rows", ctx)


@tenant_view("view_reports")
def event_map(request: HttpRequest, access: Access) -> HttpResponse:
    form, _events = review.filter_events(access, request.GET)
    colors = review.category_colors(access.municipality)
    tops = Category.objects.filter(municipality=access.municipality).top()
    ctx = {
        "form": form,
        "legend": [(c, colors[c.pk]) for c in tops],
        "area_kind": review.background_kind(access.municipality),
        "can_review": access.can("review"),
    }
    return render(request, "reports/event_map.html", ctx)


@tenant_view("view_reports")
def event_geojson(request: HttpRequest, access: Access) -> HttpResponse:
    # Moderators see the citizen tips waiting for them too, as their own layer.
    form, events = review.filter_events(access, request.GET, new_tips=access.can("review"))
    if form.errors:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        empty = {"type": "FeatureCollection", "features": [], "count": 0, "errors": errors}
        return JsonResponse(empty, status=400, content_type="application/geo+json")
    collection = review.events_geojson(access.municipality, events)
    return JsonResponse(collection, content_type="application/geo+json")


@tenant_view()
def event_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    event = access_event(access, pk)
    ctx = {
        "photos": event.photos.all(),
        "area_kind": review.background_kind(access.municipality),
        **review_context(access, event),
    }
    return render(request, "reports/event_detail.html", ctx)


def review_context(access: Access, event: Event, error: str = "") -> dict[str, Any]:
    can_review = access.can("review")
    return {
        "event": event,
        "error": error,
        "duplicates": event.duplicates.all(),
        "related_events": event.related.all(),
        "suggestions": review.suggest_duplicates(event) if can_review else [],
    }


def after_review(request: HttpRequest, access: Access, event: Event, error: str) -> HttpResponse:
    """The refreshed review panel for htmx; otherwise back to the event, with a message."""
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "reports/event_detail.html#review", review_context(access, event, error)
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("event_detail", access.municipality.code, event.pk)


def other_event(access: Access, value: str | None) -> Event:
    """The event a review form names by number; a clear error when there is none."""
    try:
        return access_event(access, int(value or ""))
    except (ValueError, OverflowError, Http404):
        raise ValidationError(
            _("There is no event number “%(value)s” in this municipality.") % {"value": value}
        ) from None


def run(action: Callable[[], object]) -> str:
    """Run a review write; its validation message, or "" when it succeeded."""
    try:
        action()
    except ValidationError as e:
        return " ".join(e.messages)
    return ""


@tenant_view("review")
@require_POST
def event_review(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    event = access_event(access, pk, write=True)
    reviewed = request.POST.get("reviewed", "1") != "0"
    review.mark_reviewed(access.user, event, reviewed)
    return after_review(request, access, event, "")


@tenant_view("review")
@require_POST
def event_merge(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    event = access_event(access, pk, write=True)
    if request.POST.get("undo"):
        error = run(lambda: review.unmerge(access.user, event))
    else:
        into = request.POST.get("into")
        error = run(lambda: review.merge(access.user, event, other_event(access, into)))
    return after_review(request, access, event, error)


@tenant_view("review")
@require_POST
def event_link(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    event = access_event(access, pk, write=True)
    linked, other = not request.POST.get("unlink"), request.POST.get("other")
    error = run(lambda: review.link(access.user, event, other_event(access, other), linked))
    return after_review(request, access, event, error)


@tenant_view()
def photo(request: HttpRequest, access: Access, pk: int) -> FileResponse:
    """A photo file, only to those who may see its event; never through a public URL."""
    item = access_photo(access, pk)
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    safe = item.content_type in SAFE_IMAGE_TYPES
    response = FileResponse(
        handle,
        content_type=item.content_type if safe else "application/octet-stream",
        as_attachment=not safe,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Categories ------------------------------------------------------------------------------


@tenant_view("admin")
def category_list(request: HttpRequest, access: Access) -> HttpResponse:
    tops = (
        Category.objects.filter(municipality=access.municipality).top().prefetch_related("children")
    )
    return render(request, "reports/category_list.html", {"tops": tops})


@tenant_view("admin")
def category_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = review.NewCategoryForm(
        request.POST or None,
        municipality=access.municipality,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        category = review.create_category(access.user, access.municipality, **form.cleaned_data)
        messages.success(request, _("Category %(code)s added.") % {"code": category.code})
        return redirect("category_list", access.municipality.code)
    return render(request, "reports/category_new.html", {"form": form})


@tenant_view("admin")
def category_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, municipality=access.municipality, pk=pk)
    if request.method == "POST" and request.POST.get("active") in ("0", "1"):
        review.set_category_active(access.user, category, request.POST["active"] == "1")
        messages.success(request, _("Category %(code)s saved.") % {"code": category.code})
        return redirect("category_edit", access.municipality.code, category.pk)
    initial = {"name": category.name, "name_en": category.name_en, "position": category.position}
    form = review.CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        review.update_category(access.user, category, **form.cleaned_data)
        messages.success(request, _("Category %(code)s saved.") % {"code": category.code})
        return redirect("category_list", access.municipality.code)
    return render(request, "reports/category_edit.html", {"form": form, "category": category})
