"""Demo content: Sala's priority problems with their cause analyses, an action plan drawn from
the demo's actions and decisions, and a lägesbild for the last two years with every part
people write; Falun gets a draft only, to show its real police data. Idempotent."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape

from trygg.areas.models import Area, Place
from trygg.audit.services import record
from trygg.cycle.models import Action
from trygg.police.models import PoliceCrime
from trygg.tenants.models import Municipality, Organisation

from .document import default_period
from .models import Lagesbild, PlanMeasure, Problem, StatusChange

PROBLEMS = (
    {
        "title": "Otrygghetsskapande samlingar och narkotikahantering i Stadsparken",
        "places": ("Stadsparken",),
        "categories": "SAM, ORD",
        "crime_types": "Narkotikabrott",
        "description": "Grupper av unga samlas kvällstid i parken, särskilt fredagar och "
        "lördagar. Rapportörerna ser misstänkt narkotikahantering och nedskräpning.",
        "place": "Skymda platser bakom buskage och dålig belysning vid gångvägen mot "
        "gångtunneln; få som rör sig i parken efter kl. 21.",
        "offender": "Mindre grupper av unga, delvis samma som vid resecentrum; köpare från "
        "andra delar av kommunen.",
        "target": "Boende och förbipasserande som väljer bort parken; parkens utrustning.",
        "guardian": "Ingen vuxennärvaro kvällstid; parkförvaltningen (teknisk service) äger "
        "platsen och styr belysning och röjning.",
        "causes": "Platsen ger skydd mot insyn och saknar kvällsaktivitet; samlingarna flyttar "
        "mellan parken och resecentrum när polisen är närvarande.",
        "data_gaps": "Polisanmälda brott finns bara per DeSO, inte per plats i parken; "
        "trygghetsvandringens resultat saknas i underlaget.",
    },
    {
        "title": "Berusning och ordningsstörningar vid Stora torget och resecentrum",
        "places": ("Stora torget", "Sala resecentrum"),
        "categories": "ORD, SAM",
        "crime_types": "Brott mot allmän ordning m.m.",
        "description": "Ordningsstörningar, berusning och olovliga sovplatser i centrum, med "
        "en topp under helgkvällar och vid arrangemang.",
        "place": "Väntsal och perrong öppna dygnet runt; torgets bänkar och skydd under tak.",
        "offender": "Vuxna med missbruk samt unga i grupp under helgkvällar.",
        "target": "Resenärer, handlare och personal i kollektivtrafiken.",
        "guardian": "Trafikbolaget och fastighetsägaren (hanterare av platsen); "
        "ordningsvakter saknas.",
        "causes": "Platser som lockar till vistelse utan naturlig tillsyn; brist på "
        "alternativa mötesplatser kvällstid.",
        "data_gaps": "Medborgardialogen om centrum är inte sammanställd.",
    },
    {
        "title": "Skadegörelse och klotter vid skolorna",
        "places": ("Vallaskolan", "Ekebyskolan", "Kungsängsgymnasiet"),
        "categories": "SKA, SAM",
        "crime_types": "Skadegörelsebrott",
        "description": "Klotter, glaskross och samlingar på skolgårdarna kvällar och helger.",
        "place": "Skolgårdar som är öppna och obevakade efter skoltid, med skymda fasader.",
        "offender": "Unga i grupp, ofta elever eller tidigare elever.",
        "target": "Skolbyggnaderna och deras fönster; elever och personal dagen efter.",
        "guardian": "Fastighetsförvaltningen och skolans ledning; fritidsgårdarnas personal.",
        "causes": "Få vuxna på skolgårdarna kvällstid och långsam sanering som gör klotter "
        "synligt länge.",
        "data_gaps": "",
    },
)
# (problem index, action title or None, text, responsible kind, follow-up)
MEASURES = (
    (
        0,
        "Förbättrad belysning vid gångtunneln",
        "",
        "kommun",
        "Trygghetsvandring före och efter; antal rapporter per månad",
    ),
    (
        0,
        None,
        "Röjning av buskage och kvällsaktiviteter i parken i samarbete med föreningar",
        "kommun",
        "Rapporter om samlingar i parken jämförs med föregående period",
    ),
    (
        1,
        "Fältassistenter kvällstid vid torget",
        "",
        "kommun",
        "Fältassistenternas rapporter och EST-gruppens veckobild",
    ),
    (
        1,
        "Trygghetsvandring med boende",
        "",
        "bostad",
        "Vandringens iakttagelser åtgärdas inom 30 dagar",
    ),
    (
        2,
        "Klottersanering inom 24 timmar",
        "",
        "bostad",
        "Andel klotter sanerat inom ett dygn; antal rapporter om klotter",
    ),
)
TEXTS = {
    "summary": "Sala har under perioden en koncentration av otrygghet och ordningsstörningar i "
    "centrum: Stadsparken, Stora torget och resecentrum, samt skadegörelse vid skolorna. "
    "Anmälda brott per invånare ligger nära tidigare år enligt Brå. Tre problem prioriteras.",
    "consequences": "Brotten och ordningsstörningarna gör att boende och resenärer undviker "
    "centrum kvällstid, vilket minskar den naturliga tillsynen. Skadegörelsen vid skolorna kostar "
    "kommunen i sanering och reparationer och påverkar elevers och personals trygghet.",
    "other_information": "Polisens operativa inriktning har under perioden prioriterat "
    "narkotikaförsäljning och ungdomsgrupperingar kvällstid. Skolorna och Salabostäder bidrar "
    "med egna iakttagelser via EST-rapporteringen.",
    "analysis": "Problemen samlas i några få platser i centrum och vid skolorna, med toppar "
    "fredag och lördag kväll. Platsernas utformning (skymda ytor, belysning) och avsaknaden av "
    "vuxna kvällstid är gemensamma orsaker. Polisens händelsenotiser är ett urval och används "
    "inte som mått på brottsligheten.",
    "police_cooperation": "Lägesbilden är framtagen tillsammans med kommunpolisen i EST-gruppen "
    "och förankrad i medborgarlöftet mellan Sala kommun och Polisen.",
    "follow_up": "Åtgärdsplanen följs upp var tredje månad i styrgruppen, i samband med "
    "uppföljningen av inriktningsbeslutet, och i sin helhet när nästa lägesbild tas fram.",
}


def _area_of(m: Municipality, place_name: str) -> Area | None:
    place = Place.objects.filter(municipality=m, name=place_name).first()
    if place is None:
        return None
    point = Point(place.lon, place.lat)
    for area in Area.objects.filter(municipality=m, kind=Area.Kind.DESO):
        if area.geometry and shape(area.geometry).contains(point):
            return area
    return None


def _org(m: Municipality, kind: str) -> Organisation | None:
    return (
        Organisation.objects.filter(municipality=m, kind=kind, active=True).order_by("pk").first()
    )


@transaction.atomic
def load_lagesbild_demo(sala: Municipality, today: date | None = None) -> bool:
    """Sala's problems, plan and lägesbild, once; False when they are already there."""
    if Problem.objects.filter(municipality=sala).exists():
        return False
    today = today or timezone.localdate()
    problems = []
    for position, spec in enumerate(PROBLEMS, start=1):
        fields = {k: v for k, v in spec.items() if k != "places"}
        problem = Problem.objects.create(municipality=sala, position=position, **fields)
        problem.areas.set({a for name in spec["places"] if (a := _area_of(sala, name))})
        problems.append(problem)
    for index, title, text, kind, follow_up in MEASURES:
        action = Action.objects.filter(municipality=sala, title=title).first() if title else None
        measure = PlanMeasure.objects.create(
            municipality=sala,
            problem=problems[index],
            text=text or (action.title if action else ""),
            responsible=action.responsible_organisation if action else _org(sala, kind),
            start=action.start if action and action.start else today,
            end=action.end if action and action.end else today + timedelta(days=180),
            follow_up=follow_up,
            action=action,
            decision=action.decision if action else None,
            status=action.status if action else "planned",
        )
        StatusChange.objects.create(measure=measure, status="planned", on=measure.start or today)
        if measure.status != "planned":
            StatusChange.objects.create(measure=measure, status=measure.status, on=today)
    start, end = default_period(today)
    lagesbild = Lagesbild.objects.create(municipality=sala, start=start, end=end, **TEXTS)
    record(None, "create", lagesbild, summary="demo lägesbild, problems and action plan")
    falun = Municipality.objects.filter(code="2080").first()
    if falun and not Lagesbild.objects.filter(municipality=falun).exists():
        Lagesbild.objects.create(municipality=falun, start=start, end=end)
    return True


