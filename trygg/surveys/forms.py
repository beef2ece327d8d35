"""The public answer form (the standard questions) and the staff's survey form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.areas.geo import area_index, in_sweden
from trygg.areas.models import Place
from trygg.privacy import NoPersonalDataForm, find_personal_data

from .models import Survey
from .questions import PROBLEMS, SAFETY

PLACE_SLOTS = 3
TEXT_MAX = 300
PERSONAL_DATA = _(
    "The text seems to contain personal data (%(kinds)s). Describe the place, not people: "
    "remove it and send again. Nothing has been saved."
)
KIND_NAMES = {
    "email": _("an e-mail address"),
    "personnummer": _("a personal identity number"),
    "samordningsnummer": _("a coordination number"),
    "phone": _("a phone number"),
    "vehicle": _("a registration number"),
}


class AnswerForm(NoPersonalDataForm, forms.Form):
    """The standard questions; `p1_…` to `p3_…` are up to three unsafe places."""

    personal_data_allowed = {"website": "the honeypot: only robots fill it, it is never stored"}

    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, survey: Survey, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["area"] = forms.ModelChoiceField(
            survey.areas().order_by("name", "code"),
            label=_("Which area do you live in?"),
            empty_label=_("Choose your area"),
            error_messages={"required": _("Choose the area you live in.")},
        )
        for q in SAFETY:
            self.fields[q.code] = self._scale(q, required=True)
        for q in PROBLEMS:
            self.fields[q.code] = self._scale(q, required=False)
        places = Place.objects.filter(municipality=survey.municipality).active()
        choices = [("", _("Choose a place"))] + [(str(p.pk), p.name) for p in places]
        self.place_ids = {str(p.pk): p for p in places}
        for i in range(1, PLACE_SLOTS + 1):
            self.fields[f"p{i}_lat"] = forms.FloatField(required=False, widget=forms.HiddenInput)
            self.fields[f"p{i}_lon"] = forms.FloatField(required=False, widget=forms.HiddenInput)
            self.fields[f"p{i}_place"] = forms.ChoiceField(
                choices=choices, required=False, label=_("Named place")
            )
            self.fields[f"p{i}_text"] = forms.CharField(
                required=False,
                max_length=TEXT_MAX,
                label=_("What makes the place feel unsafe? (optional)"),
                help_text=_("Describe the place, not people. No names or phone numbers."),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _scale(self, question: Any, *, required: bool) -> forms.TypedChoiceField:
        return forms.TypedChoiceField(
            label=question.text,
            choices=[(str(v), label) for v, label in question.scale],
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose one of the answers.")},
        )

    @property
    def question_fields(self) -> list[Any]:
        return [self[q.code] for q in SAFETY]

    @property
    def problem_fields(self) -> list[Any]:
        return [self[q.code] for q in PROBLEMS]

    @property
    def place_slots(self) -> list[dict[str, Any]]:
        return [
            {
                "n": i,
                "lat": self[f"p{i}_lat"],
                "lon": self[f"p{i}_lon"],
                "place": self[f"p{i}_place"],
                "text": self[f"p{i}_text"],
            }
            for i in range(1, PLACE_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.places: list[dict[str, Any]] = []
        for i in range(1, PLACE_SLOTS + 1):
            place = self._clean_place(i, data)
            if place:
                self.places.append(place)
        return data

    def _clean_place(self, i: int, data: dict[str, Any]) -> dict[str, Any] | None:
        text = (data.get(f"p{i}_text") or "").strip()
        lat, lon = data.get(f"p{i}_lat"), data.get(f"p{i}_lon")
        named = self.place_ids.get(data.get(f"p{i}_place") or "")
        if text:
            found = find_personal_data(text)
            if found:
                kinds = ", ".join(dict.fromkeys(str(KIND_NAMES[f.kind]) for f in found))
                self.add_error(f"p{i}_text", PERSONAL_DATA % {"kinds": kinds})
                return None
        if lat is not None and lon is not None:
            if not self._inside(lat, lon):
                self.add_error(
                    f"p{i}_place",
                    _("The marked point is outside %(name)s. Mark a place in the municipality.")
                    % {"name": self.survey.municipality.name},
                )
                return None
            return {"lat": lat, "lon": lon, "place": None, "text": text}
        if named:
            return {"lat": None, "lon": None, "place": named, "text": text}
        if text:
            self.add_error(f"p{i}_place", _("Choose a place from the list or mark it on the map."))
        return None

    def _inside(self, lat: float, lon: float) -> bool:
        if not in_sweden(lat, lon):
            return False
        index = area_index(self.survey.municipality.pk)
        return index.locate(lon, lat, self.survey.opens_on) is not None


class SurveyForm(NoPersonalDataForm, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "intro", "opens_on", "closes_on", "area_kind", "publish_results"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "intro": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey cannot close before it opens."))
        kind = data.get("area_kind")
        if kind and not self.municipality.areas.filter(kind=kind).exists():
            self.add_error(
                "area_kind", _("The municipality has no areas of this kind: import them first.")
            )
        return data
