"""The permission gate for a municipality: who may do what inside one tenant.

Every tenant view is wrapped in `tenant_view`, which resolves the kommun code in the URL
to an `Access` for the logged-in user. A user without an active membership in that
municipality gets a 404: an outsider learns nothing, not even that the kommun exists here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import Membership, Municipality, Organisation, Role

# What each capability needs: any one of these roles.
CAPABILITIES: dict[str, frozenset[str]] = {
    "report": frozenset({Role.REPORTER, Role.COORDINATOR, Role.POLICE, Role.ADMIN}),
    "view_reports": frozenset(
        {Role.COORDINATOR, Role.ANALYST, Role.STEERING, Role.POLICE, Role.ADMIN}
    ),
    "review": frozenset({Role.COORDINATOR, Role.ADMIN}),
    "manage_areas": frozenset({Role.COORDINATOR, Role.ADMIN}),
    "police_data": frozenset({Role.POLICE, Role.COORDINATOR, Role.ANALYST, Role.ADMIN}),
    "admin": frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Access:
    user: Any
    municipality: Municipality
    roles: frozenset[str]
    organisation_ids: frozenset[int]
    # The user's active organisations here, as read with the memberships (by id).
    organisations: Mapping[int, Organisation] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def can(self, capability: str) -> bool:
        return bool(self.roles & CAPABILITIES[capability])

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise PermissionDenied

    @property
    def primary_organisation_id(self) -> int:
        return min(self.organisation_ids)


def memberships_of(user: Any) -> Any:
    return (
        Membership.objects.active().filter(user=user).select_related("organisation__municipality")
    )


def access_municipality(user: Any, code: str) -> Access:
    """The only way to enter a tenant. 404 for anyone without an active membership."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    # As memberships_of(user), with the user's own flag read from the user just loaded: one
    # join less on every tenant request.
    rows = list(
        Membership.objects.filter(
            user_id=user.pk,
            active=True,
            organisation__active=True,
            organisation__municipality__code=code,
        ).select_related("organisation__municipality")
    )
    if not rows:
        raise Http404
    return Access(
        user=user,
        municipality=rows[0].organisation.municipality,
        roles=frozenset(m.role for m in rows),
        organisation_ids=frozenset(m.organisation_id for m in rows),
        organisations={m.organisation_id: m.organisation for m in rows},
    )


def tenant_view(capability: str | None = None) -> Callable[..., Any]:
    """Decorate a view taking `(request, code, ...)`: sets `request.access`, checks capability."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
            access = access_municipality(request.user, code)
            if capability:
                access.require(capability)
            request.access = access  # type: ignore[attr-defined]
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator


def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of a municipality's public site (`/kommun/<code>/...`): no login, no membership.

    The view gets the `Municipality` instead of the code; it must show only what the
    municipality has chosen to publish, aggregated so that no person or small count shows.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            municipality = Municipality.objects.get(code=code)
        except Municipality.DoesNotExist:
            raise Http404 from None
        request.public_municipality = municipality  # type: ignore[attr-defined]
        return view(request, municipality, *args, **kwargs)

    return wrapped
