"""The case API: reads and writes with the pages' access rules and logging; problem details
that name the field; a stale plan version gives 409."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.audit.models import AccessLogEntry
from haard.cases import services
from haard.cases.models import FollowUpCheck, Goal, SafetyPlanVersion
from tests.cases.helpers import closed_case
from tests.conftest import sign_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _call(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(
        method, url, json.dumps(body) if body is not None else "", content_type="application/json"
    )


def _plan(
    owner: Any,
    *,
    base: int,
    description: str = "Moeder belt 112",
    deadline: Any = None,
    owner_id: Any = "same",
) -> dict[str, Any]:
    return {
        "base_version": base,
        "measures": [
            {
                "term": "today",
                "description": description,
                "owner_id": owner.pk if owner_id == "same" else owner_id,
                "deadline": (deadline or timezone.localdate()).isoformat(),
            }
        ],
    }


def test_plan_round_trip_and_conflict(own_case: Any, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    url = f"/api/v1/cases/{own_case.pk}/plan"
    assert _call(client, "GET", url).json()["version"] == 0
    saved = _call(client, "PUT", url, _plan(case_manager, base=0))
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert _call(client, "PUT", url, _plan(case_manager, base=1, description="Tweede")).json()["version"] == 2
    stale = _call(client, "PUT", url, _plan(case_manager, base=1, description="Verouderd"))
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    assert stale.json()["detail"].startswith("base_version:")
    assert SafetyPlanVersion.objects.filter(plan__case=own_case).count() == 2
    assert (
        _call(client, "GET", f"/api/v1/cases/{own_case.pk}/plan/versions/1").json()["measures"][0][
            "description"
        ]
        == "Moeder belt 112"
    )
    entry = AccessLogEntry.objects.filter(user=case_manager).latest("id")
    assert entry.subjects.count() == own_case.members.count()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda cm, case: _plan(cm, base=0, owner_id=None), "measures[0].owner"),
        (
            lambda cm, case: _plan(cm, base=0, deadline=case.opened_on - timedelta(days=1)),
            "measures[0].deadline",
        ),
        (lambda cm, case: {"base_version": 0, "measures": []}, "measures"),
    ],
)
def test_bad_plans_name_the_field(own_case: Any, case_manager: Any, body: Any, field: str) -> None:
    response = _call(
        sign_in(Client(), case_manager),
        "PUT",
        f"/api/v1/cases/{own_case.pk}/plan",
        body(case_manager, own_case),
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")
    assert not SafetyPlanVersion.objects.exists()


def test_goals_and_bad_goals(own_case: Any, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    url = f"/api/v1/cases/{own_case.pk}/goals"
    today = timezone.localdate()
    no_owner = _call(
        client, "POST", url, {"domain": "housing", "description": "Woning", "due_on": today.isoformat()}
    )
    assert no_owner.status_code == 422 and no_owner.json()["detail"].startswith("owner:")
    reversed_dates = _call(
        client,
        "POST",
        url,
        {
            "domain": "housing",
            "description": "Woning",
            "owner_id": case_manager.pk,
            "starts_on": today.isoformat(),
            "due_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert reversed_dates.status_code == 422 and reversed_dates.json()["detail"].startswith("due_on:")
    created = _call(
        client,
        "POST",
        url,
        {
            "domain": "housing",
            "description": "Woning",
            "owner_id": case_manager.pk,
            "due_on": today.isoformat(),
        },
    )
    assert created.status_code == 201
    goal_id = created.json()["id"]
    assert _call(client, "PATCH", f"{url}/{goal_id}", {"status": "done"}).json()["status"] == "done"
    assert [g["id"] for g in _call(client, "GET", url).json()] == [goal_id]


def test_closing_and_follow_ups_through_the_api(own_case: Any, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    bad = _call(client, "POST", f"/api/v1/cases/{own_case.pk}/status", {"status": "closed", "reason": " "})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("reason:")
    closed = _call(
        client,
        "POST",
        f"/api/v1/cases/{own_case.pk}/status",
        {"status": "closed", "reason": "Doelen bereikt"},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    checks = _call(client, "GET", f"/api/v1/cases/{own_case.pk}/follow-ups").json()
    assert [c["months_after_closure"] for c in checks] == [3, 6, 12]
    url = f"/api/v1/cases/{own_case.pk}/follow-ups/{checks[0]['id']}"
    missing = _call(client, "POST", url, {"notes": "x"})
    assert missing.status_code == 422 and missing.json()["detail"].startswith("family_safe:")
    assert _call(client, "POST", url, {"family_safe": True}).json()["status"] == "done"


def test_participants_through_the_api(own_case: Any, case_manager: Any) -> None:
    from tests.factories import make_user

    partner = make_user("case_manager")
    client = sign_in(Client(), case_manager)
    added = _call(client, "POST", f"/api/v1/cases/{own_case.pk}/participants", {"user_id": partner.pk})
    assert added.status_code == 201
    again = _call(client, "POST", f"/api/v1/cases/{own_case.pk}/participants", {"user_id": partner.pk})
    assert again.status_code == 422 and again.json()["detail"].startswith("user:")
    left = _call(client, "POST", f"/api/v1/cases/{own_case.pk}/participants/{added.json()['id']}/leave")
    assert left.status_code == 200
    assert _call(sign_in(Client(), partner), "GET", f"/api/v1/cases/{own_case.pk}").status_code == 404


def test_the_outsider_reads_and_writes_nothing(own_case: Any, case_manager: Any, outsider: Any) -> None:
    closed = closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=100))
    goal = services.add_goal(
        actor=case_manager,
        case=closed,
        domain="safety",
        description="x",
        owner=case_manager,
        due_on=timezone.localdate(),
        starts_on=closed.opened_on,
    )
    check = FollowUpCheck.objects.filter(case=closed).first()
    calls = [
        ("GET", f"/api/v1/cases/{closed.pk}/plan", None),
        ("PUT", f"/api/v1/cases/{closed.pk}/plan", _plan(outsider, base=0)),
        ("GET", f"/api/v1/cases/{closed.pk}/goals", None),
        (
            "POST",
            f"/api/v1/cases/{closed.pk}/goals",
            {"domain": "safety", "description": "x", "owner_id": outsider.pk},
        ),
        ("PATCH", f"/api/v1/cases/{closed.pk}/goals/{goal.pk}", {"status": "dropped"}),
        ("GET", f"/api/v1/cases/{closed.pk}/follow-ups", None),
        ("POST", f"/api/v1/cases/{closed.pk}/follow-ups/{check.pk}", {"family_safe": True}),
        ("POST", f"/api/v1/cases/{closed.pk}/status", {"status": "open", "reason": "x"}),
        ("POST", f"/api/v1/cases/{closed.pk}/participants", {"user_id": outsider.pk}),
    ]
    session = sign_in(Client(), outsider)
    # A partner system of the outsider's organisation with every scope still sees nothing.
    api_client = ApiClient.objects.create(
        name="Extern", organisation=OrganisationFactory(), user=outsider, scopes=["cases:read", "cases:write"]
    )
    token = issue_api_token(client=api_client)
    for method, url, body in calls:
        assert _call(session, method, url, body).status_code == 404, url
        response = Client().generic(
            method,
            url,
            json.dumps(body) if body else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 404, url
    assert not AccessLogEntry.objects.filter(user=outsider).exists()
    goal.refresh_from_db()
    assert goal.status == "open" and Goal.objects.count() == 1


def test_a_client_without_the_write_scope_cannot_write(own_case: Any, case_manager: Any) -> None:
    api_client = ApiClient.objects.create(
        name="Lezer", organisation=OrganisationFactory(), user=case_manager, scopes=["cases:read"]
    )
    token = issue_api_token(client=api_client)
    response = Client().generic(
        "PUT",
        f"/api/v1/cases/{own_case.pk}/plan",
        json.dumps(_plan(case_manager, base=0)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
