"""Signing in with OpenID Connect (docs/sso.md): the authorization code flow with PKCE and a
nonce, through mozilla-django-oidc.

mozilla-django-oidc builds the authorization request (state, nonce, S256 code challenge, kept
in the session), exchanges the code at the token endpoint and checks the ID token's signature
with the provider's published keys. haard adds what it leaves out: the issuer, the audience and
an expiry must be in the token, and the userinfo answer must be about the same subject. Then
`sso.sign_on` finds the user and follows the groups. The session keeps the ID token for the
sign-out at the provider when the provider has an end-session endpoint (`sso.session_record`).

The backend is deliberately not in AUTHENTICATION_BACKENDS: only the callback view calls it, so
a password sign-in can never reach the provider, and the session it starts is an ordinary one
of `MembershipBackend`. With single sign-on off (the default) both URLs answer 404.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from haard.accounts import services
from haard.accounts.sso import SESSION_KEY, SignOn, SignOnRefusedError, session_record, sign_on
from haard.accounts.sso_config import SsoConfig
from haard.accounts.views import NEXT_SESSION_KEY

logger = logging.getLogger(__name__)

SESSION_BACKEND = "haard.accounts.backends.MembershipBackend"
_STATES_KEY = "oidc_states"  # mozilla-django-oidc's: state -> nonce and code verifier
_NEXT_KEY = "oidc_login_next"  # mozilla-django-oidc's: the checked ?next= of the start


def sso_config() -> SsoConfig:
    """The single sign-on configuration; 404 when single sign-on is off."""
    config: SsoConfig | None = getattr(settings, "HAARD_SSO", None)
    if config is None:
        raise Http404
    return config


def _client_setting(attr: str, *default: Any) -> Any:
    values = sso_config().client_settings()
    if attr in values:
        return values[attr]
    return import_from_settings(attr, *default)


class _AuthorizationRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(_client_setting)


class HaardOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(_client_setting)

    def __init__(self, config: SsoConfig) -> None:
        self.config = config
        self.result: SignOn | None = None
        self.id_token = ""
        super().__init__()

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if payload.get("iss") != self.config.issuer:
            raise SuspiciousOperation("ID token from another issuer.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.config.client_id not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        if len(audiences) > 1 and payload.get("azp") != self.config.client_id:
            raise SuspiciousOperation("ID token for several clients without azp.")
        if not isinstance(payload.get("exp"), int):
            raise SuspiciousOperation("ID token without expiry.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        userinfo: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("Userinfo about another subject.")
        # What the signed ID token says wins over the userinfo answer.
        return {**userinfo, **payload}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.result = sign_on(config=self.config, claims=claims, id_token_claims=payload)
        # Reached only with a verified ID token; kept for the sign-out (id_token_hint).
        self.id_token = id_token
        return self.result.user


@never_cache
def sso_login_view(request: HttpRequest) -> HttpResponse:
    """Start the sign-in at the identity provider (state, nonce and PKCE kept in the session)."""
    sso_config()
    if request.user.is_authenticated:
        return redirect("web:home")
    response: HttpResponse = _AuthorizationRequestView.as_view()(request)
    return response


_REFUSALS = {
    "provider_error": lambda: _("The identity provider did not sign you in."),
    "state": lambda: _(
        "This sign-in was not started in this browser, has been used already, or has expired."
    ),
    "token": lambda: _("The answer of the identity provider could not be verified."),
    "subject": lambda: _("The identity provider did not say which account this is."),
    "inactive": lambda: _("This account has been disabled in haard."),
    "unreachable": lambda: _("The identity provider could not be reached. Try again later."),
}


def _refuse(
    request: HttpRequest, config: SsoConfig, reason: str, *, username: str | None = None, status: int = 400
) -> HttpResponse:
    """Show why the sign-in was refused and record the failure as a failed local sign-in is."""
    logger.warning("sso sign-on refused reason=%s", reason)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return render(
        request,
        "accounts/sso_refused.html",
        {"provider_name": config.provider_name, "reason": _REFUSALS[reason]()},
        status=status,
    )


@never_cache
def sso_callback_view(request: HttpRequest) -> HttpResponse:
    """Finish the sign-in: check the state, let the backend verify the provider's answer, then
    start an ordinary haard session (with the provider's second factor only when trusted)."""
    config = sso_config()
    states = request.session.get(_STATES_KEY)
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if isinstance(states, dict) else None
    if entry is not None:
        # Each state is used once, whatever happens next.
        request.session.modified = True
        request.session.save()
    if request.GET.get("error"):
        return _refuse(request, config, "provider_error")
    if entry is None or not request.GET.get("code"):
        return _refuse(request, config, "state")
    backend = HaardOIDCBackend(config)
    try:
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except SignOnRefusedError as refused:
        return _refuse(request, config, refused.reason, username=refused.username)
    except (SuspiciousOperation, jwt.PyJWTError, requests.HTTPError, ValueError, KeyError) as exc:
        logger.warning("sso provider answer not accepted error=%s", type(exc).__name__)
        return _refuse(request, config, "token")
    except requests.RequestException:
        return _refuse(request, config, "unreachable", status=502)
    if user is None or backend.result is None:
        return _refuse(request, config, "token")
    next_url = request.session.pop(_NEXT_KEY, None)
    auth.login(request, user, backend=SESSION_BACKEND)
    request.session[SESSION_KEY] = session_record(config=config, id_token=backend.id_token)
    device = backend.result.provider_device
    if device is not None:
        otp_login(request, device)
    elif services.requires_two_factor(user):
        if next_url:
            request.session[NEXT_SESSION_KEY] = next_url
        return redirect("accounts:verify")
    return redirect(next_url or "web:home")
