"""The daily reminder task (django-tasks; the database backend's worker runs it:
`manage.py db_worker`). `manage.py send_reminders` enqueues it; a scheduler (cron, a systemd
timer) runs that command every morning."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from haard.work import services


@task()
def send_reminders(day: str | None = None) -> dict[str, int | str]:
    """Send the reminders of `day` (ISO date, default today); safe to run more than once."""
    run = services.send_reminders(today=date.fromisoformat(day) if day else None)
    return {"day": run.day.isoformat(), "notifications": run.notifications, "emails": run.emails}