# Sala's police-reported crime per DeSO is not open data: the demo makes a synthetic delivery
# in the police's format, weighted by where the EST reports are, and says so in its file name.
SYNTHETIC_CRIMES = "brott_per_deso_sala_1981_syntetisk.csv"
# (crime code, crimes per month in the whole kommun)
CRIME_RATES = (
    ("1209", 14),
    ("1212", 10),
    ("5010", 18),
    ("5011", 12),
    ("853", 16),
    ("880", 14),
    ("357", 6),
    ("9459", 4),
    ("3853", 8),
)
HEADER = (
    "LPO/Sektion nivå 4 brottsplats",
    "Län",
    "Kommunnamn",
    "Kommunkod",
    "desokod",
    "Brottskod",
    "Brottskod text",
    "Inskr år",
    "Inskr årmånad",
    "Inskrivningsdatum",
    "Brottsdatum från",
    "Brottsdatum till",
    "antal_brott",
    "kallfil",
    "regsonamn",
)


def synthetic_crime_rows(sala: Municipality, today: date) -> list[tuple[Any, ...]]:
    """Four years of monthly counts per DeSO and crime code, reproducible (seeded)."""
    import numpy as np
    from django.db.models import Count

    from trygg.police.codes import shipped

    areas = list(
        Area.objects.filter(municipality=sala, kind=Area.Kind.DESO)
        .annotate(n=Count("events"))
        .order_by("code")
    )
    if not areas:
        return []
    weights = np.array([a.n + 2.0 for a in areas])
    weights /= weights.sum()
    rng = np.random.default_rng(1981)
    names = shipped()
    rows = []
    month = date(today.year - 4, today.month, 1)
    while month <= today:
        for code, rate in CRIME_RATES:
            counts = rng.multinomial(rng.poisson(rate), weights)
            for area, n in zip(areas, counts, strict=True):
                if not n:
                    continue
                day = min(month + timedelta(days=int(rng.integers(0, 28))), today)
                text = names[code].name if code in names else code
                rows.append(
                    (
                        "LPO Sala",
                        "Västmanland",
                        "Sala",
                        "1981",
                        area.code,
                        code,
                        text,
                        day.year,
                        f"{day:%Y%m}",
                        day.isoformat(),
                        day.isoformat(),
                        day.isoformat(),
                        int(n),
                        SYNTHETIC_CRIMES,
                        "",
                    )
                )
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


def load_synthetic_crimes(sala: Municipality, stdout: Any, today: date | None = None) -> None:
    """Import the synthetic delivery once (idempotent, like the other demo imports)."""
    import csv
    import tempfile
    from pathlib import Path

    from trygg.imports.engine import run_import
    from trygg.imports.kommuner import Targets

    if PoliceCrime.objects.filter(municipality=sala, batch__file_name=SYNTHETIC_CRIMES).exists():
        return
    rows = synthetic_crime_rows(sala, today or timezone.localdate())
    if not rows:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / SYNTHETIC_CRIMES
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(rows)
        outcome = run_import(
            path, source="police-crimes", targets=Targets([sala]), name=SYNTHETIC_CRIMES
        )
    stdout.write(f"Sala: synthetic police-reported crime per DeSO: {outcome.counts}")


def remove_synthetic_crimes(m: Municipality) -> None:
    """`trygg demo --reset`: the synthetic delivery goes with the areas it refers to."""
    PoliceCrime.objects.filter(municipality=m, batch__file_name=SYNTHETIC_CRIMES).delete()
