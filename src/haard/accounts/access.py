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


def capabilities(actor: Any) -> frozenset[str]:
    """The capability codenames the actor's active roles grant (cached on the actor).

    Deliberately not `has_perm`: a superuser flag must not open personal data; only a role
    held through a membership does.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return frozenset()
    cached = getattr(actor, "_haard_capabilities", None)
    if cached is None:
        from haard.accounts.models import Membership

        cached = frozenset(
            Membership.objects.filter(user=actor, active=True, team__organisation__active=True).values_list(
                "role__group__permissions__codename", flat=True
            )
        ) - {None}
        actor._haard_capabilities = cached
    return cached


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
