"""The "my work" items of triage: assessments due or overdue that the actor assesses (or that
nobody has taken yet), assessments waiting for the actor as second expert, and hand-overs
waiting for the actor's organisation to accept. A fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.core.worklist import WorkItem
from haard.intake.models import ReportPerson
from haard.triage.models import AssessedReport, Assessment, AssessmentStatus, HandOver, HandOverStatus
from haard.triage.selectors import people_of

_PEOPLE = Prefetch(
    "assessed_reports",
    queryset=AssessedReport.objects.select_related("report").prefetch_related(
        Prefetch("report__involved", queryset=ReportPerson.objects.only("id", "report_id", "person_id"))
    ),
)


def triage_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    items: list[WorkItem] = []
    if has_capability(actor, "assess_safety"):
        mine = Q(status=AssessmentStatus.OPEN) & (Q(assessor=actor) | Q(assessor__isnull=True))
        confirm = (
            Q(status=AssessmentStatus.AWAITING_CONFIRMATION)
            & ~Q(assessor=actor)
            & (Q(routed_by__isnull=True) | ~Q(routed_by=actor))
        )
        for assessment in (
            Assessment.objects.visible_to(actor)
            .filter(mine | confirm)
            .prefetch_related(_PEOPLE)
            .order_by("due_on", "pk")[:limit]
        ):
            waiting = assessment.status == AssessmentStatus.AWAITING_CONFIRMATION
            items.append(
                WorkItem(
                    kind="triage.confirmation" if waiting else "triage.assessment",
                    kind_label=_("Second expert") if waiting else _("Safety assessment"),
                    title=assessment.reference,
                    url=reverse(
                        "triage:assessment_confirm" if waiting else "triage:assessment_detail",
                        args=[assessment.pk],
                    ),
                    due=assessment.due_on,
                    person_ids=tuple(people_of(assessment)),
                )
            )
    organisations = {m.team.organisation_id for m in receiving_memberships_any(actor)}
    if organisations:
        handovers = (
            HandOver.objects.visible_to(actor)
            .filter(status=HandOverStatus.PROPOSED, receiving_organisation_id__in=organisations)
            .select_related("assessment")
            .prefetch_related(Prefetch("assessment__assessed_reports", queryset=_PEOPLE.queryset))
            .order_by("created_at", "pk")[:limit]
        )
        items.extend(
            WorkItem(
                kind="triage.handover",
                kind_label=_("Hand-over to accept"),
                title=handover.assessment.reference,
                url=reverse("triage:handover_detail", args=[handover.pk]),
                due=None,
                person_ids=tuple(people_of(handover.assessment)),
            )
            for handover in handovers
        )
    return items


def receiving_memberships_any(actor: Any) -> list[Any]:
    """The actor's memberships that may accept hand-overs, in any organisation."""
    from haard.accounts.models import Membership

    if not has_capability(actor, "manage_cases"):
        return []
    return list(
        Membership.objects.filter(
            user=actor,
            active=True,
            team__organisation__active=True,
            role__group__permissions__codename="manage_cases",
        ).select_related("team")
    )
