"""The weekly situational picture: counts and trend signals, hot spots, alerts, assessments,
publication (a frozen record), police parts by role, documents and exports."""

import csv
import io
import json
import math
import shutil
import subprocess
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from trygg.analysis.trends import compare_counts
from trygg.areas.geo import to_sweref
from trygg.audit.models import AuditEvent
from trygg.picture.models import Assessment, WeeklyPicture
from trygg.picture.weeks import Week

from .test_review import CENTRE, WEST, make_event

WEEK = Week.parse("2026-W40")  # 2026-09-28 – 2026-10-04
URL = reverse("picture_week", args=["1981"])
EXPORT = reverse("picture_export", args=["1981"])
PUBLISH = reverse("picture_publish", args=["1981"])


def at(week: Week, day: int = 2, hour: int = 12) -> datetime:
    """A moment of `week`: `day` days after Monday, at `hour` local time."""
    return timezone.make_aware(datetime.combine(week.monday + timedelta(days=day), time(hour)))


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def picture(client: Any, week: Week = WEEK) -> Any:
    response = client.get(URL, {"week": str(week)})
    assert response.status_code == 200
    return response


def row_of(response: Any, code: str) -> dict[str, Any]:
    return next(r for r in response.context["area_rows"] if r["code"] == code)


def assess_url(area_id: int) -> str:
    return reverse("picture_assess", args=["1981", area_id])


def area_id(response: Any, code: str) -> int:
    return int(row_of(response, code)["id"])


# Counts and trend signals ----------------------------------------------------------------


def test_it_counts_reports_per_area_and_category_with_trend_signals(sala, personas, login):
    for i in range(5):
        make_event(sala, "SKA", at=at(WEEK, hour=10 + i))
    make_event(sala, "PLA", at=at(WEEK), where=WEST)
    make_event(sala, "SKA", at=at(WEEK.shifted(-2)))  # the previous four weeks: 1 in all
    for _ in range(2):
        make_event(sala, "SKA", at=at(WEEK.same_week_last_year()))
    make_event(sala, "SKA", at=at(WEEK.shifted(1)))  # next week: not counted

    response = picture(login(personas["analyst"]))
    centre = row_of(response, "1981C1050")
    assert centre["counts"] == {"SKA": 5} and centre["total"] == 5
    assert row_of(response, "1981C1030")["counts"] == {"PLA": 1}
    assert response.context["content"]["total"]["count"] == 6

    prev = centre["vs_prev"]
    expected = compare_counts(5, 1, 1.0, 4.0)
    assert prev["count"] == 5 and prev["baseline_mean"] == 0.25
    assert prev["rate_ratio"] == pytest.approx(20.0)
    assert prev["low"] == pytest.approx(expected.rate_ratio_low, abs=0.01)
    assert prev["p"] == pytest.approx(expected.p, abs=1e-4) and prev["p"] < 0.05
    assert prev["direction"] == "up"
    last_year = centre["vs_last_year"]
    assert last_year["baseline_mean"] == 2.0
    assert last_year["p"] == pytest.approx(compare_counts(5, 2).p, abs=1e-4)
    assert last_year["direction"] == "none"  # 5 against 2 is no clear change
    ska = response.context["content"]["category_signals"]["SKA"]["vs_prev"]
    assert ska["count"] == 5 and ska["baseline_mean"] == 0.25


def test_it_never_shows_a_change_without_its_interval(sala, personas, login):
    for _ in range(3):
        make_event(sala, "SKA", at=at(WEEK))
    make_event(sala, "SKA", at=at(WEEK.shifted(-1)))
    page = english(login(personas["analyst"])).get(URL, {"week": str(WEEK)}).content.decode()
    assert "%" not in page.split('id="main"')[1].replace("95 %", "")
    assert "×12.00 (" in page  # 3 against a mean of 0.25: the rate ratio and its interval


