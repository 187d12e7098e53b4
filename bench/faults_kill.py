"""Faults with SIGKILL: the background worker in the middle of a police import, and the app
server in the middle of a PDF export.

    uv run python -W ignore bench/faults_kill.py --rows 4000

The databases are PostgreSQL databases of their own, dropped and created: --database-url
(its name must start with haard_faults_kill) and the same name with `_ref` for the reference
import. Each gets `migrate` and the small demo region (the same seed, so the same region).

1. Worker killed during an import, once per import mode. The police file of --rows rows
   (`police_import.write_export`: families at addresses, a quarter of the incidents repeats
   of a family seen before) is imported without a fault into the reference database. Then,
   in a fresh database, an officer uploads it (`services.start_import`, which queues the
   task), `manage.py db_worker` (django-tasks-db) picks it up, and when --kill-at of the
   incidents are written (valid rows: the batch's committed counters; all or nothing: the
   incidents' id sequence, which moves before the commit) the worker gets SIGKILL. Then:
   the database state is checked (every incident present is whole: its people links equal
   the reference's; no transaction or lock is left behind). Then the restart the application
   documents: `manage.py resume_imports`, and the worker again, which must finish the killed
   batch within --watch seconds. Then the same file is uploaded once more, and must create
   nothing. At the end the database must equal the reference: the same incidents, the same
   people links per incident, the same number of people and addresses; nothing lost,
   nothing twice.

2. App server killed during a PDF export. granian (production settings, 2 workers; see
   `appserver.py`) serves the small region, with the worker beside it; the demo case manager
   signs in (password and code) and asks for a case's safety plan PDF while an intake system
   sends reports through the API from 4 threads. When the PDF request has been logged (the
   access-log entry is written before the rendering starts) granian's whole process group
   gets SIGKILL. Then: nothing half-written (once the worker has taken them in, every report
   has the two people and the violence type it was sent with, including those whose answer
   was lost; no open transaction or lock; the access log holds the print once), granian
   starts again, and the same session cookie, the PDF (a whole PDF) and the API work at once.
   --pdf-runs repeats this.

3. Worker killed while it takes reports in. With the worker stopped, --take-in-reports
   reports, each with two people new to the register, are sent through the API (answered at
   once, their people kept to be linked). The worker starts, and gets SIGKILL when --kill-at
   of them are taken in. Then: every report is taken in whole (both people linked, the people
   registered, the report in an assessment) or not at all; no transaction or lock is left.
   Then the documented restart (`manage.py resume_intake`, the worker again): every report
   taken in once, two people each, each in one assessment, nobody registered twice.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import appserver

PREFIX = "haard_faults_kill"
EXPORT_SEED = 7
FILE_PREFIX = "PL0900-"  # the registration numbers of police_import.write_export
COUNTED = ("incidents", "people_links", "imported_records", "people", "addresses", "history_rows")


# -- helpers run in a process of their own (Django set up for one database) -------------------


def helper_setup(url: str, var_dir: Path, export: Path, rows: int) -> dict[str, Any]:
    """Fresh database, migrate, small demo region; writes the police file when it is missing."""
    appserver.fresh_database(url, prefix=PREFIX)
    appserver.setup_django(url, var_dir)
    from django.core.management import call_command
    from django.db import connection

    from haard.accounts.models import ApiClient, Membership, Organisation, User
    from haard.accounts.services import issue_api_token
    from haard.cases.models import Case
    from haard.core.models import Municipality
    from haard.demo.demo_users import DEMO_PASSWORD
    from haard.demo.generator import generate_region
    from haard.registry.models import Address

    call_command("migrate", verbosity=0)
    generate_region(size="small")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if not export.exists():
        import police_import

        police_import.write_export(
            export,
            rows=rows,
            seed=EXPORT_SEED,
            municipalities=list(Municipality.objects.values_list("code", flat=True)),
            addresses=[
                (a.postcode, str(a.house_number) + a.house_letter, a.street, a.town, a.municipality.code)
                for a in Address.objects.select_related("municipality").order_by("pk")[:5_000]
            ],
        )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    manager = User.objects.get(username="regisseur")
    case = (
        Case.objects.visible_to(manager)
        .filter(safety_plan__current_version__isnull=False)
        .order_by("pk")
        .first()
    )
    intake = Membership.objects.select_related("team__organisation", "role").get(user__username="intake")
    system = User(username="faults_intake_system")
    system.set_unusable_password()
    system.save()
    Membership.objects.create(user=system, team=intake.team, role=intake.role)
    organisation: Organisation = intake.team.organisation
    client = ApiClient.objects.create(
        name="Faults intake system", organisation=organisation, user=system, scopes=["reports:write"]
    )
    return {
        "password": DEMO_PASSWORD,
        "case_manager": {
            "username": manager.username,
            "totp_key": TOTPDevice.objects.get(user=manager, confirmed=True).key,
        },
        "case": case.pk if case else None,
        "token": issue_api_token(client=client, valid_days=1),
        "municipality": Municipality.objects.order_by("code").values_list("code", flat=True)[0],
    }


def helper_upload(url: str, var_dir: Path, export: Path, mode: str) -> dict[str, Any]:
    """The demo police officer uploads the file: the batch is stored and its task queued for
    the worker (not run at once, as the setup environment would)."""
    appserver.setup_django(url, var_dir, tasks="database")
    from django.core.files import File

    from haard.accounts.models import Organisation, User
    from haard.intake.imports import services

    officer = User.objects.get(username="politie")
    police = Organisation.objects.get(type="police", teams__memberships__user=officer)
    with export.open("rb") as handle:
        batch = services.start_import(
            actor=officer, organisation_id=police.pk, upload=File(handle, name="politie.csv"), mode=mode
        )
    return {"batch": batch.pk}


def run_helper(name: str, url: str, var_dir: Path, **options: Any) -> dict[str, Any]:
    command = [sys.executable, "-W", "ignore", __file__, "--helper", name, "--database-url", url]
    command += ["--var-dir", str(var_dir)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(  # noqa: S603 - this script
        command, env=appserver.setup_env(url, var_dir), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"helper {name} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# -- reading the database directly (psycopg), from the orchestrating process ------------------


def _connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def batch_row(url: str, batch: int) -> dict[str, Any]:
    with _connect(url) as conn:
        cursor = conn.execute(
            "SELECT status, phase, mode, rows_total, rows_written, incidents_total, incidents_created, "
            "incidents_skipped, people_created, people_linked, (file <> '') AS file_kept "
            "FROM police_import_importbatch "
            "WHERE id = %s",
            (batch,),
        )
        names = [c.name for c in cursor.description or []]
        return dict(zip(names, cursor.fetchone() or (), strict=False))


def incident_sequence(url: str) -> int:
    with _connect(url) as conn:
        row = conn.execute("SELECT last_value, is_called FROM intake_policeincident_id_seq").fetchone()
        return int(row[0]) if row and row[1] else 0


def snapshot(url: str) -> dict[str, Any]:
    """What the import wrote: incidents with their people links, and the totals."""
    with _connect(url) as conn:
        links = dict(
            conn.execute(
                "SELECT i.registration_number, count(p.id) FROM intake_policeincident i "
                "LEFT JOIN intake_policeincidentperson p ON p.incident_id = i.id "
                "WHERE i.registration_number LIKE %s GROUP BY i.registration_number",
                (f"{FILE_PREFIX}%",),
            ).fetchall()
        )

        def one(sql: str, *params: object) -> int:
            row = conn.execute(sql, params or None).fetchone()
            return int(row[0]) if row else 0

        return {
            "links": links,
            "incidents": one("SELECT count(*) FROM intake_policeincident"),
            "distinct_numbers": one(
                "SELECT count(DISTINCT (police_organisation_id, registration_number)) "
                "FROM intake_policeincident"
            ),
            "people_links": one("SELECT count(*) FROM intake_policeincidentperson"),
            "imported_records": one("SELECT count(*) FROM police_import_importedincident"),
            "without_record": one(
                "SELECT count(*) FROM intake_policeincident i WHERE i.registration_number LIKE %s "
                "AND NOT EXISTS (SELECT 1 FROM police_import_importedincident r WHERE r.incident_id = i.id)",
                f"{FILE_PREFIX}%",
            ),
            "people": one("SELECT count(*) FROM registry_person"),
            "addresses": one("SELECT count(*) FROM registry_address"),
            "history_rows": one("SELECT count(*) FROM intake_historicalpoliceincident"),
        }


def leftovers(url: str) -> dict[str, int]:
    """Sessions of the database left in a transaction, and locks still held (besides ours).

    A transaction counts as left when it has been idle for over a second: a live worker's
    transactions last milliseconds, one of a killed process stays until PostgreSQL drops it.
    Session locks (advisory) count on any idle session."""
    name = url.rsplit("/", 1)[1]
    with _connect(url) as conn:
        in_transaction = conn.execute(
            "SELECT count(*) FROM pg_stat_activity a WHERE a.datname = %s AND a.pid <> pg_backend_pid() "
            "AND a.state LIKE 'idle in transaction%%' AND a.state_change < now() - interval '1 second'",
            (name,),
        ).fetchone()
        locks = conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE a.datname = %s AND l.pid <> pg_backend_pid() AND l.locktype IN ('relation', 'tuple', "
            "'transactionid', 'advisory') AND l.mode <> 'AccessShareLock' "
            "AND ((a.state LIKE 'idle in transaction%%' AND a.state_change < now() - interval '1 second') "
            "OR (a.state = 'idle' AND l.locktype = 'advisory'))",
            (name,),
        ).fetchone()
        return {
            "sessions in a transaction": int(in_transaction[0]) if in_transaction else 0,
            "locks held": int(locks[0]) if locks else 0,
        }


def task_statuses(url: str) -> dict[str, int]:
    with _connect(url) as conn:
        return dict(
            conn.execute("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status")
        )


# -- scenario 1: the worker ------------------------------------------------------------------


def wait_for(check: Any, *, timeout: float, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return None


def reference_import(url: str, var_dir: Path, export: Path, rows: int) -> dict[str, Any]:
    started = time.perf_counter()
    run_helper("setup", url, var_dir, export=export, rows=rows)
    before = snapshot(url)
    batch = run_helper("upload", url, var_dir, export=export, mode="valid_rows")["batch"]
    worker = appserver.Worker(appserver.production_env(url, var_dir), var_dir / "worker-ref.log")
    worker.start()
    try:
        done = wait_for(
            lambda: batch_row(url, batch)["status"] in ("done", "failed"), timeout=3600, every=0.5
        )
    finally:
        worker.stop()
    row = batch_row(url, batch)
    if not done or row["status"] != "done":
        raise SystemExit(f"The reference import did not finish: {row}")
    after = snapshot(url)
    return {
        "links": after["links"],
        "added": added(before, after),
        "seconds": time.perf_counter() - started,
        "batch": row,
    }


def added(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    return {key: int(after[key]) - int(before[key]) for key in COUNTED}


def kill_worker_during_import(
    *, url: str, var_dir: Path, export: Path, rows: int, mode: str, kill_at: float, watch: float, ref: dict
) -> list[str]:
    problems: list[str] = []
    run_helper("setup", url, var_dir, export=export, rows=rows)
    before = snapshot(url)
    env = appserver.production_env(url, var_dir)
    sequence_start = incident_sequence(url)
    batch = run_helper("upload", url, var_dir, export=export, mode=mode)["batch"]
    target = max(1, int(ref["added"]["incidents"] * kill_at))
    worker = appserver.Worker(env, var_dir / f"worker-{mode}.log")
    worker.start()
    started = time.perf_counter()

    def far_enough() -> bool:
        if mode == "valid_rows":
            return int(batch_row(url, batch)["incidents_created"]) >= target
        return incident_sequence(url) - sequence_start >= target  # uncommitted inserts move it

    if not wait_for(far_enough, timeout=3600, every=0.02):
        worker.stop()
        raise SystemExit(f"{mode}: the import never got to {target} incidents")
    worker.kill()
    killed_after = time.perf_counter() - started
    at_kill = batch_row(url, batch)
    time.sleep(2)  # PostgreSQL notices the closed connection and rolls its transaction back
    left = leftovers(url)
    after_kill = snapshot(url)
    tasks_after_kill = task_statuses(url)
    so_far = added(before, after_kill)
    written = so_far["incidents"]
    half = [n for n, count in after_kill["links"].items() if count != ref["links"].get(n)]
    print(
        f"  {mode}: SIGKILL to the worker after {killed_after:.1f} s with "
        f"{'the committed counters at' if mode == 'valid_rows' else 'the id sequence at'} {target} of "
        f"{ref['added']['incidents']} incidents; batch then {at_kill['status']}/{at_kill['phase']}, "
        f"counters {at_kill['incidents_created']} created"
    )
    print(
        f"  after the kill: {written} incidents of the file in the database, {so_far['people_links']} people "
        f"links, {so_far['people']} new people, "
        f"incidents not whole {len(half)}, incidents without their import record "
        f"{after_kill['without_record']}; {left}; tasks {tasks_after_kill}"
    )
    if half:
        problems.append(f"{mode}: {len(half)} incidents not whole after the kill, e.g. {half[:3]}")
    if after_kill["without_record"]:
        problems.append(f"{mode}: incidents without their import record")
    if any(left.values()):
        problems.append(f"{mode}: left behind after the kill: {left}")
    if mode == "valid_rows" and written != int(at_kill["incidents_created"]):
        problems.append(
            f"{mode}: the batch counts {at_kill['incidents_created']}, the database has {written}"
        )
    if mode == "all_or_nothing" and written:
        problems.append(f"{mode}: {written} incidents of a batch that did not finish")

    # The documented restart: `resume_imports` queues the batch the killed worker left, then
    # the worker starts and finishes it.
    appserver.manage("resume_imports", env=env)
    recovery_started = time.perf_counter()
    worker.start()
    wait_for(lambda: batch_row(url, batch)["status"] in ("done", "failed"), timeout=watch, every=0.2)
    resumed = batch_row(url, batch)
    print(
        f"  resume_imports and the worker started again: the killed batch {resumed['status']} in "
        f"{time.perf_counter() - recovery_started:.1f} s, counters {resumed['incidents_created']} created, "
        f"{resumed['incidents_skipped']} skipped; its stored file kept: {resumed['file_kept']}; "
        f"tasks {task_statuses(url)}"
    )
    if resumed["status"] != "done":
        problems.append(f"{mode}: the resumed batch ended {resumed['status']}/{resumed['phase']}")

    # The same file once more: everything in it is there already, nothing is written twice.
    again = run_helper("upload", url, var_dir, export=export, mode=mode)["batch"]
    wait_for(lambda: batch_row(url, again)["status"] in ("done", "failed"), timeout=3600, every=0.2)
    worker.stop()
    rerun = batch_row(url, again)
    final = snapshot(url)
    print(
        f"  the same file uploaded again: {rerun['status']}, created {rerun['incidents_created']}, "
        f"skipped {rerun['incidents_skipped']}"
    )
    if rerun["incidents_created"]:
        problems.append(f"{mode}: the file uploaded again created {rerun['incidents_created']} incidents")
    lost = sum(count for n, count in ref["links"].items() if n not in final["links"])
    differing = [n for n, count in final["links"].items() if ref["links"].get(n) != count]
    got, wanted = added(before, final), ref["added"]
    print(
        "  against the reference (this run / reference): "
        + "; ".join(f"{k.replace('_', ' ')} {got[k]:,} / {wanted[k]:,}" for k in COUNTED)
        + f"; people links lost {lost}, incidents differing {len(differing)}, "
        f"duplicate registration numbers {final['incidents'] - final['distinct_numbers']}"
    )
    if rerun["status"] != "done":
        problems.append(f"{mode}: the re-upload ended {rerun['status']}")
    problems.extend(
        f"{mode}: {key} {got[key]} instead of {wanted[key]}"
        for key in COUNTED
        if key != "imported_records" and got[key] != wanted[key]
    )
    if got["imported_records"] != wanted["incidents"]:
        problems.append(
            f"{mode}: {got['imported_records']} import records for {wanted['incidents']} incidents"
        )
    if lost or differing or final["incidents"] != final["distinct_numbers"]:
        problems.append(f"{mode}: {lost} links lost, {len(differing)} incidents differ")
    return problems


# -- scenario 2: the app server --------------------------------------------------------------


def kill_server_during_pdf(*, url: str, var_dir: Path, export: Path, runs: int) -> list[str]:
    import requests

    problems: list[str] = []
    data = run_helper("setup", url, var_dir, export=export, rows=10)
    if data["case"] is None:
        raise SystemExit("The small region has no case with a safety plan for the demo case manager.")
    env = appserver.production_env(url, var_dir)
    appserver.manage("collectstatic", "--noinput", env=env)
    server = appserver.Granian(
        env=env, port=appserver.free_port(), workers=2, threads=4, log_path=var_dir / "granian.log"
    )
    server.start()
    # The worker runs beside the app server, as in production; it is not in granian's process
    # group, so it takes in (links the new people of) the reports through the kills.
    worker = appserver.Worker(env, var_dir / "worker-pdf.log")
    worker.start()
    base = server.base_url
    browser = appserver.https_session()
    account = data["case_manager"]
    appserver.sign_in(
        browser, base, username=account["username"], password=data["password"], totp_key=account["totp_key"]
    )
    pdf_url = f"{base}/cases/{data['case']}/plan/print/"
    api = {"Authorization": f"Bearer {data['token']}", **appserver.PROXY_HEADERS}
    sent: list[tuple[str, int | str]] = []  # (narrative marker, status or error)

    def send_reports(stop: threading.Event, thread: int) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            marker = f"faults-kill {thread}-{number}-{time.time_ns()}"
            body = {
                "kind": "report",
                "source": "phone_line",
                "municipality": data["municipality"],
                "violence_types": ["physical"],
                "narrative": marker,
                "people": [
                    {"role": "victim", "first_names": "Anna", "surname": f"Kill{thread}", "gender": "f"},
                    {"role": "suspect", "first_names": "Bram", "surname": f"Kill{thread}", "gender": "m"},
                ],
            }
            try:
                answer = requests.post(f"{base}/api/v1/reports/", json=body, headers=api, timeout=30)
                sent.append((marker, answer.status_code))
            except requests.RequestException as exc:
                sent.append((marker, type(exc).__name__))
                time.sleep(0.2)

    def print_count() -> int:
        with _connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM audit_accesslogentry WHERE action = 'print' AND record_id = %s",
                (str(data["case"]),),
            ).fetchone()
            return int(row[0]) if row else 0

    try:
        for run in range(1, runs + 1):
            stop = threading.Event()
            writers = [threading.Thread(target=send_reports, args=(stop, n), daemon=True) for n in range(4)]
            for thread in writers:
                thread.start()
            time.sleep(1)
            logged_before = print_count()
            outcome: dict[str, Any] = {}

            def fetch_pdf(result: dict[str, Any] = outcome) -> None:
                try:
                    answer = browser.get(pdf_url, timeout=60)
                    result["answer"] = (answer.status_code, len(answer.content), answer.content[:5])
                except requests.RequestException as exc:
                    result["error"] = type(exc).__name__

            pdf = threading.Thread(target=fetch_pdf, daemon=True)
            asked = time.perf_counter()
            pdf.start()
            if not wait_for(lambda before=logged_before: print_count() > before, timeout=60, every=0.01):
                problems.append(f"run {run}: the PDF request was never logged")
            logged_after = time.perf_counter() - asked
            still_rendering = pdf.is_alive()
            pids = server.kill()
            pdf.join(timeout=30)
            stop.set()
            for thread in writers:
                thread.join(timeout=30)
            time.sleep(2)  # as above: a transaction left behind is then over a second old
            left = leftovers(url)
            when = "while it was still rendering" if still_rendering else "after it was answered"
            print(
                f"  run {run}: SIGKILL to granian (pids {pids}) {logged_after * 1000:.0f} ms after the PDF "
                f"request was sent, {when}; "
                f"the client got {outcome.get('error') or outcome.get('answer')}; {left}"
            )
            if not still_rendering:
                problems.append(
                    f"run {run}: the PDF was answered before the kill (not a fault in the middle)"
                )
            if "answer" in outcome and outcome["answer"][0] == 200:
                problems.append(f"run {run}: a 200 answer came through a killed server: {outcome['answer']}")
            if any(left.values()):
                problems.append(f"run {run}: left behind: {left}")
            problems += check_reports(url, sent, run)
            restarted = server.start()
            page = browser.get(f"{base}/cases/{data['case']}/", allow_redirects=False, timeout=60)
            again = browser.get(pdf_url, timeout=120)
            whole = again.content.startswith(b"%PDF-") and b"%%EOF" in again.content[-1024:]
            api_answer = requests.post(
                f"{base}/api/v1/reports/",
                json={
                    "kind": "report",
                    "source": "phone_line",
                    "municipality": data["municipality"],
                    "violence_types": ["physical"],
                    "people": [{"role": "victim", "surname": "Na", "gender": "x"}],
                },
                headers=api,
                timeout=60,
            )
            print(
                f"  run {run}: granian up again in {restarted:.1f} s; with the same session cookie: "
                f"case page {page.status_code}, safety plan PDF {again.status_code} "
                f"({len(again.content):,} bytes, "
                f"{'a whole PDF' if whole else 'NOT a whole PDF'}); API {api_answer.status_code}"
            )
            if (
                page.status_code != 200
                or again.status_code != 200
                or not whole
                or api_answer.status_code != 201
            ):
                problems.append(
                    f"run {run}: after the restart {page.status_code}/{again.status_code}/{whole}"
                )
            sent.clear()
    finally:
        server.stop()
        worker.stop()
    return problems


def waiting_to_be_taken_in(url: str) -> int:
    with _connect(url) as conn:
        row = conn.execute("SELECT count(DISTINCT report_id) FROM intake_givenperson").fetchone()
        return int(row[0]) if row else 0


# -- scenario 3: the worker while it takes reports in -------------------------------------------


def kill_worker_during_take_in(
    *, url: str, var_dir: Path, export: Path, reports: int, kill_at: float
) -> list[str]:
    import requests

    problems: list[str] = []
    data = run_helper("setup", url, var_dir, export=export, rows=10)
    env = appserver.production_env(url, var_dir)
    appserver.manage("collectstatic", "--noinput", env=env)
    server = appserver.Granian(
        env=env, port=appserver.free_port(), workers=2, threads=4, log_path=var_dir / "granian-take-in.log"
    )
    worker = appserver.Worker(env, var_dir / "worker-take-in.log")
    server.start()
    try:
        api = {"Authorization": f"Bearer {data['token']}", **appserver.PROXY_HEADERS}
        answers = []
        for number in range(reports):
            body = {
                "kind": "report",
                "source": "phone_line",
                "municipality": data["municipality"],
                "violence_types": ["physical"],
                "narrative": f"take-in {number}",
                "people": [
                    {
                        "role": "victim",
                        "first_names": "Anna",
                        "surname": f"Takein{number:03d}",
                        "gender": "f",
                    },
                    {
                        "role": "suspect",
                        "first_names": "Bram",
                        "surname": f"Takein{number:03d}",
                        "gender": "m",
                    },
                ],
            }
            answer = requests.post(f"{server.base_url}/api/v1/reports/", json=body, headers=api, timeout=60)
            answers.append(answer.status_code)
        waiting = waiting_to_be_taken_in(url)
        print(
            f"  {reports} reports sent through the API with the worker stopped: answers "
            f"{sorted(set(answers))}, {waiting} waiting to be taken in"
        )
        if set(answers) != {201} or waiting != reports:
            problems.append(f"take-in: the reports were not all answered and queued ({waiting} waiting)")
        target = reports - max(1, int(reports * kill_at))
        started = time.perf_counter()
        worker.start()
        if not wait_for(lambda: waiting_to_be_taken_in(url) <= target, timeout=300, every=0.005):
            problems.append("take-in: the worker never got going")
        worker.kill()
        killed_after = time.perf_counter() - started
        time.sleep(2)
        left = leftovers(url)
        at_kill = take_in_state(url)
        print(
            f"  SIGKILL to the worker after {killed_after:.2f} s: {at_kill['taken_in']} reports taken in, "
            f"{at_kill['waiting']} waiting, {at_kill['half']} half taken in; "
            f"{at_kill['people']} people registered for {2 * at_kill['taken_in']} links; "
            f"{at_kill['assessed']} taken into an assessment; {left}"
        )
        if at_kill["half"] or at_kill["people"] != 2 * at_kill["taken_in"]:
            problems.append(f"take-in: not whole after the kill: {at_kill}")
        if at_kill["assessed"] != at_kill["taken_in"]:
            problems.append(f"take-in: reports taken in without an assessment after the kill: {at_kill}")
        if any(left.values()):
            problems.append(f"take-in: left behind after the kill: {left}")

        appserver.manage("resume_intake", env=env)
        worker.start()
        finished = wait_for(lambda: waiting_to_be_taken_in(url) == 0, timeout=300, every=0.1)
        time.sleep(1)
        worker.stop()
        final = take_in_state(url)
        print(
            f"  resume_intake and the worker started again: {final['taken_in']} taken in, {final['waiting']} "
            f"waiting, {final['half']} half; {final['people']} people registered for {reports} reports; "
            f"{final['assessed']} in an assessment, {final['assessed_twice']} twice; "
            f"people linked twice {final['linked_twice']}; tasks {task_statuses(url)}"
        )
        if not finished or final != {
            "taken_in": reports,
            "waiting": 0,
            "half": 0,
            "people": 2 * reports,
            "assessed": reports,
            "assessed_twice": 0,
            "linked_twice": 0,
        }:
            problems.append(f"take-in: after the restart {final}")
    finally:
        worker.stop()
        server.stop()
    return problems


def take_in_state(url: str) -> dict[str, int]:
    """The reports of scenario 3: taken in (both people linked), waiting (both still given),
    half (anything else); the people registered for them, and their assessments."""
    with _connect(url) as conn:
        rows = conn.execute(
            "SELECT r.id, (SELECT count(*) FROM intake_reportperson p WHERE p.report_id = r.id), "
            "(SELECT count(*) FROM intake_givenperson g WHERE g.report_id = r.id), "
            "(SELECT count(*) FROM triage_assessedreport a WHERE a.report_id = r.id), "
            "(SELECT count(*) - count(DISTINCT p.person_id) FROM intake_reportperson p "
            "WHERE p.report_id = r.id) "
            "FROM intake_report r WHERE r.narrative LIKE 'take-in %%'"
        ).fetchall()
        people = conn.execute("SELECT count(*) FROM registry_person WHERE surname LIKE 'Takein%%'").fetchone()
    return {
        "taken_in": sum(1 for _id, linked, given, _a, _t in rows if (linked, given) == (2, 0)),
        "waiting": sum(1 for _id, linked, given, _a, _t in rows if (linked, given) == (0, 2)),
        "half": sum(1 for _id, linked, given, _a, _t in rows if (linked, given) not in ((2, 0), (0, 2))),
        "people": int(people[0]) if people else 0,
        "assessed": sum(1 for _id, _l, _g, assessed, _t in rows if assessed),
        "assessed_twice": sum(1 for _id, _l, _g, assessed, _t in rows if assessed > 1),
        "linked_twice": sum(1 for *_rest, twice in rows if twice),
    }


def check_reports(url: str, sent: list[tuple[str, int | str]], run: int) -> list[str]:
    """Every report the intake system sent is whole or absent once the worker has taken it in:
    two people linked, one violence type."""
    markers = [marker for marker, _ in sent]
    wait_for(lambda: waiting_to_be_taken_in(url) == 0, timeout=120, every=0.2)
    with _connect(url) as conn:
        rows = conn.execute(
            "SELECT r.narrative, (SELECT count(*) FROM intake_reportperson p WHERE p.report_id = r.id), "
            "(SELECT count(*) FROM intake_report_violence_types v WHERE v.report_id = r.id) "
            "FROM intake_report r WHERE r.narrative = ANY(%s)",
            (markers,),
        ).fetchall()
    stored = {narrative: (people, types) for narrative, people, types in rows}
    created = [m for m, status in sent if status == 201]
    lost_answers = [m for m, status in sent if status != 201]
    committed_unanswered = [m for m in lost_answers if m in stored]
    broken = [m for m, shape in stored.items() if shape != (2, 1)]
    missing = [m for m in created if m not in stored]
    from collections import Counter

    answers = Counter(str(status) for _, status in sent)
    print(
        f"  run {run}: answers {dict(sorted(answers.items()))}; "
        f"reports sent {len(sent)}, answered 201 {len(created)}, no answer {len(lost_answers)} "
        f"(of which stored whole anyway {len(committed_unanswered)}); stored {len(stored)}, "
        f"not whole {len(broken)}, answered but missing {len(missing)}"
    )
    problems = []
    if broken:
        problems.append(f"run {run}: {len(broken)} reports not whole")
    if missing:
        problems.append(f"run {run}: {len(missing)} reports answered 201 but not stored")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"postgres://postgres@127.0.0.1:5432/{PREFIX}")
    parser.add_argument("--rows", type=int, default=4000, help="rows of the police file")
    parser.add_argument(
        "--kill-at", type=float, default=0.4, help="share of the incidents written at the kill"
    )
    parser.add_argument(
        "--watch", type=float, default=600, help="seconds the restarted worker may take to finish the batch"
    )
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--take-in-reports", type=int, default=60, help="reports of the take-in scenario")
    parser.add_argument("--only", choices=["worker", "server", "take-in"], default=None)
    parser.add_argument("--helper", choices=["setup", "upload"], help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    appserver.database_name(args.database_url, prefix=PREFIX)
    if args.helper:
        var_dir, export = Path(args.var_dir), Path(args.export)
        if args.helper == "setup":
            result = helper_setup(args.database_url, var_dir, export, args.rows)
        else:
            result = helper_upload(args.database_url, var_dir, export, args.mode)
        print(json.dumps(result))
        return 0

    import tempfile

    url, ref_url = args.database_url, args.database_url + "_ref"
    problems: list[str] = []
    print(f"load average before: {appserver.load_average()}")
    with tempfile.TemporaryDirectory(prefix="haard-faults-kill-") as workdir:
        var_dir = Path(workdir)
        export = var_dir / "politie.csv"
        try:
            if args.only in (None, "worker"):
                ref = reference_import(ref_url, var_dir, export, args.rows)
                counts = ref["added"]
                print(
                    f"reference import without a fault: {args.rows:,} rows, "
                    f"{counts['incidents']:,} incidents, {counts['people_links']:,} people links, "
                    f"{counts['people']:,} new people, "
                    f"{counts['addresses']:,} new addresses, in {ref['seconds']:.0f} s (with setup)"
                )
                for mode in ("valid_rows", "all_or_nothing"):
                    print(f"worker killed during the import, mode {mode}:")
                    problems += kill_worker_during_import(
                        url=url,
                        var_dir=var_dir,
                        export=export,
                        rows=args.rows,
                        mode=mode,
                        kill_at=args.kill_at,
                        watch=args.watch,
                        ref=ref,
                    )
            if args.only in (None, "take-in"):
                print("worker killed while it takes reports in:")
                problems += kill_worker_during_take_in(
                    url=url,
                    var_dir=var_dir,
                    export=export,
                    reports=args.take_in_reports,
                    kill_at=args.kill_at,
                )
            if args.only in (None, "server"):
                print("app server killed during a PDF export:")
                problems += kill_server_during_pdf(
                    url=url, var_dir=var_dir, export=export, runs=args.pdf_runs
                )
        finally:
            for name in (url, ref_url):
                appserver.drop_database(name, prefix=PREFIX)
    print(f"load average after: {appserver.load_average()}")
    for problem in problems:
        print("PROBLEM", problem)
    print("result:", "clean" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
