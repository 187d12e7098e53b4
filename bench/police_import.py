"""Measure the police import: throughput (rows per second) and peak memory.

    uv run python -W ignore bench/police_import.py --rows 100000
    uv run python -W ignore bench/police_import.py --rows 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/haard_bench_import

Creates a fresh database (SQLite in a temporary directory by default; the PostgreSQL database
named in --database-url is dropped and created, and its name must start with haard_bench),
generates the small demo region, and writes a synthetic police export of --rows rows: one row
per person, 1 to 4 people per incident (2.5 on average); a quarter of the incidents are repeats
in a family seen before (the same people at the same address, to be linked), 15% of the
families live at an address of the demo region. The same seed gives the same file. It then
imports the file as the demo police officer through `services.start_import` and
`services.run_batch` (the worker's code, run in this process), and imports it a second time
(every incident a duplicate). On PostgreSQL a thread runs ANALYZE on the growing tables every
30 seconds meanwhile, as autovacuum would (see `AutoAnalyze`).

Prints the time, rows per second, SQL statements per row and the peak resident memory of the
process during each import (on Linux the peak is reset before it through /proc/self/clear_refs;
elsewhere it is the peak of the whole process, demo region included).
With --tracemalloc the peak of Python allocations during the import is measured as well (in a
run of its own: tracing slows Python down).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from haard.demo.names import PLAIN_SURNAMES
from haard.intake.imports.columns import COLUMNS

HEADER = [column.header for column in COLUMNS]
FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Emma",
    "Fatima",
    "Gerrit",
    "Hanna",
    "Ibrahim",
    "Jasmijn",
    "Kees",
    "Lotte",
    "Mohammed",
    "Noor",
    "Oscar",
    "Priya",
    "Quinten",
    "Rosa",
    "Sem",
    "Tess",
]
# Thirty surnames: twenty of the demo region's and ten more from elsewhere.
SURNAMES = [
    *PLAIN_SURNAMES[:20],
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "Wijaya",
    "Pinas",
    "Martina",
    "Nguyen",
    "Kowalski",
    "Haddou",
    "Öztürk",
]
PREFIXES = ["", "", "", "van", "de", "van der", "van den", "ter"]
INCIDENT_CODES = ["HG-FYS", "HG-PSY", "HG-RUZIE", "HG-STALK", "HG-SEKS", "KM-GETUIGE", "KM-VERW", "HG-DREIG"]
STREETS = ["Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Beukenlaan"]


def _fresh_postgres_database(url: str) -> None:
    """Drop and create the benchmark database named in `url` (never run against real data)."""
    import psycopg

    server, name = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    if not name.startswith("haard_bench"):
        raise SystemExit("The benchmark database name must start with haard_bench: it is dropped first.")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _bsn(rng: random.Random) -> str:
    while True:
        number = f"{rng.randrange(100_000_000, 999_999_999):09d}"
        if stdnum_bsn.is_valid(number):
            return number


def _person(rng: random.Random, *, born: range, surname: str, bsn_share: float) -> dict[str, str]:
    return {
        "bsn": _bsn(rng) if rng.random() < bsn_share else "",
        "voornamen": rng.choice(FIRST_NAMES),
        "tussenvoegsel": rng.choice(PREFIXES),
        "achternaam": surname,
        "geboortedatum": f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 13):02d}-{rng.choice(born)}",
        "geslacht": rng.choice("MVX"),
    }


def _family(rng: random.Random, *, municipalities: list[str], addresses: list[tuple]) -> dict[str, Any]:
    """A household: its address (now and then one of the demo region's), two adults and
    0 to 2 children."""
    if addresses and rng.random() < 0.15:
        address = rng.choice(addresses)
    else:
        letters = "ABCDEFGHJKLMNPRTUVWXYZ"
        address = (
            f"{rng.randrange(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}",
            str(rng.randrange(1, 300)),
            rng.choice(STREETS),
            "Testdorp",
            rng.choice(municipalities),
        )
    surname = rng.choice(SURNAMES) + ("" if rng.random() < 0.5 else f"-{rng.choice(SURNAMES)}")
    adults = [
        _person(rng, born=range(1950, 2004), surname=surname, bsn_share=0.8),
        _person(rng, born=range(1950, 2004), surname=rng.choice(SURNAMES), bsn_share=0.8),
    ]
    children = [
        _person(rng, born=range(2008, 2024), surname=surname, bsn_share=0.6)
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))
    ]
    return {"address": address, "adults": adults, "children": children}


def write_export(
    path: Path, *, rows: int, seed: int, municipalities: list[str], addresses: list[tuple]
) -> int:
    """Write the synthetic export; returns the number of incidents. A quarter of the incidents
    are repeats in a family seen before (the same people at the same address)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, seeded to be the same each run)
    families: list[dict[str, Any]] = []
    written = incidents = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        while written < rows:
            incidents += 1
            if families and rng.random() < 0.25:
                family = rng.choice(families)
            else:
                family = _family(rng, municipalities=municipalities, addresses=addresses)
                families.append(family)
            postcode, number, street, town, code = family["address"]
            day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.choice((2024, 2025))
            moment = f"{day:02d}-{month:02d}-{year} {rng.randrange(24):02d}:{rng.randrange(60):02d}"
            forwarded = rng.random() < 0.6
            incident = [
                f"PL0900-{incidents:08d}",
                moment,
                rng.choice(INCIDENT_CODES),
                code,
                postcode,
                number,
                street,
                town,
                "ja" if forwarded else "nee",
                "" if forwarded else rng.choice(("", "geen zorgen", "weigert hulp")),
            ]
            adults = family["adults"] if rng.random() < 0.85 else family["adults"][:1]
            involved = [("SL", adults[0]), *[("VD", a) for a in adults[1:]]]
            involved += [(rng.choice(("KH", "KG")), child) for child in family["children"]]
            for role, person in involved[: rows - written]:
                writer.writerow(
                    [
                        *incident,
                        role,
                        person["bsn"],
                        person["voornamen"],
                        person["tussenvoegsel"],
                        person["achternaam"],
                        person["geboortedatum"],
                        person["geslacht"],
                    ]
                )
                written += 1
    return incidents


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_mb() -> float:
    """The process's peak resident memory so far (since the last `_reset_peak`, on Linux)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Start measuring the peak afresh (Linux: /proc/self/clear_refs); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


# The tables the import writes and linking reads while it runs.
GROWING_TABLES = (
    "registry_person",
    "registry_address",
    "registry_possiblematch",
    "intake_policeincident",
    "intake_policeincidentperson",
    "police_import_importedincident",
)


class AutoAnalyze:
    """On PostgreSQL, ANALYZE the growing tables every `every` seconds in a thread of its own,
    as autovacuum does on a production server. (The test server here runs with autovacuum off;
    without fresh statistics the planner keeps plans made for empty tables and the import
    slows down as the tables grow, which no production server would show.)"""

    def __init__(self, every: float) -> None:
        import threading

        self.every = every
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from django.db import connection

        try:
            while not self._stop.wait(self.every):
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {', '.join(GROWING_TABLES)}")
                self.runs += 1
        finally:
            connection.close()

    def __enter__(self) -> AutoAnalyze:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--mode", default="valid_rows", choices=["valid_rows", "all_or_nothing"])
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--profile", type=int, default=0, help="print the N costliest functions of the import"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="haard-bench-import-")
    os.environ["HAARD_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
    os.environ.setdefault("HAARD_LOG_LEVEL", "WARNING")
    if args.database_url:
        _fresh_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from haard.accounts.models import Organisation, User
    from haard.core.models import Municipality
    from haard.demo.generator import generate_region
    from haard.intake.imports import pipeline, services
    from haard.intake.imports.models import ImportedIncident
    from haard.registry.models import Address

    call_command("migrate", verbosity=0)
    generate_region(size="small")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # a server in use has its statistics
    officer = User.objects.get(username="politie")
    police = Organisation.objects.get(type="police", teams__memberships__user=officer)
    municipalities = list(Municipality.objects.values_list("code", flat=True))
    addresses = [
        (a.postcode, str(a.house_number) + a.house_letter, a.street, a.town, a.municipality.code)
        for a in Address.objects.select_related("municipality").order_by("pk")[:5_000]
    ]
    export = Path(workdir) / "politie.csv"
    incidents = write_export(
        export, rows=args.rows, seed=args.seed, municipalities=municipalities, addresses=addresses
    )
    size_mb = export.stat().st_size / 1024 / 1024
    print(
        f"{connection.vendor}: {args.rows:,} rows, {incidents:,} incidents, {size_mb:.1f} MB; "
        f"peak memory after setup {_peak_mb():.0f} MB"
    )

    statements = [0]
    phases: dict[str, float] = {}
    checking = pipeline.BatchImport._check

    def timed_check(importer: Any, table: Any) -> None:
        started = time.perf_counter()
        checking(importer, table)
        phases["check"] = time.perf_counter() - started

    pipeline.BatchImport._check = timed_check  # type: ignore[method-assign]

    def count(run: Any, sql: str, *rest: Any) -> Any:
        statements[0] += 1
        return run(sql, *rest)

    def run_once(label: str) -> Any:
        # Queued only: the import itself is timed below, as the worker runs it.
        queue_only = override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        )
        with queue_only, export.open("rb") as handle:
            batch = services.start_import(
                actor=officer,
                organisation_id=police.pk,
                upload=File(handle, name="politie.csv"),
                mode=args.mode,
            )
        statements[0] = 0
        fresh_peak = _reset_peak()
        before = _status_mb("VmRSS") or 0
        if args.tracemalloc:
            import tracemalloc

            tracemalloc.start()
        started = time.perf_counter()
        profiler = None
        if args.profile and label == "import":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        analyze = AutoAnalyze(every=30) if connection.vendor == "postgresql" else contextlib.nullcontext()
        with connection.execute_wrapper(count), analyze:
            services.run_batch(batch_id=batch.pk)
        seconds = time.perf_counter() - started
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        traced = ""
        if args.tracemalloc:
            import tracemalloc

            traced = f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 1024 / 1024:.0f} MB"
            tracemalloc.stop()
        batch.refresh_from_db()
        print(
            f"{label}: {batch.status} in {seconds:.1f} s = {batch.rows_total / seconds:,.0f} rows/s "
            f"(checking pass {phases.get('check', 0):.1f} s); "
            f"created {batch.incidents_created:,}, skipped {batch.incidents_skipped:,}, "
            f"invalid rows {batch.rows_invalid:,}; people new {batch.people_created:,}, "
            f"linked {batch.people_linked:,}, possible matches {batch.possible_matches:,}; "
            f"{statements[0] / max(batch.rows_total, 1):.1f} SQL statements per row; "
            f"peak memory ({'this import' if fresh_peak else 'whole process'}) {_peak_mb():.0f} MB, "
            f"{before:.0f} MB before it{traced}"
        )
        return batch

    run_once("import")
    run_once("re-import (all duplicates)")
    imported = ImportedIncident.objects.count()
    if imported != incidents:
        raise SystemExit(f"Expected {incidents} imported incidents, found {imported}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