def test_it_profiles_weekday_and_hour(sala, personas, login):
    make_event(sala, "SKA", at=at(WEEK, day=2, hour=21))  # a Wednesday, 21:00
    profile = picture(login(personas["analyst"])).context["content"]["profile"]
    assert profile[2][21] == 1 and sum(map(sum, profile)) == 1


# Space -----------------------------------------------------------------------------------


def test_it_marks_hot_spot_cells_where_a_cluster_is(sala, personas, login):
    cluster = (400.0, 300.0)  # metres east and north of CENTRE
    for i in range(30):
        shift = (cluster[0] + (i % 5) * 12, cluster[1] + (i // 5) * 8)
        make_event(sala, "SKA", at=at(WEEK.shifted(-(i % 6))), shift_m=shift)
    for i in range(15):  # scattered singles, kilometres apart
        shift = ((i % 5 - 2) * 2500.0, (i // 5 - 1) * 2500.0 - 4000.0)
        make_event(sala, "PLA", at=at(WEEK.shifted(-(i % 6))), shift_m=shift)

    content = picture(login(personas["analyst"])).context["content"]
    cells = content["hotspots"]["cells"]
    assert cells, "no hot-spot cells"
    cx, cy = to_sweref(CENTRE[1], CENTRE[0])
    cx, cy = cx + cluster[0] + 24, cy + cluster[1] + 20
    distances = [math.hypot(c["x"] - cx, c["y"] - cy) for c in cells]
    assert min(distances) < 200
    assert max(distances) < 1000, "a hot spot far from the planted cluster"
    assert all(c["class"].startswith("hot") and len(c["polygon"]) == 5 for c in cells)
    assert content["kde"]["cells"] and max(c["level"] for c in content["kde"]["cells"]) == 5
    places = content["repeat_places"]
    assert places[0]["count"] >= 10 and places[0]["categories"] == {"SKA": places[0]["count"]}


def test_it_alerts_on_an_emerging_problem(sala, personas, login):
    for back in range(7, 26, 3):  # a quiet baseline: one report every third week
        make_event(sala, "ORD", at=at(WEEK.shifted(-back)))
    for i in range(8):
        make_event(sala, "ORD", at=at(WEEK, hour=8 + i))
    alerts = picture(login(personas["analyst"])).context["content"]["alerts"]
    assert [a["area"] for a in alerts] == [
        row_of(picture(login(personas["analyst"])), "1981C1050")["label"]
    ]
    assert alerts[0]["count"] == 8 and alerts[0]["series"][-1] == 8
    assert set(alerts[0]["charts"]) <= {"EWMA", "CUSUM"} and alerts[0]["charts"]


def test_it_finds_a_space_time_cluster_of_this_week(sala, personas, login):
    for i in range(24):  # background: spread over eight weeks and a few kilometres
        shift = ((i % 6 - 3) * 700.0, (i // 6 - 2) * 700.0)
        make_event(sala, "PLA", at=at(WEEK.shifted(-(i % 8)), day=i % 7), shift_m=shift)
    for i in range(10):  # this week, within 30 m
        make_event(sala, "SKA", at=at(WEEK, day=3 + i % 3, hour=20), shift_m=(i * 3.0, 0))
    clusters = picture(login(personas["analyst"])).context["content"]["clusters"]
    assert len(clusters) == 1 and clusters[0]["p"] < 0.05
    assert clusters[0]["observed"] >= 10 and clusters[0]["end"] >= str(WEEK.monday)
    assert clusters[0]["area"] == row_of(picture(login(personas["analyst"])), "1981C1050")["label"]


def test_it_reads_for_a_quiet_week_without_errors(sala, personas, login):
    response = picture(english(login(personas["steering"])))
    content = response.context["content"]
    assert content["total"]["count"] == 0 and content["hotspots"]["cells"] == []
    assert content["alerts"] == [] and content["repeat_places"] == [] and content["clusters"] == []


def test_it_answers_404_for_a_week_that_does_not_exist(sala, personas, login):
    client = login(personas["analyst"])
    assert client.get(URL, {"week": "2026-W54"}).status_code == 404
    assert client.get(URL, {"week": "yesterday"}).status_code == 404


# Assessment and publication --------------------------------------------------------------


def test_it_saves_an_assessment_with_htmx_and_audits_it(sala, personas, login):
    client = english(login(personas["coordinator"]))
    area = area_id(picture(client), "1981C1050")
    data = {
        "week": str(WEEK),
        f"a{area}-level": "yellow",
        f"a{area}-text": "Gathering at the square",
    }
    response = client.post(assess_url(area), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Saved" in response.content.decode() and "<html" not in response.content.decode()
    assessment = Assessment.objects.get(area_id=area, picture__week=str(WEEK))
    assert (assessment.level, assessment.text) == ("yellow", "Gathering at the square")
    audit = AuditEvent.objects.get(object_type="picture.assessment")
    assert audit.username == personas["coordinator"].username and audit.detail["level"] == "yellow"

    data[f"a{area}-level"] = "red"
    client.post(assess_url(area), data, headers={"HX-Request": "true"})
    assessment.refresh_from_db()
    assert assessment.level == "red"
    assert AuditEvent.objects.filter(object_type="picture.assessment").count() == 2
    assert row_of(picture(client), "1981C1050")["assessment"]["level"] == "red"


def test_it_refuses_an_assessment_without_a_level(sala, personas, login):
    client = english(login(personas["coordinator"]))
    area = area_id(picture(client), "1981C1050")
    response = client.post(
        assess_url(area), {"week": str(WEEK), f"a{area}-text": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "required" in response.content.decode()
    assert not Assessment.objects.exists()


def test_it_refuses_an_assessment_of_another_municipalitys_area(sala, kungsor, personas, login):
    from trygg.areas.models import Area

    foreign = Area.objects.filter(municipality=kungsor).first()
    response = login(personas["coordinator"]).post(
        assess_url(foreign.pk), {"week": str(WEEK), f"a{foreign.pk}-level": "red"}
    )
    assert response.status_code == 404 and not Assessment.objects.exists()


def test_it_freezes_a_published_picture(sala, personas, login):
    for _ in range(3):
        make_event(sala, "SKA", at=at(WEEK))
    coordinator = english(login(personas["coordinator"]))
    area = area_id(picture(coordinator), "1981C1050")
    coordinator.post(assess_url(area), {"week": str(WEEK), f"a{area}-level": "red"})
    response = coordinator.post(PUBLISH, {"week": str(WEEK)})
    assert response.status_code == 302 and response["Location"].endswith(f"?week={WEEK}")
    published = WeeklyPicture.objects.get(week=str(WEEK))
    assert published.published and published.snapshot["total"]["count"] == 3
    stamp = published.published_at

    # Reports for the week that arrive later do not change the picture; they are counted.
    make_event(sala, "SKA", at=at(WEEK))
    make_event(sala, "PLA", at=at(WEEK), where=WEST)
    page = picture(english(login(personas["steering"])))
    assert page.context["content"]["total"]["count"] == 3
    assert row_of(page, "1981C1050")["total"] == 3
    assert row_of(page, "1981C1030")["total"] == 0
    assert page.context["arrived_after"] == 2
    assert "2 reports for this week arrived after publication" in page.content.decode()
    assert row_of(page, "1981C1050")["assessment"]["level"] == "red"

    # Publishing again changes nothing, and a published picture takes no assessment.
    assert coordinator.post(PUBLISH, {"week": str(WEEK)}).status_code == 302
    published.refresh_from_db()
    assert published.published_at == stamp and published.snapshot["total"]["count"] == 3
    refused = english(coordinator).post(
        assess_url(area),
        {"week": str(WEEK), f"a{area}-level": "green"},
        headers={"HX-Request": "true"},
    )
    assert "published and can no longer change" in refused.content.decode()
    assert Assessment.objects.get(area_id=area).level == "red"
    assert (
        AuditEvent.objects.filter(object_type="picture.weeklypicture", action="update").count() == 1
    )
    assert 'name="week"' in picture(coordinator).content.decode()  # no forms: only the picker
    assert f'id="assess-{area}"' not in picture(coordinator).content.decode()


def test_it_shows_the_publish_confirmation_only_to_reviewers(sala, personas, login):
    page = english(login(personas["coordinator"])).get(PUBLISH, {"week": str(WEEK)})
    assert page.status_code == 200 and "Publishing freezes the picture" in page.content.decode()
    assert login(personas["steering"]).post(PUBLISH, {"week": str(WEEK)}).status_code == 403
    assert not WeeklyPicture.objects.exists()


# Police data -----------------------------------------------------------------------------


@pytest.fixture
def police_week(sala, kungsor, settings, tmp_path) -> Week:
    """The police fixtures imported; the week of Sala's latest notice."""
    from trygg.imports.engine import run_import
    from trygg.imports.kommuner import Targets
    from trygg.police.models import PoliceEvent

    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"
    fixtures = Path(__file__).parent / "fixtures" / "police"
    run_import(fixtures / "events_archive_slice.json", targets=Targets([sala, kungsor]))
    latest = PoliceEvent.objects.filter(municipality=sala, is_summary=False).latest("occurred_at")
    return Week(latest.iso_year, latest.iso_week)


def test_it_shows_police_parts_to_police_roles_and_audits_each_view(police_week, personas, login):
    from trygg.police.models import PoliceEvent

    expected = PoliceEvent.objects.filter(
        municipality__code="1981",
        iso_year=police_week.year,
        iso_week=police_week.week,
        is_summary=False,
    ).count()
    page = picture(english(login(personas["police"])), police_week)
    police = page.context["police"]
    assert police["available"] and police["events"]["total"] == expected > 0
    assert "A selection of police notices, not a crime rate." in page.content.decode()
    audit = AuditEvent.objects.filter(object_type="picture.police", action="view")
    assert audit.count() == 1 and audit.get().username == personas["police"].username


def test_it_omits_police_parts_for_steering_with_a_note(police_week, personas, login):
    page = picture(english(login(personas["steering"])), police_week)
    text = page.content.decode()
    assert page.context["police"] is None
    assert "Police data is omitted" in text and "not a crime rate" not in text
    assert not AuditEvent.objects.filter(object_type="picture.police").exists()
    pdf = login(personas["steering"]).get(URL, {"week": str(police_week), "format": "pdf"})
    assert pdf.status_code == 200 and not AuditEvent.objects.filter(object_type="picture.police")


# Actions ---------------------------------------------------------------------------------


def test_it_lists_open_actions_per_area(sala, personas, login):
    from django.apps import apps

    if not apps.is_installed("trygg.cycle"):
        pytest.skip("the EST cycle's actions are not installed")
    from trygg.cycle.models import Action
    from trygg.tenants.models import Organisation

    org = Organisation.objects.filter(municipality=sala).first()
    area = row_of(picture(login(personas["analyst"])), "1981C1050")["id"]
    common = {"municipality": sala, "responsible_organisation": org, "area_id": area}
    Action.objects.create(title="More light in the park", status="ongoing", **common)
    Action.objects.create(title="Finished cleaning", status="done", **common)
    Action.objects.create(title="Police's own work", status="planned", internal=True, **common)
    actions = picture(login(personas["analyst"])).context["content"]["actions"]
    titles = [a["title"] for group in actions["by_area"] for a in group["items"]]
    assert actions["available"] and titles == ["More light in the park"]


# Documents and exports -------------------------------------------------------------------


def test_it_renders_the_picture_as_pdf(sala, personas, login):
    make_event(sala, "SKA", at=at(WEEK))
    response = english(login(personas["analyst"])).get(URL, {"week": str(WEEK), "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_id=str(WEEK)).exists()
    text = pdf_text(response.content)
    if text is not None:
        assert "2026-W40" in text and "1981C1050" in text and "Sala" in text


def pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_it_writes_the_picture_from_the_command_line(sala, tmp_path):
    make_event(sala, "PLA", at=at(WEEK), where=WEST)
    out = tmp_path / "w40.pdf"
    call_command("report_weekly", municipality="1981", week="2026-W40", format="pdf", output=out)
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out.read_bytes())
    if text is not None:
        assert "2026-W40" in text and "1981C1030" in text
    html = tmp_path / "w40.html"
    call_command(
        "report_weekly",
        municipality="1981",
        week="2026-W40",
        format="html",
        output=html,
        language="en",
        no_police=True,
    )
    page = html.read_text()
    assert "Weekly picture 2026-W40" in page and "<svg" in page
    assert "Police data is omitted" in page
    with pytest.raises(CommandError):
        call_command("report_weekly", municipality="1981", week="W40", output=html)
    with pytest.raises(CommandError):
        call_command("report_weekly", municipality="9999", week="2026-W40", output=html)


def test_it_maps_the_trygg_script_to_the_command(monkeypatch):
    from trygg import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main(["report", "weekly", "--municipality", "1981", "--week", "2026-W47"])
    assert seen[0][1] == "report_weekly"


def test_it_exports_aggregated_counts_as_csv(sala, personas, login):
    for _ in range(2):
        make_event(sala, "SKA", at=at(WEEK))
    response = login(personas["steering"]).get(EXPORT, {"week": str(WEEK), "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    centre = {r["category"]: r for r in rows if r["area_code"] == "1981C1050"}
    assert centre["SKA"]["count"] == "2" and centre["PLA"]["count"] == "0"
    assert centre["SKA"]["area_rate_ratio_vs_prev4"] == ""  # no baseline: no ratio
    assert sum(int(r["count"]) for r in rows) == 2


def test_it_exports_areas_and_own_reports_as_geojson(sala, personas, login):
    make_event(sala, "SKA", at=at(WEEK))
    response = login(personas["analyst"]).get(EXPORT, {"week": str(WEEK), "format": "geojson"})
    data = json.loads(response.content)
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("report") == 1 and kinds.count("area") >= 10
    area = next(f for f in data["features"] if f["properties"].get("code") == "1981C1050")
    assert area["properties"]["counts"] == {"SKA": 1} and area["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )
    report = next(f for f in data["features"] if f["properties"]["kind"] == "report")
    assert set(report["properties"]) == {"kind", "category", "when"}  # no free text, no reporter


# Access ----------------------------------------------------------------------------------

VIEWERS = {"coordinator", "analyst", "steering", "police", "admin"}
REVIEWERS = {"coordinator", "admin"}


@pytest.mark.parametrize(
    ("name", "method", "allowed"),
    [
        ("picture_week", "get", VIEWERS),
        ("picture_export", "get", VIEWERS),
        ("picture_publish", "get", REVIEWERS),
        ("picture_assess", "post", REVIEWERS),
    ],
)
def test_it_answers_each_persona_as_declared(sala, personas, login, name, method, allowed):
    make_event(sala, "SKA", at=at(WEEK))
    area = picture(login(personas["analyst"]))
    area_pk = area_id(area, "1981C1050")
    args = ["1981", area_pk] if name == "picture_assess" else ["1981"]
    url = reverse(name, args=args)
    data = {"week": str(WEEK), f"a{area_pk}-level": "green"}
    for persona in ["reporter", "coordinator", "analyst", "steering", "police", "admin"]:
        response = getattr(login(personas[persona]), method)(url, data)
        expected = (200, 302) if persona in allowed else (403,)
        assert response.status_code in expected, (persona, name, response.status_code)
    outsider = getattr(login(personas["outsider"]), method)(url, data)
    assert outsider.status_code == 404
    assert b"Sala" not in outsider.content and b"1981C" not in outsider.content
