"""Placeholder module: being written."""

from django.http import HttpRequest, HttpResponse


def event_list(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_map(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_geojson(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_detail(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_review(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_merge(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_link(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def photo(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def category_list(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def category_new(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def category_edit(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
