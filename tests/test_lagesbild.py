"""The lägesbild and action plan of Lag (2023:196): the document, its numbers' sources, the
checklist, the plan, adoption that freezes a version, the command line, and who may do what."""

import io
import re
import zipfile
from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from trygg.areas.models import Area
from trygg.bra.models import BraStatistic
from trygg.cycle.models import Action
from trygg.imports.engine import run_import
from trygg.imports.kommuner import Targets
from trygg.lagesbild import document
from trygg.lagesbild.ledger import compute
from trygg.lagesbild.models import (
    AdoptedVersion,
    FrozenError,
    Lagesbild,
    PlanMeasure,
    Problem,
)
from trygg.police.codes import CrimeKey
from trygg.police.models import PoliceCrime

from .test_imports_web import DOWNLOAD, POINTS
from .test_review import make_event

START, END = date(2024, 1, 1), date(2025, 12, 31)
FIGURE = re.compile(r'data-figure="(F\d+)" data-value="([^"]+)"')


def lagesbild_objects(sala: Any) -> dict[str, Any]:
    """One of each lägesbild object in Sala, for the access matrix."""
    lagesbild = Lagesbild.objects.create(
        municipality=sala, start=START, end=END, summary="Sala 4711"
    )
    problem = Problem.objects.create(municipality=sala, title="Sala-problem 4711")
    measure = PlanMeasure.objects.create(municipality=sala, problem=problem, text="Sala 4711")
    version = AdoptedVersion.objects.create(
        lagesbild=lagesbild,
        number=1,
        adopted_on=date(2026, 1, 1),
        adopted_by="KF",
        html="<p>Sala 4711</p>",
        snapshot={},
        pdf=b"%PDF-",
        docx=b"PK",
        sha256="0",
    )
    return {
        "lagesbild": lagesbild,
        "problem": problem,
        "measure": measure,
        "lagesbild_version": version,
    }


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(20, 0)))


@pytest.fixture
def data(sala, personas):
    """Police crimes (points), Brå figures, own reports in and before the period, a problem."""
    run_import(POINTS, targets=Targets([sala]), actor=personas["police"])
    run_import(DOWNLOAD, targets=Targets([sala]), actor=personas["police"])
    for day in (date(2024, 3, 1), date(2024, 6, 1), date(2025, 5, 5)):
        make_event(sala, "SKA", at=at(day))
    make_event(sala, "SAM", at=at(date(2025, 8, 8)))
    make_event(sala, "SKA", at=at(date(2023, 6, 1)))  # the previous period
    area = Area.objects.get(pk=make_event(sala, "SKA", at=at(date(2023, 7, 1))).area_id)
    problem = Problem.objects.create(
        municipality=sala, title="Klotter vid torget", categories="SKA"
    )
    problem.areas.set([area])
    lagesbild = Lagesbild.objects.create(municipality=sala, start=START, end=END)
    return {"problem": problem, "lagesbild": lagesbild, "area": area}


def html_of(lagesbild: Lagesbild) -> tuple[str, dict[str, Any]]:
    snapshot = document.build_snapshot(
        lagesbild.municipality, lagesbild.start, lagesbild.end, lagesbild
    )
    return document.render_html(snapshot), snapshot


def test_it_traces_every_number_to_its_source(data, sala):
    html, snapshot = html_of(data["lagesbild"])
    figures = {f["id"]: f for f in snapshot["figures"]}
    shown = FIGURE.findall(html)
    assert len(shown) > 10
    for figure_id, value in shown:
        assert float(value) == figures[figure_id]["value"]
        assert f'id="src-{figure_id}"' in html
    for figure in figures.values():  # each number, computed again from its query
        assert compute(figure) == pytest.approx(figure["value"]), figure
    s = snapshot["sections"]
    # … and by hand, from the data of the fixture.
    assert s["est"]["total"]["value"] == 4 and s["est"]["previous"]["value"] == 2
    key = CrimeKey.of(sala)
    rows = PoliceCrime.objects.filter(municipality=sala).values_list("crime_code", "count")
    crimes = sum(n for code, n in rows if key.is_crime(code))  # wildlife accidents aside
    assert s["police_crime"]["total"]["value"] == crimes > 0
    total = BraStatistic.objects.get(
        municipality=sala,
        year=2024,
        geography="kommun",
        variable="Totalt antal anmälda brott",
        unit="Antal",
    )
    assert s["bra"]["year"] == 2024 and s["bra"]["rows"][0]["count"]["value"] == total.value == 3006
    development = snapshot["problems"][0]["development"]
    assert (development["current"]["value"], development["previous"]["value"]) == (3, 2)  # SKA
    police = [f for f in figures.values() if f["model"] == "police.PoliceCrime"]
    assert police and all(f["batches"] and f["batches"][0]["file"] for f in police)


