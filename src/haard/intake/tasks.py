"""Background work of intake: taking a report in after it was answered (django-tasks; the
database backend's worker runs it: `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def take_in_report(report_id: int) -> None:
    """Link the new people of a report to the register, then classify it and let it be picked
    up (see `services.take_in`). Running it again for the same report does nothing."""
    from haard.intake import services

    services.take_in(report_id)
