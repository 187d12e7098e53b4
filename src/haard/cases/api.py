"""Cases in the API: the same selectors and access log as the pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema

from haard.accounts.api_support import require_scope
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
    return {
        **_summary(case),
        "household": case.household.name,
        "lead_organisation": case.lead_organisation.name,
        "members": [{"person_id": m.person_id, "role": m.role} for m in case.members.all()],
    }
