"""Single sign-on configuration, read from the environment (docs/sso.md lists every variable).

settings.py calls `read_sso_config`; it returns None unless HAARD_OIDC_ENABLED is on, and
refuses a missing or malformed value with a message naming the variable. This module imports
nothing of Django's, so settings.py can use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from haard.core.config import ConfigError, env_bool, env_choice, env_int, env_list, env_str

# Asymmetric algorithms only: the ID token is checked with the provider's published key, never
# with the client secret.
SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
_ENDPOINTS = (
    ("HAARD_OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("HAARD_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    ("HAARD_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    ("HAARD_OIDC_JWKS_ENDPOINT", "jwks_endpoint"),
)
# Optional: without it, signing out of haard leaves the session at the provider open.
_END_SESSION_ENDPOINT = "HAARD_OIDC_END_SESSION_ENDPOINT"
_MAPPING_VARIABLE = "HAARD_OIDC_GROUP_ROLES"
_MAPPING_KEYS = {"role", "organisation", "team"}


@dataclass(frozen=True)
class GroupRole:
    """One role in one team, given to the members of an identity-provider group."""

    role: str
    organisation: str
    team: str


@dataclass(frozen=True)
class SsoConfig:
    provider_name: str
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_endpoint: str
    sign_algorithm: str = "RS256"
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    subject_claim: str = "sub"
    groups_claim: str = "groups"
    group_roles: Mapping[str, tuple[GroupRole, ...]] = field(default_factory=dict)
    mfa_acr_values: frozenset[str] = frozenset()
    mfa_amr_values: frozenset[str] = frozenset()
    timeout_seconds: int = 10
    # The provider's `end_session_endpoint` (OpenID Connect RP-Initiated Logout); "" when it has none.
    end_session_endpoint: str = ""

    @property
    def trusts_provider_mfa(self) -> bool:
        return bool(self.mfa_acr_values or self.mfa_amr_values)

    def client_settings(self) -> dict[str, Any]:
        """The settings mozilla-django-oidc reads, under its own names."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": self.userinfo_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.jwks_endpoint,
            "OIDC_RP_SIGN_ALGO": self.sign_algorithm,
            "OIDC_RP_IDP_SIGN_KEY": None,
            "OIDC_RP_SCOPES": " ".join(self.scopes),
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_VERIFY_SSL": True,
            "OIDC_VERIFY_KID": True,
            "OIDC_TIMEOUT": self.timeout_seconds,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso_callback",
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        }


def parse_group_roles(raw: str, variable: str = _MAPPING_VARIABLE) -> dict[str, tuple[GroupRole, ...]]:
    """Read the group mapping: a JSON object from group name to a list of
    {"role": <role key>, "organisation": <organisation name>, "team": <team name>}."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{variable} is not valid JSON: {exc.msg} at position {exc.pos}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f'{variable} must be a JSON object: {{"group": [{{"role": …}}]}}.')
    mapping: dict[str, tuple[GroupRole, ...]] = {}
    for group, entries in data.items():
        if not group.strip():
            raise ConfigError(f"{variable}: a group name is empty.")
        if not isinstance(entries, list):
            raise ConfigError(f"{variable}: group {group!r} must map to a list of roles.")
        roles = []
        for index, entry in enumerate(entries, start=1):
            where = f"{variable}: group {group!r}, entry {index}"
            if not isinstance(entry, dict):
                raise ConfigError(f"{where} must be an object with role, organisation and team.")
            keys = set(entry)
            if keys != _MAPPING_KEYS:
                missing = sorted(_MAPPING_KEYS - keys)
                unknown = sorted(keys - _MAPPING_KEYS)
                detail = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"unknown {', '.join(unknown)}" if unknown else "",
                    )
                    if part
                )
                raise ConfigError(f"{where}: {detail}.")
            values = {key: entry[key] for key in _MAPPING_KEYS}
            for key, value in values.items():
                if not isinstance(value, str) or not value.strip():
                    raise ConfigError(f"{where}: {key} must be a non-empty text.")
            roles.append(
                GroupRole(
                    role=values["role"].strip(),
                    organisation=values["organisation"].strip(),
                    team=values["team"].strip(),
                )
            )
        mapping[group] = tuple(roles)
    return mapping


def read_sso_config(*, production: bool, env: Mapping[str, str] | None = None) -> SsoConfig | None:
    """The single sign-on configuration, or None when HAARD_OIDC_ENABLED is off (the default)."""
    if not env_bool("HAARD_OIDC_ENABLED", default=False, env=env):
        return None
    required = {
        name: env_str(name, env=env)
        for name in ("HAARD_OIDC_ISSUER", "HAARD_OIDC_CLIENT_ID", "HAARD_OIDC_CLIENT_SECRET")
    }
    endpoints = {attribute: env_str(name, env=env) for name, attribute in _ENDPOINTS}
    missing = [name for name, value in required.items() if not value] + [
        name for name, attribute in _ENDPOINTS if not endpoints[attribute]
    ]
    if missing:
        raise ConfigError(f"HAARD_OIDC_ENABLED is on, so set {', '.join(missing)}.")
    end_session_endpoint = env_str(_END_SESSION_ENDPOINT, env=env).strip()
    urls = {"HAARD_OIDC_ISSUER": required["HAARD_OIDC_ISSUER"]} | {
        name: endpoints[attribute] for name, attribute in _ENDPOINTS
    }
    if end_session_endpoint:
        if "#" in end_session_endpoint:
            raise ConfigError(f"{_END_SESSION_ENDPOINT} must not contain a fragment (#).")
        urls[_END_SESSION_ENDPOINT] = end_session_endpoint
    for name, url in urls.items():
        scheme = "https://" if production else ("https://", "http://")
        if not url.startswith(scheme):
            need = "https://" if production else "http:// or https://"
            raise ConfigError(f"{name} must start with {need}, not {url!r}.")
    scopes = tuple(env_list("HAARD_OIDC_SCOPES", ["openid", "profile", "email"], env=env))
    if "openid" not in scopes:
        raise ConfigError("HAARD_OIDC_SCOPES must include openid.")
    return SsoConfig(
        provider_name=env_str("HAARD_OIDC_PROVIDER_NAME", "SSO", env=env),
        issuer=required["HAARD_OIDC_ISSUER"],
        client_id=required["HAARD_OIDC_CLIENT_ID"],
        client_secret=required["HAARD_OIDC_CLIENT_SECRET"],
        sign_algorithm=env_choice("HAARD_OIDC_SIGN_ALGORITHM", "RS256", SIGN_ALGORITHMS, env=env),
        scopes=scopes,
        subject_claim=env_str("HAARD_OIDC_SUBJECT_CLAIM", "sub", env=env),
        groups_claim=env_str("HAARD_OIDC_GROUPS_CLAIM", "groups", env=env),
        group_roles=parse_group_roles(env_str(_MAPPING_VARIABLE, "{}", env=env)),
        mfa_acr_values=frozenset(env_list("HAARD_OIDC_MFA_ACR", env=env)),
        mfa_amr_values=frozenset(env_list("HAARD_OIDC_MFA_AMR", env=env)),
        timeout_seconds=env_int("HAARD_OIDC_TIMEOUT_SECONDS", 10, minimum=1, maximum=60, env=env),
        end_session_endpoint=end_session_endpoint,
        **endpoints,
    )
