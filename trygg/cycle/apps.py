from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "trygg.cycle"
    verbose_name = _("EST cycle")
