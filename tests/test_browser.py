"""Browser tests in Debian's Chromium, driven by Playwright (no browser download).

A reporter on a phone-sized screen logs in, files a report with a map pin, and the
coordinator sees it on the map and in the list.
"""

import os
from pathlib import Path
from typing import Any

import pytest

from trygg.reports.models import Category, Event

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_it_carries_a_report_from_a_phone_to_the_coordinators_map(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    base = live_server.url
    vandalism = Category.objects.get(municipality=sala, code="SKA")
    glass = Category.objects.get(municipality=sala, code="SKA.GLA")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    errors = watch_errors(page)
    log_in(page, base, personas["reporter"].username)
    assert page.url.endswith("/k/1981/report/new/")
    page.select_option("select[name=events-0-category]", str(vandalism.pk))
    page.select_option("select[name=events-0-subcategory]", str(glass.pk))
    map_box = page.locator("#events-0 .map")
    map_box.scroll_into_view_if_needed()
    page.wait_for_selector("#events-0 .map path.leaflet-interactive")  # the area polygons
    map_box.click(position={"x": 180, "y": 150})
    assert page.input_value("input[name=events-0-lat]") != ""
    page.fill("textarea[name=events-0-description]", "Krossad glasruta i busskuren")
    page.click("button.send")
    try:
        page.wait_for_url("**/report/mine/", timeout=10000)
    except Exception:
        page.screenshot(path="/tmp/browser-fail.png", full_page=True)
        raise
    assert "Krossad glasruta i busskuren" in page.content()
    assert errors == []
    phone.close()

    event = Event.objects.get(description="Krossad glasruta i busskuren")
    assert (event.category, event.subcategory) == (vandalism, glass)
    assert event.report.reporter == personas["reporter"]
    assert event.area is not None or event.outside_areas

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    errors = watch_errors(page)
    log_in(page, base, personas["coordinator"].username)
    page.goto(f"{base}/k/1981/events/")
    assert page.locator(f"a[href='/k/1981/events/{event.pk}/']").count() >= 1
    with page.expect_response(lambda r: "/events/geojson/" in r.url) as response:
        page.goto(f"{base}/k/1981/events/map/")
    features = response.value.json()["features"]
    assert [f["properties"]["url"] for f in features] == [f"/k/1981/events/{event.pk}/"]
    page.wait_for_selector(".leaflet-marker-pane .marker-cluster, path.leaflet-interactive")
    assert errors == []
    desk.close()
