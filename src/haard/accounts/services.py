"""Writes for accounts: second-factor enrolment, backup codes, sessions, API tokens,
emergency access. Each function is keyword-only and runs in one transaction."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haard.accounts.access import has_capability
from haard.accounts.models import (
    ApiClient,
    ApiToken,
    EmergencyAccess,
    IdentityProviderDevice,
    Membership,
    User,
    hash_token,
)

BACKUP_DEVICE_NAME = "backup"
TOTP_DEVICE_NAME = "authenticator"


class AccessRefusedError(Exception):
    """The actor may not do this."""


def is_verified(user: object) -> bool:
    """True when the user has passed the second factor in this session (django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def requires_two_factor(user: User) -> bool:
    """True for staff and for every user holding a role that sees personal data."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, active=True, role__sees_personal_data=True).exists()


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one if needed.

    Refuses when the user already has a confirmed authenticator: replacing it is an
    administrator's act, not something a password alone may do.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise AccessRefusedError(_("An authenticator is already set up for this account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending authenticator with a code from it; None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    """Replace the user's backup codes with new single-use ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.HAARD_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def logout_everywhere(*, user: User) -> None:
    """End every session of the user, on every device, including the current one."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> None:
    """An administrator removes a user's authenticator and backup codes (lost phone)."""
    if not has_capability(actor, "administer"):
        raise AccessRefusedError(_("Only an administrator may reset a second factor."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    IdentityProviderDevice.objects.filter(user=user).delete()
    logout_everywhere(user=user)


@transaction.atomic
def issue_api_token(*, client: ApiClient, valid_days: int | None = 365) -> str:
    """Create a token for a partner system and return it; only its hash is stored."""
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        client=client,
        prefix=raw[4:12],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=valid_days) if valid_days else None,
    )
    return raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


EMERGENCY_ACCESS_HOURS = 8


@transaction.atomic
def grant_emergency_access(
    *,
    actor: User,
    membership: Membership | None,
    model_label: str,
    object_id: int,
    reason: str,
) -> EmergencyAccess:
    """Give the actor short-lived access outside a relation. Requires the break-glass
    capability and a stated reason; every grant goes onto the review list."""
    if not has_capability(actor, "break_glass"):
        raise AccessRefusedError(_("Your role does not allow emergency access."))
    reason = reason.strip()
    if len(reason) < 10:
        raise ValueError("reason")
    return EmergencyAccess.objects.create(
        user=actor,
        membership=membership,
        model_label=model_label,
        object_id=object_id,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=EMERGENCY_ACCESS_HOURS),
    )


@transaction.atomic
def review_emergency_access(
    *, actor: User, grant: EmergencyAccess, justified: bool, note: str
) -> EmergencyAccess:
    """The privacy officer records whether an emergency access was justified."""
    if not has_capability(actor, "review_emergency_access"):
        raise AccessRefusedError(_("Only a privacy officer may review emergency access."))
    if grant.user_id == actor.pk:
        raise AccessRefusedError(_("Nobody reviews their own emergency access."))
    locked = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if locked.outcome != EmergencyAccess.Outcome.PENDING:
        raise AccessRefusedError(_("This emergency access has already been reviewed."))
    locked.outcome = EmergencyAccess.Outcome.JUSTIFIED if justified else EmergencyAccess.Outcome.UNJUSTIFIED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note.strip()
    locked.save()
    return locked
