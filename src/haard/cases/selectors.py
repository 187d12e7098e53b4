"""Reads for cases. Every function takes the actor and reads through Case.objects.visible_to."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from haard.accounts.models import EmergencyAccess, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases.models import Case, CaseMember, CaseParticipant, CaseStatus
from haard.core.paging import page_of


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


# Reads that show cases to a user: each writes its access-log entry. Pages and API operations
# call these, so both log the same way.

PAGE_SIZE = 50


def show_case_page(
    *, request: Any, status: str = "", page_number: Any = 1, strict: bool = False
) -> Page[Case]:
    """One page of the cases the request's user may see, logged with everyone on it.

    A page number out of range gives the nearest page, or with `strict` an empty page (and
    nothing is logged, because nothing is shown).
    """
    page = page_of(case_list(actor=request.user, status=status), page_number, size=PAGE_SIZE, strict=strict)
    if not page.object_list:
        return page
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="cases.Case",
        query=f"status={status}",
        person_ids=[m.person_id for case in page.object_list for m in case.members.all()],
    )
    return page


def show_case(*, request: Any, pk: int) -> tuple[Case, bool]:
    """One case the request's user may see, logged, and whether it is seen through emergency
    access (then the grant's reason goes into the log); Http404 otherwise."""
    actor = request.user
    case = case_detail(actor=actor, pk=pk)
    if case is None:
        raise Http404
    emergency = not Case.objects.relation_only(actor).filter(pk=case.pk).exists()
    grant = (
        EmergencyAccess.objects.filter(user=actor, model_label="cases.Case", object_id=case.pk)
        .order_by("-granted_at")
        .first()
        if emergency
        else None
    )
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="cases.Case",
        record_id=case.pk,
        person_ids=[m.person_id for m in case.members.all()],
        emergency=emergency,
        reason=grant.reason if grant else "",
    )
    return case, emergency
