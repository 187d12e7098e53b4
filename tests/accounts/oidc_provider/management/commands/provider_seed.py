"""Seed the test provider: its one client (haard) and its users with their groups. Reads JSON
documents from standard input, one a line, and answers each with a line "ok" (or "error: …"),
so the harness changes users between sign-ons without starting Django again. Idempotent:
a user's groups are set to exactly those given."""

import json
import sys
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from oauth2_provider.models import Application


@transaction.atomic
def seed(spec: dict[str, Any]) -> None:
    client = spec.get("client")
    if client:
        Application.objects.update_or_create(
            client_id=client["client_id"],
            defaults={
                "name": "haard",
                "client_secret": client["client_secret"],
                "redirect_uris": client["redirect_uri"],
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            },
        )
    for entry in spec.get("users", []):
        user, _ = User.objects.update_or_create(
            username=entry["username"],
            defaults={
                "first_name": entry.get("given_name", ""),
                "last_name": entry.get("family_name", ""),
                "email": entry.get("email", ""),
            },
        )
        user.set_password(entry["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in entry.get("groups", [])])


class Command(BaseCommand):
    help = "Seed the test identity provider's client and users from JSON lines on stdin."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                seed(json.loads(line))
            except Exception as exc:  # the harness shows it and fails the test
                answer = f"error: {type(exc).__name__}: {exc}"
            else:
                answer = "ok"
            sys.stdout.write(answer + "\n")
            sys.stdout.flush()
