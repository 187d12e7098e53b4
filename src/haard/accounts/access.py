"""Need to know, in one place.

A sensitive model uses `AccessQuerySet` as its manager and names the capability that gates it
(`access_capability`). `Model.objects.visible_to(actor)` then returns the rows the actor may see:
those the actor's roles allow (the capability) *and* to which the actor has a relation, or an
unexpired emergency grant. Domain apps register the relations they create ("participant in a
case", "member of the owning team") with `register_relation`, so lower layers never import
higher ones and every list, detail, search, export and API operation uses the same rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from haard.accounts.models import User

RelationProvider = Callable[["User"], Q]
_relations: dict[str, list[RelationProvider]] = defaultdict(list)

_M = TypeVar("_M", bound=models.Model)


# A provider that grants every row returns ALL (an empty Q() would vanish when OR-ed).
ALL = Q(pk__isnull=False)
NONE = Q(pk__in=[])


def register_relation(model_label: str, provider: RelationProvider) -> None:
    """Declare that `provider(actor)` gives a Q of rows of `model_label` the actor relates to."""
    if provider not in _relations[model_label]:
        _relations[model_label].append(provider)


@dataclass(frozen=True)
class Grant:
    """One capability the actor holds through one active membership (a role in a team of an
    organisation); `capability` is None for a role without any."""

    team_id: int
    organisation_id: int
    organisation_type: str
    organisation_active: bool
    role_key: str
    capability: str | None


def grants(actor: Any) -> tuple[Grant, ...]:
    """What the actor's active memberships grant, read once per request (cached on the actor).

    The access rules ask this in Python instead of joining memberships, roles, groups and
    permissions into every access-filtered query: the ids go into the query as a list, which
    PostgreSQL plans in a fraction of the time of those sub-selects.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return ()
    cached = getattr(actor, "_haard_grants", None)
    if cached is None:
        from haard.accounts.models import Membership

        cached = tuple(
            Grant(*row)
            for row in Membership.objects.filter(user=actor, active=True)
            .order_by("pk")
            .values_list(
                "team_id",
                "team__organisation_id",
                "team__organisation__type",
                "team__organisation__active",
                "role__key",
                "role__group__permissions__codename",
            )
        )
        actor._haard_grants = cached
        actor._haard_capabilities = frozenset(
            g.capability for g in cached if g.organisation_active and g.capability
        )
    return cached


def capabilities(actor: Any) -> frozenset[str]:
    """The capability codenames the actor's active roles in active organisations grant.

    Deliberately not `has_perm`: a superuser flag must not open personal data; only a role
    held through a membership does.
    """
    if not grants(actor):
        return frozenset()
    return actor._haard_capabilities


def granting(
    actor: Any,
    *,
    capability: str | None = None,
    organisation_type: str | None = None,
    active_organisation: bool = False,
    role_key: str | None = None,
) -> list[Grant]:
    """The actor's grants that match every condition given."""
    return [
        g
        for g in grants(actor)
        if (capability is None or g.capability == capability)
        and (organisation_type is None or g.organisation_type == organisation_type)
        and (not active_organisation or g.organisation_active)
        and (role_key is None or g.role_key == role_key)
    ]


def team_ids(actor: Any, **conditions: Any) -> list[int]:
    """The teams in which the actor holds a grant matching `conditions` (see `granting`)."""
    return sorted({g.team_id for g in granting(actor, **conditions)})


def organisation_ids(actor: Any, **conditions: Any) -> list[int]:
    """The organisations in which the actor holds a grant matching `conditions`."""
    return sorted({g.organisation_id for g in granting(actor, **conditions)})


def has_capability(actor: Any, capability: str) -> bool:
    return capability in capabilities(actor)


def relation_q(model_label: str, actor: User) -> Q:
    """The rows the actor relates to, as one condition; ALL as soon as one provider grants
    every row (the others, which may build large sub-selects, are then not asked)."""
    combined = NONE
    for provider in _relations[model_label]:
        granted = provider(actor)
        if granted is ALL:
            return ALL
        combined |= granted
    return combined


def emergency_q(model_label: str, actor: User) -> Q:
    from haard.accounts.models import EmergencyAccess

    granted = EmergencyAccess.objects.filter(
        user=actor, model_label=model_label, expires_at__gt=timezone.now()
    ).values("object_id")
    return Q(pk__in=granted)


class AccessQuerySet(models.QuerySet[_M]):
    def visible_to(self, actor: Any) -> AccessQuerySet[_M]:
        """Rows the actor may see now: role capability and (relation or emergency grant)."""
        capability = getattr(self.model, "access_capability", None)
        if capability is None:
            raise TypeError(f"{self.model.__name__} does not declare access_capability")
        if not has_capability(actor, capability):
            return self.none()
        label = self.model._meta.label
        related = relation_q(label, actor)
        if related is ALL:
            return self.filter(ALL)
        return self.filter(related | emergency_q(label, actor))

    def relation_only(self, actor: Any) -> AccessQuerySet[_M]:
        """Rows the actor relates to, without emergency grants (used to offer break-glass)."""
        capability = getattr(self.model, "access_capability", None)
        if capability is None or not has_capability(actor, capability):
            return self.none()
        return self.filter(relation_q(self.model._meta.label, actor))
