"""`{% area_survey area %}`: the latest survey round's results for one area (staff pages)."""

from typing import Any

from django import template

from trygg.areas.models import Area

from ..results import latest_with_results, results

register = template.Library()


@register.inclusion_tag("surveys/_area.html")
def area_survey(area: Area) -> dict[str, Any]:
    """The area's own groups, or its parent's when the survey reports at the parent's level."""
    survey = latest_with_results(area.municipality)
    if survey is None:
        return {"survey": None}
    data = results(survey)
    pks = [a.pk for a in data["areas"]]
    target = area if area.pk in pks else area.parent
    if target is None or target.pk not in pks:
        return {"survey": survey, "target": None}
    i = pks.index(target.pk)
    rows = [(qr.question, qr.groups[i]) for qr in data["questions"]]
    return {
        "survey": survey,
        "target": target,
        "own": target.pk == area.pk,
        "respondents": data["respondents"]["by_area"][i],
        "rows": rows,
    }
