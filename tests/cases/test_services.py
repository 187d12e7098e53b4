"""open_case: the one case of a household."""

from __future__ import annotations

from typing import Any

import pytest

from haard.cases.models import Case, CaseMember, CaseStatus
from haard.cases.services import open_case
from haard.registry.models import Household
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_new_case_for_a_household_without_one(team: Any) -> None:
    household = HouseholdFactory()
    victim, child = PersonFactory(), PersonFactory()
    case = open_case(household=household, owning_team=team, members=[(victim, "victim"), (child, "child")])
    assert case.reference.startswith("VT-")
    assert case.municipality == household.address.municipality
    assert case.lead_organisation == team.organisation
    assert set(case.members.values_list("person_id", "role")) == {(victim.pk, "victim"), (child.pk, "child")}


def test_the_open_case_is_reused_and_members_are_not_doubled(team: Any) -> None:
    household = HouseholdFactory()
    victim, suspect = PersonFactory(), PersonFactory()
    first = open_case(household=household, owning_team=team, members=[(victim, "victim")])
    again = open_case(
        household=household, owning_team=team, members=[(victim, "victim"), (suspect, "suspect")]
    )
    assert again == first
    assert CaseMember.objects.filter(case=first).count() == 2


def test_a_closed_case_is_not_reopened(team: Any) -> None:
    household = HouseholdFactory()
    first = open_case(household=household, owning_team=team)
    Case.objects.filter(pk=first.pk).update(status=CaseStatus.CLOSED)
    assert open_case(household=household, owning_team=team) != first


def test_bad_input_writes_nothing(team: Any) -> None:
    household = HouseholdFactory()
    with pytest.raises(ValueError, match="Unknown role"):
        open_case(household=household, owning_team=team, members=[(PersonFactory(), "neighbour")])
    with pytest.raises(ValueError, match="municipality"):
        open_case(household=Household.objects.create(name="No address"), owning_team=team)
    assert not Case.objects.exists()


def test_the_outsider_sees_no_case_opened_for_another_team(team: Any, outsider: Any) -> None:
    case = open_case(household=HouseholdFactory(), owning_team=team)
    assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
