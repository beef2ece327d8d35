"""The one gate to a survey: staff of its municipality only; the public form uses `public_view`."""

from django.shortcuts import get_object_or_404

from trygg.tenants.access import Access

from .models import Survey


def access_survey(access: Access, pk: int, *, write: bool = False) -> Survey:
    """The survey `pk` of the user's municipality (404 otherwise); `write` needs `review`."""
    if write:
        access.require("review")
    else:
        access.require("view_reports")
    return get_object_or_404(Survey, pk=pk, municipality=access.municipality)
