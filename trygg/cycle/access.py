"""Who may see and change what in the EST cycle.

Actions: members with an overview (`view_reports`) see every action that is not internal;
an internal action is seen only by the responsible organisation and by coordinators and
administrators (`review`). Everyone sees their own organisations' queue. Members of the
responsible organisation and coordinators may update an action's status and outcome.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from trygg.tenants.access import Access
from trygg.tenants.models import Role

from .models import Action, ActionQuerySet

OPERATIONAL = frozenset({Role.POLICE, Role.COORDINATOR, Role.ADMIN})
DIRECTING = frozenset({Role.STEERING, Role.COORDINATOR, Role.ADMIN})


def can_record_operational(access: Access) -> bool:
    """The police's operational direction: recorded by the police or a coordinator."""
    return bool(access.roles & OPERATIONAL)


def can_decide_direction(access: Access) -> bool:
    """The direction decision: the steering group, or a coordinator on its behalf."""
    return bool(access.roles & DIRECTING)


def visible_actions(access: Access) -> ActionQuerySet:
    actions = Action.objects.filter(municipality=access.municipality)
    if access.can("review"):
        return actions
    own = Q(responsible_organisation_id__in=access.organisation_ids)
    if access.can("view_reports"):
        return actions.filter(own | Q(internal=False))
    return actions.filter(own)


def can_update_action(access: Access, action: Action) -> bool:
    return access.can("review") or action.responsible_organisation_id in access.organisation_ids


def access_action(access: Access, pk: int, *, write: bool = False) -> Action:
    """The only way a view fetches an action: 404 when not visible, 403 when read-only."""
    try:
        action = (
            visible_actions(access).select_related("area", "responsible_organisation").get(pk=pk)
        )
    except Action.DoesNotExist:
        raise Http404 from None
    if write and not can_update_action(access, action):
        raise PermissionDenied
    return action
