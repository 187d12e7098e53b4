"""resolve_person: link to a clear match, queue a possible one, register a new person."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haard.registry.linking import BLOCK_LIMIT, candidate_ids, find_candidates, resolve_person
from haard.registry.matching import PersonRecord
from haard.registry.models import HouseholdMember, MatchStatus, Person, PossibleMatch
from haard.registry.services import register_person
from tests.factories import AddressFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

BSN = "999990019"
OTHER_BSN = "999990032"
BORN = date(1985, 3, 12)


def anna(**fields: Any) -> Person:
    defaults: dict[str, Any] = {
        "first_names": "Anna",
        "surname_prefix": "van den",
        "surname": "Berg",
        "birth_date": BORN,
        "gender": "f",
    }
    return register_person(**{**defaults, **fields})


def living_at(person: Person, address: Any) -> None:
    HouseholdMember.objects.create(household=HouseholdFactory(address=address), person=person, role="parent")


def test_save_fills_the_surname_key() -> None:
    person = anna(surname_prefix="", surname="Vandenberg")
    assert person.surname_key == "berg"
    person.surname = "Jansen"
    person.save(update_fields=["surname"])
    person.refresh_from_db()
    assert person.surname_key == "jansen"


def test_a_clear_match_is_linked() -> None:
    existing = anna()
    outcome = resolve_person(first_names="Änna", surname="Berg, van den", birth_date=BORN, source="test")
    assert outcome.person == existing
    assert not outcome.created
    assert outcome.possible_match is None
    assert Person.objects.count() == 1


def test_a_new_person_is_registered() -> None:
    anna()
    outcome = resolve_person(first_names="Piet", surname="Jansen", birth_date=date(1970, 1, 2))
    assert outcome.created
    assert outcome.possible_match is None
    assert outcome.person.surname == "Jansen"
    assert Person.objects.count() == 2


def test_a_possible_match_is_registered_and_queued() -> None:
    existing = anna()
    outcome = resolve_person(
        first_names="Anna",
        surname="Berg",
        surname_prefix="van den",
        birth_date=date(1985, 3, 13),
        source="police",
    )
    assert outcome.created
    match = outcome.possible_match
    assert match is not None
    assert (match.person_a, match.person_b) == (existing, outcome.person)
    assert match.status == MatchStatus.OPEN
    assert match.source == "police"
    assert 0.5 <= match.score < 0.99
    assert {r["field"] for r in match.reasons} >= {"first_names", "surname", "birth_date"}


def test_the_same_address_turns_a_birth_date_typo_into_a_match() -> None:
    address = AddressFactory()
    existing = anna()
    living_at(existing, address)
    outcome = resolve_person(
        first_names="Anna", surname="van den Berg", birth_date=date(1985, 3, 13), address=address
    )
    assert outcome.person == existing
    assert not outcome.created


def test_addresses_are_weighed_for_the_candidates_they_could_lift_only() -> None:
    """A housemate with another name and birth date is no match whatever the address: their
    addresses are not read. A namesake with a near birth date at the address is weighed with it."""
    address = AddressFactory()
    namesake = anna(birth_date=date(1985, 3, 21))
    stranger = register_person(first_names="Piet", surname="Jansen", birth_date=date(1950, 6, 1), gender="m")
    living_at(namesake, address)
    living_at(stranger, address)
    record = PersonRecord(
        first_names="Anna",
        surname_prefix="van den",
        surname="Berg",
        birth_date=BORN,
        gender="f",
        address_ids=frozenset({address.pk}),
        postcodes=frozenset({address.postcode}),
    )
    found = {c.person.pk: c for c in find_candidates(record, address=address)}
    assert set(found) == {namesake.pk, stranger.pk}
    weighed = {r.field for r in found[namesake.pk].comparison.reasons}
    assert "address" in weighed
    assert found[namesake.pk].record.address_ids == {address.pk}
    assert "address" not in {r.field for r in found[stranger.pk].comparison.reasons}
    assert found[stranger.pk].comparison.band == "no_match"
    assert found[stranger.pk].record.address_ids == frozenset()


def test_swapped_names_and_day_month_are_found_at_the_same_address() -> None:
    address = AddressFactory()
    existing = anna()
    living_at(existing, address)
    outcome = resolve_person(
        first_names="Berg", surname="Anna", birth_date=date(1985, 12, 3), address=address
    )
    assert outcome.person == existing or outcome.possible_match is not None


def test_an_equal_bsn_links_whatever_the_names() -> None:
    existing = anna(bsn=BSN)
    outcome = resolve_person(first_names="Totaal", surname="Anders", bsn="9999 900 19")
    assert outcome.person == existing
    assert not outcome.created


def test_a_different_bsn_is_never_linked() -> None:
    anna(bsn=BSN)
    outcome = resolve_person(
        first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=BORN, bsn=OTHER_BSN
    )
    assert outcome.created
    assert outcome.possible_match is None
    assert Person.objects.count() == 2


def test_a_linked_person_receives_the_bsn_they_lacked() -> None:
    existing = anna()
    outcome = resolve_person(first_names="Anna", surname="van den Berg", birth_date=BORN, bsn=BSN)
    assert outcome.person == existing
    existing.refresh_from_db()
    assert existing.bsn == BSN
    assert existing.history.count() == 2  # the BSN arrived as a change, not silently


def test_an_invalid_bsn_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValidationError) as error:
        resolve_person(first_names="Anna", surname="Berg", bsn="123456789")
    assert "bsn" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        resolve_person(first_names="Anna", surname="  ")
    assert "surname" in error.value.message_dict
    assert not Person.objects.exists()


def test_a_merged_person_is_never_a_candidate_but_their_bsn_leads_to_the_kept_one() -> None:
    kept = anna()
    merged = anna(first_names="Ana", bsn=BSN)
    merged.merged_into = kept
    merged.save()
    outcome = resolve_person(first_names="Anna", surname="van den Berg", birth_date=BORN)
    assert outcome.person == kept
    assert resolve_person(first_names="X", surname="Y", bsn=BSN).person == kept


def test_blocking_finds_near_birth_dates_by_surname_and_people_at_the_address() -> None:
    address = AddressFactory(postcode="1234AB", house_number=5)
    neighbour_address = AddressFactory(postcode="1234AB", house_number=7)
    typo = anna(birth_date=date(1985, 3, 21))
    housemate = PersonFactory(first_names="Zoë", surname="Zwart", birth_date=date(1950, 1, 1))
    living_at(housemate, address)
    neighbour = PersonFactory(first_names="Noor", surname="Visser", birth_date=date(1960, 1, 1))
    living_at(neighbour, neighbour_address)
    stranger = PersonFactory(first_names="Anna", surname="Berg", birth_date=date(1970, 6, 6))
    record = PersonRecord(first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=BORN)
    found = candidate_ids(record, address=address)
    assert {typo.pk, housemate.pk, neighbour.pk} <= found
    assert stranger.pk not in found


def test_linking_uses_a_fixed_number_of_queries() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    address = AddressFactory()

    def resolve() -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            outcome = resolve_person(first_names="Anna", surname="Berg", birth_date=BORN, address=address)
            assert outcome.created and outcome.possible_match is None  # the same path each time
            transaction.set_rollback(True)
        return len(queries.captured_queries)

    # Siblings at the address: found by the address block, scored, not linked.
    living_at(PersonFactory(first_names="Kind", surname="Berg", birth_date=date(2010, 1, 1)), address)
    few = resolve()
    for index in range(30):
        sibling = PersonFactory(
            first_names=f"Kind{index}", surname="Berg", birth_date=date(2010, 3, index + 1)
        )
        living_at(sibling, address)
    assert resolve() == few


def test_blocks_are_capped() -> None:
    Person.objects.bulk_create(
        [
            Person(first_names="X", surname="Berg", surname_key="berg", birth_date=BORN)
            for _ in range(BLOCK_LIMIT + 5)
        ]
    )
    record = PersonRecord(first_names="Anna", surname="Berg", birth_date=BORN)
    assert len(candidate_ids(record)) <= 2 * BLOCK_LIMIT


def test_possible_matches_are_capped_per_new_person() -> None:
    for index in range(5):
        PersonFactory(first_names="Anna", surname="Berg", birth_date=date(1985, 3, 10 + index + 3))
    outcome = resolve_person(first_names="Anna", surname="Berg", birth_date=BORN)
    assert outcome.created
    assert PossibleMatch.objects.filter(person_b=outcome.person).count() <= 3


def test_bulk_created_people_get_their_keys_from_fill_match_keys() -> None:
    person = Person(first_names="Anna", surname_prefix="", surname="Berg, van den", birth_date=BORN)
    person.fill_match_keys()
    Person.objects.bulk_create([person])
    record = PersonRecord(first_names="Anna", surname="Vandenberg", birth_date=date(1985, 3, 21))
    assert Person.objects.get(surname="Berg, van den").pk in candidate_ids(record)


def test_the_data_migration_fills_missing_keys() -> None:
    from importlib import import_module

    from django.apps import apps

    Person.objects.bulk_create([Person(first_names="Anna", surname="Vandenberg")])  # no key
    assert Person.objects.get().surname_key == ""
    import_module("haard.registry.migrations.0003_fill_person_surname_keys").fill_keys(apps, None)
    assert Person.objects.get().surname_key == "berg"
