from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "trygg.tips"
    verbose_name = _("citizen tips")
