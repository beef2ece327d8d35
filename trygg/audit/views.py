"""The municipality's audit log, for its administrators."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.tenants.access import Access, tenant_view
from trygg.tenants.models import Municipality

from .models import AuditEvent

PAGE_SIZE = 50
DATE_VALIDATORS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AuditFilterForm(forms.Form):
    user = forms.ChoiceField(label=gettext_lazy("User"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All actions")), *AuditEvent.Action.choices],
    )
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    date_from = date_field(gettext_lazy("From"))
    date_to = date_field(gettext_lazy("To"))

    def __init__(self, data: Any, *, municipality: Municipality) -> None:
        super().__init__(data)
        self.rows = AuditEvent.objects.filter(municipality=municipality)
        self.fields["user"].choices = self.distinct("username", gettext_lazy("All users"))  # type: ignore[attr-defined]
        self.fields["object_type"].choices = self.distinct(  # type: ignore[attr-defined]
            "object_type", gettext_lazy("All object types")
        )

    def distinct(self, field: str, everything: Any) -> list[tuple[str, Any]]:
        values = self.rows.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
        return [("", everything), *((v, v) for v in values.distinct())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The period starts after it ends."))
        return data

    def filtered(self) -> QuerySet[AuditEvent]:
        d = self.cleaned_data
        rows = self.rows
        if d["user"]:
            rows = rows.filter(username=d["user"])
        if d["action"]:
            rows = rows.filter(action=d["action"])
        if d["object_type"]:
            rows = rows.filter(object_type=d["object_type"])
        if d["date_from"]:
            rows = rows.filter(at__gte=start_of_day(d["date_from"]))
        if d["date_to"]:
            rows = rows.filter(at__lt=start_of_day(d["date_to"] + timedelta(1)))
        return rows.order_by("-at", "-id")


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@tenant_view("admin")
def audit_log(request: HttpRequest, access: Access) -> HttpResponse:
    form = AuditFilterForm(request.GET, municipality=access.municipality)
    rows = form.filtered() if form.is_valid() else AuditEvent.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/audit_log.html"
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template += "#rows"
    response = render(request, template, {"form": form, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response
