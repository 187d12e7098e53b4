"""Single sign-on: which haard user an identity provider's verified claims make, and which
roles its groups give (docs/sso.md).

The provider is trusted for who someone is and which groups they are in; haard decides what
the groups mean. A user is found only through an `ExternalIdentity` (issuer and a stable
claim), never by name or e-mail address. Memberships follow the mapped groups at every
sign-on: roles are added and ended so that the user holds exactly what the mapping gives,
never more; a group the mapping does not name gives nothing.

At sign-out, a session that started through the provider ends at the provider too when it has
an end-session endpoint (OpenID Connect RP-Initiated Logout 1.0); the ID token kept at sign-on
is the `id_token_hint` that tells the provider whose session it is.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haard.accounts.models import ExternalIdentity, IdentityProviderDevice, Membership, Role, Team, User
from haard.accounts.sso_config import GroupRole, SsoConfig

logger = logging.getLogger(__name__)

PROVIDER_DEVICE_NAME = "identity provider"
_USERNAME_CHARACTERS = re.compile(r"[^\w.@+-]")
# The session of a user signed on through the provider keeps `session_record` under this key.
SESSION_KEY = "haard_sso"


class SignOnRefusedError(Exception):
    """The provider's answer was genuine, but haard does not sign this account in."""

    def __init__(self, reason: str, *, username: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.username = username


@dataclass(frozen=True)
class SignOn:
    user: User
    created: bool
    # Set when the provider asserted a second factor that haard is configured to trust.
    provider_device: IdentityProviderDevice | None
    added: int
    ended: int


def subject_of(claims: Mapping[str, Any], config: SsoConfig) -> str:
    """The stable claim that names the account at the provider; refused when absent."""
    value = claims.get(config.subject_claim)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise SignOnRefusedError("subject")
    return value.strip()


def groups_of(claims: Mapping[str, Any], config: SsoConfig) -> set[str]:
    """The provider groups in the claims: a list of names, or one name. Anything else is no group."""
    value = claims.get(config.groups_claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return set()
    return {item for item in value if isinstance(item, str)}


def asserts_second_factor(id_token_claims: Mapping[str, Any], config: SsoConfig) -> bool:
    """True when the signed ID token says the provider checked a second factor, in a way the
    configuration names (HAARD_OIDC_MFA_ACR / HAARD_OIDC_MFA_AMR). With neither set: never."""
    acr = id_token_claims.get("acr")
    if isinstance(acr, str) and acr in config.mfa_acr_values:
        return True
    amr = id_token_claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    return isinstance(amr, list) and any(isinstance(m, str) and m in config.mfa_amr_values for m in amr)


def mapped_roles(groups: Iterable[str], config: SsoConfig) -> set[GroupRole]:
    """The roles the mapping gives for these groups; unknown groups give none."""
    return {role for group in groups for role in config.group_roles.get(group, ())}


@transaction.atomic
def sign_on(*, config: SsoConfig, claims: Mapping[str, Any], id_token_claims: Mapping[str, Any]) -> SignOn:
    """Find or create the user the verified claims name, bring the profile and the memberships
    in line with the provider, and say whether the provider's second factor counts.

    Refuses (SignOnRefusedError) a claim set without the subject claim and a disabled user.
    """
    subject = subject_of(claims, config)
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=config.issuer, subject=subject)
        .first()
    )
    created = identity is None
    if identity is None:
        user = User.objects.create_user(_free_username(claims, config, subject), password=None)
        ExternalIdentity.objects.create(user=user, issuer=config.issuer, subject=subject)
    else:
        user = identity.user
        if not user.is_active:
            raise SignOnRefusedError("inactive", username=user.get_username())
    _update_profile(user, claims)
    added, ended = _follow_groups(user, mapped_roles(groups_of(claims, config), config))
    device = None
    if asserts_second_factor(id_token_claims, config):
        device, _ = IdentityProviderDevice.objects.get_or_create(
            user=user, name=PROVIDER_DEVICE_NAME, defaults={"confirmed": True}
        )
    logger.info(
        "sso sign-on user_id=%s created=%s provider_mfa=%s memberships_added=%d memberships_ended=%d",
        user.pk,
        created,
        device is not None,
        added,
        ended,
    )
    return SignOn(user=user, created=created, provider_device=device, added=added, ended=ended)