def test_the_checklist_shows_what_people_still_have_to_write(data, personas, login):
    client = login(personas["coordinator"])
    url = reverse("lagesbild_detail", args=["1981", data["lagesbild"].pk])
    page = client.get(url).content.decode()
    assert 'data-check="analysis" data-done="0"' in page
    assert 'data-check="causes" data-done="0"' in page
    assert 'data-check="dialogue" data-done="0"' in page  # no survey data: a data gap
    assert 'data-check="crime" data-done="1"' in page
    texts = {name: f"Text om {name}." for name in document.TEXTS}
    response = client.post(
        reverse("lagesbild_edit", args=["1981", data["lagesbild"].pk]),
        {"start": START, "end": END, **texts},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-check="analysis" data-done="1"' in page and "Text om analysis." in page
    assert 'data-check="adopted" data-done="0"' in page


def test_it_refuses_personal_data_in_the_texts(data, personas, login):
    client = login(personas["coordinator"])
    url = reverse("lagesbild_edit", args=["1981", data["lagesbild"].pk])
    client.post(url, {"start": START, "end": END, "analysis": "Ring 070-123 45 67"})
    data["lagesbild"].refresh_from_db()
    assert data["lagesbild"].analysis == ""
    response = client.post(
        reverse("lagesbild_problem_new", args=["1981"]),
        {"position": 2, "title": "x", "offender": "Anna, 070-123 45 67"},
    )
    assert response.status_code == 200
    assert "ta bort personuppgifterna (telefonnummer)." in response.content.decode()
    assert not Problem.objects.filter(title="x").exists()


def test_a_measure_takes_what_the_action_says_and_keeps_its_status_history(
    data, personas, login, sala
):
    org = personas["coordinator"].memberships.get().organisation
    action = Action.objects.create(
        municipality=sala,
        title="Belysning i parken",
        responsible_organisation=org,
        start=date(2026, 1, 5),
        end=date(2026, 3, 1),
    )
    client = login(personas["coordinator"])
    response = client.post(
        reverse("lagesbild_measure_new", args=["1981"]),
        {
            "problem": data["problem"].pk,
            "action": action.pk,
            "status": "planned",
            "follow_up": "Vandring",
        },
    )
    assert response.status_code == 302
    measure = PlanMeasure.objects.get(action=action)
    assert (measure.text, measure.responsible, measure.end) == (action.title, org, action.end)
    client.post(
        reverse("lagesbild_measure_status", args=["1981", measure.pk]),
        {"status": "ongoing", "on": "2026-02-01", "note": "Påbörjad"},
    )
    measure.refresh_from_db()
    assert measure.status == "ongoing"
    assert sorted(h.status for h in measure.history.all()) == ["ongoing", "planned"]
    page = client.get(reverse("lagesbild_plan", args=["1981"])).content.decode()
    assert "Belysning i parken" in page and "Påbörjad" in page
    # A measure always names its problem.
    response = client.post(reverse("lagesbild_measure_new", args=["1981"]), {"text": "Utan"})
    assert response.status_code == 200 and not PlanMeasure.objects.filter(text="Utan").exists()


def test_adoption_freezes_the_version(data, personas, login, sala):
    client = login(personas["steering"])
    lagesbild = data["lagesbild"]
    response = client.post(
        reverse("lagesbild_adopt", args=["1981", lagesbild.pk]),
        {"adopted_by": "Kommunfullmäktige", "adopted_on": "2026-02-10"},
    )
    assert response.status_code == 302
    version = lagesbild.versions.get()
    assert version.number == 1 and bytes(version.pdf).startswith(b"%PDF")
    assert zipfile.is_zipfile(io.BytesIO(bytes(version.docx)))
    assert "Kommunfullmäktige" in version.html
    frozen_html, frozen_pdf = version.html, bytes(version.pdf)
    page = client.get(reverse("lagesbild_detail", args=["1981", lagesbild.pk])).content.decode()
    assert 'data-check="adopted" data-done="1"' in page
    # Later data and texts change the current document, never the adopted version.
    for _ in range(3):
        make_event(sala, "SKA", at=at(date(2025, 1, 10)))
    lagesbild.analysis = "Ny analys"
    lagesbild.save()
    version = AdoptedVersion.objects.get(pk=version.pk)
    assert version.html == frozen_html and bytes(version.pdf) == frozen_pdf
    url = reverse("lagesbild_version", args=["1981", version.pk])
    assert client.get(url + "?format=html").content.decode() == frozen_html
    assert client.get(url + "?format=pdf").content == frozen_pdf
    assert (
        "Ny analys"
        in client.get(
            reverse("lagesbild_export", args=["1981", lagesbild.pk]) + "?format=html"
        ).content.decode()
    )
    with pytest.raises(FrozenError):
        version.save()
    with pytest.raises(FrozenError):
        version.delete()


def test_only_the_steering_group_coordinator_or_admin_adopt(data, personas, login):
    url = reverse("lagesbild_adopt", args=["1981", data["lagesbild"].pk])
    post = {"adopted_by": "KF", "adopted_on": "2026-02-10"}
    assert login(personas["analyst"]).post(url, post).status_code == 403
    assert login(personas["police"]).post(url, post).status_code == 403
    assert login(personas["outsider"]).post(url, post).status_code == 404
    assert not AdoptedVersion.objects.exists()


def test_the_outsider_sees_nothing(data, personas, login):
    client = login(personas["outsider"])
    for name in ("lagesbild_detail", "lagesbild_export"):
        response = client.get(reverse(name, args=["1981", data["lagesbild"].pk]))
        assert response.status_code == 404 and b"Klotter vid torget" not in response.content
    assert client.get(reverse("lagesbild_plan", args=["1981"])).status_code == 404


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_the_command_line_writes_each_format(data, tmp_path, fmt):
    out = tmp_path / f"lagesbild.{fmt}"
    stdout = io.StringIO()
    call_command(
        "report_lagesbild",
        municipality="1981",
        start="2024-01-01",
        end="2025-12-31",
        format=fmt,
        output=str(out),
        stdout=stdout,
    )
    content = out.read_bytes()
    assert "checklist items missing" in stdout.getvalue()
    if fmt == "html":
        text = content.decode()
        assert '<html lang="sv">' in text and "Kartläggning av brottsligheten" in text
        assert "Klotter vid torget" in text
    elif fmt == "pdf":
        assert content.startswith(b"%PDF")
    else:
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            body = docx.read("word/document.xml").decode()
            assert "Klotter vid torget" in body and 'w:val="Heading1"' in body
            assert "<w:tbl>" in body
            assert any(n.startswith("word/media/") and n.endswith(".png") for n in docx.namelist())


def test_the_command_line_names_bad_input(data, tmp_path):
    out = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="no municipality with code 9999"):
        call_command("report_lagesbild", municipality="9999", output=out)
    with pytest.raises(CommandError, match="not a date"):
        call_command("report_lagesbild", municipality="1981", start="2024-13-01", output=out)
    with pytest.raises(CommandError, match="before"):
        call_command(
            "report_lagesbild",
            municipality="1981",
            start="2025-01-01",
            end="2024-01-01",
            output=out,
        )


