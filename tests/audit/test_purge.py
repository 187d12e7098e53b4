"""The one exception to the append-only log: `haard.audit.purge` deletes entries past their
retention period, and nothing else can. The application refuses every other change or delete
(its base manager and Django's raw delete included); on PostgreSQL the trigger refuses every
UPDATE, every DELETE outside the purge, and inside it every row still within the period."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from haard.audit import purge
from haard.audit.models import AccessLogEntry, AccessLogSubject, AppendOnlyError
from haard.core.models import RegionSetting
from tests.conftest import sign_in
from tests.factories import make_user
from tests.retention.log_data import GONE, ago, written

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def worker(db: None) -> Any:
    return make_user("case_manager")


@pytest.fixture
def old(worker: Any) -> AccessLogEntry:
    return written(ago(16), user=worker, person_ids=[GONE + 1, GONE + 2])


@pytest.fixture
def young(worker: Any) -> AccessLogEntry:
    return written(ago(14), user=worker, person_ids=[GONE + 3])


def _ids() -> list[int]:
    return sorted(AccessLogEntry.objects.values_list("pk", flat=True))


def test_the_purge_deletes_expired_entries_with_their_people(
    old: AccessLogEntry, young: AccessLogEntry
) -> None:
    assert purge.delete_entries([old.pk]) == (1, 2)
    assert _ids() == [young.pk]
    assert list(AccessLogSubject.objects.values_list("person_id", flat=True)) == [GONE + 3]


def test_the_purge_refuses_a_batch_with_an_entry_within_its_period(
    old: AccessLogEntry, young: AccessLogEntry
) -> None:
    before = _ids()
    with pytest.raises(AppendOnlyError, match="retention period"):
        purge.delete_entries([old.pk, young.pk])
    assert _ids() == before and AccessLogSubject.objects.count() == 3


def test_a_longer_period_keeps_older_entries_from_the_purge(old: AccessLogEntry) -> None:
    RegionSetting.objects.create(key="audit.access_log_years", value=20)
    with pytest.raises(AppendOnlyError):
        purge.delete_entries([old.pk])
    assert _ids() == [old.pk]


def test_nothing_else_in_the_application_deletes_or_changes_the_log(old: AccessLogEntry) -> None:
    attempts = [
        lambda: AccessLogEntry._base_manager.filter(pk=old.pk).delete(),
        lambda: AccessLogSubject._base_manager.filter(entry=old).delete(),
        lambda: AccessLogEntry.objects.filter(pk=old.pk)._raw_delete(connection.alias),
        lambda: AccessLogSubject.objects.filter(entry=old)._raw_delete(connection.alias),
        lambda: old.subjects.all().delete(),
        lambda: AccessLogEntry._base_manager.filter(pk=old.pk).update(reason="x"),
        lambda: AccessLogEntry.objects.filter(pk=old.pk)._update({"reason": "x"}),
    ]
    for attempt in attempts:
        with pytest.raises(AppendOnlyError):
            attempt()
    old.refresh_from_db()
    assert old.reason == "" and old.subjects.count() == 2


def test_the_database_default_follows_the_declared_default() -> None:
    migration = importlib.import_module("haard.audit.migrations.0003_access_log_purge")
    assert purge.ACCESS_LOG_YEARS.default == purge.DEFAULT_YEARS
    assert f"years := {purge.DEFAULT_YEARS};" in migration.LIMIT


# --- PostgreSQL: the trigger ----------------------------------------------------------------


def _sql(*statements: tuple[str, list[Any]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


SWITCH_ON = ("SELECT set_config('haard.access_log_purge', 'on', true)", [])


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_accesslogentry WHERE id = %s",
        "DELETE FROM audit_accesslogsubject WHERE entry_id = %s",
        "UPDATE audit_accesslogsubject SET person_id = 0 WHERE entry_id = %s",
    ],
)
def test_the_database_refuses_changes_to_expired_entries_outside_the_purge(
    old: AccessLogEntry, statement: str
) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _sql((statement, [old.pk]))
    assert _ids() == [old.pk] and AccessLogSubject.objects.count() == 2


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogentry SET reason = 'x' WHERE id = %s",
        "UPDATE audit_accesslogsubject SET person_id = 0 WHERE entry_id = %s",
    ],
)
def test_the_database_refuses_every_update_even_inside_the_purge(old: AccessLogEntry, statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(SWITCH_ON, (statement, [old.pk]))
    old.refresh_from_db()
    assert old.reason == "" and set(old.subjects.values_list("person_id", flat=True)) == {GONE + 1, GONE + 2}


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_accesslogsubject WHERE entry_id = %s",
        "DELETE FROM audit_accesslogentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_purge_an_entry_within_its_period(
    young: AccessLogEntry, statement: str
) -> None:
    with pytest.raises(DatabaseError, match="within its retention period"):
        _sql(SWITCH_ON, (statement, [young.pk]))
    assert _ids() == [young.pk] and AccessLogSubject.objects.count() == 1


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
def test_the_database_lets_the_purge_delete_an_expired_entry(
    old: AccessLogEntry, young: AccessLogEntry
) -> None:
    _sql(
        SWITCH_ON,
        ("DELETE FROM audit_accesslogsubject WHERE entry_id = %s", [old.pk]),
        ("DELETE FROM audit_accesslogentry WHERE id = %s", [old.pk]),
    )
    assert _ids() == [young.pk]


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    ("value", "message"), [(-5, "no valid period"), ("15", "no valid period"), (20, "within")]
)
def test_the_database_reads_the_regions_period_itself(old: AccessLogEntry, value: Any, message: str) -> None:
    RegionSetting.objects.create(key="audit.access_log_years", value=value)
    with pytest.raises(DatabaseError, match=message):
        _sql(SWITCH_ON, ("DELETE FROM audit_accesslogentry WHERE id = %s", [old.pk]))
    assert _ids() == [old.pk]


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
def test_the_switch_is_off_after_the_purge_in_the_same_transaction(old: AccessLogEntry, worker: Any) -> None:
    other = written(ago(17), user=worker, person_ids=[GONE + 9])
    with transaction.atomic():
        purge.delete_entries([old.pk])
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute("DELETE FROM audit_accesslogsubject WHERE entry_id = %s", [other.pk])
    assert _ids() == [other.pk]


# --- Who may ---------------------------------------------------------------------------------


def test_outsiders_reach_neither_the_log_nor_its_purges(
    old: AccessLogEntry, worker: Any, outsider: Any
) -> None:
    before = AccessLogEntry.objects.count()
    for user in (outsider, worker, make_user("administrator", is_staff=True)):
        client = sign_in(Client(), user)
        assert client.get(reverse("audit:log_search"), {"go": 1}).status_code == 403
        assert client.get(reverse("retention:log_purge_list")).status_code == 403
        assert client.post(reverse("retention:log_purge_start")).status_code == 403
    assert AccessLogEntry.objects.count() == before
