"""Retention: how long each kind of data is kept, carried out by `trygg prune`.

One rule per source of data. The number of days comes from `settings.TRYGG_RETENTION`
(defaults and environment variables in trygg/settings.py, documented in the README); None
keeps the rows. Every rule selects only what it still has to do (anonymised events carry
`anonymised_at`), so a second run finds nothing. `apply` runs one rule in one transaction,
with its audit row; files (photos) are deleted once that transaction has committed.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from trygg.api.models import ApiToken
from trygg.areas import geo
from trygg.police.models import PoliceCrime, PoliceEvent
from trygg.reports.models import Event, Photo, Report, Source

from .models import AuditEvent
from .services import delete_older_than, record

CHUNK = 500
Progress = Callable[[int], object]


@dataclass(frozen=True)
class Rule:
    name: str
    what: str  # what it does to each row, for the command's output
    setting: str | None  # the key in TRYGG_RETENTION; None: no setting, only expired rows
    count: Callable[[datetime], int]
    run: Callable[[datetime, Progress], int]

    def cutoff(self, now: datetime) -> datetime | None:
        """Rows older than this are due; None: the rule keeps everything (no retention)."""
        if self.setting is None:
            return now
        days = settings.TRYGG_RETENTION.get(self.setting)
        return None if days is None else now - timedelta(days=days)

    def retention(self) -> str:
        if self.setting is None:
            return "expired"
        days = settings.TRYGG_RETENTION.get(self.setting)
        return "kept" if days is None else f"{days} days"


# -- events: anonymised ---------------------------------------------------------------


def _due_events(source: str, cutoff: datetime) -> "models.QuerySet[Event]":
    return Event.objects.filter(
        report__source=source, observed_from__lt=cutoff, anonymised_at__isnull=True
    )


def snap(x: float, y: float) -> tuple[float, float]:
    """The centre of the grid cell (TRYGG_RETENTION_GRID_M, SWEREF 99 TM) holding x, y."""
    size = settings.TRYGG_RETENTION_GRID_M
    return (math.floor(x / size) * size + size / 2, math.floor(y / size) * size + size / 2)


def _delete_photo_files(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def _delete_photos(photos: "models.QuerySet[Photo]") -> int:
    names = [str(name) for name in photos.values_list("image", flat=True) if name]
    deleted, _by_model = photos.delete()
    _delete_photo_files(names)
    return deleted


def _anonymise(source: str) -> Callable[[datetime, Progress], int]:
    def run(cutoff: datetime, progress: Progress) -> int:
        now, done = timezone.now(), 0
        while chunk := list(_due_events(source, cutoff).order_by("pk")[:CHUNK]):
            for event in chunk:
                event.x, event.y = snap(event.x, event.y)
                event.lon, event.lat = geo.to_wgs84(event.x, event.y)
                event.description = ""
                event.personal_data_confirmed = False
                event.anonymised_at = now
            fields = ["x", "y", "lat", "lon", "description", "personal_data_confirmed"]
            Event.objects.bulk_update(chunk, [*fields, "anonymised_at"])
            done += len(chunk)
            progress(len(chunk))
        return done

    return run


def _count(queryset: Callable[[datetime], "models.QuerySet[Any]"]) -> Callable[[datetime], int]:
    return lambda cutoff: queryset(cutoff).count()


# -- rows deleted ---------------------------------------------------------------------


def _old_photos(cutoff: datetime) -> "models.QuerySet[Photo]":
    return Photo.objects.filter(event__observed_from__lt=cutoff)


def _tips(cutoff: datetime) -> "models.QuerySet[Report]":
    return Report.objects.filter(source=Source.CITIZEN, tip__created_at__lt=cutoff)


def _rejected_tips(cutoff: datetime) -> "models.QuerySet[Report]":
    moderated = Q(tip__moderated_at__lt=cutoff) | Q(
        tip__moderated_at__isnull=True, tip__created_at__lt=cutoff
    )
    return Report.objects.filter(moderated, source=Source.CITIZEN, tip__status="rejected")


def _delete_reports(reports: Callable[[datetime], "models.QuerySet[Report]"]) -> Any:
    def run(cutoff: datetime, progress: Progress) -> int:
        done = 0
        while ids := list(reports(cutoff).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
            _delete_photos(Photo.objects.filter(event__report__in=ids))
            Report.objects.filter(pk__in=ids).delete()
            done += len(ids)
            progress(len(ids))
        return done

    return run


def _delete_in_chunks(rows: Callable[[datetime], "models.QuerySet[Any]"]) -> Any:
    def run(cutoff: datetime, progress: Progress) -> int:
        done = 0
        while ids := list(rows(cutoff).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
            rows(cutoff).filter(pk__in=ids).delete()
            done += len(ids)
            progress(len(ids))
        return done

    return run


def _delete_photo_rows(cutoff: datetime, progress: Progress) -> int:
    done = 0
    while ids := list(_old_photos(cutoff).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        done += _delete_photos(Photo.objects.filter(pk__in=ids))
        progress(len(ids))
    return done


def _police_events(cutoff: datetime) -> "models.QuerySet[PoliceEvent]":
    return PoliceEvent.objects.filter(occurred_at__lt=cutoff)


def _police_crimes(cutoff: datetime) -> "models.QuerySet[PoliceCrime]":
    return PoliceCrime.objects.filter(registered__lt=timezone.localdate(cutoff))


def _audit_rows(cutoff: datetime) -> "models.QuerySet[AuditEvent]":
    return AuditEvent.objects.filter(at__lt=cutoff)


def _delete_audit_rows(cutoff: datetime, progress: Progress) -> int:
    done = delete_older_than(cutoff)
    progress(done)
    return done


def _sessions(now: datetime) -> "models.QuerySet[Session]":
    return Session.objects.filter(expire_date__lt=now)


def _tokens(cutoff: datetime) -> "models.QuerySet[ApiToken]":
    return ApiToken.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))


# -- the rate-limit cache (a table of Django's database cache, not a model) -------------


def _ratelimit_sql(verb: str) -> str:
    location: str = settings.CACHES["ratelimit"]["LOCATION"]  # type: ignore[index]
    return f"{verb} FROM {connection.ops.quote_name(location)} WHERE expires < %s"


def _count_ratelimit(now: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            _ratelimit_sql("SELECT COUNT(*)"), [connection.ops.adapt_datetimefield_value(now)]
        )
        return int(cursor.fetchone()[0])


def _delete_ratelimit(now: datetime, progress: Progress) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_ratelimit_sql("DELETE"), [connection.ops.adapt_datetimefield_value(now)])
        done = max(cursor.rowcount, 0)
    progress(done)
    return done


RULES = (
    Rule(
        "reports",
        "own-report events anonymised (text cleared, position to a grid cell)",
        "reports",
        _count(lambda cutoff: _due_events(Source.REPORTER, cutoff)),
        _anonymise(Source.REPORTER),
    ),
    Rule(
        "walk_findings",
        "safety-walk findings anonymised (text cleared, position to a grid cell)",
        "walk_findings",
        _count(lambda cutoff: _due_events(Source.WALK, cutoff)),
        _anonymise(Source.WALK),
    ),
    Rule(
        "photos", "photos of old events deleted", "photos", _count(_old_photos), _delete_photo_rows
    ),
    Rule("tips", "citizen tips deleted", "tips", _count(_tips), _delete_reports(_tips)),
    Rule(
        "rejected_tips",
        "rejected citizen tips deleted",
        "rejected_tips",
        _count(_rejected_tips),
        _delete_reports(_rejected_tips),
    ),
    Rule(
        "police_events",
        "police notices deleted",
        "police_events",
        _count(_police_events),
        _delete_in_chunks(_police_events),
    ),
    Rule(
        "police_crimes",
        "police crime rows deleted",
        "police_crimes",
        _count(_police_crimes),
        _delete_in_chunks(_police_crimes),
    ),
    Rule("audit", "audit rows deleted", "audit", _count(_audit_rows), _delete_audit_rows),
    Rule(
        "sessions",
        "expired sessions deleted",
        None,
        _count(_sessions),
        _delete_in_chunks(_sessions),
    ),
    Rule(
        "ratelimit",
        "expired rate-limit counters deleted",
        None,
        _count_ratelimit,
        _delete_ratelimit,
    ),
    Rule(
        "api_tokens",
        "expired or revoked API tokens deleted",
        "api_tokens",
        _count(_tokens),
        _delete_in_chunks(_tokens),
    ),
)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    cutoff: datetime | None
    count: int  # due (dry run) or done


def due(now: datetime | None = None, rules: Iterable[Rule] = RULES) -> list[Outcome]:
    """What each rule would do now: nothing changes."""
    now = now or timezone.now()
    outcomes = []
    for rule in rules:
        cutoff = rule.cutoff(now)
        outcomes.append(Outcome(rule, cutoff, 0 if cutoff is None else rule.count(cutoff)))
    return outcomes


def apply(rule: Rule, now: datetime, progress: Progress = lambda n: None) -> Outcome:
    """Carry out one rule in one transaction, with one audit row when it did anything."""
    cutoff = rule.cutoff(now)
    if cutoff is None:
        return Outcome(rule, None, 0)
    with transaction.atomic():
        done = rule.run(cutoff, progress)
        if done:
            record(
                None,
                "delete",
                object_type="retention",
                object_id=rule.name,
                summary=f"prune {rule.name}: {done} {rule.what}",
                rule=rule.name,
                count=done,
                cutoff=cutoff.isoformat(),
                retention=rule.retention(),
            )
    return Outcome(rule, cutoff, done)
