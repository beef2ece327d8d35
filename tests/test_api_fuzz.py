"""Property-based testing of the REST API against its own OpenAPI document (schemathesis):
no generated request, valid or not, may cause a server error or an answer that breaks the
documented schema. Runs through the WSGI app with a coordinator's token holding every scope,
on data shaped like a real week (events, an action, a published picture)."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from trygg.api.services import create_token
from trygg.cycle.models import Action
from trygg.picture.models import WeeklyPicture
from trygg.tenants.access import access_municipality
from trygg.wsgi import application

from .test_review import make_event


@pytest.fixture
def fuzz_token(personas: dict[str, Any], sala: Any, settings: Any) -> str:
    settings.TRYGG_API_WRITE_RATE = (10_000, 60)
    coordinator = personas["coordinator"]
    organisation = coordinator.memberships.get().organisation
    for category in ("SKA", "PLA", "ORD"):
        make_event(sala, category, reporter=coordinator, organisation=organisation)
    Action.objects.create(
        municipality=sala, title="Belysning", responsible_organisation=organisation
    )
    WeeklyPicture.objects.create(
        municipality=sala, week="2026-W47", status=WeeklyPicture.Status.PUBLISHED,
        published_at=timezone.now(), snapshot={"week": "2026-W47", "total": {"count": 3}},
    )  # fmt: skip
    access = access_municipality(coordinator, "1981")
    return create_token(access, "fuzz", ["read", "write", "police"])[1]


@pytest.fixture
def test_connection_kept() -> Iterator[None]:
    """The requests keep the test's database connection, as under Django's test client.

    Schemathesis calls the WSGI application directly, so each request's start and end signals
    run `close_old_connections`, which closes a connection whose autocommit differs from the
    setting: inside the test's transaction it always does. SQLite ignores closing its
    in-memory test database; on PostgreSQL the connection holding the test's transaction (and
    its data) was closed at the first request, and every query after it failed with "the
    connection is closed" (a 500). Django's test client disconnects the same handler.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Loaded from the running app at collection (the document needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_breaks_the_api(case: Any, fuzz_token: str, test_connection_kept: None) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
