"""Tip rows for the demo's citizen reports: the older ones moderated, the last week's new."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from trygg.areas.geo import to_sweref, to_wgs84
from trygg.areas.models import Place
from trygg.reports.models import Category, Report, Source
from trygg.tenants.models import Municipality

from .models import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH, Tip
from .services import submit_tip

NEW_FOR = timedelta(days=7)  # tips younger than this still wait in the moderation queue
CLOSED_AFTER = timedelta(days=120)
# Tips sent in the last days through the public form, waiting in the coordinator's queue:
# (named place, metres east and north of it, category, hours ago, description).
RECENT = (
    ("Stadsparken", 40, -25, "PLA.BEL", 20, "Två lampor längs gångvägen genom parken är släckta."),
    ("Sala resecentrum", -60, 30, "PLA.BUS", 30, "Buskarna vid cykelparkeringen skymmer sikten."),
    ("Stora torget", 15, 10, "SKA.KLO", 44, "Nytt klotter på elskåpet vid torget."),
    ("Ekebydalen", 80, 60, "PLA.NED", 70, "Mycket skräp och glasflaskor vid grillplatsen."),
    (
        "Vallaskolan",
        -30,
        -70,
        "PLA.ODE",
        95,
        "Mörkt och öde på gångstigen bakom skolan på kvällen.",
    ),
    ("Sala resecentrum", 25, -15, "OVR", 118, ""),
)
REJECT_EVERY = 9  # about one tip in nine was not about a place (spam, a question…)
ANSWERS = (
    "Tack för tipset! Vi har skickat det vidare till gatukontoret.",
    "Tack! Platsen finns med i veckans lägesbild och följs upp av trygghetssamordnaren.",
    "Tack för tipset. Belysningen är lagad.",
    "Tack! Området har städats och buskarna är nedklippta.",
)


def demo_public_id(m: Municipality, key: str) -> str:
    """A stable public id for a demo report. Client keys are unique within a municipality,
    public ids everywhere: the municipality is part of the digest."""
    digest = hashlib.sha256(f"{m.code}:{key}".encode()).digest()
    return "".join(PUBLIC_ID_ALPHABET[b % len(PUBLIC_ID_ALPHABET)] for b in digest)[
        :PUBLIC_ID_LENGTH
    ]


def add_demo_tips(m: Municipality, moderator: Any, now: datetime) -> int:
    """A Tip for each of the demo's citizen reports (their sending times already set), and in
    the municipality whose named places RECENT uses (Sala) the last days' tips from the form."""
    reports = Report.objects.filter(municipality=m, source=Source.CITIZEN, tip__isnull=True)
    tips = [
        _tip(m, r, moderator, r.created_at, now, n) for n, r in enumerate(reports.order_by("pk"))
    ]
    Tip.objects.bulk_create(tips, batch_size=500)
    return len(tips) + _recent_tips(m, now)


def _recent_tips(m: Municipality, now: datetime) -> int:
    places = {p.name: p for p in Place.objects.filter(municipality=m)}
    sent = 0
    for n, (name, east, north, code, hours, text) in enumerate(RECENT):
        place = places.get(name)
        category = Category.objects.filter(municipality=m, code=code).first()
        if place is None or category is None:
            continue
        x, y = to_sweref(place.lon, place.lat)
        lon, lat = to_wgs84(x + east, y + north)
        tip = submit_tip(
            m,
            category=category,
            lat=lat,
            lon=lon,
            observed_at=now - timedelta(hours=hours + 2),
            description=text,
            client_key=f"demo-recent-{n}",
        )
        received = now - timedelta(hours=hours)
        Tip.objects.filter(pk=tip.pk).update(created_at=received)
        Report.objects.filter(pk=tip.report_id).update(created_at=received)
        sent += 1
    return sent


def _tip(
    m: Municipality, report: Report, moderator: Any, sent: datetime, now: datetime, n: int
) -> Tip:
    tip = Tip(
        report=report,
        municipality=m,
        public_id=demo_public_id(m, report.client_key),
        created_at=sent,
        channel=Tip.Channel.OPEN311 if n % 5 == 4 else Tip.Channel.WEB,
    )
    if now - sent < NEW_FOR:
        return tip
    tip.moderated_by, tip.moderated_at = moderator, sent + timedelta(hours=20)
    if n % REJECT_EVERY == 0:
        tip.status, tip.closed_at = Tip.Status.REJECTED, tip.moderated_at
        tip.public_note = "Tipset gällde inte en plats i kommunen och har inte registrerats."
    elif now - sent > CLOSED_AFTER:
        tip.status, tip.closed_at = Tip.Status.CLOSED, sent + timedelta(days=14)
        tip.public_note = ANSWERS[n % len(ANSWERS)]
    else:
        tip.status = Tip.Status.ACCEPTED
        tip.public_note = ANSWERS[1] if n % 2 else ""
    return tip
