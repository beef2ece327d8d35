"""Demo safety walks in Sala: the synthetic walk reports tied to walks (routes through their
findings, participants by organisation), actions agreed after the autumn walk in darkness,
and a walk planned for the coming weeks. Idempotent."""

from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from trygg.areas.models import Place
from trygg.cycle.models import Action
from trygg.reports.models import Report, Source
from trygg.tenants.access import Access, access_municipality
from trygg.tenants.models import Municipality, Organisation

from . import services
from .models import Finding, Light, SafetyWalk
from .services import Taking

COORDINATOR = "samordnare"
# Who walks: organisation name -> (number, roles).
WALKERS = {
    "Kommunstyrelsens förvaltning": (2, "trygghetssamordnare, fritidsgård"),
    "Teknisk service": (1, "gatu- och parkenheten"),
    "Salabostäder AB": (2, "fastighetsskötare, trygghetsvärd"),
    "Polisen LPO Norra Västmanland": (1, "kommunpolis"),
    "Bildning och lärande": (1, "rektor"),
}
# What the feedback meeting agrees for a finding's category: (title, organisation, status).
AGREED = {
    "PLA.BEL": ("Byt trasig belysning längs gångvägen", "Teknisk service", Action.Status.DONE),
    "PLA.BUS": ("Röj buskaget som skymmer sikten", "Teknisk service", Action.Status.ONGOING),
    "SKA.KLO": ("Sanera klotter inom 48 timmar", "Salabostäder AB", Action.Status.DONE),
    "PLA.ODE": ("Se över vägvisningen", "Kommunstyrelsens förvaltning", Action.Status.PLANNED),
    "PLA.NED": ("Fler papperskorgar och tätare tömning", "Teknisk service", Action.Status.PLANNED),
}  # fmt: skip


def _access(m: Municipality) -> Access | None:
    user = get_user_model().objects.filter(username=COORDINATOR).first()
    if user is None:
        return None
    try:
        return access_municipality(user, m.code)
    except Http404:  # no coordinator in this municipality: no demo walks
        return None


def _walkers(m: Municipality, school: bool) -> list[Taking]:
    orgs = {o.name: o for o in Organisation.objects.filter(municipality=m)}
    return [
        Taking(orgs[name], count, roles)
        for name, (count, roles) in WALKERS.items()
        if name in orgs and (school or name != "Bildning och lärande")
    ]


@transaction.atomic
def load_walks_demo(m: Municipality, today: date | None = None) -> bool:
    """Create the demo walks once; False when they are already there (or cannot be made)."""
    if SafetyWalk.objects.filter(municipality=m).exists():
        return False
    access = _access(m)
    if access is None:
        return False
    today = today or timezone.localdate()
    reports = Report.objects.filter(municipality=m, source=Source.WALK).order_by("created_at")
    walks = [
        walk
        for report in reports.prefetch_related("events")
        if (walk := _done_walk(access, report))
    ]
    dark = [w for w in walks if w.light == Light.DARKNESS] or walks
    if dark:
        _agree(access, dark[-1], today)
    _planned(access, today)
    return True


def _done_walk(access: Access, report: Report) -> SafetyWalk | None:
    events = sorted(report.events.all(), key=lambda e: e.observed_from)
    if not events:
        return None
    first = events[0]
    place = first.place
    local = timezone.localtime(first.observed_from)
    day, start = local.date(), time(local.hour, 0)
    route: dict[str, Any] | None = None
    if len(events) > 1:
        route = {
            "type": "LineString",
            "coordinates": [[round(e.lon, 6), round(e.lat, 6)] for e in events],
        }
    name = place.name if place else access.municipality.name
    walk = SafetyWalk(
        title=f"Trygghetsvandring {name}",
        area=first.area,
        place=place,
        route=route,
        route_description=f"Runt {name}: skolgården, gångvägar, cykelställ och parkering.",
        date=day,
        start_time=start,
        light=services.default_light(access.municipality, day, start),
        residents=8,
        status=SafetyWalk.Status.DONE,
        feedback_date=day + timedelta(days=14),
    )
    school = bool(place and place.kind == Place.Kind.SCHOOL) if place else False
    services.save_walk(access, walk, _walkers(access.municipality, school))
    Finding.objects.bulk_create(
        Finding(walk=walk, event=e, number=n) for n, e in enumerate(events, start=1)
    )
    return walk


def _agree(access: Access, walk: SafetyWalk, today: date) -> None:
    walk.feedback_notes = (
        "Återkopplingsmöte med deltagarna. Mörka partier och skymd sikt upplevs som "
        "mest otrygga; klotter saneras löpande."
    )
    walk.save(update_fields=["feedback_notes"])
    orgs = {o.name: o for o in Organisation.objects.filter(municipality=walk.municipality)}
    seen: set[str] = set()
    for finding in walk.findings.select_related("event__category", "event__subcategory"):
        code = (finding.event.subcategory or finding.event.category).code
        if code not in AGREED or code in seen or AGREED[code][1] not in orgs:
            continue
        seen.add(code)
        title, org, status = AGREED[code]
        end = (walk.feedback_date or today) + timedelta(days=30)
        agreed = services.agree_action(
            access, walk, title=title, organisation=orgs[org], end=end, finding=finding
        )
        if status != Action.Status.PLANNED:
            agreed.action.status = status
            agreed.action.save(update_fields=["status"])


def _planned(access: Access, today: date) -> None:
    m = access.municipality
    places = {p.name: p for p in Place.objects.filter(municipality=m)}
    square, station = places.get("Stora torget"), places.get("Sala resecentrum")
    route: Any = None
    if square and station:
        middle = [(square.lon + station.lon) / 2 + 0.001, (square.lat + station.lat) / 2]
        route = {
            "type": "LineString",
            "coordinates": [[square.lon, square.lat], middle, [station.lon, station.lat]],
        }
    day = today + timedelta(days=(1 - today.weekday()) % 7 + 14)  # a Tuesday in two weeks
    start = time(18, 30)
    walk = SafetyWalk(
        title="Trygghetsvandring Stora torget – resecentrum",
        place=square,
        area=_area_of(square),
        route=route,
        route_description="Från Stora torget via gågatan och stationsområdet till resecentrum.",
        date=day,
        start_time=start,
        light=services.default_light(m, day, start),
        residents=10,
    )
    services.save_walk(access, walk, _walkers(m, school=False))


def _area_of(place: Place | None) -> Any:
    event = place.events.select_related("area").first() if place else None
    return event.area if event else None
