"""The user's own account pages: second factor, security settings, password, data export."""

import json
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg import ratelimit
from trygg.audit.services import record
from trygg.tenants.access import Access, tenant_view
from trygg.tenants.models import Membership

from . import services
from .forms import CodeForm, LoginForm, throttled_message
from .middleware import VERIFIED, mark_verified


class LoginView(auth_views.LoginView):
    form_class = LoginForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _code_throttled(request: HttpRequest) -> bool:
    limit, per = settings.TRYGG_TOTP_RATE
    return ratelimit.hits("totp-user", str(request.user.pk), per=per) >= limit


def _count_wrong_code(request: HttpRequest) -> None:
    limit, per = settings.TRYGG_TOTP_RATE
    ratelimit.allow("totp-user", str(request.user.pk), limit=limit, per=per)
    record(
        None,
        "login_failed",
        object_type="accounts.totpdevice",
        object_id=str(request.user.pk),
        municipality=services.home_municipality(request.user),
        summary=f"wrong second-factor code: {request.user.get_username()}",
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the authenticator, or a recovery code."""
    if services.confirmed_device(request.user) is None:
        return redirect("account_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_throttled(request):
            form.add_error("code", throttled_message(settings.TRYGG_TOTP_RATE[1]))
        else:
            kind = services.check_second_factor(request.user, form.cleaned_data["code"])
            if kind is None:
                _count_wrong_code(request)
                form.add_error("code", _("This code is not right, or was already used."))
            else:
                mark_verified(request)
                if kind == "recovery":
                    left = services.codes_left(request.user)
                    messages.warning(
                        request,
                        _("Recovery code used: %(n)s left. Make new ones under Security.")
                        % {"n": left},
                    )
                return redirect(_next(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def _qr_svg(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=False)
    # Only path data made by segno: the URI (with the username) is not in the SVG as text.
    return mark_safe(svg)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: its secret as QR code and text, confirmed with one code."""
    if services.confirmed_device(request.user) is not None:
        if not request.session.get(VERIFIED):
            return redirect("account_verify")
        return redirect("account_security")
    device = services.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_throttled(request):
            form.add_error("code", throttled_message(settings.TRYGG_TOTP_RATE[1]))
        else:
            codes = services.confirm_device(request.user, form.cleaned_data["code"])
            if codes is None:
                _count_wrong_code(request)
                form.add_error("code", _("This code is not right. Check the time on your phone."))
            else:
                mark_verified(request)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _next(request)},
                )
    uri = services.provisioning_uri(device)
    secret = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": _qr_svg(uri),
            "secret": secret,
            "next": _next(request),
            "required": services.requires_2fa(request.user),
        },
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    device = services.confirmed_device(request.user)
    left = services.codes_left(request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "device": device,
            "codes_left": left,
            "required": services.requires_2fa(request.user),
            "idle_minutes": settings.TRYGG_SESSION_IDLE_SECONDS // 60,
            "form": CodeForm(),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if services.confirmed_device(request.user) is None:
        return redirect("account_security")
    codes = services.regenerate_recovery_codes(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse_lazy("account_security")},
    )


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication off: only where no role requires it, with a code."""
    if services.requires_2fa(request.user):
        messages.error(request, _("Your role requires two-factor authentication."))
        return redirect("account_security")
    form = CodeForm(request.POST)
    if _code_throttled(request):
        messages.error(request, throttled_message(settings.TRYGG_TOTP_RATE[1]))
    elif form.is_valid() and services.check_second_factor(request.user, form.cleaned_data["code"]):
        services.remove_second_factor(request.user, request.user)
        messages.success(request, _("Two-factor authentication is off."))
    else:
        _count_wrong_code(request)
        messages.error(request, _("This code is not right, or was already used."))
    return redirect("account_security")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account_security")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(
            self.request.user,
            "update",
            object_type="auth.user",
            object_id=str(self.request.user.pk),
            municipality=services.home_municipality(self.request.user),
            summary="password changed",
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = services.export_user(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="trygg-my-data.json"'
    return response


# An admin's actions on a member of their municipality ----------------------------------------


def _member(access: Access, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=pk,
        organisation__municipality=access.municipality,
    )


@tenant_view("admin")
@require_POST
def member_reset_2fa(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """For a member who lost their authenticator: they set up a new one at the next login."""
    user = _member(access, pk).user
    if services.remove_second_factor(request.user, user, municipality=access.municipality):
        services.end_sessions(user)
        messages.success(
            request,
            _("Two-factor authentication of %(user)s was reset.") % {"user": user.get_username()},
        )
    else:
        messages.info(
            request,
            _("%(user)s has no two-factor authentication.") % {"user": user.get_username()},
        )
    return redirect("member_list", code=access.municipality.code)


@tenant_view("admin")
def member_erase(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Erase a member's account (GDPR art. 17), after the admin typed the username."""
    user = _member(access, pk).user
    problem = ""
    if user.pk == request.user.pk:
        problem = _("You cannot erase your own account.")
    elif not services.erasable(user, access.municipality):
        problem = _(
            "This account is also a member of another municipality: "
            "its administrators must end those memberships first."
        )
    if request.method == "POST" and not problem:
        if request.POST.get("confirm", "").strip() == user.get_username():
            services.erase_user(request.user, user, access.municipality)
            messages.success(request, _("The account was erased."))
            return redirect("member_list", code=access.municipality.code)
        messages.error(request, _("Type the username to confirm the erasure."))
    return render(
        request, "accounts/member_erase.html", {"member": user, "problem": problem, "pk": pk}
    )
