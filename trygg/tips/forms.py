"""The public tip form (phone first, works without JavaScript) and the moderation forms."""

import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.areas.models import Area, Place
from trygg.privacy import NoPersonalDataForm
from trygg.reports.models import Category
from trygg.tenants.models import Municipality

from .models import Tip
from .services import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    public_tip_categories,
    taxonomy_order,
    tip_category_label,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Where the service's errors are shown: the position is chosen with the place field.
FIELD_OF = {
    "lat": "place",
    "lon": "place",
    "observed_from": "observed_at",
    "observed_to": "observed_at",
}


class TipCategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return tip_category_label(obj)


class TipForm(NoPersonalDataForm, forms.Form):
    personal_data_allowed = {"website": "the honeypot: only robots fill it, it is never stored"}

    category = TipCategoryField(
        queryset=Category.objects.none(),
        label=_("What is it about?"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Category: choose what the tip is about."),
            "invalid_choice": _("Category: choose one of the list."),
        },
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    place = forms.ChoiceField(
        label=_("Or choose a named place"),
        required=False,
        help_text=_("Without the map: the tip is placed at the middle of the place you choose."),
        error_messages={"invalid_choice": _("Place: choose one of the list.")},
    )
    observed_at = forms.DateTimeField(
        label=_("When did you notice it?"),
        widget=DATETIME,
        error_messages={
            "required": _("When: give a date and time."),
            "invalid": _("When: give a date and time, e.g. 2026-05-01 21:30."),
        },
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Describe the place and what is wrong there, not persons: no names, personal "
            "identity numbers, phone numbers, e-mail addresses or registration numbers."
        ),
    )
    client_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is incomplete: reload the page."),
            "invalid": _("The form is incomplete: reload the page."),
        },
    )
    # The honeypot: hidden from people (CSS), filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        categories = public_tip_categories(municipality)
        field = cast(TipCategoryField, self.fields["category"])
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])
        field.choices = [(c.pk, tip_category_label(c)) for c in categories]
        self.places = place_choices(municipality)
        place = cast(forms.ChoiceField, self.fields["place"])
        place.choices = [("", _("Choose…")), *self.places["choices"]]
        self.fields["observed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["client_key"].initial = uuid.uuid4()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.places["points"].get(data.get("place") or "")
        data["named_place"] = chosen[2] if chosen else None
        if data.get("lat") is not None and data.get("lon") is not None:
            return data
        if chosen is None:
            if "place" not in self.errors:
                self.add_error("place", _("Place: tap the map or choose a place from the list."))
            return data
        data["lat"], data["lon"] = chosen[0], chosen[1]
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Show the service's errors next to the fields the resident can change."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            field = FIELD_OF.get(key, key)
            self.add_error(field if field in self.fields else None, errors)


def place_choices(municipality: Municipality) -> dict[str, Any]:
    """The named places and areas as grouped choices, and the point of each ("p12", "a34")."""
    places = list(Place.objects.filter(municipality=municipality).active())
    areas = [
        a
        for a in Area.objects.filter(municipality=municipality)
        .valid_on(timezone.localdate())
        .exclude(name="")
        .only("name", "code", "kind", "label_lat", "label_lon")
        if a.label_lat is not None and a.label_lon is not None
    ]
    points: dict[str, tuple[float, float, Place | None]] = {}
    for p in places:
        points[f"p{p.pk}"] = (p.lat, p.lon, p)
    for a in areas:
        points[f"a{a.pk}"] = (a.label_lat, a.label_lon, None)  # type: ignore[assignment]
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if places:
        groups.append((str(_("Places")), [(f"p{p.pk}", p.name) for p in places]))
    if areas:
        areas.sort(key=lambda a: a.name.casefold())
        groups.append((str(_("Areas")), [(f"a{a.pk}", a.label) for a in areas]))
    as_json = {key: [round(lat, 6), round(lon, 6)] for key, (lat, lon, _p) in points.items()}
    return {"choices": groups, "points": points, "points_json": as_json}


class ModerateForm(NoPersonalDataForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        error_messages={
            "required": _("Choose accept or reject."),
            "invalid_choice": _("Choose accept or reject."),
        },
    )
    note = forms.CharField(
        label=_("Public answer (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the resident on the tip's public status page. No personal data."),
    )


class CloseForm(NoPersonalDataForm, forms.Form):
    note = ModerateForm.base_fields["note"]


class TipFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Tip.Status.choices],
    )


class TipCategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return tip_category_label(obj)


class TipCategoriesForm(forms.Form):
    categories = TipCategoriesField(
        queryset=Category.objects.none(),
        label=_("Categories residents may choose"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Categories: choose at least one."),
            "invalid_choice": _("Categories: choose among the list."),
        },
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(TipCategoriesField, self.fields["categories"])
        active = Category.objects.filter(municipality=municipality, active=True).select_related(
            "parent"
        )
        ordered = sorted(active, key=taxonomy_order)
        field.queryset = active
        field.choices = [(c.pk, tip_category_label(c)) for c in ordered]
        field.initial = [c.pk for c in public_tip_categories(municipality)]
