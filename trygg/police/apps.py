from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliceConfig(AppConfig):
    name = "trygg.police"
    verbose_name = _("Police data")

    def ready(self) -> None:
        # The importers register themselves with the import framework.
        from . import crimes, events  # noqa: F401
