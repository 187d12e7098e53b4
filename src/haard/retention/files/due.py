"""The periodic run (what is due and not yet proposed), everything about one person, and
whether a proposed unit is still the same."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from haard.cases.models import Case, CaseMember, CaseStatus, PlanAgreement
from haard.huisverbod.models import ContactBanPerson, HelpTask, RestrainingOrder
from haard.intake.imports.models import BatchStatus, ImportBatch
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, Report, ReportPerson, ReportStatus
from haard.meldcode.models import OPEN_STATUSES, MeldcodeRecord
from haard.registry.models import Person
from haard.retention import rules
from haard.retention.files.graph import Node, end_of, parse_key
from haard.retention.files.people import merge_groups, person_units, without_records
from haard.retention.files.units import Unit, files_of, import_units, meldcode_units
from haard.retention.models import ItemOutcome, ProposalItem, ProposalStatus, UnitType
from haard.shelter.models import Placement, WaitingListEntry, WaitingStatus

# At most this many starting records of each kind per run; a later run takes the rest.
MAX_SEEDS = 5000


def _taken_keys(today: date) -> set[str]:
    """Records already on an open proposal, or kept by a decision until a later day."""
    taken: set[str] = set()
    open_items = ProposalItem.objects.filter(proposal__status=ProposalStatus.OPEN)
    kept = ProposalItem.objects.filter(keep=True, keep_until__gt=today).exclude(outcome=ItemOutcome.DESTROYED)
    for queryset in (open_items, kept):
        for members in queryset.values_list("members", flat=True):
            taken.update(members)
    return taken


def due_units(today: date) -> list[Unit]:
    """Every unit whose retention has ended by `today`, closed, and on no open proposal and
    not kept by an earlier decision. Reads a bounded number of starting records per kind."""
    cutoff = {
        unit_type: rules.add_years(today, -rules.period_years(unit_type))
        for unit_type in rules.PERIOD_SETTING
    }
    vt_cutoff = cutoff[UnitType.VEILIG_THUIS_FILE]
    seeds: set[Node] = set()

    def seed(kind: str, queryset: QuerySet[Any]) -> None:
        seeds.update((kind, pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:MAX_SEEDS])

    seed("case", Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lte=vt_cutoff))
    seed(
        "report",
        Report.objects.filter(status=ReportStatus.CLOSED, updated_at__lt=end_of(vt_cutoff)),
    )
    seed(
        "order",
        RestrainingOrder.objects.filter(
            case__isnull=True, ends_at__lt=end_of(cutoff[UnitType.RESTRAINING_ORDER])
        ),
    )
    seed(
        "placement",
        Placement.objects.filter(case__isnull=True, departed_on__lte=cutoff[UnitType.SHELTER_STAY]),
    )
    seed(
        "waiting",
        WaitingListEntry.objects.filter(case__isnull=True)
        .exclude(status=WaitingStatus.WAITING)
        .filter(registered_at__lt=end_of(cutoff[UnitType.SHELTER_STAY])),
    )
    seed(
        "incident",
        PoliceIncident.objects.filter(
            occurred_at__lt=end_of(cutoff[UnitType.POLICE_INCIDENT]), reports__isnull=True
        ),
    )
    units = files_of(seeds)
    meldcode_cutoff = cutoff[UnitType.MELDCODE_RECORD]
    units += meldcode_units(
        MeldcodeRecord.objects.exclude(status__in=OPEN_STATUSES)
        .filter(
            Q(concluded_at__lt=end_of(meldcode_cutoff))
            | Q(concluded_at__isnull=True, updated_at__lt=end_of(meldcode_cutoff))
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_SEEDS]
    )
    import_cutoff = end_of(cutoff[UnitType.POLICE_IMPORT])
    units += import_units(
        ImportBatch.objects.filter(
            status__in=[BatchStatus.DONE, BatchStatus.FAILED], created_at__lt=import_cutoff
        )
        .filter(Q(row_errors__isnull=False) | ~Q(file="") | ~Q(file_name__startswith="import-"))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_SEEDS]
    )
    alone = without_records(
        Person._base_manager.filter(merged_into__isnull=True, updated_at__lt=end_of(cutoff[UnitType.PERSON]))
    )
    units += person_units(alone.order_by("pk").values_list("pk", flat=True)[:MAX_SEEDS])
    taken = _taken_keys(today)
    return [
        unit
        for unit in units
        if unit.closed
        and unit.due_on is not None
        and unit.due_on <= today
        and not taken.intersection(unit.member_keys)
    ]


def units_of_person(person_id: int) -> list[Unit]:
    """Every unit with data of the person (and of everyone merged into them): the files they
    are in, and the person themselves last."""
    groups = merge_groups([person_id])
    group = next(iter(groups.values()), {person_id})
    root_id = next(iter(groups), person_id)
    seeds: set[Node] = set()
    seeds.update(
        ("report", pk)
        for pk in ReportPerson.objects.filter(person_id__in=group).values_list("report_id", flat=True)
    )
    seeds.update(
        ("case", pk)
        for pk in CaseMember.objects.filter(person_id__in=group).values_list("case_id", flat=True)
    )
    seeds.update(
        ("case", pk)
        for pk in PlanAgreement.objects.filter(person_id__in=group).values_list(
            "version__plan__case_id", flat=True
        )
    )
    seeds.update(
        ("incident", pk)
        for pk in PoliceIncidentPerson.objects.filter(person_id__in=group).values_list(
            "incident_id", flat=True
        )
    )
    seeds.update(
        ("order", pk)
        for pk in RestrainingOrder.objects.filter(barred_person_id__in=group).values_list("pk", flat=True)
    )
    seeds.update(
        ("order", pk)
        for pk in ContactBanPerson.objects.filter(person_id__in=group).values_list("order_id", flat=True)
    )
    seeds.update(
        ("order", pk)
        for pk in HelpTask.objects.filter(person_id__in=group).values_list("order_id", flat=True)
    )
    seeds.update(
        ("placement", pk) for pk in Placement.objects.filter(person_id__in=group).values_list("pk", flat=True)
    )
    seeds.update(
        ("waiting", pk)
        for pk in WaitingListEntry.objects.filter(person_id__in=group).values_list("pk", flat=True)
    )
    units = files_of(seeds, ignore_requests_of=group)
    units.sort(key=lambda unit: (unit.unit_type, unit.root_id))
    return [*units, *person_units([root_id], ignore_requests_of=group)]


def still_the_same(
    unit_type: str, members: list[str], *, ignore_requests_of: Iterable[int] = ()
) -> Unit | None:
    """The unit as it is now, when it still holds exactly `members`; else None (it grew,
    lost a record, or is gone)."""
    nodes = {parse_key(key) for key in members}
    if unit_type == UnitType.MELDCODE_RECORD:
        units = meldcode_units(pk for _kind, pk in nodes)
    elif unit_type == UnitType.POLICE_IMPORT:
        units = import_units(pk for _kind, pk in nodes)
    elif unit_type == UnitType.PERSON:
        units = person_units((pk for _kind, pk in nodes), ignore_requests_of=ignore_requests_of)
    else:
        units = files_of(nodes, ignore_requests_of=ignore_requests_of)
    if len(units) != 1 or units[0].members != frozenset(nodes):
        return None
    return units[0]
