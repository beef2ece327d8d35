from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "active"]

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(municipality=self.instance.municipality, name=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An organisation with this name already exists."))
        return name


class MemberForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]{2,150}$",
        error_messages={"invalid": _("Use 2–150 letters, digits and . @ + - _ only.")},
    )
    password = forms.CharField(
        label=_("Password (new users only)"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        orgs = Organisation.objects.filter(municipality=municipality, active=True)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = data.get("username")
        if not username:
            return data
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            password = data.get("password") or ""
            if not password:
                self.add_error("password", _("A new user needs a password."))
            else:
                try:
                    password_validation.validate_password(password)
                except forms.ValidationError as error:
                    self.add_error("password", error)
        elif not user.memberships.filter(organisation__municipality=self.municipality).exists():
            # Accounts of other municipalities are not reused: that would reveal them.
            self.add_error("username", _("This username is taken. Choose another."))
        return data
