"""The access log's own retention, from a scheduler or by hand.

  --dry-run             count what has passed its retention now; write nothing
  --propose             propose a purge with its dry run (a privacy officer decides in haard)
  --execute N           carry out purge N, which a privacy officer approved
  --execute-approved    carry out every approved purge (for a nightly scheduler)

Nothing is deleted without a decision; a purge that was interrupted goes on where it stopped
when it is run again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haard.audit.purge import ACCESS_LOG_YEARS
from haard.retention import access_log, services
from haard.retention.models import AccessLogPurge, PurgeStatus


def _problem(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        message if field == NON_FIELD_ERRORS else f"--{field.replace('_', '-')}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    )


class Command(BaseCommand):
    help = "Dry-run, propose or carry out the purge of access-log entries past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument(
            "--dry-run", action="store_true", help="Count what has passed its retention; write nothing."
        )
        what.add_argument("--propose", action="store_true", help="Propose a purge, with its dry run.")
        what.add_argument("--execute", type=int, metavar="PURGE", help="Carry out this approved purge.")
        what.add_argument("--execute-approved", action="store_true", help="Carry out every approved purge.")
        parser.add_argument(
            "--batch-size", type=int, default=access_log.BATCH_SIZE, help="Entries deleted per transaction."
        )
        parser.add_argument("--today", type=date.fromisoformat, help="The day to count from (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today: date = options["today"] or timezone.localdate()
        try:
            if options["dry_run"]:
                self._dry_run(today)
            elif options["propose"]:
                self._propose(today)
            elif options["execute"] is not None:
                found = AccessLogPurge.objects.filter(pk=options["execute"]).first()
                if found is None:
                    raise CommandError(f"--execute: there is no access log purge {options['execute']}.")
                self._execute(found, options["batch_size"], today)
            else:
                approved = AccessLogPurge.objects.filter(status=PurgeStatus.APPROVED).order_by("pk")
                for found in approved:
                    self._execute(found, options["batch_size"], today)
        except ValidationError as exc:
            raise CommandError(_problem(exc)) from None

    def _dry_run(self, today: date) -> None:
        years = services.log_years()
        cutoff = access_log.cutoff_for(today, years)
        counts = access_log.dry_run(cutoff)
        self.stdout.write(
            f"{ACCESS_LOG_YEARS.key} = {years}: entries written before {cutoff:%Y-%m-%d %H:%M %Z}. "
            "Nothing was changed."
        )
        self.stdout.write(
            f"{counts['entries']} entries ({counts['subjects']} people in them) and "
            f"{counts['grants']} emergency-access grants would go; oldest {counts['oldest'] or '-'}, "
            f"newest {counts['newest'] or '-'}."
        )
        for month, n in sorted(counts["per_month"].items()):
            self.stdout.write(f"  {month}: {n}")
        for record_type, n in sorted(counts["per_record_type"].items()):
            self.stdout.write(f"  {record_type}: {n}")
        kept = counts["kept"]
        self.stdout.write(
            f"Kept although older: {kept['entries_about_people_held']} entries about people still in "
            f"the registry, {kept['grants_awaiting_review']} grants awaiting review, "
            f"{kept['grants_for_records_held']} grants for records that still exist."
        )

    def _propose(self, today: date) -> None:
        purge = services.propose_log_purge(actor=None, today=today)
        if purge is None:
            self.stdout.write("Nothing in the access log has passed its retention period.")
            return
        self.stdout.write(
            f"Access log purge {purge.pk}: {purge.dry_run['entries']} entries and "
            f"{purge.dry_run['grants']} grants in the dry run. A privacy officer decides on it in haard."
        )

    def _execute(self, purge: AccessLogPurge, batch_size: int, today: date) -> None:
        done = services.execute_log_purge(purge=purge, batch_size=batch_size, today=today)
        stone = done.tombstone
        self.stdout.write(
            f"Access log purge {done.pk}: {stone.entries} entries, {stone.subjects} people in them and "
            f"{stone.grants} emergency-access grants removed; the tombstone records it."
        )
