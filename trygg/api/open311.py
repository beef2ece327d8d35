"""Open311 GeoReport v2 under /open311/v2/: residents' apps send citizen tips to Trygg.

Follows the specification (wiki.open311.org/GeoReport_v2): discovery, the service list and
definitions, POST requests with a partner's API key, GET requests and GET requests/{id},
each as `.json` or `.xml`, errors as a list of `{code, description}`. `jurisdiction_id` is
the kommun code. Services are the municipality's public tip categories; a request becomes a
citizen tip in the moderation queue (`trygg.tips.services.submit_tip`), and its public
status is the tip's.

What a request shows is what the tip's public status page shows: its number, status, the
municipality's public answer and times (plus the chosen service). Never the description or
the exact position, which are unmoderated residents' text. Personal fields of the
specification (email, names, phone, device and account ids) are not accepted into storage.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from trygg import ratelimit
from trygg.reports.models import Category
from trygg.tenants.models import Municipality
from trygg.tips.models import Tip
from trygg.tips.services import public_tip_categories, submit_tip, tip_category_label

from .services import open311_key_for

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# Rendering -------------------------------------------------------------------------------


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        top.append(_element(item, row))
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _element(name: str, value: Any) -> ET.Element:
    node = ET.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, list):
                holder = ET.SubElement(node, key)
                singular = key[:-1] if key.endswith("s") else key
                for entry in child:
                    holder.append(_element(singular, entry))
            else:
                node.append(_element(key, child))
    else:
        node.text = _text(value)
    return node


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _respond(fmt: str, root: str, item: str, rows: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(rows, safe=False, status=status)
    if isinstance(rows, dict):  # discovery: one element, not a list
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
            _element(root, rows), encoding="utf-8"
        )
    else:
        body = _xml(root, item, rows)
    return HttpResponse(body, content_type=CONTENT_TYPES["xml"], status=status)


def _error(fmt: str, code: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", "error", [{"code": code, "description": description}], code)


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers an Open311Error (or a ValidationError) in the specification's error format."""

    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return _error(fmt, error.code, error.description)
        except ValidationError as error:
            return _error(fmt, 400, " ".join(error.messages))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Lookups ---------------------------------------------------------------------------------


def _jurisdiction(params: Any) -> Municipality:
    code = params.get("jurisdiction_id", "")
    if not code:
        raise Open311Error(400, _("jurisdiction_id is required: the kommun code, e.g. 1981."))
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise Open311Error(404, _("Unknown jurisdiction_id “%(id)s”.") % {"id": code[:20]})
    return municipality


def _services(municipality: Municipality) -> dict[str, Category]:
    return {c.code: c for c in public_tip_categories(municipality)}


