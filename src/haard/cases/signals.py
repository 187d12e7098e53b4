"""Cases listen to new reports: a report about a family in follow-up reopens or links to its
closed case (see services.report_received). Run in the transaction that records the report with
all its people (`intake.signals.report_recorded`), and committed with it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from haard.intake.models import Report
from haard.intake.signals import in_the_report_transaction, report_recorded


@receiver(report_recorded, dispatch_uid="cases.report_received")
def _report_recorded(sender: Any, report: Report, **kwargs: Any) -> None:
    from haard.cases.services import report_received

    report_id = report.pk
    in_the_report_transaction(
        lambda: report_received(report_id=report_id), report_id=report_id, what="Linking the report to cases"
    )
