"""Production error pages (DEBUG=0): friendly, in Swedish or English, never a stack trace."""

import re
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client


@pytest.fixture(autouse=True)
def production(settings: Any) -> None:
    settings.DEBUG = False


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def friendly(response: Any, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    for leak in ("Traceback", 'File "', "django/", "SELECT ", "Exception"):
        assert leak not in html
    return html


def test_a_missing_page_is_the_friendly_404_in_swedish_and_english(db: Any) -> None:
    friendly(Client().get("/no/such/page/"), 404, "Sidan finns inte")
    friendly(english(Client()).get("/no/such/page/"), 404, "Page not found")


def test_the_outsider_gets_the_same_404_as_for_a_kommun_that_does_not_exist(
    personas: dict[str, Any], login: Any
) -> None:
    client = english(login(personas["outsider"]))
    foreign = friendly(client.get("/k/1981/report/new/"), 404, "Page not found")
    missing = friendly(client.get("/k/9999/report/new/"), 404, "Page not found")
    assert foreign == missing
    assert "1981" not in foreign and "Sala" not in foreign


def test_a_role_without_the_capability_gets_the_friendly_403(
    personas: dict[str, Any], login: Any
) -> None:
    client = english(login(personas["reporter"]))
    friendly(client.get("/k/1981/events/"), 403, "Not allowed")


def test_a_form_without_its_csrf_token_gets_the_expired_form_page(db: Any) -> None:
    client = english(Client(enforce_csrf_checks=True))
    response = client.post("/login/", {"username": "x", "password": "y"})
    friendly(response, 403, "The form has expired")


def test_a_request_too_large_gets_the_friendly_400(personas: dict[str, Any], login: Any) -> None:
    client = english(login(personas["reporter"]))
    response = client.post("/k/1981/report/new/", {"description": "x" * 3_000_000})
    friendly(response, 400, "Bad request")


def test_a_server_error_gets_the_friendly_500_in_the_users_language(
    personas: dict[str, Any], login: Any
) -> None:
    def broken(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if re.search(r"FROM .reports_report.", sql):
            raise OperationalError("the database went away (fault injected)")
        return execute(sql, params, many, context)

    client = login(personas["reporter"])
    client.raise_request_exception = False
    with connection.execute_wrapper(broken):
        swedish = client.get("/k/1981/report/mine/")
        english(client)
        in_english = client.get("/k/1981/report/mine/")
    friendly(swedish, 500, "Något gick fel")
    html = friendly(in_english, 500, "Something went wrong")
    assert "the database went away" not in html
