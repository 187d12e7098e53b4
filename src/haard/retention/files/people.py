"""People: who still has records that must be kept, and who was merged into whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from haard.registry.models import Household, HouseholdMember, Person
from haard.retention import rules
from haard.retention.files.graph import chunks, in_chunks, local_date
from haard.retention.files.units import Unit
from haard.retention.models import DataSubjectRequest, RequestStatus, UnitType

# Links to a person that are not records of that person: the registry's own bookkeeping
# (a merge pointer, a household membership, a possible match, a merge) and this app's requests.
_NOT_RECORDS = frozenset(
    {"registry.Person", "registry.HouseholdMember", "registry.PossibleMatch", "registry.PersonMerge"}
)


def record_links(model: type[models.Model], excluded: frozenset[str]) -> list[tuple[type[models.Model], str]]:
    """Every (model, field) through which a record refers to a row of `model`, found
    generically so that a link another app adds later keeps the row too. History tables
    (DO_NOTHING) and this app's own tables are not records."""
    links: list[tuple[type[models.Model], str]] = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        related: Any = relation.related_model
        if relation.many_to_many:
            through: Any = getattr(relation, "through", None)
            if through is not None and through._meta.auto_created:
                links.extend(
                    (through, f.name)
                    for f in through._meta.get_fields()
                    if isinstance(f, models.ForeignKey) and f.related_model is model
                )
            continue
        if getattr(relation, "on_delete", None) is models.DO_NOTHING:
            continue
        if related._meta.label in excluded or related._meta.app_label == "retention":
            continue
        links.append((related, relation.field.name))  # type: ignore[union-attr]
    return links


def person_record_links() -> list[tuple[type[models.Model], str]]:
    return record_links(Person, _NOT_RECORDS)


def household_record_links() -> list[tuple[type[models.Model], str]]:
    return record_links(Household, frozenset({"registry.HouseholdMember"}))


def referred_to(links: list[tuple[type[models.Model], str]], outer: str = "pk") -> Any:
    """A condition on a row (or on the row its field `outer` names): some record of `links`
    refers to it. One EXISTS per link, each answered by the index on its foreign key."""
    condition: Any = None
    for related, field_name in links:
        exists = Exists(related._base_manager.filter(**{field_name: OuterRef(outer)}))
        condition = exists if condition is None else condition | exists
    return condition if condition is not None else Q(pk__in=[])


def households_with_records(outer: str = "pk") -> Any:
    """Households that a record refers to (a case, an assessment, an order...)."""
    return referred_to(household_record_links(), outer)


def without_records(people: QuerySet[Person]) -> QuerySet[Person]:
    for model, field_name in person_record_links():
        people = people.exclude(Exists(model._base_manager.filter(**{field_name: OuterRef("pk")})))
    in_households_with_records = HouseholdMember.objects.filter(person=OuterRef("pk")).filter(
        households_with_records("household_id")
    )
    return people.exclude(Exists(in_households_with_records))


def people_with_records(person_ids: Iterable[int]) -> set[int]:
    """Those of `person_ids` that a record which must be kept still refers to."""
    ids = set(person_ids)
    free: set[int] = set()
    for chunk in chunks(ids):
        free.update(without_records(Person._base_manager.filter(pk__in=chunk)).values_list("pk", flat=True))
    return ids - free


def merge_groups(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each person's merge group: the person it was merged into at the top (the root) and
    every person merged into it, directly or through another. Keyed by root."""
    pointers: dict[int, int | None] = {}
    frontier = set(person_ids)
    while frontier:  # up to the roots
        rows = dict(in_chunks(Person._base_manager, frontier, "pk", "merged_into_id"))
        pointers.update(rows)
        frontier = {up for up in rows.values() if up is not None and up not in pointers}
    members = set(pointers)
    frontier = set(pointers)
    while frontier:  # down to everyone merged into them
        rows = dict(in_chunks(Person._base_manager, frontier, "pk", "merged_into_id", field="merged_into_id"))
        new = set(rows) - members
        pointers.update(rows)
        members |= new
        frontier = new

    def root(pk: int) -> int:
        seen = set()
        while pointers.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = pointers[pk]  # type: ignore[assignment]
        return pk

    groups: dict[int, set[int]] = defaultdict(set)
    for pk in members:
        groups[root(pk)].add(pk)
    return dict(groups)


def person_units(root_ids: Iterable[int], *, ignore_requests_of: Iterable[int] = ()) -> list[Unit]:
    """Each person (with everyone merged into them) as a unit."""
    groups = merge_groups(root_ids)
    period = rules.period_years(UnitType.PERSON)
    changed = dict(
        in_chunks(Person._base_manager, {pk for g in groups.values() for pk in g}, "pk", "updated_at")
    )
    with_records = people_with_records({pk for g in groups.values() for pk in g})
    requested = set(
        DataSubjectRequest.objects.filter(status=RequestStatus.OPEN, subject_id__in=list(groups)).values_list(
            "subject_id", flat=True
        )
    ) - set(ignore_requests_of)
    units = []
    for root_id, group in groups.items():
        last = max((changed[pk] for pk in group if pk in changed), default=None)
        closed_on = local_date(last)
        open_reason = "records" if group & with_records else ("request" if root_id in requested else "")
        units.append(
            Unit(
                unit_type=UnitType.PERSON,
                root_id=root_id,
                reference="",
                members=frozenset(("person", pk) for pk in group),
                person_ids=frozenset(group),
                closed_on=closed_on,
                due_on=rules.add_years(closed_on, period) if closed_on else None,
                open_reason=open_reason,
                counts={"person": len(group)},
            )
        )
    return units
