"""Writes of the EST cycle. Each one validates, saves and records its audit row together."""

from typing import Any

from django.db import transaction
from django.forms import ModelForm

from trygg.audit.services import record

from .models import Action, Decision, Meeting


@transaction.atomic
def save_form(actor: Any, form: ModelForm, municipality: Any, **fields: Any) -> Any:
    """Save a valid model form of this app, setting the given fields, and audit it."""
    obj = form.save(commit=False)
    created = obj.pk is None
    for name, value in fields.items():
        setattr(obj, name, value)
    if hasattr(obj, "municipality_id") and created:
        obj.municipality = municipality
    obj.save()
    form.save_m2m()
    record(
        actor,
        "create" if created else "update",
        obj,
        municipality=municipality,
        summary=str(obj),
        fields=sorted(form.changed_data),
    )
    return obj


@transaction.atomic
def update_action(actor: Any, action: Action, **changes: Any) -> Action:
    """Status, outcome and effort: the fields the responsible organisation keeps current."""
    before = {name: getattr(action, name) for name in changes}
    for name, value in changes.items():
        setattr(action, name, value)
    action.save(update_fields=[*changes, "updated_at"])
    diff = {k: [before[k], v] for k, v in changes.items() if before[k] != v}
    record(actor, "update", action, summary=action.title, changes=diff)
    return action


@transaction.atomic
def set_meeting_status(actor: Any, meeting: Meeting, status: str) -> Meeting:
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    record(actor, "update", meeting, summary=str(meeting), status=status)
    return meeting


@transaction.atomic
def delete_row(actor: Any, obj: Any, municipality: Any) -> None:
    record(actor, "delete", obj, municipality=municipality, summary=str(obj))
    obj.delete()


def action_from_decision(decision: Decision) -> dict[str, Any]:
    """Initial values of a new action answering a decision."""
    return {
        "title": decision.text[:200],
        "decision": decision.pk,
        "area": decision.area_id,
        "responsible_organisation": decision.responsible_organisation_id,
        "reason": decision.text,
    }
