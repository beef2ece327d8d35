"""Loading and removing the demo: the scenario's municipalities, areas, places, accounts and
two years of synthetic reports, written with the same services and models as real data."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import shapely
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import shape

from trygg.areas.geo import SWEREF99TM, WGS84, area_index, reproject, to_sweref
from trygg.areas.models import Area, Place
from trygg.areas.services import import_areas, import_places
from trygg.audit.services import record
from trygg.reports.models import Category, Event, Report, Source
from trygg.tenants.models import Municipality, Organisation, Role
from trygg.tenants.services import add_member, create_municipality, save_organisation
from trygg.tips.demo import add_demo_tips

from .scenario import DATA, PASSWORD, SCENARIOS, Scenario
from .synthetic import Draft, Generator, Geography

BATCH = 500
CLIENT_KEY = "demo-"  # marks the demo's reports
REPORTING_ROLES = (Role.REPORTER, Role.COORDINATOR, Role.POLICE, Role.ADMIN)
Step = tuple[str, Callable[[], None]]


class DemoConflict(Exception):
    """Real data is in the way of the demo."""


def usernames() -> list[str]:
    return [a.username for s in SCENARIOS for a in s.accounts]


def is_loaded() -> bool:
    first = SCENARIOS[0]
    return Report.objects.filter(
        municipality__code=first.code, client_key__startswith=CLIENT_KEY
    ).exists()


def check_free() -> None:
    """Refuse to mix the demo into municipalities or accounts that already exist."""
    for s in SCENARIOS:
        m = Municipality.objects.filter(code=s.code).first()
        if m and (m.areas.exists() or m.reports.exists() or m.organisations.exists()):
            raise DemoConflict(f"Kommun {s.code} ({m.name}) already has data.")
    taken = get_user_model().objects.filter(username__in=usernames())
    if taken.exists():
        raise DemoConflict(f"The user {taken.first()} already exists.")


def steps(now: datetime) -> list[Step]:
    """The loading steps, for a progress bar; run them in one transaction."""
    check_free()
    password = make_password(PASSWORD)  # hashed once: the demo accounts share it
    result: list[Step] = []
    for s in SCENARIOS:
        result += [
            (f"{s.name}: areas and places", partial(_load_map, s)),
            (f"{s.name}: organisations and users", partial(_load_people, s, password)),
            (f"{s.name}: reports", partial(_load_reports, s, now)),
        ]
    return result


def _municipality(s: Scenario) -> Municipality:
    return Municipality.objects.get(code=s.code)


def _load_map(s: Scenario) -> None:
    m = create_municipality(None, s.code, s.name, center=s.center)
    for file, kind in s.areas:
        import_areas(DATA / file, m, kind=kind)
    for file, kind in s.places:
        import_places(DATA / file, m, kind=kind)


def _load_people(s: Scenario, password: str) -> None:
    m = _municipality(s)
    orgs = {
        o.key: save_organisation(None, Organisation(municipality=m, name=o.name, kind=o.kind))
        for o in s.organisations
    }
    for account in s.accounts:
        user = get_user_model().objects.create(username=account.username, password=password)
        record(None, "create", user, municipality=m, summary=f"{account.username} (demo)")
        add_member(None, orgs[account.organisation], account.role, username=account.username)


def _load_reports(s: Scenario, now: datetime) -> None:
    m = _municipality(s)
    drafts = Generator(s, _geography(s, m), now).drafts()
    reports, created = _reports(s, m, drafts, now)
    events = _events(s, m, drafts, reports, created, now)
    tips = add_demo_tips(m, _moderator(s), now)
    record(
        None,
        "import",
        municipality=m,
        object_type="reports.report",
        summary=f"demo: {len(reports)} synthetic reports with {events} events, {tips} tips",
    )


def _moderator(s: Scenario) -> Any:
    account = next(a for a in s.accounts if a.role in (Role.COORDINATOR, Role.ADMIN))
    return get_user_model().objects.get(username=account.username)


def _geography(s: Scenario, m: Municipality) -> Geography:
    areas = list(m.areas.filter(kind=Area.Kind.DESO))
    metric = {a.code: reproject(shape(a.geometry), WGS84, SWEREF99TM) for a in areas}
    places = {p.name: to_sweref(p.lon, p.lat) for p in m.places.all()}
    populations = _tatort_populations(s)
    villages = [
        (p.name, *places[p.name], float(populations.get(p.name, 1)))
        for p in m.places.filter(kind=Place.Kind.LOCALITY).exclude(name=s.name)
    ]
    return Geography(
        places=places,
        towns=[(metric[a.code], a.population or 1) for a in areas if a.code in s.towns],
        villages=villages if s.villages else [],
        boundary=shapely.union_all(list(metric.values())),
    )


def _tatort_populations(s: Scenario) -> dict[str, int]:
    """Population per tätort, from Lantmäteriet's properties NAMN1 and BEF."""
    files = [file for file, kind in s.places if kind == Place.Kind.LOCALITY]
    features = [
        f for file in files for f in json.loads((DATA / file).read_text("utf-8"))["features"]
    ]
    return {f["properties"]["NAMN1"]: f["properties"]["BEF"] for f in features}


