from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PictureConfig(AppConfig):
    name = "trygg.picture"
    verbose_name = _("weekly situational picture")
