"""Files: the records that hang together (`components`), found link by link in a fixed number
of queries per step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from haard.cases.models import Case, CaseReport, Recurrence
from haard.huisverbod.models import RestrainingOrder
from haard.intake.models import PoliceIncident, Report
from haard.shelter.models import Placement, WaitingListEntry
from haard.triage.models import AssessedReport, Assessment, HandOver

Node = tuple[str, int]

CHUNK = 500

# The kinds of record in a file, and the model of each.
FILE_MODELS: dict[str, type[models.Model]] = {
    "case": Case,
    "report": Report,
    "assessment": Assessment,
    "handover": HandOver,
    "incident": PoliceIncident,
    "order": RestrainingOrder,
    "placement": Placement,
    "waiting": WaitingListEntry,
}
VEILIG_THUIS_KINDS = frozenset({"case", "report", "assessment", "handover"})


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def node_key(node: Node) -> str:
    return f"{node[0]}:{node[1]}"


def parse_key(key: str) -> Node:
    kind, _, number = key.partition(":")
    return kind, int(number)


def local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def end_of(day: date) -> datetime:
    """The first moment after `day` (for "on or before `day`" on a date-time column)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- Files: the records that hang together --------------------------------------------------


def _pairs(queryset: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    return list(queryset.values_list(*fields))


def _edges(frontier: dict[str, set[int]]) -> list[tuple[Node, Node]]:
    """Every link of the records in `frontier` to another record of a file."""
    edges: list[tuple[Node, Node]] = []

    def link(kind_a: str, kind_b: str, rows: list[tuple[Any, ...]]) -> None:
        edges.extend(((kind_a, a), (kind_b, b)) for a, b in rows if a is not None and b is not None)

    for ids in chunks(frontier.get("case", ())):
        link("assessment", "case", _pairs(Assessment.objects.filter(case_id__in=ids), "pk", "case_id"))
        link("handover", "case", _pairs(HandOver.objects.filter(case_id__in=ids), "pk", "case_id"))
        link("case", "report", _pairs(CaseReport.objects.filter(case_id__in=ids), "case_id", "report_id"))
        link("case", "report", _pairs(Recurrence.objects.filter(case_id__in=ids), "case_id", "report_id"))
        link("order", "case", _pairs(RestrainingOrder.objects.filter(case_id__in=ids), "pk", "case_id"))
        link("placement", "case", _pairs(Placement.objects.filter(case_id__in=ids), "pk", "case_id"))
        link("waiting", "case", _pairs(WaitingListEntry.objects.filter(case_id__in=ids), "pk", "case_id"))
    for ids in chunks(frontier.get("report", ())):
        assessed = AssessedReport.objects.filter(report_id__in=ids)
        link("assessment", "report", _pairs(assessed, "assessment_id", "report_id"))
        link("case", "report", _pairs(CaseReport.objects.filter(report_id__in=ids), "case_id", "report_id"))
        link("case", "report", _pairs(Recurrence.objects.filter(report_id__in=ids), "case_id", "report_id"))
        link("report", "incident", _pairs(Report.objects.filter(pk__in=ids), "pk", "police_incident_id"))
    for ids in chunks(frontier.get("assessment", ())):
        link("assessment", "case", _pairs(Assessment.objects.filter(pk__in=ids), "pk", "case_id"))
        assessed = AssessedReport.objects.filter(assessment_id__in=ids)
        link("assessment", "report", _pairs(assessed, "assessment_id", "report_id"))
        link(
            "handover",
            "assessment",
            _pairs(HandOver.objects.filter(assessment_id__in=ids), "pk", "assessment_id"),
        )
    for ids in chunks(frontier.get("handover", ())):
        rows = _pairs(HandOver.objects.filter(pk__in=ids), "pk", "assessment_id", "case_id")
        link("handover", "assessment", [(h, a) for h, a, _c in rows])
        link("handover", "case", [(h, c) for h, _a, c in rows])
    for ids in chunks(frontier.get("incident", ())):
        link(
            "report",
            "incident",
            _pairs(Report.objects.filter(police_incident_id__in=ids), "pk", "police_incident_id"),
        )
    for ids in chunks(frontier.get("order", ())):
        link("order", "case", _pairs(RestrainingOrder.objects.filter(pk__in=ids), "pk", "case_id"))
    for ids in chunks(frontier.get("placement", ())):
        rows = _pairs(Placement.objects.filter(pk__in=ids), "pk", "case_id", "guardian_id", "moved_from_id")
        link("placement", "case", [(p, c) for p, c, _g, _m in rows])
        link("placement", "placement", [(p, g) for p, _c, g, _m in rows])
        link("placement", "placement", [(p, m) for p, _c, _g, m in rows])
        link(
            "placement",
            "placement",
            _pairs(Placement.objects.filter(guardian_id__in=ids), "pk", "guardian_id"),
        )
        link(
            "placement",
            "placement",
            _pairs(Placement.objects.filter(moved_from_id__in=ids), "pk", "moved_from_id"),
        )
    for ids in chunks(frontier.get("waiting", ())):
        link("waiting", "case", _pairs(WaitingListEntry.objects.filter(pk__in=ids), "pk", "case_id"))
    return edges


def components(seeds: Iterable[Node]) -> list[frozenset[Node]]:
    """The files the `seeds` are in: each a set of records that hang together. Records that
    no longer exist are left out."""
    parent: dict[Node, Node] = {}

    def find(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    frontier = set(seeds)
    parent.update({node: node for node in frontier})
    while frontier:
        by_kind: dict[str, set[int]] = defaultdict(set)
        for kind, pk in frontier:
            by_kind[kind].add(pk)
        found: set[Node] = set()
        for a, b in _edges(by_kind):
            for node in (a, b):
                if node not in parent:
                    parent[node] = node
                    found.add(node)
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[root_a] = root_b
        frontier = found
    existing = _existing(parent)
    groups: dict[Node, set[Node]] = defaultdict(set)
    for node in parent:
        if node in existing:
            groups[find(node)].add(node)
    return [frozenset(group) for group in groups.values() if group]


def _existing(nodes: Iterable[Node]) -> set[Node]:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in nodes:
        by_kind[kind].add(pk)
    existing: set[Node] = set()
    for kind, ids in by_kind.items():
        model = FILE_MODELS[kind]
        for chunk in chunks(ids):
            existing.update(
                (kind, pk) for pk in model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)
            )
    return existing


def in_chunks(queryset: Any, ids: Iterable[int], *fields: str, field: str = "pk") -> Iterator[Any]:
    flat = len(fields) == 1
    for chunk in chunks(ids):
        yield from queryset.filter(**{f"{field}__in": chunk}).values_list(*fields, flat=flat)
