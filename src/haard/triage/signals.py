"""A new report about a family already in assessment joins that assessment.

Choice: a receiver of `intake.signals.report_recorded` (sent once the report holds all its
people: at once, or after its new people are linked in the background) that runs
`services.pick_up_report` in the transaction of the report (`in_the_report_transaction`): it
finds the family's not yet routed assessment (same people or same household) or opens a new
one with its clock, and commits with the report. Reports written in bulk (imports, the demo)
send no signal; for those `services.open_or_join` is called directly, and the assessment page
of a report offers to start it.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from haard.intake.models import Report, ReportKind
from haard.intake.signals import in_the_report_transaction, report_recorded


@receiver(report_recorded, dispatch_uid="triage_pick_up_report")
def pick_up(sender: type[Report], report: Report, **kwargs: Any) -> None:
    if report.kind != ReportKind.REPORT:
        return
    from haard.triage.services import pick_up_report

    report_id = report.pk
    in_the_report_transaction(
        lambda: pick_up_report(report_id), report_id=report_id, what="Taking the report into an assessment"
    )
