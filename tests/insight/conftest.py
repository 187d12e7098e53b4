"""Fixtures for insight tests: one municipality with two districts, each with a neighbourhood,
and the readers: Veilig Thuis staff, a police officer, a policy officer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from haard.accounts.models import Organisation, User
from haard.core.models import District, Municipality, Neighbourhood
from haard.registry.models import Address
from tests.conftest import sign_in
from tests.factories import AddressFactory, DistrictFactory, MunicipalityFactory, NeighbourhoodFactory
from tests.insight.factories import police_organisation, police_user, policy_user, vt_user


@dataclass
class Area:
    municipality: Municipality
    north: District
    south: District
    north_a: Neighbourhood
    south_a: Neighbourhood

    def address(self, neighbourhood: Neighbourhood | None = None, **fields: Any) -> Address:
        return AddressFactory(
            municipality=self.municipality, neighbourhood=neighbourhood or self.north_a, **fields
        )


@pytest.fixture
def area(db: None) -> Area:
    municipality = MunicipalityFactory(name="Hoogeveen")
    north = DistrictFactory(municipality=municipality, name="Noord")
    south = DistrictFactory(municipality=municipality, name="Zuid")
    return Area(
        municipality=municipality,
        north=north,
        south=south,
        north_a=NeighbourhoodFactory(district=north, name="Noord-A"),
        south_a=NeighbourhoodFactory(district=south, name="Zuid-A"),
    )


@pytest.fixture
def police_org(db: None) -> Organisation:
    return police_organisation()


@pytest.fixture
def vt(db: None) -> User:
    return vt_user()


@pytest.fixture
def police(police_org: Organisation) -> User:
    return police_user(police_org)


@pytest.fixture
def policy(db: None) -> User:
    return policy_user()


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A signed-in client that asks for English pages."""

    def make(user: User) -> Client:
        return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), user)

    return make
