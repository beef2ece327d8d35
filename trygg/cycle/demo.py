"""Demo data of the EST cycle: a meeting series with past meetings, decisions, actions in
every state (some overdue), the police's operational direction, a direction decision for the
current period, influence ratings, a follow-up and the mobile guards' week. Idempotent."""

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from trygg.areas.models import Area
from trygg.audit.services import record
from trygg.tenants.models import Organisation

from . import models as m
from .periods import current_period, previous_period, week_of

SERIES_NAME = "EST-möte"


def _orgs(municipality: Any) -> dict[str, Organisation]:
    orgs = Organisation.objects.filter(municipality=municipality, active=True).order_by("pk")
    by_kind: dict[str, Organisation] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, org)
    fallback = orgs.first()
    assert fallback is not None, "the demo municipality needs organisations"
    for kind in ("kommun", "polis", "bostad", "bevakning"):
        by_kind.setdefault(kind, by_kind.get("kommun", fallback))
    return by_kind


def _top_areas(municipality: Any, n: int = 4) -> list[Area]:
    areas = (
        Area.objects.filter(municipality=municipality, events__isnull=False)
        .annotate(n=Count("events"))
        .order_by("-n", "code")[:n]
    )
    found: list[Area] = list(areas)
    if len(found) < n:
        found += list(Area.objects.filter(municipality=municipality).exclude(
            pk__in=[a.pk for a in found]
        )[: n - len(found)])  # fmt: skip
    return found


@transaction.atomic
def load_cycle_demo(municipality: Any, today: date | None = None) -> bool:
    """Create the demo cycle once; False when it is already there."""
    if m.MeetingSeries.objects.filter(municipality=municipality, name=SERIES_NAME).exists():
        return False
    today = today or timezone.localdate()
    orgs = _orgs(municipality)
    areas = _top_areas(municipality)
    if len(areas) < 2:
        return False
    m.CycleSettings.objects.get_or_create(municipality=municipality)
    series = _series(municipality, today)
    opdir = m.OperationalDirection.objects.create(
        municipality=municipality,
        start=today - timedelta(days=today.weekday()),
        end=today - timedelta(days=today.weekday()) + timedelta(days=13),
        phenomena="Narkotikaförsäljning och ungdomsgrupperingar kvällstid; skadegörelse.",
        places=f"{areas[0].label}, resecentrum",
    )
    meetings = _meetings(municipality, series, today, orgs, areas)
    _actions(municipality, meetings, orgs, areas, opdir, today)
    direction = _direction(municipality, meetings[-1], orgs, areas, today)
    _followup(municipality, direction, meetings[0], areas, today)
    _guards(municipality, areas, today)
    record(None, "create", series, summary="demo cycle")
    return True


def _series(municipality: Any, today: date) -> m.MeetingSeries:
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=8) + timedelta(days=1)
    series = m.MeetingSeries.objects.create(
        municipality=municipality, kind=m.MeetingKind.EST, name=SERIES_NAME,
        recurrence=m.Recurrence.BIWEEKLY, first_date=first, start_time=time(9, 0),
        duration_minutes=60, location="Stadshuset, rum Ekeby",
    )  # fmt: skip
    m.MeetingSeries.objects.create(
        municipality=municipality, kind=m.MeetingKind.STEERING, name="Styrgrupp EST",
        recurrence=m.Recurrence.QUARTERLY, first_date=first + timedelta(days=2),
        start_time=time(13, 0), duration_minutes=120, location="Stadshuset",
    )  # fmt: skip
    return series


def _meetings(
    municipality: Any, series: m.MeetingSeries, today: date, orgs: dict[str, Organisation],
    areas: list[Area],
) -> list[m.Meeting]:  # fmt: skip
    meetings = []
    for i in range(5):
        day = series.first_date + timedelta(weeks=2 * i)
        held = day <= today
        meeting = m.Meeting.objects.create(
            municipality=municipality, series=series, date=day,
            status=m.Meeting.Status.HELD if held else m.Meeting.Status.PLANNED,
            information="Polisen informerar om ökad närvaro vid resecentrum." if held else "",
            minutes="Genomgång av veckobilden och uppföljning av insatser." if held else "",
        )  # fmt: skip
        meetings.append(meeting)
        if not held:
            continue
        for function, org in [
            ("EST-samordnare", orgs["kommun"]), ("Kommunpolis", orgs["polis"]),
            ("Områdesansvarig", orgs["bostad"]), ("Trygghetsvärdar", orgs["bevakning"]),
        ]:  # fmt: skip
            m.Attendance.objects.create(meeting=meeting, function=function, organisation=org)
        m.Assessment.objects.create(
            meeting=meeting, area=areas[0], level="red" if i % 2 else "yellow",
            text="Fortsatt skadegörelse och ungdomar som samlas kvällstid.",
        )  # fmt: skip
        m.Assessment.objects.create(meeting=meeting, area=areas[1], level="green", text="Lugnt.")
        m.Priority.objects.create(
            meeting=meeting, position=1, area=areas[0], place="Torget",
            description="Närvaro fredag–lördag kväll", responsible_organisation=orgs["polis"],
        )  # fmt: skip
        m.Priority.objects.create(
            meeting=meeting, position=2, area=areas[1], description="Belysning och klotter",
            responsible_organisation=orgs["bostad"],
        )  # fmt: skip
    return meetings


