"""The public survey form: anonymous, no account, phone-first, protected against abuse.

Protection without accounts: a rate limit per client address, one answer per browser (a
random signed cookie set when answering; only a keyed hash of it is stored, in a table not
linked to the answers), a honeypot field, a body size limit and CSRF.
"""

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from trygg.ratelimit import allow, client_address
from trygg.tenants.access import public_view
from trygg.tenants.models import Municipality

from . import services
from .forms import AnswerForm
from .models import Survey

COOKIE = "trygg_survey"
COOKIE_SALT = "trygg.surveys.browser"
COOKIE_AGE = 400 * 24 * 3600
ANSWERS_PER_HOUR = 10
MAX_BODY = 20_000  # bytes: the form is small; anything larger is not an answer


def _token(request: HttpRequest) -> str | None:
    try:
        return str(request.get_signed_cookie(COOKIE, salt=COOKIE_SALT))
    except (KeyError, signing.BadSignature):
        return None


def _page(request: HttpRequest, survey: Survey, template: str, status: int = 200) -> HttpResponse:
    return render(request, f"surveys/{template}", {"survey": survey}, status=status)


def _too_large(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > MAX_BODY or len(request.body) > MAX_BODY


@public_view
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk, municipality=municipality)
    if survey.status != "open":
        return _page(request, survey, "public_closed.html")
    token = _token(request)
    if services.has_answered(survey, token):
        return _page(request, survey, "public_already.html")
    if request.method != "POST":
        return _form(request, survey, AnswerForm(survey))
    if _too_large(request):
        return _page(request, survey, "public_too_large.html", status=413)
    if not allow("survey-answer", client_address(request), limit=ANSWERS_PER_HOUR, per=3600):
        return _page(request, survey, "public_rate_limited.html", status=429)
    form = AnswerForm(survey, request.POST)
    if not form.is_valid():
        return _form(request, survey, form, status=400)
    if form.cleaned_data.get("website"):  # the honeypot: only robots fill it in
        return _page(request, survey, "public_thanks.html")
    token = token or secrets.token_urlsafe(24)
    try:
        services.submit_answer(survey, form, token)
    except services.AlreadyAnswered:
        return _page(request, survey, "public_already.html")
    response = _page(request, survey, "public_thanks.html")
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _form(request: HttpRequest, survey: Survey, form: AnswerForm, status: int = 200) -> Any:
    municipality = survey.municipality
    return render(
        request,
        "surveys/public_form.html",
        {
            "survey": survey,
            "form": form,
            "center": f"{municipality.center_lat:.5f},{municipality.center_lon:.5f}",
        },
        status=status,
    )


@public_view
@require_safe
def survey_areas(request: HttpRequest, municipality: Municipality, pk: int) -> JsonResponse:
    """The survey's areas as GeoJSON for the public map (open data: SCB's areas)."""
    survey = get_object_or_404(Survey, pk=pk, municipality=municipality)
    features = [
        {
            "type": "Feature",
            "geometry": a.geometry,
            "properties": {"label": a.label, "code": a.code},
        }
        for a in survey.areas()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
