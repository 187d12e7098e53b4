"""`refresh_figures`: rebuild the pre-aggregated figures now, or queue the background task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haard.insight.figures import current_month
from haard.insight.periods import add_months
from haard.insight.summary import refresh_figures
from haard.insight.tasks import refresh_figures_task


class Command(BaseCommand):
    help = (
        "Rebuild the monthly figures that the area scan, the indicators, their exports and the "
        "API read. Idempotent: each run replaces all figures in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the background task instead of running now."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Rebuild only the last N months (this month included); default: everything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months"]
        if months is not None and months < 1:
            raise CommandError("--months must be 1 or more.")
        if options["enqueue"]:
            result = refresh_figures_task.enqueue(months)
            self.stdout.write(f"Queued the refresh as task {result.id}.")
            return
        since = add_months(current_month(), -(months - 1)) if months else None
        refreshed = refresh_figures(since=since)
        for key, rows in refreshed.per_indicator.items():
            self.stdout.write(f"  {key}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"{refreshed.rows} rows in {refreshed.seconds:.2f} s."))
