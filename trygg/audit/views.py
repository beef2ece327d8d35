"""Placeholder module: being written."""

from django.http import HttpRequest, HttpResponse


def audit_log(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError
