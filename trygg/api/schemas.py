"""The shapes of the API's requests and answers (the OpenAPI document is made from them)."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator


class In(Schema):
    """A request body: its text never holds a NUL character (PostgreSQL cannot store one)."""

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class Error(Schema):
    detail: Any = Field(description="What is wrong: a message, or a list/map of them by field.")


class Me(Schema):
    municipality: str
    municipality_name: str
    username: str
    roles: list[str]
    scopes: list[str]


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    active: bool
    standard: bool


class Geometry(Schema):
    type: str
    coordinates: Any


class AreaProperties(Schema):
    id: int
    code: str
    name: str
    label: str
    kind: str
    population: int | None
    valid_from: date
    valid_to: date | None


class AreaFeature(Schema):
    type: Literal["Feature"] = "Feature"
    geometry: Geometry
    properties: AreaProperties


class AreaCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[AreaFeature]


class EventOut(Schema):
    id: int
    report: int
    source: str
    organisation: str | None
    category: str
    subcategory: str | None
    observed_from: datetime
    observed_to: datetime
    reported_at: datetime
    lat: float
    lon: float
    area: str | None
    place: str | None
    people_count: int | None
    youths: str
    insecurity: int
    police_called: bool
    crime_reported: bool
    description: str
    reviewed: bool
    duplicate_of: int | None


class EventIn(In):
    category: str = Field(description="Main category code, e.g. SKA.", max_length=20)
    subcategory: str | None = Field(None, description="Subcategory code, e.g. SKA.KLO.")
    observed_from: datetime
    observed_to: datetime | None = Field(None, description="Defaults to observed_from.")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    people_count: int | None = Field(None, ge=0, le=10_000)
    youths: Literal["ja", "nej", "okant"] = "okant"
    insecurity: int = Field(2, ge=1, le=3)
    police_called: bool = False
    crime_reported: bool = False
    description: str = Field("", max_length=2000)
    personal_data_confirmed: bool = Field(
        False, description="Confirms that text flagged as possible personal data is none."
    )


class ReportIn(In):
    client_key: UUID = Field(
        description="Once per report: a retry with the same key is not stored twice."
    )
    organisation: int | None = Field(None, description="Reporting organisation id; default: yours.")
    events: list[EventIn] = Field(min_length=1, max_length=10)


class ReportOut(Schema):
    id: int
    created: bool
    events: list[int]


class ActionOut(Schema):
    id: int
    title: str
    description: str
    status: str
    area: str | None
    responsible_organisation: str
    internal: bool
    start: date | None
    end: date | None
    effort: str
    outcome: str
    decision: int | None
    events: list[int]
    updated_at: datetime


class ActionPatch(In):
    status: Literal["planned", "ongoing", "done", "cancelled"]
    effort: str = Field("", max_length=200)
    outcome: str = Field("", max_length=4000)


class DecisionOut(Schema):
    id: int
    text: str
    meeting: int | None
    direction: int | None
    area: str | None
    responsible_organisation: str | None
    created_at: datetime


class MeetingOut(Schema):
    id: int
    series: str
    kind: str
    date: date
    status: str
    information: str
    decisions: list[int]


class PictureSummary(Schema):
    week: str
    published_at: datetime | None


class PictureOut(Schema):
    week: str
    published_at: datetime | None
    content: dict[str, Any] = Field(
        description="The frozen picture; its police part only with the police-data scope."
    )


class AnalysisOut(Schema):
    week: str
    published: bool
    total: dict[str, Any]
    alerts: list[Any]
    hotspots: dict[str, Any]
    clusters: Any
    repeat_places: Any
    areas: list[Any]


class PoliceEventOut(Schema):
    id: int
    event_id: int
    occurred_at: datetime
    event_type: str
    name: str
    summary: str
    location_name: str
    url: str


class StatisticsRow(Schema):
    area: str | None
    category: str
    count: int | None = Field(description="null where fewer than the suppression threshold.")
    suppressed: bool


class SurveyOut(Schema):
    id: int
    title: str
    opens_on: date
    closes_on: date
    status: str = Field(description="upcoming, open or closed")
    area_kind: str
    publish_results: bool


class SurveyGroup(Schema):
    area: str | None = Field(description="The area code; null for the whole municipality.")
    label: str
    hidden: bool
    note: str = Field(description="Why the group is hidden (fewer than 10 answers …).")
    n: int | None = Field(description="Answers other than “don't know”; null when hidden.")
    k: int | None = Field(description="Answers in the outcome (e.g. unsafe).")
    share: float | None = Field(description="Per cent in the outcome.")
    low: float | None = Field(description="95 % Wilson interval, per cent.")
    high: float | None
    mean: float | None = Field(description="Mean score on 1–4, with its 95 % t interval.")
    mean_low: float | None
    mean_high: float | None


class SurveyAreaCount(Schema):
    area: str
    label: str
    n: int | None = Field(description="Respondents; null when hidden.")


class SurveyQuestionResult(Schema):
    code: str
    question: str
    outcome: str
    total: SurveyGroup
    areas: list[SurveyGroup]


class SurveyResultsOut(Schema):
    survey: SurveyOut
    minimum: int = Field(description="The smallest group shown.")
    respondents: int | None
    respondents_by_area: list[SurveyAreaCount]
    questions: list[SurveyQuestionResult]
