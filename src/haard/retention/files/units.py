"""What a file (or a stand-alone record) is as a unit of destruction: its kind, its people,
whether it is closed and when its retention ends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from haard.cases.models import Case, CaseMember, CaseStatus, PlanAgreement
from haard.core import region_settings
from haard.huisverbod.models import AppealOutcome, ContactBanPerson, HelpTask, OrderStatus, RestrainingOrder
from haard.intake.imports.models import BatchStatus, ImportBatch
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, Report, ReportPerson, ReportStatus
from haard.meldcode.models import OPEN_STATUSES, MeldcodeRecord
from haard.registry.models import Person
from haard.retention import rules
from haard.retention.files.graph import (
    VEILIG_THUIS_KINDS,
    Node,
    chunks,
    components,
    in_chunks,
    local_date,
    node_key,
)
from haard.retention.models import DataSubjectRequest, RequestStatus, UnitType
from haard.shelter.models import Placement, WaitingListEntry, WaitingStatus
from haard.triage.models import Assessment, AssessmentStatus, HandOver, HandOverStatus


@dataclass
class Unit:
    """A unit of destruction: a file, a meldcode record, a police import file or a person."""

    unit_type: str
    root_id: int
    reference: str
    members: frozenset[Node]
    person_ids: frozenset[int] = frozenset()
    closed_on: date | None = None
    due_on: date | None = None
    # Why the unit cannot be destroyed now ("" when it can): a record is still open, etc.
    open_reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def member_keys(self) -> list[str]:
        return sorted(node_key(node) for node in self.members)

    @property
    def closed(self) -> bool:
        return not self.open_reason


@dataclass
class _Fact:
    closed: bool
    ended: date | None
    reference: str = ""


def _facts(by_kind: dict[str, set[int]]) -> dict[Node, _Fact]:
    """Per record: closed or not, and the day it closed."""
    facts: dict[Node, _Fact] = {}
    now = timezone.now()
    for ids in chunks(by_kind.get("case", ())):
        for pk, reference, status, closed_on in Case.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "status", "closed_on"
        ):
            facts["case", pk] = _Fact(
                status == CaseStatus.CLOSED and closed_on is not None, closed_on, reference
            )
    for ids in chunks(by_kind.get("report", ())):
        for pk, reference, status, received_at, updated_at in Report.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "status", "received_at", "updated_at"
        ):
            facts["report", pk] = _Fact(
                status == ReportStatus.CLOSED, local_date(max(received_at, updated_at)), reference
            )
    for ids in chunks(by_kind.get("assessment", ())):
        for pk, reference, status, routed_at, updated_at in Assessment.objects.filter(pk__in=ids).values_list(
            "pk", "reference", "status", "routed_at", "updated_at"
        ):
            facts["assessment", pk] = _Fact(
                status == AssessmentStatus.ROUTED, local_date(routed_at or updated_at), reference
            )
    for ids in chunks(by_kind.get("handover", ())):
        for pk, status, decided_at, created_at in HandOver.objects.filter(pk__in=ids).values_list(
            "pk", "status", "decided_at", "created_at"
        ):
            facts["handover", pk] = _Fact(
                status != HandOverStatus.PROPOSED, local_date(decided_at or created_at)
            )
    for ids in chunks(by_kind.get("incident", ())):
        for pk, number, occurred_at in PoliceIncident.objects.filter(pk__in=ids).values_list(
            "pk", "registration_number", "occurred_at"
        ):
            facts["incident", pk] = _Fact(True, local_date(occurred_at), number)
    for ids in chunks(by_kind.get("order", ())):
        appealing = set(
            RestrainingOrder.objects.filter(pk__in=ids, appeals__outcome=AppealOutcome.PENDING).values_list(
                "pk", flat=True
            )
        )
        for pk, reference, status, ends_at, withdrawn_at, annulled_at in RestrainingOrder.objects.filter(
            pk__in=ids
        ).values_list("pk", "reference", "status", "ends_at", "withdrawn_at", "annulled_at"):
            running = status in (OrderStatus.IMPOSED, OrderStatus.EXTENDED) and ends_at > now
            ended = max(moment for moment in (ends_at, withdrawn_at, annulled_at) if moment is not None)
            facts["order", pk] = _Fact(not running and pk not in appealing, local_date(ended), reference)
    for ids in chunks(by_kind.get("placement", ())):
        for pk, departed_on in Placement.objects.filter(pk__in=ids).values_list("pk", "departed_on"):
            facts["placement", pk] = _Fact(departed_on is not None, departed_on)
    for ids in chunks(by_kind.get("waiting", ())):
        for pk, status, closed_on, registered_at in WaitingListEntry.objects.filter(pk__in=ids).values_list(
            "pk", "status", "closed_on", "registered_at"
        ):
            facts["waiting", pk] = _Fact(
                status != WaitingStatus.WAITING, closed_on or local_date(registered_at)
            )
    return facts


def people_of_records(by_kind: dict[str, set[int]]) -> dict[Node, set[int]]:
    """The people each record is about."""
    people: dict[Node, set[int]] = defaultdict(set)

    def add(kind: str, rows: Iterable[tuple[int, int | None]]) -> None:
        for record, person in rows:
            if person is not None:
                people[kind, record].add(person)

    for ids in chunks(by_kind.get("report", ())):
        add("report", ReportPerson.objects.filter(report_id__in=ids).values_list("report_id", "person_id"))
    for ids in chunks(by_kind.get("case", ())):
        add("case", CaseMember.objects.filter(case_id__in=ids).values_list("case_id", "person_id"))
        add(
            "case",
            PlanAgreement.objects.filter(version__plan__case_id__in=ids, person__isnull=False).values_list(
                "version__plan__case_id", "person_id"
            ),
        )
    for ids in chunks(by_kind.get("incident", ())):
        add(
            "incident",
            PoliceIncidentPerson.objects.filter(incident_id__in=ids).values_list("incident_id", "person_id"),
        )
    for ids in chunks(by_kind.get("order", ())):
        add("order", RestrainingOrder.objects.filter(pk__in=ids).values_list("pk", "barred_person_id"))
        add("order", ContactBanPerson.objects.filter(order_id__in=ids).values_list("order_id", "person_id"))
        add("order", HelpTask.objects.filter(order_id__in=ids).values_list("order_id", "person_id"))
    for ids in chunks(by_kind.get("placement", ())):
        add("placement", Placement.objects.filter(pk__in=ids).values_list("pk", "person_id"))
    for ids in chunks(by_kind.get("waiting", ())):
        add("waiting", WaitingListEntry.objects.filter(pk__in=ids).values_list("pk", "person_id"))
    return people


def _unit_type(kinds: set[str]) -> str:
    if kinds & VEILIG_THUIS_KINDS:
        return UnitType.VEILIG_THUIS_FILE
    if "order" in kinds:
        return UnitType.RESTRAINING_ORDER
    if kinds & {"placement", "waiting"}:
        return UnitType.SHELTER_STAY
    return UnitType.POLICE_INCIDENT


_ROOT_ORDER = ("case", "report", "assessment", "handover", "order", "placement", "waiting", "incident")


def describe_files(files: list[frozenset[Node]], *, ignore_requests_of: Iterable[int] = ()) -> list[Unit]:
    """Each file as a unit: its kind, the record it is named after, its people, whether it is
    closed and when its retention ends. A file about someone with an open request is not
    destroyed while the request is open (except for the requests of `ignore_requests_of`)."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for members in files:
        for kind, pk in members:
            by_kind[kind].add(pk)
    facts = _facts(by_kind)
    people = people_of_records(by_kind)
    all_people = {pk for persons in people.values() for pk in persons}
    birth_dates = dict(in_chunks(Person._base_manager, all_people, "pk", "birth_date"))
    requested = set(
        in_chunks(
            DataSubjectRequest.objects.filter(status=RequestStatus.OPEN),
            all_people,
            "subject_id",
            field="subject_id",
        )
    ) - set(ignore_requests_of)
    youngest_rule = bool(region_settings.value(rules.UNTIL_YOUNGEST_CHILD_ADULT.key))
    periods: dict[str, int] = {}
    units = []
    for members in files:
        kinds = {kind for kind, _pk in members}
        unit_type = _unit_type(kinds)
        root_kind = next(kind for kind in _ROOT_ORDER if kind in kinds)
        root_id = min(pk for kind, pk in members if kind == root_kind)
        member_facts = [facts[node] for node in members if node in facts]
        persons = frozenset(pk for node in members for pk in people.get(node, ()))
        ends = [fact.ended for fact in member_facts if fact.ended is not None]
        closed_on = max(ends) if ends else None
        open_reason = ""
        if not all(fact.closed for fact in member_facts) or closed_on is None:
            open_reason = "open"
        elif persons & requested:
            open_reason = "request"
        due_on = None
        if closed_on is not None:
            if unit_type not in periods:
                periods[unit_type] = rules.period_years(unit_type)
            due_on = rules.add_years(closed_on, periods[unit_type])
            if unit_type == UnitType.VEILIG_THUIS_FILE and youngest_rule:
                births = [birth_dates.get(pk) for pk in persons]
                known = [born for born in births if born is not None]
                if known:
                    due_on = max(due_on, rules.add_years(max(known), 18))
        counts: dict[str, int] = defaultdict(int)
        for kind, _pk in members:
            counts[kind] += 1
        units.append(
            Unit(
                unit_type=unit_type,
                root_id=root_id,
                reference=facts.get((root_kind, root_id), _Fact(False, None)).reference,
                members=members,
                person_ids=persons,
                closed_on=closed_on,
                due_on=due_on,
                open_reason=open_reason,
                counts=dict(counts),
            )
        )
    return units


