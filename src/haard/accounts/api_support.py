"""Small helpers every domain router uses (kept outside `api` so that domain apps do not
import the layer above them)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from haard.accounts.models import User


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def require_scope(request: HttpRequest, scope: str) -> None:
    """API clients act only within their scopes; session users only within their roles."""
    client = getattr(request, "haard_api_client", None)
    if client is not None and scope not in (client.scopes or []):
        raise HttpError(403, f"This API client lacks the scope {scope}.")
