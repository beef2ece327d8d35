"""Credentials of the open interfaces: personal API tokens and Open311 partner keys.

Only a SHA-256 digest of a secret is stored; the secret itself is shown once, when it is made.
Both are high-entropy random strings, so a plain digest is enough to look them up safely.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")
    POLICE = "police", _("police data")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ApiToken(models.Model):
    """A user's personal token for the REST API, valid in one municipality."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("token begins with"), max_length=20)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_labels(self) -> str:
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.scopes)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class Open311Key(models.Model):
    """A partner system's key for submitting citizen tips through Open311 (admin-managed)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="open311_keys"
    )
    name = models.CharField(_("partner"), max_length=100)
    prefix = models.CharField(_("key begins with"), max_length=20)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 key")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
