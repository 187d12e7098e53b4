"""Queue (or with --now, run) today's reminders. Run it daily from a scheduler; running it
twice on one day sends nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haard.work import services, tasks


class Command(BaseCommand):
    help = "Send the reminders of work due: in-app notifications and e-mail (once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run here instead of queueing the task.")
        parser.add_argument("--day", type=date.fromisoformat, help="The day to remind for (YYYY-MM-DD).")

    def handle(self, *args: Any, now: bool = False, day: date | None = None, **options: Any) -> None:
        if now:
            run = services.send_reminders(today=day)
            self.stdout.write(f"{run.day}: {run.notifications} notifications, {run.emails} e-mails sent.")
            return
        result = tasks.send_reminders.enqueue(day.isoformat() if day else None)
        self.stdout.write(f"Reminders queued ({result.id}).")
