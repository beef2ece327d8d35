"""A resident sends a tip from a phone without an account; the coordinator moderates it in
the queue (htmx) and sees it on the map as a tip; the resident reads the answer. Debian's
Chromium through Playwright, as in tests/test_browser.py."""

from typing import Any

import pytest

from trygg.tips.models import Tip

from .test_browser import CHROMIUM, browser, log_in, watch_errors

__all__ = ["browser"]  # the module-scoped fixture, shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def test_a_tip_goes_from_a_phone_to_the_moderation_queue_and_back(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    base = live_server.url
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="sv-SE"
    )
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(f"{base}/kommun/1981/tips/")
    page.check("text=Otrygg plats – Bristfällig belysning")
    map_box = page.locator("#tip-where .map")
    map_box.scroll_into_view_if_needed()
    page.wait_for_selector("#tip-where .map path.leaflet-interactive")  # the area outlines
    map_box.click(position={"x": 195, "y": 150})
    assert page.input_value("#tip-form input[name=lat]") != ""
    assert "En plats i kartan är vald." in page.inner_text("#tip-where-status")
    page.fill("textarea[name=description]", "Ring 070-123 45 67 om lampan")
    page.click("#tip-form button[type=submit]")
    page.wait_for_selector("#tip-errors")
    assert "ta bort personuppgifterna (telefonnummer)" in page.content()
    assert Tip.objects.count() == 0
    page.fill("textarea[name=description]", "Lampan vid gångvägen är trasig")
    page.click("#tip-form button[type=submit]")
    page.wait_for_url("**/kommun/1981/tips/*/")
    tip = Tip.objects.get()
    assert tip.public_id in page.inner_text("h1") and "nytt" in page.content()
    status_url = page.url
    assert errors == []

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    staff = desk.new_page()
    errors = watch_errors(staff)
    log_in(staff, base, personas["coordinator"].username)
    staff.goto(f"{base}/k/1981/tips/")
    staff.click(f"text={tip.public_id}")
    staff.fill("#moderation textarea[name=note]", "Tack! Vi har beställt en ny lampa.")
    with staff.expect_response(lambda r: "/moderate/" in r.url):
        staff.click("#moderation button[value=accept]")
    staff.wait_for_selector("#moderation .badge.tip-accepted")
    assert staff.locator("#moderation button[value=accept]").count() == 0  # swapped in place
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACCEPTED and tip.moderated_by == personas["coordinator"]
    with staff.expect_response(lambda r: "/events/geojson/" in r.url) as response:
        staff.goto(f"{base}/k/1981/events/map/")
    layers = [f["properties"]["layer"] for f in response.value.json()["features"]]
    assert layers == ["tips"]
    staff.wait_for_selector(".leaflet-marker-pane .tip-marker")
    staff.uncheck(".map-layers input[value=tips]")
    assert staff.locator(".leaflet-marker-pane .tip-marker").count() == 0
    assert errors == []
    desk.close()

    page.goto(status_url)
    assert "Tack! Vi har beställt en ny lampa." in page.content()
    phone.close()
