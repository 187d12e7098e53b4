"""The periodic proposal run: propose for destruction every record whose retention period has
ended, with a dry run of it. Run it from a scheduler (monthly, say); running it again proposes
nothing twice. It never destroys: a privacy officer decides on the proposal in haard. It first
removes the stored files of records destroyed earlier that could not be removed then
(`PendingFileRemoval`)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from haard.retention import destruction, files, services


class Command(BaseCommand):
    help = "Propose records whose retention period has ended for destruction (with a dry run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_only",
            help="Only count what is due and not yet proposed; record nothing.",
        )
        parser.add_argument("--today", type=date.fromisoformat, help="The day to count from (YYYY-MM-DD).")

    def handle(self, *args: Any, list_only: bool = False, today: date | None = None, **options: Any) -> None:
        if list_only:
            due = files.due_units(today or timezone.localdate())
            counts = Counter(unit.unit_type for unit in due)
            self.stdout.write(f"{len(due)} units due and not yet proposed.")
            for unit_type, n in sorted(counts.items()):
                self.stdout.write(f"  {unit_type}: {n}")
            return
        removed, pending = destruction.remove_pending_files()
        if removed or pending:
            self.stdout.write(
                f"Stored files of destroyed records: {removed} removed now, "
                f"{pending} could not be removed yet."
            )
        proposal = services.propose_due(actor=None, today=today)
        if proposal is None:
            self.stdout.write("Nothing new is due for destruction.")
            return
        total = proposal.dry_run.get("total", {}).get("removed", {})
        self.stdout.write(
            f"Proposal {proposal.pk}: {proposal.items.count()} units, "
            f"{sum(total.values())} rows in the dry run. A privacy officer decides on it in haard."
        )
