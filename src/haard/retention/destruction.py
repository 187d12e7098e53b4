"""Destroying units of records, in the caller's transaction.

Each step deletes rows through Django's deletion collector (which follows every CASCADE) in an
order that no PROTECT refuses, then deletes the history versions (django-simple-history) of
every row it deleted: the history holds the same personal data. People, households and
addresses that nothing refers to any more go last. Every step counts what it removed, per
record type, so that a dry run (the same steps, rolled back) shows exactly what a real run
removes. Nothing here decides *whether* to destroy: see `services`.

The access log is never touched: it has its own retention (see docs/retention.md).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.deletion import Collector
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from haard.cases.models import Case, SafetyPlan
from haard.conferences.models import AgendaItem
from haard.huisverbod.models import RestrainingOrder
from haard.intake.imports.models import ImportBatch, ImportRowError
from haard.intake.models import Attachment, PoliceIncident, Report
from haard.meldcode.models import MeldcodeRecord
from haard.registry.models import Address, Household, HouseholdMember, Person, PersonMerge, PossibleMatch
from haard.retention import files
from haard.retention.files import Node, chunks
from haard.retention.models import PendingFileRemoval, UnitType
from haard.shelter.models import Placement, Referral, WaitingListEntry
from haard.triage.models import Assessment, HandOver

logger = logging.getLogger(__name__)

HISTORY = "history"


@dataclass
class Removal:
    """Rows removed (per model label, and "history" for earlier versions) and rows changed."""

    removed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)

    def add(self, other: Removal) -> None:
        self.removed.update(other.removed)
        self.changed.update(other.changed)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "removed": {label: n for label, n in sorted(self.removed.items()) if n},
            "changed": {label: n for label, n in sorted(self.changed.items()) if n},
        }

    @property
    def rows(self) -> int:
        return sum(self.removed.values())


@dataclass
class Leftovers:
    """What destroyed records referred to, to check afterwards whether anything else still
    does: people, households, addresses; and stored files to remove after the commit."""

    people: set[int] = field(default_factory=set)
    households: set[int] = field(default_factory=set)
    addresses: set[int] = field(default_factory=set)
    stored_files: list[tuple[str, str]] = field(default_factory=list)  # (file field, stored name)


# The file fields whose files destruction removes ("app_label.Model.field").
ATTACHMENT_FILE = f"{Attachment._meta.label}.file"
IMPORT_FILE = f"{ImportBatch._meta.label}.file"


def delete_rows(queryset: QuerySet[Any], removal: Removal) -> None:
    """Delete the rows with everything that cascades from them, and their history."""
    collector = Collector(using=router.db_for_write(queryset.model))
    collector.collect(queryset)
    deleted = {model: {obj.pk for obj in objs} for model, objs in collector.data.items()}
    _total, per_label = collector.delete()
    removal.removed.update({label: n for label, n in per_label.items() if n})
    forget_history(deleted, removal)


def forget_history(deleted: dict[type[models.Model], set[Any]], removal: Removal) -> None:
    """Delete every history version of the deleted rows (including the one the deletion
    itself just wrote)."""
    for model, pks in deleted.items():
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:
            continue
        key = model._meta.pk.name
        for chunk in chunks(pks):
            count, _by_label = history._base_manager.filter(**{f"{key}__in": chunk}).delete()
            removal.removed[HISTORY] += count


def _ids(members: Iterable[Node]) -> dict[str, set[int]]:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in members:
        by_kind[kind].add(pk)
    return by_kind


def _each(model: type[models.Model], field_name: str, ids: set[int], removal: Removal) -> None:
    for chunk in chunks(ids):
        delete_rows(model._base_manager.filter(**{f"{field_name}__in": chunk}), removal)


def _values(model: type[models.Model], field_name: str, ids: set[int], *fields: str) -> set[Any]:
    found: set[Any] = set()
    for chunk in chunks(ids):
        found.update(
            value
            for row in model._base_manager.filter(**{f"{field_name}__in": chunk}).values_list(*fields)
            for value in row
            if value
        )
    return found


def destroy_file(members: Iterable[Node], leftovers: Leftovers) -> Removal:
    """Destroy one file: every record in `members` and what cascades from them."""
    ids = _ids(members)
    removal = Removal()
    cases, reports, assessments = ids["case"], ids["report"], ids["assessment"]
    orders, placements, waiting = ids["order"], ids["placement"], ids["waiting"]

    for people in files.people_of_records(ids).values():
        leftovers.people.update(people)
    leftovers.households |= _values(Case, "pk", cases, "household_id")
    leftovers.households |= _values(Assessment, "pk", assessments, "household_id")
    leftovers.households |= _values(RestrainingOrder, "pk", orders, "household_id")
    leftovers.addresses |= _values(Report, "pk", reports, "incident_address_id")
    leftovers.addresses |= _values(PoliceIncident, "pk", ids["incident"], "address_id")
    leftovers.addresses |= _values(RestrainingOrder, "pk", orders, "address_id")
    leftovers.stored_files.extend(
        (ATTACHMENT_FILE, name) for name in _values(Attachment, "report_id", reports, "file") if name
    )

    # Records that point at others (PROTECT) go before what they point at.
    _each(AgendaItem, "case_id", cases, removal)
    _each(HandOver, "pk", ids["handover"], removal)
    _each(Assessment, "pk", assessments, removal)
    _unlink_meldcode_records(reports, removal)
    _each(Referral, "waiting_entry_id", waiting, removal)
    _each(WaitingListEntry, "pk", waiting, removal)
    for chunk in chunks(placements):
        Placement._base_manager.filter(pk__in=chunk).update(guardian=None, moved_from=None)
    _each(Placement, "pk", placements, removal)
    _each(RestrainingOrder, "pk", orders, removal)
    for chunk in chunks(cases):
        SafetyPlan._base_manager.filter(case_id__in=chunk).update(current_version=None)
    _each(Case, "pk", cases, removal)
    _each(Report, "pk", reports, removal)
    _each(PoliceIncident, "pk", ids["incident"], removal)
    return removal


def _unlink_meldcode_records(report_ids: set[int], removal: Removal) -> None:
    """A meldcode record is the professional's own file with its own retention: it loses
    only its link to the destroyed report (its history records why)."""
    for chunk in chunks(report_ids):
        for record in MeldcodeRecord._base_manager.filter(report_id__in=chunk):
            record.report = None
            record._change_reason = "The report was destroyed (retention)."  # type: ignore[attr-defined]
            record.save(update_fields=["report", "updated_at"])
            removal.changed[MeldcodeRecord._meta.label] += 1


def destroy_meldcode_record(pk: int) -> Removal:
    removal = Removal()
    delete_rows(MeldcodeRecord._base_manager.filter(pk=pk), removal)
    return removal


def destroy_import_file(pk: int, leftovers: Leftovers) -> Removal:
    """A police import keeps its counts; its file, its file name and the cell values in its
    row errors (which may be names or numbers of people) go."""
    removal = Removal()
    batch = ImportBatch._base_manager.get(pk=pk)
    delete_rows(ImportRowError._base_manager.filter(batch_id=pk), removal)
    if batch.file and batch.file.name:
        leftovers.stored_files.append((IMPORT_FILE, batch.file.name))
    ImportBatch._base_manager.filter(pk=pk).update(file="", file_name=f"import-{pk}")
    removal.changed[ImportBatch._meta.label] += 1
    return removal


def destroy_unit(unit: files.Unit, leftovers: Leftovers) -> Removal:
    if unit.unit_type == UnitType.MELDCODE_RECORD:
        return destroy_meldcode_record(unit.root_id)
    if unit.unit_type == UnitType.POLICE_IMPORT:
        return destroy_import_file(unit.root_id, leftovers)
    if unit.unit_type == UnitType.PERSON:
        raise ValueError("People are destroyed by destroy_people.")
    return destroy_file(unit.members, leftovers)


def destroy_people(
    candidates: Iterable[int], leftovers: Leftovers, *, kept: Iterable[int] = ()
) -> dict[int, Removal]:
    """Destroy each candidate's merge group that no record which must be kept refers to any
    more (and that a decision did not keep: `kept`). Returns what was removed per destroyed
    group, keyed by the group's root."""
    groups = files.merge_groups(candidates)
    with_records = files.people_with_records({pk for group in groups.values() for pk in group})
    kept = set(kept)
    destroyed: dict[int, Removal] = {}
    for root, group in sorted(groups.items()):
        if group & with_records or group & kept:
            continue
        removal = Removal()
        ids = sorted(group)
        delete_rows(PersonMerge._base_manager.filter(Q(merged_id__in=ids) | Q(into_id__in=ids)), removal)
        matches = PossibleMatch._base_manager.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids))
        relinked = PersonMerge._base_manager.filter(possible_match__in=matches).update(possible_match=None)
        if relinked:
            removal.changed[PersonMerge._meta.label] += relinked
        delete_rows(matches, removal)
        leftovers.households.update(
            HouseholdMember._base_manager.filter(person_id__in=ids).values_list("household_id", flat=True)
        )
        delete_rows(HouseholdMember._base_manager.filter(person_id__in=ids), removal)
        Person._base_manager.filter(pk__in=ids).update(merged_into=None)
        delete_rows(Person._base_manager.filter(pk__in=ids), removal)
        destroyed[root] = removal
    return destroyed