def test_the_cli_verb_maps_to_the_command(data, tmp_path):
    from trygg.cli import main

    out = tmp_path / "l.html"
    main(
        [
            "report",
            "lagesbild",
            "--municipality",
            "1981",
            "--from",
            "2024-01-01",
            "--to",
            "2025-12-31",
            "--format",
            "html",
            "-o",
            str(out),
        ]
    )
    assert out.read_text().startswith("<!DOCTYPE html>") or "<html" in out.read_text()


def test_the_demo_document_is_complete_but_for_what_people_must_still_do(db):
    call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    lagesbild = Lagesbild.objects.get(municipality__code="1981")
    html, snapshot = html_of(lagesbild)
    missing = {i["key"] for i in document.context(snapshot)["missing"]}
    # Sala's Brå file has no county or NTU figures; the adoption is the kommun's own act.
    assert missing == {"reference", "ntu", "biennial", "adopted"}
    sections = snapshot["sections"]
    assert sections["surveys"]["rows"] and sections["walks"]["rows"]
    assert 'data-section="surveys"' in html and 'data-section="walks"' in html
    for figure in snapshot["figures"]:
        assert compute(figure) == pytest.approx(figure["value"]), figure
    assert all(p["has_cause_analysis"] for p in snapshot["problems"])
    assert all(
        any(m["problem_id"] == p["id"] for m in snapshot["plan"]) for p in snapshot["problems"]
    )
    assert any(m["action"] for m in snapshot["plan"])
    for figure in snapshot["figures"]:
        assert compute(figure) == pytest.approx(figure["value"]), figure
    assert len(FIGURE.findall(html)) > 50


