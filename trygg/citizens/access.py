"""Who may see and change citizen promises.

Staff: every member with an overview of the collaboration (`view_reports`) reads the
promises; coordinators and administrators (`review`) write them and decide what is
published. The public sees a promise only once it is published, and only its published
progress entries.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from trygg.tenants.access import Access
from trygg.tenants.models import Municipality

from .models import CitizenPromise, Commitment, Progress


def access_promise(access: Access, pk: int, *, write: bool = False) -> CitizenPromise:
    """The only way a staff view fetches a promise: 404 outside the kommun, 403 read-only."""
    access.require("review" if write else "view_reports")
    return get_object_or_404(CitizenPromise, municipality=access.municipality, pk=pk)


def access_commitment(access: Access, pk: int) -> Commitment:
    access.require("review")
    return get_object_or_404(
        Commitment.objects.select_related("promise"),
        promise__municipality=access.municipality,
        pk=pk,
    )


def access_progress(access: Access, pk: int) -> Progress:
    access.require("review")
    return get_object_or_404(
        Progress.objects.select_related("commitment__promise"),
        commitment__promise__municipality=access.municipality,
        pk=pk,
    )


def public_promise(municipality: Municipality, pk: int) -> CitizenPromise:
    """A published promise of this municipality, or 404."""
    try:
        return CitizenPromise.objects.published().get(municipality=municipality, pk=pk)
    except CitizenPromise.DoesNotExist:
        raise Http404 from None
