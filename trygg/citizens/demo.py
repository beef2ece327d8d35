"""Demo citizen promises for Sala, in the words of Sala's real promises (sala.se/est):
2024 januari–juni, signed on 22 January 2024, and the promise of the current half-year with
commitments linked to the demo's actions. Also publishes the demo cycle's direction decision
and follow-up, so that `/kommun/1981/` is full. Idempotent."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from trygg.audit.services import record
from trygg.cycle.models import Action, DirectionDecision, Evaluation, FollowUp
from trygg.tenants.models import Organisation

from .models import CitizenPromise, Commitment, Progress, PublishedDirection, PublishedFollowUp

FIRST_PERIOD = "2024 januari–juni"
SIGNATORIES = (
    "Kommunstyrelsens ordförande, Sala kommun\n"
    "Lokalpolisområdeschef, lokalpolisområde Norra Västmanland"
)
INTRO_2024 = (
    "Medborgarlöftena är ett komplement till den samverkansöverenskommelse som finns mellan "
    "lokalpolisområde Norra Västmanland och Sala kommun och syftar till att minska "
    "brottsligheten och öka tryggheten i kommunen. Inför medborgarlöftena 2024 har en "
    "medborgardialog i Sala kommun genomförts. Resultaten av medborgardialogen har vägts in "
    "under arbetet med att ta fram löftena.\n"
    "Medborgarlöftena riktar sig till kommunens samtliga invånare men polisen och kommunen "
    "vill i synnerhet rikta sina insatser mot ungdomar i Sala kommun."
)
# (text, party, organisation kind, status, public note, [(days after start, published, text)])
COMMITMENTS_2024 = [
    (
        "Polisen och kommunen lovar att tillsammans genomföra föräldramöten för vårdnadshavare "
        "till elever i årskurs 5 och 6 med fokus på information kring kriminalitet och "
        "narkotika. Syftet är att öka vårdnadshavarnas kunskap och därigenom minska risken för "
        "att ungdomar ska hamna i kriminalitet eller missbruk.",
        "kommun", "skola", "done",
        "Föräldramöten hölls på kommunens skolor med årskurs 5 och 6 under våren.",
        [(45, True, "Första föräldramötet hölls, med kommunpolisen och skolans kurator."),
         (110, True, "De sista föräldramötena hölls; vårdnadshavare från alla skolor deltog.")],
    ),
    (
        "Polisen och kommunen lovar att tillsammans under perioden genomföra en "
        "trygghetsvandring i och omkring lokalerna på de två gymnasieskolorna i kommunen: "
        "Kungsängsgymnasiet och Ösby naturbruksgymnasium. Trygghetsvandringen görs i syfte att "
        "identifiera och upptäcka otrygga platser samt för att vidta åtgärder för att öka "
        "tryggheten och minska risken för brott i dessa miljöer.",
        "kommun", "kommun", "done",
        "Trygghetsvandringar genomfördes på båda skolorna; belysningen vid cykelstället vid "
        "Kungsängsgymnasiet har förbättrats.",
        [(60, True, "Trygghetsvandring vid Kungsängsgymnasiet med elever och personal."),
         (75, True, "Trygghetsvandring vid Ösby naturbruksgymnasium."),
         (120, True, "Belysningen vid cykelstället har bytts ut efter vandringen.")],
    ),
    (
        "Polisen lovar att fortsatt vara närvarande i skolorna i Sala kommun. Behovet av utökad "
        "polisiär närvaro uttrycks genom EST-samarbetet och beslutas i polisens operativa "
        "ledningsgrupp. 20-minutersmetoden kan användas som arbetssätt under perioder med "
        "ökade problem i en skola.",
        "polis", "polis", "done",
        "Polisen besökte skolorna regelbundet under hela perioden.",
        [(90, True, "Skolbesök enligt 20-minutersmetoden på flera skolor under våren.")],
    ),
]  # fmt: skip
# (text, party, organisation kind, status, public note, action titles, progress)
COMMITMENTS_CURRENT = [
    (
        "Polisen och kommunen lovar att tillsammans aktivt arbeta för att bibehålla och "
        "utveckla EST (Effektiv samordning för trygghet). Lägesbilden som tas fram ska utgöra "
        "en av grundpelarna för polisens brottsförebyggande arbete och ligga till grund för "
        "kommunens kartläggning och åtgärdsplan enligt lagen (2023:196) om kommuners ansvar "
        "för brottsförebyggande arbete.",
        "kommun", "kommun", "in_progress",
        "EST-mötena hålls varannan vecka och lägesbilden används i styrgruppens beslut.",
        ["Klottersanering inom 24 timmar", "Förbättrad belysning vid gångtunneln"],
        [(20, True, "Styrgruppen fattade ett nytt inriktningsbeslut utifrån lägesbilden."),
         (35, False, "Intern avstämning av rapporteringen från bostadsbolaget.")],
    ),
    (
        "Polisen och kommunen lovar att tillsammans under perioden genomföra en "
        "trygghetsvandring i och omkring lokalerna på Valla- och Ekebyskolan samt på Lärkan "
        "och idrottshallen. Trygghetsvandringen görs i syfte att identifiera och upptäcka "
        "otrygga platser samt för att vidta åtgärder för att öka tryggheten och minska risken "
        "för brott i dessa miljöer.",
        "kommun", "kommun", "planned", "",
        ["Trygghetsvandring med boende"],
        [],
    ),
    (
        "Polisen lovar att närvara på skolorna i Sala kommun genom att genomföra skolbesök "
        "enligt 20-minutersmetoden, där minst en skola besöks under minst 20 minuter någon "
        "gång under dag- och kvällspass när arbetsbelastningen tillåter detta.",
        "polis", "polis", "in_progress",
        "Skolbesök görs varje vecka; närvaron kvällstid vid torget har ökat.",
        ["Riktad polisnärvaro fredag–lördag kväll", "Fältassistenter kvällstid vid torget"],
        [(30, True, "Skolbesök enligt 20-minutersmetoden på Vallaskolan och Ekebyskolan.")],
    ),
]  # fmt: skip
INTRO_CURRENT = (
    "Medborgarlöftena är ett komplement till samverkansöverenskommelsen mellan "
    "lokalpolisområde Norra Västmanland och Sala kommun. Salas medborgarlöfte uppdateras två "
    "gånger per år och bygger på EST-lägesbilden och på vad invånarna har berättat i "
    "medborgardialogen."
)
FOLLOWUP_TEXT = (
    "Under perioden har klotter sanerats inom ett dygn och polisen har varit närvarande vid "
    "torget fredag och lördag kväll. Boende berättar att de upplever färre grupperingar vid "
    "torget. Arbetet fortsätter under nästa period."
)


def _half_year(today: date) -> tuple[str, date, date]:
    if today.month <= 6:
        return f"{today.year} januari–juni", date(today.year, 1, 1), date(today.year, 6, 30)
    return f"{today.year} juli–december", date(today.year, 7, 1), date(today.year, 12, 31)


def _org(municipality: Any, kind: str) -> Organisation | None:
    orgs = Organisation.objects.filter(municipality=municipality, active=True).order_by("pk")
    names = {"skola": "Bildning och lärande"}
    if kind in names and (org := orgs.filter(name=names[kind]).first()):
        return org
    return orgs.filter(kind=kind).first() or orgs.filter(kind="kommun").first()


def _promise(
    municipality: Any, period: str, first: date, last: date, signed: date, intro: str
) -> Any:
    return CitizenPromise.objects.create(
        municipality=municipality, period=period, starts_on=first, ends_on=last,
        signed_on=signed, signatories=SIGNATORIES, intro=intro, published=True,
    )  # fmt: skip


def _progress(commitment: Commitment, start: date, today: date, rows: list[Any]) -> None:
    evaluation = Evaluation.objects.filter(
        followup__municipality=commitment.promise.municipality
    ).first()
    for days, published, text in rows:
        day = min(start + timedelta(days=days), today)
        Progress.objects.create(
            commitment=commitment, date=day, text=text, published=published,
            evaluation=evaluation if "inriktningsbeslut" in text else None,
        )  # fmt: skip


@transaction.atomic
def load_citizens_demo(municipality: Any, today: date | None = None) -> bool:
    """Create the demo promises once; False when they are already there."""
    if CitizenPromise.objects.filter(municipality=municipality, period=FIRST_PERIOD).exists():
        return False
    today = today or timezone.localdate()
    first = _promise(
        municipality, FIRST_PERIOD, date(2024, 1, 1), date(2024, 6, 30), date(2024, 1, 22),
        INTRO_2024,
    )  # fmt: skip
    for position, (text, party, kind, status, note, progress) in enumerate(COMMITMENTS_2024, 1):
        c = Commitment.objects.create(
            promise=first, position=position, text=text, party=party,
            organisation=_org(municipality, kind), status=status, public_note=note,
        )  # fmt: skip
        _progress(c, first.starts_on, today, progress)
    period, start, end = _half_year(today)
    current = _promise(municipality, period, start, end, start - timedelta(days=10), INTRO_CURRENT)
    for position, row in enumerate(COMMITMENTS_CURRENT, 1):
        text, party, kind, status, note, titles, progress = row
        c = Commitment.objects.create(
            promise=current, position=position, text=text, party=party,
            organisation=_org(municipality, kind), status=status, public_note=note,
        )  # fmt: skip
        c.actions.set(Action.objects.filter(municipality=municipality, title__in=titles))
        _progress(c, start, today, progress)
    _publish_cycle(municipality)
    record(None, "create", current, summary="demo citizen promises")
    return True


def _publish_cycle(municipality: Any) -> None:
    direction = DirectionDecision.objects.filter(municipality=municipality).first()
    if direction:
        PublishedDirection.objects.get_or_create(direction=direction)
    followup = FollowUp.objects.filter(municipality=municipality).first()
    if followup:
        PublishedFollowUp.objects.get_or_create(followup=followup, defaults={"text": FOLLOWUP_TEXT})
