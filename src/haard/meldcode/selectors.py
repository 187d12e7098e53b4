"""Reads for the meldcode and the partner network. Every function takes the actor (or the
request, for reads that show personal data and so write the access log) and reads meldcode
records through MeldcodeRecord.objects.visible_to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from haard.accounts.models import Organisation, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core import region_settings
from haard.core.models import RegionSetting
from haard.core.paging import page_of
from haard.intake.models import ReportPerson
from haard.meldcode.models import (
    ActivityKind,
    FeedbackStage,
    MeldcodeRecord,
    PartnerProfile,
    PreventionActivity,
    RecordStatus,
    Sector,
)
from haard.meldcode.relations import may_give_feedback, may_read_network, may_see_figures

PAGE_SIZE = 50


def _with_details(records: QuerySet[MeldcodeRecord]) -> QuerySet[MeldcodeRecord]:
    return records.select_related("organisation", "municipality", "author", "report").prefetch_related(
        "people",
        "answers",
        "feedback",
        Prefetch("report__involved", queryset=ReportPerson.objects.only("id", "report_id", "person_id")),
    )


def _person_ids(records: Iterable[MeldcodeRecord]) -> list[int]:
    """The registered people a page shows: those of the reports the records became. (The
    people of a record that was not reported are not in the register; the entry then names
    the record.)"""
    return [item.person_id for record in records if record.report for item in record.report.involved.all()]


def record_list(*, actor: User, status: str = "") -> QuerySet[MeldcodeRecord]:
    """The records the actor may see, newest first, with what the list shows."""
    records = MeldcodeRecord.objects.visible_to(actor)
    if status:
        records = records.filter(status=status)
    return _with_details(records).order_by("-created_at", "-id")


def show_record_page(
    *, request: Any, status: str = "", page_number: Any = 1, strict: bool = False
) -> Page[MeldcodeRecord]:
    """One page of the visible records, logged with the records and people on it."""
    page = page_of(record_list(actor=request.user, status=status), page_number, size=PAGE_SIZE, strict=strict)
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="meldcode.MeldcodeRecord",
            record_id=",".join(str(r.pk) for r in page.object_list)[:64],
            query=f"status={status}",
            person_ids=_person_ids(page.object_list),
        )
    return page


def visible_record(*, actor: User, pk: int) -> MeldcodeRecord:
    """A record the actor may see (not logged: for writes that show nothing); Http404 else."""
    record = MeldcodeRecord.objects.visible_to(actor).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def show_record(*, request: Any, pk: int) -> MeldcodeRecord:
    """One visible record with its steps, answers and feedback, logged; Http404 otherwise."""
    record = _with_details(MeldcodeRecord.objects.visible_to(request.user)).filter(pk=pk).first()
    if record is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="meldcode.MeldcodeRecord",
        record_id=record.pk,
        person_ids=_person_ids([record]),
    )
    return record


def feedback_list(*, actor: User, waiting: bool = True) -> QuerySet[MeldcodeRecord]:
    """Records that became a report, for Veilig Thuis; with `waiting`, those whose reporter
    still lacks the receipt or the outcome."""
    if not may_give_feedback(actor):
        raise PermissionDenied
    records = MeldcodeRecord.objects.visible_to(actor).filter(report__isnull=False)
    if waiting:
        records = records.exclude(feedback__stage=FeedbackStage.OUTCOME)
    return _with_details(records).order_by("report__received_at", "id")


def show_feedback_page(*, request: Any, waiting: bool = True, page_number: Any = 1) -> Page[MeldcodeRecord]:
    """One page of the feedback list, logged with the people of the reports on it."""
    page = page_of(feedback_list(actor=request.user, waiting=waiting), page_number, size=PAGE_SIZE)
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="meldcode.MeldcodeRecord",
            query=f"feedback waiting={waiting}",
            person_ids=_person_ids(page.object_list),
        )
    return page


# The partner network (organisations, no personal data of clients) ------------------------------


def network(*, actor: User, sector: str = "") -> list[Organisation]:
    """The region's active organisations with their partner profile and activity counts."""
    if not may_read_network(actor):
        raise PermissionDenied
    organisations = (
        Organisation.objects.filter(active=True)
        .select_related("partner_profile__meldcode_contact")
        .annotate(activities=Count("prevention_activities"), reach=Sum("prevention_activities__reach"))
        .order_by("name")
    )
    if sector:
        organisations = organisations.filter(partner_profile__sector=sector)
    return list(organisations)


