"""The citizen dialogue survey, through the front door: a resident answers without an
account; abuse is refused; staff see results per area where no group under ten shows."""

import csv
import io
import math
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from trygg.analysis.surveys import Cell, suppressed, t_interval, wilson
from trygg.areas.models import Area, Place
from trygg.audit.models import AuditEvent
from trygg.surveys.models import Answer, BrowserMark, Response, Survey, UnsafePlace
from trygg.surveys.results import public_results, unsafety_for_areas

TODAY = timezone.localdate()


@pytest.fixture
def survey(sala: Any) -> Survey:
    return Survey.objects.create(
        municipality=sala,
        title="Trygghetsenkät 2026",
        opens_on=TODAY - timedelta(days=3),
        closes_on=TODAY + timedelta(days=20),
        area_kind="deso",
    )


def areas(sala: Any) -> list[Area]:
    return list(Area.objects.filter(municipality=sala, kind="deso").order_by("code"))


def url(survey: Survey) -> str:
    return reverse("survey_answer", args=[survey.municipality.code, survey.pk])


def answer(area: Area, **extra: Any) -> dict[str, Any]:
    data = {"area": str(area.pk), "evening": "3", "daytime": "1", "worry": "2"}
    data |= {"problem_littering": "4", "problem_lighting": "0"}
    return data | extra


def resident(n: int = 1) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def test_it_takes_an_anonymous_answer_and_refuses_a_second_from_the_same_browser(sala, survey):
    area = areas(sala)[0]
    client = resident()
    form = client.get(url(survey))
    assert form.status_code == 200
    assert b"Hur trygg eller otrygg" in form.content
    sent = client.post(url(survey), answer(area, p1_text="Mörkt vid tunneln", p1_lat="59.9219",
                                            p1_lon="16.6060"))  # fmt: skip
    assert sent.status_code == 200, sent.content.decode()[:2000]
    assert "Tack för dina svar".encode() in sent.content
    response = Response.objects.get()
    assert response.area == area
    assert {f.name for f in Response._meta.concrete_fields} == {"id", "survey", "area"}
    assert dict(response.answers.values_list("question", "value")) == {
        "evening": 3, "daytime": 1, "worry": 2, "problem_littering": 4, "problem_lighting": 0,
    }  # fmt: skip
    place = UnsafePlace.objects.get()
    assert (place.text, round(place.lat, 4)) == ("Mörkt vid tunneln", 59.9219)
    # The browser mark is a hash, not the cookie's value, and not linked to the answer.
    token = client.cookies["trygg_survey"].value
    mark = BrowserMark.objects.get()
    assert token.split(":")[0] not in mark.digest and len(mark.digest) == 64
    assert client.cookies["trygg_survey"]["httponly"]

    again = client.get(url(survey))
    assert b"Du har redan svarat" in again.content
    client.post(url(survey), answer(area))
    assert Response.objects.count() == 1
    # Another browser may answer.
    assert resident(2).post(url(survey), answer(area)).status_code == 200
    assert Response.objects.count() == 2


def test_it_limits_answers_per_address(sala, survey):
    area = areas(sala)[0]
    codes = [Client(REMOTE_ADDR="203.0.113.9").post(url(survey), answer(area)).status_code
             for _ in range(11)]  # fmt: skip
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    assert Response.objects.count() == 10


def test_it_refuses_personal_data_and_stores_nothing(sala, survey):
    area = areas(sala)[0]
    sent = resident().post(
        url(survey), answer(area, p1_place="", p1_text="Ring Kalle på 070-123 45 67")
    )
    assert sent.status_code == 400
    assert b"personuppgifter" in sent.content
    assert b"telefonnummer" in sent.content
    assert not Response.objects.exists() and not UnsafePlace.objects.exists()
    assert not BrowserMark.objects.exists()


def test_it_names_what_is_missing(sala, survey):
    sent = resident().post(url(survey), {"evening": "9"})
    assert sent.status_code == 400
    text = sent.content.decode()
    assert "Välj det område du bor i." in text
    assert "Välj ett av svaren." in text
    assert not Response.objects.exists()


