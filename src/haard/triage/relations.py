"""Who relates to assessments and hand-overs.

Veilig Thuis staff with the assessment capability see every assessment of the region, as they
see every report. A receiving organisation's users see the hand-over proposals addressed to
their organisation, never the assessment itself (its answers and notes stay with Veilig Thuis).
"""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import ALL, NONE, has_capability, register_relation
from haard.accounts.models import Membership, OrganisationType, User


def is_veilig_thuis_assessor(actor: User) -> bool:
    if not has_capability(actor, "assess_safety"):
        return False
    return Membership.objects.filter(
        user=actor, active=True, team__organisation__type=OrganisationType.VEILIG_THUIS
    ).exists()


def assessment_relation(actor: User) -> Q:
    return ALL if is_veilig_thuis_assessor(actor) else NONE


def handover_relation(actor: User) -> Q:
    if is_veilig_thuis_assessor(actor):
        return ALL
    own = Membership.objects.filter(user=actor, active=True, team__organisation__active=True).values(
        "team__organisation_id"
    )
    return Q(receiving_organisation__in=own)


register_relation("triage.Assessment", assessment_relation)
register_relation("triage.HandOver", handover_relation)
