"""Load test: Locust against haard served by granian with production settings, on PostgreSQL
with the `region` demo.

    uv run python -W ignore bench/load.py --users 50 --spawn-rate 10 --run-time 5m
    uv run python -W ignore bench/load.py --users 10 --spawn-rate 10 --run-time 30s   # smoke run

Steps: drop and create the database named in --database-url (its name must start with
haard_bench_load), migrate, generate `demo_region --size region`, check that the monthly
figures of the area scan are there (the demo builds them; `refresh_figures` runs only when
they are missing), create load accounts (below), collect the static files, start granian
(WSGI, --workers processes of --threads threads each) with HAARD_ENV=production, run Locust
headless (`bench/locustfile.py`, its CSV files under --csv), stop granian and print p50,
p95, p99 and the failures per operation, with the targets: p95 below 50 ms for the intake
operations and below 100 ms for the case pages, and no errors. Before Locust starts, every
scenario page is asked a few times (the warm-up, not measured; see `warm_up`). --run-time is
the measured period: it begins --settle seconds after every user has signed in, once the
background worker has taken in the reports sent until then (see locustfile.py); the sign-ins
of the ramp-up are printed apart. `--with-ramp-up` counts from the start instead (as
Locust's --run-time does; the figures before December 2026 in RESULTS.md were taken so), and
`--reset-stats` from the end of Locust's spawning. Each user waits --wait seconds (default 3
to 7) between two pieces of work; `--wait 1,3` is a stress variant; `--classes
IntakeWorkerForm IntakeSystemApi` runs only those kinds of user (to see an operation without
the others' load), and `--requests-log FILE` writes every request of the measured period to
FILE. The run prints the load average during the run and the CPU seconds of granian, the
worker, PostgreSQL and Locust (all four share the machine).

Accounts. Every Locust user signs in once, with its own account: password and a code from
its own authenticator (a code is accepted once per 30-second step and device, so accounts are
not shared), and the lockout never comes into play because no sign-in fails. The runner
creates `--users` accounts for each kind of user (nothing in the application changes): intake
workers and address-view readers in the demo intake team of Veilig Thuis, safety assessors in
the assessment team, case managers in the demo case manager's social team (they see that
team's cases), policy officers in the municipality's policy team; and, for the reports API,
API clients of Veilig Thuis with the scopes reports:write and reports:read, each with its
own technical user and a token. Their user names, authenticator keys and tokens, and the ids
the scenarios use (cases, open assessments, addresses, municipalities), go to a JSON file
that the locustfile reads (HAARD_LOAD_FIXTURE).

Production over plain HTTP: see `appserver.py` (the client sends X-Forwarded-Proto: https as
the TLS-terminating proxy does; the runner checks that a request without it is redirected).

`--reuse-database` skips the drop, migrate and generation when the database holds the demo
region already (the load accounts are created again each run).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import appserver

TARGETS_MS = {"intake": 50.0, "case": 100.0}
RAMP_UP_LIMIT_S = 300  # every user must have signed in by then
DRAIN_LIMIT_S = 300  # and the worker must have taken in the ramp-up's reports (locustfile.py)
KINDS = ("intake_form", "intake_api", "assessor", "case_manager", "address_view", "policy")
TEMPLATE_USERS = {  # each kind of load account joins this demo user's team, in the same role
    "intake_form": "intake",
    "address_view": "intake",
    "assessor": "beoordelaar",
    "case_manager": "regisseur",
    "policy": "beleid",
}


def prepare(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    """Database, demo region, figures and load accounts; returns the fixture for Locust."""
    if not args.reuse_database:
        appserver.fresh_database(args.database_url, prefix="haard_bench_load")
    appserver.setup_django(args.database_url, var_dir)
    from django.core.management import call_command
    from django.db import connection

    from haard.demo.generator import region_exists

    call_command("migrate", verbosity=0)
    if not region_exists():
        started = time.perf_counter()
        call_command("demo_region", size=args.size, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # a server in use has its statistics
        seconds = time.perf_counter() - started
        print(f"migrated and generated demo_region --size {args.size} in {seconds:.0f} s")
    from haard.insight.models import FigureCount

    if not FigureCount.objects.exists():
        call_command("refresh_figures", verbosity=0)
    fixture = _accounts_and_ids(args.users)
    connection.close()
    return fixture


def _accounts_and_ids(per_kind: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haard.accounts.models import ApiClient, Membership, Organisation, User
    from haard.accounts.services import TOTP_DEVICE_NAME, issue_api_token, requires_two_factor
    from haard.cases.models import Case
    from haard.core.models import Municipality
    from haard.demo import names
    from haard.demo.demo_users import DEMO_PASSWORD
    from haard.intake.models import PoliceIncident, Report, ReportSource, ViolenceType
    from haard.registry.models import Address
    from haard.triage.models import Assessment, AssessmentStatus, Option

    password_hash = make_password(DEMO_PASSWORD)  # Argon2 once, shared (as the demo does)
    fixture: dict[str, Any] = {"password": DEMO_PASSWORD, "accounts": {}, "api_tokens": [], "warm_up": {}}
    with transaction.atomic():
        User.objects.filter(username__startswith="load_").update(is_active=False)
        run = secrets.token_hex(3)  # fresh names each run: no device has been used yet
        for kind, template in TEMPLATE_USERS.items():
            membership = Membership.objects.select_related("team", "role").get(
                user__username=template, active=True
            )
            accounts = []
            for number in range(1, per_kind + 2):  # one more, for the warm-up
                user = User.objects.create(
                    username=f"load_{run}_{kind}_{number:03d}",
                    first_name="Load",
                    last_name=f"{kind} {number}",
                    password=password_hash,
                )
                Membership.objects.create(user=user, team=membership.team, role=membership.role)
                key = ""
                if requires_two_factor(user):
                    key = secrets.token_hex(20)
                    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
                accounts.append({"username": user.username, "totp_key": key})
            fixture["warm_up"][kind] = accounts.pop()
            fixture["accounts"][kind] = accounts
        intake = Membership.objects.select_related("team__organisation", "role").get(
            user__username="intake", active=True
        )
        organisation: Organisation = intake.team.organisation
        for number in range(1, per_kind + 2):
            user = User(username=f"load_{run}_api_{number:03d}", first_name="API", last_name=str(number))
            user.set_unusable_password()  # a technical user: it acts through its token only
            user.save()
            Membership.objects.create(user=user, team=intake.team, role=intake.role)
            client = ApiClient.objects.create(
                name=f"Load test intake system {run} {number}",
                organisation=organisation,
                user=user,
                scopes=["reports:write", "reports:read"],
            )
            fixture["api_tokens"].append(issue_api_token(client=client, valid_days=1))
        fixture["warm_up"]["intake_api"] = fixture["api_tokens"].pop()

    # The cases every load case manager sees: those of the team (not the demo case
    # manager's own participations).
    case_manager = User.objects.get(username=fixture["accounts"]["case_manager"][0]["username"])
    cases = list(
        Case.objects.visible_to(case_manager)
        .filter(safety_plan__current_version__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    open_assessments = list(
        Assessment.objects.filter(status=AssessmentStatus.OPEN).order_by("pk").values_list("pk", flat=True)
    )
    instrument: dict[str, list[str]] = {}
    if open_assessments:
        first = Assessment.objects.get(pk=open_assessments[0])
        for item_code, option_code in (
            Option.objects.filter(item__instrument=first.instrument)
            .order_by("item__order", "order")
            .values_list("item__code", "code")
        ):
            instrument.setdefault(item_code, []).append(option_code)
    with_reports = Report.objects.exclude(incident_address=None).values_list("incident_address_id", flat=True)
    with_incidents = PoliceIncident.objects.exclude(address=None).values_list("address_id", flat=True)
    address_ids = sorted(set(with_reports[:300]) | set(with_incidents[:300]))
    fixture.update(
        {
            "cases": cases,
            "open_assessments": open_assessments,
            "instrument": instrument,
            "address_ids": address_ids,
            "known_addresses": [
                {
                    "postcode": a.postcode,
                    "house_number": f"{a.house_number}{a.house_letter}"
                    + (f"-{a.addition}" if a.addition else ""),
                    "street": a.street,
                    "town": a.town,
                    "municipality": {"pk": a.municipality_id, "code": a.municipality.code},
                }
                for a in Address.objects.filter(pk__in=address_ids[:200]).select_related("municipality")
            ],
            "municipalities": [{"pk": m.pk, "code": m.code} for m in Municipality.objects.order_by("code")],
            "violence_types": [
                {"pk": v.pk, "code": v.code} for v in ViolenceType.objects.filter(active=True).order_by("pk")
            ],
            "sources": [ReportSource.PHONE_LINE, ReportSource.PROFESSIONAL, ReportSource.CITIZEN],
            # New people in reports take the demo's names, as spread as the register's.
            "first_names": [*names.FEMALE_FIRST_NAMES, *names.MALE_FIRST_NAMES],
            "surnames": [*names.PLAIN_SURNAMES, *(f"{pre} {core}" for pre, core in names.PREFIXED_SURNAMES)],
        }
    )
    for name in ("cases", "open_assessments", "address_ids"):
        if not fixture[name]:
            raise SystemExit(f"The demo region gave no {name.replace('_', ' ')} for the load test.")
    print(
        f"load accounts: {per_kind} per kind ({', '.join(KINDS)}); {len(cases)} cases with a plan, "
        f"{len(open_assessments)} open assessments, {len(address_ids)} addresses with incidents"
    )
    return fixture


def warm_up(base_url: str, fixture: dict[str, Any], *, rounds: int) -> float:
    """A server in use has imported its code and opened its database connections: every
    page of the scenarios is asked `rounds` times first, and a report sent through the API,
    each on a new connection (so that every worker gets its share), with the warm-up
    accounts. Not measured. It doubles as a check: anything but the expected answer stops
    the run before Locust starts."""
    import requests

    started = time.perf_counter()
    sessions = {}
    for kind, account in fixture["warm_up"].items():
        if kind == "intake_api":
            continue
        session = appserver.https_session()
        appserver.sign_in(
            session,
            base_url,
            username=account["username"],
            password=fixture["password"],
            totp_key=account["totp_key"],
        )
        sessions[kind] = session
    municipality = fixture["municipalities"][0]["code"]
    case, assessment = fixture["cases"][0], fixture["open_assessments"][0]
    pages = {
        "intake_form": ["/reports/new/"],
        "assessor": ["/assessments/?show=open", f"/assessments/{assessment}/"],
        "case_manager": ["/cases/", f"/cases/{case}/", f"/cases/{case}/plan/"],
        "address_view": [
            f"/insight/addresses/?municipality={municipality}",
            f"/insight/addresses/{fixture['address_ids'][0]}/",
        ],
        "policy": [f"/insight/area-scan/?municipality={municipality}"],
    }
    api = {"Authorization": f"Bearer {fixture['warm_up']['intake_api']}", **appserver.PROXY_HEADERS}
    for _ in range(rounds):
        for kind, paths in pages.items():
            for path in paths:
                answer = sessions[kind].get(
                    base_url + path, headers={"Connection": "close"}, allow_redirects=False, timeout=60
                )
                if answer.status_code != 200:
                    raise SystemExit(f"warm-up: {path} as {kind} gave {answer.status_code}")
        answer = requests.post(
            f"{base_url}/api/v1/reports/",
            json={
                "kind": "report",
                "source": "phone_line",
                "municipality": municipality,
                "violence_types": [fixture["violence_types"][0]["code"]],
                "people": [
                    {"role": "victim", "first_names": "Warm", "surname": "Up", "gender": "x"},
                    {"role": "suspect", "first_names": "Warm", "surname": "Up", "gender": "x"},
                ],
            },
            headers={**api, "Connection": "close"},
            timeout=60,
        )
        if answer.status_code != 201:
            raise SystemExit(f"warm-up: the reports API gave {answer.status_code}")
    return time.perf_counter() - started


class LoadSampler:
    """The 1-minute load average every 5 seconds while Locust runs."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import os

        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(5)


