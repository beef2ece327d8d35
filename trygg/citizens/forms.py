"""Forms of the citizen promises. Related choices are limited to the municipality, and text
for the public page is checked for personal data."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.cycle.forms import DATE, TEXT, TenantForm
from trygg.cycle.models import Action, Evaluation
from trygg.privacy import NoPersonalDataForm

from . import models as m


class PromiseForm(TenantForm):
    class Meta:
        model = m.CitizenPromise
        fields = ["period", "starts_on", "ends_on", "signed_on", "signatories", "intro"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "signed_on": DATE, "signatories": TEXT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The promise cannot end before it starts."))
        return data


class CommitmentForm(TenantForm):
    class Meta:
        model = m.Commitment
        fields = ["position", "text", "party", "organisation", "actions", "status", "public_note"]
        widgets = {"text": TEXT, "public_note": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = self.fields["actions"]
        actions.queryset = Action.objects.filter(  # type: ignore[attr-defined]
            municipality=self.municipality
        ).order_by("-start", "title")
        actions.help_text = _("Internal actions are never shown on the public page.")
        party = self.fields["party"]
        party.choices = [("", _("Choose…")), *m.Commitment._meta.get_field("party").choices]  # type: ignore[attr-defined,misc]
        self.fields["organisation"].empty_label = _("Choose…")  # type: ignore[attr-defined]


class ProgressForm(TenantForm):
    class Meta:
        model = m.Progress
        fields = ["date", "text", "evaluation", "published"]
        widgets = {"date": DATE, "text": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = Evaluation.objects.filter(  # type: ignore[attr-defined]
            followup__municipality=self.municipality
        ).select_related("followup", "target_area", "control_area")
        self.fields["evaluation"].empty_label = _("No evaluation")  # type: ignore[attr-defined]


class PublishFollowUpForm(NoPersonalDataForm, forms.Form):
    text = forms.CharField(
        label=_("Results for the public"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done and what came of it, in plain words, without small counts."),
    )


class PublishPictureForm(NoPersonalDataForm, forms.Form):
    text = forms.CharField(
        label=_("Summary for the public"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the week's picture shows, in plain words: no counts, names or addresses."
        ),
    )
