"""Time the figures: the refresh of the monthly summary, every indicator, and the area scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haard_bench_insight \
        uv run python -W ignore bench/insight.py --years 15

Runs against the database in DATABASE_URL, which must already hold a demo region (generate it
once with `manage.py demo_region --size national`: it takes minutes). Measures, in-process:

1. the refresh of the monthly figures from the raw tables (`refresh_figures`), in full and of
   the last three months (`refresh_figures --months 3`, the nightly task);
2. "all indicators": every indicator for the region per municipality and per month, and for
   every municipality per neighbourhood (12 months), through `figure_table` with disclosure
   control: cold (the first pass after a new connection) and warm (the best of 3 passes);
3. the area scan page of the municipality with the most neighbourhoods, as the policy officer:
   cold (the first request of the process) and warm (p50 of 10), and its PDF report.

With `--years N`, the summary is then stretched to N years (each month's figures copied to
the same month of earlier years, 2 years at a time), as 15 years of national data would fill
it, and steps 2 and 3 are repeated, the area scan also over the whole N years per year.
A last `refresh_figures` removes the copies.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", type=int, default=0, help="stretch the summary to this many years")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.db.models import Count
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from haard.accounts.models import User
    from haard.cases.models import Case
    from haard.core.models import Municipality
    from haard.insight import figures
    from haard.insight.figures import Months
    from haard.insight.indicators import all_indicators
    from haard.insight.models import FigureCount
    from haard.insight.periods import add_months
    from haard.insight.summary import refresh_figures
    from haard.intake.models import PoliceIncident, Report

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    if not Report.objects.exists():
        raise SystemExit("No reports: generate a demo region first (manage.py demo_region --size national).")
    print(
        f"{connection.vendor}: {Report.objects.count():,} reports, {PoliceIncident.objects.count():,} police "
        f"incidents, {Case.objects.count():,} cases, {Municipality.objects.count()} municipalities"
    )

    def timed(run: Any) -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    refreshed = refresh_figures()
    print(f"refresh_figures (all months): {refreshed.seconds:.1f} s, {refreshed.rows:,} rows")
    recent = refresh_figures(since=add_months(figures.current_month(), -2))
    print(f"refresh_figures --months 3: {recent.seconds:.1f} s, {recent.rows:,} rows")

    region = figures.region_area()
    if region is None:
        raise SystemExit("No region.")
    municipalities = [
        figures.Area(figures.MUNICIPALITY, m.pk, m.code, m.name)
        for m in Municipality.objects.order_by("code")
    ]

    def all_tables(months: Months) -> int:
        tables = 0
        for indicator in all_indicators():
            figures.figure_table(indicator=indicator, area=region, months=months, by=figures.MUNICIPALITY)
            figures.figure_table(indicator=indicator, area=region, months=months, by=figures.PERIOD)
            tables += 2
            for municipality in municipalities:
                figures.figure_table(
                    indicator=indicator, area=municipality, months=months, by=figures.NEIGHBOURHOOD
                )
                tables += 1
        return tables

    busiest = (
        Municipality.objects.annotate(n=Count("districts__neighbourhoods"))
        .order_by("-n")
        .values_list("code", "n")
        .first()
    )
    if busiest is None:
        raise SystemExit("No municipality.")
    user = User.objects.get(username="beleid")
    client = Client()
    client.force_login(user, backend="haard.accounts.backends.MembershipBackend")
    session = client.session
    device = user.totpdevice_set.first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def measure(label: str, months: Months, scan_query: str) -> None:
        connection.close()
        cold = timed(lambda: all_tables(months))
        warm = min(timed(lambda: all_tables(months)) for _ in range(3))
        count = all_tables(months)
        print(f"[{label}] all indicators ({count} tables): cold {cold:.2f} s, warm {warm:.2f} s")
        url = f"/insight/area-scan/?municipality={busiest[0]}&indicator=contacts_by_source{scan_query}"
        connection.close()
        start = time.perf_counter()
        response = client.get(url)
        cold_page = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        executed: list[str] = []

        def count_queries(run: Any, sql: str, *rest: Any) -> Any:
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count_queries):
            client.get(url)
        timings = [timed(lambda: client.get(url)) * 1000 for _ in range(args.requests)]
        pdf = timed(lambda: client.get(url.replace("/area-scan/", "/area-scan/report/"))) * 1000
        print(
            f"[{label}] area scan {busiest[0]} ({busiest[1]} neighbourhoods){scan_query}: "
            f"cold {cold_page:.0f} ms, "
            f"warm p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms, "
            f"{len(executed)} queries; "
            f"PDF report {pdf:.0f} ms"
        )

    last_year = Months.last_twelve()
    measure(f"{FigureCount.objects.count():,} summary rows", last_year, "")
    if args.years:
        rows = FigureCount.objects.all()
        source = list(
            rows.values("indicator", "category", "month", "municipality_id", "neighbourhood_id", "count")
        )
        first = min(r["month"] for r in source)
        span = (last_year.last.year - first.year) + 1
        copies = [
            FigureCount(**{**r, "month": r["month"].replace(year=r["month"].year - shift)})
            for shift in range(span, args.years, span)
            for r in source
        ]
        start = time.perf_counter()
        FigureCount.objects.bulk_create(copies, batch_size=10_000)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE insight_figurecount")
        print(
            f"stretched the summary to {args.years} years: +{len(copies):,} rows "
            f"in {time.perf_counter() - start:.1f} s"
        )
        try:
            measure(f"{FigureCount.objects.count():,} summary rows", last_year, "")
            whole = Months(
                first=last_year.last.replace(year=last_year.last.year - args.years + 1, month=1),
                last=last_year.last,
            )
            since, until = f"{whole.first:%Y-%m}", f"{whole.last:%Y-%m}"
            measure(f"{args.years} years per year", whole, f"&since={since}&until={until}&granularity=year")
        finally:
            refresh_figures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
