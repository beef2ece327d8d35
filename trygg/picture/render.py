"""The picture as a document: the context shared by the page, the PDF and the CLI."""

from typing import Any

from django.template.loader import render_to_string

from trygg.documents import html_to_pdf

from . import present
from .models import WeeklyPicture
from .services import arrived_after
from .weeks import Week


def context(
    week: Week, picture: WeeklyPicture | None, content: dict[str, Any], *, police: bool
) -> dict[str, Any]:
    """Everything a template of the picture needs; police parts only when `police`."""
    published = bool(picture and picture.published)
    return {
        "week": week,
        "prev_week": week.shifted(-1),
        "next_week": week.shifted(1),
        "picture": picture,
        "published": published,
        "arrived_after": arrived_after(picture) if picture and published else 0,
        "content": content,
        "area_rows": present.area_rows(content),
        "category_rows": present.category_rows(content),
        "category_totals": present.category_totals(content),
        "category_chart": present.category_chart(content),
        "profile_svg": present.profile_svg(content),
        "show_police": police,
        "police": content.get("police", {}) if police else None,
    }


def document_html(ctx: dict[str, Any]) -> str:
    """The standalone HTML of the printable picture (inline SVG map and charts)."""
    content = ctx["content"]
    maps = {"map_svg": present.map_svg(content), "overview_svg": present.overview_svg(content)}
    return render_to_string("picture/document.html", {**ctx, **maps})


def document_pdf(ctx: dict[str, Any]) -> bytes:
    return html_to_pdf(document_html(ctx))
