from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "trygg.surveys"
    default_auto_field = "django.db.models.BigAutoField"
