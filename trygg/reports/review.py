"""The coordinator's review: filtering events, duplicate suggestions, review writes, and the
administration of the category taxonomy. Every write records its audit row in its transaction.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import cycle
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.tenants.access import Access
from trygg.tenants.models import Municipality, Organisation

from .models import Category, CategoryQuerySet, Event, EventQuerySet, Source

DEFAULT_PERIOD = timedelta(days=30)
MAX_FEATURES = 5000
# Duplicate suggestions: same municipality and top category, this close in space and time.
DUPLICATE_RADIUS_M = 250.0
DUPLICATE_WINDOW = timedelta(hours=24)

STANDARD_COLORS = {
    "SKA": "#cf222e",
    "SAM": "#8250df",
    "ORD": "#bc4c00",
    "PLA": "#0969da",
    "ARR": "#1a7f37",
    "DIG": "#bf3989",
    "OVR": "#6e7781",
}
EXTRA_COLORS = ("#0a7d6e", "#953800", "#4d2d00", "#6639ba", "#0550ae", "#7d4e00")

DATE_VALIDATORS = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


# Filtering -------------------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        prefix = "– " if obj.parent_id else ""
        return f"{prefix}{obj.display_name} ({obj.code})"


def categories_as_tree(municipality: Municipality) -> CategoryQuerySet:
    """All categories, each top category followed by its subcategories."""
    return Category.objects.filter(municipality=municipality).order_by(
        Coalesce("parent__position", "position"),
        Coalesce("parent__code", "code"),
        F("parent").asc(nulls_first=True),
        "position",
        "code",
    )


class EventFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        validators=DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        validators=DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    area = forms.ModelChoiceField(
        Area.objects.none(),
        label=gettext_lazy("Area"),
        required=False,
        empty_label=gettext_lazy("All areas"),
    )
    category = CategoryChoiceField(
        Category.objects.none(),
        label=gettext_lazy("Category"),
        required=False,
        empty_label=gettext_lazy("All categories"),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=gettext_lazy("Organisation"),
        required=False,
        empty_label=gettext_lazy("All organisations"),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        required=False,
        choices=[("", gettext_lazy("All sources")), *Source.choices],
    )
    reviewed = forms.ChoiceField(
        label=gettext_lazy("Reviewed"),
        required=False,
        choices=[
            ("", gettext_lazy("Reviewed or not")),
            ("yes", gettext_lazy("Reviewed")),
            ("no", gettext_lazy("Not reviewed")),
        ],
    )
    outside = forms.BooleanField(label=gettext_lazy("Only outside every area"), required=False)
    duplicates = forms.BooleanField(label=gettext_lazy("Show merged duplicates"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[("-time", gettext_lazy("Newest first")), ("time", gettext_lazy("Oldest first"))],
    )

    def __init__(self, data: QueryDict, *, municipality: Municipality) -> None:
        super().__init__(data)
        self.municipality = municipality
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality)  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories_as_tree(municipality)  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The period starts after it ends."))
        return data

    def events(self, *, new_tips: bool = False) -> EventQuerySet:
        """The filtered events; call only on a valid form. Citizen tips waiting for
        moderation only with `new_tips`."""
        d = self.cleaned_data
        events = Event.objects.filter(municipality=self.municipality).shown(new_tips=new_tips)
        if not d["duplicates"]:
            events = events.filter(duplicate_of__isnull=True)
        if d["date_from"]:
            events = events.filter(observed_from__gte=start_of_day(d["date_from"]))
        if d["date_to"]:
            events = events.filter(observed_from__lt=start_of_day(d["date_to"] + timedelta(1)))
        if area := d["area"]:  # the area and the areas within it, e.g. a RegSO's DeSOs
            events = events.filter(
                Q(area=area) | Q(area__parent=area) | Q(area__parent__parent=area)
            )
        if category := d["category"]:
            field = "subcategory" if category.parent_id else "category"
            events = events.filter(**{field: category})
        if d["organisation"]:
            events = events.filter(report__organisation=d["organisation"])
        if d["source"]:
            events = events.filter(report__source=d["source"])
        if d["reviewed"]:
            events = events.filter(reviewed_at__isnull=d["reviewed"] == "no")
        if d["outside"]:
            events = events.filter(outside_areas=True)
        order = ("observed_from", "id") if d["sort"] == "time" else ("-observed_from", "-id")
        return events.order_by(*order)


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def with_defaults(params: QueryDict) -> QueryDict:
    """The query with the default period (the last 30 days) where none is given."""
    data = params.copy()
    today = timezone.localdate()
    data.setdefault("date_from", (today - DEFAULT_PERIOD).isoformat())
    data.setdefault("date_to", today.isoformat())
    return data


def filter_events(
    access: Access, params: QueryDict, *, new_tips: bool = False
) -> tuple[EventFilterForm, EventQuerySet]:
    """The filter form and its events: none at all while any parameter is invalid."""
    form = EventFilterForm(with_defaults(params), municipality=access.municipality)
    if not form.is_valid():
        return form, Event.objects.none()
    return form, form.events(new_tips=new_tips).select_related(
        "category", "subcategory", "area", "report__organisation"
    )


def counts(events: EventQuerySet) -> dict[str, int]:
    return {
        "total": events.count(),
        "unreviewed": events.filter(reviewed_at__isnull=True).count(),
        "duplicates": events.filter(duplicate_of__isnull=False).count(),
    }


# Map -------------------------------------------------------------------------------------


def background_kind(municipality: Municipality) -> str:
    """The finest kind of area the municipality has: the map's background polygons."""
    kinds = set(Area.objects.filter(municipality=municipality).values_list("kind", flat=True))
    return next((k for k in Area.Kind.values if k in kinds), "")


