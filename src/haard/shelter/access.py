"""Who sees what of the shelter.

- A facility's staff are the users with the `manage_shelter` capability through an active
  membership of a team of the facility's organisation. They see its placements, its waiting
  list, its referrals and its address.
- The address of a facility is secret. Only its own staff see it; no other role does, not
  Veilig Thuis, not the police, not another facility's staff, not an administrator. Everywhere
  else (pages, API responses) it reads "secret address". Someone who must reach the
  facility calls its staff.
- Capacity figures (places, occupied, free, per facility and type) carry no personal data.
  They are open to every shelter coordinator, to Veilig Thuis staff and to roles that see
  figures (policy), so that a place can be found fast.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from haard.accounts.access import NONE, granting, has_capability, organisation_ids, register_relation
from haard.accounts.models import OrganisationType
from haard.shelter.models import Facility

SECRET_ADDRESS = _("secret address")


def staff_organisation_ids(actor: Any) -> list[int]:
    """The organisations in which the actor works with the shelter capability."""
    return organisation_ids(
        actor,
        capability="manage_shelter",
        organisation_type=OrganisationType.SHELTER,
        active_organisation=True,
    )


def staff_facilities(actor: Any) -> QuerySet[Facility]:
    """The facilities the actor works in as staff."""
    if not has_capability(actor, "manage_shelter"):
        return Facility.objects.none()
    return Facility.objects.filter(organisation_id__in=staff_organisation_ids(actor), active=True)


def own_facility_ids(actor: Any) -> frozenset[int]:
    """The ids of the actor's facilities, remembered on the actor for the request."""
    cached = getattr(actor, "_shelter_facility_ids", None)
    if cached is None:
        cached = frozenset(staff_facilities(actor).values_list("pk", flat=True))
        actor._shelter_facility_ids = cached
    return cached


def sees_address(actor: Any, facility: Facility) -> bool:
    return facility.pk in own_facility_ids(actor)


def address_for(actor: Any, facility: Facility) -> str:
    """The facility's address for its own staff; "secret address" for everyone else."""
    return facility.full_address if sees_address(actor, facility) else str(SECRET_ADDRESS)


def is_veilig_thuis_member(actor: Any) -> bool:
    return bool(granting(actor, organisation_type=OrganisationType.VEILIG_THUIS, active_organisation=True))


def sees_capacity(actor: Any) -> bool:
    """Capacity figures: shelter coordinators, Veilig Thuis staff and roles that see figures."""
    return (
        has_capability(actor, "manage_shelter")
        or has_capability(actor, "view_figures")
        or (has_capability(actor, "view_personal_data") and is_veilig_thuis_member(actor))
    )


def facility_records(actor: Any) -> Q:
    """Records of the facilities the actor works in (placements, waiting list)."""
    if not has_capability(actor, "manage_shelter"):
        return NONE
    return Q(facility__organisation_id__in=staff_organisation_ids(actor))


def referral_records(actor: Any) -> Q:
    if not has_capability(actor, "manage_shelter"):
        return NONE
    return Q(waiting_entry__facility__organisation_id__in=staff_organisation_ids(actor))


register_relation("shelter.Placement", facility_records)
register_relation("shelter.WaitingListEntry", facility_records)
register_relation("shelter.Referral", referral_records)
