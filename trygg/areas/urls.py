from django.urls import path

from . import views

urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
    path("areas/geojson/", views.area_geojson, name="area_geojson"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("places/search/", views.place_search, name="place_search"),
]
