"""Forms of the EST cycle. Every choice of a related object is limited to the municipality."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from trygg.areas.models import Area, Place
from trygg.privacy import NoPersonalDataForm
from trygg.reports.models import Event
from trygg.tenants.models import Organisation

from . import models as m
from .periods import PERIOD_RE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class TenantForm(NoPersonalDataForm, forms.ModelForm):
    """Limits areas, places, organisations, users, events and cycle objects to one kommun.

    Refuses personal data in every text field (`trygg.privacy.NoPersonalDataForm`)."""

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        scoped = {
            Area: Area.objects.filter(municipality=municipality).order_by("code"),
            Place: Place.objects.filter(municipality=municipality).active(),
            Organisation: Organisation.objects.filter(municipality=municipality, active=True),
            Event: Event.objects.filter(municipality=municipality).counted(),
            m.Decision: m.Decision.objects.filter(municipality=municipality),
            m.OperationalDirection: m.OperationalDirection.objects.filter(
                municipality=municipality
            ),
            m.DirectionDecision: m.DirectionDecision.objects.filter(municipality=municipality),
            get_user_model(): get_user_model()
            .objects.filter(
                memberships__organisation__municipality=municipality, memberships__active=True
            )
            .distinct(),
        }
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model in scoped:
                field.queryset = scoped[queryset.model]  # type: ignore[attr-defined]


def clean_period(value: str) -> str:
    value = value.strip().upper()
    if not PERIOD_RE.match(value):
        raise forms.ValidationError(_("Write the period as e.g. 2026-Q4 or 2026-T3."))
    return value


class ActionForm(TenantForm):
    class Meta:
        model = m.Action
        fields = [
            "title", "description", "area", "place", "hotspot_x", "hotspot_y", "hotspot_radius",
            "decision", "operational_direction", "reason", "events",
            "responsible_organisation", "responsible_user", "internal", "start", "end",
            "status", "effort",
        ]  # fmt: skip
        widgets = {
            "start": DATE, "end": DATE, "description": TEXT, "reason": TEXT,
            "events": forms.SelectMultiple(attrs={"size": 6}),
        }  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choice lists only the linked events (the form may link any of the kommun's).
        field = self.fields["events"]
        if not self.is_bound:
            linked = self.instance.events.all() if self.instance.pk else Event.objects.none()
            field.queryset = linked.order_by("-observed_from")  # type: ignore[attr-defined]
            if self.initial.get("events"):
                field.queryset = Event.objects.filter(  # type: ignore[attr-defined]
                    municipality=self.municipality, pk__in=self.initial["events"]
                )
        field.help_text = _("Link events from the event page (Create action).")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        spot = [data.get("hotspot_x"), data.get("hotspot_y")]
        if any(v is not None for v in spot) and not all(v is not None for v in spot):
            self.add_error("hotspot_y", _("A hot spot needs both easting and northing."))
        user = data.get("responsible_user")
        org = data.get("responsible_organisation")
        if user and org and not user.memberships.filter(organisation=org, active=True).exists():
            self.add_error(
                "responsible_user", _("The responsible person must belong to that organisation.")
            )
        return data


class ActionUpdateForm(NoPersonalDataForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=m.Action.Status.choices)
    effort = forms.CharField(label=_("Effort (hours or text)"), max_length=200, required=False)
    outcome = forms.CharField(label=_("Outcome"), max_length=4000, required=False, widget=TEXT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == m.Action.Status.DONE and not data.get("outcome", "").strip():
            self.add_error("outcome", _("Describe the outcome before closing the action."))
        return data


class OperationalDirectionForm(TenantForm):
    class Meta:
        model = m.OperationalDirection
        fields = ["start", "end", "phenomena", "places"]
        widgets = {"start": DATE, "end": DATE, "phenomena": TEXT, "places": TEXT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        if start and end and (end - start).days > 31:
            self.add_error("end", _("An operational direction covers at most a month."))
        return data


class SeriesForm(TenantForm):
    class Meta:
        model = m.MeetingSeries
        fields = [
            "kind", "name", "recurrence", "first_date", "start_time", "duration_minutes",
            "location",
        ]  # fmt: skip
        widgets = {"first_date": DATE, "start_time": TIME}


class MeetingForm(TenantForm):
    class Meta:
        model = m.Meeting
        fields = ["date"]
        widgets = {"date": DATE}


class MinutesForm(TenantForm):
    class Meta:
        model = m.Meeting
        fields = ["status", "information", "minutes"]
        widgets = {"information": TEXT, "minutes": forms.Textarea(attrs={"rows": 8})}


class AttendanceForm(TenantForm):
    class Meta:
        model = m.Attendance
        fields = ["function", "organisation", "present"]


class AssessmentForm(TenantForm):
    class Meta:
        model = m.Assessment
        fields = ["area", "level", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class PriorityForm(TenantForm):
    class Meta:
        model = m.Priority
        fields = ["position", "area", "place", "description", "responsible_organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("area") and not data.get("place", "").strip():
            self.add_error("place", _("Name an area or a place."))
        return data


class DecisionForm(TenantForm):
    class Meta:
        model = m.Decision
        fields = ["text", "area", "responsible_organisation"]
        widgets = {"text": TEXT}


class DirectionForm(TenantForm):
    class Meta:
        model = m.DirectionDecision
        fields = [
            "period", "decided_on", "summary", "municipal_responsibility",
            "police_responsibility", "others_responsibility",
        ]  # fmt: skip
        widgets = {
            "decided_on": DATE, "summary": TEXT, "municipal_responsibility": TEXT,
            "police_responsibility": TEXT, "others_responsibility": TEXT,
        }  # fmt: skip

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data["period"])


class ProblemForm(TenantForm):
    class Meta:
        model = m.DirectionProblem
        fields = ["position", "problem", "area", "party", "organisation"]


class FollowUpForm(TenantForm):
    class Meta:
        model = m.FollowUp
        fields = ["period", "direction", "notes", "feedback"]
        widgets = {"notes": TEXT, "feedback": forms.Textarea(attrs={"rows": 6})}

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data["period"])


class EvaluationForm(TenantForm):
    class Meta:
        model = m.Evaluation
        fields = [
            "decision", "target_area", "control_area", "buffer_area", "intervention_date",
            "before_days", "after_days", "notes",
        ]  # fmt: skip
        widgets = {"intervention_date": DATE, "notes": TEXT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target, control = data.get("target_area"), data.get("control_area")
        if target and control and target == control:
            self.add_error("control_area", _("The control area must differ from the target."))
        if data.get("buffer_area") and data.get("buffer_area") in (target, control):
            self.add_error("buffer_area", _("The buffer must differ from target and control."))
        for name in ("before_days", "after_days"):
            if data.get(name) is not None and not 7 <= data[name] <= 730:
                self.add_error(name, _("Between 7 and 730 days."))
        return data


class GuardShiftForm(TenantForm):
    class Meta:
        model = m.GuardShift
        fields = ["day", "start_time", "end_time", "area", "place", "note"]
        widgets = {"day": DATE, "start_time": TIME, "end_time": TIME}


class SettingsForm(TenantForm):
    class Meta:
        model = m.CycleSettings
        fields = ["period_kind"]
