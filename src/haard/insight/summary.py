"""The pre-aggregated figures: monthly counts per indicator, category, municipality and
neighbourhood, rebuilt from the domain tables.

Pages, exports and the API read these counts, so a figure costs the same at national scale
as for one region: the raw tables are read once per refresh, by the background task
`tasks.refresh_figures_task` or the command `manage.py refresh_figures`. A nightly refresh of
the last few months (`--months`) keeps the cost flat as the years add up; a full refresh
catches late changes to older records.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from haard.insight.indicators import all_indicators
from haard.insight.models import FigureCount, FigureRefresh

logger = logging.getLogger(__name__)
BATCH = 5_000


@dataclass(frozen=True)
class RefreshResult:
    rows: int
    seconds: float
    per_indicator: dict[str, int]


def refresh_figures(*, since: date | None = None) -> RefreshResult:
    """Rebuild every indicator's monthly counts, all months or those from the month `since`
    on, in one transaction: readers see the old figures until the new ones are complete.
    Returns how many rows were written."""
    started_at, clock = timezone.now(), time.perf_counter()
    per_indicator: dict[str, int] = {}
    since = since.replace(day=1) if since is not None else None
    with transaction.atomic():
        stale = FigureCount.objects.all() if since is None else FigureCount.objects.filter(month__gte=since)
        stale.delete()
        total = 0
        for indicator in all_indicators():
            counts: Counter[tuple[date, int, int | None, str]] = Counter()
            for row in indicator.collect(since):
                counts[(row.month, row.municipality_id, row.neighbourhood_id, row.category)] += row.number
            objects = [
                FigureCount(
                    indicator=indicator.key,
                    month=month,
                    municipality_id=municipality,
                    neighbourhood_id=neighbourhood,
                    category=category,
                    count=n,
                )
                for (month, municipality, neighbourhood, category), n in counts.items()
                if n > 0
            ]
            FigureCount.objects.bulk_create(objects, batch_size=BATCH)
            per_indicator[indicator.key] = len(objects)
            total += len(objects)
        seconds = time.perf_counter() - clock
        FigureRefresh.objects.create(
            started_at=started_at, finished_at=timezone.now(), rows=total, seconds=seconds
        )
    logger.info("figures refreshed", extra={"rows": total, "seconds": round(seconds, 2)})
    return RefreshResult(rows=total, seconds=seconds, per_indicator=per_indicator)


def last_refresh() -> FigureRefresh | None:
    return FigureRefresh.objects.order_by("-finished_at").first()
