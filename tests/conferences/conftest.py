"""The people of a conference test: the chair (who works on own_case), a colleague who works on
the case too, a participant from justice who works on no case, and the outsider."""

from __future__ import annotations

from typing import Any

import pytest

from haard.accounts.models import OrganisationType, User
from haard.cases.models import CaseParticipant
from tests.factories import OrganisationFactory, TeamFactory, make_user


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Messages are compared in their English source here."""


@pytest.fixture
def chair(case_manager: User) -> User:
    return case_manager


@pytest.fixture
def colleague(own_case: Any) -> User:
    """A Veilig Thuis safety assessor who works on own_case."""
    user = make_user(
        "safety_assessor",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
        username="beoordelaar",
    )
    CaseParticipant.objects.create(
        case=own_case, user=user, organisation=user.memberships.get().team.organisation
    )
    return user


@pytest.fixture
def police(db: None) -> User:
    """A police officer at the table who works on no case (and has no case capability)."""
    return make_user(
        "police_officer",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.POLICE)),
        username="politie",
    )
