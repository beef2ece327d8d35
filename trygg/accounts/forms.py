from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from trygg import ratelimit


def throttled_message(per: int) -> str:
    minutes = max(1, per // 60)
    return str(
        _("Too many failed attempts. Wait %(minutes)s minutes and try again.")
        % {"minutes": minutes}
    )


class LoginForm(AuthenticationForm):
    """Django's login form, throttled: failures count per account and per client address.

    A throttled attempt is refused before the password is checked, so that guessing on
    cannot even learn whether a password was right.
    """

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        address = ratelimit.client_address(self.request) if self.request else "unknown"
        (user_limit, per), (address_limit, address_per) = (
            settings.TRYGG_LOGIN_USER_RATE,
            settings.TRYGG_LOGIN_ADDRESS_RATE,
        )
        if (
            ratelimit.hits("login-user", username, per=per) >= user_limit
            or ratelimit.hits("login-address", address, per=address_per) >= address_limit
        ):
            self.throttled = True
            raise forms.ValidationError(throttled_message(max(per, address_per)), "throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            ratelimit.allow("login-user", username, limit=user_limit, per=per)
            ratelimit.allow("login-address", address, limit=address_limit, per=address_per)
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