# The citizen dialogue and the safety walks --------------------------------------------------


@pytest.fixture
def dialogue(data, sala, personas, login):
    """A survey round in the period (A: 12 unsafe of 30, B: 10 of 25, C: 3 of 6, too few: B
    hidden to protect it) and a safety walk done in the period with two findings."""
    from trygg.surveys.models import Survey
    from trygg.walks.models import SafetyWalk

    from .test_surveys import areas, fill
    from .test_walks import make_walk, org_of, record_findings

    survey = Survey.objects.create(
        municipality=sala, title="Trygghetsenkät 2025", opens_on=date(2025, 3, 1),
        closes_on=date(2025, 3, 31), area_kind="deso",
    )  # fmt: skip
    a, b, c = areas(sala)[:3]
    fill(survey, a, [3] * 12 + [2] * 18)
    fill(survey, b, [4] * 10 + [1] * 15)
    fill(survey, c, [3] * 3 + [1] * 3)
    walk = make_walk(
        sala, [org_of(personas["police"])], date=date(2025, 5, 10), status=SafetyWalk.Status.DONE
    )
    record_findings(sala, login(personas["coordinator"]), walk)
    return {"survey": survey, "walk": walk, "a": a}


def test_the_survey_and_the_walks_come_in_with_traceable_numbers(data, dialogue, sala):
    html, snapshot = html_of(data["lagesbild"])
    figures = {f["id"]: f for f in snapshot["figures"]}
    surveys, walks = snapshot["sections"]["surveys"], snapshot["sections"]["walks"]
    evening = {
        r["label"]: (r["n"]["value"], r["of"]["value"]) for r in surveys["rows"] if "of" in r
    }
    area_a = dialogue["a"].label
    assert evening == {
        "Trygghetsenkät 2025: Otrygga på kvällen, Sala": (25, 61),
        f"Trygghetsenkät 2025: Otrygga på kvällen, {area_a}": (12, 30),
    }
    assert surveys["rows"][0]["n"]["value"] == 61  # answers
    walk_rows = {r["label"]: r["n"]["value"] for r in walks["rows"]}
    assert walk_rows["Genomförda trygghetsvandringar"] == 1
    assert walk_rows["Iakttagelser"] == 2
    assert walk_rows["Iakttagelser: Bristfällig belysning"] == 1
    assert walk_rows["Iakttagelser: Klotter"] == 1
    for row in surveys["rows"] + walks["rows"]:
        for key in ("n", "of"):
            if key in row:
                figure = figures[row[key]["id"]]
                assert compute(figure) == pytest.approx(figure["value"]), figure
                assert f'data-figure="{figure["id"]}"' in html
    assert "(41 %, 95 % intervall 30–54 %)" in html  # 25/61: Wilson, 29.5–54.1
    assert "10 av 25" not in html  # area B is hidden to protect C
    context = document.context(snapshot)
    done = {i["key"]: i["done"] for i in context["checklist"]}
    assert done["dialogue"] and done["walks"]
    docx = document.render_docx(snapshot)
    with zipfile.ZipFile(io.BytesIO(docx)) as f:
        body = f.read("word/document.xml").decode()
    assert "Otrygga på kvällen" in body and "Genomförda trygghetsvandringar" in body
    from .test_walks import pdf_text

    text = pdf_text(document.render_pdf(html))
    if text is not None:
        assert "Genomförda trygghetsvandringar" in text and "Otrygga på kvällen" in text


