"""Who is calling: a personal token in `Authorization: Bearer <token>`, and what it may do.

Every endpoint resolves its `Access` through `gate`, i.e. through the same
`access_municipality` and capabilities as the pages, so the API can never show more than
the pages would show the token's user. Writes are also checked here, before the body is read:
its size, and the rate limits per address and per token.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from trygg import ratelimit
from trygg.tenants.access import Access, access_municipality

from .models import ApiToken, Scope
from .services import token_for

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    """An error answered as `{"detail": message}` with `status` (and optional headers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def too_many(per: int) -> ApiError:
    return ApiError(
        429, _("Too many requests: try again later."), headers={"Retry-After": str(per)}
    )


def check_write(request: HttpRequest, scope: str, key: str) -> None:
    """Body size and rate limit of a write, in `scope`, for `key` (an address or a token)."""
    limit, per = settings.TRYGG_API_WRITE_RATE
    if not ratelimit.allow(scope, key, limit=limit, per=per):
        raise too_many(per)


def check_body(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.TRYGG_API_MAX_BODY:
        raise ApiError(
            413,
            _("The request body is too large: at most %(n)s bytes.")
            % {"n": settings.TRYGG_API_MAX_BODY},
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        writing = request.method not in SAFE_METHODS
        if writing:
            check_body(request)
            check_write(request, "api-address", ratelimit.client_address(request))
        row = token_for(token)
        if row is None:
            return None
        if writing:
            check_write(request, "api-token", str(row.pk))
        return row


def gate(request: HttpRequest, *, scope: str = Scope.READ, capability: str = "") -> Access:
    """The caller's access in the token's municipality, with `scope` and `capability`."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.has_scope(scope):
        raise ApiError(403, _("This token lacks the scope “%(scope)s”.") % {"scope": scope})
    try:
        access = access_municipality(token.user, token.municipality.code)
    except Http404:
        raise ApiError(403, _("The token's user is no longer a member here.")) from None
    if capability:
        access.require(capability)
    request.access = access  # type: ignore[attr-defined]
    return access


def police_gate(request: HttpRequest) -> Access:
    """Police data: the police-data scope and the role's `police_data` capability."""
    gate(request, scope=Scope.READ)
    return gate(request, scope=Scope.POLICE, capability="police_data")


def auth_user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]
