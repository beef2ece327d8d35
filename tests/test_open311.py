"""Open311 GeoReport v2: an existing client library (georeport, from PyPI) reads the services
and the requests in JSON and XML from a live server; a tip POSTed as Open311 clients send it
lands in the moderation queue, and its public status follows the tip."""

from typing import Any

import pytest
import requests
import xmltodict
from django.test import Client
from georeport import GeoReport

from trygg.api.models import Open311Key
from trygg.api.services import create_open311_key, revoke_open311_key
from trygg.audit.models import AuditEvent
from trygg.tenants.access import access_municipality
from trygg.tips.models import Tip
from trygg.tips.services import moderate_tip

from .test_review import CENTRE

SALA = "1981"


@pytest.fixture
def partner_key(personas: dict[str, Any]) -> tuple[Any, str]:
    return create_open311_key(access_municipality(personas["admin"], SALA), "Fixa Sala-appen")


def post_tip(base: str, key: str, **fields: Any) -> requests.Response:
    """A POST as the specification's example sends it: form-encoded, key in the body."""
    data = {"api_key": key, "jurisdiction_id": SALA, "service_code": "PLA.BEL",
            "lat": CENTRE[0], "long": CENTRE[1], "description": "Trasig gatlampa i gångtunneln",
            "email": "someone@example.org", "first_name": "Anna"} | fields  # fmt: skip
    return requests.post(f"{base}/requests.json", data=data, timeout=10)


def test_an_open311_client_submits_a_tip_to_the_moderation_queue(
    live_server: Any, personas: dict[str, Any], partner_key: tuple[Any, str], login: Any
) -> None:
    base = f"{live_server.url}/open311/v2"
    client = GeoReport(base, jurisdiction=SALA)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert "PLA.BEL" in codes and "ORD.VAL" not in codes  # only the public tip categories
    lamp = next(s for s in services if s["service_code"] == "PLA.BEL")
    assert set(lamp) >= {"service_name", "description", "metadata", "type", "keywords", "group"}
    assert lamp["metadata"] is False and lamp["type"] == "realtime"
    definition = client.get_service_definition("PLA.BEL")
    assert definition == {"service_code": "PLA.BEL", "attributes": []}

    response = post_tip(base, partner_key[1])
    assert response.status_code == 200, response.text
    request_id = response.json()[0]["service_request_id"]
    tip = Tip.objects.get(public_id=request_id)
    assert tip.status == Tip.Status.NEW and tip.channel == Tip.Channel.OPEN311
    assert tip in Tip.objects.filter(municipality__code=SALA).new()  # the moderation queue
    queue = login(personas["coordinator"]).get("/k/1981/tips/").content.decode()
    assert request_id in queue
    assert "example.org" not in str(tip.report.events.get().description)

    status = client.get_service_request(request_id)
    assert status["service_request_id"] == request_id and status["status"] == "open"
    assert status["description"] == "" and status["lat"] is None  # unmoderated text stays in
    moderate_tip(personas["coordinator"], tip, accept=False, note="Lampan är redan anmäld.")
    status = client.get_service_request(request_id)
    assert status["status"] == "closed" and status["status_notes"] == "Lampan är redan anmäld."
    listed = client.get_service_requests(service_request_id=request_id)
    assert [r["service_request_id"] for r in listed] == [request_id]


def test_the_xml_format_reads_in_the_client_library(
    live_server: Any, personas: dict[str, Any], partner_key: tuple[Any, str]
) -> None:
    base = f"{live_server.url}/open311/v2"
    xml_client = GeoReport(base, jurisdiction=SALA, output_format="xml")
    services = xml_client.get_service_list()
    assert any(s["service_code"] == "PLA.BEL" for s in services)
    response = requests.post(f"{base}/requests.xml", data={"api_key": partner_key[1],
        "jurisdiction_id": SALA, "service_code": "SKA.KLO", "lat": CENTRE[0],
        "long": CENTRE[1]}, timeout=10)  # fmt: skip
    assert response.headers["Content-Type"].startswith("text/xml")
    request_id = xmltodict.parse(response.content)["service_requests"]["request"][
        "service_request_id"
    ]
    tip = Tip.objects.get(public_id=request_id)
    moderate_tip(personas["coordinator"], tip, accept=True)
    accepted = xml_client.get_service_request(request_id)
    assert accepted["status"] == "open" and accepted["service_code"] == "SKA.KLO"
    assert accepted["requested_datetime"]
    # Without an id, GET requests lists the moderated tips only.
    listed = xml_client.get_service_requests(status="open")
    ids = (
        [listed["service_request_id"]]
        if isinstance(listed, dict)
        else [r["service_request_id"] for r in listed]
    )
    assert ids == [request_id]


def test_it_answers_errors_in_the_specification_s_format(
    live_server: Any, personas: dict[str, Any], partner_key: tuple[Any, str]
) -> None:
    base = f"{live_server.url}/open311/v2"
    bad_key = post_tip(base, "o311_wrong")
    assert bad_key.status_code == 403
    [error] = bad_key.json()
    assert error["code"] == 403 and "api_key" in error["description"]
    assert post_tip(base, partner_key[1], service_code="ORD.VAL").status_code == 400
    no_place = post_tip(base, partner_key[1], lat="", long="")
    assert no_place.status_code == 400 and "lat" in no_place.json()[0]["description"]
    personal = post_tip(base, partner_key[1], description="Ring mig på 070-123 45 67")
    assert personal.status_code == 400
    assert requests.get(f"{base}/services.json", timeout=10).status_code == 400
    unknown = requests.get(f"{base}/services.xml?jurisdiction_id=9999", timeout=10)
    assert unknown.status_code == 404
    assert xmltodict.parse(unknown.content)["errors"]["error"]["code"] == "404"
    revoke_open311_key(access_municipality(personas["admin"], SALA), partner_key[0])
    assert post_tip(base, partner_key[1]).status_code == 403
    assert Tip.objects.count() == 0


def test_discovery_names_the_specification(db: Any) -> None:
    body = Client().get("/open311/v2/discovery.json").json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    xml = xmltodict.parse(Client().get("/open311/v2/discovery.xml").content)
    assert xml["discovery"]["endpoints"]["endpoint"]["formats"]["format"] == [
        "text/xml",
        "application/json",
    ]


def test_open311_posts_are_rate_limited(
    settings: Any, sala: Any, partner_key: tuple[Any, str]
) -> None:
    settings.TRYGG_API_WRITE_RATE = (1, 60)
    data = {"api_key": partner_key[1], "jurisdiction_id": SALA, "service_code": "PLA.BEL",
            "lat": CENTRE[0], "long": CENTRE[1]}  # fmt: skip
    client = Client()
    assert client.post("/open311/v2/requests.json", data).status_code == 200
    limited = client.post("/open311/v2/requests.json", data)
    assert limited.status_code == 429 and limited.json()[0]["code"] == 429


def test_partner_keys_are_made_and_revoked_by_an_administrator(
    personas: dict[str, Any], login: Any
) -> None:
    admin = login(personas["admin"])
    page = admin.post("/k/1981/open311-keys/", {"name": "Fixa Sala"}).content.decode()
    assert "o311_" in page
    key = Open311Key.objects.get(name="Fixa Sala")
    assert admin.post(f"/k/1981/open311-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(object_type="api.open311key").count() == 2
    assert login(personas["coordinator"]).get("/k/1981/open311-keys/").status_code == 403
