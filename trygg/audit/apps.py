from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "trygg.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        user_logged_in.connect(_logged_in, dispatch_uid="trygg.audit.login")
        user_login_failed.connect(_login_failed, dispatch_uid="trygg.audit.login_failed")


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from trygg.tenants.access import memberships_of

    from .services import record

    first = memberships_of(user).first()
    municipality = first.organisation.municipality if first else None
    record(user, "login", object_type="auth.user", object_id=user.pk, municipality=municipality)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
    from .services import record

    record(
        None,
        "login_failed",
        object_type="auth.user",
        summary=str(credentials.get("username", ""))[:150],
    )
