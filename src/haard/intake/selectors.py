"""Reads for intake. Every function takes the actor (or the request, for reads that show
personal data and so write the access log) and reads through Report.objects.visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.paging import page_of
from haard.intake.models import Attachment, GivenPerson, Report, ReportPerson
from haard.intake.relations import is_veilig_thuis_staff
from haard.registry.models import Address

PAGE_SIZE = 50


@dataclass(frozen=True)
class ReportFilters:
    kind: str = ""
    source: str = ""
    status: str = ""
    repeat_class: str = ""
    municipality_id: int | None = None
    since: date | None = None
    until: date | None = None
    reference: str = ""

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in sorted(self.__dict__.items()) if v not in ("", None))[:200]


def report_list(*, actor: User, filters: ReportFilters) -> QuerySet[Report]:
    """Visible reports matching the filters, newest first, with what the list shows."""
    reports = Report.objects.visible_to(actor)
    for field in ("kind", "source", "status", "repeat_class", "municipality_id"):
        value = getattr(filters, field)
        if value not in ("", None):
            reports = reports.filter(**{field: value})
    if filters.since:
        reports = reports.filter(received_at__date__gte=filters.since)
    if filters.until:
        reports = reports.filter(received_at__date__lte=filters.until)
    if filters.reference:
        reports = reports.filter(reference__iexact=filters.reference.strip())
    return (
        reports.select_related("municipality", "incident_address")
        .prefetch_related(
            Prefetch("involved", queryset=ReportPerson.objects.select_related("person")), "given_people"
        )
        .order_by("-received_at", "-id")
    )


def show_report_page(
    *, request: Any, filters: ReportFilters, page_number: Any = 1, strict: bool = False
) -> Page[Report]:
    """One page of visible reports, logged with everyone on it. Out of range: the nearest
    page, or with `strict` an empty page with nothing logged."""
    page = page_of(
        report_list(actor=request.user, filters=filters), page_number, size=PAGE_SIZE, strict=strict
    )
    if not page.object_list:
        return page
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="intake.Report",
        query=filters.describe(),
        person_ids=[item.person_id for report in page.object_list for item in report.involved.all()],
    )
    return page


def show_report(*, request: Any, pk: int) -> Report:
    """One visible report with all that its page shows, logged; Http404 when it does not exist or is
    not visible."""
    return _logged_report(
        request,
        Report.objects.visible_to(request.user)
        .select_related(
            "municipality", "incident_address", "reporter_organisation", "registered_by", "police_incident"
        )
        .prefetch_related(
            Prefetch("involved", queryset=ReportPerson.objects.select_related("person")),
            "violence_types",
            "attachments",
            "given_people",
        )
        .filter(pk=pk),
    )


def show_report_record(*, request: Any, pk: int) -> Report:
    """One visible report as the API gives it (the people by id, no attachments), logged like
    `show_report`; Http404 when it does not exist or is not visible."""
    return _logged_report(
        request,
        Report.objects.visible_to(request.user)
        .select_related("municipality")
        .prefetch_related(
            "involved", "violence_types", Prefetch("given_people", GivenPerson.objects.only("report"))
        )
        .filter(pk=pk),
    )


def _logged_report(request: Any, reports: QuerySet[Report]) -> Report:
    report = reports.first()
    if report is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="intake.Report",
        record_id=report.pk,
        person_ids=[item.person_id for item in report.involved.all()],
    )
    return report


def may_see_reporter(*, actor: User, report: Report) -> bool:
    """Anonymity promised to a reporter is kept from everyone but Veilig Thuis staff."""
    return not report.reporter_anonymous or is_veilig_thuis_staff(actor)


@dataclass(frozen=True)
class History:
    """What the intake worker sees while taking a report: earlier reports on the address and
    about the people, within what the worker may see."""

    address_reports_this_year: int
    address_reports: list[Report]
    person_reports: dict[int, int]


def show_history(*, request: Any, address: Address | None, person_ids: list[int]) -> History:
    """Earlier visible reports on the address (this year counted) and per person; logged."""
    visible = Report.objects.visible_to(request.user)
    address_reports: list[Report] = []
    this_year = 0
    if address is not None:
        address_reports = list(visible.filter(incident_address=address).order_by("-received_at")[:10])
        this_year = visible.filter(
            incident_address=address, received_at__gte=timezone.now() - timedelta(days=365)
        ).count()
    counts: dict[int, int] = {}
    if person_ids:
        rows = (
            ReportPerson.objects.filter(report__in=visible.values("pk"), person_id__in=person_ids)
            .values("person_id")
            .annotate(n=Count("report", distinct=True))
        )
        counts = {row["person_id"]: row["n"] for row in rows}
    shown = sorted(set(person_ids) | {p for r in address_reports for p in _people_of(r)})
    if address_reports or counts:
        log_access(
            request=request,
            action=Action.VIEW,
            record_type="intake.ReportHistory",
            record_id=address.pk if address else "",
            person_ids=shown,
        )
    return History(
        address_reports_this_year=this_year, address_reports=address_reports, person_reports=counts
    )


def _people_of(report: Report) -> list[int]:
    return [item.person_id for item in report.involved.all()]


def visible_report(*, actor: User, pk: int) -> Report:
    """A report the actor may see (not logged: for writes that show nothing); Http404 else."""
    report = Report.objects.visible_to(actor).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def show_attachment(*, request: Any, report_pk: int, pk: int) -> Attachment:
    """An attachment of a visible report, logged as an export of the report's people."""
    report = visible_report(actor=request.user, pk=report_pk)
    attachment = Attachment.objects.filter(report=report, pk=pk).first()
    if attachment is None:
        raise Http404
    log_access(
        request=request,
        action=Action.EXPORT,
        record_type="intake.Attachment",
        record_id=attachment.pk,
        person_ids=list(report.involved.values_list("person_id", flat=True)),
    )
    return attachment