def _service(category: Category) -> dict[str, Any]:
    group = category.parent or category
    return {
        "service_code": category.code,
        "service_name": tip_category_label(category),
        "description": tip_category_label(category),
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": group.display_name,
    }


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _request_row(tip: Tip) -> dict[str, Any]:
    event = tip.report.events.all()[0] if tip.report.events.all() else None
    category = (event.subcategory or event.category) if event else None
    return {
        "service_request_id": tip.public_id,
        "status": tip.public_status,
        "status_notes": tip.public_note,
        "service_name": tip_category_label(category) if category else "",
        "service_code": category.code if category else "",
        "description": "",
        "agency_responsible": tip.municipality.name,
        "service_notice": "",
        "requested_datetime": _iso(tip.created_at),
        "updated_datetime": _iso(tip.closed_at or tip.moderated_at or tip.created_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _tips(municipality: Municipality) -> Any:
    return (
        Tip.objects.filter(municipality=municipality)
        .select_related("report", "municipality")
        .prefetch_related("report__events__category", "report__events__subcategory")
    )


# Views -----------------------------------------------------------------------------------


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311_discovery", kwargs={"fmt": "json"}))
    base = url.rsplit("/", 1)[0]
    body = {
        "changeset": "2026-12-01T00:00:00Z",
        "contact": _("Contact your municipality's safety coordinator."),
        "key_service": _("API keys are issued by the municipality's Trygg administrator."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2026-12-01T00:00:00Z",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond(fmt, "discovery", "endpoint", body)


@require_GET
@open311_view
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    rows = [_service(c) for c in _services(municipality).values()]
    return _respond(fmt, "services", "service", rows)


@require_GET
@open311_view
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    if service_code not in _services(municipality):
        raise Open311Error(404, _("Unknown service_code “%(code)s”.") % {"code": service_code[:20]})
    body = {"service_code": service_code, "attributes": []}
    if fmt == "json":
        return JsonResponse(body)
    return _respond(fmt, "service_definition", "", body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    municipality = _jurisdiction(request.GET)
    tips = _tips(municipality)
    ids = [
        i.strip().upper() for i in request.GET.get("service_request_id", "").split(",") if i.strip()
    ]
    if ids:
        tips = tips.filter(public_id__in=ids[:MAX_REQUESTS])
    else:
        tips = _filtered(tips.published(), request.GET, municipality)
    rows = [_request_row(t) for t in tips[:MAX_REQUESTS]]
    return _respond(fmt, "service_requests", "request", rows)


def _filtered(tips: Any, params: Any, municipality: Municipality) -> Any:
    """The specification's filters: service_code, status, start_date and end_date (the last
    90 days by default)."""
    if code := params.get("service_code"):
        category = _services(municipality).get(code)
        if category is None:
            return tips.none()
        field = "report__events__subcategory" if category.parent else "report__events__category"
        tips = tips.filter(**{field: category})
    status = params.get("status", "")
    if status:
        if status not in ("open", "closed"):
            raise Open311Error(400, _("status: open or closed."))
        open_states = [Tip.Status.NEW, Tip.Status.ACCEPTED]
        tips = (
            tips.filter(status__in=open_states)
            if status == "open"
            else tips.exclude(status__in=open_states)
        )
    end = _date_param(params, "end_date") or timezone.now()
    start = _date_param(params, "start_date") or end - timedelta(days=90)
    return tips.filter(created_at__gte=start, created_at__lte=end)


def _date_param(params: Any, name: str) -> datetime | None:
    text = params.get(name, "")
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s: a date and time in W3C format, e.g. 2026-12-01T08:00:00Z.")
            % {"name": name},
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@require_GET
@open311_view
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    municipality = _jurisdiction(request.GET)
    tip = _tips(municipality).filter(public_id=request_id.upper()).first()
    if tip is None:
        raise Open311Error(404, _("Unknown service_request_id “%(id)s”.") % {"id": request_id[:20]})
    return _respond(fmt, "service_requests", "request", [_request_row(tip)])


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.TRYGG_API_MAX_BODY:
        raise Open311Error(
            413,
            _("The request body is too large: at most %(n)s bytes.")
            % {"n": settings.TRYGG_API_MAX_BODY},
        )
    limit, per = settings.TRYGG_API_WRITE_RATE
    if not ratelimit.allow(
        "open311-address", ratelimit.client_address(request), limit=limit, per=per
    ):
        raise Open311Error(429, _("Too many requests: try again later."))
    # Some clients send api_key and jurisdiction_id in the query string, the rest in the body.
    params = request.GET.copy()
    params.update(request.POST)
    municipality = _jurisdiction(params)
    key = open311_key_for(municipality, params.get("api_key", ""))
    if key is None:
        raise Open311Error(403, _("api_key is missing or not valid for this jurisdiction."))
    if not ratelimit.allow("open311-key", str(key.pk), limit=limit, per=per):
        raise Open311Error(429, _("Too many requests: try again later."))
    category = _services(municipality).get(params.get("service_code", ""))
    if category is None:
        raise Open311Error(400, _("service_code: choose one of the services of this jurisdiction."))
    lat, lon = _position(params)
    tip = submit_tip(
        municipality,
        category=category,
        lat=lat,
        lon=lon,
        description=params.get("description", ""),
        channel=Tip.Channel.OPEN311,
    )
    notice = _("Thank you. The tip is read by the municipality before anything is published.")
    row = {"service_request_id": tip.public_id, "service_notice": notice, "account_id": None}
    return _respond(fmt, "service_requests", "request", [row])


def _position(params: Any) -> tuple[float, float]:
    try:
        lat, lon = float(params.get("lat", "")), float(params.get("long", ""))
    except ValueError:
        raise Open311Error(
            400,
            _("lat and long are required (WGS84 decimal degrees); addresses are not looked up."),
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, _("lat and long: outside the range of WGS84 degrees."))
    return lat, lon
