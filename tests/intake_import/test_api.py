"""The import in the API: upload (202 with the batch) and status, for token and session users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haard.accounts.models import ApiClient, User
from haard.accounts.services import issue_api_token
from haard.intake.imports.models import ImportBatch
from haard.intake.models import PoliceIncident
from tests.intake_import.helpers import csv_bytes, incident_rows, many_incidents

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"


def token_for(user: User, scopes: list[str]) -> dict[str, str]:
    api_client = ApiClient.objects.create(
        name=f"Systeem {user.username}",
        organisation=user.memberships.first().team.organisation,
        user=user,
        scopes=scopes,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(client=api_client)}"}


def post(client: Client, organisation: Any, content: bytes, mode: str = "valid_rows", **headers: str) -> Any:
    return client.post(
        URL,
        {"file": SimpleUploadedFile("export.csv", content), "organisation_id": organisation.pk, "mode": mode},
        **headers,
    )


def test_a_police_system_uploads_and_follows_its_batch(officer: User, police: Any, municipality: Any) -> None:
    rows = many_incidents(3)
    rows[0]["geboortedatum"] = "31-02-2026"
    headers = token_for(officer, ["reports:write"])

    response = post(Client(), police, csv_bytes(rows), **headers)
    assert response.status_code == 202, response.content
    body = response.json()
    batch = ImportBatch.objects.get()
    assert body["id"] == batch.pk
    assert body["status"] == "done"  # the test runs tasks at once; a worker would answer "queued"

    status = Client().get(f"{URL}{batch.pk}", **headers)
    assert status.status_code == 200
    assert {
        k: status.json()[k] for k in ("rows_total", "rows_invalid", "incidents_created", "incidents_invalid")
    } == {
        "rows_total": 6,
        "rows_invalid": 1,
        "incidents_created": 2,
        "incidents_invalid": 1,
    }
    assert status.json()["error_report"] == f"/reports/imports/{batch.pk}/errors.csv"
    assert "31-02-2026" not in status.content.decode()


def test_a_session_user_may_upload_too(
    vt_intake: User, police: Any, municipality: Any, signed_in: Callable[[User], Client]
) -> None:
    response = post(signed_in(vt_intake), police, csv_bytes(incident_rows("PL-1")), mode="all_or_nothing")
    assert response.status_code == 202, response.content
    assert PoliceIncident.objects.count() == 1


def test_without_the_scope_a_token_is_refused(officer: User, police: Any, municipality: Any) -> None:
    headers = token_for(officer, ["people:read"])
    response = post(Client(), police, csv_bytes(incident_rows("PL-1")), **headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not ImportBatch.objects.exists()


def test_outsiders_are_refused_both_operations(
    officer: User, police: Any, municipality: Any, outsider: User, other_officer: User
) -> None:
    batch = ImportBatch.objects.create(
        organisation=police,
        file_name="x.csv",
        file_size=1,
        sha256="0" * 64,
        uploaded_by=officer,
        mode="valid_rows",
    )
    assert Client().get(f"{URL}{batch.pk}").status_code == 401
    assert post(Client(), police, b"x").status_code == 401

    outsider_headers = token_for(outsider, ["reports:write"])
    assert post(Client(), police, csv_bytes(incident_rows("PL-1")), **outsider_headers).status_code == 403
    assert Client().get(f"{URL}{batch.pk}", **outsider_headers).status_code == 403

    other_headers = token_for(other_officer, ["reports:write"])
    assert post(Client(), police, csv_bytes(incident_rows("PL-1")), **other_headers).status_code == 403
    assert Client().get(f"{URL}{batch.pk}", **other_headers).status_code == 404
    assert ImportBatch.objects.count() == 1


def test_a_bad_file_is_a_problem_response(officer: User, police: Any, municipality: Any) -> None:
    headers = token_for(officer, ["reports:write"])
    response = post(Client(), police, csv_bytes([]).replace(b"achternaam", b"naam"), **headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("file: ") and "achternaam" in detail
    bad_mode = post(Client(), police, csv_bytes(incident_rows("PL-1")), mode="sometimes", **headers)
    assert bad_mode.status_code == 422