def category_colors(municipality: Municipality) -> dict[int, str]:
    """Marker colour per top category id: the EST standard codes keep theirs, others take turns."""
    extra = cycle(EXTRA_COLORS)
    tops = Category.objects.filter(municipality=municipality).top()
    return {c.pk: STANDARD_COLORS.get(c.code) or next(extra) for c in tops}


def event_title(event: Event) -> str:
    if event.subcategory:
        return f"{event.category.display_name} – {event.subcategory.display_name}"
    return event.category.display_name


def area_label(event: Event) -> str:
    return event.area.label if event.area else _("outside every area")


def map_layer(event: Event) -> str:
    """The map layer of an event: the collaboration's reports, or citizen tips on their own
    (those still waiting for moderation apart)."""
    if event.report.source != Source.CITIZEN:
        return "reports"
    return "new_tips" if event.report.tip.status == "new" else "tips"


def event_url(event: Event, layer: str) -> str:
    code = event.municipality.code
    if layer == "reports":
        return reverse("event_detail", args=[code, event.pk])
    return reverse("tip_detail", args=[code, event.report.tip.pk])


def feature(event: Event, color: str) -> dict[str, Any]:
    layer = map_layer(event)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [event.lon, event.lat]},
        "properties": {
            "id": event.pk,
            "title": event_title(event),
            "when": formats.date_format(
                timezone.localtime(event.observed_from), "SHORT_DATETIME_FORMAT"
            ),
            "area": area_label(event),
            "url": event_url(event, layer),
            "link": _("Open"),
            "color": color,
            "category": event.category.code,
            "layer": layer,
        },
    }


def events_geojson(municipality: Municipality, events: EventQuerySet) -> dict[str, Any]:
    """A FeatureCollection of the events, at most MAX_FEATURES of them (with a note if more)."""
    colors = category_colors(municipality)
    total = events.count()
    shown = list(events.select_related("municipality", "report__tip")[:MAX_FEATURES])
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [feature(e, colors.get(e.category_id, EXTRA_COLORS[0])) for e in shown],
        "count": total,
        "summary": ngettext(
            "%(count)d event on the map.", "%(count)d events on the map.", len(shown)
        )
        % {"count": len(shown)},
    }
    if total > len(shown):
        collection["capped"] = True
        collection["note"] = _(
            "Showing %(shown)d of %(total)d events: narrow the filters to see them all."
        ) % {"shown": len(shown), "total": total}
    return collection


# Duplicates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    event: Event
    distance_m: float
    hours_apart: float


def suggest_duplicates(event: Event) -> list[Suggestion]:
    """Events of the same municipality and top category, within DUPLICATE_RADIUS_M metres and
    DUPLICATE_WINDOW of this one, that are neither merged nor already linked to it."""
    if event.duplicate_of_id:
        return []
    r, window = DUPLICATE_RADIUS_M, DUPLICATE_WINDOW
    nearby = (
        Event.objects.counted()
        .filter(
            municipality_id=event.municipality_id,
            category_id=event.category_id,
            x__range=(event.x - r, event.x + r),
            y__range=(event.y - r, event.y + r),
            observed_from__range=(event.observed_from - window, event.observed_from + window),
        )
        .exclude(pk=event.pk)
        .exclude(related=event)
        .select_related("category", "subcategory", "area")
    )
    found = [
        Suggestion(
            other,
            distance_m=math.dist((event.x, event.y), (other.x, other.y)),
            hours_apart=abs((other.observed_from - event.observed_from).total_seconds()) / 3600,
        )
        for other in nearby
    ]
    return sorted((s for s in found if s.distance_m <= r), key=lambda s: s.distance_m)


# Review writes ---------------------------------------------------------------------------


@transaction.atomic
def mark_reviewed(actor: Any, event: Event, reviewed: bool = True) -> Event:
    """Mark the event reviewed, or undo that. Nothing is written if nothing changes."""
    if reviewed == (event.reviewed_at is not None):
        return event
    event.reviewed_at = timezone.now() if reviewed else None
    event.reviewed_by = actor if reviewed else None
    event.save(update_fields=["reviewed_at", "reviewed_by"])
    summary = "marked reviewed" if reviewed else "review undone"
    record(actor, "update", event, summary=summary, reviewed=reviewed)
    return event


