"""Who may see and change the lägesbild: members with an overview read it, coordinators and
administrators (`review`) write it, and the steering group, a coordinator or an administrator
records its adoption."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trygg.cycle.access import can_decide_direction
from trygg.tenants.access import Access

from .models import AdoptedVersion, Lagesbild, PlanMeasure, Problem


def can_edit(access: Access) -> bool:
    return access.can("review")


def can_adopt(access: Access) -> bool:
    return can_decide_direction(access)


def _get(model: Any, access: Access, pk: int, write: bool, **lookups: Any) -> Any:
    try:
        obj = model.objects.get(pk=pk, **lookups)
    except model.DoesNotExist:
        raise Http404 from None
    if write and not can_edit(access):
        raise PermissionDenied
    return obj


def access_lagesbild(access: Access, pk: int, *, write: bool = False) -> Lagesbild:
    return _get(Lagesbild, access, pk, write, municipality=access.municipality)


def access_problem(access: Access, pk: int, *, write: bool = False) -> Problem:
    return _get(Problem, access, pk, write, municipality=access.municipality)


def access_measure(access: Access, pk: int, *, write: bool = False) -> PlanMeasure:
    return _get(PlanMeasure, access, pk, write, municipality=access.municipality)


def access_version(access: Access, pk: int) -> AdoptedVersion:
    return _get(AdoptedVersion, access, pk, False, lagesbild__municipality=access.municipality)