def _reports(
    s: Scenario, m: Municipality, drafts: list[Draft], now: datetime
) -> tuple[dict[int, Report], dict[int, datetime]]:
    """One Report per report number, with the time it was sent: after its last event ended."""
    orgs = {o.name: o for o in m.organisations.all()}
    by_key = {o.key: orgs[o.name] for o in s.organisations}
    reporters = _reporters(s)
    reports: dict[int, Report] = {}
    created: dict[int, datetime] = {}
    for d in drafts:
        sent = min(d.start + timedelta(minutes=d.minutes, hours=d.delay_h), now)
        created[d.report] = max(created.get(d.report, sent), sent)
        if d.report not in reports:
            reports[d.report] = Report(
                municipality=m,
                organisation=by_key.get(d.org or ""),
                reporter=reporters.get(d.org or ""),
                source=Source.WALK if d.walk else Source.REPORTER if d.org else Source.CITIZEN,
                client_key=f"{CLIENT_KEY}{d.report}",
            )
    Report.objects.bulk_create(reports.values(), batch_size=BATCH)
    _set_sent_times(reports, created)
    return reports, created


def _set_sent_times(reports: dict[int, Report], created: dict[int, datetime]) -> None:
    """created_at is auto_now_add, so bulk_create stamped "now": set the real times.

    One prepared UPDATE run for every row: bulk_update's CASE takes seconds for thousands.
    """
    ops = connection.ops
    table = ops.quote_name(Report._meta.db_table)
    column = ops.quote_name(str(Report._meta.get_field("created_at").column))
    sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608 (names from the model)
    rows = [(ops.adapt_datetimefield_value(created[n]), r.pk) for n, r in reports.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _reporters(s: Scenario) -> dict[str, Any]:
    """The account reporting for each organisation: its first one that may report."""
    users = get_user_model().objects.in_bulk(
        [a.username for a in s.accounts], field_name="username"
    )
    result: dict[str, Any] = {}
    for a in s.accounts:
        if a.role in REPORTING_ROLES:
            result.setdefault(a.organisation, users[a.username])
    return result


def _events(
    s: Scenario,
    m: Municipality,
    drafts: list[Draft],
    reports: dict[int, Report],
    created: dict[int, datetime],
    now: datetime,
) -> int:
    reviewer = next(a for a in s.accounts if a.role in (Role.COORDINATOR, Role.ADMIN))
    make = _EventMaker(m, get_user_model().objects.get(username=reviewer.username), now)
    originals = [make(d, reports[d.report], created[d.report]) for d in drafts]
    kept = [e for e, d in zip(originals, drafts, strict=True) if d.duplicate_of is None]
    Event.objects.bulk_create(kept, batch_size=BATCH)
    copies = []
    for event, d in zip(originals, drafts, strict=True):
        if d.duplicate_of is not None:
            event.duplicate_of = originals[d.duplicate_of]
            copies.append(event)
    Event.objects.bulk_create(copies, batch_size=BATCH)
    return len(kept) + len(copies)


class _EventMaker:
    """Turns drafts into unsaved Events: area derived from the point, as for a real report."""

    def __init__(self, m: Municipality, reviewer: Any, now: datetime):
        self.m = m
        self.reviewer = reviewer
        self.now = now
        self.index = area_index(m.pk)
        self.categories = {c.code: c for c in Category.objects.filter(municipality=m)}
        self.places = {p.name: p for p in m.places.all()}

    def __call__(self, d: Draft, report: Report, created: datetime) -> Event:
        area_id = self.index.locate(d.lon, d.lat, timezone.localdate(d.start))
        x, y = to_sweref(d.lon, d.lat)
        reviewed = created + timedelta(hours=d.review_h) if d.review_h is not None else None
        reviewed = reviewed if reviewed and reviewed <= self.now else None
        return Event(
            report=report,
            municipality=self.m,
            category=self.categories[d.code.split(".")[0]],
            subcategory=self.categories[d.code] if "." in d.code else None,
            observed_from=d.start,
            observed_to=d.start + timedelta(minutes=d.minutes),
            lat=d.lat,
            lon=d.lon,
            x=x,
            y=y,
            area_id=area_id,
            outside_areas=area_id is None,
            place=self.places.get(d.place or ""),
            people_count=d.people,
            youths=d.youths,
            insecurity=d.insecurity,
            police_called=d.police_called,
            crime_reported=d.crime_reported,
            description=d.description,
            reviewed_at=reviewed,
            reviewed_by=self.reviewer if reviewed else None,
        )


@transaction.atomic
def reset() -> None:
    """Remove the demo municipalities' data and the demo accounts.

    The municipalities themselves stay: their audit trail is append-only and refers to them.
    """
    for s in SCENARIOS:
        m = Municipality.objects.filter(code=s.code).first()
        if m:
            _remove(m)
    users = get_user_model().objects.filter(username__in=usernames())
    names = sorted(u.get_username() for u in users)
    if names:
        record(None, "delete", object_type="auth.user", summary="demo: " + ", ".join(names))
        users.delete()


def _remove(m: Municipality) -> None:
    _remove_cycle(m)
    Event.objects.filter(municipality=m).delete()
    Report.objects.filter(municipality=m).delete()
    Area.objects.filter(municipality=m).delete()
    Place.objects.filter(municipality=m).delete()
    Organisation.objects.filter(municipality=m).delete()
    record(None, "delete", m, summary="demo: areas, places, organisations and reports removed")


def _remove_cycle(m: Municipality) -> None:
    """The EST cycle's and pictures' records first: they refer to organisations and events."""
    from trygg.citizens.models import CitizenPromise
    from trygg.cycle import models as cycle
    from trygg.lagesbild.demo import remove_synthetic_crimes
    from trygg.lagesbild.models import Lagesbild, PlanMeasure, Problem
    from trygg.picture.models import WeeklyPicture
    from trygg.surveys.models import Survey
    from trygg.walks.models import SafetyWalk

    # The lägesbild's adopted versions are kept: a reset leaves a municipality that has any.
    remove_synthetic_crimes(m)
    PlanMeasure.objects.filter(municipality=m).delete()
    Problem.objects.filter(municipality=m).delete()
    Lagesbild.objects.filter(municipality=m, versions__isnull=True).delete()
    for model in (
        CitizenPromise,
        cycle.FollowUp,
        cycle.Action,
        cycle.Decision,
        cycle.GuardShift,
        cycle.MeetingSeries,
        cycle.Meeting,
        cycle.DirectionDecision,
        cycle.InfluenceRating,
        cycle.OperationalDirection,
        WeeklyPicture,
        SafetyWalk,
        Survey,
    ):
        model.objects.filter(municipality=m).delete()
