"""Writes for accounts: second factors, ending sessions, off-boarding, export and erasure.

Each write leaves an audit row, in the same transaction.
"""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from trygg.api.models import ApiToken
from trygg.audit.models import AuditEvent
from trygg.audit.services import record
from trygg.tenants.access import CAPABILITIES
from trygg.tenants.models import Membership, Municipality

from . import totp
from .models import RecoveryCode, TotpDevice

# The roles that must use a second factor: they see police data or administer.
STRICT_ROLES = CAPABILITIES["police_data"] | CAPABILITIES["admin"]
RECOVERY_CODES = 10
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
ISSUER = "Trygg"


def requires_2fa(user: Any) -> bool:
    """Whether `user` has an active membership in a role that must use a second factor."""
    if not settings.TRYGG_REQUIRE_2FA:
        return False
    return Membership.objects.active().filter(user=user, role__in=STRICT_ROLES).exists()


def confirmed_device(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def home_municipality(user: Any) -> Municipality | None:
    """Where a user's personal audit rows go: the municipality of their first membership."""
    membership = (
        Membership.objects.filter(user=user).select_related("organisation__municipality").first()
    )
    return membership.organisation.municipality if membership else None


def pending_device(user: Any) -> TotpDevice:
    """The authenticator being set up: a new secret until the user confirms a code."""
    device, _ = TotpDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return totp.provisioning_uri(device.secret, device.user.get_username(), ISSUER)


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


@transaction.atomic
def new_recovery_codes(user: Any) -> list[str]:
    """Ten fresh single-use codes; the old ones stop working. Shown once, stored hashed."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


@transaction.atomic
def confirm_device(user: Any, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; its recovery codes, or None."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed:
        return None
    step = totp.match(device.secret, code, after=device.last_step)
    if step is None:
        return None
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    record(
        user,
        "create",
        device,
        municipality=home_municipality(user),
        summary="two-factor authentication set up",
    )
    return new_recovery_codes(user)


@transaction.atomic
def check_second_factor(user: Any, code: str) -> str | None:
    """ "totp" or "recovery" if `code` is a valid, unused code of the user's; else None.

    A TOTP code is accepted once: its time step is remembered. A recovery code is used up.
    """
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not device.confirmed:
        return None
    step = totp.match(device.secret, code, after=device.last_step)
    if step is not None:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return "totp"
    if len(normalise_code(code)) == 10:
        used = RecoveryCode.objects.filter(
            user=user, digest=_digest(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            record(
                user,
                "update",
                object_type="accounts.recoverycode",
                object_id=user.pk,
                municipality=home_municipality(user),
                summary="recovery code used",
                left=codes_left(user),
            )
            return "recovery"
    return None


@transaction.atomic
def regenerate_recovery_codes(user: Any) -> list[str]:
    codes = new_recovery_codes(user)
    record(
        user,
        "update",
        object_type="accounts.recoverycode",
        object_id=user.pk,
        municipality=home_municipality(user),
        summary="recovery codes replaced",
    )
    return codes


@transaction.atomic
def remove_second_factor(actor: Any, user: Any, *, municipality: Any = None) -> bool:
    """Remove a user's authenticator and recovery codes (by themselves or an admin's reset)."""
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    record(
        actor,
        "delete",
        object_type="accounts.totpdevice",
        object_id=user.pk,
        municipality=municipality or home_municipality(user),
        summary=f"two-factor authentication removed: {user.get_username()}",
    )
    return bool(deleted)


def end_sessions(user: Any) -> int:
    """Delete every session of `user` from the database: they are logged out everywhere.

    Sessions are stored signed but not indexed by user, so each live session is decoded;
    fine for the few thousand sessions of a municipality's users.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def offboard(actor: Any, user: Any, municipality: Municipality) -> None:
    """After a membership ended: what the user may no longer hold.

    With no active membership left in `municipality`, their API tokens there are revoked;
    with none left anywhere, every session ends too.
    """
    active = Membership.objects.active().filter(user=user)
    if not active.filter(organisation__municipality=municipality).exists():
        tokens = ApiToken.objects.filter(
            user=user, municipality=municipality, revoked_at__isnull=True
        )
        revoked = tokens.update(revoked_at=timezone.now())
        if revoked:
            record(
                actor,
                "update",
                object_type="api.apitoken",
                object_id=user.pk,
                municipality=municipality,
                summary=f"{user.get_username()}: API tokens revoked",
                revoked=revoked,
            )
    if not active.exists():
        ended = end_sessions(user)
        record(
            actor,
            "update",
            object_type="auth.user",
            object_id=user.pk,
            municipality=municipality,
            summary=f"{user.get_username()}: no active membership left, logged out",
            sessions=ended,
        )


