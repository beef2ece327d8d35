"""Forms of the lägesbild. Choices are limited to the municipality; free text is checked for
personal data (EST is about places and situations, not persons)."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.cycle.forms import DATE, TenantForm
from trygg.cycle.models import Action, Decision
from trygg.privacy import NoPersonalDataForm

from .models import Lagesbild, MeasureStatus, PlanMeasure, Problem

TEXT = forms.Textarea(attrs={"rows": 4})


class PrivateTextForm(TenantForm):
    """Refuses free text with personal data in it, naming what was found (TenantForm does)."""


class LagesbildForm(PrivateTextForm):
    class Meta:
        model = Lagesbild
        fields = [
            "start",
            "end",
            "summary",
            "consequences",
            "other_information",
            "analysis",
            "police_cooperation",
            "follow_up",
        ]
        widgets = {
            "start": DATE,
            "end": DATE,
            **{
                f: TEXT
                for f in (
                    "summary",
                    "consequences",
                    "other_information",
                    "analysis",
                    "police_cooperation",
                    "follow_up",
                )
            },
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class NewLagesbildForm(LagesbildForm):
    class Meta(LagesbildForm.Meta):
        fields = ["start", "end"]


class ProblemForm(PrivateTextForm):
    class Meta:
        model = Problem
        fields = [
            "position",
            "title",
            "areas",
            "categories",
            "crime_types",
            "description",
            "place",
            "offender",
            "target",
            "guardian",
            "causes",
            "data_gaps",
            "active",
        ]
        widgets = {
            f: TEXT
            for f in (
                "description",
                "place",
                "offender",
                "target",
                "guardian",
                "causes",
                "data_gaps",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].widget.attrs["size"] = 8


class MeasureForm(PrivateTextForm):
    class Meta:
        model = PlanMeasure
        fields = [
            "problem",
            "text",
            "responsible",
            "responsible_text",
            "start",
            "end",
            "follow_up",
            "action",
            "decision",
            "status",
        ]
        widgets = {"start": DATE, "end": DATE, "text": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        m = self.municipality
        self.fields["problem"].queryset = Problem.objects.filter(municipality=m)  # type: ignore[attr-defined]
        self.fields["action"].queryset = Action.objects.filter(municipality=m, internal=False)  # type: ignore[attr-defined]
        self.fields["decision"].queryset = Decision.objects.filter(municipality=m)  # type: ignore[attr-defined]
        self.fields["text"].required = False
        self.fields["text"].help_text = _("Left empty: the linked action's title.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action, decision = data.get("action"), data.get("decision")
        if not (data.get("text") or "").strip():
            if action:
                data["text"] = action.title
            elif decision:
                data["text"] = decision.text[:2000]
            else:
                self.add_error("text", _("Describe the measure, or link an action or decision."))
        if action:  # what Trygg already knows of the action, unless given
            if not data.get("responsible"):
                data["responsible"] = action.responsible_organisation
            data["start"] = data.get("start") or action.start
            data["end"] = data.get("end") or action.end
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class StatusForm(NoPersonalDataForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE, initial=date.today)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AdoptForm(forms.Form):
    adopted_by = forms.CharField(
        label=_("Adopted by (body)"), max_length=200, initial=_("Kommunfullmäktige")
    )
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE, initial=date.today)
