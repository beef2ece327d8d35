"""Writes of the lägesbild. Each one validates, saves and records its audit row together."""

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.forms import ModelForm

from trygg.audit.services import record

from . import document
from .models import AdoptedVersion, Lagesbild, PlanMeasure, StatusChange


@transaction.atomic
def save_form(actor: Any, form: ModelForm, municipality: Any, **fields: Any) -> Any:
    """Save a valid model form of this app, setting the given fields, and audit it."""
    obj = form.save(commit=False)
    created = obj.pk is None
    for name, value in fields.items():
        setattr(obj, name, value)
    if created:
        obj.municipality = municipality
    if isinstance(obj, Lagesbild) and not created and form.changed_data:
        obj.status = Lagesbild.Status.DRAFT  # a revision of an adopted one is a draft again
    obj.save()
    form.save_m2m()
    if isinstance(obj, PlanMeasure) and (created or "status" in form.changed_data):
        StatusChange.objects.create(measure=obj, status=obj.status, on=date.today(), by=actor)
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
def change_status(actor: Any, measure: PlanMeasure, status: str, on: date, note: str) -> None:
    """Record a status with the day it took effect; the measure's status is the one recorded."""
    StatusChange.objects.create(measure=measure, status=status, on=on, note=note, by=actor)
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    record(actor, "update", measure, summary=str(measure), status=status, on=on.isoformat())


@transaction.atomic
def adopt(actor: Any, lagesbild: Lagesbild, *, adopted_by: str, adopted_on: date) -> AdoptedVersion:
    """Freeze the document as it is now: its HTML, its data, its PDF and DOCX."""
    number = (lagesbild.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    m = lagesbild.municipality
    snapshot = document.build_snapshot(m, lagesbild.start, lagesbild.end, lagesbild)
    snapshot["adopted"] = {"by": adopted_by, "on": adopted_on.isoformat(), "number": number}
    snapshot["last_adopted"] = adopted_on.isoformat()
    html = document.render_html(snapshot)
    pdf = document.render_pdf(html)
    docx = document.render_docx(snapshot)
    version = AdoptedVersion.objects.create(
        lagesbild=lagesbild,
        number=number,
        adopted_on=adopted_on,
        adopted_by=adopted_by,
        html=html,
        snapshot=snapshot,
        pdf=pdf,
        docx=docx,
        sha256=hashlib.sha256(pdf).hexdigest(),
        recorded_by=actor,
    )
    lagesbild.status = Lagesbild.Status.ADOPTED
    lagesbild.save(update_fields=["status", "updated_at"])
    record(
        actor,
        "create",
        version,
        municipality=m,
        summary=f"{lagesbild} v{number}",
        adopted_by=adopted_by,
        adopted_on=adopted_on.isoformat(),
        sha256=version.sha256,
    )
    return version
