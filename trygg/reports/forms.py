"""The phone-first report form: the report (organisation, client key) and its events."""

import hashlib
import uuid
from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from trygg.areas.models import Place
from trygg.privacy import KIND_LABELS, Finding, NoPersonalDataForm, find_personal_data, mask
from trygg.tenants.access import Access
from trygg.tenants.models import Municipality, Organisation

from .models import Category, Event
from .photos import MAX_PER_EVENT, CleanPhoto, clean_photo
from .services import MAX_EVENTS, EventInput, validate_event

FINDING_LABELS = KIND_LABELS
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _LazyOptions(forms.models.ModelChoiceIterator):
    """A field's options, read from the field when they are listed, not when made."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        self.field = field

    @property
    def queryset(self) -> Any:  # type: ignore[override]
        return self.field.queryset


class KnownChoiceField(forms.ModelChoiceField):
    """A model choice checked against instances this request has already read (`known`, by
    primary key) instead of a query. Its options are a queryset built only when they are
    shown or a value must be looked up (`set_options`): a sent report is checked without
    building one."""

    iterator = _LazyOptions
    known: Mapping[int, Any] | None = None
    options: Callable[[], QuerySet[Any]] | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=None, **kwargs)

    def set_options(
        self, options: Callable[[], QuerySet[Any]], known: Mapping[int, Any] | None = None
    ) -> None:
        self.options, self.known = options, known
        self._queryset = None
        self.widget.choices = self.choices  # an iterator over this field's own options

    def _get_queryset(self) -> QuerySet[Any] | None:
        if self._queryset is None and self.options is not None:
            self._queryset = self.options()  # type: ignore[assignment]
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)  # type: ignore[attr-defined]

    def to_python(self, value: Any) -> Any:
        if self.known is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return self.known[int(value)]
        except (KeyError, ValueError, TypeError):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ReportForm(forms.Form):
    organisation = KnownChoiceField(
        empty_label=None,
        label=_("Reporting organisation"),
        error_messages={"invalid_choice": _("Reporting organisation: choose one of yours.")},
    )
    client_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is incomplete: reload the page."),
            "invalid": _("The form is incomplete: reload the page."),
        },
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = cast(KnownChoiceField, self.fields["organisation"])
        field.set_options(
            lambda: Organisation.objects.filter(pk__in=access.organisation_ids, active=True),
            # Read with the memberships, which are active only in an active organisation.
            known={pk: org for pk, org in access.organisations.items() if org.active} or None,
        )
        field.initial = access.primary_organisation_id
        if len(access.organisation_ids) == 1:
            field.widget = forms.HiddenInput()
        self.fields["client_key"].initial = uuid.uuid4()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PER_EVENT photos, each checked and cleaned of metadata."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[CleanPhoto]:
        uploads = [f for f in (data if isinstance(data, list) else [data]) if f]
        if len(uploads) > MAX_PER_EVENT:
            raise ValidationError(
                _("Photos: at most %(n)s per event."), params={"n": MAX_PER_EVENT}
            )
        photos, errors = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                photos.append(clean_photo(upload, upload.size or 0, upload.name or ""))
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        return photos


class EventForm(NoPersonalDataForm, forms.Form):
    personal_data_allowed = {
        "description": "its own flow: warned once, then saved masked unless confirmed",
        "place": "the id of a named place from the list",
        "warned": "a digest of the text the reporter was warned about",
    }

    category = KnownChoiceField(
        label=_("What happened?"),
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Category: choose one of the list."),
            "invalid_choice": _("Category: choose one of the list."),
        },
    )
    subcategory = KnownChoiceField(
        required=False,
        label=_("More precisely"),
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": _("More precisely: choose one of the list.")},
    )
    observed_from = forms.DateTimeField(label=_("Observed from"), widget=DATETIME)
    observed_to = forms.DateTimeField(label=_("Observed to"), widget=DATETIME)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    place = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    people_count = forms.IntegerField(
        label=_("Number of people"),
        required=False,
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    youths = forms.ChoiceField(
        label=_("Youths?"),
        choices=Event.Youths.choices,
        initial=Event.Youths.UNKNOWN,
        widget=forms.RadioSelect,
    )
    insecurity = forms.TypedChoiceField(
        label=_("How much insecurity does it create?"),
        choices=Event.Insecurity.choices,
        coerce=int,
        initial=Event.Insecurity.MEDIUM,
        widget=forms.RadioSelect,
    )
    police_called = forms.BooleanField(label=_("Police were called"), required=False)
    crime_reported = forms.BooleanField(label=_("A crime was reported"), required=False)
    description = forms.CharField(
        label=_("What did you see?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Describe the place and the situation, not persons: no names, personal identity "
            "numbers, phone numbers or registration numbers."
        ),
    )
    confirm_not_personal = forms.BooleanField(
        label=_("I confirm this is not personal data"), required=False
    )
    # The digest of the description the personal-data warning was shown for.
    warned = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        categories: Mapping[int, Category] | None = None,
        **kwargs: Any,
    ) -> None:
        """`categories`: the active categories of the municipality the form's data names,
        already read (by the formset); without it, each choice is looked up."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.findings: list[Finding] = []
        top = sub = None
        if categories is not None:
            top = {pk: c for pk, c in categories.items() if c.parent_id is None}
            sub = {pk: c for pk, c in categories.items() if c.parent_id}
        cast(KnownChoiceField, self.fields["category"]).set_options(
            lambda: Category.objects.active().top().filter(municipality=municipality), known=top
        )
        cast(KnownChoiceField, self.fields["subcategory"]).set_options(
            lambda: Category.objects.active().filter(
                municipality=municipality, parent__isnull=False
            ),
            known=sub,
        )
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["observed_from"].initial = now
        self.fields["observed_to"].initial = now

    def clean_place(self) -> Place | None:
        name = self.cleaned_data["place"]
        if not name:
            return None
        return Place.objects.filter(municipality=self.municipality, name=name, active=True).first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lat" not in self.errors and (data.get("lat") is None or data.get("lon") is None):
            self.add_error("lat", _("Place: tap the map, use your position or search."))
        if not self.errors:
            try:
                validate_event(self.municipality, self.event_input(), timezone.now())
            except ValidationError as e:
                self.add_error(None, e)
        self._check_personal_data(data.get("description", ""), data.get("warned", ""))
        return data

    def _check_personal_data(self, text: str, warned: str) -> None:
        """Findings are sent back once with a warning; the reporter then saves or confirms."""
        self.findings = find_personal_data(text)
        if self.findings and warned != self.description_digest:
            kinds = dict.fromkeys(str(FINDING_LABELS[f.kind]) for f in self.findings)
            message = _(
                "Possible personal data: %(kinds)s. Reports are about places and situations, "
                "not persons. Send again to save the text masked as shown, or tick the box if "
                "it is not personal data."
            )
            self.add_error("description", message % {"kinds": ", ".join(kinds)})

    @property
    def removed(self) -> bool:
        """Removed by the reporter (the formset's DELETE field): neither saved nor shown."""
        return (
            self.is_bound and not self.has_error("DELETE") and bool(self.cleaned_data.get("DELETE"))
        )

    @property
    def description_digest(self) -> str:
        text = str(self["description"].value() or "")
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def masked_description(self) -> str:
        return mask(str(self["description"].value() or ""))

    def event_input(self) -> EventInput:
        data = self.cleaned_data
        return EventInput(
            category=data["category"],
            subcategory=data["subcategory"],
            observed_from=data["observed_from"],
            observed_to=data["observed_to"],
            lat=data["lat"],
            lon=data["lon"],
            place=data["place"],
            people_count=data["people_count"],
            youths=data["youths"],
            insecurity=data["insecurity"],
            police_called=data["police_called"],
            crime_reported=data["crime_reported"],
            description=data["description"],
            personal_data_confirmed=data["confirm_not_personal"],
            photos=data["photos"],
        )


