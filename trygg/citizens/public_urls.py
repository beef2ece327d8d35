"""The public site: mounted at `/kommun/<code>/`, no login."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.public_home, name="public_home"),
    path("medborgarloften/", public.public_promises, name="public_promises"),
    path("medborgarloften/<int:pk>/", public.public_promise_detail, name="public_promise_detail"),
    path("statistik/", public.public_statistics, name="public_statistics"),
    path("statistik.csv", public.public_statistics_csv, name="public_statistics_csv"),
    path("statistik.geojson", public.public_statistics_geojson, name="public_statistics_geojson"),
]
