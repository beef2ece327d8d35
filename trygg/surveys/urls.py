from django.urls import path

from . import views

urlpatterns = [
    path("enkater/", views.survey_list, name="survey_list"),
    path("enkater/ny/", views.survey_new, name="survey_new"),
    path("enkater/<int:pk>/", views.survey_results, name="survey_results"),
    path("enkater/<int:pk>/andra/", views.survey_edit, name="survey_edit"),
    path("enkater/<int:pk>/stang/", views.survey_close, name="survey_close"),
    path("enkater/<int:pk>/platser/", views.survey_places, name="survey_places"),
    path("enkater/<int:pk>/export.csv", views.survey_export, name="survey_export"),
]
