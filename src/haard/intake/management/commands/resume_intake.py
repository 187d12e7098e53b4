"""Queue again the reports whose new people a stopped worker left unlinked. Run it before
`db_worker` starts (and after a crash), like `resume_imports`: `manage.py resume_intake`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from haard.intake.services import resume_take_in


class Command(BaseCommand):
    help = "Queue again the reports whose new people are still waiting to be linked."

    def handle(self, *args: Any, **options: Any) -> None:
        resumed = resume_take_in()
        self.stdout.write(f"{len(resumed)} report(s) queued again to be taken in.")
