"""`demo_accounts`: show how to sign in to each demo account right now; never in production."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haard.demo.demo_users import DEMO_PASSWORD, describe_demo_accounts


class Command(BaseCommand):
    help = (
        "List the demo accounts with password, role, organisation, authenticator secret, the "
        "authenticator code valid now, and unused backup codes. Refuses in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_accounts refuses to run in production (HAARD_ENV=production).")
        statuses = describe_demo_accounts()
        if not statuses:
            raise CommandError("There are no demo accounts. Run `demo_region` first.")
        header = ("user name", "password", "role", "organisation", "TOTP secret (base32)", "code now")
        rows = [
            (
                s.account.username,
                DEMO_PASSWORD if s.password_unchanged else "(changed)",
                s.account.role_label,
                f"{s.account.organisation} – {s.team}" if s.team else s.account.organisation,
                s.account.totp_secret or "(no second factor)",
                s.current_code or "-",
            )
            for s in statuses
        ]
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write(self.style.MIGRATE_HEADING(line(header).rstrip()))
        self.stdout.write("  ".join("-" * width for width in widths))
        for status, row in zip(statuses, rows, strict=True):
            self.stdout.write(line(row).rstrip())
            if status.account.backup_codes:
                self.stdout.write(f"    backup codes: {' '.join(status.account.backup_codes)}")
        seconds_left = 30 - int(time.time()) % 30
        self.stdout.write(
            f"\nCodes change every 30 seconds; these are valid for about {seconds_left} s more. "
            "Add a secret to an authenticator app to get your own codes. Each backup code works once."
        )
