"""Reads for cases. Every function takes the actor and reads through Case.objects.visible_to."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from haard.accounts.models import User
from haard.cases.models import Case, CaseMember, CaseParticipant, CaseStatus


def case_counts(*, actor: User) -> dict[str, int]:
    """How many visible cases the actor has per status (figures only)."""
    counts = Case.objects.visible_to(actor).aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        monitoring=Count("pk", filter=Q(status=CaseStatus.MONITORING)),
    )
    return {key: value or 0 for key, value in counts.items()}


def case_list(*, actor: User, status: str = "") -> QuerySet[Case]:
    """Visible cases with what the list shows, in a fixed number of queries."""
    cases = Case.objects.visible_to(actor).select_related("household", "municipality", "lead_organisation")
    if status:
        cases = cases.filter(status=status)
    return cases.prefetch_related(
        Prefetch("members", queryset=CaseMember.objects.only("case_id", "person_id"))
    )


def case_detail(*, actor: User, pk: int) -> Case | None:
    """One visible case with its people and participants, or None."""
    return (
        Case.objects.visible_to(actor)
        .select_related(
            "household__address", "municipality", "owning_team__organisation", "lead_organisation"
        )
        .prefetch_related(
            Prefetch("members", queryset=CaseMember.objects.select_related("person").order_by("role")),
            Prefetch(
                "participants",
                queryset=CaseParticipant.objects.filter(left_on__isnull=True).select_related(
                    "user", "organisation"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
