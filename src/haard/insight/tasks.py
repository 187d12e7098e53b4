"""The background task that rebuilds the figures (django-tasks; the database backend's worker
runs it: `manage.py db_worker`). Queue it nightly, e.g. from cron with
`manage.py refresh_figures --enqueue --months 3`, and in full now and then."""

from __future__ import annotations

from django_tasks import task

from haard.insight import summary
from haard.insight.figures import current_month
from haard.insight.periods import add_months


@task()
def refresh_figures_task(months: int | None = None) -> int:
    """Rebuild the monthly figures, all of them or those of the last `months` months; returns
    the number of rows written."""
    since = add_months(current_month(), -(months - 1)) if months else None
    return summary.refresh_figures(since=since).rows
