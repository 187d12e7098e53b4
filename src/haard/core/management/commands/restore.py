"""Restore a backup made by `backup`: a dry run unless --confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from haard.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup into a database: by default the configured one, or --database-url. "
        "Without --confirm it only checks the file and the target."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead (e.g. a fresh one for a restore drill)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the contents of a database that is not empty",
        )
        parser.add_argument("--confirm", action="store_true", help="restore; without it, a dry run")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if options["database_url"]:
                target = backup.Target.from_url(options["database_url"])
            else:
                target = backup.Target.from_settings(connections[options["database"]].settings_dict)
            tables = backup.check(path, target.vendor)
            empty = backup.is_empty(target)
            if not options["confirm"]:
                state = "empty" if empty else "NOT empty (needs --replace)"
                self.stdout.write(
                    f"Dry run: {path} holds {len(tables)} tables; the target database {target.name} is "
                    f"{state}. Pass --confirm to restore."
                )
                return
            if not options["database_url"]:
                connections.close_all()  # nothing of ours holds the database while it is replaced
            backup.restore(path, target, replace=options["replace"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {len(tables)} tables from {path} into {target.name}.")
        )
