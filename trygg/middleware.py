"""Request-wide middleware of our own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _


def language_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Swedish unless the user chose another language (the set_language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: a
    Swedish municipality's tool speaks Swedish until someone asks for English.
    """
    available = {code for code, _ in settings.LANGUAGES}

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    return middleware


def permissions_policy_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The Permissions-Policy header (settings.TRYGG_PERMISSIONS_POLICY) on every response."""
    policy = settings.TRYGG_PERMISSIONS_POLICY

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response

    return middleware


def nul_query_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse a query string with a NUL character (400, naming the parameter).

    No page or endpoint means anything by one, and PostgreSQL cannot compare text with it:
    a filter such as `?area=%00` would otherwise end in a database error. Forms refuse NUL
    in their own fields (Django's ProhibitNullCharactersValidator); request bodies of the API
    in its schemas (trygg.api.schemas.In).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", ""):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    name = key.replace("\x00", "\\0")
                    return HttpResponseBadRequest(
                        _("The query parameter “%(name)s” contains a NUL character.")
                        % {"name": name},
                        content_type="text/plain; charset=utf-8",
                    )
        return get_response(request)

    return middleware