def test_a_text_needs_a_place(sala, survey):
    sent = resident().post(url(survey), answer(areas(sala)[0], p2_text="Mörkt"))
    assert sent.status_code == 400
    assert "Välj en plats i listan eller markera den på kartan.".encode() in sent.content


def test_a_point_outside_the_municipality_is_refused(sala, survey):
    sent = resident().post(url(survey), answer(areas(sala)[0], p1_lat="59.33", p1_lon="18.07"))
    assert sent.status_code == 400 and not Response.objects.exists()


def test_a_named_place_works_without_the_map(sala, survey):
    place = Place.objects.create(municipality=sala, name="Stora torget", kind="torg",
                                 lat=59.921, lon=16.604)  # fmt: skip
    assert (
        resident().post(url(survey), answer(areas(sala)[0], p1_place=str(place.pk))).status_code
        == 200
    )
    assert UnsafePlace.objects.get().place == place


def test_the_honeypot_and_a_large_body_store_nothing(sala, survey):
    area = areas(sala)[0]
    trapped = resident(1).post(url(survey), answer(area, website="http://spam.example"))
    assert trapped.status_code == 200
    large = resident(2).post(url(survey), answer(area, p1_text="x" * 30_000))
    assert large.status_code == 413
    assert not Response.objects.exists()


@pytest.mark.parametrize("when", ["closed", "upcoming", "closed_early"])
def test_a_closed_or_not_yet_open_survey_shows_a_clear_page(sala, survey, when):
    if when == "closed":
        survey.closes_on = TODAY - timedelta(days=1)
    elif when == "upcoming":
        survey.opens_on = TODAY + timedelta(days=2)
    else:
        survey.closed_early_at = timezone.now()
    survey.save()
    page = resident().get(url(survey))
    expected = "har inte öppnat" if when == "upcoming" else "är stängd"
    assert expected.encode() in page.content
    resident().post(url(survey), answer(areas(sala)[0]))
    assert not Response.objects.exists()


def test_another_municipalitys_survey_is_not_found_under_ours(sala, kungsor, survey):
    assert resident().get(reverse("survey_answer", args=["1960", survey.pk])).status_code == 404


# Results ---------------------------------------------------------------------------------


def fill(survey: Survey, area: Area | None, evening: list[int]) -> None:
    """Answers as residents would have sent them (set up directly: many browsers)."""
    for value in evening:
        r = Response.objects.create(survey=survey, area=area)
        Answer.objects.create(response=r, question="evening", value=value)


@pytest.fixture
def answered(sala, survey) -> dict[str, Area]:
    """A: 12 unsafe of 30; B: 10 of 25; C: 3 of 6 (too few: B is hidden to protect it)."""
    a, b, c = areas(sala)[:3]
    fill(survey, a, [3] * 12 + [2] * 18)
    fill(survey, b, [4] * 10 + [1] * 15)
    fill(survey, c, [3] * 3 + [1] * 3)
    return {"a": a, "b": b, "c": c}


def test_staff_see_results_with_small_groups_and_their_complements_hidden(
    personas, login, survey, answered
):
    page = (
        login(personas["analyst"])
        .get(reverse("survey_results", args=["1981", survey.pk]))
        .content.decode()
    )
    assert "12 av 30" in page  # area A
    assert "25 av 61" in page  # the whole municipality
    assert "10 av 25" not in page and "3 av 6" not in page
    assert "färre än 10 svar" in page
    assert "dold för att skydda en liten grupp" in page


