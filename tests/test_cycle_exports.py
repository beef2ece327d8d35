"""CSV and GeoJSON exports of the quarterly analysis and the follow-up: the page's numbers,
an audit row per export, the same visibility of actions as the page, 404 for outsiders."""

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from trygg.areas.models import Area
from trygg.audit.models import AuditEvent
from trygg.cycle.models import Decision, DirectionDecision, Evaluation, FollowUp, InfluenceRating

from .test_cycle import english, events_in, make_action

QUARTERLY = "/k/1981/quarterly/?period=2026-Q4"
EXPORT = "/k/1981/quarterly/export/"


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def ranked_areas(sala: Any) -> tuple[Area, Area]:
    a, b = Area.objects.filter(municipality=sala, kind="deso").order_by("code")[:2]
    events_in(sala, a, date(2026, 11, 2), 6)
    events_in(sala, a, date(2026, 8, 3), 2)  # the previous period
    events_in(sala, b, date(2026, 11, 2), 1)
    InfluenceRating.objects.create(municipality=sala, period="2026-Q4", area=a, rating=4)
    return a, b


def test_it_exports_the_quarterly_ranking_as_csv_matching_the_page(personas, sala, login):
    a, b = ranked_areas(sala)
    analyst = english(login(personas["analyst"]))
    page = analyst.get(QUARTERLY).content.decode()
    assert f"{EXPORT}?period=2026-Q4&amp;format=csv" in page
    assert f"{EXPORT}?period=2026-Q4&amp;format=geojson" in page
    rows = rows_of(analyst.get(EXPORT, {"period": "2026-Q4", "format": "csv"}))
    body = page[page.index("<tbody>") :]
    page_order = sorted(rows, key=lambda r: body.index(r["area"]))
    assert [r["area_code"] for r in rows] == [r["area_code"] for r in page_order]
    first, second = rows[0], next(r for r in rows if r["area_code"] == b.code)
    assert (first["area_code"], first["area"], first["rank"]) == (a.code, a.label, "1")
    assert (first["events"], first["events_previous"], first["influence"]) == ("6", "2", "4")
    assert first["quadrant"] == "act" and first["period"] == "2026-Q4"
    assert (second["events"], second["influence"], second["quadrant"]) == ("1", "", "")
    first_row = body[body.index(a.label) :].split("</tr>")[0]
    assert f"<td>{float(first['need']):.1f}</td>" in first_row
    points = sum(float(first[f"{c}_points"]) for c in ("volume", "severity", "trend"))
    assert abs(points - float(first["need"])) < 1e-9  # the need is the sum of its parts
    assert len(rows) == body.count("</tr>")
    audit = AuditEvent.objects.get(action="export", object_type="cycle.quarterly")
    assert audit.object_id == "2026-Q4" and audit.username == personas["analyst"].username


def test_it_exports_the_quarterly_areas_as_geojson(personas, sala, login):
    a, _b = ranked_areas(sala)
    steering = login(personas["steering"])
    response = steering.get(EXPORT, {"period": "2026-Q4", "format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    csv_rows = rows_of(steering.get(EXPORT, {"period": "2026-Q4", "format": "csv"}))
    assert data["type"] == "FeatureCollection" and data["period"] == "2026-Q4"
    assert len(data["features"]) == len(csv_rows)
    feature = data["features"][0]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    props = feature["properties"]
    assert (props["area_code"], props["events"], props["events_previous"]) == (a.code, 6, 2)
    assert (props["influence"], props["quadrant"], props["rank"]) == (4, "act", 1)
    assert props["need"] == float(csv_rows[0]["need"])
    assert AuditEvent.objects.filter(
        action="export", object_type="cycle.quarterly", summary="2026-Q4 geojson"
    ).exists()


def make_followup(sala: Any) -> tuple[FollowUp, Area, Area]:
    target, control = Area.objects.filter(municipality=sala, kind="deso").order_by("code")[:2]
    start = date(2026, 9, 1)
    before, after = start - timedelta(days=10), start + timedelta(days=5)
    events_in(sala, target, before, 4)
    events_in(sala, target, after, 2)
    events_in(sala, control, before, 5)
    events_in(sala, control, after, 5)
    direction = DirectionDecision.objects.create(
        municipality=sala, period="2026-Q3", decided_on=date(2026, 7, 1), summary="s",
        municipal_responsibility="k", police_responsibility="p",
    )  # fmt: skip
    decision = Decision.objects.create(municipality=sala, text="Trygg torg", direction=direction)
    make_action(sala, "polis", title="Hemlig spaning", internal=True, decision=decision)
    make_action(sala, "kommun", title="Öppen belysning", decision=decision)
    followup = FollowUp.objects.create(municipality=sala, period="2026-Q3", direction=direction)
    Evaluation.objects.create(
        followup=followup, decision=decision, target_area=target, control_area=control,
        intervention_date=start, before_days=28, after_days=28, notes="Lugnare kvällar",
    )  # fmt: skip
    return followup, target, control


def test_it_exports_the_followup_evaluations_as_csv_matching_the_page(personas, sala, login):
    followup, target, control = make_followup(sala)
    steering = english(login(personas["steering"]))
    page = steering.get(f"/k/1981/followups/{followup.pk}/").content.decode()
    url = f"/k/1981/followups/{followup.pk}/export/"
    assert f"{url}?format=csv" in page
    [row] = rows_of(steering.get(url, {"format": "csv"}))
    counts = [row[k] for k in ("target_before", "target_after", "control_before", "control_after")]
    assert counts == ["4", "2", "5", "5"]
    assert 'class="n-target-before">4<' in page and 'class="n-control-after">5<' in page
    assert (row["target_area_code"], row["control_area_code"]) == (target.code, control.code)
    assert (row["buffer_before"], row["wdq"], row["buffer_area"]) == ("", "", "")
    rr, lo, hi = (float(row[k]) for k in ("rate_ratio", "rr_low", "rr_high"))
    assert f"Rate ratio {rr:.2f} (95 % CI {lo:.2f}–{hi:.2f})" in page
    assert (round(rr, 2), round(lo, 2), round(hi, 2)) == (0.5, 0.06, 4.09)
    assert f"p = {float(row['p']):.3f}" in page
    assert row["decision"] == "Trygg torg" and row["notes"] == "Lugnare kvällar"
    assert row["actions"] == "Öppen belysning"  # the internal action is not the reader's
    assert (row["before_first"], row["after_last"]) == ("2026-08-04", "2026-09-28")
    audit = AuditEvent.objects.get(action="export", object_type="cycle.followup")
    assert audit.object_id == str(followup.pk)
    police = login(personas["police"]).get(url, {"format": "csv"})
    assert set(rows_of(police)[0]["actions"].split("; ")) == {"Hemlig spaning", "Öppen belysning"}


def test_it_refuses_outsiders_and_reporters(personas, sala, login):
    followup, _target, _control = make_followup(sala)
    urls = [
        (EXPORT, {"period": "2026-Q3", "format": "csv"}),
        (EXPORT, {"period": "2026-Q3", "format": "geojson"}),
        (f"/k/1981/followups/{followup.pk}/export/", {"format": "csv"}),
    ]
    for url, params in urls:
        outsider = login(personas["outsider"]).get(url, params)
        assert outsider.status_code == 404
        assert b"Sala" not in outsider.content and b"1981C" not in outsider.content
        assert login(personas["reporter"]).get(url, params).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
