"""The permission gate for events and their photos: the only way views fetch them."""

from django.http import Http404

from trygg.tenants.access import Access

from .models import Event, EventQuerySet, Photo


def visible_events(access: Access) -> EventQuerySet:
    """The events of the access's municipality this user may see: all of them for roles that
    view reports, a reporter's own otherwise."""
    events = Event.objects.filter(municipality=access.municipality)
    if not access.can("view_reports"):
        events = events.filter(report__reporter=access.user)
    return events


def access_event(access: Access, pk: int, *, write: bool = False) -> Event:
    """One event of the access's municipality that this user may see (or review, if `write`).

    Roles that view reports see every event; a reporter sees only the events of their own
    reports. Anything else is a 404, as is an event of another municipality. Writing needs
    the "review" capability (403 otherwise).
    """
    if write:
        access.require("review")
    events = visible_events(access).select_related(
        "report", "report__organisation", "category", "subcategory", "area", "place"
    )
    event = events.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def access_photo(access: Access, pk: int) -> Photo:
    """A photo, only for those who may see its event."""
    photo = Photo.objects.filter(event__municipality=access.municipality, pk=pk).first()
    if photo is None:
        raise Http404
    access_event(access, photo.event_id)
    return photo