def test_the_csv_export_is_suppressed_like_the_page_and_audited(personas, login, survey, answered):
    response = login(personas["steering"]).get(reverse("survey_export", args=["1981", survey.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by = {(r[0], r[1]): r for r in rows[1:]}
    a, b, c = answered["a"], answered["b"], answered["c"]
    evening_a = by[("evening", a.code)]
    assert evening_a[3:5] == ["30", "12"]
    low, high = direct_wilson(12, 30)
    assert evening_a[5:8] == ["40.0", f"{100 * low:.1f}", f"{100 * high:.1f}"]
    mean, mlow, mhigh = direct_t([3] * 12 + [2] * 18)
    assert evening_a[8:11] == [f"{mean:.2f}", f"{mlow:.2f}", f"{mhigh:.2f}"]
    for code in (b.code, c.code):
        assert by[("evening", code)][3:11] == [""] * 8
    assert by[("evening", c.code)][11] == "färre än 10 svar"
    assert by[("evening", b.code)][11] == "dold för att skydda en liten grupp"
    assert by[("evening", "")][3:5] == ["61", "25"]
    # Respondents: C has 6, so B (the smallest other) is hidden too.
    assert by[("svarande", a.code)][3] == "30"
    assert by[("svarande", b.code)][3] == "" and by[("svarande", c.code)][3] == ""
    # No cell anywhere holds a count between 1 and 9.
    assert not any(v.isdigit() and 0 < int(v) < 10 for r in rows[1:] for v in r[3:5])
    assert AuditEvent.objects.filter(action="export", object_id=str(survey.pk)).exists()


def test_viewing_the_raw_places_is_audited(personas, login, survey, answered):
    UnsafePlace.objects.create(
        response=Response.objects.first(), lat=59.92, lon=16.60, text="Mörkt"
    )
    page = login(personas["coordinator"]).get(reverse("survey_places", args=["1981", survey.pk]))
    assert "Mörkt" in page.content.decode()
    assert AuditEvent.objects.filter(action="view", object_id=str(survey.pk)).exists()


def test_outsiders_reporters_and_anonymous_visitors_see_no_results(
    personas, login, client, survey, answered
):
    results = reverse("survey_results", args=["1981", survey.pk])
    export = reverse("survey_export", args=["1981", survey.pk])
    for target in (results, export):
        assert login(personas["outsider"]).get(target).status_code == 404
        assert login(personas["reporter"]).get(target).status_code == 403
        assert client.get(target)["Location"].startswith("/login/")


def test_the_public_results_hold_only_published_suppressed_numbers(sala, survey, answered):
    assert public_results(sala)["published"] == []
    survey.publish_results = True
    survey.closes_on = TODAY - timedelta(days=1)
    survey.save()
    data = public_results(sala)
    assert data["open"] == []
    html = render_to_string("surveys/_public_results.html", {"surveys": data})
    assert "40 %" in html and "41 %" in html  # A: 12/30, whole: 25/61
    assert "50 %" not in html and "färre än 10 svar" in html  # C: 3/6 hidden


def test_the_survey_feeds_the_need_score_with_the_evening_share(sala, survey, answered):
    values = unsafety_for_areas(sala, areas(sala)[:4])
    assert values[0] == pytest.approx(40.0)
    assert all(math.isnan(v) for v in values[1:])


# Staff manage rounds -----------------------------------------------------------------------


def test_the_coordinator_creates_and_closes_a_survey(personas, login, sala):
    coordinator = login(personas["coordinator"])
    created = coordinator.post(reverse("survey_new", args=["1981"]), {
        "title": "Trygghetsenkät våren", "intro": "Svara gärna",
        "opens_on": TODAY.isoformat(), "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "area_kind": "deso",
    })  # fmt: skip
    assert created.status_code == 302
    survey = Survey.objects.get(title="Trygghetsenkät våren")
    assert survey.is_open and survey.created_by == personas["coordinator"]
    assert AuditEvent.objects.filter(action="create", object_id=str(survey.pk)).exists()
    coordinator.post(reverse("survey_close", args=["1981", survey.pk]))
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert "är stängd".encode() in resident().get(url(survey)).content


def test_a_survey_form_names_what_is_wrong(personas, login):
    page = login(personas["coordinator"]).post(reverse("survey_new", args=["1981"]), {
        "title": "X", "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY - timedelta(days=1)).isoformat(), "area_kind": "district",
    })  # fmt: skip
    text = page.content.decode()
    assert "Enkäten kan inte stänga innan den öppnar." in text
    assert "Kommunen har inga områden av det här slaget" in text


# The statistics, against a direct computation ------------------------------------------------


def direct_wilson(k: int, n: int) -> tuple[float, float]:
    z = stats.norm.ppf(0.975)
    p = k / n
    root = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return ((p + z**2 / (2 * n) - root) / (1 + z**2 / n),
            (p + z**2 / (2 * n) + root) / (1 + z**2 / n))  # fmt: skip


def direct_t(xs: list[float]) -> tuple[float, float, float]:
    n = len(xs)
    mean = sum(xs) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def test_wilson_and_t_match_direct_computations():
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)  # a textbook value
    assert wilson(12, 30) == pytest.approx(direct_wilson(12, 30))
    assert t_interval([3, 2, 2, 4, 1]) == pytest.approx(direct_t([3, 2, 2, 4, 1]))


def test_suppression_adds_complements_until_the_hidden_sum_is_safe():
    cells = {"a": Cell(30, 12), "b": Cell(25, 10), "c": Cell(6, 3), "d": Cell(0, 0)}
    assert suppressed(cells) == {"b", "c"}
    assert suppressed({"a": Cell(30, 12), "b": Cell(40, 20)}) == set()
    # Two small groups that together are still too few pull in a third.
    small = {"a": Cell(4, 2), "b": Cell(5, 2), "c": Cell(50, 25), "d": Cell(60, 30)}
    assert suppressed(small) == {"a", "b", "c"}


def test_the_quarterly_need_score_takes_the_survey_share_as_a_component(
    personas, login, sala, survey, answered
):
    from trygg.cycle.periods import current_period
    from trygg.cycle.reads import quarterly_matrix

    matrix = quarterly_matrix(sala, current_period(sala, TODAY))
    assert "unsafety" in matrix["weights"]
    rows = {r["area_obj"].pk: r for r in matrix["rows"]}
    assert rows[answered["a"].pk]["unsafety"] == pytest.approx(40.0)
    assert rows[answered["b"].pk]["unsafety"] is None  # hidden: scored on the others
    page = login(personas["analyst"]).get("/k/1981/quarterly/").content.decode()
    assert "Otrygga på kvällen (enkät, %)" in page


def test_the_area_page_and_the_weekly_picture_show_the_survey_suppressed(
    personas, login, sala, survey, answered
):
    staff = login(personas["analyst"])
    page = staff.get(reverse("area_detail", args=["1981", answered["a"].pk])).content.decode()
    assert "Medborgarenkät" in page and "12 av 30" in page
    hidden = staff.get(reverse("area_detail", args=["1981", answered["c"].pk])).content.decode()
    assert "färre än 10 svar" in hidden and "3 av 6" not in hidden
    from trygg.picture.compute import surveys_content
    from trygg.picture.weeks import Week

    content = surveys_content(sala, Week.of(TODAY))
    cells = {c["label"]: c for c in content["areas"]}
    assert cells[answered["a"].label]["share"] == 40.0
    assert cells[answered["c"].label] == {"label": answered["c"].label, "hidden": True,
                                          "note": "färre än 10 svar"}  # fmt: skip


def test_a_group_with_few_answers_on_one_side_says_so(personas, login, survey, sala):
    """30 answers of which 4 feel unsafe: the share would tell how those 4 answered."""
    a, b = areas(sala)[:2]
    fill(survey, a, [3] * 4 + [2] * 26)
    fill(survey, b, [3] * 15 + [2] * 15)
    response = login(personas["steering"]).get(reverse("survey_export", args=["1981", survey.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by = {(r[0], r[1]): r for r in rows[1:]}
    assert by[("evening", a.code)][3:11] == [""] * 8
    assert by[("evening", a.code)][11] == "färre än 10 svar i ena svarsgruppen"
    assert by[("evening", b.code)][11] == "dold för att skydda en liten grupp"
    assert by[("evening", "")][3:5] == ["60", "19"]
