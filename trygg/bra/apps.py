from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BraConfig(AppConfig):
    name = "trygg.bra"
    verbose_name = _("Brå statistics")

    def ready(self) -> None:
        # The importer registers itself with the import framework.
        from . import importers  # noqa: F401
