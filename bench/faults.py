"""Database faults during requests: PostgreSQL goes away and comes back.

    uv run python bench/faults.py --database-url postgres://postgres@127.0.0.1:5432/haard_faults

The shared PostgreSQL server is never stopped. The application reaches it through a TCP relay
this script runs on a free local port; "PostgreSQL stops" is the relay closing its port and
cutting every open connection (what the application sees when the server dies), "PostgreSQL
returns" is the relay listening again. The named database is dropped, created and migrated
first, so its name must start with haard_faults.

Each phase sends the same requests in-process (Django's test client, DEBUG off): the sign-in
page, a signed-in page with a session, and an API call with a token. Expected: with the
database up, 200; with it down, a clean 500 page (the error template, no stack trace, no
SQL) or a problem-details answer from the API; after it returns, 200 again without restarting
the application (Django drops the broken connection after the failed request).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import socket
import sys
import threading
from pathlib import Path
from typing import Any


class Relay:
    """A TCP relay from a local port to the database server, that can be cut and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """The server is gone: no new connections, and every open one is reset."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            self._listener.close()
            self._listener = None
        with self._lock:
            for pair in self._pairs:
                for end in pair:
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)
                    end.close()
            self._pairs.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for end in (a, b):
                with contextlib.suppress(OSError):
                    end.close()


def _fresh_database(url: str) -> tuple[str, tuple[str, int], str]:
    import psycopg

    base, name = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    if not name.startswith("haard_faults"):
        raise SystemExit("The database name must start with haard_faults: it is dropped first.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    netloc = base.split("://", 1)[1]
    credentials, _, hostport = netloc.rpartition("@")
    host, _, port = hostport.partition(":")
    return name, (host or "127.0.0.1", int(port or 5432)), credentials


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/haard_faults")
    parser.add_argument("--requests", type=int, default=20, help="requests per kind and phase")
    args = parser.parse_args()

    name, target, credentials = _fresh_database(args.database_url)
    relay = Relay(target)
    relay.start()
    at = f"{credentials}@" if credentials else ""
    os.environ["DATABASE_URL"] = f"postgres://{at}127.0.0.1:{relay.port}/{name}"
    os.environ.setdefault("HAARD_ENV", "test")
    os.environ["HAARD_DEBUG"] = "0"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import close_old_connections
    from django.test import Client
    from django.test.utils import setup_test_environment

    for name in ("django.request", "haard.api"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # the errors are expected
    setup_test_environment()  # the test client's host name is allowed
    call_command("migrate", verbosity=0)

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haard.accounts.models import ApiClient, Membership, Organisation, Role, Team, User
    from haard.accounts.services import issue_api_token

    organisation = Organisation.objects.create(name="Faults", type="veilig_thuis")
    team = Team.objects.create(organisation=organisation, name="Faults")
    user = User.objects.create_user("faults", password="faults-only-password-1")  # noqa: S106
    Membership.objects.create(user=user, team=team, role=Role.objects.get(key="intake_worker"))
    device = TOTPDevice.objects.create(user=user, name="faults", confirmed=True)
    token = issue_api_token(
        client=ApiClient.objects.create(
            name="Faults", organisation=organisation, user=user, scopes=["people:read"]
        )
    )
    browser = Client(raise_request_exception=False)
    browser.force_login(user, backend="haard.accounts.backends.MembershipBackend")
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    api = Client(raise_request_exception=False)

    def ask() -> list[tuple[str, Any]]:
        # A WSGI server's handler closes broken connections at the start and the end of each
        # request (django.db.close_old_connections on request_started/finished); the test
        # client leaves that out, so it is done here as the server would.
        close_old_connections()
        return [
            ("sign-in page", Client(raise_request_exception=False).get("/accounts/login/")),
            ("signed-in page", browser.get("/")),
            ("API", api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")),
        ]

    def clean_failure(kind: str, response: Any) -> str | None:
        body = response.content.decode(errors="replace")
        if kind == "sign-in page" and response.status_code == 200:
            return None  # the empty sign-in form needs no database
        if response.status_code not in (500, 503):
            return f"{kind}: {response.status_code}"
        for leak in ("Traceback", "psycopg", "OperationalError", "SELECT ", "connection to server"):
            if leak in body:
                return f"{kind}: the error answer shows {leak!r}"
        if kind == "API" and not response["Content-Type"].startswith(
            ("application/problem+json", "text/html")
        ):
            return f"{kind}: {response['Content-Type']}"
        return None

    problems: list[str] = []
    figures: dict[str, dict[int, int]] = {}
    for phase in ("up", "down", "back"):
        if phase == "down":
            relay.cut()
        if phase == "back":
            relay.start()
        counts: dict[int, int] = {}
        for _ in range(args.requests):
            for kind, response in ask():
                counts[response.status_code] = counts.get(response.status_code, 0) + 1
                if phase == "down":
                    problem = clean_failure(kind, response)
                elif response.status_code != 200:
                    problem = f"{kind}: {response.status_code} with the database {phase}"
                else:
                    problem = None
                if problem:
                    problems.append(f"{phase}: {problem}")
        figures[phase] = counts
        print(f"database {phase:4}: " + ", ".join(f"{n} × {status}" for status, n in sorted(counts.items())))
    relay.cut()
    from django.db import connections

    connections.close_all()
    import psycopg

    base = args.database_url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for problem in sorted(set(problems)):
        print("PROBLEM", problem)
    print("result:", "clean" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
