"""Queue again the police imports a stopped worker left running. Run it before `db_worker`
starts (and after a crash): `manage.py resume_imports`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from haard.intake.imports.services import resume_stopped_imports


class Command(BaseCommand):
    help = "Queue again the police imports that a stopped worker left running."

    def handle(self, *args: Any, **options: Any) -> None:
        resumed = resume_stopped_imports()
        self.stdout.write(f"{len(resumed)} police import(s) queued again.")
