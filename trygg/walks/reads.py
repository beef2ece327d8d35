"""Reads of safety walks for other documents (the lägesbild) and the protocol."""

from collections import Counter
from datetime import date
from typing import Any

from trygg.cycle.models import Action
from trygg.tenants.models import Municipality

from .models import AgreedAction, Finding, SafetyWalk


def walk_findings_summary(municipality: Municipality, start: date, end: date) -> dict[str, Any]:
    """The walks done from `start` to `end` (inclusive): how many, their findings by category
    and by area, and the actions agreed and done.

    {"walks": 2, "planned": 1, "findings": 9, "by_category": [("Bristfällig belysning", 4), …],
     "by_area": [("Sala C1020", 5), …], "actions_agreed": 4, "actions_done": 1}
    Categories are the subcategory when there is one; areas the finding's area label
    ("outside every area" for none).
    """
    walks = SafetyWalk.objects.filter(municipality=municipality, date__range=(start, end))
    done = walks.exclude(status=SafetyWalk.Status.PLANNED)
    findings = Finding.objects.filter(walk__in=done).select_related(
        "event__category", "event__subcategory", "event__area"
    )
    categories: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    for f in findings:
        categories[(f.event.subcategory or f.event.category).display_name] += 1
        areas[f.event.area.label if f.event.area else "–"] += 1
    agreed = AgreedAction.objects.filter(walk__in=done)
    return {
        "walks": done.count(),
        "planned": walks.filter(status=SafetyWalk.Status.PLANNED).count(),
        "findings": sum(categories.values()),
        "by_category": categories.most_common(),
        "by_area": areas.most_common(),
        "actions_agreed": agreed.count(),
        "actions_done": agreed.filter(action__status=Action.Status.DONE).count(),
    }
