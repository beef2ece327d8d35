"""Who may see and change safety walks.

Members with an overview (`view_reports`) see every walk of the municipality; coordinators
and administrators (`review`) plan, edit and record the agreed actions. Findings are recorded
in walk mode by those who may report and belong to a participating organisation, and by
coordinators. A reporter sees the walks their organisation takes part in, in walk mode only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from trygg.tenants.access import Access

from .models import SafetyWalk


def visible_walks(access: Access) -> QuerySet[SafetyWalk]:
    walks = SafetyWalk.objects.filter(municipality=access.municipality)
    if access.can("view_reports"):
        return walks
    return walks.filter(participants__organisation_id__in=access.organisation_ids).distinct()


def participating_organisations(access: Access, walk: SafetyWalk) -> list[int]:
    ids = walk.participants.values_list("organisation_id", flat=True)
    return sorted(set(ids) & access.organisation_ids)


def can_record(access: Access, walk: SafetyWalk) -> bool:
    if not access.can("report"):
        return False
    return access.can("review") or bool(participating_organisations(access, walk))


def access_walk(
    access: Access, pk: int, *, write: bool = False, record: bool = False
) -> SafetyWalk:
    """The only way a view fetches a walk: 404 when not visible, 403 when not allowed.

    `write`: plan, edit, agree actions (`review`). `record`: record findings in walk mode.
    Without either, the staff pages: `view_reports`.
    """
    walk = (
        visible_walks(access).select_related("area", "place", "municipality").filter(pk=pk).first()
    )
    if walk is None:
        raise Http404
    if write:
        access.require("review")
    elif record:
        if not can_record(access, walk):
            raise PermissionDenied
    else:
        access.require("view_reports")
    return walk
