"""The acting identity, for partner systems to check their token and scopes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from haard.accounts.access import capabilities
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import memberships_of

router = Router(tags=["identity"])


class MembershipOut(Schema):
    organisation: str
    team: str
    role: str


class MeOut(Schema):
    username: str
    api_client: str | None
    scopes: list[str]
    capabilities: list[str]
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="Who you act as")
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    client = getattr(request, "haard_api_client", None)
    return {
        "username": actor.username,
        "api_client": client.name if client else None,
        "scopes": list(client.scopes) if client else [],
        "capabilities": sorted(capabilities(actor)),
        "memberships": [
            {"organisation": m.team.organisation.name, "team": m.team.name, "role": str(m.role)}
            for m in memberships_of(user=actor)
        ],
    }
