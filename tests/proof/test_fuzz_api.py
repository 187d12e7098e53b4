"""Fuzzing the API from its own OpenAPI document (schemathesis, in-process through the WSGI
application, against the test database).

Every operation gets a bounded, deterministic set of generated requests (`EXAMPLES` each, a
fixed seed), sent as a partner system with every scope acting for a Veilig Thuis safety
assessor (broad rights), and as one acting for an outsider. Whatever is generated: no server
error; every 4xx answer is a problem-details document (RFC 9457, application/problem+json)
that carries no stack trace and nothing of a person the caller may not see; a 2xx answer to
the outsider holds nothing of the people in the world."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from haard.accounts.models import ApiClient, ApiScope
from haard.accounts.services import issue_api_token
from haard.api.urls import api
from tests.factories import OrganisationFactory, make_case
from tests.intake.factories import make_report, veilig_thuis_user

pytestmark = pytest.mark.django_db

EXAMPLES = 20

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.location = "/api/v1/openapi.json"


def _token(user: Any) -> str:
    client = ApiClient.objects.create(
        name=f"Fuzz {user.username}",
        organisation=OrganisationFactory(),
        user=user,
        scopes=[scope.value for scope in ApiScope],
    )
    return issue_api_token(client=client)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; on PostgreSQL that
    would close the test's own transaction. Django's test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(team: Any, case_manager: Any, outsider: Any) -> dict[str, Any]:
    """A world to find (a case and a report about its people) and the two callers' tokens."""
    case = make_case(team=team, people=3, participants=[case_manager], reference="T-FUZZ")
    people = [member.person for member in case.members.all()]
    assessor = veilig_thuis_user("safety_assessor")
    make_report(actor=assessor, people=people[:2])
    return {
        "broad": _token(assessor),
        "outsider": _token(outsider),
        "names": [person.first_names for person in people],
    }


def _problems(case: Any, response: Any, *, caller: str, names: list[str]) -> list[str]:
    where = f"{case.method} {case.formatted_path} as {caller} -> {response.status_code}"
    body = response.text if hasattr(response, "text") else response.content.decode(errors="replace")
    problems = []
    if response.status_code >= 500:
        problems.append(f"{where}: server error")
    if "Traceback" in body or 'File "' in body:
        problems.append(f"{where}: a stack trace in the answer")
    # 405 for a method the document does not list (schemathesis also sends TRACE and the like)
    # comes from the URL router before the API, as Django's plain answer.
    if 400 <= response.status_code < 500 and response.status_code != 405:
        content_type = (response.headers.get("content-type") or [""])[0]
        if not content_type.startswith("application/problem+json"):
            problems.append(f"{where}: an error as {content_type!r}, not problem+json")
        else:
            document = json.loads(body)
            if document.get("status") != response.status_code or not document.get("title"):
                problems.append(f"{where}: a problem document without its status and title")
        if any(name in body for name in names):
            problems.append(f"{where}: an error that names a person")
    if caller == "outsider" and response.status_code < 300 and any(name in body for name in names):
        problems.append(f"{where}: the outsider is shown a person")
    return problems


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_cleanly(case: Any, callers: dict[str, Any]) -> None:
    problems = []
    for caller in ("broad", "outsider"):
        response = case.call(headers={"Authorization": f"Bearer {callers[caller]}"})
        problems += _problems(case, response, caller=caller, names=callers["names"])
    assert not problems, "\n".join(problems)
