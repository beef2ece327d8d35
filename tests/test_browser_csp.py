"""The Content Security Policy in Debian's Chromium: every kind of page – staff, public, the
API docs – runs under it as a logged-in coordinator and as an anonymous visitor without a
single refused script, style or image and without a JavaScript error; its maps still draw
their tiles and polygons and htmx still swaps; and an injected inline handler is refused."""

from datetime import date, time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from trygg.cycle.models import Meeting, MeetingSeries
from trygg.lagesbild.models import Lagesbild
from trygg.settings import tile_source

from .test_browser import CHROMIUM, browser, log_in
from .test_public_accessibility import public_objects
from .test_tips import tip_in
from .test_walks import make_walk, org_of

__all__ = ["browser", "public_objects"]  # fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]

# What the browser says about a policy it refuses or a header it cannot read (a feature
# name Chromium does not know in Permissions-Policy is only a warning, but a wrong header).
CSP_TEXT = (
    "Refused to",
    "Content Security Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
)


def watch(page: Any) -> list[str]:
    """Every CSP violation the browser reports, every console error and every page error, as
    text; a document without a favicon of its own may miss /favicon.ico."""

    def console(m: Any) -> None:
        if m.location.get("url", "").endswith("/favicon.ico"):
            return
        if m.type == "error" or any(t in m.text for t in CSP_TEXT):
            problems.append(f"console {m.type}: {m.text}")

    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", console)
    return problems


@pytest.fixture
def tiles(settings: Any, live_server: Any) -> str:
    """A tile server on another origin (the live server under its other name), allowed by
    the policy exactly as settings.py allows TRYGG_TILE_URL."""
    parts = urlsplit(live_server.url)
    other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
    url = f"{parts.scheme}://{other}:{parts.port}/static/trygg/favicon.svg?{{z}}/{{x}}/{{y}}"
    settings.TRYGG_TILE_URL = url
    policy = dict(settings.SECURE_CSP)
    policy["img-src"] = [*policy["img-src"], *tile_source(url)]
    settings.SECURE_CSP = policy
    return f"{parts.scheme}://{other}:{parts.port}"


@pytest.fixture
def pages(sala: Any, personas: dict[str, Any], public_objects: dict[str, Any]) -> Any:
    """The pages of every kind, as (path, what must be on it), for staff and for the public."""
    series = MeetingSeries.objects.create(
        municipality=sala, kind="est", name="EST Sala", recurrence="weekly",
        first_date=date(2026, 9, 1), start_time=time(9, 0),
    )  # fmt: skip
    meeting = Meeting.objects.create(municipality=sala, series=series, date=date(2026, 9, 1))
    walk = make_walk(sala, [org_of(personas["coordinator"])])
    lagesbild = Lagesbild.objects.create(
        municipality=sala, start=date(2025, 1, 1), end=date(2026, 12, 31)
    )
    tip_in(sala, description="Lampan vid gångtunneln är trasig")
    c = "1981"
    staff = [
        (reverse("dashboard", args=[c]), None),
        (reverse("report_new", args=[c]), "#events-0 .map path.leaflet-interactive"),
        (reverse("picture_week", args=[c]), ".leaflet-container path.leaflet-interactive"),
        (reverse("event_list", args=[c]), None),
        (reverse("event_map", args=[c]), ".leaflet-container path.leaflet-interactive"),
        (reverse("meeting_detail", args=[c, meeting.pk]), None),
        (reverse("lagesbild_list", args=[c]), None),
        (reverse("lagesbild_detail", args=[c, lagesbild.pk]), None),
        (reverse("walk_mode", args=[c, walk.pk]), "#walk-map path.leaflet-interactive"),
        (reverse("tip_list", args=[c]), None),
    ]
    public = [
        (reverse("login"), None),
        (reverse("public_home", args=[c]), None),
        (reverse("public_statistics", args=[c]), "#public-map path.leaflet-interactive"),
        (reverse("survey_answer", args=[c, public_objects["survey"].pk]), None),
        (reverse("tip_new", args=[c]), ".leaflet-container"),
        ("/api/v1/docs", "#swagger-ui .opblock"),
    ]
    documents = [
        reverse("lagesbild_export", args=[c, lagesbild.pk]) + "?format=html",
        reverse("quarterly", args=[c]) + "?format=html",
    ]
    return {"staff": staff, "public": public, "documents": documents}


def menu(page: Any, label: str) -> Any:
    """The navigation menu whose heading is `label`."""
    return page.locator("nav.main-nav details").filter(has=page.locator("summary", has_text=label))


