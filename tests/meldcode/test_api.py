"""The meldcode API: partner systems send records (and with them reports) and read their
records with Veilig Thuis' feedback; bad input is refused with the field named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.audit.models import AccessLogEntry
from haard.intake.models import Report
from haard.meldcode import services
from haard.meldcode.models import MeldcodeRecord
from tests.conftest import sign_in
from tests.meldcode.factories import (
    home_municipality,
    make_professional,
    make_vt_staff,
    membership_of,
    record_at,
    reported,
)

pytestmark = pytest.mark.django_db


def _token_client(user: Any, scopes: list[str]) -> Client:
    api_client = ApiClient.objects.create(
        name=f"Leerlingvolgsysteem {user.pk}-{ApiClient.objects.count()}",
        organisation=membership_of(user).team.organisation,
        user=user,
        scopes=scopes,
    )
    token = issue_api_token(client=api_client)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _body(place: Any, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "municipality": place.code,
        "concern": "Kind vertelt over ruzies",
        "address": {"postcode": "7901 AB", "house_number": "5", "street": "Hoofdstraat", "town": "Hoogeveen"},
        "people": [{"first_names": "Noor", "surname": "Bakker", "role": "child_in_household"}],
        "signs": "Kind vertelt over harde ruzies.",
        "consulted_colleague": True,
        "consultation_notes": "Collega deelt de zorg.",
        "conversation_held": True,
        "conversation_notes": "Moeder bevestigt.",
        "risk": 3,
        "weighing_notes": "Structureel.",
        "answers": [{"question": 1, "answer": True}, {"question": 2, "answer": True}],
    }
    body.update(changes)
    return body


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/meldcode/records", json.dumps(body), content_type="application/json")


def test_a_partner_system_sends_a_record_that_becomes_a_report() -> None:
    professional = make_professional()
    client = _token_client(professional, ["reports:write", "reports:read"])
    response = _post(client, _body(home_municipality()))
    assert response.status_code == 201, response.content
    data = response.json()
    record = MeldcodeRecord.objects.get()
    assert data["status"] == "reported" and data["report_reference"] == record.report.reference  # type: ignore[union-attr]
    assert Report.objects.get().reporter_organisation == membership_of(professional).team.organisation
    entry = AccessLogEntry.objects.filter(user=professional).latest("id")
    assert entry.api_client_name.startswith("Leerlingvolgsysteem")
    assert set(entry.subjects.values_list("person_id", flat=True)) == set(
        record.report.people.values_list("pk", flat=True)  # type: ignore[union-attr]
    )


def test_a_record_may_stop_at_any_step() -> None:
    client = _token_client(make_professional(), ["reports:write"])
    body = _body(home_municipality())
    for key in (
        "consultation_notes",
        "conversation_held",
        "conversation_notes",
        "risk",
        "weighing_notes",
        "answers",
    ):
        body.pop(key)
    response = _post(client, body)
    assert response.status_code == 201 and response.json()["current_step"] == 2


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"consultation_notes": None}, "step: Steps cannot be skipped: step 2 is missing."),
        (
            {"answers": [{"question": 2, "answer": True}]},
            "question: Answer question 1 now; question 2 is not next.",
        ),
        ({"people": []}, "people: A report names at least one person"),
        ({"address": None}, "address: A report needs the address"),
        ({"organisation": "Nergens BV"}, "organisation: unknown organisation"),
        ({"municipality": "GM0000"}, "municipality: unknown municipality code."),
        ({"consulted_colleague": False}, "consulted_colleague: Consult a colleague"),
        ({"address": {"postcode": "123", "house_number": "5"}}, "postcode: "),
    ],
)
def test_bad_input_is_refused_with_the_field_and_leaves_nothing(changes: dict[str, Any], detail: str) -> None:
    client = _token_client(make_professional(), ["reports:write"])
    response = _post(client, _body(home_municipality(), **changes))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(detail)
    assert not MeldcodeRecord.objects.exists() and not Report.objects.exists()


def test_scopes_and_roles_are_enforced(outsider: Any) -> None:
    assert (
        _post(_token_client(make_professional(), ["reports:read"]), _body(home_municipality())).status_code
        == 403
    )
    assert (
        _token_client(make_professional(), ["people:read"]).get("/api/v1/meldcode/records").status_code == 403
    )
    response = _post(_token_client(outsider, ["reports:write"]), _body(home_municipality()))
    assert response.status_code == 403  # a case manager does not record meldcode steps
    assert Client().get("/api/v1/meldcode/records").status_code == 401
    assert not MeldcodeRecord.objects.exists()


def test_reading_own_records_and_feedback_only() -> None:
    professional = make_professional()
    record = reported(professional)
    services.give_feedback(actor=make_vt_staff(), record=record, stage="received")
    elsewhere = make_professional()
    other = record_at(elsewhere, 2)
    client = sign_in(Client(), professional)
    listed = client.get("/api/v1/meldcode/records").json()
    assert [r["reference"] for r in listed] == [record.reference]
    detail = client.get(f"/api/v1/meldcode/records/{record.pk}").json()
    assert [f["stage"] for f in detail["feedback"]] == ["received"]
    assert [a["question"] for a in detail["answers"]] == [1, 2]
    assert client.get(f"/api/v1/meldcode/records/{other.pk}").status_code == 404
    assert sign_in(Client(), elsewhere).get(f"/api/v1/meldcode/records/{record.pk}").status_code == 404
    assert client.get("/api/v1/meldcode/records?page=9").json() == []


@pytest.mark.parametrize("count", [1, 5])
def test_api_queries_do_not_grow(count: int, django_assert_max_num_queries: Any) -> None:
    professional = make_professional()
    for _ in range(count):
        reported(professional)
    client = sign_in(Client(), professional)
    with django_assert_max_num_queries(25):
        assert client.get("/api/v1/meldcode/records").status_code == 200
