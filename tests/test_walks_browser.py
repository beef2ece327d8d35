"""Walk mode in Chromium on a phone-sized screen: a participant's position comes from the
phone, one tap records a finding, and a finding whose answer was lost on a flaky connection
is sent again without being stored twice."""

from typing import Any

import pytest

from trygg.walks.models import Finding

from .test_browser import CHROMIUM, browser, log_in, watch_errors  # noqa: F401 (fixture)
from .test_walks import CENTRE, make_walk, org_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def test_it_records_findings_on_a_phone_and_survives_a_lost_answer(
    live_server: Any,
    browser: Any,  # noqa: F811
    personas: dict[str, Any],
    sala: Any,
) -> None:
    base = live_server.url
    walk = make_walk(sala, [org_of(personas["reporter"])])
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": CENTRE[0], "longitude": CENTRE[1]},
        permissions=["geolocation"],
        locale="sv-SE",
    )
    page = phone.new_page()
    errors = watch_errors(page)
    log_in(page, base, personas["reporter"].username)
    page.goto(f"{base}/k/1981/vandringar/{walk.pk}/ga/")
    page.wait_for_function("document.querySelector('[name=lat]').value !== ''")
    assert "59.917850" in page.inner_text("#where-status")

    page.fill("textarea[name=description]", "Trasig lampa vid cykelstället")
    page.get_by_role("button", name="Bristfällig belysning").tap()
    page.wait_for_selector("#found li:nth-child(1)")
    assert "Bristfällig belysning – Trasig lampa vid cykelstället" in page.inner_text("#found")
    assert page.input_value("textarea[name=description]") == ""
    page.wait_for_selector("#walk-map .walk-num")  # the numbered marker on the route map

    # The next finding reaches the server, but its answer is lost on the way back.
    lost: list[str] = []

    def lose_answer(route: Any) -> None:
        route.fetch()
        lost.append(route.request.url)
        route.abort()

    page.route("**/fynd/", lose_answer)
    page.get_by_role("button", name="Klotter").tap()
    page.wait_for_selector("#pending li")
    assert lost and "ingen anslutning" in page.inner_text("#walk-status")
    assert Finding.objects.count() == 2  # stored, though the phone does not know it yet
    page.unroute("**/fynd/")
    page.get_by_role("button", name="Skicka igen nu").tap()
    page.wait_for_selector("#found li:nth-child(2)")
    page.wait_for_function("document.querySelectorAll('#pending li').length === 0")
    assert Finding.objects.count() == 2  # the retry with the same client key was not stored
    assert [f.event.subcategory.code for f in Finding.objects.order_by("number")] == [
        "PLA.BEL",
        "SKA.KLO",
    ]
    assert [e for e in errors if "ERR_FAILED" not in e] == []  # only the lost answer
    phone.close()