@transaction.atomic
def merge(actor: Any, event: Event, into: Event) -> Event:
    """Merge `event` as a duplicate into `into`: it then leaves the counts."""
    if into.pk == event.pk:
        raise ValidationError(_("An event cannot be merged into itself."))
    if into.municipality_id != event.municipality_id:
        raise ValidationError(_("Events of different municipalities cannot be merged."))
    if into.duplicate_of_id:
        raise ValidationError(
            _("Event #%(pk)s is itself a duplicate: merge into event #%(original)s instead.")
            % {"pk": into.pk, "original": into.duplicate_of_id}
        )
    if event.duplicates.exists():
        raise ValidationError(
            _("Other events are merged into this one: merge them into #%(pk)s instead.")
            % {"pk": into.pk}
        )
    previous = event.duplicate_of_id
    event.duplicate_of = into
    event.save(update_fields=["duplicate_of"])
    record(actor, "update", event, summary=f"merged into #{into.pk}", into=into.pk, was=previous)
    return event


@transaction.atomic
def unmerge(actor: Any, event: Event) -> Event:
    """Undo a merge: the event counts again."""
    if not event.duplicate_of_id:
        raise ValidationError(_("This event is not merged into another."))
    previous = event.duplicate_of_id
    event.duplicate_of = None
    event.save(update_fields=["duplicate_of"])
    record(actor, "update", event, summary=f"merge into #{previous} undone", was=previous)
    return event


@transaction.atomic
def link(actor: Any, event: Event, other: Event, linked: bool = True) -> Event:
    """Link two related events of the same municipality (or unlink them)."""
    if other.pk == event.pk:
        raise ValidationError(_("An event cannot be linked to itself."))
    if other.municipality_id != event.municipality_id:
        raise ValidationError(_("Events of different municipalities cannot be linked."))
    if linked == event.related.filter(pk=other.pk).exists():
        return event
    if linked:
        event.related.add(other)
    else:
        event.related.remove(other)
    summary = f"{'linked to' if linked else 'unlinked from'} #{other.pk}"
    record(actor, "update", event, summary=summary, other=other.pk, linked=linked)
    return event


# Category taxonomy -----------------------------------------------------------------------

code_part = RegexValidator(
    r"^[A-Z0-9]{1,8}$", gettext_lazy("Use 1 to 8 uppercase letters A–Z or digits, e.g. KLO.")
)


class NamesForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (Swedish)"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=100, required=False)


class CategoryForm(NamesForm):
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        min_value=0,
        max_value=32767,
        help_text=gettext_lazy("Lower numbers come first."),
    )


class NewCategoryForm(NamesForm):
    parent = forms.ModelChoiceField(
        Category.objects.none(),
        label=gettext_lazy("Main category"),
        required=False,
        empty_label=gettext_lazy("None: a new top category"),
    )
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=8,
        help_text=gettext_lazy(
            "Uppercase letters and digits. A subcategory's full code becomes MAIN.CODE."
        ),
    )
    field_order = ["parent", "code", "name", "name_en"]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        tops = Category.objects.filter(municipality=municipality).top()
        self.fields["parent"].queryset = tops  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        code_part(code)
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "code" in data:
            parent = data.get("parent")
            data["code"] = f"{parent.code}.{data['code']}" if parent else data["code"]
            taken = Category.objects.filter(municipality=self.municipality, code=data["code"])
            if taken.exists():
                self.add_error("code", _("The code %(code)s is already used.") % data)
        return data


@transaction.atomic
def create_category(
    actor: Any,
    municipality: Municipality,
    *,
    code: str,
    name: str,
    name_en: str = "",
    parent: Category | None = None,
) -> Category:
    siblings = Category.objects.filter(municipality=municipality, parent=parent)
    last = siblings.aggregate(last=Max("position"))["last"]
    category = Category.objects.create(
        municipality=municipality,
        code=code,
        name=name,
        name_en=name_en,
        parent=parent,
        position=0 if last is None else last + 1,
    )
    record(actor, "create", category, summary=f"category {code} {name}")
    return category


@transaction.atomic
def update_category(actor: Any, category: Category, **values: Any) -> Category:
    """Rename or reorder a category. Codes never change."""
    changes = {k: [getattr(category, k), v] for k, v in values.items() if getattr(category, k) != v}
    if not changes:
        return category
    for field, (_old, new) in changes.items():
        setattr(category, field, new)
    category.save(update_fields=list(changes))
    record(actor, "update", category, summary=f"category {category.code} changed", changes=changes)
    return category


@transaction.atomic
def set_category_active(actor: Any, category: Category, active: bool) -> Category:
    """Retire a category (it leaves the reporting form; old events keep it) or reactivate it."""
    if category.active == active:
        return category
    category.active = active
    category.save(update_fields=["active"])
    summary = f"category {category.code} {'reactivated' if active else 'retired'}"
    record(actor, "update", category, summary=summary, active=active)
    return category
