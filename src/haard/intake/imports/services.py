"""Writes of the police import: starting a batch (the upload) and running it (the worker).

`start_import` checks the file as far as it can at once (kind, size, macros, columns), stores
it and queues the batch in one transaction. `run_batch` is the background work; unlike other
services it commits per incident on purpose (see `pipeline`), so that a crash leaves whole
incidents and a batch that says how far it got.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haard.accounts.models import User
from haard.intake.imports import conf
from haard.intake.imports.models import (
    STALLED_AFTER,
    BatchPhase,
    BatchStatus,
    ImportBatch,
    ImportMode,
    ImportRowError,
)
from haard.intake.imports.parsing import FileError
from haard.intake.imports.pipeline import (
    COUNTERS,
    BatchImport,
    BatchRejectedError,
    mapping_for,
    open_batch_table,
)
from haard.intake.imports.selectors import importable_organisations

logger = logging.getLogger(__name__)

UNEXPECTED = gettext_lazy(
    "The import stopped on an unexpected error. Incidents already imported are complete; "
    "upload the same file again to import the rest (they are skipped)."
)


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


@transaction.atomic
def start_import(
    *, actor: User, organisation_id: int, upload: File, mode: str, language: str = ""
) -> ImportBatch:
    """Store an uploaded police file as a queued batch and queue its import.

    PermissionDenied when the actor may not import for the organisation; ValidationError
    (on "file" or "mode") for a file refused as a whole: the wrong kind of file, too large,
    a spreadsheet with macros, or missing columns. Nothing is stored then."""
    organisation = importable_organisations(actor=actor).filter(pk=organisation_id).first()
    if organisation is None:
        raise PermissionDenied
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import.")})
    size = upload.size or 0
    if size > conf.max_bytes():
        raise ValidationError(
            {
                "file": _("The file is larger than %(max)s. Split it into smaller files.")
                % {"max": _size_text(conf.max_bytes())}
            }
        )
    file_name = os.path.basename(upload.name or "").strip()[:200] or "upload"
    stream = upload.file if upload.file is not None else upload
    try:
        open_batch_table(stream, file_name=file_name, mapping=mapping_for(organisation.pk))
    except FileError as exc:
        raise ValidationError({"file": str(exc.message)}) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        organisation=organisation,
        file_name=file_name,
        file_size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        mode=mode,
        language=(language or translation.get_language() or "nl")[:8],
    )
    batch.file.save(batch.sha256, upload, save=False)
    batch.save()
    from haard.intake.imports.tasks import run_import  # the task module imports this one

    run_import.enqueue(batch.pk)
    logger.info("police import queued batch=%s rows_limit=%s", batch.pk, conf.max_rows())
    return batch


def _claim(batch_id: int) -> ImportBatch | None:
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update().select_related("uploaded_by").filter(pk=batch_id).first()
        )
        if batch is None or batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
            return None
        # Queued, or running when a worker picks it up again after a crash: start afresh;
        # what the earlier run imported is counted again as this batch's own.
        for name in COUNTERS:
            setattr(batch, name, 0)
        batch.status, batch.phase = BatchStatus.RUNNING, BatchPhase.NONE
        batch.failure_message = ""
        batch.started_at, batch.finished_at = timezone.now(), None
        batch.save()
        return batch


def _finish(batch: ImportBatch, *, status: str, message: str = "") -> None:
    batch.status, batch.phase = status, BatchPhase.NONE
    batch.failure_message = message
    batch.finished_at = timezone.now()
    if batch.file:
        # The police file holds personal data of many people: it is kept only while needed.
        batch.file.delete(save=False)
    batch.save()


# The namespace of the advisory locks that mark a batch as being imported (PostgreSQL).
_LOCK_NAMESPACE = 0x504F4C49  # "POLI"


def _lock_key(batch_id: int) -> int:
    return _LOCK_NAMESPACE * 2**31 + batch_id


def _try_lock(batch_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(batch_id)])
        return bool(cursor.fetchone()[0])


def _unlock(batch_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(batch_id)])


@contextmanager
def _working_on(batch_id: int) -> Iterator[bool]:
    """On PostgreSQL, a session lock says a worker is importing this batch: it ends with the
    worker's connection, so the batch of a killed worker is free again. Yields False when
    another worker holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    if not _try_lock(batch_id):
        yield False
        return
    try:
        yield True
    finally:
        _unlock(batch_id)


def resume_stopped_imports() -> list[int]:
    """Queue again every batch left `running` by a worker that was stopped (killed, or its
    machine restarted): run before the worker starts (`manage.py resume_imports`). On
    PostgreSQL a batch is stopped when no worker holds its lock; on SQLite when it has made
    no progress for STALLED_AFTER. The new run starts afresh; incidents the stopped run
    wrote whole are skipped as duplicates, an all-or-nothing run had written nothing."""
    from haard.intake.imports.tasks import run_import  # the task module imports this one

    resumed = []
    for batch in ImportBatch.objects.filter(status=BatchStatus.RUNNING).order_by("pk"):
        if connection.vendor == "postgresql":
            stopped = _try_lock(batch.pk)
            if stopped:
                _unlock(batch.pk)
        else:
            stopped = batch.updated_at < timezone.now() - STALLED_AFTER
        if stopped:
            run_import.enqueue(batch.pk)
            resumed.append(batch.pk)
            logger.info("police import queued again batch=%s", batch.pk)
    return resumed


def run_batch(*, batch_id: int) -> ImportBatch | None:
    """Import a queued batch (the background task). Returns the batch, or None when it was
    done already or another worker is importing it. The batch ends `done`, or `failed` with
    the reason; a process killed on the way leaves it `running`, with whole incidents only,
    until `resume_stopped_imports` queues it again."""
    with _working_on(batch_id) as mine:
        return _run_batch(batch_id) if mine else None


def _run_batch(batch_id: int) -> ImportBatch | None:
    batch = _claim(batch_id)
    if batch is None:
        return None
    with translation.override(batch.language):
        try:
            with batch.file.open("rb") as stream:
                BatchImport(batch).run(stream)
        except FileError as exc:
            ImportRowError.objects.filter(batch=batch).delete()
            batch.errors_not_stored = 0
            _finish(batch, status=BatchStatus.FAILED, message=str(exc.message))
        except BatchRejectedError as exc:
            _finish(batch, status=BatchStatus.FAILED, message=str(exc))
        except Exception as exc:  # the batch must say it stopped; the log says why, without personal data
            logger.error("police import stopped batch=%s error=%s", batch.pk, type(exc).__name__)
            _finish(batch, status=BatchStatus.FAILED, message=str(UNEXPECTED))
        else:
            _finish(batch, status=BatchStatus.DONE)
    logger.info(
        "police import finished batch=%s status=%s rows=%s created=%s skipped=%s invalid_rows=%s",
        batch.pk,
        batch.status,
        batch.rows_total,
        batch.incidents_created,
        batch.incidents_skipped,
        batch.rows_invalid,
    )
    return batch
