"""Writes for municipalities, organisations and memberships."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from trygg.audit.services import record
from trygg.reports.taxonomy import seed_categories

from .models import Membership, Municipality, Organisation


@transaction.atomic
def create_municipality(
    actor: Any, code: str, name: str, *, center: tuple[float, float] | None = None
) -> Municipality:
    defaults: dict[str, Any] = {"name": name}
    if center:
        defaults.update(center_lat=center[0], center_lon=center[1])
    municipality, created = Municipality.objects.get_or_create(code=code, defaults=defaults)
    if created:
        record(actor, "create", municipality, municipality=municipality, summary=name)
    seed_categories(municipality)
    return municipality


@transaction.atomic
def save_organisation(actor: Any, organisation: Organisation) -> Organisation:
    created = organisation.pk is None
    organisation.save()
    record(
        actor,
        "create" if created else "update",
        organisation,
        summary=f"{organisation.name} ({organisation.get_kind_display()})",
        active=organisation.active,
    )
    return organisation


@transaction.atomic
def add_member(
    actor: Any,
    organisation: Organisation,
    role: str,
    *,
    username: str,
    password: str | None = None,
) -> Membership:
    """Give a user a role in an organisation, creating the account if it is new."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(password)
        user.save()
        record(actor, "create", user, municipality=organisation.municipality, summary=username)
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, role=role, defaults={"active": True}
    )
    record(
        actor,
        "create",
        membership,
        municipality=organisation.municipality,
        summary=f"{username}: {membership.get_role_display()} – {organisation.name}",
    )
    return membership


@transaction.atomic
def set_membership_active(actor: Any, membership: Membership, active: bool) -> None:
    """Activate or end a membership; ending one may revoke tokens and end sessions (offboard)."""
    from trygg.accounts.services import offboard  # accounts builds on tenants

    membership.active = active
    membership.save(update_fields=["active"])
    record(
        actor,
        "update",
        membership,
        municipality=membership.organisation.municipality,
        summary=f"{membership.user.get_username()}: {membership.get_role_display()}",
        active=active,
    )
    if not active:
        offboard(actor, membership.user, membership.organisation.municipality)
