"""The municipality's navigation: its menus show each role only the links it may use, every
link leads to a page that role may open, and the current page is marked."""

import re
from typing import Any

import pytest
from django.urls import reverse

from .test_tips import tip_in

# What every member sees, whatever the role.
EVERYONE = {"action_queue", "walk_list", "guard_plan", "api_tokens"}
REPORT = {"report_new", "report_mine"}
VIEW = {
    "picture_week", "event_list", "event_map", "area_list", "bra_statistics", "meeting_list",
    "action_list", "followup_list", "quarterly", "tip_list", "survey_list", "promise_list",
    "publication_list", "lagesbild_list",
}  # fmt: skip
POLICE_DATA = {"police_events", "police_crimes", "import_list"}
ADMIN = {"member_list", "category_list", "cycle_settings", "audit_log"}
LINKS = {
    "reporter": EVERYONE | REPORT,
    "coordinator": EVERYONE | REPORT | VIEW | POLICE_DATA,
    "analyst": EVERYONE | VIEW | POLICE_DATA,
    "steering": EVERYONE | VIEW,
    "police": EVERYONE | REPORT | VIEW | POLICE_DATA,
    "admin": EVERYONE | REPORT | VIEW | POLICE_DATA | ADMIN,
}
MENUS = {
    "reporter": ["Report", "Cooperation", "Citizens", "Admin"],
    "steering": ["Analysis", "Cooperation", "Citizens", "Documents", "Admin"],
    "admin": ["Report", "Analysis", "Cooperation", "Citizens", "Documents", "Admin"],
}


def nav_of(html: str) -> str:
    match = re.search(r'<nav aria-label="Main" class="main-nav">(.*?)</nav>', html, re.S)
    assert match, "no main navigation"
    return match.group(1)


@pytest.mark.parametrize("persona", sorted(LINKS))
def test_each_role_sees_the_links_it_may_use(
    persona: str, personas: dict[str, Any], login: Any
) -> None:
    client = login(personas[persona])
    client.cookies["django_language"] = "en"
    nav = nav_of(client.get(reverse("action_queue", args=["1981"])).content.decode())
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert sorted(hrefs) == sorted(reverse(name, args=["1981"]) for name in LINKS[persona])
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    if persona in MENUS:
        assert re.findall(r"<summary>(\w+)", nav) == MENUS[persona]


def test_the_current_page_and_new_tips_are_marked(
    sala: Any, personas: dict[str, Any], login: Any
) -> None:
    tip_in(sala, description="Lampan vid gångtunneln är trasig")
    client = login(personas["coordinator"])
    client.cookies["django_language"] = "en"
    url = reverse("event_list", args=["1981"])
    nav = nav_of(client.get(url).content.decode())
    assert f'<a href="{url}" aria-current="page">Reports</a>' in nav
    assert nav.count('aria-current="page"') == 1
    citizens = nav[nav.index("<summary>Citizens") :]
    assert '<span class="visually-hidden">1 new tip</span>' in citizens.split("</summary>")[0]
