"""The restore drill: back up a database holding every kind of record, restore it into a fresh
database, and compare every table's row count and checksum. On PostgreSQL the restored access
log must still refuse changes (its append-only triggers come back with it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from haard.core import backup
from tests.conftest import sign_in
from tests.factories import TeamFactory, make_case, make_user
from tests.intake.factories import make_report

# Committed data (pg_dump reads from another session); the shipped roles come back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def records(db: None) -> None:
    """Cases, people, a report, users and access-log entries."""
    team = TeamFactory()
    manager = make_user("case_manager", team=team)
    case = make_case(team=team, people=3, participants=[manager], reference="T-DRILL")
    make_report()  # a report about someone new
    assert sign_in(Client(), manager).get(reverse("cases:case_detail", args=[case.pk])).status_code == 200


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


@pytest.fixture
def fresh_target(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database of the same kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    source = backup.Target.from_settings(connection.settings_dict)
    name = f"haard_restore_{uuid.uuid4().hex[:12]}"
    admin = backup.conninfo(source, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    credentials = f"{source.user}:{source.password}@" if source.password else f"{source.user}@"
    try:
        yield f"postgres://{credentials}{source.host or 'localhost'}:{source.port or 5432}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_every_row(
    records: None, fresh_target: str, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "haard.backup"
    call_command("backup", str(path))
    assert "Backed up" in capsys.readouterr().out

    call_command("restore", str(path), "--database-url", fresh_target)  # a dry run
    assert "Dry run" in capsys.readouterr().out
    target = backup.Target.from_url(fresh_target)
    assert backup.is_empty(target)

    call_command("restore", str(path), "--database-url", fresh_target, "--confirm")
    tables = _tables()
    source = backup.Target.from_settings(connection.settings_dict)
    before = backup.fingerprint(source, tables)
    after = backup.fingerprint(target, tables)
    assert before["cases_case"][0] == 1
    assert before["audit_accesslogentry"][0] >= 1
    assert after == before

    # Restoring over a database that is not empty needs --replace.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), "--database-url", fresh_target, "--confirm")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_restored_access_log_stays_append_only(records: None, fresh_target: str, tmp_path: Path) -> None:
    path = tmp_path / "haard.backup"
    call_command("backup", str(path))
    call_command("restore", str(path), "--database-url", fresh_target, "--confirm")
    target = backup.Target.from_url(fresh_target)
    with psycopg.connect(backup.conninfo(target)) as restored:
        triggers = {
            row[0]
            for row in restored.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()
        }
        assert {"audit_accesslogentry_append_only", "audit_accesslogsubject_append_only"} <= triggers
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            restored.execute("DELETE FROM audit_accesslogentry")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, fresh_target: str) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--database-url", fresh_target, "--confirm")
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "missing"), "--database-url", fresh_target)
