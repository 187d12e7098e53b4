"""Who relates to assessments and hand-overs.

Veilig Thuis staff with the assessment capability see every assessment of the region, as they
see every report. A receiving organisation's users see the hand-over proposals addressed to
their organisation, never the assessment itself (its answers and notes stay with Veilig Thuis).
"""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import ALL, NONE, granting, has_capability, organisation_ids, register_relation
from haard.accounts.models import OrganisationType, User


def is_veilig_thuis_assessor(actor: User) -> bool:
    if not has_capability(actor, "assess_safety"):
        return False
    return bool(granting(actor, organisation_type=OrganisationType.VEILIG_THUIS))


def assessment_relation(actor: User) -> Q:
    return ALL if is_veilig_thuis_assessor(actor) else NONE


def handover_relation(actor: User) -> Q:
    if is_veilig_thuis_assessor(actor):
        return ALL
    return Q(receiving_organisation__in=organisation_ids(actor, active_organisation=True))


register_relation("triage.Assessment", assessment_relation)
register_relation("triage.HandOver", handover_relation)