def erasable(user: Any, municipality: Municipality) -> bool:
    """An admin may erase only an account that belongs to their municipality alone."""
    memberships = Membership.objects.filter(user=user)
    return (
        memberships.exists()
        and not memberships.exclude(organisation__municipality=municipality).exists()
    )


@transaction.atomic
def erase_user(actor: Any, user: Any, municipality: Municipality) -> None:
    """Anonymise an account: the row stays (the audit log refers to it), the person goes.

    The username becomes `erased-<id>`, names and email are cleared, the password unusable,
    the account inactive; memberships end; sessions, second factors and API tokens are
    deleted. Reports stay: they are about places, and show no more than the username.
    """
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.save()
    Membership.objects.filter(user=user).update(active=False)
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    tokens, _ = ApiToken.objects.filter(user=user).delete()
    sessions = end_sessions(user)
    record(
        actor,
        "delete",
        object_type="auth.user",
        object_id=user.pk,
        municipality=municipality,
        summary=f"account erased: {user.username}",
        tokens=tokens,
        sessions=sessions,
    )


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def export_user(user: Any) -> dict[str, Any]:
    """Everything Trygg holds about `user`, as JSON-ready data, and an audit row for it.

    Audit rows are listed by when and what, not by summary: an admin's summaries name the
    other users they changed.
    """
    memberships = Membership.objects.filter(user=user).select_related("organisation__municipality")
    device = TotpDevice.objects.filter(user=user).first()
    own_rows = AuditEvent.objects.filter(user=user)
    about = AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk))
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "active": user.is_active,
        },
        "memberships": [
            {
                "municipality": m.organisation.municipality.code,
                "organisation": m.organisation.name,
                "role": m.role,
                "active": m.active,
                "since": _when(m.created_at),
            }
            for m in memberships
        ],
        "two_factor": {
            "enabled": bool(device and device.confirmed),
            "set_up": _when(device.confirmed_at) if device else None,
            "recovery_codes_left": codes_left(user),
        },
        "api_tokens": [
            {
                "municipality": t.municipality.code,
                "name": t.name,
                "begins_with": t.prefix,
                "scopes": t.scopes,
                "created": _when(t.created_at),
                "revoked": _when(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).select_related("municipality")
        ],
        "reports": [
            {
                "id": r.pk,
                "municipality": r.municipality.code,
                "reported": _when(r.created_at),
                "events": [
                    {"id": e.pk, "category": e.category.code, "observed": _when(e.observed_from)}
                    for e in r.events.all()
                ],
            }
            for r in user.reports.select_related("municipality").prefetch_related(
                "events__category"
            )
        ],
        "audit": {
            "actions": [
                {
                    "at": _when(a.at),
                    "action": a.action,
                    "object_type": a.object_type,
                    "object_id": a.object_id,
                }
                for a in own_rows
            ],
            "about_you": [
                {"at": _when(a.at), "action": a.action} for a in about.exclude(user=user)
            ],
        },
    }
    record(
        user,
        "export",
        object_type="auth.user",
        object_id=user.pk,
        municipality=home_municipality(user),
        summary="own data exported",
    )
    return data
