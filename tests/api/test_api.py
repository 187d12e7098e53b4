"""The API shell: OpenAPI 3.1, token authentication, scopes, problem details on bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haard.accounts.models import ApiClient, ApiToken
from haard.accounts.services import issue_api_token, revoke_api_token
from haard.audit.models import AccessLogEntry
from tests.factories import OrganisationFactory, TeamFactory, make_case, make_user

pytestmark = pytest.mark.django_db


def _client_for(user: Any, scopes: list[str]) -> tuple[ApiClient, str]:
    api_client = ApiClient.objects.create(
        name=f"Systeem {user.username}", organisation=OrganisationFactory(), user=user, scopes=scopes
    )
    return api_client, issue_api_token(client=api_client)


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance"} <= body.keys()
    assert "Traceback" not in response.content.decode()
    return body


def test_openapi_document_is_3_1_and_docs_are_reachable(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/cases/{case_id}" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 302
    page = client.get(docs["Location"])
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page.content.decode()  # served here, no CDN


def test_token_client_reads_its_cases_and_the_access_is_logged_under_its_name() -> None:
    team = TeamFactory()
    user = make_user("case_manager", team=team)
    case = make_case(team=team, people=2)
    api_client, token = _client_for(user, ["cases:read"])
    response = Client().get(f"/api/v1/cases/{case.pk}", **_bearer(token))
    assert response.status_code == 200
    assert response.json()["reference"] == case.reference
    entry = AccessLogEntry.objects.latest("id")
    assert entry.api_client_name == api_client.name
    assert entry.subjects.count() == 2
    assert ApiToken.objects.get().last_used_at is not None


def test_last_use_of_a_token_is_written_at_most_once_a_minute(frozen: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    team = TeamFactory()
    user = make_user("case_manager", team=team)
    case = make_case(team=team)
    _, token = _client_for(user, ["cases:read"])
    start = frozen(timezone.now())
    assert Client().get(f"/api/v1/cases/{case.pk}", **_bearer(token)).status_code == 200
    assert ApiToken.objects.get().last_used_at == start
    frozen(start + timedelta(seconds=59))
    assert Client().get(f"/api/v1/cases/{case.pk}", **_bearer(token)).status_code == 200
    assert ApiToken.objects.get().last_used_at == start
    frozen(start + timedelta(seconds=60))
    assert Client().get(f"/api/v1/cases/{case.pk}", **_bearer(token)).status_code == 200
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=60)


def test_missing_scope_is_forbidden() -> None:
    team = TeamFactory()
    user = make_user("case_manager", team=team)
    case = make_case(team=team)
    _, token = _client_for(user, ["people:read"])
    body = _assert_problem(Client().get(f"/api/v1/cases/{case.pk}", **_bearer(token)), 403)
    assert "cases:read" in body["detail"]
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("token", ["", "nonsense", "hrd_" + "x" * 43, "x" * 500])
def test_unknown_tokens_are_refused(token: str) -> None:
    _assert_problem(Client().get("/api/v1/me", **_bearer(token)), 401)


def test_revoked_and_expired_tokens_are_refused() -> None:
    user = make_user("case_manager")
    api_client, token = _client_for(user, ["cases:read"])
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 200
    revoke_api_token(token=ApiToken.objects.get(client=api_client))
    _assert_problem(Client().get("/api/v1/me", **_bearer(token)), 401)

    other = issue_api_token(client=api_client)
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now())
    _assert_problem(Client().get("/api/v1/me", **_bearer(other)), 401)


def test_inactive_client_is_refused() -> None:
    api_client, token = _client_for(make_user("case_manager"), ["cases:read"])
    ApiClient.objects.filter(pk=api_client.pk).update(active=False)
    _assert_problem(Client().get("/api/v1/me", **_bearer(token)), 401)


def test_session_without_verified_second_factor_is_refused(client: Client) -> None:
    user = make_user("case_manager")
    client.force_login(user, backend="haard.accounts.backends.MembershipBackend")
    _assert_problem(client.get("/api/v1/cases/"), 401)


def test_malformed_json_gets_a_problem_and_changes_nothing() -> None:
    user = make_user("intake_worker")
    _, token = _client_for(user, ["people:read"])
    before = AccessLogEntry.objects.count()
    response = Client().post(
        "/api/v1/people/search", "{not json", content_type="application/json", **_bearer(token)
    )
    assert response.status_code in (400, 422)
    _assert_problem(response, response.status_code)
    assert AccessLogEntry.objects.count() == before


def test_invalid_field_names_the_field_without_echoing_the_value() -> None:
    _, token = _client_for(make_user("intake_worker"), ["people:read"])
    response = Client().post(
        "/api/v1/people/search", {"bsn": "123456789"}, content_type="application/json", **_bearer(token)
    )
    body = _assert_problem(response, 422)
    assert body["detail"].startswith("bsn:")
    assert "123456789" not in response.content.decode()

    response = Client().post(
        "/api/v1/people/search", {"name": "x" * 500}, content_type="application/json", **_bearer(token)
    )
    body = _assert_problem(response, 422)
    assert body["errors"][0]["field"].endswith("name")
    assert "xxxxx" not in response.content.decode()


def test_oversized_request_is_refused(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _, token = _client_for(make_user("intake_worker"), ["people:read"])
    response = Client().post(
        "/api/v1/people/search", {"name": "a" * 5000}, content_type="application/json", **_bearer(token)
    )
    _assert_problem(response, 413)


def test_unknown_id_and_invisible_id_look_the_same() -> None:
    user = make_user("case_manager")
    _, token = _client_for(user, ["cases:read"])
    hidden = make_case(team=TeamFactory())
    missing = Client().get("/api/v1/cases/999999", **_bearer(token))
    invisible = Client().get(f"/api/v1/cases/{hidden.pk}", **_bearer(token))
    assert _assert_problem(missing, 404)["detail"] == _assert_problem(invisible, 404)["detail"]


def test_search_for_a_person_you_may_not_see_returns_nothing() -> None:
    # The bug class where search endpoints forget the access rules.
    case = make_case(team=TeamFactory(), people=1)
    person = case.members.get().person
    user = make_user("case_manager")  # sees cases through relations, does not search the region
    _, token = _client_for(user, ["people:read", "cases:read"])
    response = Client().get(f"/api/v1/people/?q={person.surname}", **_bearer(token))
    assert response.status_code == 403
    assert person.surname not in response.content.decode()
    listing = Client().get("/api/v1/cases/", **_bearer(token))
    assert listing.json() == []


def test_bsn_search_finds_through_the_keyed_hash_only() -> None:
    case = make_case(team=TeamFactory(), people=1)
    person = case.members.get().person
    person.set_bsn("999990019")
    person.save()
    assert "999990019" not in person.bsn_encrypted
    _, token = _client_for(make_user("intake_worker"), ["people:read"])
    response = Client().post(
        "/api/v1/people/search", {"bsn": "9999 90 019"}, content_type="application/json", **_bearer(token)
    )
    assert [p["id"] for p in response.json()] == [person.pk]
    assert AccessLogEntry.objects.latest("id").query == "[bsn]"


def test_case_list_pages_and_a_page_past_the_end_shows_and_logs_nothing() -> None:
    team = TeamFactory()
    user = make_user("case_manager", team=team)
    for _ in range(3):
        make_case(team=team)
    _, token = _client_for(user, ["cases:read"])
    assert len(Client().get("/api/v1/cases/?page=1", **_bearer(token)).json()) == 3
    before = AccessLogEntry.objects.count()
    assert Client().get("/api/v1/cases/?page=2", **_bearer(token)).json() == []
    assert AccessLogEntry.objects.count() == before
    _assert_problem(Client().get("/api/v1/cases/?page=0", **_bearer(token)), 422)
