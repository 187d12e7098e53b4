"""Fixtures of the police import: a municipality, two police organisations with an officer
each, a Veilig Thuis intake worker, and tasks that run at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from haard.accounts.models import Organisation, User
from haard.core.models import Municipality
from tests.factories import MunicipalityFactory, OrganisationFactory, TeamFactory, make_user
from tests.intake_import.helpers import MUNICIPALITY_CODE


@pytest.fixture(autouse=True)
def _import_settings(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):  # messages compared in their English source
        yield


@pytest.fixture
def municipality(db: None) -> Municipality:
    return MunicipalityFactory(code=MUNICIPALITY_CODE, name="Hoogeveen")


@pytest.fixture
def police(db: None) -> Organisation:
    return OrganisationFactory(name="Politie Drenthe", type="police")


@pytest.fixture
def other_police(db: None) -> Organisation:
    return OrganisationFactory(name="Politie Twente", type="police")


@pytest.fixture
def officer(police: Organisation) -> User:
    return make_user("police_officer", team=TeamFactory(organisation=police), username="agent")


@pytest.fixture
def other_officer(other_police: Organisation) -> User:
    return make_user("police_officer", team=TeamFactory(organisation=other_police), username="agent2")


@pytest.fixture
def vt_intake(db: None) -> User:
    return make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(name="Veilig Thuis", type="veilig_thuis")),
        username="vt-intake",
    )


@pytest.fixture
def signed_in(signed_in: Callable[[User], Client], settings: Any) -> Callable[[User], Client]:
    """Signed-in clients that ask for English, so that messages compare with their source."""

    def make(user: User) -> Client:
        client = signed_in(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
