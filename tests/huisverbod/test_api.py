"""The API: police systems register orders (a token with the write scope), the mayor's office
reads its deadlines; problem details name the field; outsiders get nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.huisverbod import risk
from haard.huisverbod.models import HelpTask, RestrainingOrder
from tests.conftest import sign_in
from tests.factories import make_user
from tests.huisverbod.helpers import impose

pytestmark = pytest.mark.django_db
URL = "/api/v1/restraining-orders/"


def _body(region: Any, **overrides: Any) -> dict[str, Any]:
    instrument = risk.active_instrument()
    assert instrument is not None
    now = timezone.now().isoformat()
    body: dict[str, Any] = {
        "municipality": region.municipality.code,
        "address": {"postcode": region.address.postcode, "house_number": str(region.address.house_number)},
        "barred_person": {"first_names": "Kees", "surname": "Bakker", "birth_date": "1985-03-01"},
        "contact_ban": [
            {"first_names": "Anna", "surname": "Bakker", "role": "victim"},
            {"first_names": "Lotte", "surname": "Bakker", "birth_date": "2016-02-02", "role": "child"},
        ],
        "imposed_at": now,
        "form": "oral",
        "facts": "Mishandeling.",
        "risk": {s.key: "green" for p in instrument.parts.all() for s in p.signs.all()},
        "vt_consulted_at": now,
        "vt_consultation": "Veilig Thuis geraadpleegd.",
    }
    body.update(overrides)
    return body


def _token_client(region: Any, scopes: list[str]) -> Client:
    api_client = ApiClient.objects.create(
        name="Politiesysteem", organisation=region.organisations["police"], user=region.police, scopes=scopes
    )
    token = issue_api_token(client=api_client)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_police_system_registers_an_order(region: Any) -> None:
    client = _token_client(region, ["restraining-orders:write", "restraining-orders:read"])
    response = client.post(URL, json.dumps(_body(region)), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    order = RestrainingOrder.objects.get(pk=data["id"])
    assert data["imposed_as"] == "mandate" and data["mandate_decision"] == "MB-2026-17"
    assert HelpTask.objects.filter(order=order).count() == 3
    assert {d["kind"] for d in data["deadlines"]} >= {"whereabouts", "written_decision", "order_end"}
    assert all(d["rule"] and d["setting"] for d in data["deadlines"])


def test_the_write_scope_is_needed(region: Any) -> None:
    client = _token_client(region, ["restraining-orders:read"])
    response = client.post(URL, json.dumps(_body(region)), content_type="application/json")
    assert response.status_code == 403 and RestrainingOrder.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vt_consulted_at": None}, "vt_consulted_at"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"risk": {}}, "risk"),
        (
            {
                "contact_ban": [
                    {"first_names": "Kees", "surname": "Bakker", "birth_date": "1985-03-01", "role": "victim"}
                ]
            },
            "banned",
        ),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(region: Any, change: dict[str, Any], field: str) -> None:
    client = _token_client(region, ["restraining-orders:write"])
    response = client.post(URL, json.dumps(_body(region, **change)), content_type="application/json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(field)
    assert RestrainingOrder.objects.count() == 0 and HelpTask.objects.count() == 0


def test_an_officer_without_mandate_is_refused(region: Any) -> None:
    client = sign_in(Client(), region.unmandated_police)
    response = client.post(URL, json.dumps(_body(region)), content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"].startswith("mandate")


def test_the_mayors_office_reads_its_deadlines(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, form="oral")
    frozen(datetime(2026, 11, 22, 9, 0))
    response = sign_in(Client(), region.mayor).get(URL + "deadlines")
    assert response.status_code == 200
    kinds = [(d["order_reference"], d["kind"]) for d in response.json()]
    assert kinds == [
        (order.reference, "whereabouts"),
        (order.reference, "written_decision"),
        (order.reference, "hearing"),
    ]
    assert response.json()[0]["rule"].startswith("24 hours after imposition")


def test_outsiders_read_nothing(region: Any) -> None:
    order = impose(region)
    outsider = make_user("mayors_office")
    client = sign_in(Client(), outsider)
    assert client.get(URL + "deadlines").json() == []
    assert client.get(f"{URL}{order.pk}").status_code == 404
    assert sign_in(Client(), make_user("case_manager")).get(URL + "deadlines").status_code == 403
