"""Reads for assessments and hand-overs. Every function reads through `visible_to`; the
`show_*` functions are what pages and API operations call, and each writes its access-log
entry with the people shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.paging import page_of
from haard.intake.models import Report, ReportPerson
from haard.registry.models import person_name
from haard.triage import clock as clocks
from haard.triage.models import (
    CLOCK_RUNNING,
    UNROUTED,
    Answer,
    AssessedReport,
    Assessment,
    HandOver,
    HandOverStatus,
    Item,
    Option,
)

PAGE_SIZE = 50
SHOW_CHOICES = ("open", "due", "overdue", "all")


def _with_reports(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.select_related("municipality", "household", "assessor").prefetch_related(
        Prefetch(
            "assessed_reports",
            queryset=AssessedReport.objects.select_related("report").prefetch_related(
                Prefetch("report__involved", queryset=ReportPerson.objects.select_related("person"))
            ),
        )
    )


_LISTED_FIELDS = (
    "reference",
    "status",
    "received_on",
    "due_on",
    "outcome",
    "severity",
    "municipality__name",
    "municipality__code",
)


def _with_columns(assessments: list[Assessment]) -> list[int]:
    """Give each assessment of a list page its `report_references` and `people_names` (the
    "Reports" and "People" columns) from two queries of plain values, and return the ids of
    the people shown. Prefetching the reports and their people instead builds a model and a
    queryset for every report and person on the page, which costs more than the rest of it."""
    reports: dict[int, list[int]] = defaultdict(list)
    references: dict[int, str] = {}
    links = (
        AssessedReport.objects.filter(assessment_id__in=[a.pk for a in assessments])
        .order_by("added_at", "pk")
        .values_list("assessment_id", "report_id", "report__reference")
    )
    for assessment_id, report_id, reference in links:
        reports[assessment_id].append(report_id)
        references[report_id] = reference
    names: dict[int, list[str]] = defaultdict(list)
    shown: set[int] = set()
    people = (
        ReportPerson.objects.filter(report_id__in=list(references))
        .order_by("pk")
        .values_list(
            "report_id", "person_id", "person__first_names", "person__surname_prefix", "person__surname"
        )
    )
    for report_id, person_id, *name in people:
        names[report_id].append(person_name(*name))
        shown.add(person_id)
    for assessment in assessments:
        ids = reports[assessment.pk]
        assessment.report_references = [references[r] for r in ids]  # type: ignore[attr-defined]
        assessment.people_names = "; ".join(", ".join(names[r]) for r in ids)  # type: ignore[attr-defined]
    return sorted(shown)


def assessment_list(*, actor: User, show: str = "open", today: date | None = None) -> QuerySet[Assessment]:
    """Visible assessments: `open` (not yet routed), `due` (clock running, not overdue),
    `overdue` (clock running, due date passed) or `all`; the most urgent first."""
    today = today or timezone.localdate()
    assessments = Assessment.objects.visible_to(actor)
    if show == "open":
        assessments = assessments.filter(status__in=UNROUTED)
    elif show == "due":
        assessments = assessments.filter(status__in=CLOCK_RUNNING, due_on__gte=today)
    elif show == "overdue":
        assessments = assessments.filter(status__in=CLOCK_RUNNING, due_on__lt=today)
    return assessments.select_related("municipality").only(*_LISTED_FIELDS).order_by("due_on", "pk")


def people_of(assessment: Assessment) -> list[int]:
    return sorted(
        {rp.person_id for link in assessment.assessed_reports.all() for rp in link.report.involved.all()}
    )


def with_clock(assessment: Assessment, today: date) -> Assessment:
    assessment.clock = clocks.clock(  # type: ignore[attr-defined]
        assessment.due_on, today=today, running=assessment.status in CLOCK_RUNNING
    )
    return assessment


def show_assessment_page(
    *, request: Any, show: str = "open", page_number: Any = 1, strict: bool = False
) -> Page[Assessment]:
    """One page of assessments with their clocks, logged with everyone on it."""
    today = timezone.localdate()
    page = page_of(
        assessment_list(actor=request.user, show=show, today=today),
        page_number,
        size=PAGE_SIZE,
        strict=strict,
    )
    for assessment in page.object_list:
        with_clock(assessment, today)
    if page.object_list:
        shown = _with_columns(list(page.object_list))
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="triage.Assessment",
            query=f"show={show}",
            person_ids=shown,
        )
    return page


@dataclass
class AssessmentView:
    assessment: Assessment
    items: list[tuple[Item, list[Option], Answer | None]]
    handovers: list[HandOver]


def assessment_detail(*, actor: User, pk: int) -> Assessment | None:
    return (
        _with_reports(Assessment.objects.visible_to(actor))
        .select_related("instrument", "rule", "second_assessor", "routed_by", "case")
        .filter(pk=pk)
        .first()
    )


def assessment_view(*, actor: User, pk: int) -> AssessmentView | None:
    """One visible assessment with its instrument, answers and hand-overs (not logged: the
    caller logs what it shows)."""
    assessment = assessment_detail(actor=actor, pk=pk)
    if assessment is None:
        return None
    with_clock(assessment, timezone.localdate())
    answers = {a.item_id: a for a in Answer.objects.filter(assessment=assessment).select_related("option")}
    items = list(Item.objects.filter(instrument_id=assessment.instrument_id).prefetch_related("options"))
    handovers = list(
        HandOver.objects.filter(assessment=assessment).select_related("receiving_organisation", "decided_by")
    )
    return AssessmentView(
        assessment=assessment,
        items=[(item, list(item.options.all()), answers.get(item.pk)) for item in items],
        handovers=handovers,
    )


def show_assessment(*, request: Any, pk: int) -> AssessmentView:
    """One visible assessment, logged with its people; Http404 otherwise."""
    view = assessment_view(actor=request.user, pk=pk)
    if view is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="triage.Assessment",
        record_id=view.assessment.pk,
        person_ids=people_of(view.assessment),
    )
    return view


def show_report_clock(*, request: Any, report_id: int) -> tuple[Report, Assessment | None, clocks.Clock]:
    """A visible report, its assessment (None before one started) and the clock, logged."""
    actor = request.user
    report = (
        Report.objects.visible_to(actor)
        .select_related("municipality")
        .prefetch_related(Prefetch("involved", queryset=ReportPerson.objects.select_related("person")))
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    today = timezone.localdate()
    link = AssessedReport.objects.filter(report=report).select_related("assessment").first()
    assessment = link.assessment if link else None
    if assessment is not None:
        shown = clocks.clock(assessment.due_on, today=today, running=assessment.status in CLOCK_RUNNING)
    else:
        shown = clocks.clock(clocks.due_date(clocks.received_on(report.received_at)), today=today)
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="intake.Report",
        record_id=report.pk,
        person_ids=[rp.person_id for rp in report.involved.all()],
    )
    return report, assessment, shown


# Hand-overs: what the receiving organisation sees is the proposal, the family, the outcome
# and the message; never the answers or the notes of the assessment.


def _handovers(actor: User) -> QuerySet[HandOver]:
    return HandOver.objects.visible_to(actor).select_related(
        "assessment__municipality",
        "assessment__household",
        "receiving_organisation",
        "proposed_by",
        "decided_by",
        "case",
        "assessment__rule",
    )


def handover_list(*, actor: User, status: str = HandOverStatus.PROPOSED) -> QuerySet[HandOver]:
    handovers = _handovers(actor)
    if status:
        handovers = handovers.filter(status=status)
    return handovers.prefetch_related(
        Prefetch(
            "assessment__assessed_reports",
            queryset=AssessedReport.objects.select_related("report").prefetch_related(
                Prefetch("report__involved", queryset=ReportPerson.objects.select_related("person"))
            ),
        )
    ).order_by("created_at", "pk")


def show_handover_page(
    *, request: Any, status: str = HandOverStatus.PROPOSED, page_number: Any = 1, strict: bool = False
) -> Page[HandOver]:
    page = page_of(
        handover_list(actor=request.user, status=status), page_number, size=PAGE_SIZE, strict=strict
    )
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="triage.HandOver",
            query=f"status={status}",
            person_ids=[pid for h in page.object_list for pid in people_of(h.assessment)],
        )
    return page


def show_handover(*, request: Any, pk: int) -> HandOver:
    handover = handover_list(actor=request.user, status="").filter(pk=pk).first()
    if handover is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="triage.HandOver",
        record_id=handover.pk,
        person_ids=people_of(handover.assessment),
    )
    return handover


def family_of(assessment: Assessment) -> list[ReportPerson]:
    """The people of the assessment's reports, each once (in the prefetched reports)."""
    seen: dict[tuple[int, str], ReportPerson] = {}
    for link in assessment.assessed_reports.all():
        for rp in link.report.involved.all():
            seen.setdefault((rp.person_id, rp.role), rp)
    return list(seen.values())