def visit(page: Any, base: str, path: str, ready: str | None, problems: list[str]) -> Any:
    response = page.goto(base + path)
    assert response is not None and response.ok, path
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
    if ready:
        page.wait_for_selector(ready, state="attached")
    page.wait_for_load_state("networkidle")
    assert problems == [], (path, problems)
    return response


def test_every_kind_of_page_runs_under_the_policy(
    live_server: Any, browser: Any, personas: dict[str, Any], pages: Any, tiles: str
) -> None:
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        geolocation={"latitude": 59.91785, "longitude": 16.61604},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems = watch(page)
    try:
        for path, ready in pages["public"]:
            visit(page, base, path, ready, problems)
        log_in(page, base, personas["coordinator"].username)
        for path, ready in pages["staff"] + pages["public"]:
            visit(page, base, path, ready, problems)
        # Standalone documents keep their own <style> and run no script at all.
        for path in pages["documents"]:
            response = page.goto(base + path)
            assert response is not None and response.ok, path
            policy = response.headers["content-security-policy"]
            assert "default-src 'none'; script-src 'none'" in policy, path
            page.wait_for_load_state("networkidle")
            assert problems == [], (path, problems)
        # Maps draw their base tiles from the configured tile server …
        page.goto(base + reverse("event_map", args=["1981"]))
        page.wait_for_selector(f"img.leaflet-tile-loaded[src^='{tiles}']")
        assert problems == []
    finally:
        context.close()


def test_htmx_swaps_and_the_menus_work_under_the_policy(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    from trygg.areas.models import Area
    from trygg.picture.models import Assessment

    base = live_server.url
    area = Area.objects.filter(municipality=sala, kind="deso").order_by("code").first()
    assert area is not None
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    problems = watch(page)
    try:
        log_in(page, base, personas["coordinator"].username)
        page.goto(f"{base}/k/1981/picture/")
        form = f"#assess-{area.pk}"
        page.select_option(f"{form} select[name$=level]", "yellow")
        page.fill(f"{form} [name$=text]", "Oro vid torget")
        page.click(f"{form} button[type=submit]")  # htmx POST with the CSRF header
        page.wait_for_selector(f"{form} .saved")
        assert Assessment.objects.get(area=area).level == "yellow"

        # The grouped navigation: a menu opens by keyboard, Escape closes it.
        cooperation = menu(page, "Cooperation")
        cooperation.locator("summary").focus()
        page.keyboard.press("Enter")
        assert cooperation.get_attribute("open") is not None
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Meetings"
        page.keyboard.press("Escape")
        assert cooperation.get_attribute("open") is None
        assert page.evaluate("document.activeElement.textContent") == "Cooperation"
        with page.expect_navigation():
            page.locator("nav.main-nav summary", has_text="Admin").click()
            page.get_by_role("link", name="API tokens").click()
        assert page.url.endswith("/k/1981/api-tokens/")
        assert problems == []
    finally:
        context.close()


def test_an_injected_inline_handler_is_refused(live_server: Any, browser: Any, sala: Any) -> None:
    """The policy is enforced, and the check above sees it when it is not kept."""
    page = browser.new_page()
    problems = watch(page)
    try:
        page.goto(live_server.url + reverse("public_home", args=["1981"]))
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="/static/trygg/favicon.svg" onload="window.ran = 1">' +
            '<p style="color: red">styled</p>')"""
        )
        page.wait_for_timeout(300)
        assert page.evaluate("window.ran") is None
        assert any("inline event handler" in p for p in problems), problems
        assert (
            page.evaluate("getComputedStyle(document.querySelector('main p:last-child')).color")
            != "rgb(255, 0, 0)"
        )
        assert any("inline style" in p for p in problems), problems
    finally:
        page.close()


def test_the_menus_work_on_a_phone_and_without_javascript(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    base = live_server.url
    for javascript in (True, False):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            locale="en-GB", java_script_enabled=javascript,
        )  # fmt: skip
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page = context.new_page()
        problems = watch(page)
        try:
            log_in(page, base, personas["coordinator"].username)
            page.goto(f"{base}/k/1981/events/")
            analysis = menu(page, "Analysis")
            assert analysis.get_by_role("link", name="Weekly picture").is_hidden()
            analysis.locator("summary").tap()
            current = analysis.get_by_role("link", name="Reports")
            assert current.is_visible() and current.get_attribute("aria-current") == "page"
            # Another menu's heading, moved by the open menu above it, opens with one tap,
            # and only one menu is open at a time.
            page.locator("nav.main-nav summary", has_text="Cooperation").tap()
            assert analysis.get_attribute("open") is None
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, "the page scrolls sideways on a phone"
            with page.expect_navigation():
                page.get_by_role("link", name="Meetings").tap()
            assert page.url.endswith("/k/1981/meetings/")
            assert problems == []
        finally:
            context.close()
