"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from haard.accounts.models import Membership, User

SESSION_MEMBERSHIP_KEY = "haard_membership_id"


def memberships_of(*, user: User) -> list[Membership]:
    """The user's active memberships with team, organisation and role loaded."""
    return list(
        Membership.objects.filter(user=user, active=True, team__organisation__active=True)
        .select_related("team__organisation", "role__group")
        .order_by("role__order", "team__organisation__name")
    )


def request_memberships(request: Any) -> list[Membership]:
    """The signed-in user's active memberships, read once per request."""
    if not hasattr(request, "_haard_memberships"):
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        request._haard_memberships = memberships_of(user=user) if authenticated else []  # type: ignore[arg-type]
    return request._haard_memberships


def acting_membership(request: Any) -> Membership | None:
    """The membership the user acts in now: the one chosen in the session, else the first.

    Cached on the request so that a page costs one query for it.
    """
    if hasattr(request, "_haard_membership"):
        return request._haard_membership
    membership: Membership | None = None
    options = request_memberships(request)
    if options:
        chosen = request.session.get(SESSION_MEMBERSHIP_KEY) if hasattr(request, "session") else None
        membership = next((m for m in options if m.pk == chosen), options[0] if options else None)
    request._haard_membership = membership
    return membership
