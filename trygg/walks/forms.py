"""Forms for safety walks: the plan, a finding in walk mode and an agreed action."""

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.areas.models import Area, Place
from trygg.privacy import NoPersonalDataForm
from trygg.reports.forms import PhotosField
from trygg.reports.models import Category
from trygg.tenants.models import Municipality, Organisation

from .models import Finding, Light, Participant, SafetyWalk
from .services import MAX_FINDING_TEXT, FindingInput, Taking, default_light, parse_route

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_PER_ORGANISATION = 200


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class WalkForm(NoPersonalDataForm, forms.ModelForm):
    personal_data_allowed = {"route": "a GeoJSON line drawn on the map, not free text"}

    """The plan of a walk; for each organisation of the municipality, how many take part."""

    light = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("From the sun at that time")), *Light.choices],
    )
    route = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = SafetyWalk
        fields = [
            "title", "area", "place", "date", "start_time", "light", "route",
            "route_description", "residents", "status", "feedback_date", "feedback_notes",
        ]  # fmt: skip
        widgets = {
            "date": DATE,
            "start_time": TIME,
            "feedback_date": DATE,
            "route_description": forms.Textarea(attrs={"rows": 3}),
            "feedback_notes": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"area": AreaChoice}
        labels = {"feedback_date": _("Date")}
        help_texts = {
            "route_description": _("The streets and paths of the route, if not drawn on the map."),
            "residents": _("Only a number: residents are never named."),
        }

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        areas = Area.objects.filter(municipality=municipality).order_by("kind", "code")
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        places = Place.objects.filter(municipality=municipality).active().order_by("name")
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = places
        if self.instance.route:
            self.initial["route"] = json.dumps(self.instance.route)
        self.organisations = list(
            Organisation.objects.filter(municipality=municipality, active=True)
        )
        taking = {p.organisation_id: p for p in self.instance_participants()}
        for org in self.organisations:
            part = taking.get(org.pk)
            self.fields[f"count_{org.pk}"] = forms.IntegerField(
                label=_("Number from %(org)s") % {"org": org.name},
                required=False,
                min_value=0,
                max_value=MAX_PER_ORGANISATION,
                initial=part.count if part else 0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"roles_{org.pk}"] = forms.CharField(
                label=_("Roles from %(org)s") % {"org": org.name},
                required=False,
                max_length=200,
                initial=part.roles if part else "",
            )

    def instance_participants(self) -> list[Participant]:
        return list(self.instance.participants.all()) if self.instance.pk else []

    def participant_rows(self) -> list[tuple[Organisation, Any, Any]]:
        return [(o, self[f"count_{o.pk}"], self[f"roles_{o.pk}"]) for o in self.organisations]

    def clean_route(self) -> dict[str, Any] | None:
        return parse_route(self.cleaned_data["route"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # refuses personal data in every text, roles included
        if not data.get("light") and data.get("date") and data.get("start_time"):
            data["light"] = default_light(self.municipality, data["date"], data["start_time"])
        return data

    def participants(self) -> list[Taking]:
        data = self.cleaned_data
        return [
            Taking(o, data.get(f"count_{o.pk}") or 0, data.get(f"roles_{o.pk}") or "")
            for o in self.organisations
        ]


class FindingForm(NoPersonalDataForm, forms.Form):
    """One finding in walk mode: a category tap, a position, maybe a photo and a short text."""

    client_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is incomplete: reload the page."),
            "invalid": _("The form is incomplete: reload the page."),
        },
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        error_messages={
            "required": _("Category: choose one of the list."),
            "invalid_choice": _("Category: choose one of the list."),
        },
    )
    lat = forms.FloatField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": _("Place: invalid.")}
    )
    lon = forms.FloatField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": _("Place: invalid.")}
    )
    description = forms.CharField(
        label=_("Short text (optional)"),
        required=False,
        max_length=MAX_FINDING_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("About the place, never about persons."),
    )
    photos = PhotosField(label=_("Photo (optional)"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # A tap picks a category or a subcategory: the main category follows from it.
        categories = Category.objects.filter(municipality=municipality).active()
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = categories

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lat" not in self.errors and (data.get("lat") is None or data.get("lon") is None):
            self.add_error("lat", _("Place: use your position or tap the map."))
        return data

    def finding_input(self) -> FindingInput:
        data = self.cleaned_data
        chosen: Category = data["category"]
        top = chosen.parent if chosen.parent_id else chosen
        return FindingInput(
            category=cast(Category, top),
            subcategory=chosen if chosen.parent_id else None,
            lat=data["lat"],
            lon=data["lon"],
            description=data["description"],
            photos=data["photos"],
        )


class FindingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        event = obj.event
        return f"{obj.number}. {(event.subcategory or event.category).display_name}"


class AgreedActionForm(NoPersonalDataForm, forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose…"),
    )
    end = forms.DateField(label=_("Done by"), required=False, widget=DATE)
    finding = FindingChoice(
        label=_("Finding"),
        required=False,
        queryset=Finding.objects.none(),
        empty_label=_("None in particular"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, walk: SafetyWalk, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(municipality=walk.municipality, active=True)
        cast(forms.ModelChoiceField, self.fields["responsible_organisation"]).queryset = orgs
        finding = cast(forms.ModelChoiceField, self.fields["finding"])
        finding.queryset = walk.findings.select_related("event__category", "event__subcategory")