def files_of(seeds: Iterable[Node], *, ignore_requests_of: Iterable[int] = ()) -> list[Unit]:
    return describe_files(components(seeds), ignore_requests_of=ignore_requests_of)


# --- Standalone records ---------------------------------------------------------------------


def meldcode_units(record_ids: Iterable[int]) -> list[Unit]:
    units = []
    period = rules.period_years(UnitType.MELDCODE_RECORD)
    for chunk in chunks(record_ids):
        for pk, reference, status, concluded_at, updated_at in MeldcodeRecord.objects.filter(
            pk__in=chunk
        ).values_list("pk", "reference", "status", "concluded_at", "updated_at"):
            closed_on = local_date(concluded_at or updated_at)
            is_open = status in OPEN_STATUSES
            units.append(
                Unit(
                    unit_type=UnitType.MELDCODE_RECORD,
                    root_id=pk,
                    reference=reference,
                    members=frozenset({("meldcode", pk)}),
                    closed_on=None if is_open else closed_on,
                    due_on=None if is_open or closed_on is None else rules.add_years(closed_on, period),
                    open_reason="open" if is_open else "",
                    counts={"meldcode": 1},
                )
            )
    return units


def import_units(batch_ids: Iterable[int]) -> list[Unit]:
    units = []
    period = rules.period_years(UnitType.POLICE_IMPORT)
    for chunk in chunks(batch_ids):
        for pk, status, finished_at, created_at in ImportBatch.objects.filter(pk__in=chunk).values_list(
            "pk", "status", "finished_at", "created_at"
        ):
            done = status in (BatchStatus.DONE, BatchStatus.FAILED)
            closed_on = local_date(finished_at or created_at)
            units.append(
                Unit(
                    unit_type=UnitType.POLICE_IMPORT,
                    root_id=pk,
                    reference=f"import-{pk}",
                    members=frozenset({("import", pk)}),
                    closed_on=closed_on if done else None,
                    due_on=rules.add_years(closed_on, period) if done and closed_on else None,
                    open_reason="" if done else "open",
                    counts={"import": 1},
                )
            )
    return units
