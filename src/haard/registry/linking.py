"""Linking: find the registered person a record from any source describes, or register one.

`resolve_person` is what intake and the import pipeline call for every person in a report or
police row. It looks for candidates cheaply (blocking: indexed look-ups only, never a scan),
scores each with `registry.matching`, links to a clear match and otherwise registers a new
person, recording a `PossibleMatch` for a person to review when a candidate came close.

Blocks (each one indexed query, each capped at `BLOCK_LIMIT` rows):
- the BSN's keyed hash (an equal BSN decides at once);
- the same birth date;
- the same surname key (or the first names as surname key, for swapped names) with a birth
  date that is a near miss (a typo, day and month swapped, year off by 1 or 10);
- without a birth date: the same surname key;
- the people known at the same address, and at the same postcode.

Where a person is known to live comes from "address links": (model, person field, path to
the address). The registry declares its households; other apps add theirs with
`register_address_link` (intake: the people in a report at its incident address).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.utils import bulk_create_with_history

from haard.core import crypto
from haard.registry.matching import (
    ADDRESS_WEIGHTS,
    Band,
    Comparison,
    PersonRecord,
    band_of,
    birth_date_variants,
    compare,
    score_of,
    surname_key,
)
from haard.registry.models import ACTIVE_PEOPLE, BSN_HASH_PURPOSE, Address, Gender, Person, PossibleMatch
from haard.registry.services import register_person
from haard.registry.validation import normalise_bsn

BLOCK_LIMIT = 200
# A new person gets a review item for each of at most this many close candidates.
MAX_POSSIBLE_MATCHES = 3


@dataclass(frozen=True)
class AddressLink:
    model_label: str
    person_field: str
    address_path: str


_address_links: list[AddressLink] = [AddressLink("registry.HouseholdMember", "person", "household__address")]


def register_address_link(model_label: str, *, person_field: str, address_path: str) -> None:
    """Declare that rows of `model_label` place `person_field` at `address_path` (a lookup
    path from the row to an Address), so that linking uses them as address evidence."""
    link = AddressLink(model_label, person_field, address_path)
    if link not in _address_links:
        _address_links.append(link)


def address_links() -> list[AddressLink]:
    return list(_address_links)


@dataclass(frozen=True)
class LinkOutcome:
    """The person the record was linked to (`created`: registered just now) and, for a new
    person close to an existing one, the highest-scoring review item recorded."""

    person: Person
    created: bool
    possible_match: PossibleMatch | None
    score: float | None = None
    band: str = ""


@dataclass(frozen=True)
class Candidate:
    person: Person
    record: PersonRecord
    comparison: Comparison


def _over_address_links(
    part: Callable[[Any, AddressLink], QuerySet[Any]], *, duplicates: bool
) -> QuerySet[Any]:
    """One query over every kind of address link: the union of `part(model, link)` for each
    (with `duplicates`, UNION ALL)."""
    parts = [part(apps.get_model(link.model_label), link) for link in _address_links]
    return parts[0].union(*parts[1:], all=duplicates)


def _people_at(address: Address) -> tuple[set[int], set[int]]:
    """Active people at the address, and at its postcode: one query over every kind of link,
    capped, with those at the address itself first, so a crowded postcode cannot push them
    out."""

    def at_postcode_of(model: Any, link: AddressLink) -> QuerySet[Any]:
        here = Case(When(**{f"{link.address_path}_id": address.pk}, then=Value(0)), default=Value(1))
        return (
            model._base_manager.filter(**{f"{link.address_path}__postcode": address.postcode})
            .annotate(here=here)
            .order_by()
            .values_list(f"{link.person_field}_id", "here")
        )

    at_address: set[int] = set()
    at_postcode: set[int] = set()
    rows = _over_address_links(at_postcode_of, duplicates=True).order_by("here")
    for pk, elsewhere in rows[: 2 * BLOCK_LIMIT * len(_address_links)]:
        (at_postcode if elsewhere else at_address).add(pk)
    return at_address, at_postcode


def addresses_of(person_ids: Iterable[int]) -> dict[int, tuple[set[int], set[str]]]:
    """For each person: the ids and postcodes of the addresses they are known at (one query
    over every kind of link)."""
    ids = list(person_ids)
    known: dict[int, tuple[set[int], set[str]]] = defaultdict(lambda: (set(), set()))
    if not ids:
        return known

    def addresses_in(model: Any, link: AddressLink) -> QuerySet[Any]:
        return (
            model._base_manager.filter(
                **{f"{link.person_field}_id__in": ids, f"{link.address_path}__isnull": False}
            )
            .order_by()
            .values_list(
                f"{link.person_field}_id", f"{link.address_path}_id", f"{link.address_path}__postcode"
            )
        )

    for person_id, address_id, postcode in _over_address_links(addresses_in, duplicates=False):
        known[person_id][0].add(address_id)
        known[person_id][1].add(postcode)
    return known


def candidate_ids(
    record: PersonRecord, *, address: Address | None = None, today: date | None = None
) -> set[int]:
    """The ids of the people worth comparing with `record`, by the blocks above (merged people
    may be among them; `find_candidates` leaves them out)."""
    people = Person.objects.order_by()
    keys = {surname_key(record.surname_prefix, record.surname)}
    if record.first_names.strip():
        keys.add(surname_key("", record.first_names))  # first and last name swapped
    keys.discard("")
    ids: set[int] = set()
    if record.birth_date is not None:
        ids.update(people.filter(birth_date=record.birth_date).values_list("pk", flat=True)[:BLOCK_LIMIT])
        variants = birth_date_variants(record.birth_date, today=today)
        if keys and variants:
            ids.update(
                people.filter(surname_key__in=keys, birth_date__in=variants).values_list("pk", flat=True)[
                    :BLOCK_LIMIT
                ]
            )
    elif keys:
        ids.update(people.filter(surname_key__in=keys).values_list("pk", flat=True)[:BLOCK_LIMIT])
    if address is not None:
        at_address, at_postcode = _people_at(address)
        ids |= at_address | at_postcode
    return ids


def record_of(person: Person, addresses: tuple[set[int], set[str]] | None = None) -> PersonRecord:
    address_ids, postcodes = addresses or (set(), set())
    return PersonRecord(
        first_names=person.first_names,
        surname=person.surname,
        surname_prefix=person.surname_prefix,
        birth_date=person.birth_date,
        gender=person.gender,
        bsn_hash=person.bsn_hash,
        address_ids=frozenset(address_ids),
        postcodes=frozenset(postcodes),
    )


def find_candidates(record: PersonRecord, *, address: Address | None = None) -> list[Candidate]:
    """Every candidate from the blocks, scored against `record`, best first (ties: the
    earliest registered). A fixed number of queries, whatever the size of the register.

    Where a person is known to live is looked up only for the candidates it could lift into
    the "possible" band: the others are no match whatever their addresses, and keep the
    score of the comparison without them."""
    ids = candidate_ids(record, address=address)
    if not ids:
        return []
    people = list(
        Person.objects.filter(ACTIVE_PEOPLE, pk__in=ids)
        .order_by()
        .only("pk", "first_names", "surname_prefix", "surname", "birth_date", "gender", "bsn_hash")
    )
    unplaced = [(person, compare(record, record_of(person))) for person in people]
    lifted = (
        {
            person.pk
            for person, comparison in unplaced
            # Two BSNs decide alone; otherwise see whether an address could matter.
            if not (record.bsn_hash and person.bsn_hash) and _address_could_lift(comparison)
        }
        if record.address_ids or record.postcodes
        else set()
    )
    known = addresses_of(lifted)
    candidates = []
    for person, comparison in unplaced:
        if person.pk in lifted:
            candidate_record = record_of(person, known.get(person.pk))
            comparison = compare(record, candidate_record)
        else:
            candidate_record = record_of(person)
        candidates.append(Candidate(person, candidate_record, comparison))
    candidates.sort(key=lambda c: (-c.comparison.score, -c.comparison.weight, c.person.pk))
    return candidates


def _address_could_lift(comparison: Comparison) -> bool:
    """Could the best address evidence bring this comparison into the "possible" band?"""
    return band_of(score_of(comparison.weight + max(ADDRESS_WEIGHTS.values()))) != Band.NO_MATCH


def record_possible_matches(matches: list[PossibleMatch]) -> list[PossibleMatch]:
    """Store new review items with their history rows, two queries for any number."""
    if not matches:
        return []
    return bulk_create_with_history(matches, PossibleMatch)


def _survivor(person: Person) -> Person:
    """Follow merges to the person that is kept."""
    seen = {person.pk}
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
        if person.pk in seen:  # pragma: no cover - merges refuse cycles
            raise ValidationError(_("The merges of this person form a cycle."))
        seen.add(person.pk)
    return person


def _give_bsn(person: Person, bsn: str) -> Person:
    """Store a BSN on a linked person that had none (the history keeps the change)."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if not locked.bsn_hash:
        locked.set_bsn(bsn)
        locked._change_reason = "BSN from a linked record"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                locked.save(update_fields=["bsn_encrypted", "bsn_hash", "updated_at"])
        except IntegrityError:
            # Someone registered this BSN for another record a moment ago: link without it;
            # the two records will meet again as a possible match.
            locked.refresh_from_db()
    return locked


