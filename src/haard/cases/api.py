"""Cases in the API: the same selectors and access log as the pages."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from haard.accounts.api_support import actor_of, require_scope
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases import selectors
from haard.cases.models import Case, CaseStatus

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


class CaseOut(CaseSummaryOut):
    household: str
    lead_organisation: str
    members: list[CaseMemberOut]


def _summary(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "municipality": case.municipality.name,
        "opened_on": case.opened_on,
    }


@router.get("/", response=list[CaseSummaryOut], summary="Cases you work on")
def list_cases(request: HttpRequest, status: CaseStatus | None = None) -> list[dict[str, object]]:
    require_scope(request, "cases:read")
    cases = list(selectors.case_list(actor=actor_of(request), status=status or "")[:200])
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="cases.Case",
        query=f"status={status or ''}",
        person_ids=[m.person_id for c in cases for m in c.members.all()],
    )
    return [_summary(c) for c in cases]


@router.get("/{case_id}", response=CaseOut, summary="One case you work on")
def get_case(request: HttpRequest, case_id: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    case = selectors.case_detail(actor=actor_of(request), pk=case_id)
    if case is None:
        raise Http404
    members = list(case.members.all())
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="cases.Case",
        record_id=case.pk,
        person_ids=[m.person_id for m in members],
    )
    return {
        **_summary(case),
        "household": case.household.name,
        "lead_organisation": case.lead_organisation.name,
        "members": [{"person_id": m.person_id, "role": m.role} for m in members],
    }
