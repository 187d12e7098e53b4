"""Reads for cases. Every function takes the actor and reads through Case.objects.visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from haard.accounts.models import EmergencyAccess, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases import services
from haard.cases.models import (
    Case,
    CaseMember,
    CaseNote,
    CaseParticipant,
    CaseReport,
    CaseStatus,
    CaseStatusChange,
    FollowUpCheck,
    Goal,
    LifeDomain,
    MeasureTerm,
    PlanAgreement,
    Recurrence,
    SafetyMeasure,
    SafetyPlanVersion,
    Visibility,
)
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
    """One visible case with its people and participants, or None. `through_relation` tells
    whether the actor sees it through a relation (False: only through an emergency grant).

    The case is looked for among those the actor relates to first, and only when it is not
    there among those an emergency grant opens too: that keeps the grants and a second test of
    the relation out of the query of nearly every read."""
    for cases, through_relation in (
        (Case.objects.relation_only(actor), True),
        (Case.objects.visible_to(actor), False),
    ):
        case = (
            cases.select_related(
                "household__address",
                "municipality",
                "owning_team__organisation",
                "lead_organisation",
                "case_director",
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
        if case is not None:
            case.through_relation = through_relation  # type: ignore[attr-defined]
            setattr(case, services.READ_BY, actor.pk)  # see services.may_manage
            return case
    return None


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


def show_case(
    *, request: Any, pk: int, action: str = Action.VIEW, record_type: str = "cases.Case"
) -> tuple[Case, bool]:
    """One case the request's user may see, logged, and whether it is seen through emergency
    access (then the grant's reason goes into the log); Http404 otherwise."""
    actor = request.user
    case = case_detail(actor=actor, pk=pk)
    if case is None:
        raise Http404
    emergency = not case.through_relation  # type: ignore[attr-defined]
    grant = (
        EmergencyAccess.objects.filter(user=actor, model_label="cases.Case", object_id=case.pk)
        .order_by("-granted_at")
        .first()
        if emergency
        else None
    )
    log_access(
        request=request,
        action=action,
        record_type=record_type,
        record_id=case.pk,
        person_ids=[m.person_id for m in case.members.all()],
        emergency=emergency,
        reason=grant.reason if grant else "",
    )
    return case, emergency


@dataclass
class CaseFile:
    """Everything the case page shows besides the case itself, read in a fixed number of
    queries and filtered to what the actor may see (Veilig Thuis-only parts)."""

    case: Case
    may_manage: bool
    veilig_thuis: bool
    goals: list[Goal]
    goals_by_domain: list[tuple[str, list[Goal]]]
    notes: list[CaseNote]
    status_changes: list[CaseStatusChange]
    former_participants: list[CaseParticipant]
    plan_version: SafetyPlanVersion | None
    measures: list[SafetyMeasure]
    agreements: list[PlanAgreement]
    follow_ups: list[FollowUpCheck]
    linked_reports: list[CaseReport]
    recurrences: list[Recurrence]

    @property
    def short_term(self) -> list[SafetyMeasure]:
        return [m for m in self.measures if m.term != MeasureTerm.LONG_TERM]

    @property
    def long_term(self) -> list[SafetyMeasure]:
        return [m for m in self.measures if m.term == MeasureTerm.LONG_TERM]


def shared_with(actor: User) -> Q:
    """Plan parts and notes the actor may read: all shared parts, and Veilig Thuis-only parts
    for Veilig Thuis staff."""
    if services.is_veilig_thuis(actor):
        return Q()
    return Q(visibility=Visibility.PARTICIPANTS)


def current_plan(case: Case) -> SafetyPlanVersion | None:
    return (
        SafetyPlanVersion.objects.filter(plan__case=case, plan__current_version=F("pk"))
        .select_related("saved_by")
        .first()
    )


def case_file(*, actor: User, case: Case) -> CaseFile:
    veilig_thuis = services.is_veilig_thuis(actor)
    goals = list(Goal.objects.filter(shared_with(actor), case=case).select_related("owner"))
    by_domain: dict[str, list[Goal]] = {}
    for goal in goals:
        by_domain.setdefault(goal.domain, []).append(goal)
    labels = dict(LifeDomain.choices)
    version = current_plan(case)
    return CaseFile(
        case=case,
        may_manage=services.may_manage(actor, case),
        veilig_thuis=veilig_thuis,
        goals=goals,
        goals_by_domain=[(str(labels[d]), by_domain[d]) for d in LifeDomain.values if d in by_domain],
        notes=list(CaseNote.objects.filter(shared_with(actor), case=case).select_related("author")),
        status_changes=list(CaseStatusChange.objects.filter(case=case).select_related("changed_by")),
        former_participants=list(
            CaseParticipant.objects.filter(case=case, left_on__isnull=False).select_related(
                "user", "organisation"
            )
        ),
        plan_version=version,
        measures=list(version.measures.select_related("owner")) if version else [],
        agreements=(
            list(version.agreements.select_related("person", "user").order_by("agreed_on", "pk"))
            if version
            else []
        ),
        follow_ups=list(FollowUpCheck.objects.filter(case=case).select_related("recorded_by")),
        linked_reports=list(CaseReport.objects.filter(case=case).select_related("report")),
        recurrences=list(Recurrence.objects.filter(case=case).select_related("report")),
    )


def plan_versions(*, case: Case) -> list[SafetyPlanVersion]:
    return list(
        SafetyPlanVersion.objects.filter(plan__case=case)
        .select_related("saved_by")
        .annotate(measure_count=Count("measures"))
        .order_by("-number")
    )


def plan_version(*, case: Case, number: int) -> SafetyPlanVersion:
    version = (
        SafetyPlanVersion.objects.filter(plan__case=case, number=number)
        .select_related("saved_by")
        .prefetch_related(
            Prefetch("measures", queryset=SafetyMeasure.objects.select_related("owner")),
            Prefetch("agreements", queryset=PlanAgreement.objects.select_related("person", "user")),
        )
        .first()
    )
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class MeasureChange:
    change: str  # "added", "removed", "changed", "same"
    measure: SafetyMeasure
    before: SafetyMeasure | None
    fields: tuple[str, ...]


_COMPARED = ("term", "description", "owner_id", "deadline", "status")
_FIELD_LABELS = {"owner_id": "owner"}


def plan_changes(before: SafetyPlanVersion | None, after: SafetyPlanVersion) -> list[MeasureChange]:
    """The measures of `after` compared with `before`, matched by key: added, changed (which
    fields), unchanged; then the measures that `after` no longer has."""
    old = {m.key: m for m in before.measures.all()} if before else {}
    changes: list[MeasureChange] = []
    for measure in after.measures.all():
        previous = old.pop(measure.key, None)
        if previous is None:
            changes.append(MeasureChange("added", measure, None, ()))
            continue
        changed = tuple(
            _FIELD_LABELS.get(f, f) for f in _COMPARED if getattr(previous, f) != getattr(measure, f)
        )
        changes.append(MeasureChange("changed" if changed else "same", measure, previous, changed))
    changes.extend(MeasureChange("removed", m, m, ()) for m in old.values())
    return changes


def show_case_part(*, request: Any, pk: int, action: str = Action.VIEW, what: str = "cases.Case") -> Case:
    """A visible case for a page or operation on one of its parts (plan, goals, follow-up),
    logged with everyone in it; Http404 when the user may not see the case."""
    case, _emergency = show_case(request=request, pk=pk, action=action, record_type=what)
    return case
