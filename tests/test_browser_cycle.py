"""The weekly EST flow in Debian's Chromium: open the weekly picture and assess an area,
decide an action with an owner in a meeting, see it in that organisation's queue, close it
there, and see it in the follow-up."""

from datetime import date, time
from typing import Any

import pytest

from trygg.areas.models import Area
from trygg.cycle.models import Action, Meeting, MeetingSeries
from trygg.picture.models import Assessment

from .test_browser import CHROMIUM, browser, log_in, watch_errors

__all__ = ["browser"]  # the module-scoped fixture, shared with test_browser.py

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_it_runs_a_decision_from_the_meeting_to_the_followup(
    live_server: Any, browser: Any, personas: dict[str, Any], sala: Any
) -> None:
    base = live_server.url
    guards = personas["reporter"].memberships.get().organisation
    series = MeetingSeries.objects.create(
        municipality=sala, kind="est", name="EST Sala", recurrence="weekly",
        first_date=date(2026, 9, 1), start_time=time(9, 0),
    )  # fmt: skip
    meeting = Meeting.objects.create(municipality=sala, series=series, date=date(2026, 9, 1))
    target, control = Area.objects.filter(municipality=sala, kind="deso")[:2]

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    desk.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = desk.new_page()
    errors = watch_errors(page)
    log_in(page, base, personas["coordinator"].username)
    page.goto(f"{base}/k/1981/picture/")
    assess = f"#assess-{target.pk}"
    page.select_option(f"{assess} select[name$=level]", "red")
    page.fill(f"{assess} [name$=text]", "Oro vid torget på kvällarna")
    page.click(f"{assess} button[type=submit]")  # htmx: only this area's form is replaced
    page.wait_for_selector(f"{assess} .saved")
    assessment = Assessment.objects.get(area=target)
    assert (assessment.level, assessment.text) == ("red", "Oro vid torget på kvällarna")
    page.goto(f"{base}/k/1981/meetings/{meeting.pk}/")
    page.fill("textarea[name=decision-text]", "Kvällsrondering vid torget")
    page.select_option("select[name=decision-responsible_organisation]", str(guards.pk))
    submit(page, "form[action$='/decision/']")
    with page.expect_navigation():
        page.click("text=Create action from decision")
    assert page.input_value("input[name=title]") == "Kvällsrondering vid torget"
    assert page.input_value("select[name=responsible_organisation]") == str(guards.pk)
    page.fill("input[name=start]", "2026-09-01")
    page.fill("input[name=end]", "2026-09-30")
    submit(page, "main form")
    action = Action.objects.get(title="Kvällsrondering vid torget")
    assert page.url.endswith(f"/k/1981/actions/{action.pk}/")
    assert errors == []

    guard_desk = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    guard_desk.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    phone = guard_desk.new_page()
    phone_errors = watch_errors(phone)
    log_in(phone, base, personas["reporter"].username)
    phone.goto(f"{base}/k/1981/actions/queue/?show=all")
    with phone.expect_navigation():
        phone.click("text=Kvällsrondering vid torget")
    phone.select_option("select[name=status]", "done")
    phone.fill("textarea[name=outcome]", "Fyra kvällar, lugnt")
    phone.click("#status button[type=submit]")  # htmx: only the status block is replaced
    phone.wait_for_selector("#status .badge.ok")
    assert "Fyra kvällar, lugnt" in phone.inner_text("#status")
    action.refresh_from_db()
    assert action.status == "done"
    assert phone_errors == []
    guard_desk.close()

    page.goto(f"{base}/k/1981/followups/")
    page.fill("input[name=period]", "2026-Q3")
    page.fill("textarea[name=feedback]", "Tack till vaktbolaget")
    submit(page, "main form")
    evaluation = "form[action$='/evaluation/']"
    page.select_option(f"{evaluation} select[name=decision]", str(action.decision_id))
    page.select_option(f"{evaluation} select[name=target_area]", str(target.pk))
    page.select_option(f"{evaluation} select[name=control_area]", str(control.pk))
    page.fill(f"{evaluation} input[name=intervention_date]", "2026-09-01")
    submit(page, evaluation)
    body = page.inner_text("main")
    assert "Kvällsrondering vid torget" in body and "Fyra kvällar, lugnt" in body
    assert "Rate ratio" in body and "Tack till vaktbolaget" in body
    assert errors == []
    desk.close()
