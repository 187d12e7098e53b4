"""The assessment API: the same rules as the pages, problem details naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from haard.accounts.models import OrganisationType
from haard.audit.models import AccessLogEntry
from haard.triage.models import AssessmentStatus, HandOver, HandOverStatus
from tests.conftest import sign_in
from tests.factories import OrganisationFactory
from tests.triage.factories import acute, assessed_report, assessor, family, none_found, social_team_worker

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Any:
    from django.test import Client

    return sign_in(Client(), user)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_record_finish_confirm_route_and_accept_through_the_api() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    first, second = assessor(), assessor()
    client = _client(first)
    listed = client.get("/api/v1/assessments/?show=due")
    assert listed.status_code == 200
    assert [row["reference"] for row in listed.json()] == [assessment.reference]
    assert listed.json()[0]["clock"]["running"] is True

    base = f"/api/v1/assessments/{assessment.pk}"
    codes = {item.code: item.options.first().code for item in assessment.instrument.items.all()}
    bad = _post(client, f"{base}/answers", {"answers": {"acute-danger": "maybe"}})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["detail"].startswith("answers.acute-danger:")
    early = _post(client, f"{base}/route", {"route": "close", "reason": "x"})
    assert early.status_code == 422 and early.json()["detail"].startswith("route:")

    done = _post(client, f"{base}/answers", {"answers": {**codes, "acute-danger": "yes"}, "complete": True})
    assert done.status_code == 200, done.content
    assert (
        done.json()["outcome"] == "acute" and done.json()["status"] == AssessmentStatus.AWAITING_CONFIRMATION
    )
    assert "danger now" in done.json()["rule"]
    same = _post(client, f"{base}/confirm", {"agree": True})
    assert same.status_code == 422 and same.json()["detail"].startswith("second_assessor:")
    assert (
        _post(_client(second), f"{base}/confirm", {"agree": True}).json()["second_assessor_id"] == second.pk
    )

    inactive = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM, active=False)
    route = {"route": "handover", "reason": "Wijkteam", "target": "social_team"}
    gone = _post(client, f"{base}/route", {**route, "receiving_organisation_id": 999_999})
    assert (
        gone.json()["detail"].startswith("receiving_organisation:")
        and "does not exist" in gone.json()["detail"]
    )
    off = _post(client, f"{base}/route", {**route, "receiving_organisation_id": inactive.pk})
    assert off.status_code == 422 and "not active" in off.json()["detail"]
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    routed = _post(client, f"{base}/route", {**route, "receiving_organisation_id": social.pk})
    assert routed.status_code == 200 and routed.json()["case_id"]

    worker = social_team_worker(social)
    inbox = _client(worker).get("/api/v1/assessments/handovers/")
    assert [h["assessment_reference"] for h in inbox.json()] == [assessment.reference]
    assert "notes" not in inbox.json()[0] and "answers" not in inbox.json()[0]
    handover = HandOver.objects.get()
    refused = _post(_client(worker), f"/api/v1/assessments/handovers/{handover.pk}/refuse", {})
    assert refused.status_code == 422 and refused.json()["detail"].startswith("reason:")
    accepted = _post(_client(worker), f"/api/v1/assessments/handovers/{handover.pk}/accept", {})
    assert accepted.status_code == 200 and accepted.json()["status"] == HandOverStatus.ACCEPTED


def test_outsiders_get_nothing(outsider: Any) -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    first = assessor()
    none_found(assessment, first)
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    client = _client(first)
    _post(
        client,
        f"/api/v1/assessments/{assessment.pk}/route",
        {"route": "handover", "reason": "x", "target": "social_team", "receiving_organisation_id": social.pk},
    )
    handover = HandOver.objects.get()
    for user in (outsider, social_team_worker()):
        other = _client(user)
        assert other.get(f"/api/v1/assessments/{assessment.pk}").status_code in (403, 404)
        assert other.get("/api/v1/assessments/").status_code == 403
        assert _post(other, f"/api/v1/assessments/{assessment.pk}/confirm", {}).status_code in (403, 404)
        assert other.get(f"/api/v1/assessments/handovers/{handover.pk}").status_code == 404
        assert _post(other, f"/api/v1/assessments/handovers/{handover.pk}/accept", {}).status_code == 404
        assert other.get("/api/v1/assessments/handovers/").json() == []
    handover.refresh_from_db()
    assert handover.status == HandOverStatus.PROPOSED
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()


@pytest.mark.parametrize("count", [2, 8])
def test_api_query_counts_do_not_grow(count: int, django_assert_max_num_queries: Any) -> None:
    first = assessor()
    for _ in range(count):
        household, people = family(3)
        _r, assessment = assessed_report(people=people, household=household)
        acute(assessment, first)
    client = _client(first)
    client.get("/api/v1/me")
    with django_assert_max_num_queries(24):
        assert client.get("/api/v1/assessments/?show=all").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/api/v1/assessments/{assessment.pk}").status_code == 200
