"""Cases in the API: the same selectors, services and access log as the pages. Writes need
the scope cases:write (API clients) and the right to manage the case; errors are problem
details that name the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from haard.accounts.api_support import actor_of, require_scope
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases import selectors, services
from haard.cases.models import (
    Case,
    CaseParticipant,
    CaseStatus,
    FollowUpCheck,
    Goal,
    GoalStatus,
    LifeDomain,
    MeasureStatus,
    MeasureTerm,
    SafetyPlanVersion,
    Visibility,
)

router = Router(tags=["cases"])


class CaseMemberOut(Schema):
    person_id: int
    role: str


class CaseSummaryOut(Schema):
    id: int
    reference: str
    status: str
    municipality: str
    opened_on: date


class ParticipantOut(Schema):
    id: int
    user_id: int
    name: str
    organisation: str
    joined_on: date


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: datetime
    changed_by: str | None
    reason: str


class CaseOut(CaseSummaryOut):
    household: str
    lead_organisation: str
    members: list[CaseMemberOut]
    closed_on: date | None = None
    case_director_id: int | None = None
    participants: list[ParticipantOut] = []
    status_history: list[StatusChangeOut] = []


def _summary(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "municipality": case.municipality.name,
        "opened_on": case.opened_on,
    }


def _case_out(case: Case) -> dict[str, object]:
    return {
        **_summary(case),
        "household": case.household.name,
        "lead_organisation": case.lead_organisation.name,
        "members": [{"person_id": m.person_id, "role": m.role} for m in case.members.all()],
        "closed_on": case.closed_on,
        "case_director_id": case.case_director_id,
        "participants": [
            {
                "id": p.pk,
                "user_id": p.user_id,
                "name": p.user.display_name,
                "organisation": p.organisation.name,
                "joined_on": p.joined_on,
            }
            for p in case.participants.all()
        ],
        "status_history": [
            {
                "from_status": s.from_status,
                "to_status": s.to_status,
                "changed_at": s.changed_at,
                "changed_by": s.changed_by.display_name if s.changed_by else None,
                "reason": s.reason,
            }
            for s in case.status_changes.select_related("changed_by")
        ],
    }


def _problem(exc: ValidationError) -> HttpError:
    field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
    return HttpError(422, f"{field}: {messages[0]}" if field and field != "__all__" else messages[0])


def _writable(request: HttpRequest, case_id: int) -> Case:
    """A case the caller may change (not yet logged: the write logs when it succeeds)."""
    require_scope(request, "cases:write")
    actor = actor_of(request)
    case = selectors.case_detail(actor=actor, pk=case_id)
    if case is None:
        raise Http404
    if not services.may_manage(actor, case):
        raise HttpError(403, "You may not change this case.")
    return case


def _logged_change(request: HttpRequest, case: Case, what: str, action: str = Action.CHANGE) -> None:
    log_access(
        request=request,
        action=action,
        record_type=what,
        record_id=case.pk,
        person_ids=[m.person_id for m in case.members.all()],
    )


@router.get("/", response=list[CaseSummaryOut], summary="Cases you work on, 50 per page")
def list_cases(
    request: HttpRequest, status: CaseStatus | None = None, page: int = Query(1, ge=1, le=100_000)
) -> list[dict[str, object]]:
    require_scope(request, "cases:read")
    shown = selectors.show_case_page(request=request, status=status or "", page_number=page, strict=True)
    return [_summary(c) for c in shown.object_list]


@router.get("/{case_id}", response=CaseOut, summary="One case you work on")
def get_case(request: HttpRequest, case_id: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    case, _emergency = selectors.show_case(request=request, pk=case_id)
    return _case_out(case)


class StatusIn(Schema):
    status: CaseStatus
    reason: str = Field(..., max_length=2000)


@router.post(
    "/{case_id}/status", response=CaseOut, summary="Change the status (closing schedules follow-ups)"
)
def change_status(request: HttpRequest, case_id: int, body: StatusIn) -> dict[str, object]:
    case = _writable(request, case_id)
    try:
        services.change_status(actor=actor_of(request), case=case, status=body.status, reason=body.reason)
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.Case")
    return _case_out(selectors.case_detail(actor=actor_of(request), pk=case.pk) or case)


class ParticipantIn(Schema):
    user_id: int


@router.post("/{case_id}/participants", response={201: ParticipantOut}, summary="Add a participant")
def add_participant(request: HttpRequest, case_id: int, body: ParticipantIn) -> Status[dict[str, object]]:
    case = _writable(request, case_id)
    user = User.objects.filter(pk=body.user_id).first()
    if user is None:
        raise HttpError(422, "user_id: no such user.")
    try:
        p = services.add_participant(actor=actor_of(request), case=case, user=user)
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.CaseParticipant", Action.CREATE)
    return Status(
        201,
        {
            "id": p.pk,
            "user_id": user.pk,
            "name": user.display_name,
            "organisation": p.organisation.name,
            "joined_on": p.joined_on,
        },
    )


@router.post(
    "/{case_id}/participants/{participant_id}/leave", response=CaseOut, summary="End a participation"
)
def leave_case(request: HttpRequest, case_id: int, participant_id: int) -> dict[str, object]:
    require_scope(request, "cases:write")
    actor = actor_of(request)
    case = selectors.case_detail(actor=actor, pk=case_id)
    if case is None:
        raise Http404
    participant = CaseParticipant.objects.filter(pk=participant_id, case=case, left_on__isnull=True).first()
    if participant is None:
        raise Http404
    try:
        services.leave_case(actor=actor, participant=participant)
    except PermissionDenied:
        raise HttpError(403, "You may not change this case.") from None
    _logged_change(request, case, "cases.CaseParticipant")
    refreshed = selectors.case_detail(actor=actor, pk=case.pk)
    return _case_out(refreshed or case)


# --- The safety plan ------------------------------------------------------------------------


class MeasureOut(Schema):
    id: int
    key: str
    term: str
    description: str
    owner_id: int
    owner: str
    deadline: date
    status: str


class AgreementOut(Schema):
    person_id: int | None
    user_id: int | None
    agreed_on: date


class PlanOut(Schema):
    case_id: int
    version: int
    saved_at: datetime | None
    saved_by: str | None
    note: str
    measures: list[MeasureOut]
    agreements: list[AgreementOut]


def _plan_out(case: Case, version: SafetyPlanVersion | None) -> dict[str, object]:
    if version is None:
        return {
            "case_id": case.pk,
            "version": 0,
            "saved_at": None,
            "saved_by": None,
            "note": "",
            "measures": [],
            "agreements": [],
        }
    return {
        "case_id": case.pk,
        "version": version.number,
        "saved_at": version.saved_at,
        "saved_by": version.saved_by.display_name,
        "note": version.note,
        "measures": [
            {
                "id": m.pk,
                "key": m.key,
                "term": m.term,
                "description": m.description,
                "owner_id": m.owner_id,
                "owner": m.owner.display_name,
                "deadline": m.deadline,
                "status": m.status,
            }
            for m in version.measures.select_related("owner")
        ],
        "agreements": [
            {"person_id": a.person_id, "user_id": a.user_id, "agreed_on": a.agreed_on}
            for a in version.agreements.all()
        ],
    }


@router.get("/{case_id}/plan", response=PlanOut, summary="The current safety plan (version 0: none yet)")
def get_plan(request: HttpRequest, case_id: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    case = selectors.show_case_part(request=request, pk=case_id, what="cases.SafetyPlan")
    return _plan_out(case, selectors.current_plan(case))


@router.get("/{case_id}/plan/versions/{number}", response=PlanOut, summary="One version of the safety plan")
def get_plan_version(request: HttpRequest, case_id: int, number: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    case = selectors.show_case_part(request=request, pk=case_id, what="cases.SafetyPlan")
    return _plan_out(case, selectors.plan_version(case=case, number=number))


class MeasureIn(Schema):
    key: str = Field(
        "", max_length=32, description="The measure's key from the version you edit (empty: a new measure)"
    )
    term: MeasureTerm
    description: str = Field(..., max_length=2000)
    owner_id: int | None = None
    deadline: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED


class PlanIn(Schema):
    base_version: int = Field(..., ge=0, description="The version your edit starts from (0 for a new plan)")
    note: str = Field("", max_length=500)
    measures: list[MeasureIn] = Field(..., max_length=60)


@router.put(
    "/{case_id}/plan",
    response={200: PlanOut},
    summary="Save the safety plan as a new version (409 when someone saved since base_version)",
)
def save_plan(request: HttpRequest, case_id: int, body: PlanIn) -> dict[str, object]:
    case = _writable(request, case_id)
    owners = {u.pk: u for u in User.objects.filter(pk__in=[m.owner_id for m in body.measures if m.owner_id])}
    inputs = [
        services.MeasureInput(
            key=m.key,
            term=m.term,
            description=m.description,
            owner=owners.get(m.owner_id) if m.owner_id else None,
            deadline=m.deadline,
            status=m.status,
        )
        for m in body.measures
    ]
    try:
        version = services.save_safety_plan(
            actor=actor_of(request),
            case=case,
            base_version=body.base_version,
            measures=inputs,
            note=body.note,
        )
    except services.PlanConflictError as exc:
        raise HttpError(409, f"base_version: {exc}") from None
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.SafetyPlan")
    return _plan_out(case, version)


# --- Goals ------------------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    domain: str
    description: str
    owner_id: int
    starts_on: date
    due_on: date
    status: str
    visibility: str


def _goal_out(g: Goal) -> dict[str, Any]:
    return {
        "id": g.pk,
        "domain": g.domain,
        "description": g.description,
        "owner_id": g.owner_id,
        "starts_on": g.starts_on,
        "due_on": g.due_on,
        "status": g.status,
        "visibility": g.visibility,
    }


@router.get("/{case_id}/goals", response=list[GoalOut], summary="Goals per life domain that you may see")
def list_goals(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    require_scope(request, "cases:read")
    case = selectors.show_case_part(request=request, pk=case_id, what="cases.Goal")
    return [_goal_out(g) for g in Goal.objects.filter(selectors.shared_with(actor_of(request)), case=case)]


class GoalIn(Schema):
    domain: LifeDomain
    description: str = Field(..., max_length=2000)
    owner_id: int | None = None
    starts_on: date | None = None
    due_on: date | None = None
    visibility: Visibility = Visibility.PARTICIPANTS


@router.post("/{case_id}/goals", response={201: GoalOut}, summary="Add a goal: who does what by when")
def add_goal(request: HttpRequest, case_id: int, body: GoalIn) -> Status[dict[str, Any]]:
    case = _writable(request, case_id)
    owner = User.objects.filter(pk=body.owner_id).first() if body.owner_id else None
    if body.owner_id and owner is None:
        raise HttpError(422, "owner_id: no such user.")
    try:
        goal = services.add_goal(
            actor=actor_of(request),
            case=case,
            domain=body.domain,
            description=body.description,
            owner=owner,
            starts_on=body.starts_on,
            due_on=body.due_on,
            visibility=body.visibility,
        )
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.Goal", Action.CREATE)
    return Status(201, _goal_out(goal))


class GoalUpdateIn(Schema):
    status: GoalStatus
    due_on: date | None = None


@router.patch("/{case_id}/goals/{goal_id}", response=GoalOut, summary="Update a goal's status or date")
def update_goal(request: HttpRequest, case_id: int, goal_id: int, body: GoalUpdateIn) -> dict[str, Any]:
    case = _writable(request, case_id)
    goal = Goal.objects.filter(selectors.shared_with(actor_of(request)), pk=goal_id, case=case).first()
    if goal is None:
        raise Http404
    try:
        services.update_goal(actor=actor_of(request), goal=goal, status=body.status, due_on=body.due_on)
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.Goal")
    return _goal_out(goal)


# --- Follow-up checks ----------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    months_after_closure: int
    due_on: date
    status: str
    family_safe: bool | None
    notes: str
    recorded_on: date | None


def _check_out(c: FollowUpCheck) -> dict[str, Any]:
    return {
        "id": c.pk,
        "months_after_closure": c.months_after_closure,
        "due_on": c.due_on,
        "status": c.status,
        "family_safe": c.family_safe,
        "notes": c.notes,
        "recorded_on": c.recorded_on,
    }


@router.get("/{case_id}/follow-ups", response=list[FollowUpOut], summary="Follow-up checks after closure")
def list_follow_ups(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    require_scope(request, "cases:read")
    case = selectors.show_case_part(request=request, pk=case_id, what="cases.FollowUpCheck")
    return [_check_out(c) for c in FollowUpCheck.objects.filter(case=case)]


class FollowUpIn(Schema):
    family_safe: bool | None = None
    notes: str = Field("", max_length=20_000)


@router.post("/{case_id}/follow-ups/{check_id}", response=FollowUpOut, summary="Record a follow-up check")
def record_follow_up(request: HttpRequest, case_id: int, check_id: int, body: FollowUpIn) -> dict[str, Any]:
    case = _writable(request, case_id)
    check = FollowUpCheck.objects.filter(pk=check_id, case=case).first()
    if check is None:
        raise Http404
    try:
        check = services.record_follow_up(
            actor=actor_of(request), check=check, family_safe=body.family_safe, notes=body.notes
        )
    except ValidationError as exc:
        raise _problem(exc) from None
    _logged_change(request, case, "cases.FollowUpCheck")
    return _check_out(check)
