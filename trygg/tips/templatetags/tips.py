from typing import Any

from django import template

from trygg.tips.models import Tip

register = template.Library()


@register.simple_tag
def new_tip_count(access: Any) -> int:
    """New tips waiting for moderation, for those who see the queue; 0 for everyone else."""
    if access is None or not access.can("view_reports"):
        return 0
    return Tip.objects.filter(municipality=access.municipality).new().count()
