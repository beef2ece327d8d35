"""Writes: a resident's anonymous answer, and the staff's survey rounds (audited)."""

import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from trygg.audit.services import record

from .forms import AnswerForm
from .models import Answer, BrowserMark, Response, Survey, UnsafePlace
from .questions import QUESTIONS


class AlreadyAnswered(Exception):
    pass


def browser_digest(survey: Survey, token: str) -> str:
    """What is stored of a browser's cookie: a keyed hash, different for every survey."""
    text = f"{settings.SECRET_KEY}|survey-browser|{survey.pk}|{token}"
    return hashlib.sha256(text.encode()).hexdigest()


def has_answered(survey: Survey, token: str | None) -> bool:
    return (
        bool(token)
        and BrowserMark.objects.filter(
            survey=survey, digest=browser_digest(survey, token or "")
        ).exists()
    )


def submit_answer(survey: Survey, form: AnswerForm, token: str) -> Response:
    """Save one anonymous answer. Not audited one by one: an audit row's time and order would
    tie the answer to a moment, which is more than the survey promises to keep."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            BrowserMark.objects.create(survey=survey, digest=browser_digest(survey, token))
            response = Response.objects.create(survey=survey, area=data["area"])
            Answer.objects.bulk_create(
                Answer(response=response, question=q.code, value=data[q.code])
                for q in QUESTIONS
                if data.get(q.code) is not None
            )
            UnsafePlace.objects.bulk_create(
                UnsafePlace(response=response, **place) for place in form.places
            )
    except IntegrityError:
        raise AlreadyAnswered from None
    return response


@transaction.atomic
def save_survey(user: Any, form: Any) -> Survey:
    survey = form.save(commit=False)
    created = survey.pk is None
    survey.municipality = form.municipality
    if created:
        survey.created_by = user
    survey.save()
    record(user, "create" if created else "update", survey, summary=survey.title)
    return survey


@transaction.atomic
def close_survey(user: Any, survey: Survey) -> None:
    survey.closed_early_at = timezone.now()
    survey.save(update_fields=["closed_early_at", "updated_at"])
    record(user, "update", survey, summary=f"closed early: {survey.title}")
