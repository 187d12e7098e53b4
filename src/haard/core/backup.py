"""Back up and restore the database, and prove a restore complete.

PostgreSQL: `pg_dump --format=custom` and `pg_restore` (the client programs must match the
server's major version or be newer). SQLite: the SQLite online backup API, which copies a
consistent snapshot while the application keeps running. A backup holds the whole database:
schema, data, and on PostgreSQL the triggers that keep the access log append-only.

`fingerprint()` gives each table's row count and a checksum of its rows in primary-key order;
a restore drill compares the fingerprints of the source and the restored database.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, no shell  # nosec B404
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, without secrets."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into, from Django's settings or a DATABASE_URL."""

    vendor: str  # "postgresql" or "sqlite"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Target:
        engine = settings_dict["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls(vendor="sqlite", name=str(settings_dict["NAME"]))
        if "postgresql" in engine:
            return cls(
                vendor="postgresql",
                name=str(settings_dict["NAME"]),
                host=str(settings_dict.get("HOST") or ""),
                port=str(settings_dict.get("PORT") or ""),
                user=str(settings_dict.get("USER") or ""),
                password=str(settings_dict.get("PASSWORD") or ""),
            )
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Target:
        try:
            return cls.from_settings(dict(dj_database_url.parse(url)))
        except ValueError as exc:
            raise BackupError(f"The database URL cannot be read: {exc}") from None

    def client_arguments(self) -> list[str]:
        arguments = []
        if self.host:
            arguments += ["--host", self.host]
        if self.port:
            arguments += ["--port", self.port]
        if self.user:
            arguments += ["--username", self.user]
        return arguments

    def client_environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        if self.password:
            environment["PGPASSWORD"] = self.password
        return environment


def _sqlite_connect(name: str) -> sqlite3.Connection:
    # Django names an in-memory test database with a URI (file:...?mode=memory&cache=shared).
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _run(arguments: list[str], target: Target) -> None:
    result = subprocess.run(  # noqa: S603 - fixed program, argument list  # nosec B603
        arguments, env=target.client_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup(source: Target, path: Path, *, sqlite_connection: sqlite3.Connection | None = None) -> Path:
    """Write a backup of `source` to `path` (replacing a file there) and return the path.

    `sqlite_connection`: an open connection to back up instead of opening `source.name` (an
    in-memory database can only be reached through its connection)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if source.vendor == "postgresql":
        _run(
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                *source.client_arguments(),
                source.name,
            ],
            source,
        )
    else:
        partial.unlink(missing_ok=True)
        opened = sqlite_connection is None
        connection = sqlite_connection or _sqlite_connect(source.name)
        try:
            with sqlite3.connect(partial) as destination:
                connection.backup(destination)
            destination.close()
        finally:
            if opened:
                connection.close()
    # Only a complete backup takes the name: a crash mid-way leaves a .partial file.
    partial.replace(path)
    return path


def check(path: Path, vendor: str) -> list[str]:
    """The tables a backup file holds; BackupError when it is not a readable backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if vendor == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed program, argument list  # nosec B603
            [_program("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BackupError(f"{path} is not a pg_dump custom-format backup: {result.stderr.strip()}")
        return sorted(
            line.split()[-2]
            for line in result.stdout.splitlines()
            if not line.startswith(";") and " TABLE DATA " in line
        )
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            status = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = [
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
        connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database: {exc}") from None
    if status != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {status}")
    return sorted(tables)


def is_empty(target: Target) -> bool:
    """True when the target database holds no tables (a fresh database to restore into)."""
    if target.vendor == "sqlite":
        if not Path(target.name).exists():
            return True
        with _sqlite_connect(target.name) as lite:
            count = lite.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        lite.close()
        return bool(count == 0)
    import psycopg

    with psycopg.connect(conninfo(target)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row is not None and row[0] == 0


def restore(path: Path, target: Target, *, replace: bool = False) -> None:
    """Restore the backup at `path` into `target`.

    The target must be empty unless `replace`: a restore over a live database is a decision
    someone makes on purpose. PostgreSQL restores in one transaction, so a failed restore
    leaves the target as it was."""
    check(path, target.vendor)
    if not replace and not is_empty(target):
        raise BackupError("The target database is not empty; restore into a fresh database or pass replace.")
    if target.vendor == "postgresql":
        arguments = [_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
        if replace:
            arguments += ["--clean", "--if-exists"]
        _run([*arguments, *target.client_arguments(), f"--dbname={target.name}", str(path)], target)
        return
    with (
        sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source,
        _sqlite_connect(target.name) as destination,
    ):
        source.backup(destination)
    source.close()
    destination.close()


def conninfo(target: Target, *, dbname: str | None = None) -> str:
    """A libpq connection string for the target (or another database on its server)."""
    from psycopg.conninfo import make_conninfo

    arguments = {"dbname": dbname or target.name}
    for key in ("host", "port", "user", "password"):
        if getattr(target, key):
            arguments[key] = getattr(target, key)
    return make_conninfo(**arguments)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_all(table: str, rest: str) -> str:
    """A SELECT over a table the database's own catalogue names (never user input), quoted."""
    return f"SELECT * FROM {_quote(table)} {rest}"  # noqa: S608  # nosec B608


def fingerprint_cursor(cursor: Any, tables: list[str]) -> dict[str, tuple[int, str]]:
    """(row count, sha256 of the rows in order) per table, read through a DB-API cursor.

    Rows are ordered by every column, so the order does not depend on how the rows lie on disk."""
    result = {}
    for table in tables:
        cursor.execute(_select_all(table, "WHERE 1 = 0"))
        columns = len(cursor.description)
        order = ", ".join(str(n) for n in range(1, columns + 1))
        cursor.execute(_select_all(table, f"ORDER BY {order}"))
        digest = hashlib.sha256()
        count = 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(row)).encode())
            count += 1
        result[table] = (count, digest.hexdigest())
    return result


def fingerprint(target: Target, tables: list[str]) -> dict[str, tuple[int, str]]:
    """The fingerprints of `tables` in the target database."""
    if target.vendor == "sqlite":
        lite = _sqlite_connect(target.name)
        try:
            return fingerprint_cursor(lite.cursor(), tables)
        finally:
            lite.close()
    import psycopg

    with psycopg.connect(conninfo(target)) as connection, connection.cursor() as cursor:
        return fingerprint_cursor(cursor, tables)
