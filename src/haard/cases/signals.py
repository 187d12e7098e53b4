"""Cases listen to new reports: a report about a family in follow-up reopens or links to its
closed case (see services.report_received). Run after the report's transaction commits, when
the people in it are stored."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from haard.intake.models import Report


@receiver(post_save, sender=Report, dispatch_uid="cases.report_received")
def _report_saved(sender: Any, instance: Report, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        report_id = instance.pk

        def link_to_cases() -> None:
            from haard.cases.services import report_received

            report_received(report_id=report_id)

        transaction.on_commit(link_to_cases, robust=True)
