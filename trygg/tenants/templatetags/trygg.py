from typing import Any

from django import template

register = template.Library()


@register.filter
def can(access: Any, capability: str) -> bool:
    """`{% if access|can:"review" %}`: the same capability check the views use."""
    return bool(access) and access.can(capability)
