"""Every view and export of police data leaves an audit row (generated from the access matrix).

Every page whose row in the access matrix is for the police-data roles, every API endpoint
that needs the police scope, and the pages and exports that include police numbers for
those roles (the weekly picture, the lägesbild) are requested as the police persona; each
must write an audit row of kind view or export. A new police page fails here until it
audits, or is declared in NO_POLICE_DATA with the reason.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEvent

from .test_access_matrix import (  # noqa: F401 – the fixtures are used by name
    API_MATRIX,
    MATRIX,
    POLICE,
    POLICE_DATA,
    api_objects,
    api_token,
    objects,
)

# Police-data pages that show no police data themselves.
NO_POLICE_DATA = {
    "import_list": "the imported files with their counts: no police records (a batch's page is)",
    "import_upload": "the upload form: no data",
    "police_mapping": "the police's event types and the categories they map to: no events",
}
# Pages open to other roles too that add police numbers for the police-data roles.
WITH_POLICE_PARTS = {
    "picture_week",
    "picture_export",
    "lagesbild_detail",
    "lagesbild_export",
    "lagesbild_version",
}


def police_pages() -> list[str]:
    gated = {n for n, r in MATRIX.items() if r.method == "GET" and r.allowed == POLICE_DATA}
    return sorted((gated - NO_POLICE_DATA.keys()) | WITH_POLICE_PARTS)


def police_endpoints() -> list[str]:
    return [*sorted(n for n, r in API_MATRIX.items() if "police" in r.scopes), "picture"]


def test_the_lists_are_not_empty_and_name_existing_pages() -> None:
    assert len(police_pages()) >= 6 and "police_crimes_csv" in police_pages()
    assert (NO_POLICE_DATA.keys() | WITH_POLICE_PARTS) <= MATRIX.keys()


def audited(user: Any, request: Any) -> list[AuditEvent]:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = request()
    assert response.status_code == 200, response.status_code
    return list(AuditEvent.objects.filter(id__gt=before, user=user, action__in=["view", "export"]))


@pytest.mark.parametrize("name", police_pages())
def test_each_police_data_page_writes_an_audit_row(name, personas, objects, login):  # noqa: F811
    row = MATRIX[name]
    kwargs: dict[str, Any] = {"code": "1981"}
    if row.pk:
        kwargs["pk"] = objects[row.pk].pk
    url = reverse(name, kwargs=kwargs)
    client = login(personas[POLICE])
    rows = audited(personas[POLICE], lambda: client.get(url))
    assert rows, f"{url}: no audit row of kind view or export"


@pytest.mark.parametrize("name", police_endpoints())
def test_each_police_data_endpoint_writes_an_audit_row(name, personas, api_objects, sala):  # noqa: F811
    row = API_MATRIX[name]
    path = "/api/v1/" + row.path.format(**api_objects)
    secret = api_token(personas[POLICE], sala, ("read", "police"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    rows = audited(personas[POLICE], lambda: client.get(path))
    assert rows, f"{path}: no audit row of kind view or export"
