"""Authentication for the API: bearer tokens of partner systems, or the browser session of a
signed-in user with a verified second factor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from haard.accounts.models import ApiToken, hash_token
from haard.accounts.services import is_verified, requires_two_factor

# How stale a token's "last used" may be: it is written at most once a minute, not on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    openapi_description = "A token issued to a partner system's API client."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("client__user", "client__organisation")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if found is None or not found.is_usable:
            return None
        client = found.client
        if not client.active or not client.organisation.active or not client.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = client.user
        request.haard_api_client = client  # type: ignore[attr-defined]
        return client.user


class VerifiedSessionAuth(APIKeyCookie):
    """The browser session, only once the second factor is verified where it is required."""

    param_name = "sessionid"
    openapi_description = "The session of a signed-in user (with a verified second factor)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if requires_two_factor(user) and not is_verified(user):
            return None
        return user
