"""Second factors: a TOTP authenticator (RFC 6238) per user and single-use recovery codes.

The TOTP secret is stored as it is (base32) in the database: the server must know it to
check a code, and anyone who can read the database can read everything the code protects
too. Backups hold it like every other table (see README, backups). Recovery codes are stored
as SHA-256 digests only: they are random, high-entropy strings, shown once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TotpDevice(models.Model):
    """A user's authenticator app. Unconfirmed until the user typed one code from it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("set up"), null=True, blank=True)
    # The last time step a code was accepted for: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="unique_code")]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"
