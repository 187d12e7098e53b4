"""Carrying out a proposal: every unit that is not kept and still the same (and, for a
retention proposal, still due) is destroyed, then the people, households and addresses left
without records; the tombstones record it. `dry_run` does the same and rolls it back, so that
its counts are exactly those of a real run. In the caller's transaction; the decision is in
`services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from haard.accounts.models import User
from haard.core import region_settings
from haard.retention import destruction, files, rules
from haard.retention.models import (
    DataSubjectRequest,
    DestructionProposal,
    ItemOutcome,
    ProposalItem,
    ProposalKind,
    Tombstone,
    TombstoneBasis,
    UnitType,
)


@dataclass
class ItemResult:
    outcome: str
    note: str = ""
    removal: destruction.Removal = field(default_factory=destruction.Removal)


@dataclass
class Execution:
    items: dict[int, ItemResult]
    people: dict[int, destruction.Removal]
    remainder: destruction.Removal
    stored_files: list[tuple[str, str]]  # (file field, stored name)

    def total(self) -> destruction.Removal:
        total = destruction.Removal()
        for result in self.items.values():
            total.add(result.removal)
        for removal in self.people.values():
            total.add(removal)
        total.add(self.remainder)
        return total

    def summary(self) -> dict[str, Any]:
        people = destruction.Removal()
        for removal in self.people.values():
            people.add(removal)
        return {
            "items": {
                # Per item only its number of rows (the counts per record type are in "total"
                # and, after destruction, in each tombstone): a long list stays small.
                str(pk): {"outcome": str(result.outcome), "note": result.note, "rows": result.removal.rows}
                for pk, result in self.items.items()
            },
            "people": {"count": len(self.people), **people.as_dict()},
            "remainder": self.remainder.as_dict(),
            "total": self.total().as_dict(),
        }


class _RolledBack(Exception):  # noqa: N818 (a signal to leave the savepoint, not an error)
    def __init__(self, execution: Execution) -> None:
        super().__init__("dry run")
        self.execution = execution


def dry_run(proposal: DestructionProposal, today: date) -> Execution:
    """What destroying `proposal` would remove, found by doing it and rolling it back."""
    try:
        with transaction.atomic():
            raise _RolledBack(carry_out(proposal, today))
    except _RolledBack as done:
        return done.execution


def requester_group(proposal: DestructionProposal) -> set[int]:
    if proposal.request_id is None:
        return set()
    subject = (
        DataSubjectRequest.objects.filter(pk=proposal.request_id).values_list("subject_id", flat=True).get()
    )
    groups = files.merge_groups([subject])
    return {pk for group in groups.values() for pk in group} | {subject}


def carry_out(proposal: DestructionProposal, today: date) -> Execution:
    """Destroy every item of the proposal that is not kept and is still the same (and, for a
    retention proposal, still due); then the people, households and addresses left without
    records. In the caller's transaction."""
    leftovers = destruction.Leftovers()
    results: dict[int, ItemResult] = {}
    requester = requester_group(proposal)
    retention = proposal.kind == ProposalKind.RETENTION
    person_items: list[ProposalItem] = []
    kept_people: set[int] = set()
    for item in proposal.items.order_by("pk"):
        if item.keep:
            results[item.pk] = ItemResult(ItemOutcome.KEPT)
            if item.unit_type == UnitType.PERSON:
                kept_people.update(files.parse_key(key)[1] for key in item.members)
            continue
        if item.unit_type == UnitType.PERSON and not retention:
            person_items.append(item)
            continue
        unit = files.still_the_same(item.unit_type, item.members, ignore_requests_of=requester)
        if unit is None:
            results[item.pk] = ItemResult(ItemOutcome.SKIPPED, _("changed or gone since it was proposed"))
            continue
        if unit.open_reason:
            results[item.pk] = ItemResult(
                ItemOutcome.SKIPPED, _("open again, or about someone with an open request")
            )
            continue
        if retention and (unit.due_on is None or unit.due_on > today):
            results[item.pk] = ItemResult(ItemOutcome.SKIPPED, _("no longer due"))
            continue
        if item.unit_type == UnitType.PERSON:
            person_items.append(item)
            continue
        results[item.pk] = ItemResult(
            ItemOutcome.DESTROYED, removal=destruction.destroy_unit(unit, leftovers)
        )
    for item in person_items:
        leftovers.people.update(files.parse_key(key)[1] for key in item.members)
    people = destruction.destroy_people(leftovers.people, leftovers, kept=kept_people)
    for item in person_items:
        removal = people.pop(item.root_id, None)
        if removal is None:
            results[item.pk] = ItemResult(ItemOutcome.KEPT, _("still in records that are kept"))
        else:
            results[item.pk] = ItemResult(ItemOutcome.DESTROYED, removal=removal)
    remainder = destruction.destroy_remainder(leftovers)
    return Execution(results, people, remainder, leftovers.stored_files)


def _basis(proposal: DestructionProposal, item: ProposalItem | None) -> tuple[str, str]:
    if item is None:
        return TombstoneBasis.NOTHING_LEFT, f"proposal {proposal.pk}"
    if proposal.kind == ProposalKind.REQUEST and proposal.request is not None:
        return TombstoneBasis.REQUEST, proposal.request.reference
    setting = rules.PERIOD_SETTING[item.unit_type]
    return TombstoneBasis.RETENTION, f"{setting} = {region_settings.value(setting)}"


def write_tombstones(proposal: DestructionProposal, execution: Execution, actor: User, at: Any) -> None:
    common = {"proposal": proposal, "destroyed_at": at, "decided_by": actor, "decided_at": at}
    stones = []
    for item in proposal.items.all():
        result = execution.items[item.pk]
        item.outcome, item.outcome_note = result.outcome, result.note[:200]
        item.save(update_fields=["outcome", "outcome_note"])
        if result.outcome == ItemOutcome.DESTROYED:
            basis, detail = _basis(proposal, item)
            stones.append(
                Tombstone(
                    item=item,
                    record_type=item.unit_type,
                    record_id=str(item.root_id),
                    reference=item.reference,
                    counts=result.removal.as_dict(),
                    basis=basis,
                    basis_detail=detail,
                    **common,
                )
            )
    for root, removal in sorted(execution.people.items()):
        basis, detail = _basis(proposal, None)
        stones.append(
            Tombstone(
                record_type=UnitType.PERSON,
                record_id=str(root),
                counts=removal.as_dict(),
                basis=basis,
                basis_detail=detail,
                **common,
            )
        )
    if execution.remainder.rows:
        basis, detail = _basis(proposal, None)
        stones.append(
            Tombstone(
                record_type="registry",
                counts=execution.remainder.as_dict(),
                basis=basis,
                basis_detail=detail,
                **common,
            )
        )
    Tombstone.objects.bulk_create(stones)
