"""Safety assessment in the API: the same selectors, services and access log as the pages.

Errors are problem details; a wrong input names its field ("route: ...")."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of, require_scope
from haard.accounts.selectors import acting_membership
from haard.triage import selectors, services
from haard.triage.models import (
    Assessment,
    HandOver,
    HandOverStatus,
    HandOverTarget,
    InvestigationReason,
    RouteKind,
)

router = Router(tags=["assessments"])

READ = "assessments:read"
WRITE = "assessments:write"


class ClockOut(Schema):
    due_on: date
    working_days_left: int
    running: bool
    overdue: bool


class PersonOut(Schema):
    person_id: int
    role: str


class AnswerOut(Schema):
    item: str
    option: str


class AssessmentSummaryOut(Schema):
    id: int
    reference: str
    status: str
    municipality: str
    received_on: date
    clock: ClockOut
    reports: list[str]
    outcome: str
    severity: str


class AssessmentOut(AssessmentSummaryOut):
    instrument: str
    people: list[PersonOut]
    answers: list[AnswerOut]
    missing_items: list[str]
    rule: str
    assessor_id: int | None
    second_assessor_id: int | None
    route: str
    route_reason: str
    investigation_reason: str
    route_deadline: date | None
    case_id: int | None


class HandOverOut(Schema):
    id: int
    assessment_reference: str
    status: str
    target: str
    receiving_organisation: str
    outcome: str
    reason: str
    message: str
    refusal_reason: str
    people: list[PersonOut]


def _problem(exc: ValidationError) -> HttpError:
    field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
    return HttpError(422, f"{field}: {messages[0]}" if field else messages[0])


def _require_assessor(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "assess_safety"):
        raise HttpError(403, "Your role may not assess safety.")


def _clock(assessment: Assessment) -> dict[str, object]:
    shown = assessment.clock  # type: ignore[attr-defined]
    return {
        "due_on": shown.due_on,
        "working_days_left": shown.days_left,
        "running": shown.running,
        "overdue": shown.overdue,
    }


def _summary(assessment: Assessment, reports: list[str]) -> dict[str, object]:
    return {
        "id": assessment.pk,
        "reference": assessment.reference,
        "status": assessment.status,
        "municipality": assessment.municipality.code,
        "received_on": assessment.received_on,
        "clock": _clock(assessment),
        "reports": reports,
        "outcome": assessment.outcome,
        "severity": assessment.severity,
    }


def _people(assessment: Assessment) -> list[dict[str, object]]:
    return [{"person_id": rp.person_id, "role": rp.role} for rp in selectors.family_of(assessment)]


def _detail(view: selectors.AssessmentView) -> dict[str, object]:
    assessment = view.assessment
    preview, missing = services.evaluate(assessment)
    rule = assessment.rule or preview
    return {
        **_summary(assessment, [link.report.reference for link in assessment.assessed_reports.all()]),
        "instrument": str(assessment.instrument),
        "people": _people(assessment),
        "answers": [
            {"item": item.code, "option": answer.option.code}
            for item, _options, answer in view.items
            if answer
        ],
        "missing_items": missing,
        "rule": rule.description if rule else "",
        "assessor_id": assessment.assessor_id,
        "second_assessor_id": assessment.second_assessor_id,
        "route": assessment.route,
        "route_reason": assessment.route_reason,
        "investigation_reason": assessment.investigation_reason,
        "route_deadline": assessment.route_deadline,
        "case_id": assessment.case_id,
    }


class AssessmentFilterIn(Schema):
    show: str = Field("open", pattern="^(open|due|overdue|all)$")
    page: int = Field(1, ge=1, le=100_000)


@router.get(
    "/", response=list[AssessmentSummaryOut], summary="Assessments, the most urgent first, 50 per page"
)
def list_assessments(request: HttpRequest, filters: Query[AssessmentFilterIn]) -> list[dict[str, object]]:
    require_scope(request, READ)
    _require_assessor(request)
    page = selectors.show_assessment_page(
        request=request, show=filters.show, page_number=filters.page, strict=True
    )
    return [_summary(a, a.report_references) for a in page.object_list]  # type: ignore[attr-defined]


class HandOverFilterIn(Schema):
    status: HandOverStatus | None = HandOverStatus.PROPOSED
    page: int = Field(1, ge=1, le=100_000)


def _handover(handover: HandOver) -> dict[str, object]:
    return {
        "id": handover.pk,
        "assessment_reference": handover.assessment.reference,
        "status": handover.status,
        "target": handover.target,
        "receiving_organisation": handover.receiving_organisation.name
        if handover.receiving_organisation
        else "",
        "outcome": handover.assessment.outcome,
        "reason": handover.assessment.route_reason,
        "message": handover.message,
        "refusal_reason": handover.refusal_reason,
        "people": _people(handover.assessment),
    }


@router.get("/handovers/", response=list[HandOverOut], summary="Hand-over proposals for your organisation")
def list_handovers(request: HttpRequest, filters: Query[HandOverFilterIn]) -> list[dict[str, object]]:
    require_scope(request, READ)
    page = selectors.show_handover_page(
        request=request, status=filters.status or "", page_number=filters.page, strict=True
    )
    return [_handover(h) for h in page.object_list]


@router.get("/handovers/{handover_id}", response=HandOverOut, summary="One hand-over proposal")
def get_handover(request: HttpRequest, handover_id: int) -> dict[str, object]:
    require_scope(request, READ)
    return _handover(selectors.show_handover(request=request, pk=handover_id))


class DecisionIn(Schema):
    reason: str = Field("", max_length=5_000)


def _decide(request: HttpRequest, handover_id: int, *, accept: bool, reason: str) -> dict[str, object]:
    require_scope(request, WRITE)
    handover = selectors.show_handover(request=request, pk=handover_id)
    try:
        services.decide_handover(actor=actor_of(request), handover=handover, accept=accept, reason=reason)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        raise _problem(exc) from None
    return _handover(selectors.show_handover(request=request, pk=handover_id))


@router.post("/handovers/{handover_id}/accept", response=HandOverOut, summary="Accept a hand-over")
def accept_handover(request: HttpRequest, handover_id: int, body: DecisionIn) -> dict[str, object]:
    return _decide(request, handover_id, accept=True, reason=body.reason)


@router.post(
    "/handovers/{handover_id}/refuse", response=HandOverOut, summary="Refuse a hand-over, with a reason"
)
def refuse_handover(request: HttpRequest, handover_id: int, body: DecisionIn) -> dict[str, object]:
    return _decide(request, handover_id, accept=False, reason=body.reason)


def _show(request: HttpRequest, assessment_id: int) -> selectors.AssessmentView:
    _require_assessor(request)
    return selectors.show_assessment(request=request, pk=assessment_id)


@router.get("/{assessment_id}", response=AssessmentOut, summary="One assessment")
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, object]:
    require_scope(request, READ)
    return _detail(_show(request, assessment_id))


class AnswersIn(Schema):
    answers: dict[str, str] = Field(default_factory=dict, description="item code → option code ('' clears)")
    notes: str | None = Field(None, max_length=20_000)
    complete: bool = Field(False, description="finish the assessment after recording the answers")


@router.post("/{assessment_id}/answers", response=AssessmentOut, summary="Record answers (and finish)")
def record_answers(request: HttpRequest, assessment_id: int, body: AnswersIn) -> dict[str, object]:
    require_scope(request, WRITE)
    view = _show(request, assessment_id)
    actor = actor_of(request)
    try:
        services.record_answers(
            actor=actor, assessment=view.assessment, answers=body.answers, notes=body.notes
        )
        if body.complete:
            services.complete(actor=actor, assessment=view.assessment)
    except ValidationError as exc:
        raise _problem(exc) from None
    return _detail(_reread(request, assessment_id))


def _reread(request: HttpRequest, assessment_id: int) -> selectors.AssessmentView:
    # Read again after the write, without a second log entry: the operation logged its read.
    view = selectors.assessment_view(actor=actor_of(request), pk=assessment_id)
    if view is None:
        raise HttpError(404, "Not found, or not visible to you.")
    return view


class ConfirmIn(Schema):
    agree: bool = True
    note: str = Field("", max_length=5_000)


@router.post(
    "/{assessment_id}/confirm", response=AssessmentOut, summary="Second expert: confirm or send back"
)
def confirm_assessment(request: HttpRequest, assessment_id: int, body: ConfirmIn) -> dict[str, object]:
    require_scope(request, WRITE)
    view = _show(request, assessment_id)
    try:
        services.confirm(
            actor=actor_of(request), assessment=view.assessment, agree=body.agree, note=body.note
        )
    except ValidationError as exc:
        raise _problem(exc) from None
    return _detail(_reread(request, assessment_id))


class RouteIn(Schema):
    route: RouteKind
    reason: str = Field(..., max_length=5_000)
    investigation_reason: InvestigationReason | None = None
    deadline: date | None = None
    target: HandOverTarget | None = None
    receiving_organisation_id: int | None = None
    message: str = Field("", max_length=5_000)


@router.post("/{assessment_id}/route", response=AssessmentOut, summary="Choose the route, with its reason")
def choose_route(request: HttpRequest, assessment_id: int, body: RouteIn) -> dict[str, object]:
    require_scope(request, WRITE)
    view = _show(request, assessment_id)
    membership = acting_membership(request)
    try:
        services.choose_route(
            actor=actor_of(request),
            assessment=view.assessment,
            route=body.route,
            reason=body.reason,
            team=membership.team if membership else None,
            investigation_reason=body.investigation_reason or "",
            deadline=body.deadline,
            target=body.target or "",
            receiving_organisation_id=body.receiving_organisation_id,
            message=body.message,
        )
    except ValidationError as exc:
        raise _problem(exc) from None
    return _detail(_reread(request, assessment_id))
