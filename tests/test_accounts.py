"""Logins: password, then a second factor (TOTP, RFC 6238) for the roles that must use one;
throttling of failures; idle and absolute session expiry; the user's own security page,
password change and data export; off-boarding and erasure by an admin.

Codes are computed here, from the key shown on the set-up page, with a TOTP written in this
file (checked against the RFCs' test vectors): not with the code under test.
"""

import base64
import hashlib
import hmac
import json
import re
import struct
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from trygg.accounts import totp
from trygg.api.models import ApiToken
from trygg.api.services import create_token
from trygg.audit.models import AuditEvent
from trygg.tenants.access import access_municipality
from trygg.tenants.models import Membership

from .conftest import PASSWORD
from .test_review import make_event

POLICE_PAGE = "/k/1981/police/events/"


def rfc_code(secret: str, when: float, digits: int = 6) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(when // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 15
    number = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return str(number).zfill(digits)


@pytest.fixture
def strict(settings: Any) -> None:
    settings.TRYGG_REQUIRE_2FA = True


def password_login(username: str, password: str = PASSWORD, **extra: Any) -> tuple[Client, Any]:
    client = Client(**extra)
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def enrol(client: Client) -> tuple[str, list[str]]:
    """Set up an authenticator through the set-up page: its key and the recovery codes."""
    page = client.get("/account/2fa/setup/").content.decode()
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post("/account/2fa/setup/", {"code": rfc_code(secret, time.time())})
    assert response.status_code == 200
    codes = re.findall(
        r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", response.content.decode()
    )
    assert len(codes) == 10
    return secret, codes


def test_our_totp_gives_the_rfc_test_vectors() -> None:
    # RFC 4226 appendix D (HOTP) and RFC 6238 appendix B (TOTP, SHA-1, cut to 6 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert [totp.hotp(secret, i) for i in range(4)] == ["755224", "287082", "359152", "969429"]
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"
    assert totp.code_at(secret, 20000000000) == "353130"
    assert rfc_code(secret, 1234567890, digits=8) == "89005924"
    assert totp.code_at(secret, 1234567890) == "005924"


def test_a_police_user_sets_up_a_second_factor_then_logs_in_with_password_and_code(
    personas: dict[str, Any], strict: None
) -> None:
    police = personas["police"]
    client, response = password_login(police.username)
    assert response.status_code == 302
    # Password alone: every page sends them to the set-up.
    blocked = client.get(POLICE_PAGE)
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/2fa/setup/")
    assert client.get("/k/1981/").status_code == 302
    wrong = client.post("/account/2fa/setup/", {"code": "000000"})
    assert wrong.status_code == 200 and "inte rätt" in wrong.content.decode()
    secret, _ = enrol(client)
    assert client.get(POLICE_PAGE).status_code == 200
    assert AuditEvent.objects.filter(object_type="accounts.totpdevice", action="create").exists()

    client.post("/logout/")
    client, response = password_login(police.username)
    to_verify = client.get(POLICE_PAGE)
    assert to_verify["Location"] == "/account/2fa/?next=" + POLICE_PAGE.replace("/", "%2F")
    assert client.post("/account/2fa/", {"code": "123456"}).status_code == 200
    assert client.get(POLICE_PAGE).status_code == 302  # still not verified
    code = rfc_code(secret, time.time() + 30)  # the set-up used the current step
    key = client.session.session_key
    response = client.post("/account/2fa/", {"code": code, "next": POLICE_PAGE})
    assert response.status_code == 302 and response["Location"] == POLICE_PAGE
    assert client.session.session_key != key  # a new session key once fully logged in
    assert client.get(POLICE_PAGE).status_code == 200

    # The same code cannot be used again, e.g. by someone who watched it being typed.
    other, _ = password_login(police.username)
    again = other.post("/account/2fa/", {"code": code})
    assert again.status_code == 200 and "redan använd" in again.content.decode()
    assert other.get(POLICE_PAGE).status_code == 302
    assert AuditEvent.objects.filter(
        action="login_failed", object_type="accounts.totpdevice"
    ).count() == 3  # fmt: skip


def test_a_recovery_code_works_once(personas: dict[str, Any], strict: None) -> None:
    admin = personas["admin"]
    client, _ = password_login(admin.username)
    _, codes = enrol(client)
    first, _ = password_login(admin.username)
    response = first.post("/account/2fa/", {"code": codes[0].lower(), "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"  # no open redirect
    assert first.get("/k/1981/members/").status_code == 200
    assert "9" in first.get("/account/security/").content.decode()  # 9 left
    second, _ = password_login(admin.username)
    assert second.post("/account/2fa/", {"code": codes[0]}).status_code == 200
    assert second.get("/k/1981/members/").status_code == 302
    assert second.post("/account/2fa/", {"code": codes[1]}).status_code == 302
    assert second.get("/k/1981/members/").status_code == 200


def test_only_police_data_and_admin_roles_must_set_up_a_second_factor(
    personas: dict[str, Any], strict: None
) -> None:
    for name in ("police", "coordinator", "analyst", "admin"):
        client, _ = password_login(personas[name].username)
        response = client.get("/k/1981/")
        assert response["Location"].startswith("/account/2fa/setup/"), name
        # The pages of the flow itself, the public site and the language switch stay open.
        assert client.get("/account/2fa/setup/").status_code == 200
        assert client.get("/kommun/1981/").status_code == 200
        assert client.post("/lang/", {"language": "en", "next": "/"}).status_code == 302
    for name in ("reporter", "steering"):
        client, _ = password_login(personas[name].username)
        assert client.get("/k/1981/").status_code in (200, 302), name
        assert not client.get("/k/1981/")["Location" if name == "reporter" else "Content-Type"
                                           ].startswith("/account/")  # fmt: skip
    reporter, _ = password_login(personas["reporter"].username)
    assert reporter.get("/k/1981/report/new/").status_code == 200


def test_a_member_given_a_strict_role_is_sent_to_the_set_up_within_a_minute(
    personas: dict[str, Any], strict: None, monkeypatch: Any
) -> None:
    """The "needs no second factor" finding is kept in the session for a while (TOUCH_EVERY,
    one minute) rather than read on every request; a new role takes effect when it lapses."""
    monkeypatch.setattr("trygg.accounts.middleware.TOUCH_EVERY", 1)
    reporter = personas["reporter"]
    client, _ = password_login(reporter.username)
    assert client.get("/k/1981/report/new/").status_code == 200
    own = Membership.objects.get(user=reporter)
    Membership.objects.create(user=reporter, organisation=own.organisation, role="polis")
    time.sleep(1.2)
    response = client.get("/k/1981/report/new/")
    assert response["Location"].startswith("/account/2fa/setup/")


def test_the_api_takes_its_token_even_from_a_session_without_second_factor(
    personas: dict[str, Any], strict: None
) -> None:
    police = personas["police"]
    _, secret = create_token(access_municipality(police, "1981"), "t", ["read"])
    client, _ = password_login(police.username, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/k/1981/").status_code == 302
    assert client.get("/api/v1/me").status_code == 200


def test_throttling_blocks_after_five_failures_even_with_the_correct_password(
    personas: dict[str, Any],
) -> None:
    username = personas["reporter"].username
    for _ in range(5):
        _, response = password_login(username, "wrong password")
        assert "Fel användarnamn eller lösenord" in response.content.decode()
    client, response = password_login(username)
    assert response.status_code == 200
    assert "För många misslyckade försök" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="login").exists()
    # The throttled attempt was refused before the password was checked.
    assert AuditEvent.objects.filter(action="login_failed").count() == 5
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.post("/login/", {"username": username, "password": PASSWORD})
    assert "Too many failed attempts. Wait 15 minutes" in response.content.decode()
    # Another account from the same address can still log in.
    _, other = password_login(personas["steering"].username)
    assert other.status_code == 302


def test_throttling_per_address_covers_guessing_across_accounts(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.TRYGG_LOGIN_ADDRESS_RATE = (6, 900)
    for i in range(6):
        password_login(f"guess-{i}", "x", REMOTE_ADDR="192.0.2.9")
    _, response = password_login(personas["reporter"].username, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200 and "För många" in response.content.decode()
    _, elsewhere = password_login(personas["reporter"].username, REMOTE_ADDR="192.0.2.10")
    assert elsewhere.status_code == 302


def test_wrong_second_factor_codes_are_throttled(personas: dict[str, Any], strict: None) -> None:
    client, _ = password_login(personas["analyst"].username)
    secret, _ = enrol(client)
    client, _ = password_login(personas["analyst"].username)
    for _ in range(5):
        client.post("/account/2fa/", {"code": "000000"})
    response = client.post("/account/2fa/", {"code": rfc_code(secret, time.time() + 30)})
    assert response.status_code == 200 and "För många" in response.content.decode()
    assert client.get("/k/1981/").status_code == 302


def test_an_idle_session_ends_and_activity_keeps_it(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.TRYGG_SESSION_IDLE_SECONDS = 2
    client, _ = password_login(personas["coordinator"].username)
    for _ in range(3):
        time.sleep(1.2)
        assert client.get("/k/1981/").status_code == 200
    time.sleep(2.3)
    response = client.get("/k/1981/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = client.get(response["Location"]).content.decode()
    assert "utan aktivitet" in page
    assert client.get("/k/1981/")["Location"].startswith("/login/")


def test_a_session_ends_at_its_absolute_lifetime_despite_activity(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 2
    client, _ = password_login(personas["coordinator"].username)
    time.sleep(1.2)
    assert client.get("/k/1981/").status_code == 200
    time.sleep(1.2)
    assert client.get("/k/1981/")["Location"].startswith("/login/")


def test_the_password_rules_and_the_password_change_page(personas: dict[str, Any]) -> None:
    reporter = personas["reporter"]
    client, _ = password_login(reporter.username)
    short = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "Kort-2026", "new_password2": "Kort-2026"},
    )
    assert short.status_code == 200 and "minst 12 tecken" in short.content.decode()
    new = "Ett-nytt-och-langt-losen-77"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == "/account/security/"
    assert client.get("/k/1981/report/new/").status_code == 200  # still logged in
    assert password_login(reporter.username)[1].status_code == 200
    assert password_login(reporter.username, new)[1].status_code == 302
    assert AuditEvent.objects.filter(summary="password changed", user=reporter).exists()


def test_a_reporter_may_set_up_and_turn_off_the_second_factor_police_may_not_turn_it_off(
    personas: dict[str, Any], strict: None
) -> None:
    client, _ = password_login(personas["reporter"].username)
    assert "av" in client.get("/account/security/").content.decode()
    secret, codes = enrol(client)
    client, _ = password_login(personas["reporter"].username)
    assert client.get("/k/1981/report/new/").status_code == 302  # asked for the code now
    client.post("/account/2fa/", {"code": rfc_code(secret, time.time() + 30)})
    page = client.get("/account/security/").content.decode()
    assert "Stäng av tvåfaktorsinloggning" in page
    client.post("/account/security/disable-2fa/", {"code": rfc_code(secret, time.time() - 30)})
    assert "Stäng av tvåfaktorsinloggning" in client.get("/account/security/").content.decode()
    client.post("/account/security/disable-2fa/", {"code": codes[0]})  # or a recovery code
    assert "Konfigurera tvåfaktorsinloggning" in client.get("/account/security/").content.decode()
    assert (
        password_login(personas["reporter"].username)[0].get("/k/1981/report/new/").status_code
        == 200
    )

    police, _ = password_login(personas["police"].username)
    secret, _ = enrol(police)
    response = police.post(
        "/account/security/disable-2fa/", {"code": rfc_code(secret, time.time() + 30)}
    )
    assert response.status_code == 302
    assert "kräver tvåfaktorsinloggning" in police.get("/account/security/").content.decode()


def test_new_recovery_codes_replace_the_old(personas: dict[str, Any], strict: None) -> None:
    client, _ = password_login(personas["admin"].username)
    _, old = enrol(client)
    response = client.post("/account/security/recovery-codes/")
    new = re.findall(r"<li><code>([A-Z0-9-]{11})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    login, _ = password_login(personas["admin"].username)
    assert login.post("/account/2fa/", {"code": old[0]}).status_code == 200
    assert login.post("/account/2fa/", {"code": new[0]}).status_code == 302


def test_an_admin_resets_a_members_second_factor(
    personas: dict[str, Any], login: Any, strict: None
) -> None:
    police = personas["police"]
    client, _ = password_login(police.username)
    enrol(client)
    membership = Membership.objects.get(user=police)
    admin = login(personas["admin"])
    members = admin.get("/k/1981/members/").content.decode()
    assert "Återställ tvåfaktorsinloggning" in members and "tvåfaktor</span>" in members
    assert admin.post(f"/k/1981/members/{membership.pk}/reset-2fa/").status_code == 302
    assert client.get(POLICE_PAGE)["Location"].startswith("/login/")  # sessions ended
    again, _ = password_login(police.username)
    assert again.get(POLICE_PAGE)["Location"].startswith("/account/2fa/setup/")
    row = AuditEvent.objects.get(object_type="accounts.totpdevice", action="delete")
    assert row.user == personas["admin"] and police.username in row.summary
    outsider = login(personas["outsider"])
    assert outsider.post(f"/k/1981/members/{membership.pk}/reset-2fa/").status_code == 404


def test_deactivating_the_last_membership_ends_sessions_and_revokes_tokens(
    personas: dict[str, Any], login: Any
) -> None:
    reporter = personas["reporter"]
    _, secret = create_token(access_municipality(reporter, "1981"), "t", ["read"])
    phone, _ = password_login(reporter.username)
    assert phone.get("/k/1981/report/new/").status_code == 200
    membership = Membership.objects.get(user=reporter)
    admin = login(personas["admin"])
    admin.post(f"/k/1981/members/{membership.pk}/active/", {"active": "0"})
    response = phone.get("/k/1981/report/new/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert ApiToken.objects.get(user=reporter).revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(summary__contains="API tokens revoked").exists()
    assert AuditEvent.objects.filter(summary__contains="logged out").exists()
    # The admin's own session was not touched.
    assert admin.get("/k/1981/members/").status_code == 200


def test_export_holds_the_users_memberships_and_reports_and_nothing_of_others(
    personas: dict[str, Any], sala: Any, login: Any
) -> None:
    reporter = personas["reporter"]
    event = make_event(
        sala, reporter=reporter, organisation=reporter.memberships.get().organisation
    )
    make_event(sala, reporter=personas["police"])
    response = login(reporter).get("/account/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == reporter.username
    assert [(m["municipality"], m["role"]) for m in data["memberships"]] == [("1981", "rapportor")]
    assert [r["id"] for r in data["reports"]] == [event.report_id]
    assert data["reports"][0]["events"][0]["category"] == "SKA"
    text = response.content.decode()
    for name, other in personas.items():
        if name != "reporter":
            assert other.username not in text, name
    assert AuditEvent.objects.filter(action="export", user=reporter).exists()


def test_erasure_anonymises_the_account_and_it_can_no_longer_log_in(
    personas: dict[str, Any], sala: Any, login: Any
) -> None:
    reporter = personas["reporter"]
    reporter.first_name, reporter.email = "Vera", "vera@example.se"
    reporter.save()
    event = make_event(
        sala, reporter=reporter, organisation=reporter.memberships.get().organisation
    )
    create_token(access_municipality(reporter, "1981"), "t", ["read"])
    phone, _ = password_login(reporter.username)
    membership = Membership.objects.get(user=reporter)
    admin = login(personas["admin"])
    url = f"/k/1981/members/{membership.pk}/erase/"
    assert reporter.username in admin.get(url).content.decode()
    admin.post(url, {"confirm": "someone else"})
    assert get_user_model().objects.get(pk=reporter.pk).username == reporter.username
    assert admin.post(url, {"confirm": reporter.username}).status_code == 302

    erased = get_user_model().objects.get(pk=reporter.pk)
    assert erased.username == f"erased-{reporter.pk}"
    assert (erased.first_name, erased.email, erased.is_active) == ("", "", False)
    assert not erased.has_usable_password()
    assert not ApiToken.objects.filter(user=erased).exists()
    assert phone.get("/k/1981/report/new/")["Location"].startswith("/login/")
    assert password_login(reporter.username)[1].status_code == 200
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(reporter.pk) for s in Session.objects.all()
    )
    event.refresh_from_db()
    assert event.report.reporter_id == reporter.pk  # the report stays, under the erased name
    members = admin.get("/k/1981/members/").content.decode()
    assert reporter.username not in members and f"erased-{reporter.pk}" in members
    row = AuditEvent.objects.get(action="delete", object_type="auth.user")
    assert row.user == personas["admin"] and reporter.username not in row.summary


def test_an_admin_cannot_erase_themselves_or_a_member_of_another_municipality(
    personas: dict[str, Any], kungsor: Any, login: Any
) -> None:
    admin = personas["admin"]
    own = Membership.objects.get(user=admin)
    client = login(admin)
    response = client.post(f"/k/1981/members/{own.pk}/erase/", {"confirm": admin.username})
    assert response.status_code == 200 and get_user_model().objects.get(pk=admin.pk).is_active
    police = personas["police"]
    Membership.objects.create(user=police, organisation=kungsor.organisations.first(), role="polis")
    theirs = Membership.objects.get(user=police, organisation__municipality__code="1981")
    response = client.post(f"/k/1981/members/{theirs.pk}/erase/", {"confirm": police.username})
    assert "en annan kommun" in response.content.decode()
    assert get_user_model().objects.get(pk=police.pk).username == police.username


def test_the_account_pages_need_a_login(db: Any) -> None:
    for url in ("/account/2fa/", "/account/2fa/setup/", "/account/security/",
                "/account/password/", "/account/export/"):  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in ("/account/security/recovery-codes/", "/account/security/disable-2fa/"):
        assert Client().post(url)["Location"].startswith("/login/"), url
