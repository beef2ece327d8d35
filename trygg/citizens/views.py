"""Staff pages of the citizen promises and of what the public page shows."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.cycle.models import DirectionDecision, FollowUp
from trygg.picture.models import WeeklyPicture
from trygg.tenants.access import Access, tenant_view

from . import services
from .access import access_commitment, access_progress, access_promise
from .forms import (
    CommitmentForm,
    ProgressForm,
    PromiseForm,
    PublishFollowUpForm,
    PublishPictureForm,
)
from .models import CitizenPromise


@tenant_view("view_reports")
def promise_list(request: HttpRequest, access: Access) -> HttpResponse:
    promises = CitizenPromise.objects.filter(municipality=access.municipality)
    return render(request, "citizens/promise_list.html", {"promises": promises})


@tenant_view("review")
def promise_new(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    form = PromiseForm(request.POST or None, municipality=m)
    if request.method == "POST" and form.is_valid():
        promise = services.save_form(access.user, form, m, created_by=access.user)
        messages.success(request, _("The citizen promise was saved."))
        return redirect("promise_detail", m.code, promise.pk)
    return render(request, "citizens/promise_form.html", {"form": form})


@tenant_view("review")
def promise_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    promise = access_promise(access, pk, write=True)
    form = PromiseForm(request.POST or None, instance=promise, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The citizen promise was saved."))
        return redirect("promise_detail", m.code, promise.pk)
    return render(request, "citizens/promise_form.html", {"form": form, "promise": promise})


def _detail(
    request: HttpRequest, access: Access, promise: CitizenPromise, **forms: object
) -> HttpResponse:
    m = access.municipality
    commitments = promise.commitments.select_related("organisation").prefetch_related(
        "actions", "progress"
    )
    ctx = {
        "promise": promise,
        "commitments": commitments,
        "commitment_form": forms.get("commitment_form")
        or CommitmentForm(municipality=m, initial={"position": commitments.count() + 1}),
        "progress_form": ProgressForm(municipality=m, prefix="new"),
        "failed": forms.get("failed"),
    }
    return render(request, "citizens/promise_detail.html", ctx)


@tenant_view("view_reports")
def promise_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    return _detail(request, access, access_promise(access, pk))


@tenant_view("review")
@require_POST
def promise_publish(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    promise = access_promise(access, pk, write=True)
    published = request.POST.get("published") == "1"
    services.set_published(access.user, promise, published)
    if published:
        messages.success(request, _("The citizen promise is on the public page."))
    else:
        messages.success(request, _("The citizen promise was withdrawn from the public page."))
    return redirect("promise_detail", access.municipality.code, promise.pk)


@tenant_view("review")
@require_POST
def promise_commitment(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    promise = access_promise(access, pk, write=True)
    form = CommitmentForm(request.POST, municipality=m)
    if form.is_valid():
        services.save_form(access.user, form, m, promise=promise)
        messages.success(request, _("The commitment was added."))
        return redirect("promise_detail", m.code, promise.pk)
    return _detail(request, access, promise, commitment_form=form)


@tenant_view("review")
def commitment_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    commitment = access_commitment(access, pk)
    form = CommitmentForm(request.POST or None, instance=commitment, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The commitment was saved."))
        return redirect("promise_detail", m.code, commitment.promise_id)
    return render(
        request, "citizens/commitment_form.html", {"form": form, "commitment": commitment}
    )


@tenant_view("review")
@require_POST
def commitment_progress(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    m = access.municipality
    commitment = access_commitment(access, pk)
    form = ProgressForm(request.POST, municipality=m, prefix="new")
    if form.is_valid():
        services.save_form(access.user, form, m, commitment=commitment, created_by=access.user)
        messages.success(request, _("The progress was recorded."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The progress was not recorded: %(errors)s") % {"errors": errors})
    return redirect("promise_detail", m.code, commitment.promise_id)


@tenant_view("review")
@require_POST
def progress_publish(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    progress = access_progress(access, pk)
    services.set_published(access.user, progress, request.POST.get("published") == "1")
    return redirect("promise_detail", access.municipality.code, progress.commitment.promise_id)


@tenant_view("view_reports")
def publication_list(request: HttpRequest, access: Access) -> HttpResponse:
    """What the public page shows: direction decisions and follow-ups, published or not."""
    m = access.municipality
    directions = DirectionDecision.objects.filter(municipality=m).select_related("publication")
    followups = FollowUp.objects.filter(municipality=m).select_related("publication")
    pictures = WeeklyPicture.objects.filter(
        municipality=m, status=WeeklyPicture.Status.PUBLISHED
    ).select_related("publication")[:12]
    ctx = {
        "directions": directions,
        "followups": followups,
        "pictures": pictures,
        "form": PublishFollowUpForm(),
        "picture_form": PublishPictureForm(),
    }
    return render(request, "citizens/publication_list.html", ctx)


@tenant_view("review")
@require_POST
def publication_direction(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    direction = get_object_or_404(DirectionDecision, municipality=access.municipality, pk=pk)
    services.publish_direction(access.user, direction, request.POST.get("published") == "1")
    messages.success(request, _("The public page was updated."))
    return redirect("publication_list", access.municipality.code)


@tenant_view("review")
@require_POST
def publication_followup(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    followup = get_object_or_404(FollowUp, municipality=access.municipality, pk=pk)
    return _publish_with_text(
        request,
        access,
        PublishFollowUpForm,
        lambda text: services.publish_followup(access.user, followup, text),
    )


@tenant_view("review")
@require_POST
def publication_picture(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show a published weekly picture on the public page with a text, or withdraw it."""
    picture = get_object_or_404(WeeklyPicture, municipality=access.municipality, pk=pk)
    return _publish_with_text(
        request,
        access,
        PublishPictureForm,
        lambda text: services.publish_picture(access.user, picture, text),
        refusal=None
        if picture.published
        else _("Not published: publish the weekly picture first."),
    )


def _publish_with_text(
    request: HttpRequest,
    access: Access,
    form_class: type[forms.Form],
    publish: Callable[[str | None], Any],
    refusal: str | None = None,
) -> HttpResponse:
    """Withdraw from the public page (published=0), or publish with the form's text unless
    `refusal` (a message) says why not; a message either way."""
    form = form_class(request.POST)
    if request.POST.get("published") == "0":
        publish(None)
    elif refusal:
        messages.error(request, refusal)
        return redirect("publication_list", access.municipality.code)
    elif form.is_valid():
        publish(form.cleaned_data["text"])
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Not published: %(errors)s") % {"errors": errors})
        return redirect("publication_list", access.municipality.code)
    messages.success(request, _("The public page was updated."))
    return redirect("publication_list", access.municipality.code)
