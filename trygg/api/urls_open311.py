"""Open311 GeoReport v2 under /open311/v2/: each resource as .json or .xml."""

from django.urls import re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, open311.services, name="open311_services"),
    re_path(
        r"^services/(?P<service_code>[^/]+)" + FMT,
        open311.service_definition,
        name="open311_service",
    ),
    re_path(r"^requests" + FMT, open311.requests, name="open311_requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+)" + FMT, open311.request_detail, name="open311_request"
    ),
]
