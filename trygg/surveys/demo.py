"""Demo survey rounds for Sala: 2024 and 2025 closed (2025 published), one open now.

Synthetic answers, spread over the DeSO areas by population, with two rural areas below ten
answers so that suppression shows; the town's areas feel less safe in the evening, and the
unsafe places cluster at the square, the travel centre and the parks. Idempotent.
"""

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from trygg.areas.models import Area, Place
from trygg.audit.services import record

from .models import Answer, Response, Survey, UnsafePlace
from .questions import PROBLEMS

INTRO = (
    "Kommunen och polisen vill veta hur trygg du känner dig där du bor. Svaren används i "
    "arbetet med medborgarlöften och för att välja var vi ska göra insatser. Det tar fem "
    "minuter och du är anonym."
)
SMALL_AREAS = {"1981A0020": 8, "1981A0050": 6}  # answers: below ten, to show suppression
EVENING = {  # share feeling unsafe in the evening, per area (the town's C areas higher)
    "1981C1040": 0.48, "1981C1050": 0.44, "1981C1060": 0.38, "1981C1010": 0.34,
    "1981C1020": 0.30, "1981C1030": 0.28, "1981C1070": 0.26,
}  # fmt: skip
RURAL_EVENING = 0.16
PROBLEM_RATES = {
    "problem_littering": 0.36, "problem_vandalism": 0.30, "problem_drugs": 0.22,
    "problem_gatherings": 0.26, "problem_lighting": 0.32, "problem_bushes": 0.20,
    "problem_driving": 0.30, "problem_drunkenness": 0.16, "problem_violence": 0.08,
    "problem_burglary": 0.12,
}  # fmt: skip
RURAL_HIGHER = {"problem_driving", "problem_burglary", "problem_lighting"}
HOTSPOTS = (("Sala resecentrum", 4), ("Stora torget", 3), ("Stadsparken", 3), ("Ekebydalen", 2))
TEXTS = (
    "Dåligt upplyst på kvällarna",
    "Grupper som samlas och är högljudda på kvällen",
    "Mörk gångtunnel, man ser inte vem som kommer",
    "Mycket skräp och krossat glas",
    "Folk som verkar påverkade hänger här",
    "Buskarna är så höga att man inte ser något",
    "Mopeder som kör fort på gångvägen",
    "Ödsligt efter att affärerna stängt",
    "",
)


def _rounds(today: date) -> list[dict[str, Any]]:
    return [
        {"title": "Trygghetsenkät 2024", "opens": date(2024, 9, 2), "days": 35, "n": 350,
         "shift": -0.05, "publish": False},
        {"title": "Trygghetsenkät 2025", "opens": date(2025, 9, 1), "days": 35, "n": 400,
         "shift": 0.0, "publish": True},
        {"title": f"Trygghetsenkät {today.year}", "opens": today - timedelta(days=18),
         "days": 45, "n": 34, "shift": 0.02, "publish": False},
    ]  # fmt: skip


@transaction.atomic
def load_survey_demo(municipality: Any, today: date | None = None) -> bool:
    """Create the demo rounds once; False when they are already there."""
    if Survey.objects.filter(municipality=municipality, title="Trygghetsenkät 2025").exists():
        return False
    areas = list(Area.objects.filter(municipality=municipality, kind=Area.Kind.DESO))
    if not areas:
        return False
    today = today or timezone.localdate()
    places = {p.name: p for p in Place.objects.filter(municipality=municipality)}
    for spec in _rounds(today):
        survey = Survey.objects.create(
            municipality=municipality,
            title=spec["title"],
            intro=INTRO,
            opens_on=spec["opens"],
            closes_on=spec["opens"] + timedelta(days=spec["days"]),
            area_kind=Area.Kind.DESO,
            publish_results=spec["publish"],
        )
        rng = random.Random(f"{municipality.code}-{spec['title']}")
        _answers(survey, areas, places, spec["n"], spec["shift"], rng)
        record(None, "create", survey, summary=f"demo survey: {survey.title}")
    return True


def _spread(areas: list[Area], n: int, rng: random.Random) -> list[Area]:
    """n respondents over the areas by population; the SMALL_AREAS get their fixed few."""
    fixed = [a for a in areas for _i in range(SMALL_AREAS.get(a.code, 0))]
    others = [a for a in areas if a.code not in SMALL_AREAS]
    weights = [a.population or 1000 for a in others]
    return fixed + rng.choices(others, weights=weights, k=n - len(fixed))


def _answers(
    survey: Survey,
    areas: list[Area],
    places: dict[str, Place],
    n: int,
    shift: float,
    rng: random.Random,
) -> None:
    chosen = _spread(areas, n, rng)
    responses = Response.objects.bulk_create(Response(survey=survey, area=a) for a in chosen)
    answers: list[Answer] = []
    marked: list[UnsafePlace] = []
    for response, area in zip(responses, chosen, strict=True):
        rural = area.code.startswith("1981A")
        p = (RURAL_EVENING if rural else EVENING.get(area.code, 0.3)) + shift
        values = {
            "evening": _safety(rng, p),
            "daytime": _safety(rng, p * 0.25),
            "worry": _rated(rng, p * 0.9, dont_know=0.04),
        }
        for q in PROBLEMS:
            if rng.random() < 0.05:
                continue  # skipped
            rate = PROBLEM_RATES[q.code] * (1.4 if rural == (q.code in RURAL_HIGHER) else 0.8)
            values[q.code] = _rated(rng, rate + shift, dont_know=0.08)
        answers += [Answer(response=response, question=k, value=v) for k, v in values.items()]
        if rng.random() < 0.36:
            marked.append(_place(response, places, rng))
    Answer.objects.bulk_create(answers)
    UnsafePlace.objects.bulk_create(marked)


def _safety(rng: random.Random, p_unsafe: float) -> int:
    if rng.random() < 0.03:
        return 0
    if rng.random() < p_unsafe:
        return rng.choices([3, 4, 5], weights=[70, 22, 8])[0]
    return rng.choices([1, 2], weights=[45, 55])[0]


def _rated(rng: random.Random, p_high: float, *, dont_know: float) -> int:
    if rng.random() < dont_know:
        return 0
    if rng.random() < p_high:
        return rng.choices([3, 4], weights=[70, 30])[0]
    return rng.choices([1, 2], weights=[55, 45])[0]


def _place(response: Response, places: dict[str, Place], rng: random.Random) -> UnsafePlace:
    known = [(places[name], w) for name, w in HOTSPOTS if name in places]
    text = rng.choice(TEXTS)
    if not known:
        return UnsafePlace(response=response, text=text)
    place = rng.choices([p for p, _w in known], weights=[w for _p, w in known])[0]
    if rng.random() < 0.2:  # chosen from the list, not marked on the map
        return UnsafePlace(response=response, place=place, text=text)
    lat = place.lat + rng.gauss(0, 0.0005)  # about 55 m
    lon = place.lon + rng.gauss(0, 0.0009)
    return UnsafePlace(response=response, lat=lat, lon=lon, text=text)
