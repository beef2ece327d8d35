from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "trygg.backups"
    verbose_name = "Backups"
