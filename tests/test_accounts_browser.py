"""A police officer logs in for the first time in Chromium: password, then the two-factor
set-up (QR code and key), a code from the authenticator, the recovery codes, the page they
asked for. Debian's Chromium through Playwright, as in tests/test_browser.py."""

import time
from typing import Any

import pytest

from .test_accounts import rfc_code
from .test_browser import CHROMIUM, browser, log_in, watch_errors

__all__ = ["browser"]  # the module-scoped fixture, shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


def test_a_police_officer_sets_up_two_factor_login_in_the_browser(
    live_server: Any, browser: Any, personas: dict[str, Any], settings: Any
) -> None:
    settings.TRYGG_REQUIRE_2FA = True
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{base}/k/1981/police/events/")
    page.fill("#id_username", personas["police"].username)
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/account/2fa/setup/" in page.url
    assert page.locator("figure.qr svg").is_visible()
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("#id_code", rfc_code(secret, time.time()))
    page.click("main button[type=submit]")
    page.wait_for_selector(".recovery-codes")
    assert page.locator(".recovery-codes li").count() == 10
    page.click("text=Jag har sparat dem")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/k/1981/police/events/")
    page.click("text=Logga ut")
    page.wait_for_load_state("networkidle")

    log_in(page, base, personas["police"].username)
    assert "/account/2fa/" in page.url
    page.fill("#id_code", rfc_code(secret, time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/k/1981/")
    assert errors == []
    context.close()
