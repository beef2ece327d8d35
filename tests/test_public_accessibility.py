"""Every public page passes axe-core's WCAG 2.1 AA rules, in Swedish and English, on a
desktop and on a phone-sized screen; and a resident reads it without an account.

`PUBLIC_URL_NAMES` lists the public pages; a page whose URL takes a `pk` names the object of
the `public_objects` fixture in `PK_OBJECTS`. Add new public pages to both.
"""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from trygg.areas.models import Area
from trygg.citizens.models import (
    Progress,
    PublishedDirection,
    PublishedFollowUp,
    PublishedPicture,
)
from trygg.cycle.models import DirectionDecision, DirectionProblem, FollowUp
from trygg.picture.models import WeeklyPicture
from trygg.surveys.models import Survey

from .accessibility import assert_accessible, axe_violations
from .test_browser import CHROMIUM, log_in
from .test_citizens import citizens_objects
from .test_review import make_event
from .test_surveys import fill

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]

PUBLIC_URL_NAMES = [
    "public_home",
    "public_promises",
    "public_promise_detail",
    "public_statistics",
    "tip_new",
    "survey_answer",
]
PK_OBJECTS = {
    "survey_answer": "survey",
    "public_promise_detail": "promise",
    "promise_detail": "promise",
    "commitment_edit": "commitment",
}
# The coordinator's forms for what the public page shows (checked logged in).
STAFF_URL_NAMES = [
    "promise_list",
    "promise_new",
    "promise_detail",
    "commitment_edit",
    "publication_list",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


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


@pytest.fixture
def public_objects(sala: Any, personas: dict[str, Any]) -> dict[str, Any]:
    """A full public page: a promise with progress, a direction, a follow-up, statistics."""
    objects = citizens_objects(sala)
    Progress.objects.filter(pk=objects["progress"].pk).update(published=True)
    area = Area.objects.filter(municipality=sala).order_by("code").first()
    assert area is not None
    direction = DirectionDecision.objects.create(
        municipality=sala, period="2026-Q4", decided_on=date(2026, 10, 1),
        summary="Fokus på centrum kvällstid.", municipal_responsibility="Belysning.",
        police_responsibility="Närvaro.", others_responsibility="Sanering.",
    )  # fmt: skip
    DirectionProblem.objects.create(
        direction=direction, position=1, problem="Skadegörelse", area=area, party="kommun"
    )
    PublishedDirection.objects.create(direction=direction)
    followup = FollowUp.objects.create(municipality=sala, period="2026-Q3")
    PublishedFollowUp.objects.create(followup=followup, text="Färre grupperingar vid torget.")
    at = datetime(date.today().year - 1, 4, 2, 20, tzinfo=ZoneInfo("Europe/Stockholm"))
    for i in range(6):
        make_event(sala, at=at + timedelta(days=i), where=(area.label_lat, area.label_lon))
    objects["survey"] = Survey.objects.create(
        municipality=sala,
        title="Trygghetsenkät",
        opens_on=date.today() - timedelta(days=5),
        closes_on=date.today() + timedelta(days=20),
    )
    # Published results of a closed round (shown and hidden groups) and a weekly picture.
    closed = Survey.objects.create(
        municipality=sala, title="Trygghetsenkät våren", opens_on=date.today() - timedelta(days=60),
        closes_on=date.today() - timedelta(days=30), publish_results=True,
    )  # fmt: skip
    desos = Area.objects.filter(municipality=sala, kind="deso").order_by("code")
    fill(closed, desos[0], [3] * 12 + [2] * 18)
    fill(closed, desos[1], [3] * 3 + [1] * 3)
    picture = WeeklyPicture.objects.create(
        municipality=sala, week="2026-W46", status=WeeklyPicture.Status.PUBLISHED, snapshot={}
    )
    PublishedPicture.objects.create(picture=picture, text="Lugn vecka i centrum.")
    return objects


def public_urls(
    base: str, objects: dict[str, Any], names: list[str] = PUBLIC_URL_NAMES
) -> list[str]:
    urls = []
    for name in names:
        kwargs: dict[str, Any] = {"code": "1981"}
        if name in PK_OBJECTS:
            kwargs["pk"] = objects[PK_OBJECTS[name]].pk
        urls.append(base + reverse(name, kwargs=kwargs))
    return urls


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_public_page_meets_wcag_2_1_aa(
    live_server: Any, browser: Any, public_objects: dict[str, Any], language: str, viewport: str
) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone", locale=language
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        for url in public_urls(live_server.url, public_objects):
            assert_accessible(page, url)
            assert page.locator("html").get_attribute("lang") == language
    finally:
        context.close()


def test_a_resident_reads_the_public_page_on_a_phone_and_switches_language(
    live_server: Any, browser: Any, public_objects: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(live_server.url + reverse("public_home", args=["1981"]))
        assert "/login/" not in page.url
        assert page.locator("h1").inner_text() == "Trygghetsarbetet i Sala"
        assert page.get_by_text("Sala-löfte 4711").is_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], "the page scrolls sideways on a phone"
        page.click("button[name=language][value=en]")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Safety work in Sala"
        page.click("text=Statistics")
        page.wait_for_selector("#public-map path.leaflet-interactive")
        assert page.locator("circle, .leaflet-marker-icon").count() == 0  # never points
        assert page.locator("table.stats").first.is_visible()
        assert errors == []
    finally:
        context.close()


def test_the_check_fails_on_a_serious_violation(
    live_server: Any, browser: Any, public_objects: dict[str, Any]
) -> None:
    """The helper really runs axe: a form field without a label and an image without alt."""
    page = browser.new_page()
    try:
        page.goto(live_server.url + reverse("public_home", args=["1981"]))
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<input type=text><img src="/static/trygg/favicon.svg">')"""
        )
        rules = {v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")}
        assert {"label", "image-alt"} <= rules
    finally:
        page.close()


def test_the_coordinators_forms_meet_wcag_2_1_aa(
    live_server: Any, browser: Any, public_objects: dict[str, Any], personas: dict[str, Any]
) -> None:
    page = browser.new_page()
    try:
        log_in(page, live_server.url, personas["coordinator"].username)
        for url in public_urls(live_server.url, public_objects, STAFF_URL_NAMES):
            assert_accessible(page, url)
    finally:
        page.close()


def test_the_coordinator_publishes_progress_that_a_resident_then_reads(
    live_server: Any, browser: Any, public_objects: dict[str, Any], personas: dict[str, Any]
) -> None:
    promise = public_objects["promise"]
    staff = browser.new_page()
    try:
        log_in(staff, live_server.url, personas["coordinator"].username)
        staff.goto(live_server.url + reverse("promise_detail", args=["1981", promise.pk]))
        staff.click("main summary")
        staff.fill("input[name=new-date]", "2026-09-15")
        staff.fill("textarea[name=new-text]", "Skolbesök på Ekebyskolan i 20 minuter.")
        staff.check("input[name=new-published]")
        staff.click("form[action$='/progress/'] button[type=submit]")
        staff.wait_for_load_state("networkidle")
        assert "Lägesrapporten har registrerats." in staff.content()
    finally:
        staff.close()
    resident = browser.new_page()
    try:
        resident.goto(live_server.url + reverse("public_promise_detail", args=["1981", promise.pk]))
        assert resident.get_by_text("Skolbesök på Ekebyskolan i 20 minuter.").is_visible()
    finally:
        resident.close()
