"""Cases listen to new reports: a report about a family in follow-up reopens or links to its
closed case (see services.report_received). Run after the transaction that recorded the report
with all its people (`intake.signals.report_recorded`) commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from haard.intake.models import Report
from haard.intake.signals import report_recorded


@receiver(report_recorded, dispatch_uid="cases.report_received")
def _report_recorded(sender: Any, report: Report, **kwargs: Any) -> None:
    report_id = report.pk

    def link_to_cases() -> None:
        from haard.cases.services import report_received

        report_received(report_id=report_id)

    transaction.on_commit(link_to_cases, robust=True)
