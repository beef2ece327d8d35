from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LagesbildConfig(AppConfig):
    name = "trygg.lagesbild"
    verbose_name = _("Situation report and action plan (Lag 2023:196)")
