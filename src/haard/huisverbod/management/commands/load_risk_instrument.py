"""Load a region's licensed risk-instrument texts (JSON in the shape of
haard/huisverbod/instruments/demo_rihg.json) as the next active version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haard.huisverbod.risk import load_instrument


class Command(BaseCommand):
    help = "Load a risk instrument (three parts of signs) from a JSON file and make it active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["path"].read_text(encoding="utf-8"))
            instrument = load_instrument(data)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot load {options['path']}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Loaded {instrument} ({instrument.parts.count()} parts).")
