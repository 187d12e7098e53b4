"""Name search: the start of the surname in any spelling, and on PostgreSQL names like it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from haard.accounts.models import User
from haard.registry.selectors import search_people
from tests.factories import OrganisationFactory, PersonFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram search is PostgreSQL's")


@pytest.fixture
def intake() -> User:
    return make_user("intake_worker", team=TeamFactory(organisation=OrganisationFactory(type="veilig_thuis")))


@pytest.fixture
def janssen() -> Any:
    return PersonFactory(first_names="Noor", surname_prefix="", surname="Janssen")


def test_the_start_of_the_surname_finds_the_person(intake: User, janssen: Any) -> None:
    assert list(search_people(actor=intake, query="Jans")) == [janssen]
    assert list(search_people(actor=intake, query="Jansen Noor")) == [janssen]


@on_postgresql
def test_a_misspelt_surname_finds_the_person_on_postgresql(intake: User, janssen: Any) -> None:
    PersonFactory(first_names="Piet", surname_prefix="", surname="Bakker")
    assert list(search_people(actor=intake, query="Jamssen")) == [janssen]
    assert list(search_people(actor=intake, query="Janszen Noor")) == [janssen]


@on_postgresql
def test_short_terms_are_not_fuzzy(intake: User, janssen: Any) -> None:
    assert list(search_people(actor=intake, query="Jna")) == []


def test_the_outsider_finds_nobody(outsider: User, janssen: Any) -> None:
    assert list(search_people(actor=outsider, query="Janssen")) == []
    assert list(search_people(actor=outsider, query="Jamssen")) == []
