"""Session rules for logged-in users: idle timeout, absolute lifetime, the second factor.

`account_middleware` runs after AuthenticationMiddleware. For an authenticated session it

1. ends the session after `TRYGG_SESSION_IDLE_SECONDS` without a request, or
   `SESSION_COOKIE_AGE` after the login (the cookie's age alone would slide with each save);
2. until the second factor is checked, lets the session reach only the two-factor pages,
   logout, the language switch and the public pages: a user with an authenticator is asked
   for a code, a user whose role requires one (`requires_2fa`) is sent to set it up.

The REST API and Open311 authenticate with their own keys, never with the session, and are
left alone.
"""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services import confirmed_device, requires_2fa

VERIFIED = "trygg_2fa"  # session key: the second factor was checked in this session
LOGIN_AT = "trygg_login_at"
SEEN_AT = "trygg_seen_at"
# Until when this session was found to need no second factor (no authenticator, no role that
# requires one): rechecked at most every TOUCH_EVERY seconds, not on every request.
FREE_UNTIL = "trygg_2fa_free_until"
# The last request time is written at most every minute (or tenth of the idle time).
TOUCH_EVERY = 60
OPEN_PREFIXES = ("/kommun/", "/api/", "/open311/", "/static/", "/media/")


def start_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On each login (signal): a fresh clock, and the second factor not yet checked."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session.pop(VERIFIED, None)
    request.session.pop(FREE_UNTIL, None)


def mark_verified(request: HttpRequest) -> None:
    request.session.cycle_key()
    request.session[VERIFIED] = True


def _expired(request: HttpRequest) -> str:
    """Why the session has run out, or ""; refreshes the last-seen time otherwise."""
    now = time.time()
    session = request.session
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:  # a session from before this middleware
        session[LOGIN_AT] = session[SEEN_AT] = now
        return ""
    if now - seen_at > settings.TRYGG_SESSION_IDLE_SECONDS:
        return _("You were logged out after a while without activity. Please log in again.")
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return _("Your session has ended. Please log in again.")
    if now - seen_at >= min(TOUCH_EVERY, settings.TRYGG_SESSION_IDLE_SECONDS // 10):
        session[SEEN_AT] = now
    return ""


def _redirect(name: str, request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


def account_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return get_response(request)
        reason = _expired(request)
        if reason:
            logout(request)
            messages.info(request, reason)
            return _redirect("login", request)
        if request.session.get(VERIFIED):
            return get_response(request)
        open_paths = {
            reverse(name) for name in ("account_verify", "account_enrol", "logout", "set_language")
        }
        if request.path in open_paths:
            return get_response(request)
        now = time.time()
        if request.session.get(FREE_UNTIL, 0) > now:
            return get_response(request)
        if confirmed_device(user) is not None:
            return _redirect("account_verify", request)
        if requires_2fa(user):
            return _redirect("account_enrol", request)
        request.session[FREE_UNTIL] = now + TOUCH_EVERY
        return get_response(request)

    return middleware
