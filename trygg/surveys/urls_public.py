from django.urls import path

from . import views_public

urlpatterns = [
    path("enkat/<int:pk>/", views_public.survey_answer, name="survey_answer"),
    path("enkat/<int:pk>/omraden.geojson", views_public.survey_areas, name="survey_public_areas"),
]
