"""Time the foundation's pages and API operations in-process against a generated demo region.

    uv run python bench/pages.py --size small --requests 200

Creates a fresh database in a temporary directory (SQLite by default; pass --database-url for
PostgreSQL), generates the demo region, signs in the demo accounts with a verified second
factor and requests each page N times. Prints p50/p95/p99 in milliseconds and the number of
queries per request. In-process timing leaves out the network and the WSGI server; the load
test (Locust against a production server) measures those.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _fresh_postgres_database(url: str) -> None:
    """Drop and create the benchmark database named in `url` (never run against real data)."""
    import psycopg

    server, name = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    if not name.startswith("haard_bench"):
        raise SystemExit("The benchmark database name must start with haard_bench: it is dropped first.")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="small", choices=["small", "region", "national"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="haard-bench-")
    os.environ["HAARD_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
    if args.database_url:
        _fresh_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

    import django
    from django.db.models import Count

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from haard.accounts.models import User
    from haard.cases.models import Case
    from haard.core.models import Municipality
    from haard.demo.generator import generate_region
    from haard.intake.models import Report
    from haard.registry.models import Address, Person

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Keep one connection for the whole run, as an app server with persistent connections does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate_region(size=args.size)
    print(
        f"demo region '{args.size}' generated in {time.perf_counter() - started:.1f} s on {connection.vendor}"
    )

    def signed_in(username: str) -> Client:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user, backend="haard.accounts.backends.MembershipBackend")
        device = user.totpdevice_set.first()  # a policy officer signs in without one
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    manager = User.objects.get(username="regisseur")
    case = Case.objects.visible_to(manager).first()
    person = Person.objects.visible_to(manager).first()
    if case is None or person is None:
        raise SystemExit("The demo region gave the case manager no case: nothing to measure.")
    # The address view of the municipality with the most reports, and the timeline of its
    # busiest address, as the Veilig Thuis intake worker (who sees every report of the region).
    by_reports = Municipality.objects.annotate(n=Count("reports")).order_by("-n")
    busiest = by_reports.values_list("code", flat=True).first()
    address = Address.objects.annotate(n=Count("reports")).order_by("-n").values_list("pk", flat=True).first()
    if busiest is None or address is None or not Report.objects.exists():
        raise SystemExit("The demo region has no reports: nothing to measure.")
    addresses = f"/insight/addresses/?municipality={busiest}"
    targets = [
        ("regisseur", "home", "/"),
        ("regisseur", "case list", "/cases/"),
        ("regisseur", "case detail", f"/cases/{case.pk}/"),
        ("regisseur", "person detail", f"/people/{person.pk}/"),
        ("intake", "person search (page)", f"/people/?q={person.surname[:4]}"),
        ("intake", "person search (API)", f"/api/v1/people/?q={person.surname[:4]}"),
        ("regisseur", "case detail (API)", f"/api/v1/cases/{case.pk}"),
        ("intake", "address view", addresses),
        ("intake", "address view, by count", addresses + "&sort=incidents"),
        ("intake", "address view, page 5", addresses + "&page=5"),
        ("intake", "address timeline", f"/insight/addresses/{address}/"),
        ("intake", "address view (API)", f"/api/v1/insight/addresses?municipality={busiest}"),
        ("beleid", "address figures", f"/insight/addresses/figures/?municipality={busiest}"),
        ("intake", "reconciliation", f"/insight/reconciliation/?municipality={busiest}"),
    ]
    print(f"{'operation':<24} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
    for username, label, url in targets:
        client = signed_in(username)
        client.get(url)
        executed: list[str] = []

        def count(run: Any, sql: str, *rest: Any, log: list[str] = executed) -> Any:
            log.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        cuts = statistics.quantiles(timings, n=100)
        print(f"{label:<24} {cuts[49]:>8.1f} {cuts[94]:>8.1f} {cuts[98]:>8.1f} {len(executed):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
