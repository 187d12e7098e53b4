"""What intake tells the apps above it.

`report_recorded` is sent (with `report`) inside the transaction that records a report with
all its people: at once by `services.register_report`, or, for a report taken through the form
or the API with new people to link, by `services.take_in` once they are linked. Reports written
in bulk (imports, the demo) send nothing.

Receivers do their work with `in_the_report_transaction`: in that same transaction, so that the
report and what follows from it (its assessment, the link to a family's closed case) are
committed together or not at all. Work deferred until after the commit would be lost for good
when the process stopped in between (a deploy, a crash, SIGKILL): the report would be kept,
taken in, and never picked up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

report_recorded = Signal()


def in_the_report_transaction(work: Callable[[], object], *, report_id: int, what: str) -> None:
    """Run a receiver's `work` inside the transaction of the report, in a savepoint of its own:
    when it fails, only its own writes are undone, the failure is logged, and the report is
    still recorded."""
    try:
        with transaction.atomic():
            work()
    except Exception:
        logger.exception("%s failed for report %s; the report is kept", what, report_id)
