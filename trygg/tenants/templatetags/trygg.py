from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def can(access: Any, capability: str) -> bool:
    """`{% if access|can:"review" %}`: the same capability check the views use."""
    return bool(access) and access.can(capability)


@register.simple_tag(takes_context=True)
def navlink(context: Any, url_name: str, label: str) -> str:
    """`{% navlink "event_list" _("Reports") %}`: a menu item of the municipality's
    navigation, marked as the current page when it is."""
    access = context["access"]
    match = getattr(context.get("request"), "resolver_match", None)
    current = match is not None and match.url_name == url_name
    return format_html(
        '<li><a href="{}"{}>{}</a></li>',
        reverse(url_name, args=[access.municipality.code]),
        mark_safe(' aria-current="page"') if current else "",
        label,
    )
