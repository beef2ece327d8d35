"""Tip rows for the demo's citizen reports: the older ones moderated, the last week's new."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from trygg.reports.models import Report, Source
from trygg.tenants.models import Municipality

from .models import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH, Tip

NEW_FOR = timedelta(days=7)  # tips younger than this still wait in the moderation queue
CLOSED_AFTER = timedelta(days=45)
REJECT_EVERY = 9  # about one tip in nine was not about a place (spam, a question…)
ANSWERS = (
    "Tack för tipset! Vi har skickat det vidare till gatukontoret.",
    "Tack! Platsen finns med i veckans lägesbild och följs upp av trygghetssamordnaren.",
    "Tack för tipset. Belysningen är lagad.",
    "Tack! Området har städats och buskarna är nedklippta.",
)


def demo_public_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return "".join(PUBLIC_ID_ALPHABET[b % len(PUBLIC_ID_ALPHABET)] for b in digest)[
        :PUBLIC_ID_LENGTH
    ]


def add_demo_tips(m: Municipality, moderator: Any, now: datetime) -> int:
    """A Tip for each of the demo's citizen reports (their sending times already set)."""
    reports = Report.objects.filter(municipality=m, source=Source.CITIZEN, tip__isnull=True)
    tips = [
        _tip(m, r, moderator, r.created_at, now, n) for n, r in enumerate(reports.order_by("pk"))
    ]
    Tip.objects.bulk_create(tips, batch_size=500)
    return len(tips)


def _tip(
    m: Municipality, report: Report, moderator: Any, sent: datetime, now: datetime, n: int
) -> Tip:
    tip = Tip(
        report=report,
        municipality=m,
        public_id=demo_public_id(report.client_key),
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
