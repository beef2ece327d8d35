"""`trygg prune`: the retention rules, by call_command and by the CLI in a subprocess."""

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.installation import Installation, backends
from tests.test_review import make_event
from tests.test_tips import tip_in
from trygg.api.models import ApiToken
from trygg.audit.models import AuditEvent
from trygg.audit.retention import snap
from trygg.reports.models import Event, Photo, Source
from trygg.tips.models import Tip

YEAR = timedelta(days=365)


def prune(*args: str) -> dict[str, int]:
    """The count `trygg prune` prints for each rule."""
    out = io.StringIO()
    call_command("prune", *args, stdout=out)
    counts = dict(re.findall(r"^(\w+) \([^)]*\): (\d+) ", out.getvalue(), re.M))
    return {rule: int(n) for rule, n in counts.items()}


def old_data(sala: Any) -> dict[str, Any]:
    now = timezone.now()
    old = make_event(sala, at=now - 6 * YEAR, description="Bilen ABC 123 stod här")
    recent = make_event(sala, at=now - 4 * YEAR, description="Klotter på muren")
    walk = make_event(sala, at=now - 6 * YEAR, source=Source.WALK, description="Mörk passage")
    photo = Photo(event=old, content_type="image/jpeg", width=1, height=1)
    photo.image.save("old.jpg", ContentFile(b"jpeg bytes"), save=True)
    tip_old, tip_new = tip_in(sala), tip_in(sala)
    Tip.objects.filter(pk=tip_old.pk).update(created_at=now - 3 * YEAR)
    rejected = tip_in(sala)
    Tip.objects.filter(pk=rejected.pk).update(
        status=Tip.Status.REJECTED, moderated_at=now - timedelta(days=31)
    )
    audit_old = AuditEvent.objects.create(action="view", object_type="x", at=now - 11 * YEAR)
    session = SessionStore()
    session.create()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=now - timedelta(days=1)
    )
    owner = get_user_model().objects.create_user("partner", password="x-Long-enough-1")
    for name, expires in (("gone", now - timedelta(days=91)), ("current", None)):
        ApiToken.objects.create(
            user=owner, municipality=sala, name=name, scopes=["read"], prefix=name,
            digest=name * 8, expires_at=expires,
        )  # fmt: skip
    caches["ratelimit"].set("tips:gone", 1, 60)
    with connection.cursor() as cursor:
        past = connection.ops.adapt_datetimefield_value(now - timedelta(minutes=5))
        cursor.execute("UPDATE trygg_ratelimit SET expires = %s", [past])
    caches["ratelimit"].set("tips:current", 1, 60)
    return {
        "old": old,
        "recent": recent,
        "walk": walk,
        "photo": photo.image.name,
        "tips": (tip_old, tip_new, rejected),
        "audit_old": audit_old,
    }


def test_a_dry_run_counts_and_changes_nothing_then_the_run_prunes_exactly_the_old_rows(
    sala, django_capture_on_commit_callbacks
):
    data = old_data(sala)
    events_before = list(Event.objects.order_by("pk").values())
    audit_before = AuditEvent.objects.count()

    expected = {
        "reports": 1,
        "walk_findings": 1,
        "photos": 1,
        "tips": 1,
        "rejected_tips": 1,
        "audit": 1,
    }
    expired = {"sessions": 1, "ratelimit": 1, "api_tokens": 1}
    due = prune("--dry-run")
    assert {rule: n for rule, n in due.items() if n} == expected | expired
    assert list(Event.objects.order_by("pk").values()) == events_before
    assert AuditEvent.objects.count() == audit_before
    assert default_storage.exists(data["photo"])

    with django_capture_on_commit_callbacks(execute=True):  # photo files go after the commit
        done = prune()
    assert {rule: n for rule, n in done.items() if n} == expected | expired
    old, recent, walk = (Event.objects.get(pk=data[k].pk) for k in ("old", "recent", "walk"))
    for event in (old, walk):
        assert event.description == "" and event.anonymised_at is not None
        assert (event.x, event.y) == snap(data["old"].x, data["old"].y)
        assert abs(event.x - data["old"].x) <= 125 and abs(event.y - data["old"].y) <= 125
        assert abs(event.lat - data["old"].lat) < 0.01
    assert recent.description == "Klotter på muren" and recent.anonymised_at is None
    assert (recent.x, recent.y) == (data["recent"].x, data["recent"].y)
    assert not old.photos.exists() and not default_storage.exists(data["photo"])
    tip_old, tip_new, rejected = data["tips"]
    assert list(Tip.objects.values_list("pk", flat=True)) == [tip_new.pk]
    assert not Event.objects.filter(report__tip__pk__in=[tip_old.pk, rejected.pk]).exists()
    assert not AuditEvent.objects.filter(pk=data["audit_old"].pk).exists()
    assert not Session.objects.exists()
    assert caches["ratelimit"].get("tips:current") == 1
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["current"]
    rows = AuditEvent.objects.filter(object_type="retention")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([*expected, *expired])
    assert rows.get(object_id="reports").detail["count"] == 1

    assert not any(prune().values())
    assert AuditEvent.objects.filter(object_type="retention").count() == len(expected) + 3


def test_a_rule_without_retention_keeps_its_rows(sala, settings):
    old = make_event(sala, at=timezone.now() - 6 * YEAR, description="Gammal händelse")
    settings.TRYGG_RETENTION = settings.TRYGG_RETENTION | {"reports": None}
    out = io.StringIO()
    call_command("prune", "--rule", "reports", stdout=out)
    assert "reports: kept" in out.getvalue()
    assert Event.objects.get(pk=old.pk).description == "Gammal händelse"


@pytest.mark.parametrize("backend", backends())
def test_the_cli_dry_run_reports_the_counts_and_the_run_prunes_once(tmp_path: Path, backend):
    inst = Installation(tmp_path / "var", backend)
    try:
        inst.trygg("migrate", "-v0")
        inst.python(
            """
            from datetime import timedelta
            from django.utils import timezone
            from trygg.audit.models import AuditEvent
            now = timezone.now()
            for years in (11, 12, 1):
                AuditEvent.objects.create(
                    action="view", object_type="x", at=now - timedelta(days=365 * years)
                )
            """
        )
        dry = inst.trygg("prune", "--dry-run").stdout
        assert re.search(r"^audit \(3650 days\): 2 due", dry, re.M), dry
        assert "nothing written (dry run)" in dry
        count = "from trygg.audit.models import AuditEvent; print(AuditEvent.objects.count())"
        assert inst.python(count).strip() == "3"
        assert re.search(
            r"^audit \(3650 days\): 2 audit rows deleted", inst.trygg("prune").stdout, re.M
        )
        assert inst.python(count).strip() == "2"  # the recent row and the prune's own
        again = inst.trygg("prune", "--dry-run").stdout
        assert re.search(r"^audit \(3650 days\): 0 due", again, re.M), again
    finally:
        inst.drop()
