"""The insight API operations: the same access, masking and logging as the pages, and bad
input as a 422 problem that names the field."""

from __future__ import annotations

from typing import Any

import pytest

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.audit.models import AccessLogEntry
from haard.intake.models import Severity
from tests.factories import DistrictFactory, OrganisationFactory, PersonFactory
from tests.insight.factories import days_ago, make_incident, make_report

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/insight/addresses"
RECONCILIATION = "/api/v1/insight/reconciliation"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_addresses(area: Any, vt: Any, client_for: Any) -> None:
    person = PersonFactory()
    address = area.address()
    make_incident(address=address, at=days_ago(10), severity=Severity.RED, people=[person])
    make_report(address=address, at=days_ago(300), severity=Severity.GREEN)
    body = client_for(vt).get(ADDRESSES, {"municipality": area.municipality.code}).json()
    assert body["municipality"] == area.municipality.code and body["count"] == 1
    row = body["addresses"][0]
    assert row["address"] == str(address) and row["colour"] == "red" and row["incidents"] == 2
    assert [m["colour"] for m in row["incident_colours"]] == ["red", "green"]
    assert row["repeat"] is True
    assert any("Red:" in line for line in body["colour_rule"])
    entry = AccessLogEntry.objects.filter(user=vt).latest("id")
    assert entry.path == ADDRESSES and person.pk in set(entry.subjects.values_list("person_id", flat=True))


def test_timeline_and_reconciliation(area: Any, vt: Any, client_for: Any) -> None:
    person = PersonFactory()
    address = area.address()
    incident = make_incident(address=address, at=days_ago(10), people=[person])
    report = make_report(address=address, at=days_ago(8), people=[person], police_incident=incident)
    client = client_for(vt)
    timeline = client.get(f"{ADDRESSES}/{address.pk}").json()
    assert [i["reference"] for i in timeline["items"]] == [report.reference, incident.registration_number]
    assert timeline["items"][0]["linked_incident"] == incident.registration_number
    body = client.get(RECONCILIATION, {"municipality": area.municipality.code, "show": "matched"}).json()
    assert body["counts"]["police_matched"] == 1 and body["counts"]["vt_only"] == 0
    assert body["rows"][0]["matched_by"] == ["linked", "same person", "same address"]
    assert body["rows"][0]["people"] == [person.pk]


def test_secret_address_masked_for_the_police(
    area: Any, police: Any, police_org: Any, client_for: Any
) -> None:
    address = area.address(street="Stillestraat")
    make_incident(
        address=address, at=days_ago(3), people=[PersonFactory(secret_address=True)], organisation=police_org
    )
    client = client_for(police)
    for url in (ADDRESSES + f"?municipality={area.municipality.code}", f"{ADDRESSES}/{address.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Stillestraat" not in response.content.decode()
        assert '"secret_address_masked": true' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "GM0000"}, "query.municipality"),
        ({}, "query.municipality"),
        ({"since": "2025-06-01", "until": "2025-01-01"}, "query.since"),
        ({"since": "31-02-2025"}, "query.since"),
        ({"until": "yesterday"}, "query.until"),
        ({"since": "0001-01-01", "until": "0001-01-02"}, "query.since"),
        ({"until": "9999-12-31"}, "query.until"),
        ({"sort": "alphabet"}, "query.sort"),
        ({"source": "rumour"}, "query.source"),
        ({"violence_type": "nope"}, "query.violence_type"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    params: dict[str, str], field: str, area: Any, vt: Any, client_for: Any
) -> None:
    query = {"municipality": area.municipality.code, **params} if params else {}
    body = _problem(client_for(vt).get(ADDRESSES, query), 422)
    assert field in [e["field"] for e in body["errors"]]
    assert not AccessLogEntry.objects.filter(user=vt).exists()


def test_a_district_elsewhere_is_a_problem(area: Any, vt: Any, client_for: Any) -> None:
    body = _problem(
        client_for(vt).get(
            ADDRESSES, {"municipality": area.municipality.code, "district": DistrictFactory().code}
        ),
        422,
    )
    assert body["errors"] == [
        {"field": "query.district", "message": "This municipality has no district with this code."}
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "GM0000"}, "query.municipality"),
        ({"since": "2025-06-01", "until": "2025-01-01"}, "query.since"),
        ({"since": "not a date"}, "query.since"),
        ({"show": "everything"}, "query.show"),
    ],
)
def test_bad_reconciliation_input(
    params: dict[str, str], field: str, area: Any, vt: Any, client_for: Any
) -> None:
    body = _problem(
        client_for(vt).get(RECONCILIATION, {"municipality": area.municipality.code, **params}), 422
    )
    assert field in [e["field"] for e in body["errors"]]
    for path in ("/api/v1/insight/reconciliation/figures", "/api/v1/insight/addresses/figures"):
        if "show" not in params:
            assert field in [
                e["field"]
                for e in _problem(
                    client_for(vt).get(path, {"municipality": area.municipality.code, **params}), 422
                )["errors"]
            ]


def test_figures_only_and_scopes(area: Any, policy: Any, vt: Any, client_for: Any) -> None:
    make_incident(address=area.address(), at=days_ago(3))
    body = _problem(client_for(policy).get(ADDRESSES, {"municipality": area.municipality.code}), 403)
    assert "figures" in body["detail"]
    client = ApiClient.objects.create(
        name="Rapportage", organisation=OrganisationFactory(), user=vt, scopes=["cases:read"]
    )
    token = issue_api_token(client=client)
    from django.test import Client

    response = Client().get(
        ADDRESSES, {"municipality": area.municipality.code}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    _problem(response, 403)


def test_an_address_nobody_may_see_is_not_found(area: Any, outsider: Any, client_for: Any) -> None:
    address = area.address()
    make_report(address=address, at=days_ago(3))
    _problem(client_for(outsider).get(f"{ADDRESSES}/{address.pk}"), 404)
    _problem(client_for(outsider).get(f"{ADDRESSES}/999999"), 404)
    assert not AccessLogEntry.objects.filter(user=outsider).exists()


def test_api_uses_a_constant_number_of_queries(area: Any, vt: Any, police_org: Any, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(vt)

    def add(n: int) -> None:
        for i in range(n):
            people = [PersonFactory(), PersonFactory()]
            address = area.address()
            incident = make_incident(
                address=address, at=days_ago(i + 3), people=people, organisation=police_org
            )
            make_report(address=address, at=days_ago(i + 1), people=people, police_incident=incident)

    def measure() -> list[int]:
        counts = []
        for url in (ADDRESSES, RECONCILIATION, "/api/v1/insight/reconciliation/figures"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"municipality": area.municipality.code}).status_code == 200
            counts.append(len(queries))
        return counts

    add(2)
    small = measure()
    add(20)
    assert measure() == small
