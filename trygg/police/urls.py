from django.urls import path

from . import views

urlpatterns = [
    path("police/events/", views.police_events, name="police_events"),
    path("police/events/types/", views.police_mapping, name="police_mapping"),
    path("police/events/types/<int:pk>/", views.police_mapping_set, name="police_mapping_set"),
    path("police/crimes/", views.police_crimes, name="police_crimes"),
    path("police/crimes.csv", views.police_crimes_csv, name="police_crimes_csv"),
]
