"""The background task of the police import (django-tasks; the database backend's worker runs
it: `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from haard.intake.imports import services


@task()
def run_import(batch_id: int) -> str:
    """Import one queued batch; returns its final status."""
    batch = services.run_batch(batch_id=batch_id)
    return batch.status if batch is not None else "skipped"
