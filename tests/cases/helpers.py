"""Shared test data for the case work: a case with a plan, a closed case in follow-up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from haard.cases import services
from haard.cases.models import Case, CaseStatus


def measure(
    owner: Any,
    *,
    term: str = "today",
    description: str = "Moeder belt 112 bij dreiging",
    days: int = 0,
    key: str = "",
) -> services.MeasureInput:
    return services.MeasureInput(
        term=term,
        description=description,
        owner=owner,
        deadline=timezone.localdate() + timedelta(days=days),
        key=key,
    )


def opened_long_ago(case: Case, days: int = 400) -> Case:
    Case.objects.filter(pk=case.pk).update(opened_on=timezone.localdate() - timedelta(days=days))
    case.refresh_from_db()
    return case


def closed_case(case: Case, actor: Any, *, on: date) -> Case:
    """Close `case` on `on` (its opening moved back far enough)."""
    Case.objects.filter(pk=case.pk).update(opened_on=on - timedelta(days=60), status=CaseStatus.OPEN)
    case.refresh_from_db()
    return services.change_status(
        actor=actor, case=case, status=CaseStatus.CLOSED, reason="Doelen bereikt", on=on
    )
