"""Where the time of the load test's requests goes: each scenario of `locustfile.py` run
in-process, with production settings, against the load test's database, under cProfile.

    uv run python -W ignore bench/load.py --users 5 --run-time 10s --keep-database   # once
    uv run python -W ignore bench/profile_requests.py --requests 30
    uv run python -W ignore bench/profile_requests.py --requests 30 --only "case page" --top 40
    uv run python -W ignore bench/profile_requests.py --requests 10 --calls

For every operation it prints the wall and CPU milliseconds per request (median), the CPU
milliseconds of its PostgreSQL backend per request (mean; the server must run on this machine)
and the SQL statements per request; with --calls, the Python function calls per request (mean; unlike
time, this does not depend on how fast the machine is that day); with --top, the functions
that took the most time (own time and cumulative) over all requests of the operations chosen.
The requests go through the whole middleware stack (Django's test client) with the production
settings of `appserver.py`, as accounts created like the load test's (signed in with password
and authenticator code). The network and the WSGI server are left out: the load test
measures those.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import appserver
import load


def _setup(database_url: str, var_dir: Path) -> None:
    for key in [k for k in os.environ if k.startswith("HAARD_")]:
        del os.environ[key]
    os.environ.update(appserver.production_env(database_url, var_dir))
    os.environ["HAARD_ALLOWED_HOSTS"] = "testserver"
    if str(appserver.SRC) not in sys.path:
        sys.path.insert(0, str(appserver.SRC))
    import django

    django.setup()


def _signed_in(account: dict[str, str], password: str) -> Any:
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    answer = client.post("/accounts/login/", {"username": account["username"], "password": password})
    if answer.status_code != 302:
        raise SystemExit(f"sign-in of {account['username']} gave {answer.status_code}")
    if account["totp_key"]:
        code = appserver.totp_now(account["totp_key"])
        answer = client.post("/accounts/verify/", {"token": code})
        if answer.status_code != 302 or "/accounts/" in answer.headers.get("Location", ""):
            raise SystemExit(f"second factor of {account['username']} refused")
    return client


def operations(fixture: dict[str, Any]) -> list[tuple[str, str, Callable[[Any, int], Any]]]:
    """(operation, kind of account, request) for every operation of the locustfile."""
    import json

    municipality = fixture["municipalities"][0]
    address = fixture["known_addresses"][-1]  # reports go here: the timeline below stays the same
    violence = fixture["violence_types"][0]

    submitted: dict[str, str] = {}

    def report_form(client: Any, n: int) -> Any:
        answer = _post_report(client, n)
        submitted["location"] = answer.headers.get("Location", "")
        return answer

    def report_page(client: Any, n: int) -> Any:
        if not submitted:
            report_form(client, -1)
        return client.get(submitted["location"])

    def _post_report(client: Any, n: int) -> Any:
        return client.post(
            "/reports/new/",
            {
                "kind": "report",
                "source": "phone_line",
                "received_at": time.strftime("%Y-%m-%dT%H:%M"),
                "violence_types": [str(violence["pk"])],
                "initial_severity": "2",
                "narrative": "Melding via de telefoon.",
                "municipality": str(address["municipality"]["pk"]),
                **{f: address[f] for f in ("postcode", "house_number", "street", "town")},
                "people-TOTAL_FORMS": "2",
                "people-INITIAL_FORMS": "0",
                "people-MIN_NUM_FORMS": "0",
                "people-MAX_NUM_FORMS": "30",
                **{
                    f"people-{i}-{field}": value
                    for i, role in enumerate(["victim", "suspect"])
                    for field, value in {
                        "person": "new",
                        "role": role,
                        "first_names": "Anna",
                        "surname": f"Profiel{n}",
                        "birth_date": "1990-01-01",
                        "gender": "f",
                    }.items()
                },
            },
        )

    def api_send(client: Any, n: int) -> Any:
        body = {
            "kind": "report",
            "source": "professional",
            "municipality": address["municipality"]["code"],
            "address": {k: address[k] for k in ("postcode", "house_number", "street", "town")},
            "violence_types": [violence["code"]],
            "initial_severity": 2,
            "people": [
                {"role": "victim", "first_names": "Noor", "surname": f"Api{n}", "gender": "f"},
                {"role": "suspect", "first_names": "Daan", "surname": f"Api{n}", "gender": "m"},
            ],
        }
        return client.post("/api/v1/reports/", json.dumps(body), content_type="application/json")

    last_report: dict[str, int] = {}

    def api_read(client: Any, n: int) -> Any:
        if "id" not in last_report:
            last_report["id"] = api_send(client, 0).json()["id"]
        return client.get(f"/api/v1/reports/{last_report['id']}")

    assessment = fixture["open_assessments"][0]
    answers = {f"item_{item}": options[0] for item, options in fixture["instrument"].items()}
    case = fixture["cases"][0]

    def get(url: str) -> Callable[[Any, int], Any]:
        return lambda client, n: client.get(url)

    return [
        ("intake form: open", "intake_form", get("/reports/new/")),
        ("intake form: submit", "intake_form", report_form),
        ("intake: report page", "intake_form", report_page),
        ("intake API: send report", "intake_api", api_send),
        ("intake API: read report", "intake_api", api_read),
        ("assessment: open list", "assessor", get("/assessments/?show=open")),
        ("assessment: open one", "assessor", get(f"/assessments/{assessment}/")),
        (
            "assessment: save answers",
            "assessor",
            lambda client, n: client.post(
                f"/assessments/{assessment}/", {"notes": "Gesprek gevoerd.", "action": "save", **answers}
            ),
        ),
        ("case list", "case_manager", get("/cases/")),
        ("case page", "case_manager", get(f"/cases/{case}/")),
        ("case plan", "case_manager", get(f"/cases/{case}/plan/")),
        (
            "address view: list",
            "address_view",
            get(f"/insight/addresses/?municipality={municipality['code']}"),
        ),
        ("address view: address", "address_view", get(f"/insight/addresses/{fixture['address_ids'][1]}/")),
        ("area scan", "policy", get(f"/insight/area-scan/?municipality={municipality['code']}")),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/haard_bench_load")
    parser.add_argument("--requests", type=int, default=30, help="requests per operation")
    parser.add_argument("--only", action="append", default=[], help="operations to profile (default: all)")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--filter", default="", help="only functions whose path matches (e.g. haard)")
    parser.add_argument("--sql-width", type=int, default=300, help="with --sql: characters per statement")
    parser.add_argument("--dump", default="", help="with --top: also write the profile to this file")
    parser.add_argument(
        "--calls", action="store_true", help="count the Python function calls of every request"
    )
    parser.add_argument(
        "--sql", action="store_true", help="print the SQL of the last request of each operation"
    )
    args = parser.parse_args()
    if args.calls and args.top:
        parser.error("--calls and --top each profile every request: choose one")

    _setup(args.database_url, Path(tempfile.mkdtemp(prefix="haard-profile-")))
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection

    # One connection for the whole run, as the app server's persistent connections.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    fixture = load._accounts_and_ids(1)
    clients: dict[str, Any] = {}
    for kind, accounts in fixture["accounts"].items():
        clients[kind] = _signed_in(accounts[0], fixture["password"])
    from django.test import Client

    clients["intake_api"] = Client(
        HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=f"Bearer {fixture['api_tokens'][0]}"
    )

    executed: list[str] = []

    def count(run: Any, sql: str, *rest: Any) -> Any:
        started = time.perf_counter()
        try:
            return run(sql, *rest)
        finally:
            executed.append(f"{(time.perf_counter() - started) * 1000:6.2f} ms  {sql}")

    profile = cProfile.Profile()
    heading = f"{'operation':<28} {'wall ms':>8} {'cpu ms':>8} {'pg ms':>6} {'SQL':>5}"
    print(heading + (f" {'calls':>9}" if args.calls else ""))
    for name, kind, request in operations(fixture):
        chosen = not args.only or name in args.only
        client = clients[kind]
        for warm in range(3):
            answer = request(client, -1 - warm)
            if answer.status_code not in (200, 201, 302):
                raise SystemExit(f"{name}: {answer.status_code} {answer.content[:300]!r}")
        walls, cpus, statements, calls = [], [], [], []
        backend = connection.connection.info.backend_pid  # on this machine: its CPU in /proc
        backend_cpu = load._cpu_seconds([backend])
        for n in range(args.requests):
            executed.clear()
            with connection.execute_wrapper(count):
                wall, cpu = time.perf_counter(), time.process_time()
                counter = cProfile.Profile() if args.calls else None
                if counter is not None:
                    counter.enable()
                elif chosen and args.top:
                    profile.enable()
                request(client, n)
                if counter is not None:
                    counter.disable()
                    calls.append(pstats.Stats(counter).total_calls)  # type: ignore[attr-defined]
                elif chosen and args.top:
                    profile.disable()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            statements.append(len(executed))
        if chosen and args.sql:
            print(*(f"    {sql[: args.sql_width]}" for sql in executed), sep="\n")
        postgres_ms = (load._cpu_seconds([backend]) - backend_cpu) * 1000 / args.requests
        print(
            f"{name:<28} {statistics.median(walls):8.1f} {statistics.median(cpus):8.1f} {postgres_ms:6.1f} "
            f"{statistics.median(statements):5.0f}" + (f" {statistics.mean(calls):9,.0f}" if calls else "")
        )
    if args.top:
        stats = pstats.Stats(profile)
        restrictions: list[Any] = [args.filter, args.top] if args.filter else [args.top]
        if args.dump:
            profile.dump_stats(args.dump)
        stats.sort_stats("tottime").print_stats(*restrictions)
        stats.sort_stats("cumulative").print_stats(*restrictions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