class BaseEventFormSet(forms.BaseFormSet):
    deletion_widget = forms.HiddenInput

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        kwargs.update(form_kwargs={"municipality": municipality}, prefix="events")
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and self.is_bound:
            kwargs["categories"] = self.sent_categories
        return kwargs

    @cached_property
    def sent_categories(self) -> dict[int, Category]:
        """The active categories of the municipality that the sent events name, read in one
        query (instead of two per event)."""
        ids = set()
        for i in range(self.total_form_count()):
            for name in ("category", "subcategory"):
                value = str(self.data.get(f"{self.prefix}-{i}-{name}", ""))
                if value.isascii() and value.isdigit() and int(value) < 2**63:
                    ids.add(int(value))
        if not ids:
            return {}
        # Municipality and flag checked here, not in SQL, and unordered: the query is built
        # on every report, and that took longer than the database needed to answer it.
        rows = Category.objects.filter(pk__in=ids).order_by()
        mine = self.municipality.pk
        return {c.pk: c for c in rows if c.municipality_id == mine and c.active}

    def event_inputs(self) -> list[EventInput]:
        """The events to save: not removed, and not added and left empty."""
        return [form.event_input() for form in self.forms if form.cleaned_data and not form.removed]


EventFormSet = cast(
    type[BaseEventFormSet],
    forms.formset_factory(
        EventForm,
        formset=BaseEventFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=MAX_EVENTS,
        validate_max=True,
        absolute_max=MAX_EVENTS,  # a form claiming more events builds no more than this
        can_delete=True,
    ),
)
