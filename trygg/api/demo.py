"""The demo's open interfaces in Sala: a partner key of a fault-reporting app, and the
coordinator's read token for the municipality's GIS portal. Their secrets are random and
never shown: the demo has the rows the pages list, make new ones to try the API."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model

from .models import ApiToken, Open311Key, Scope
from .services import KEY_PREFIX, TOKEN_PREFIX, digest

PARTNER = "Felanmälan Sala (app)"
TOKEN_NAME = "Kommunens GIS-portal"  # noqa: S105 (a name, not a secret)


def load_api_demo(municipality: Any, coordinator: str = "samordnare") -> bool:
    """Create the rows once; False when they are already there."""
    created = False
    if not Open311Key.objects.filter(municipality=municipality, name=PARTNER).exists():
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        Open311Key.objects.create(
            municipality=municipality, name=PARTNER, prefix=secret[:11], digest=digest(secret)
        )
        created = True
    user = get_user_model().objects.filter(username=coordinator).first()
    if user and not ApiToken.objects.filter(user=user, name=TOKEN_NAME).exists():
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=user,
            municipality=municipality,
            name=TOKEN_NAME,
            scopes=[Scope.READ],
            prefix=secret[:12],
            digest=digest(secret),
        )
        created = True
    return created
