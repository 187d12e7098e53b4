"""Load a safety-assessment instrument from a JSON file (see haard.triage.instrument)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from haard.triage import instrument as instruments
from haard.triage.models import Instrument, Item, Option, Rule


class Command(BaseCommand):
    help = "Check an instrument file and load it; it becomes the active instrument unless --inactive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the instrument as a JSON file")
        parser.add_argument("--check", action="store_true", help="only check the file, store nothing")
        parser.add_argument(
            "--inactive", action="store_true", help="load without making it the active instrument"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = instruments.read_file(options["path"])
            if options["check"]:
                self.stdout.write(
                    self.style.SUCCESS(f"{data['key']} version {data.get('version', 1)} is valid.")
                )
                return
            with transaction.atomic():
                loaded = instruments.store(
                    data,
                    models={"Instrument": Instrument, "Item": Item, "Option": Option, "Rule": Rule},
                    activate=not options["inactive"],
                )
        except instruments.InstrumentError as exc:
            raise CommandError("The instrument file is not valid:\n- " + "\n- ".join(exc.problems)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {loaded} with {loaded.items.count()} items and {loaded.rules.count()} rules"
                f"{'' if options['inactive'] else ' (active)'}."
            )
        )
