"""Making, checking and revoking API tokens and Open311 keys; each write leaves an audit row."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.tenants.access import Access

from .models import ApiToken, Open311Key, Scope

TOKEN_PREFIX = "trygg_"  # noqa: S105 (a marker, not a secret)
KEY_PREFIX = "o311_"
# last_used_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def check_scopes(access: Access, scopes: list[str]) -> list[str]:
    """The scopes asked for, refused where the user's roles could never use them."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValidationError({"scopes": _("Scopes: choose read, write or police data.")})
    if Scope.POLICE in scopes and not access.can("police_data"):
        raise ValidationError(
            {"scopes": _("Scopes: your roles do not give access to police data.")}
        )
    return [s for s in Scope.values if s in scopes]


@transaction.atomic
def create_token(
    access: Access, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    scopes = check_scopes(access, scopes)
    secret = _new_secret(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=access.user,
        municipality=access.municipality,
        name=name,
        scopes=scopes,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest(secret),
        expires_at=expires_at,
    )
    record(access.user, "create", token, summary=name, scopes=scopes)
    return token, secret


@transaction.atomic
def revoke_token(user: Any, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, "delete", token, summary=token.name)


def token_for(secret: str) -> ApiToken | None:
    """The usable token with this secret, if any; notes when it was last used."""
    token = (
        ApiToken.objects.usable()
        .select_related("user", "municipality")
        .filter(digest=digest(secret))
        .first()
    )
    if token is not None:
        _touch(token)
    return token


def _touch(row: ApiToken | Open311Key) -> None:
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        type(row).objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


@transaction.atomic
def create_open311_key(access: Access, name: str) -> tuple[Open311Key, str]:
    secret = _new_secret(KEY_PREFIX)
    key = Open311Key.objects.create(
        municipality=access.municipality,
        name=name,
        prefix=secret[: len(KEY_PREFIX) + 6],
        digest=digest(secret),
        created_by=access.user,
    )
    record(access.user, "create", key, summary=name)
    return key, secret


@transaction.atomic
def revoke_open311_key(access: Access, key: Open311Key) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(access.user, "delete", key, summary=key.name)


def open311_key_for(municipality: Any, secret: str) -> Open311Key | None:
    key = Open311Key.objects.filter(
        municipality=municipality, digest=digest(secret), revoked_at__isnull=True
    ).first()
    if key is not None:
        _touch(key)
    return key