def organisation_detail(
    *, actor: User, pk: int
) -> tuple[Organisation, PartnerProfile | None, list[PreventionActivity]]:
    """One organisation with its profile and activities; Http404 when unknown."""
    if not may_read_network(actor):
        raise PermissionDenied
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    profile = (
        PartnerProfile.objects.select_related("meldcode_contact").filter(organisation=organisation).first()
    )
    activities = list(
        PreventionActivity.objects.filter(organisation=organisation).order_by("-held_on", "-id")
    )
    return organisation, profile, activities


@dataclass
class SectorCoverage:
    sector: str
    label: str
    organisations: int = 0
    with_meldcode: int = 0
    with_contact: int = 0
    trainings: int = 0
    awareness: int = 0
    reach: int = 0


def coverage(*, actor: User) -> list[SectorCoverage]:
    """Per sector: organisations in the network, how many have a meldcode and a meldcode
    contact, and the prevention activities given with their reach (two queries)."""
    if not may_read_network(actor):
        raise PermissionDenied
    rows = {value: SectorCoverage(value, str(label)) for value, label in Sector.choices}
    profiles = (
        PartnerProfile.objects.filter(organisation__active=True)
        .values("sector")
        .annotate(
            n=Count("pk"),
            code=Count("pk", filter=Q(has_meldcode=True)),
            contact=Count("pk", filter=Q(meldcode_contact__isnull=False)),
        )
    )
    for profile in profiles:
        row: dict[str, Any] = dict(profile)
        target = rows[row["sector"]]
        target.organisations, target.with_meldcode, target.with_contact = (
            row["n"],
            row["code"],
            row["contact"],
        )
    activities = (
        PreventionActivity.objects.filter(
            organisation__active=True, organisation__partner_profile__isnull=False
        )
        .values("organisation__partner_profile__sector", "kind")
        .annotate(n=Count("pk"), reach=Sum("reach"))
    )
    for activity in activities:
        row = dict(activity)
        target = rows[row["organisation__partner_profile__sector"]]
        if row["kind"] == ActivityKind.TRAINING:
            target.trainings += row["n"]
        else:
            target.awareness += row["n"]
        target.reach += row["reach"] or 0
    return list(rows.values())


# Region figures: aggregates only, small counts suppressed ---------------------------------------

SUPPRESS_SETTING = "insight.suppress_below"
SUPPRESS_DEFAULT = 5


def suppression_threshold() -> int:
    """The region's threshold for small counts: the same setting the figures of insight use."""
    try:
        return int(region_settings.value(SUPPRESS_SETTING))
    except KeyError:  # declared by insight; read the stored override directly when it is not loaded
        stored = RegionSetting.objects.filter(key=SUPPRESS_SETTING).values_list("value", flat=True).first()
        return (
            stored
            if isinstance(stored, int) and not isinstance(stored, bool) and stored >= 1
            else SUPPRESS_DEFAULT
        )


def suppress(count: int, threshold: int) -> str:
    """A count as the figures page shows it: below the threshold as "<n" (zero stays 0)."""
    if 0 < count < threshold:
        return f"<{threshold}"
    return str(count)


FIGURE_COLUMNS = ("started", *[value for value in RecordStatus.values])


@dataclass
class SectorFigures:
    sector: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)


def figures(*, actor: User, year: int | None = None) -> list[SectorFigures]:
    """Per sector of the recording organisation: records started and how they stand or ended.
    Raw counts from every record in the region (aggregates only, no record is shown): the
    page suppresses small counts. One query."""
    if not may_see_figures(actor):
        raise PermissionDenied
    records = MeldcodeRecord.objects.all()
    if year is not None:
        records = records.filter(created_at__year=year)
    rows = (
        records.values("organisation__partner_profile__sector")
        .annotate(
            started=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in RecordStatus.values},
        )
        .order_by()
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURE_COLUMNS, 0))
    for found in rows:
        row: dict[str, Any] = dict(found)
        sector = row["organisation__partner_profile__sector"] or Sector.OTHER
        for column in FIGURE_COLUMNS:
            totals[sector][column] += row[column]
    return [SectorFigures(value, str(label), dict(totals[value])) for value, label in Sector.choices]
