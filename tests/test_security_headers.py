"""Production settings pass Django's deployment checks, and every response carries the
security headers: the Content Security Policy, Permissions-Policy, Cross-Origin-Opener-Policy
and X-Frame-Options."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from trygg.settings import tile_source

ROOT = Path(__file__).resolve().parent.parent


def deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a fresh process with the production environment."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "trygg.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trygg.sqlite3'}",
        "TRYGG_VAR_DIR": str(tmp_path / "var"),
    } | overrides
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "warnings"),
    [
        ({"HTTPS": "0"}, {"security.W004", "security.W008", "security.W012", "security.W016"}),
        ({"HSTS_PRELOAD": "0"}, {"security.W021"}),
        ({"SECRET_KEY": ""}, {"security.W009"}),
    ],
)
def test_the_deployment_check_names_what_is_missing(
    tmp_path: Path, overrides: dict[str, str], warnings: set[str]
) -> None:
    """The check above could fail: a setting left out is named."""
    result = deploy_check(tmp_path, **overrides)
    assert result.returncode != 0
    assert all(w in result.stderr for w in warnings), result.stderr


def test_the_tile_server_is_allowed_for_images_only() -> None:
    assert tile_source("https://tile.example.se/{z}/{x}/{y}.png") == ["https://tile.example.se"]
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    assert tile_source("https://tile-{s}.example.org:8443/{z}/{x}/{y}.png") == [
        "https://*.example.org:8443"
    ]
    assert tile_source("") == []
    assert tile_source("/tiles/{z}/{x}/{y}.png") == []


PAGES = [
    ("anonymous", "login", []),
    ("anonymous", "public_home", ["1981"]),
    ("anonymous", "tip_new", ["1981"]),
    ("coordinator", "dashboard", ["1981"]),
    ("coordinator", "report_new", ["1981"]),
    ("anonymous", "api:openapi-view", []),
]


@pytest.mark.parametrize(("who", "name", "args"), PAGES)
def test_every_page_carries_the_security_headers(
    who: str, name: str, args: list[str], client: Any, login: Any, personas: dict[str, Any]
) -> None:
    if who != "anonymous":
        client = login(personas[who])
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 200, url
    directives = [d.partition(" ") for d in response["Content-Security-Policy"].split("; ")]
    policy = {name: value for name, _, value in directives}
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    if name != "api:openapi-view":  # every page has a form (at least the language switch)
        assert response.cookies["csrftoken"]["httponly"]  # htmx takes the token from the page
