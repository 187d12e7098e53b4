"""Organisations, teams, users, roles and memberships; API clients of partner systems;
emergency ("break the glass") access grants."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from haard.core.models import Municipality, TimeStampedModel


class OrganisationType(models.TextChoices):
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_TEAM = "social_team", _("Social team (wijkteam)")
    YOUTH_CARE = "youth_care", _("Youth care")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    PROBATION = "probation", _("Probation")
    ADDICTION_CARE = "addiction_care", _("Addiction care")
    SHELTER = "shelter", _("Shelter")
    SCHOOL = "school", _("School")
    GP_PRACTICE = "gp_practice", _("GP practice")
    VEILIGHEIDSHUIS = "veiligheidshuis", _("Veiligheidshuis")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipalities served"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.name}"


class Role(models.Model):
    """What a group of permissions means in haard. The permissions themselves live on the
    Group; the role adds the key, whether it sees personal data (and so needs two factors),
    and its place in the interface. Roles ship with a data migration."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    key = models.SlugField(_("key"), max_length=40, unique=True)
    sees_personal_data = models.BooleanField(_("sees personal data"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["order"]
        default_permissions = ()
        # Capabilities that are not tied to one model. Domain apps add their own.
        permissions = [
            ("view_personal_data", "Can see personal data"),
            ("search_people", "Can search all people in the region"),
            ("view_cases", "Can see cases through a relation"),
            ("manage_cases", "Can change cases through a relation"),
            ("register_reports", "Can register reports and advice requests"),
            ("assess_safety", "Can assess safety"),
            ("file_meldcode", "Can record meldcode steps"),
            ("send_police_reports", "Can send police reports"),
            ("manage_restraining_orders", "Can manage restraining orders"),
            ("manage_shelter", "Can manage shelter places"),
            ("view_figures", "Can see figures and the area scan"),
            ("view_access_log", "Can read the access log"),
            ("review_emergency_access", "Can review emergency access"),
            ("break_glass", "Can request emergency access"),
            ("administer", "Can administer users and reference lists"),
        ]

    def __str__(self) -> str:
        from haard.accounts.roles import ROLE_LABELS

        return str(ROLE_LABELS.get(self.key, self.group.name))


# django-otp has no type information, so the stubs cannot see IdentityProviderDevice's manager.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    # Changing this number ends every session of the user ("log out everywhere").
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def get_session_auth_hash(self) -> str:
        base = super().get_session_auth_hash()
        return hashlib.sha256(f"{base}:{self.session_generation}".encode()).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user works in a team with a role. A user may hold several memberships."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("team")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("role")
    )
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["team__organisation__name", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique_user_team_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role} – {self.team}"


class ApiScope(models.TextChoices):
    PEOPLE_READ = "people:read", _("Read people")
    CASES_READ = "cases:read", _("Read cases")
    REPORTS_READ = "reports:read", _("Read reports")
    REPORTS_WRITE = "reports:write", _("Send reports")
    CASES_WRITE = "cases:write", _("Change cases")
    ASSESSMENTS_READ = "assessments:read", _("Read safety assessments")
    ASSESSMENTS_WRITE = "assessments:write", _("Record safety assessments")
    RESTRAINING_ORDERS_READ = "restraining-orders:read", _("Read restraining orders")
    RESTRAINING_ORDERS_WRITE = "restraining-orders:write", _("Record restraining orders")
    CONFERENCES_WRITE = "conferences:write", _("Record case conferences")


class ApiClient(TimeStampedModel):
    """A partner system. It acts through its own technical user (whose memberships give it
    the same need-to-know access as a person) and only within its scopes."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_clients")
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="api_client", verbose_name=_("acting user")
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """Only the hash of a token is stored; the token itself is shown once at creation."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.client} {self.prefix}…"

    @staticmethod
    def generate_raw() -> str:
        return "hrd_" + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EmergencyAccess(models.Model):
    """Access outside a relation ("break the glass"): the reason is stated, the grant is
    short-lived, and every grant waits on the privacy officer's review list."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        JUSTIFIED = "justified", _("Justified")
        UNJUSTIFIED = "unjustified", _("Not justified")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="emergency_grants")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True)
    model_label = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access")
        indexes = [models.Index(fields=["user", "model_label", "expires_at"])]
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.model_label}#{self.object_id}"


class ExternalIdentity(models.Model):
    """A user's account at an identity provider (single sign-on): the provider's issuer and
    the stable claim that names the account there. Single sign-on finds a user only through
    this link, never by name or e-mail address."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("account at the identity provider"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on account")
        verbose_name_plural = _("single sign-on accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="external_identity_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class IdentityProviderDevice(Device):
    """Stands for a second factor that the identity provider checked at single sign-on (its
    acr or amr claim said so, and haard is configured to trust that). It verifies no code
    itself: the session counts as verified only when a sign-on put this device in it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="identity_provider_devices", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("second factor at the identity provider")
        verbose_name_plural = _("second factors at the identity provider")

    def verify_token(self, token: str) -> bool:
        return False
