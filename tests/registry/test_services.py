"""Addresses in any spelling become one; people are registered only with valid fields."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from haard.registry.models import Address, Person
from haard.registry.services import (
    find_or_create_address,
    find_person_by_bsn,
    parse_house_number,
    register_person,
)
from tests.conftest import sign_in
from tests.factories import MunicipalityFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", (12, "", "")),
        ("12a", (12, "A", "")),
        ("12 A", (12, "A", "")),
        ("12-a", (12, "A", "")),
        ("12a-2", (12, "A", "2")),
        ("12 bis", (12, "", "BIS")),
        ("7 / 3", (7, "", "3")),
    ],
)
def test_house_numbers_are_parsed(raw: str, expected: tuple[int, str, str]) -> None:
    parsed = parse_house_number(raw)
    assert (parsed.number, parsed.letter, parsed.addition) == expected


@pytest.mark.parametrize("raw", ["", "a12", "0", "12ab-cdefg", "twaalf"])
def test_bad_house_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_house_number(raw)


def test_the_same_address_in_different_spellings_is_one_row() -> None:
    municipality = MunicipalityFactory()
    first = find_or_create_address(
        postcode="1234 ab",
        house_number=12,
        house_letter="a",
        street="Dorpstraat",
        town="Haard",
        municipality=municipality,
    )
    again = find_or_create_address(
        postcode="1234AB",
        house_number=12,
        house_letter="A",
        street="Dorpsstraat",
        town="HAARD",
        municipality=municipality,
    )
    assert first == again
    assert Address.objects.count() == 1
    assert again.street == "Dorpstraat"  # never overwritten by another spelling


def test_a_new_address_needs_its_fields_and_a_valid_postcode() -> None:
    with pytest.raises(ValidationError) as error:
        find_or_create_address(postcode="1234AB", house_number=1)
    assert {"street", "town", "municipality"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        find_or_create_address(
            postcode="0123AB", house_number=1, street="X", town="Y", municipality=MunicipalityFactory()
        )
    assert not Address.objects.exists()


def test_register_person_checks_every_field_and_keeps_the_bsn_protected() -> None:
    with pytest.raises(ValidationError) as error:
        register_person(
            first_names="Jan", surname=" ", bsn="123456789", birth_date=date.today() + timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"surname", "bsn", "birth_date"}
    person = register_person(
        first_names=" Jan  Piet ", surname_prefix="Van  der", surname="Berg", bsn="999990019"
    )
    assert person.first_names == "Jan Piet"
    assert person.surname_prefix == "van der"
    assert "999990019" not in person.bsn_encrypted
    assert find_person_by_bsn("9999.90.019") == person
    with pytest.raises(ValidationError) as error:
        register_person(first_names="Ander", surname="Mens", bsn="999990019")
    assert "bsn" in error.value.message_dict
    assert Person.objects.count() == 1


def test_outsider_cannot_open_a_registered_person(outsider) -> None:
    person = register_person(first_names="Jan", surname="Berg")
    response = sign_in(Client(), outsider).get(reverse("registry:person_detail", args=[person.pk]))
    assert response.status_code == 404
    intake = make_user("intake_worker")
    assert (
        sign_in(Client(), intake).get(reverse("registry:person_detail", args=[person.pk])).status_code == 200
    )
