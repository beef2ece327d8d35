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


@register.simple_tag
def fig(figure: Any) -> str:
    """A number of the document, linked to its source in "Källor och beräkningar"."""
    if not figure:
        return "–"
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
