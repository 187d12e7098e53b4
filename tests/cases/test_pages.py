"""Case pages: every page and every write refuses the outsider, forms show errors per field,
and the case page and work list take a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.cases import services
from haard.cases.models import CaseNote, CaseParticipant, FollowUpCheck, Goal
from tests.cases.helpers import closed_case, measure
from tests.conftest import sign_in
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(own_case: Any, case_manager: Any, team: Any) -> dict[str, Any]:
    services.save_safety_plan(
        actor=case_manager, case=own_case, base_version=0, measures=[measure(case_manager)]
    )
    goal = services.add_goal(
        actor=case_manager,
        case=own_case,
        domain="housing",
        description="Woning",
        owner=case_manager,
        due_on=timezone.localdate(),
    )
    partner = make_user("case_manager")
    participant = services.add_participant(actor=case_manager, case=own_case, user=partner)
    closed = closed_case(
        make_case(team=team, participants=[case_manager]),
        case_manager,
        on=timezone.localdate() - timedelta(days=95),
    )
    check = FollowUpCheck.objects.filter(case=closed).first()
    return {
        "case": own_case,
        "goal": goal,
        "participant": participant,
        "closed": closed,
        "check": check,
        "partner": partner,
    }


def _urls(w: dict[str, Any]) -> list[str]:
    pk = w["case"].pk
    return [
        reverse("cases:case_detail", args=[pk]),
        reverse("cases:case_status", args=[pk]),
        reverse("cases:case_lead", args=[pk]),
        reverse("cases:participant_add", args=[pk]),
        reverse("cases:participant_leave", args=[pk, w["participant"].pk]),
        reverse("cases:goal_add", args=[pk]),
        reverse("cases:goal_update", args=[pk, w["goal"].pk]),
        reverse("cases:note_add", args=[pk]),
        reverse("cases:plan_edit", args=[pk]),
        reverse("cases:plan_versions", args=[pk]),
        reverse("cases:plan_version", args=[pk, 1]),
        reverse("cases:plan_pdf", args=[pk]),
        reverse("cases:agreement_add", args=[pk]),
        reverse("cases:follow_up_record", args=[w["closed"].pk, w["check"].pk]),
    ]


def test_the_outsider_gets_nothing_from_any_page_or_write(world: dict[str, Any], outsider: Any) -> None:
    client = sign_in(Client(), outsider)
    for url in _urls(world):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(
            url, {"reason": "x", "status": "closed", "text": "x", "family_safe": "yes"}
        ).status_code in (403, 404, 405), url  # 405: pages that only show
    assert not AccessLogEntry.objects.filter(user=outsider).exists()
    assert CaseParticipant.objects.filter(pk=world["participant"].pk, left_on__isnull=True).exists()
    assert not CaseNote.objects.exists()


def test_a_role_without_cases_gets_403(world: dict[str, Any]) -> None:
    policy = make_user("policy_officer")
    client = sign_in(Client(), policy)
    for url in _urls(world):
        assert client.get(url).status_code in (403, 404), url


def test_every_page_opens_for_the_case_manager(world: dict[str, Any], case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    for url in _urls(world):
        assert client.get(url).status_code == 200, url


def test_forms_change_the_case(world: dict[str, Any], case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    pk = world["case"].pk
    today = timezone.localdate()
    response = client.post(
        reverse("cases:goal_add", args=[pk]),
        {
            "domain": "finances",
            "description": "Budgetbeheer",
            "owner": case_manager.pk,
            "starts_on": today,
            "due_on": today - timedelta(days=2),
            "visibility": "participants",
        },
    )
    assert (
        response.status_code == 200
        and "The end date lies before the start date." in response.content.decode()
    )
    response = client.post(
        reverse("cases:goal_add", args=[pk]),
        {
            "domain": "finances",
            "description": "Budgetbeheer",
            "owner": "",
            "starts_on": today,
            "due_on": today,
            "visibility": "participants",
        },
    )
    assert response.status_code == 200 and 'id="id_owner_error"' in response.content.decode()
    assert not Goal.objects.filter(description="Budgetbeheer").exists()
    assert (
        client.post(
            reverse("cases:goal_add", args=[pk]),
            {
                "domain": "finances",
                "description": "Budgetbeheer",
                "owner": case_manager.pk,
                "starts_on": today,
                "due_on": today,
                "visibility": "participants",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("cases:note_add", args=[pk]), {"text": "Gesprek gevoerd", "visibility": "participants"}
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("cases:participant_leave", args=[pk, world["participant"].pk])).status_code == 302
    )
    assert not CaseParticipant.objects.filter(pk=world["participant"].pk, left_on__isnull=True).exists()
    assert (
        client.post(
            reverse("cases:follow_up_record", args=[world["closed"].pk, world["check"].pk]),
            {"family_safe": "yes", "notes": ""},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("cases:case_status", args=[pk]), {"status": "closed", "reason": "Afgerond"}
        ).status_code
        == 302
    )
    assert FollowUpCheck.objects.filter(case=world["case"]).count() == 3


def test_a_participant_may_leave_on_their_own_and_then_sees_nothing(world: dict[str, Any]) -> None:
    partner = world["partner"]
    client = sign_in(Client(), partner)
    url = reverse("cases:participant_leave", args=[world["case"].pk, world["participant"].pk])
    assert client.post(url).status_code == 302
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_case_page_takes_a_fixed_number_of_queries(world: dict[str, Any], case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    url = reverse("cases:case_detail", args=[world["case"].pk])
    client.get(url)
    few = _queries(client, url)
    case = world["case"]
    for i in range(8):
        services.add_goal(
            actor=case_manager,
            case=case,
            domain="housing",
            description=f"Doel {i}",
            owner=case_manager,
            due_on=timezone.localdate(),
        )
        services.add_note(actor=case_manager, case=case, text=f"Notitie {i}")
    version = services.save_safety_plan(
        actor=case_manager,
        case=case,
        base_version=1,
        measures=[measure(case_manager, description=f"M{i}") for i in range(10)],
    )
    for member in case.members.all():
        services.record_agreement(actor=case_manager, version=version, person=member.person)
    assert _queries(client, url) == few
