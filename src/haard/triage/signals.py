"""A new report about a family already in assessment joins that assessment.

Choice: a `post_save` receiver on `intake.Report` that defers the work with
`transaction.on_commit`. At `post_save` the report's people are not written yet (intake adds
them after creating the report, in the same transaction); once the transaction commits they
are, and `services.pick_up_report` finds the family's not yet routed assessment (same people or
same household) or opens a new one with its clock. Reports written in bulk (imports, the demo)
send no signal; for those `services.open_or_join` is called directly, and the assessment page
of a report offers to start it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from haard.intake.models import Report, ReportKind


@receiver(post_save, sender=Report, dispatch_uid="triage_pick_up_report")
def report_saved(
    sender: type[Report], instance: Report, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not created or instance.kind != ReportKind.REPORT:
        return
    from haard.triage.services import pick_up_report

    report_id = instance.pk

    def pick_up() -> None:
        pick_up_report(report_id)

    transaction.on_commit(pick_up, robust=True)
