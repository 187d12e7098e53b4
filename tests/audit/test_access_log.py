"""The access log: append-only in the application and (on PostgreSQL) in the database;
the privacy officer's search and "who saw this person" report, themselves logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from haard.audit.models import AccessLogEntry, AccessLogSubject, AppendOnlyError
from haard.cases.models import Case
from tests.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_view(own_case: Case, case_manager: Any) -> AccessLogEntry:
    sign_in(Client(), case_manager).get(reverse("cases:case_detail", args=[own_case.pk]))
    return AccessLogEntry.objects.get()


def test_entry_records_who_what_when_and_where(
    logged_view: AccessLogEntry, case_manager: Any, own_case: Case
) -> None:
    entry = logged_view
    assert entry.user == case_manager
    assert entry.action == "view"
    assert entry.record_type == "cases.Case"
    assert entry.record_id == str(own_case.pk)
    assert entry.role_name == "Casusregisseur"
    assert entry.organisation_name == str(case_manager.memberships.get().team.organisation)
    assert entry.client_address == "127.0.0.1"
    assert sorted(entry.subjects.values_list("person_id", flat=True)) == sorted(
        own_case.members.values_list("person_id", flat=True)
    )


def test_application_refuses_change_and_delete(logged_view: AccessLogEntry) -> None:
    entry = logged_view
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLogSubject.objects.all().delete()
    entry.refresh_from_db()
    assert entry.reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogentry SET reason = 'x'",
        "DELETE FROM audit_accesslogentry",
        "DELETE FROM audit_accesslogsubject",
        "UPDATE audit_accesslogsubject SET person_id = 0",
    ],
)
def test_database_refuses_update_and_delete(logged_view: AccessLogEntry, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessLogEntry.objects.filter(pk=logged_view.pk, reason="").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_database_refuses_truncate_outside_the_test_runner(logged_view: AccessLogEntry) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL haard.allow_log_truncate = 'off'")
        cursor.execute("TRUNCATE audit_accesslogsubject, audit_accesslogentry")
    assert AccessLogEntry.objects.exists()


def test_who_saw_this_person(logged_view: AccessLogEntry, own_case: Case, case_manager: Any) -> None:
    person = own_case.members.first().person
    privacy = make_user("privacy_officer")
    response = sign_in(Client(), privacy).get(reverse("registry:person_access_report", args=[person.pk]))
    assert response.status_code == 200
    usernames = [e.user.username for e in response.context["page"].object_list]
    assert case_manager.username in usernames
    # Reading the log is logged too.
    last = AccessLogEntry.objects.latest("id")
    assert last.user == privacy
    assert last.record_type == "audit.PersonAccessReport"
    assert list(last.subjects.values_list("person_id", flat=True)) == [person.pk]


def test_log_search_filters_and_validates(logged_view: AccessLogEntry, case_manager: Any) -> None:
    client = sign_in(Client(), make_user("privacy_officer"))
    response = client.get(reverse("audit:log_search"), {"go": 1, "username": case_manager.username})
    assert response.context["page"].paginator.count == 1
    response = client.get(reverse("audit:log_search"), {"go": 1, "username": "niemand"})
    assert response.context["page"].paginator.count == 0
    response = client.get(
        reverse("audit:log_search"), {"go": 1, "since": "2026-12-01", "until": "2026-11-01"}
    )
    assert "until" in response.context["form"].errors
    assert response.context["page"] is None
    response = client.get(reverse("audit:log_search"), {"go": 1, "person_id": "abc"})
    assert "person_id" in response.context["form"].errors


def test_reading_the_log_needs_the_second_factor(logged_view: AccessLogEntry) -> None:
    privacy = make_user("privacy_officer")
    client = Client()
    client.force_login(privacy, backend="haard.accounts.backends.MembershipBackend")
    response = client.get(reverse("audit:log_search"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")


def test_other_roles_cannot_read_the_log(
    logged_view: AccessLogEntry, case_manager: Any, outsider: Any
) -> None:
    for user in (case_manager, outsider, make_user("administrator", is_staff=True)):
        client = sign_in(Client(), user)
        assert client.get(reverse("audit:log_search"), {"go": 1}).status_code == 403
        person_id = logged_view.subjects.first().person_id
        assert client.get(reverse("registry:person_access_report", args=[person_id])).status_code == 403
