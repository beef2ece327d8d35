"""Citizen tips: the anonymous public form, the moderation queue, and tips kept apart from the
professionals' statistics. Through the front door: HTTP client and services, personas."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from trygg.audit.models import AuditEvent
from trygg.reports.models import Category, Event, Source
from trygg.tips.models import Tip, TipCategory
from trygg.tips.services import close_tip, moderate_tip, public_tip_categories, submit_tip

# A point in central Sala (inside the DeSO fixture) and one in Kungsör.
SALA = (59.9206, 16.6057)
KUNGSOR = (59.4226, 16.0966)


def lighting(m: Any) -> Category:
    return Category.objects.get(municipality=m, code="PLA.BEL")


def tip_in(m: Any, **kwargs: Any) -> Tip:
    values: dict[str, Any] = {"category": lighting(m), "lat": SALA[0], "lon": SALA[1]}
    return submit_tip(m, **(values | kwargs))


# Services ----------------------------------------------------------------------------------


def test_it_stores_a_tip_as_a_citizen_report_with_one_event(sala):
    tip = tip_in(sala, description="Lampan vid gångtunneln är trasig")
    event = Event.objects.get(report=tip.report)
    assert tip.report.source == Source.CITIZEN and tip.report.reporter is None
    assert (event.category.code, event.subcategory.code) == ("PLA", "PLA.BEL")
    assert event.area is not None and not event.outside_areas
    assert 6_000_000 < event.y < 7_700_000 and 200_000 < event.x < 1_000_000  # SWEREF 99 TM
    assert tip.status == Tip.Status.NEW and tip.public_status == "open"
    assert len(tip.public_id) == 8
    audit = AuditEvent.objects.get(object_type="tips.tip", object_id=str(tip.pk))
    assert audit.action == "create" and audit.user is None


def test_it_is_idempotent_on_the_client_key(sala):
    first = tip_in(sala, client_key="abc-1")
    again = tip_in(sala, client_key="abc-1")
    assert first.pk == again.pk and Tip.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lat": KUNGSOR[0], "lon": KUNGSOR[1]}, "lat"),
        ({"lat": 48.85, "lon": 2.35}, "lat"),
        ({"description": "Ring 070-123 45 67"}, "description"),
        ({"description": "Bilen ABC 123 stod där"}, "description"),
        ({"observed_at": timezone.now() + timedelta(days=1)}, "observed_from"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_it_refuses_bad_tips_naming_the_field(sala, kwargs, field):
    with pytest.raises(ValidationError) as e:
        tip_in(sala, **kwargs)
    assert field in e.value.message_dict
    assert Tip.objects.count() == 0 and Event.objects.count() == 0


def test_it_takes_only_public_tip_categories(sala):
    drugs = Category.objects.get(municipality=sala, code="ORD.NAR")
    assert drugs not in public_tip_categories(sala)
    with pytest.raises(ValidationError) as e:
        tip_in(sala, category=drugs)
    assert "category" in e.value.message_dict
    TipCategory.objects.create(municipality=sala, category=drugs)
    assert public_tip_categories(sala) == [drugs]  # the administrator's choice replaces defaults
    assert tip_in(sala, category=drugs).report.events.get().subcategory == drugs


def test_it_moderates_and_closes(sala, personas):
    coordinator = personas["coordinator"]
    tip = tip_in(sala)
    moderate_tip(coordinator, tip, accept=True, note="Tack, vi åtgärdar belysningen.")
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACCEPTED and tip.moderated_by == coordinator
    assert tip.public_status == "open" and tip.report.events.get().reviewed_at is not None
    with pytest.raises(ValidationError):
        moderate_tip(coordinator, tip, accept=False)
    close_tip(coordinator, tip, note="Lampan är lagad.")
    tip.refresh_from_db()
    assert (tip.status, tip.public_status, tip.public_note) == (
        "closed",
        "closed",
        "Lampan är lagad.",
    )
    with pytest.raises(ValidationError):
        close_tip(coordinator, tip)
    actions = AuditEvent.objects.filter(object_type="tips.tip", object_id=str(tip.pk))
    assert actions.count() == 3


def test_a_public_answer_may_not_hold_personal_data(sala, personas):
    tip = tip_in(sala)
    with pytest.raises(ValidationError) as e:
        moderate_tip(personas["coordinator"], tip, accept=True, note="Mejla anna@example.se")
    assert "note" in e.value.message_dict
    tip.refresh_from_db()
    assert tip.status == Tip.Status.NEW
