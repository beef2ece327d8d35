from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


def number(value: Any) -> str:
    """A figure as the document writes it: whole numbers without decimals, others with one."""
    if value is None:
        return "–"
    value = float(value)
    text = f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",")


MARKERS = {"small": "<5", "complementary": "×"}


def shown(figure: dict[str, Any]) -> str:
    """The figure as the document shows it: its number, or the marker of a hidden count."""
    hidden = figure.get("hidden")
    return MARKERS[hidden] if hidden else number(figure["value"])


@register.simple_tag
def fig(figure: Any) -> str:
    """A number of the document, linked to its source in "Källor och beräkningar"; a hidden
    count (trygg.disclosure) shows as its marker, its value nowhere in the page."""
    if not figure:
        return "–"
    if figure.get("hidden"):
        return format_html(
            '<a class="n" href="#src-{}" data-figure="{}" data-hidden="{}">{}</a>',
            figure["id"],
            figure["id"],
            figure["hidden"],
            shown(figure),
        )
    return format_html(
        '<a class="n" href="#src-{}" data-figure="{}" data-value="{}">{}</a>',
        figure["id"],
        figure["id"],
        figure["value"],
        number(figure["value"]),
    )


@register.filter
def num(value: Any) -> str:
    return number(value)


@register.filter(name="shown")
def shown_filter(figure: dict[str, Any]) -> str:
    return shown(figure)


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + f"{value}\u00a0%"


def _lookup_text(lookups: dict[str, Any]) -> str:
    parts = []
    for key, value in lookups.items():
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value[:6])
            value = f"[{shown}{', …' if len(value) > 6 else ''}] ({len(value)})"
        parts.append(f"{key}={value}")
    return "; ".join(parts)


@register.filter
def query(figure: dict[str, Any]) -> str:
    """The figure's query in short: long lists of codes are cut (the data export has them)."""
    text = f"{figure['model']}: {_lookup_text(figure['filter'])}"
    if figure["exclude"]:
        text += f" − {_lookup_text(figure['exclude'])}"
    return f"{text} → {figure['aggregate']}"
