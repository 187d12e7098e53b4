"""Reports in the API: send with bad input refused per field, read what you may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.intake.models import Report
from haard.registry.models import Person
from tests.factories import MunicipalityFactory, OrganisationFactory, PersonFactory, make_user
from tests.intake.factories import make_report, police_user, veilig_thuis_user

pytestmark = pytest.mark.django_db


def _token(user: Any, scopes: list[str]) -> dict[str, str]:
    client = ApiClient.objects.create(
        name=f"Systeem {user.username}", organisation=OrganisationFactory(), user=user, scopes=scopes
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(client=client)}"}


def _send(headers: dict[str, str], body: dict[str, Any]) -> Any:
    return Client().post("/api/v1/reports/", body, content_type="application/json", **headers)


def test_police_system_sends_a_report_with_a_new_person_and_an_address() -> None:
    municipality = MunicipalityFactory(code="GM0118")
    officer = police_user()
    headers = _token(officer, ["reports:write", "reports:read"])
    response = _send(
        headers,
        {
            "kind": "report",
            "source": "police",
            "municipality": "GM0118",
            "address": {
                "postcode": "7901 ab",
                "house_number": "3",
                "street": "Hoofdstraat",
                "town": "Hoogeveen",
            },
            "people": [{"surname": "Visser", "first_names": "Eva", "role": "victim", "bsn": "999990019"}],
            "violence_types": ["physical", "child_witnessing"],
            "initial_severity": 4,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["municipality"] == "GM0118"
    assert sorted(body["violence_types"]) == ["child_witnessing", "physical"]
    report = Report.objects.get()
    assert report.registered_by == officer and report.municipality == municipality
    assert Client().get(f"/api/v1/reports/{report.pk}", **headers).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"municipality": "GM9999"}, "municipality"),
        ({"violence_types": ["physical", "witchcraft"]}, "violence_types"),
        ({"people": [{"surname": "X", "role": "victim", "bsn": "123456789"}]}, "bsn"),
        ({"people": [{"person_id": 999999, "role": "victim"}]}, "people[0].person_id"),
        ({"address": {"postcode": "00", "house_number": "3"}}, "address"),
        ({"people": []}, "involved"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_written(change: dict[str, Any], field: str) -> None:
    MunicipalityFactory(code="GM0118")
    headers = _token(veilig_thuis_user(), ["reports:write"])
    body = {
        "kind": "report",
        "source": "phone_line",
        "municipality": "GM0118",
        "people": [{"surname": "Visser", "role": "victim"}],
        "violence_types": ["physical"],
    }
    body.update(change)
    response = _send(headers, body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"].startswith(field)
    assert not Report.objects.exists()
    assert not Person.objects.exists()


def test_source_outside_the_role_is_forbidden() -> None:
    MunicipalityFactory(code="GM0118")
    headers = _token(police_user(), ["reports:write"])
    response = _send(
        headers,
        {
            "kind": "report",
            "source": "citizen",
            "municipality": "GM0118",
            "people": [{"surname": "A", "role": "victim"}],
        },
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_outsider_reads_nothing_and_scope_is_needed() -> None:
    report = make_report(people=[PersonFactory()])
    outsider = make_user("case_manager")
    headers = _token(outsider, ["reports:read"])
    assert Client().get("/api/v1/reports/", **headers).json() == []
    assert Client().get(f"/api/v1/reports/{report.pk}", **headers).status_code == 404
    no_scope = _token(veilig_thuis_user(), ["cases:read"])
    assert Client().get(f"/api/v1/reports/{report.pk}", **no_scope).status_code == 403
