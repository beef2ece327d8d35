"""Personas for every role, in two municipalities, and the helpers tests use.

Sala (1981) is "our" municipality: a user per role. Kungsör (1960) is another tenant whose
user, the outsider, must never see anything of Sala's, and vice versa.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from trygg.accounts.middleware import VERIFIED
from trygg.areas.services import import_areas
from trygg.tenants.models import Membership, Municipality, Organisation, Role
from trygg.tenants.services import create_municipality

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct-horse-battery-staple"
PERSONAS = {
    "reporter": (Role.REPORTER, "bevakning"),
    "coordinator": (Role.COORDINATOR, "kommun"),
    "analyst": (Role.ANALYST, "kommun"),
    "steering": (Role.STEERING, "kommun"),
    "police": (Role.POLICE, "polis"),
    "admin": (Role.ADMIN, "kommun"),
}


@pytest.fixture
def _django_db_helper(_django_db_helper: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's database set-up, plus: the flush after a transactional test may empty
    the audit log.

    On SQLite that flush DELETEs every row, which the audit log's trigger refuses
    (trygg/audit/migrations/0002_append_only.py), so the flush runs with the log released as
    `trygg prune` and a forced restore do; the release is cleared before each test. On
    PostgreSQL the flush TRUNCATEs, which row triggers do not see.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_release")
    yield
    with django_db_blocker.unblock():
        if not connection.in_atomic_block and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO audit_release VALUES ('9999-01-01 00:00:00')")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_optional(settings: Any) -> None:
    """The personas log in with a password only; tests/test_accounts.py requires the code.

    A user who has set up an authenticator is still asked for a code: only the duty of the
    police-data and admin roles to set one up is off.
    """
    settings.TRYGG_REQUIRE_2FA = False


@pytest.fixture
def sala(db: Any) -> Municipality:
    m = create_municipality(None, "1981", "Sala", center=(59.92, 16.60))
    import_areas(FIXTURES / "deso2025_sala_1981.geojson", m, kind="deso")
    return m


@pytest.fixture
def kungsor(db: Any) -> Municipality:
    m = create_municipality(None, "1960", "Kungsör", center=(59.42, 16.10))
    import_areas(FIXTURES / "deso2025_kungsor_1960.geojson", m, kind="deso")
    return m


def make_user(municipality: Municipality, role: str, *, org_kind: str = "kommun") -> Any:
    org, _ = Organisation.objects.get_or_create(
        municipality=municipality,
        name=f"{municipality.name} {org_kind}",
        defaults={"kind": org_kind},
    )
    user = get_user_model().objects.create_user(
        username=f"{role}-{municipality.code}-{org_kind}", password=PASSWORD
    )
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def personas(sala: Municipality, kungsor: Municipality) -> dict[str, Any]:
    """One user per role in Sala, plus `outsider`: an admin of Kungsör."""
    users = {name: make_user(sala, role, org_kind=kind) for name, (role, kind) in PERSONAS.items()}
    users["outsider"] = make_user(kungsor, Role.ADMIN)
    return users


@pytest.fixture
def login() -> Callable[[Any], Client]:
    """A client with `user` fully logged in: password and, where asked for, second factor."""

    def _login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[VERIFIED] = True
        session.save()
        return client

    return _login
