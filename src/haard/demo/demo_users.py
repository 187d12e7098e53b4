"""Demo accounts: one user for every role, plus an outsider, each in a fitting team, with a
shared password and (where the role needs one) a confirmed authenticator and backup codes,
so that a person can sign in at once.

The authenticator secrets and backup codes are derived from the seed: anyone who knows the
seed knows them. That is acceptable only because the demo commands refuse to run in
production.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haard.accounts.models import Membership, Role, User
from haard.accounts.roles import ROLE_LABELS
from haard.accounts.services import BACKUP_DEVICE_NAME, TOTP_DEVICE_NAME, requires_two_factor
from haard.demo import organisations as orgs
from haard.demo.identifiers import backup_codes, totp_key_hex

DEMO_PASSWORD = "haard-demo-2026"  # noqa: S105 - public on purpose: demo accounts only
DEMO_EMAIL_DOMAIN = "demo.haard.invalid"  # .invalid never resolves: no mail can leave


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    first_name: str
    last_name: str
    role_key: str
    slot: str
    is_staff: bool = False


DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("intake", "Ilse", "Veldkamp", "intake_worker", orgs.SLOT_VT_INTAKE),
    DemoUserSpec("beoordelaar", "Bart", "Hoogland", "safety_assessor", orgs.SLOT_VT_ASSESSMENT),
    DemoUserSpec("regisseur", "Renske", "Aalders", "case_manager", orgs.SLOT_SOCIAL_OWN),
    DemoUserSpec("professional", "Pieter", "Lammertsma", "professional", orgs.SLOT_SCHOOL),
    DemoUserSpec("politie", "Priya", "Ramdin", "police_officer", orgs.SLOT_POLICE),
    DemoUserSpec("burgemeester", "Bernard", "Oosterhuis", "mayors_office", orgs.SLOT_MAYOR),
    DemoUserSpec("opvang", "Olga", "Schuurman", "shelter_coordinator", orgs.SLOT_SHELTER),
    DemoUserSpec("beleid", "Bas", "Verkerk", "policy_officer", orgs.SLOT_POLICY),
    DemoUserSpec("privacy", "Petra", "Wachters", "privacy_officer", orgs.SLOT_VT_PRIVACY),
    DemoUserSpec("beheer", "Hans", "Kolkman", "administrator", orgs.SLOT_VT_ADMIN, is_staff=True),
    DemoUserSpec("buitenstaander", "Olaf", "Buitenhuis", "case_manager", orgs.SLOT_SOCIAL_OUTSIDER),
)
DEMO_USERNAMES: tuple[str, ...] = tuple(spec.username for spec in DEMO_USERS)
# Accounts the demo steps add for a flow that needs two people of one role: shown by
# `demo_accounts` after the others (the four-eyes assessment needs a second assessor).
SECOND_ASSESSOR = "beoordelaar2"
ALSO_SHOWN: tuple[str, ...] = (SECOND_ASSESSOR,)
CASE_MANAGER_USERNAME = "regisseur"
INTAKE_USERNAME = "intake"
POLICE_USERNAME = "politie"
OUTSIDER_USERNAME = "buitenstaander"


class DemoAccount(NamedTuple):
    username: str
    role_label: str
    organisation: str
    totp_secret: str  # base32, as an authenticator app wants it; "" without a second factor
    backup_codes: tuple[str, ...]


@dataclass(frozen=True)
class DemoAccountStatus:
    """A demo account as it stands now, for the `demo_accounts` command."""

    account: DemoAccount
    team: str
    password_unchanged: bool
    current_code: str  # the authenticator's code at this moment; "" without a second factor


def base32_secret(device: TOTPDevice) -> str:
    """The device secret in the base32 form authenticator apps ask for."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def current_code(device: TOTPDevice) -> str:
    """The six-digit code the device accepts right now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def create_demo_users(*, organisations: orgs.DemoOrganisations, seed: int) -> list[DemoAccount]:
    """Create every demo user with its membership and, where required, its second factor.
    The password is hashed once (Argon2 is slow on purpose) and the hash is shared."""
    password_hash = make_password(DEMO_PASSWORD)
    roles = {role.key: role for role in Role.objects.all()}
    accounts: list[DemoAccount] = []
    for spec in DEMO_USERS:
        team = organisations.slots[spec.slot]
        user = User.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@{DEMO_EMAIL_DOMAIN}",
            is_staff=spec.is_staff,
            password=password_hash,
        )
        Membership.objects.create(user=user, team=team, role=roles[spec.role_key])
        secret = ""
        codes: tuple[str, ...] = ()
        if requires_two_factor(user):
            device = TOTPDevice.objects.create(
                user=user,
                name=TOTP_DEVICE_NAME,
                key=totp_key_hex(seed=seed, username=spec.username),
                confirmed=True,
            )
            secret = base32_secret(device)
            codes = tuple(backup_codes(seed=seed, username=spec.username))
            backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
            StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
        accounts.append(
            DemoAccount(
                username=spec.username,
                role_label=str(ROLE_LABELS[spec.role_key]),
                organisation=team.organisation.name,
                totp_secret=secret,
                backup_codes=codes,
            )
        )
    return accounts


def describe_demo_accounts() -> list[DemoAccountStatus]:
    """The demo accounts present in the database, in the order of DEMO_USERS (then those the
    steps add, ALSO_SHOWN), with their current authenticator code and the backup codes not
    yet used."""
    wanted = (*DEMO_USERNAMES, *ALSO_SHOWN)
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    role_keys = {spec.username: spec.role_key for spec in DEMO_USERS}
    statuses: list[DemoAccountStatus] = []
    for username in wanted:
        user = users.get(username)
        if user is None:
            continue
        membership = (
            Membership.objects.select_related("team__organisation", "role")
            .filter(user=user, active=True)
            .first()
        )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        codes = tuple(
            StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME)
            .order_by("pk")
            .values_list("token", flat=True)
        )
        role_key = membership.role.key if membership else role_keys.get(username, "")
        statuses.append(
            DemoAccountStatus(
                account=DemoAccount(
                    username=user.username,
                    role_label=str(ROLE_LABELS.get(role_key, role_key)),
                    organisation=membership.team.organisation.name if membership else "",
                    totp_secret=base32_secret(device) if device else "",
                    backup_codes=codes,
                ),
                team=membership.team.name if membership else "",
                password_unchanged=user.check_password(DEMO_PASSWORD),
                current_code=current_code(device) if device else "",
            )
        )
    return statuses