def destroy_remainder(leftovers: Leftovers) -> Removal:
    """Households without members and without records, then addresses nothing refers to."""
    removal = Removal()
    empty: set[int] = set()
    for chunk in chunks(leftovers.households):
        empty.update(
            Household._base_manager.filter(pk__in=chunk)
            .exclude(files.households_with_records())
            .filter(memberships__isnull=True)
            .values_list("pk", flat=True)
        )
    leftovers.addresses |= _values(Household, "pk", empty, "address_id")
    _each(Household, "pk", empty, removal)
    unused = Address._base_manager.exclude(files.referred_to(files.record_links(Address, frozenset())))
    for chunk in chunks(leftovers.addresses):
        delete_rows(unused.filter(pk__in=chunk), removal)
    return removal


def queue_file_removals(stored: list[tuple[str, str]]) -> list[int]:
    """Queue the stored files of destroyed records for removal, in the destruction's own
    transaction (see `PendingFileRemoval`); the ids of the queued rows."""
    queued = PendingFileRemoval.objects.bulk_create(
        [PendingFileRemoval(field=label, name=name) for label, name in stored]
    )
    return [row.pk for row in queued]


def _storage_of(label: str) -> Any:
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name).storage


def remove_pending_files(ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Remove queued files from storage (those of `ids`, or all): a removed file's row goes,
    a file that cannot be removed keeps its row for the next try and is logged by number
    only, never by name. (removed, still pending)."""
    pending = PendingFileRemoval.objects.order_by("pk")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    removed = failed = 0
    for row in pending:
        try:
            _storage_of(row.field).delete(row.name)
        except (OSError, LookupError):
            failed += 1
            PendingFileRemoval.objects.filter(pk=row.pk).update(attempts=models.F("attempts") + 1)
            continue
        row.delete()
        removed += 1
    if failed:
        logger.warning("retention: %s stored files of destroyed records could not be removed yet", failed)
    return removed, failed
