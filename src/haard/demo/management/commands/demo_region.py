"""`demo_region`: generate the synthetic demo region once; never in production."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haard.demo.generator import SIZES, DemoRegionError, generate_region, region_exists


class Command(BaseCommand):
    help = (
        "Generate the fictitious demo region (municipalities, addresses, people, organisations, "
        "demo accounts and cases). Does nothing when it is already present. Refuses in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the 'created' history record of each row: about twice as fast for large sizes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_region refuses to run in production (HAARD_ENV=production).")
        if region_exists():
            self.stdout.write("The demo region is already present; nothing done.")
            return
        started = time.perf_counter()
        try:
            summary = generate_region(
                size=options["size"], seed=options["seed"], history=not options["no_history"]
            )
        except DemoRegionError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo region generated (size {summary.size}, seed {summary.seed}) in {elapsed:.1f} s."
            )
        )
        counts = summary.counts()
        width = max(len(name) for name in counts)
        for name, value in counts.items():
            self.stdout.write(f"  {name.replace('_', ' '):<{width}}  {value:>9,}")
        self.stdout.write("Run `demo_accounts` for the accounts, their password and codes.")
