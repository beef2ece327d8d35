"""Actions (insatser), the organisations' queues and the police's operational direction."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trygg.tenants.access import Access, tenant_view
from trygg.tenants.models import Organisation

from . import services
from .access import access_action, can_record_operational, can_update_action, visible_actions
from .forms import ActionForm, ActionUpdateForm, OperationalDirectionForm
from .models import Action, Decision, FollowUp, OperationalDirection

FILTERS = {
    "open": lambda qs: qs.open(),
    "overdue": lambda qs: qs.overdue(),
    "closed": lambda qs: qs.exclude(status__in=[Action.Status.PLANNED, Action.Status.ONGOING]),
    "all": lambda qs: qs,
}


def filtered(request: HttpRequest, actions: Any) -> tuple[str, Any]:
    show = request.GET.get("show", "open")
    show = show if show in FILTERS else "open"
    rows = FILTERS[show](actions).select_related("area", "responsible_organisation", "decision")
    return show, rows


@tenant_view("view_reports")
@require_safe
def action_list(request: HttpRequest, access: Access) -> HttpResponse:
    show, rows = filtered(request, visible_actions(access))
    org = request.GET.get("org", "")
    if org.isdigit():
        rows = rows.filter(responsible_organisation_id=int(org))
    ctx = {
        "show": show,
        "actions": rows,
        "organisations": Organisation.objects.filter(municipality=access.municipality),
        "org": org,
        "overdue": visible_actions(access).overdue().count(),
        "title": _("All actions"),
        "list_url": "action_list",
    }
    return render(request, "cycle/action_list.html", ctx)


@tenant_view()
@require_safe
def action_queue(request: HttpRequest, access: Access) -> HttpResponse:
    """The queue of the user's own organisations: what they are responsible for."""
    mine = visible_actions(access).filter(responsible_organisation_id__in=access.organisation_ids)
    show, rows = filtered(request, mine)
    ctx = {
        "show": show,
        "actions": rows,
        "overdue": mine.overdue().count(),
        "title": _("Our organisation's actions"),
        "list_url": "action_queue",
        "queue_orgs": Organisation.objects.filter(pk__in=access.organisation_ids),
        "feedback": FollowUp.objects.filter(municipality=access.municipality)
        .exclude(feedback="")
        .first(),
    }
    return render(request, "cycle/action_list.html", ctx)


def initial_from(request: HttpRequest, access: Access) -> dict[str, Any]:
    initial: dict[str, Any] = {"start": timezone.localdate()}
    decision_pk = request.GET.get("decision", "")
    if decision_pk.isdigit():
        decision = get_object_or_404(Decision, municipality=access.municipality, pk=decision_pk)
        initial |= services.action_from_decision(decision)
    event_pk = request.GET.get("event", "")
    if event_pk.isdigit():
        initial["events"] = [int(event_pk)]
    return initial


@tenant_view("review")
def action_new(request: HttpRequest, access: Access) -> HttpResponse:
    m = access.municipality
    if request.method == "POST":
        form = ActionForm(request.POST, municipality=m)
        if form.is_valid():
            action = services.save_form(access.user, form, m, created_by=access.user)
            messages.success(request, _("The action was created."))
            return redirect("action_detail", m.code, action.pk)
    else:
        initial = initial_from(request, access)
        form = ActionForm(initial=initial, municipality=m)
    return render(request, "cycle/action_form.html", {"form": form, "action": None})


@tenant_view("review")
def action_edit(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    action = access_action(access, pk, write=True)
    m = access.municipality
    form = ActionForm(request.POST or None, instance=action, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m)
        messages.success(request, _("The action was saved."))
        return redirect("action_detail", m.code, action.pk)
    return render(request, "cycle/action_form.html", {"form": form, "action": action})


def detail_context(access: Access, action: Action, form: Any = None) -> dict[str, Any]:
    initial = {"status": action.status, "effort": action.effort, "outcome": action.outcome}
    return {
        "action": action,
        "events": action.events.select_related("category").all(),
        "can_update": can_update_action(access, action),
        "update_form": form or ActionUpdateForm(initial=initial),
    }


@tenant_view()
@require_safe
def action_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    action = access_action(access, pk)
    return render(request, "cycle/action_detail.html", detail_context(access, action))


@tenant_view()
@require_POST
def action_update(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Status, effort and outcome, by the responsible organisation or a coordinator (htmx)."""
    action = access_action(access, pk, write=True)
    form: ActionUpdateForm | None = ActionUpdateForm(request.POST)
    if form is not None and form.is_valid():
        services.update_action(access.user, action, **form.cleaned_data)
        messages.success(request, _("The action was updated."))
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("action_detail", access.municipality.code, action.pk)
        form = None
    template = "cycle/action_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#status"
    # Errors come back with 200: htmx does not swap 4xx responses by default.
    return render(request, template, detail_context(access, action, form))


@tenant_view("view_reports")
@require_safe
def opdir_list(request: HttpRequest, access: Access) -> HttpResponse:
    directions = OperationalDirection.objects.filter(municipality=access.municipality)
    today = timezone.localdate()
    ctx = {
        "directions": directions.prefetch_related("actions"),
        "current": directions.filter(start__lte=today, end__gte=today).first(),
        "can_record": can_record_operational(access),
    }
    return render(request, "cycle/opdir_list.html", ctx)


@tenant_view("view_reports")
def opdir_new(request: HttpRequest, access: Access) -> HttpResponse:
    if not can_record_operational(access):
        raise PermissionDenied
    m = access.municipality
    today = timezone.localdate()
    initial = {"start": today, "end": today + timedelta(days=13)}
    form = OperationalDirectionForm(request.POST or None, initial=initial, municipality=m)
    if request.method == "POST" and form.is_valid():
        services.save_form(access.user, form, m, created_by=access.user)
        messages.success(request, _("The operational direction was recorded."))
        return redirect("opdir_list", m.code)
    return render(request, "cycle/opdir_form.html", {"form": form})
