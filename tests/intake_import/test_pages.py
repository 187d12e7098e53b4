"""The import pages: who reaches them, the upload, progress, the error report, query counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from haard.accounts.models import User
from haard.audit.models import AccessLogEntry
from haard.intake.imports.models import BatchStatus, ImportBatch, ImportMode, ImportRowError
from haard.intake.models import PoliceIncident
from tests.factories import make_user
from tests.intake_import.helpers import csv_bytes, incident_rows, many_incidents

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]


def make_batch(organisation: Any, user: User, *, errors: int = 0, **fields: Any) -> ImportBatch:
    batch = ImportBatch.objects.create(
        organisation=organisation,
        file_name="export.csv",
        file_size=100,
        sha256="a" * 64,
        uploaded_by=user,
        mode=ImportMode.VALID_ROWS,
        status=fields.pop("status", BatchStatus.DONE),
        rows_invalid=errors,
        **fields,
    )
    ImportRowError.objects.bulk_create(
        ImportRowError(batch=batch, row_number=n + 2, field="bsn", column="bsn", message="wrong", value="123")
        for n in range(errors)
    )
    return batch


def pages(batch: ImportBatch) -> list[str]:
    return [
        reverse("police_import:batch_list"),
        reverse("police_import:upload"),
        reverse("police_import:batch_detail", args=[batch.pk]),
        reverse("police_import:batch_progress", args=[batch.pk]),
        reverse("police_import:error_report", args=[batch.pk]),
    ]


def test_anonymous_users_are_sent_to_sign_in(officer: User, police: Any) -> None:
    for url in pages(make_batch(police, officer, errors=1)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["case_manager", "policy_officer", "professional", "privacy_officer", None])
def test_everyone_but_importers_is_refused_every_page(
    role: str | None, officer: User, police: Any, signed_in: SignedIn
) -> None:
    batch = make_batch(police, officer, errors=1)
    client = signed_in(make_user(role))
    for url in pages(batch):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(
        reverse("police_import:upload"),
        {"organisation": police.pk, "mode": "valid_rows", "file": SimpleUploadedFile("x.csv", b"a;b\r\n")},
    )
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_an_intake_worker_outside_veilig_thuis_is_refused(
    officer: User, police: Any, signed_in: SignedIn
) -> None:
    batch = make_batch(police, officer)
    client = signed_in(make_user("intake_worker"))  # in a social team, not in Veilig Thuis
    assert client.get(reverse("police_import:batch_list")).status_code == 403
    assert client.get(reverse("police_import:batch_detail", args=[batch.pk])).status_code == 403


def test_police_see_only_their_own_organisations_batches(
    officer: User, other_officer: User, police: Any, other_police: Any, signed_in: SignedIn
) -> None:
    theirs = make_batch(other_police, other_officer, errors=1)
    mine = make_batch(police, officer)
    client = signed_in(officer)
    listing = client.get(reverse("police_import:batch_list"))
    assert listing.status_code == 200
    assert list(listing.context["batches"]) == [mine]
    for url in pages(theirs)[2:]:
        assert client.get(url).status_code == 404, url
    assert not AccessLogEntry.objects.exists()


def test_veilig_thuis_staff_see_every_batch(
    officer: User, other_officer: User, police: Any, other_police: Any, vt_intake: User, signed_in: SignedIn
) -> None:
    make_batch(police, officer)
    make_batch(other_police, other_officer)
    listing = signed_in(vt_intake).get(reverse("police_import:batch_list"))
    assert len(listing.context["batches"]) == 2


def test_upload_import_and_result(officer: User, police: Any, municipality: Any, signed_in: SignedIn) -> None:
    rows = many_incidents(2)
    rows[1]["bsn"] = "123456789"
    client = signed_in(officer)
    form = client.get(reverse("police_import:upload"))
    assert form.status_code == 200
    assert form.context["form"].fields["organisation"].initial == police.pk

    response = client.post(
        reverse("police_import:upload"),
        {
            "organisation": police.pk,
            "mode": ImportMode.VALID_ROWS,
            "file": SimpleUploadedFile("politie.csv", csv_bytes(rows)),
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("police_import:batch_detail", args=[batch.pk])
    assert PoliceIncident.objects.count() == 1

    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200
    assert "politie.csv" in content
    assert reverse("police_import:error_report", args=[batch.pk]) in content
    assert "hx-trigger" not in content  # done: nothing to poll
    assert "123456789" not in content  # values only in the logged error report
    assert [p.row_number for p in page.context["problems"]] == [3]


def test_a_refused_file_is_shown_on_the_form(officer: User, police: Any, signed_in: SignedIn) -> None:
    response = signed_in(officer).post(
        reverse("police_import:upload"),
        {
            "organisation": police.pk,
            "mode": ImportMode.ALL_OR_NOTHING,
            "file": SimpleUploadedFile("x.xlsx", b"a;b"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file is called .xlsx but is not an Excel workbook."]
    }
    assert not ImportBatch.objects.exists()


def test_an_officer_cannot_upload_for_another_police(
    officer: User, police: Any, other_police: Any, signed_in: SignedIn
) -> None:
    response = signed_in(officer).post(
        reverse("police_import:upload"),
        {
            "organisation": other_police.pk,
            "mode": ImportMode.VALID_ROWS,
            "file": SimpleUploadedFile("x.csv", csv_bytes(incident_rows("PL-1"))),
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_progress_is_polled_while_running_and_refreshes_the_page_when_done(
    officer: User, police: Any, signed_in: SignedIn
) -> None:
    batch = make_batch(
        police, officer, status=BatchStatus.RUNNING, phase="writing", rows_total=200, rows_written=50
    )
    client = signed_in(officer)
    page = client.get(reverse("police_import:batch_detail", args=[batch.pk])).content.decode()
    progress_url = reverse("police_import:batch_progress", args=[batch.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 2s"' in page
    assert 'value="25"' in page

    fragment = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "HX-Refresh" not in fragment
    assert "<html" not in fragment.content.decode()

    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, phase="")
    assert client.get(progress_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_the_error_report_escapes_formulas_and_is_logged(
    officer: User, police: Any, municipality: Any, signed_in: SignedIn
) -> None:
    rows = incident_rows("PL-1") + incident_rows("PL-2")
    rows[0]["achternaam"] = "=cmd|' /C calc'!A0"
    rows[2]["voornamen"] = "@SUM(A1)"
    rows[3]["bsn"] = "-123"
    client = signed_in(officer)
    client.post(
        reverse("police_import:upload"),
        {
            "organisation": police.pk,
            "mode": ImportMode.VALID_ROWS,
            "file": SimpleUploadedFile("x.csv", csv_bytes(rows)),
        },
    )
    batch = ImportBatch.objects.get()
    assert batch.rows_invalid == 3

    response = client.get(reverse("police_import:error_report", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}-errors.csv"'
    text = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(A1)" in cells
    assert "'-123" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    entry = AccessLogEntry.objects.get(user=officer)
    assert (entry.action, entry.record_type, entry.record_id) == (
        "export",
        "police_import.ImportBatch",
        str(batch.pk),
    )


@pytest.mark.parametrize("name", ["batch_list", "batch_detail", "batch_progress"])
def test_the_pages_cost_a_fixed_number_of_queries(
    name: str, officer: User, police: Any, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(officer)
    batch = make_batch(police, officer, errors=1)
    url = reverse(f"police_import:{name}", args=[] if name == "batch_list" else [batch.pk])
    client.get(url)  # warm: session, memberships
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    small = len(few.captured_queries)

    for _ in range(30):
        make_batch(police, officer)
    ImportRowError.objects.bulk_create(
        ImportRowError(batch=batch, row_number=n, field="bsn", column="bsn", message="wrong")
        for n in range(200)
    )
    with django_assert_max_num_queries(small) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == small


def test_a_batch_without_progress_for_10_minutes_says_it_may_have_stopped(
    officer: User, police: Any, signed_in: SignedIn
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    batch = make_batch(police, officer, status=BatchStatus.RUNNING, phase="checking", rows_checked=10)
    url = reverse("police_import:batch_progress", args=[batch.pk])
    client = signed_in(officer)
    assert "may have stopped" not in client.get(url).content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert "may have stopped" in client.get(url).content.decode()
    # All or nothing: while it writes, its progress is not visible, so no such warning.
    ImportBatch.objects.filter(pk=batch.pk).update(mode=ImportMode.ALL_OR_NOTHING, phase="writing")
    content = client.get(url).content.decode()
    assert "may have stopped" not in content
    assert "the counts below show when the writing is done" in content
