"""Every URL of the EST cycle, as every persona: allowed 200 (or a redirect after a write),
others 403, the outsider from another kommun 404 without a Sala name or number.

Besides the GET of each page (tests/test_access_matrix.py), the pages that also take a
POST are checked here for the POST: viewing a page does not mean being allowed to write.
"""

from datetime import date, time
from typing import Any

import pytest
from django.urls import reverse

from trygg.areas.models import Area
from trygg.cycle.models import (
    Action,
    DirectionDecision,
    FollowUp,
    Meeting,
    MeetingSeries,
)

REPORTER, COORDINATOR, ANALYST, STEERING, POLICE, ADMIN = (
    "reporter", "coordinator", "analyst", "steering", "police", "admin",
)  # fmt: skip
ORDER = [REPORTER, COORDINATOR, ANALYST, STEERING, POLICE, ADMIN]
MEMBERS = frozenset(ORDER)
VIEWERS = MEMBERS - {REPORTER}
REVIEWERS = frozenset({COORDINATOR, ADMIN})
OPERATIONAL = frozenset({POLICE, COORDINATOR, ADMIN})
DIRECTING = frozenset({STEERING, COORDINATOR, ADMIN})
# The action of the fixture belongs to the reporter's organisation (a security company).
ACTION_WRITERS = frozenset({REPORTER, COORDINATOR, ADMIN})


def cycle_objects(sala: Any, personas: dict[str, Any]) -> dict[str, Any]:
    """One of each cycle object in Sala, with a sample name/number that must not leak."""
    organisation = personas[REPORTER].memberships.get().organisation
    series = MeetingSeries.objects.create(
        municipality=sala, kind="est", name="EST Sala 4711", recurrence="weekly",
        first_date=date(2026, 9, 1), start_time=time(9, 0),
    )  # fmt: skip
    meeting = Meeting.objects.create(municipality=sala, series=series, date=date(2026, 11, 17))
    action = Action.objects.create(
        municipality=sala, title="Sala-insats 4711", responsible_organisation=organisation
    )
    direction = DirectionDecision.objects.create(
        municipality=sala, period="2026-Q4", decided_on=date(2026, 10, 1), summary="Sala 4711",
        municipal_responsibility="k", police_responsibility="p",
    )  # fmt: skip
    followup = FollowUp.objects.create(municipality=sala, period="2026-Q3", notes="Sala 4711")
    return {
        "action": action,
        "series": series,
        "meeting": meeting,
        "direction": direction,
        "followup": followup,
    }


# (url name, pk key, who may GET, who may POST); None: the method is not allowed at all.
ROWS: list[tuple[str, str, frozenset[str] | None, frozenset[str] | None]] = [
    ("action_list", "", VIEWERS, None),
    ("action_queue", "", MEMBERS, None),
    ("action_new", "", REVIEWERS, REVIEWERS),
    ("action_detail", "action", MEMBERS, None),
    ("action_edit", "action", REVIEWERS, REVIEWERS),
    ("action_update", "action", None, ACTION_WRITERS),
    ("opdir_list", "", VIEWERS, None),
    ("opdir_new", "", OPERATIONAL, OPERATIONAL),
    ("meeting_list", "", VIEWERS, None),
    ("series_new", "", REVIEWERS, REVIEWERS),
    ("series_detail", "series", VIEWERS, None),
    ("series_ics", "series", VIEWERS, None),
    ("meeting_new", "series", None, REVIEWERS),
    ("meeting_detail", "meeting", VIEWERS, None),
    ("meeting_minutes", "meeting", None, REVIEWERS),
    ("meeting_attendance", "meeting", None, REVIEWERS),
    ("meeting_assessment", "meeting", None, REVIEWERS),
    ("meeting_priority", "meeting", None, REVIEWERS),
    ("meeting_decision", "meeting", None, REVIEWERS),
    ("quarterly", "", VIEWERS, DIRECTING),
    ("quarterly_export", "", VIEWERS, None),
    ("direction_new", "", DIRECTING, DIRECTING),
    ("direction_detail", "direction", VIEWERS, DIRECTING),
    ("followup_list", "", VIEWERS, REVIEWERS),
    ("followup_detail", "followup", VIEWERS, REVIEWERS),
    ("followup_export", "followup", VIEWERS, None),
    ("followup_evaluation", "followup", None, REVIEWERS),
    ("guard_plan", "", MEMBERS, REVIEWERS),
    ("cycle_settings", "", frozenset({ADMIN}), frozenset({ADMIN})),
]
CASES = [
    (name, pk, method, allowed)
    for name, pk, get, post in ROWS
    for method, allowed in (("GET", get), ("POST", post))
]


@pytest.fixture
def objects(personas: dict[str, Any], sala: Any) -> dict[str, Any]:
    return cycle_objects(sala, personas)


def test_it_has_a_row_for_every_cycle_url():
    from .test_access_matrix import url_names

    cycle = {n for n in url_names() if reverse_module(n) == "trygg.cycle"}
    assert cycle == {row[0] for row in ROWS}


def reverse_module(name: str) -> str:
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(sub, "name", None) == name:
                return str(sub.callback.__module__).rsplit(".", 1)[0]
    return ""


@pytest.mark.parametrize(("name", "pk", "method", "allowed"), CASES)
def test_it_answers_each_persona_as_declared(name, pk, method, allowed, personas, objects, login):
    kwargs: dict[str, Any] = {"code": "1981"}
    if pk:
        kwargs["pk"] = objects[pk].pk
    url = reverse(name, kwargs=kwargs)
    for persona in [*ORDER, "outsider"]:
        client = login(personas[persona])
        response = client.post(url) if method == "POST" else client.get(url)
        status = response.status_code
        if persona == "outsider":
            assert status == 404, (persona, method, url)
            assert b"Sala" not in response.content and b"4711" not in response.content
        elif allowed is None:
            assert status in (403, 405), (persona, method, url, status)
        elif persona in allowed:
            assert status in (200, 302), (persona, method, url, status)
        else:
            assert status == 403, (persona, method, url, status)


def test_it_never_shows_one_kommuns_cycle_to_another(personas, objects, kungsor, login):
    outsider = login(personas["outsider"])
    a = objects["action"]
    for url in ["/k/1960/actions/", "/k/1960/meetings/", "/k/1960/followups/"]:
        body = outsider.get(url).content.decode()
        assert "4711" not in body
    # Kungsör's admin addressing a Sala object through Kungsör's own URL: not found.
    assert outsider.get(f"/k/1960/actions/{a.pk}/").status_code == 404
    assert outsider.get(f"/k/1960/meetings/{objects['meeting'].pk}/").status_code == 404
    area = Area.objects.filter(municipality=objects["action"].municipality).first()
    r = outsider.post(
        "/k/1960/actions/new/",
        {"title": "x", "area": area.pk, "responsible_organisation": a.responsible_organisation_id,
         "status": "planned"},
    )  # fmt: skip
    assert r.status_code == 200 and Action.objects.count() == 1  # Sala's choices are invalid