ACTIONS = [
    # (meeting index, title, org kind, status, start offset, end offset, internal, outcome)
    (0, "Klottersanering inom 24 timmar", "bostad", "done", -55, -30, False,
     "Allt anmält klotter sanerat inom ett dygn."),
    (1, "Förbättrad belysning vid gångtunneln", "kommun", "ongoing", -40, -5, False, ""),
    (1, "Riktad polisnärvaro fredag–lördag kväll", "polis", "ongoing", -40, 10, True, ""),
    (2, "Trygghetsvandring med boende", "bostad", "planned", -10, -2, False, ""),
    (2, "Fältassistenter kvällstid vid torget", "kommun", "planned", 0, 30, False, ""),
    (3, "Extra rondering av trygghetsvärdar", "bevakning", "cancelled", -5, 5, False,
     "Ersatt av polisens närvaro."),
]  # fmt: skip


def _actions(
    municipality: Any, meetings: list[m.Meeting], orgs: dict[str, Organisation],
    areas: list[Area], opdir: m.OperationalDirection, today: date,
) -> None:  # fmt: skip
    for index, title, kind, status, start, end, internal, outcome in ACTIONS:
        meeting = meetings[min(index, len(meetings) - 1)]
        area = areas[0] if index % 2 == 0 else areas[1]
        decision = m.Decision.objects.create(
            municipality=municipality, meeting=meeting, text=f"Beslut: {title.lower()}.",
            area=area, responsible_organisation=orgs[kind],
        )  # fmt: skip
        action = m.Action.objects.create(
            municipality=municipality, title=title, area=area, decision=decision,
            responsible_organisation=orgs[kind], status=status, internal=internal,
            start=today + timedelta(days=start), end=today + timedelta(days=end),
            effort="20 timmar" if status == "done" else "", outcome=outcome,
            reason="Upprepade rapporter i veckobilden.",
            operational_direction=opdir if kind == "polis" else None,
        )  # fmt: skip
        action.events.set(area.events.order_by("-observed_from")[:3])


def _direction(
    municipality: Any, meeting: m.Meeting, orgs: dict[str, Organisation], areas: list[Area],
    today: date,
) -> m.DirectionDecision:  # fmt: skip
    period = current_period(municipality, today)
    direction = m.DirectionDecision.objects.create(
        municipality=municipality, period=period, decided_on=today - timedelta(days=20),
        summary="Fokus på centrum kvällstid och på skadegörelse i bostadsområdena.",
        municipal_responsibility="Fältassistenter, belysning, fritidsgårdarnas öppettider.",
        police_responsibility="Riktad närvaro enligt operativ inriktning; lokal lägesbild.",
        others_responsibility="Bostadsbolaget: sanering och trygghetsvandringar.",
    )  # fmt: skip
    for position, (problem, area, party, org) in enumerate(
        [
            ("Ungdomar som samlas och stör kvällstid", areas[0], "polis", orgs["polis"]),
            ("Skadegörelse och klotter", areas[1], "ovriga", orgs["bostad"]),
            ("Otrygghet vid gångtunnlar", areas[1], "kommun", orgs["kommun"]),
        ],
        start=1,
    ):
        m.DirectionProblem.objects.create(
            direction=direction, position=position, problem=problem, area=area, party=party,
            organisation=org,
        )  # fmt: skip
    for rating, area in zip([4, 2, 3, 5], areas, strict=False):
        m.InfluenceRating.objects.create(
            municipality=municipality, period=period, area=area, rating=rating
        )
    m.Decision.objects.filter(municipality=municipality).update(direction=direction)
    return direction


def _followup(
    municipality: Any, direction: m.DirectionDecision, meeting: m.Meeting, areas: list[Area],
    today: date,
) -> None:  # fmt: skip
    followup = m.FollowUp.objects.create(
        municipality=municipality, period=previous_period(direction.period),
        direction=direction,
        notes="Boende upplever färre grupperingar vid torget; klottret saneras snabbare.",
        feedback="Tack till bostadsbolaget för snabb sanering. Polisen fortsätter närvaron.",
    )  # fmt: skip
    decision = m.Decision.objects.filter(meeting=meeting).first()
    m.Evaluation.objects.create(
        followup=followup, decision=decision, target_area=areas[0], control_area=areas[2],
        buffer_area=areas[1] if len(areas) > 3 else None, intervention_date=meeting.date,
        before_days=56, after_days=56, notes="Jämfört med ett liknande område utan insats.",
    )  # fmt: skip


def _guards(municipality: Any, areas: list[Area], today: date) -> None:
    monday = today - timedelta(days=today.weekday())
    for offset, area in [(4, areas[0]), (5, areas[0]), (5, areas[1])]:
        day = monday + timedelta(days=offset)
        m.GuardShift.objects.create(
            municipality=municipality, week=week_of(day), day=day, start_time=time(20, 0),
            end_time=time(23, 0), area=area, place=area.label,
            note="Ur veckobildens mest utsatta områden.",
        )  # fmt: skip
