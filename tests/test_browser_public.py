"""Issue 6's loop on a phone: an anonymous resident reads the public page, answers the survey
(marking an unsafe place on the map, with a text) and sends a tip; the coordinator sees the
survey's results per area and the tip in the moderation queue, approves it, and publishes
progress on a promise, which then shows on the public page. Debian's Chromium through
Playwright, as in tests/test_browser.py."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.citizens.models import Progress
from trygg.surveys.models import Response, Survey, UnsafePlace
from trygg.tips.models import Tip

from .test_browser import CHROMIUM, browser, log_in, watch_errors
from .test_citizens import citizens_objects
from .test_surveys import areas, fill

__all__ = ["browser"]  # the module-scoped fixture, shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def test_a_resident_on_a_phone_and_the_coordinator_close_the_loop(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    base = live_server.url
    promise = citizens_objects(sala)["promise"]  # published, current, one commitment
    today = timezone.localdate()
    survey = Survey.objects.create(
        municipality=sala, title="Trygghetsenkät hösten", opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20), area_kind="deso",
    )  # fmt: skip
    home_area = areas(sala)[0]
    fill(survey, home_area, [3] * 9 + [1] * 10)  # nineteen neighbours have answered already

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="sv-SE"
    )
    page = phone.new_page()
    errors = watch_errors(page)
    # The public page: the promise, and the open survey.
    page.goto(f"{base}/kommun/1981/")
    assert "Trygghetsarbetet i Sala" in page.inner_text("h1")
    assert "Sala-löfte 4711" in page.content()
    page.tap("text=Svara på enkäten: Trygghetsenkät hösten")
    page.wait_for_url(f"**/kommun/1981/enkat/{survey.pk}/")

    # The survey, with an unsafe place marked on the map.
    page.select_option("select[name=area]", str(home_area.pk))
    for name, value in (("evening", "3"), ("daytime", "1"), ("worry", "2")):
        page.locator(f"input[name={name}][value='{value}']").check()
    survey_map = page.locator("#survey-map")
    survey_map.scroll_into_view_if_needed()
    page.wait_for_selector("#survey-map path.leaflet-interactive")  # the area outlines
    survey_map.tap(position={"x": 195, "y": 120})
    assert page.input_value("input[name=p1_lat]") != ""
    assert "Markerad på kartan" in page.inner_text("[data-slot='1'] [data-slot-status]")
    page.fill("textarea[name=p1_text], input[name=p1_text]", "Mörk gångtunnel utan belysning")
    page.tap("button.send")
    page.wait_for_selector("text=Tack för dina svar")
    assert Response.objects.filter(survey=survey).count() == 20
    place = UnsafePlace.objects.get()
    assert place.lat is not None and place.text == "Mörk gångtunnel utan belysning"

    # A tip.
    page.goto(f"{base}/kommun/1981/tips/")
    page.check("text=Otrygg plats – Bristfällig belysning")
    tip_map = page.locator("#tip-where .map")
    tip_map.scroll_into_view_if_needed()
    page.wait_for_selector("#tip-where .map path.leaflet-interactive")
    tip_map.tap(position={"x": 195, "y": 150})
    assert page.input_value("#tip-form input[name=lat]") != ""
    page.fill("textarea[name=description]", "Lampan i gångtunneln är trasig")
    page.tap("#tip-form button[type=submit]")
    page.wait_for_url("**/kommun/1981/tips/*/")
    tip = Tip.objects.get()
    assert errors == []

    # The coordinator: the survey's results per area, the tip, the promise.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    staff = desk.new_page()
    staff_errors = watch_errors(staff)
    log_in(staff, base, personas["coordinator"].username)
    staff.goto(base + reverse("survey_results", args=["1981", survey.pk]))
    row = staff.locator("tr", has=staff.locator(f"th:text-is('{home_area.label}')")).first
    assert "10 av 20" in row.inner_text()  # nine neighbours and the resident feel unsafe
    assert "färre än 10 svar" in staff.content()  # the areas without enough answers

    staff.goto(f"{base}/k/1981/tips/")
    staff.click(f"text={tip.public_id}")
    staff.fill("#moderation textarea[name=note]", "Tack! Lampan byts nästa vecka.")
    with staff.expect_response(lambda r: "/moderate/" in r.url):
        staff.click("#moderation button[value=accept]")
    staff.wait_for_selector("#moderation .badge.tip-accepted")
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACCEPTED and tip.moderated_by == personas["coordinator"]

    staff.goto(base + reverse("promise_detail", args=["1981", promise.pk]))
    staff.click("summary:text('Rapportera läget')")
    form = staff.locator("form[action$='/progress/']")
    form.locator("input[name=new-date]").fill(today.isoformat())
    form.locator("textarea[name=new-text]").fill("Belysningen i gångtunneln är utbytt.")
    form.locator("button[type=submit]").click()
    staff.wait_for_load_state("networkidle")
    progress = Progress.objects.get(text="Belysningen i gångtunneln är utbytt.")
    assert not progress.published
    # Not public until published.
    page.goto(f"{base}/kommun/1981/")
    assert "Belysningen i gångtunneln är utbytt." not in page.content()
    staff.locator(f"form[action$='/progress/{progress.pk}/publish/'] button").click()
    staff.wait_for_load_state("networkidle")
    progress.refresh_from_db()
    assert progress.published
    assert staff_errors == []
    desk.close()

    page.goto(f"{base}/kommun/1981/")
    assert "Belysningen i gångtunneln är utbytt." in page.content()
    page.goto(f"{base}/kommun/1981/tips/{tip.public_id}/")
    assert "Tack! Lampan byts nästa vecka." in page.content()
    assert errors == []
    phone.close()
