"""Placeholder module: being written."""

from django.http import HttpRequest, HttpResponse


def report_new(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def report_mine(request: HttpRequest, code: str, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