def _free_username(claims: Mapping[str, Any], config: SsoConfig, subject: str) -> str:
    wanted = claims.get("preferred_username")
    base = _USERNAME_CHARACTERS.sub("", wanted)[:140] if isinstance(wanted, str) else ""
    if not base:
        base = "sso-" + hashlib.sha256(f"{config.issuer} {subject}".encode()).hexdigest()[:12]
    taken = {
        name.lower()
        for name in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    }
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _text(claims: Mapping[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _update_profile(user: User, claims: Mapping[str, Any]) -> None:
    profile = {
        "first_name": _text(claims, "given_name", 150),
        "last_name": _text(claims, "family_name", 150),
        "email": _text(claims, "email", 254),
    }
    changed = [name for name, value in profile.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, profile[name])
    if changed:
        user.save(update_fields=changed)


def _follow_groups(user: User, wanted: set[GroupRole]) -> tuple[int, int]:
    """Make the user's active memberships exactly those the mapped groups give."""
    roles = {role.key: role for role in Role.objects.filter(key__in={w.role for w in wanted})}
    teams: dict[tuple[str, str], Team] = {}
    if wanted:
        matching = reduce(or_, (Q(organisation__name=w.organisation, name=w.team) for w in wanted))
        teams = {
            (t.organisation.name, t.name): t
            for t in Team.objects.select_related("organisation").filter(matching)
        }
    targets: set[tuple[int, int]] = set()
    for entry in sorted(wanted, key=lambda w: (w.role, w.organisation, w.team)):
        role = roles.get(entry.role)
        team = teams.get((entry.organisation, entry.team))
        if role is None or team is None:
            # The mapping names a role or team haard does not have: it gives nothing.
            logger.warning(
                "sso group mapping entry does not resolve role=%s organisation=%s team=%s missing=%s",
                entry.role,
                entry.organisation,
                entry.team,
                "role" if role is None else "team",
            )
            continue
        targets.add((team.pk, role.pk))
    existing = {(m.team_id, m.role_id): m for m in Membership.objects.select_for_update().filter(user=user)}
    today = timezone.localdate()
    added = ended = 0
    for key, membership in existing.items():
        if key in targets and not membership.active:
            membership.active, membership.since = True, today
            membership.save(update_fields=["active", "since"])
            added += 1
        elif key not in targets and membership.active:
            membership.active = False
            membership.save(update_fields=["active"])
            ended += 1
    new = [Membership(user=user, team_id=t, role_id=r, since=today) for t, r in targets - set(existing)]
    Membership.objects.bulk_create(new)
    return added + len(new), ended


def session_record(*, config: SsoConfig, id_token: str) -> dict[str, str]:
    """What a session started through the provider keeps for its sign-out: the issuer, and the
    ID token only when the provider has an end-session endpoint to give it to."""
    return {"issuer": config.issuer, "id_token": id_token if config.end_session_endpoint else ""}


@dataclass(frozen=True)
class ProviderSignOut:
    provider_name: str
    # The provider's end-session endpoint with the request's parameters; "" when the session at
    # the provider stays open (no endpoint, or the session began at another issuer).
    url: str


def provider_sign_out(
    *, config: SsoConfig | None, record: object, post_logout_redirect_uri: str, state: str
) -> ProviderSignOut | None:
    """How a session that is being signed out ends at the provider. None for a session that did
    not start through single sign-on (local accounts, anonymous visitors) or when single sign-on
    is off now. The ID token goes only to the end-session endpoint of the issuer that made it."""
    if config is None or not isinstance(record, dict):
        return None
    id_token = record.get("id_token")
    endpoint = config.end_session_endpoint
    if not endpoint or record.get("issuer") != config.issuer or not isinstance(id_token, str) or not id_token:
        return ProviderSignOut(provider_name=config.provider_name, url="")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": config.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": state,
        }
    )
    separator = "" if endpoint.endswith(("?", "&")) else ("&" if "?" in endpoint else "?")
    return ProviderSignOut(provider_name=config.provider_name, url=f"{endpoint}{separator}{query}")
