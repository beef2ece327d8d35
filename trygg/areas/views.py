"""Placeholder module: being written."""

from django.http import HttpRequest, HttpResponse


def area_list(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def area_geojson(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def area_detail(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def place_search(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
