from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.tenants.access import Access

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the partner system that uses it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    expires = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not access.can("police_data"):
            field = self.fields["scopes"]
            field.choices = [c for c in Scope.choices if c[0] != Scope.POLICE]  # type: ignore[attr-defined]

    def clean_expires(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Valid until: choose a day after today."))
        return timezone.make_aware(datetime.combine(day, time.max))


class Open311KeyForm(forms.Form):
    name = forms.CharField(
        label=_("Partner"), max_length=100, help_text=_("The system or app that submits tips.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