@transaction.atomic
def resolve_person(
    *,
    first_names: str,
    surname: str,
    surname_prefix: str = "",
    birth_date: date | None = None,
    gender: str = Gender.OTHER,
    bsn: str = "",
    address: Address | None = None,
    source: str = "",
) -> LinkOutcome:
    """The registered person this record describes, linked or newly registered.

    - A valid BSN already registered links to that person (or the one it was merged into),
      whatever the names say. An invalid BSN raises ValidationError({"bsn": ...}).
    - Otherwise the best candidate in the "match" band is linked; when the record brings a BSN
      the linked person lacked, it is stored on that person.
    - Otherwise a new person is registered (register_person checks the fields) and every
      candidate in the "possible" band (at most MAX_POSSIBLE_MATCHES) gets an open
      PossibleMatch with the new person; the best of them is returned.
    Candidates with another BSN are never linked. One transaction: nothing is written when
    anything fails.
    """
    if not surname.strip():
        raise ValidationError({"surname": _("A surname is needed.")})
    clean_bsn = ""
    if bsn.strip():
        try:
            clean_bsn = normalise_bsn(bsn)
        except ValidationError as exc:
            raise ValidationError({"bsn": exc.messages}) from None
    bsn_hash = crypto.keyed_hash(clean_bsn, purpose=BSN_HASH_PURPOSE) if clean_bsn else ""
    if bsn_hash:
        existing = Person.objects.filter(bsn_hash=bsn_hash).order_by("pk").first()
        if existing is not None:
            return LinkOutcome(
                _survivor(existing), created=False, possible_match=None, score=1.0, band=Band.MATCH
            )
    record = PersonRecord(
        first_names=first_names,
        surname=surname,
        surname_prefix=surname_prefix,
        birth_date=birth_date,
        gender=gender,
        bsn_hash=bsn_hash,
        address_ids=frozenset({address.pk}) if address is not None else frozenset(),
        postcodes=frozenset({address.postcode}) if address is not None else frozenset(),
    )
    candidates = find_candidates(record, address=address)
    if candidates and candidates[0].comparison.band == Band.MATCH:
        best = candidates[0]
        person = _give_bsn(best.person, clean_bsn) if clean_bsn and not best.person.bsn_hash else best.person
        return LinkOutcome(
            person, created=False, possible_match=None, score=best.comparison.score, band=Band.MATCH
        )
    try:  # register_person is atomic itself: a refused insert leaves our transaction usable
        person = register_person(
            first_names=first_names,
            surname=surname,
            surname_prefix=surname_prefix,
            birth_date=birth_date,
            gender=gender,
            bsn=clean_bsn,
        )
    except IntegrityError:
        # Another request registered this BSN a moment ago (the unique constraint caught it):
        # theirs is ours.
        existing = Person.objects.filter(bsn_hash=bsn_hash).first() if bsn_hash else None
        if existing is None:
            raise
        return LinkOutcome(
            _survivor(existing), created=False, possible_match=None, score=1.0, band=Band.MATCH
        )
    possible = [c for c in candidates if c.comparison.band == Band.POSSIBLE][:MAX_POSSIBLE_MATCHES]
    matches = record_possible_matches(
        [
            PossibleMatch(
                person_a=c.person,
                person_b=person,
                score=c.comparison.score,
                reasons=c.comparison.reasons_json(),
                source=source[:60],
            )
            for c in possible
        ]
    )
    top = candidates[0].comparison if candidates else None
    return LinkOutcome(
        person,
        created=True,
        possible_match=matches[0] if matches else None,
        score=top.score if top else None,
        band=top.band if top else Band.NO_MATCH,
    )


_FIELD_LABELS = {
    "first_names": _("First names"),
    "surname": _("Surname"),
    "names": _("Names"),
    "birth_date": _("Date of birth"),
    "address": _("Address"),
    "gender": _("Gender"),
    "bsn": _("BSN"),
}
_LEVEL_LABELS = {
    "exact": _("the same"),
    "exact_core": _("the same surname, another or no tussenvoegsel"),
    "typo": _("one letter or digit apart"),
    "subset": _("one includes the other"),
    "close": pgettext_lazy("similarity", "close"),
    "initials": _("initials agree"),
    "similar": _("somewhat alike"),
    "different": _("different"),
    "swapped": _("first and last name swapped"),
    "day_month_swapped": _("day and month swapped"),
    "year_off": _("year off by 1 or 10"),
    "same_address": _("the same address"),
    "same_postcode": _("the same postcode"),
    "same": _("the same"),
}


def describe_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored reasons of a score in words (field, finding, weight), for the review page."""
    return [
        {
            "field": _FIELD_LABELS.get(str(r.get("field")), str(r.get("field"))),
            "level": _LEVEL_LABELS.get(str(r.get("level")), str(r.get("level"))),
            "weight": r.get("weight"),
        }
        for r in reasons
    ]