def _cpu_times(pid: int) -> tuple[float, float] | None:
    """A process's own CPU seconds and those of its children that ended and were reaped, or
    None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    own = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return own, (int(fields[13]) + int(fields[14])) / ticks  # cutime + cstime


def _cpu_seconds(pids: list[int]) -> float:
    return sum(times[0] for times in map(_cpu_times, pids) if times is not None)


def _seconds(timespan: str) -> int:
    """Locust's --run-time ("300", "300s", "5m", "1h30m") in seconds. Not Locust's own parser:
    importing locust patches the standard library for gevent, which this runner and
    profile_requests.py (which imports this module) must not be."""
    import re

    if timespan.strip().isdigit():
        return int(timespan)
    parts = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*", timespan)
    if not parts or not any(parts.groups()):
        raise SystemExit(f"--run-time {timespan!r}: write it as 300, 300s, 5m or 1h30m")
    hours, minutes, seconds = (int(g or 0) for g in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


def _postgres_cpu() -> tuple[dict[int, float], float]:
    """The CPU seconds of every PostgreSQL process on this machine, by process id, and those
    of the processes that ended (the server reaps its backends: its children's time)."""
    running: dict[int, float] = {}
    reaped = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or not (entry / "comm").read_text().startswith("postgres"):
                continue
        except OSError:
            continue
        times = _cpu_times(int(entry.name))
        if times is not None:
            running[int(entry.name)] = times[0]
            reaped += times[1]
    return running, reaped


def _postgres_cpu_since(before: tuple[dict[int, float], float]) -> float:
    """PostgreSQL's CPU seconds since `before`: of the processes running now, those that ended
    in between (a backend lives as long as an app server's connection, CONN_MAX_AGE), less
    what the ended ones had used before."""
    (running_before, reaped_before), (running, reaped) = before, _postgres_cpu()
    ended_before = sum(cpu for pid, cpu in running_before.items() if pid not in running)
    return (
        sum(cpu - running_before.get(pid, 0.0) for pid, cpu in running.items())
        + (reaped - reaped_before)
        - ended_before
    )


def _check_proxy_rule(base_url: str) -> None:
    """Production refuses plain HTTP without the proxy's header: a redirect to https."""
    import requests

    plain = requests.get(f"{base_url}/accounts/login/", allow_redirects=False, timeout=10)
    location = plain.headers.get("Location", "")
    if plain.status_code != 301 or not location.startswith("https://"):
        raise SystemExit(f"Expected production's redirect to https, got {plain.status_code} {location!r}.")
    proxied = requests.get(f"{base_url}/accounts/login/", headers=appserver.PROXY_HEADERS, timeout=10)
    if proxied.status_code != 200 or "Strict-Transport-Security" not in proxied.headers:
        raise SystemExit("Expected the sign-in page with HSTS through the proxy header.")


def print_ramp_up(path: Path, *, users: int, measure: int) -> bool:
    """The ramp-up, apart from the measured period: how long the sign-ins took. False when
    not every user signed in (the locustfile then never began the measured period)."""
    if not path.exists():
        print(f"Not all {users} users signed in within {RAMP_UP_LIMIT_S} s: nothing was measured.")
        return False
    ramp_up = json.loads(path.read_text())
    seconds = ramp_up["seconds"]
    drained = ramp_up.get("drained", 0)
    print(
        f"\nramp-up (not measured): every one of {users} users signed in, and settled, after {seconds} s"
        f" (of which {drained} s waiting for the worker to take in the ramp-up's reports)"
    )
    for name, entry in sorted(ramp_up["operations"].items()):
        print(
            f"  {name}: {entry['requests']} requests, {entry['failures']} failures, "
            f"p50 {entry['p50']} ms, p95 {entry['p95']} ms, max {entry['max']:.0f} ms"
        )
    print(f"measured period: {measure} s from then on")
    return True


def report(prefix: Path) -> tuple[list[dict[str, str]], bool]:
    """Print the operations of Locust's CSV with their percentiles; returns the rows and
    whether every target was met."""
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        # Operations of the ramp-up only (the sign-ins) have no requests in the measured period.
        rows = [r for r in csv.DictReader(handle) if int(r["Request Count"]) or int(r["Failure Count"])]
    print()
    print("| operation | requests | failures | p50 ms | p95 ms | p99 ms | target p95 | met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    all_met = True
    for row in rows:
        name = row["Name"]
        target = next((ms for start, ms in TARGETS_MS.items() if name.startswith(start)), None)
        failures = int(row["Failure Count"])
        p95 = float(row["95%"]) if row["95%"] not in ("", "N/A") else float("nan")
        met = ""
        if name != "Aggregated":
            ok = failures == 0 and (target is None or p95 < target)
            all_met &= ok
            met = "yes" if ok else "**no**"
        print(
            f"| {name} | {int(row['Request Count']):,} | {failures} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {f'< {target:.0f} ms' if target else '–'} | {met} |"
        )
    failures_csv = prefix.parent / f"{prefix.name}_failures.csv"
    if failures_csv.exists():
        with failures_csv.open() as handle:
            for row in csv.DictReader(handle):
                print(f"failure: {row['Method']} {row['Name']}: {row['Error']} × {row['Occurrences']}")
    return rows, all_met


def _wait_for_take_in(database_url: str, *, timeout: float = 60) -> int:
    """Wait until the worker has taken in every report sent; the number still waiting."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url) as conn:
        while True:
            row = conn.execute("SELECT count(DISTINCT report_id) FROM intake_givenperson").fetchone()
            conn.commit()
            waiting = int(row[0]) if row else 0
            if not waiting or time.monotonic() > deadline:
                return waiting
            time.sleep(0.5)


def print_take_in(database_url: str, *, since: float, still_waiting: int) -> None:
    """How long reports waited for the worker to link their people: from queued to done."""
    import psycopg

    query = """
        SELECT 1000 * EXTRACT(EPOCH FROM finished_at - enqueued_at), status
        FROM django_tasks_database_dbtaskresult
        WHERE task_path = 'haard.intake.tasks.take_in_report' AND enqueued_at >= to_timestamp(%s)
    """
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(query, (since,)).fetchall()
    delays = [float(ms) for ms, _status in rows if ms is not None]
    failed = sum(1 for _ms, status in rows if status == "FAILED")
    if not rows:
        print("taken in by the worker: no reports")
        return
    cuts = statistics.quantiles(delays, n=100) if len(delays) > 1 else (delays or [0.0]) * 99
    print(
        f"taken in by the worker: {len(rows):,} reports, {failed} failed, {still_waiting} still waiting "
        f"at the end; from queued to linked p50 {cuts[49]:.0f} ms, p95 {cuts[94]:.0f} ms, "
        f"max {max(delays, default=0):.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/haard_bench_load")
    parser.add_argument("--size", default="region", choices=["small", "region", "national"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument(
        "--wait",
        default="3,7",
        help="seconds each user waits between two pieces of work, MIN,MAX (locustfile.py)",
    )
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--threads", type=int, default=4, help="blocking threads per granian worker")
    parser.add_argument(
        "--classes",
        nargs="+",
        default=[],
        metavar="CLASS",
        help="only these user classes of locustfile.py (e.g. IntakeWorkerForm IntakeSystemApi); default all",
    )
    parser.add_argument(
        "--requests-log",
        default="",
        metavar="FILE",
        help="write every request of the measured period to FILE: end time, operation, ms, failed",
    )
    parser.add_argument("--csv", default=None, help="prefix of Locust's CSV files (default: a temp dir)")
    parser.add_argument(
        "--with-ramp-up",
        action="store_true",
        help="count from the start, the sign-ins of the ramp-up included (Locust's --run-time)",
    )
    parser.add_argument(
        "--settle",
        type=int,
        default=30,
        help="seconds between the last sign-in and the measured period (the sign-ins' backlog clears)",
    )
    parser.add_argument(
        "--reset-stats",
        action="store_true",
        help="count from the end of Locust's spawning (Locust's --reset-stats); sign-ins may go on",
    )
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
    args = parser.parse_args()
    appserver.database_name(args.database_url, prefix="haard_bench_load")

    with tempfile.TemporaryDirectory(prefix="haard-load-") as workdir:
        var_dir = Path(workdir)
        print(f"load average before: {appserver.load_average()}")
        fixture = prepare(args, var_dir)
        fixture_path = var_dir / "fixture.json"
        fixture_path.write_text(json.dumps(fixture))
        port = appserver.free_port()
        env = appserver.production_env(args.database_url, var_dir)
        appserver.manage("collectstatic", "--noinput", env=env)
        server = appserver.Granian(
            env=env, port=port, workers=args.workers, threads=args.threads, log_path=var_dir / "granian.log"
        )
        print(f"granian {' '.join(server.command()[1:])} (HAARD_ENV=production) up in {server.start():.1f} s")
        # Reports are taken in (their new people linked) by the background worker, as in
        # production: it runs on the same two cores, niced, and its CPU is counted below.
        # `resume_intake` first, as in production: a run stopped earlier may have left reports.
        appserver.manage("resume_intake", env=env)
        worker = appserver.Worker(env, var_dir / "worker.log", nice=10)
        worker.start()
        prefix = Path(args.csv) if args.csv else var_dir / "locust"
        prefix.parent.mkdir(parents=True, exist_ok=True)
        try:
            _check_proxy_rule(server.base_url)
            rounds = 2 * args.workers
            seconds = warm_up(server.base_url, fixture, rounds=rounds)
            print(f"warm-up: every scenario page {rounds} times in {seconds:.0f} s")
            after_sign_in = not (args.with_ramp_up or args.reset_stats)
            measure = _seconds(args.run_time)
            ramp_up_file = var_dir / "ramp_up.json"
            # After sign-in, the locustfile ends the run; --run-time is then only a safety net.
            run_time = (
                f"{measure + args.settle + RAMP_UP_LIMIT_S + DRAIN_LIMIT_S}s"
                if after_sign_in
                else args.run_time
            )
            command = [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                server.base_url,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                run_time,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
                *(["--reset-stats"] if args.reset_stats else []),
                *args.classes,
            ]
            measured = {
                "HAARD_LOAD_MEASURE": str(measure),
                "HAARD_LOAD_SETTLE": str(args.settle),
                "HAARD_LOAD_DRAIN_LIMIT": str(DRAIN_LIMIT_S),
                "HAARD_LOAD_RAMP_UP": str(ramp_up_file),
            }
            requests_log = (
                {"HAARD_LOAD_REQUESTS_LOG": str(Path(args.requests_log).resolve())}
                if args.requests_log
                else {}
            )
            load_env = {
                **env,
                "HAARD_LOAD_FIXTURE": str(fixture_path),
                "HAARD_LOAD_WAIT": args.wait,
                **requests_log,
                **(measured if after_sign_in else {}),
            }
            shown = " ".join(f"{k}={v}" for k, v in load_env.items() if k.startswith("HAARD_LOAD_"))
            print(f"locust {' '.join(command[4:])} ({shown})")
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            server_cpu_before = _cpu_seconds(server.pids())
            worker_cpu_before = _cpu_seconds(worker.pids())
            postgres_cpu_before = _postgres_cpu()
            measured_from = time.time()
            started = time.perf_counter()
            with LoadSampler() as sampler:
                locust = subprocess.run(  # noqa: S603 - locust of this virtual environment
                    command,
                    env=load_env,
                    cwd=appserver.ROOT,
                    check=False,
                    capture_output=True,
                    text=True,
                )
            wall = time.perf_counter() - started
            children_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # Locust, before granian ends
            server_cpu = _cpu_seconds(server.pids()) - server_cpu_before
            postgres_cpu = _postgres_cpu_since(postgres_cpu_before)
            waiting = _wait_for_take_in(args.database_url)
            worker_cpu = _cpu_seconds(worker.pids()) - worker_cpu_before
        finally:
            server.stop()
            worker.stop()
        locust_cpu = (children_after.ru_utime + children_after.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        if locust.returncode not in (0, 1):  # 1: some requests failed (shown below)
            print(locust.stdout[-5000:], locust.stderr[-5000:])
            raise SystemExit(f"locust ended with {locust.returncode}")
        said = [line for line in locust.stderr.splitlines() if line.strip()]
        if said:
            print("Locust's own messages (last 40 lines):")
            print("\n".join(said[-40:]))
        server_log = (var_dir / "granian.log").read_text(errors="replace")
        server_errors = server_log.count("level=ERROR")
        worker_log = (var_dir / "worker.log").read_text(errors="replace")
        server_errors += worker_log.count("Traceback")
        all_signed_in = (
            print_ramp_up(ramp_up_file, users=args.users, measure=measure) if after_sign_in else True
        )
        rows, all_met = report(prefix)
        all_met &= all_signed_in
        total = next((r for r in rows if r["Name"] == "Aggregated"), None)
        loads = sampler.samples or [0.0]
        print()
        print(
            f"{wall:.0f} s; load average (1 min) during the run: start {loads[0]:.2f}, "
            f"max {max(loads):.2f}, end {loads[-1]:.2f}; after: {appserver.load_average()}"
        )
        print(
            f"CPU seconds: granian {server_cpu:.0f}, worker {worker_cpu:.0f}, PostgreSQL {postgres_cpu:.0f}, "
            f"Locust {locust_cpu:.0f} "
            f"(2 cores = {2 * wall:.0f} available)"
        )
        if after_sign_in and ramp_up_file.exists():  # the reports of the measured period only
            measured_from = json.loads(ramp_up_file.read_text()).get("measured_from", measured_from)
        print_take_in(args.database_url, since=measured_from, still_waiting=waiting)
        if total is not None and int(total["Request Count"]):
            count = int(total["Request Count"])
            print(
                f"{count:,} requests, {float(total['Requests/s']):.1f} per second; granian CPU "
                f"{1000 * server_cpu / count:.0f} ms per request (PostgreSQL's not counted)"
            )
        print(f"server log: {server_errors} errors")
        if server_errors:
            print(server_log[-3000:])
        if args.csv:
            print(f"Locust CSV: {prefix}_stats.csv, {prefix}_failures.csv")
    if not args.keep_database:
        appserver.drop_database(args.database_url, prefix="haard_bench_load")
    return 0 if all_met and not server_errors else 1


if __name__ == "__main__":
    sys.exit(main())
