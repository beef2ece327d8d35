from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A kommun: the tenant. Everything else belongs to exactly one."""

    code = models.CharField(_("kommun code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Map view default: WGS84 centre, used before any areas exist.
    center_lat = models.FloatField(default=62.0)
    center_lon = models.FloatField(default=15.0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL = "kommun", _("municipal department")
        POLICE = "polis", _("police")
        HOUSING = "bostad", _("housing company")
        RESCUE = "raddning", _("rescue service")
        SECURITY = "bevakning", _("security company")
        BUSINESS = "naringsliv", _("business")
        ASSOCIATION = "forening", _("association")
        OTHER = "ovrig", _("other")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_org_name")
        ]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REPORTER = "rapportor", _("reporter")
    COORDINATOR = "samordnare", _("coordinator")
    ANALYST = "analytiker", _("analyst")
    STEERING = "styrgrupp", _("steering group")
    POLICE = "polis", _("police")
    ADMIN = "admin", _("administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(active=True, organisation__active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one organisation of one municipality's EST collaboration."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            )
        ]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"
