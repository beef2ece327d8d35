"""The permission gate for tips: the only way staff views fetch one."""

from django.http import Http404

from trygg.tenants.access import Access

from .models import Tip


def access_tip(access: Access, pk: int, *, write: bool = False) -> Tip:
    """One tip of the access's municipality, for those who see reports (`view_reports`);
    moderating it (`write`) needs `review`. Another municipality's tip is a 404."""
    access.require("review" if write else "view_reports")
    tip = (
        Tip.objects.filter(municipality=access.municipality, pk=pk)
        .select_related("report", "moderated_by")
        .first()
    )
    if tip is None:
        raise Http404
    return tip