# Small counts of police-reported crime --------------------------------------------------


def crimes_in(sala: Any, counts: dict[Area, dict[str, int]]) -> None:
    from trygg.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        municipality=sala, source="police-crimes", file_name="x.csv", status="imported"
    )
    PoliceCrime.objects.filter(municipality=sala).delete()
    for area, by_code in counts.items():
        for code, n in by_code.items():
            PoliceCrime.objects.create(
                municipality=sala, key=f"k{area.pk}-{code}", batch=batch, area=area,
                deso_code=area.code, crime_code=code, registered=date(2025, 3, 1), count=n,
            )  # fmt: skip


def police_part(html: str) -> str:
    """The document's section 1.1, police-reported crime."""
    return html[html.index("<h3>1.1") : html.index("<h3>1.2")]


def shown_numbers(html: str, ids: list[str]) -> dict[str, str]:
    """What the page shows for each figure: its number, or its marker."""
    out = {}
    for figure_id in ids:
        found = re.search(rf'data-figure="{figure_id}"[^>]*>([^<]+)</a>', html)
        assert found, figure_id
        out[figure_id] = found.group(1).replace("&lt;", "<")
    return out


def test_small_police_counts_are_hidden_with_a_second_cell_so_the_total_tells_nothing(data, sala):
    desos = list(Area.objects.filter(municipality=sala, kind="deso").order_by("code"))
    # One category (theft, 9301…) in three areas: 3, 20 and 30. Total 53, exact.
    crimes_in(sala, {desos[0]: {"9301": 3}, desos[1]: {"9301": 20}, desos[2]: {"9301": 30}})
    html, snapshot = html_of(data["lagesbild"])
    c = snapshot["sections"]["police_crime"]
    assert c["total"]["value"] == 53 and "hidden" not in c["total"]
    areas = {r["label"]: r["n"] for r in c["areas"]}
    shown = shown_numbers(html, [f["id"] for f in areas.values()])
    by_label = {label: shown[f["id"]] for label, f in areas.items()}
    assert by_label == {desos[2].label: "30", desos[0].label: "<5", desos[1].label: "×"}
    # The total minus the shown areas is 23: a hidden "<5" and a hidden "×", not a 3.
    police = police_part(html)
    assert 'data-value="3"' not in police and 'data-value="20"' not in police
    assert ">3<" not in police and ">20<" not in police and ">23<" not in police
    assert "Antal från 1 till 4" in police  # the note explaining it
    # The appendix shows the markers, never the hidden values.
    appendix = html[html.index('id="h-sources"') :]
    for f in areas.values():
        row = re.search(
            rf'<tr id="src-{f["id"]}"><td>{f["id"]}</td><td class="num">([^<]+)</td>', appendix
        )
        assert row and row.group(1) in ("30", "&lt;5", "×"), row
    # So does the DOCX.
    with zipfile.ZipFile(io.BytesIO(document.render_docx(snapshot))) as f:
        body = f.read("word/document.xml").decode()
    assert "&lt;5" in body and "×" in body
    # Every hidden figure can still be computed again by the staff, from its query.
    hidden = [f for f in snapshot["figures"] if f["hidden"]]
    assert {f["value"] for f in hidden} >= {3, 20}
    assert all(compute(f) == f["value"] for f in hidden)


def test_a_line_of_small_counts_alone_hides_its_total(data, sala):
    desos = list(Area.objects.filter(municipality=sala, kind="deso").order_by("code"))
    crimes_in(sala, {desos[0]: {"9301": 3}})  # one area, one category: the total would tell
    html, snapshot = html_of(data["lagesbild"])
    c = snapshot["sections"]["police_crime"]
    assert c["total"].get("hidden") and c["categories"][0]["n"]["hidden"] == "small"
    assert 'data-value="3"' not in police_part(html) and ">3<" not in police_part(html)
