"""The REST API under /api/v1/: a NinjaAPI with its OpenAPI document and interactive docs.

Every endpoint takes its `Access` from `auth.gate`, i.e. from the same gates as the pages
(`access_municipality`, `visible_events`, `visible_actions`, …); nothing is decided here
that the pages decide differently.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from . import endpoints, exports
from .auth import ApiError, TokenAuth

api = NinjaAPI(
    title="Trygg API",
    version="1",
    description=(
        "The open interface of Trygg. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`), made on the page “API tokens” of your "
        "municipality. A token sees exactly what its user sees on the pages."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    # ninja's own Swagger UI files (in its pip package), started by a static script: no CDN,
    # no inline JavaScript: it runs under the pages' strict CSP as it is (test_browser_csp.py).
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: Any, **headers: str) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.message, **exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request,
        401,
        _("A valid token is needed: Authorization: Bearer <token>."),
        **{"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, _("Your roles do not allow this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return _error(request, 422, detail)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = [
        {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors
    ]
    return _error(request, 422, detail)


api.add_router("", endpoints.router)
api.add_router("/exports", exports.router)
