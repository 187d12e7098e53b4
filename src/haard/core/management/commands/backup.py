"""Back up the database to one file (pg_dump custom format, or an SQLite copy)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from haard.core import backup


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Back up the database to a file; prints the file's tables and SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="the backup file (default: var/backups/haard-<time>.dump or .sqlite3)",
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        try:
            source = backup.Target.from_settings(connection.settings_dict)
            suffix = ".dump" if source.vendor == "postgresql" else ".sqlite3"
            path = Path(
                options["path"] or Path("var") / "backups" / f"haard-{timezone.now():%Y%m%dT%H%M%SZ}{suffix}"
            )
            raw = None
            if source.vendor == "sqlite":
                connection.ensure_connection()
                raw = connection.connection
            backup.backup(source, path, sqlite_connection=raw)
            tables = backup.check(path, source.vendor)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(tables)} tables to {path} (sha256 {sha256_of(path)}, {size} bytes)."
            )
        )
