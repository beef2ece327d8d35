"""The user's API tokens, and the administrators' Open311 partner keys."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.tenants.access import Access, tenant_view

from . import services
from .forms import Open311KeyForm, TokenForm
from .models import ApiToken, Open311Key


@tenant_view()
def token_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The user's own tokens in this municipality; POST makes one and shows its secret once."""
    form = TokenForm(request.POST or None, access=access)
    secret = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = services.create_token(
                access, data["name"], data["scopes"], data["expires"]
            )
            form = TokenForm(access=access)
        except ValidationError as error:
            form.add_error("scopes", error.messages)
    tokens = ApiToken.objects.filter(user=access.user, municipality=access.municipality)
    ctx = {"form": form, "tokens": tokens, "secret": secret}
    return render(request, "api/tokens.html", ctx)


@tenant_view()
@require_POST
def token_revoke(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=access.user, municipality=access.municipality)
    services.revoke_token(access.user, token)
    messages.success(request, _("The token was revoked."))
    return redirect("api_tokens", access.municipality.code)


@tenant_view("admin")
def open311_keys(request: HttpRequest, access: Access) -> HttpResponse:
    """Partner keys for submitting citizen tips through Open311; POST makes one."""
    form = Open311KeyForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        _key, secret = services.create_open311_key(access, form.cleaned_data["name"])
        form = Open311KeyForm()
    keys = Open311Key.objects.filter(municipality=access.municipality)
    url = request.build_absolute_uri(reverse("open311_discovery", kwargs={"fmt": "json"})).rsplit(
        "/", 1
    )[0]
    ctx = {"form": form, "keys": keys, "secret": secret, "open311_url": url}
    return render(request, "api/open311_keys.html", ctx)


@tenant_view("admin")
@require_POST
def open311_key_revoke(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    key = get_object_or_404(Open311Key, pk=pk, municipality=access.municipality)
    services.revoke_open311_key(access, key)
    messages.success(request, _("The key was revoked."))
    return redirect("open311_keys", access.municipality.code)
