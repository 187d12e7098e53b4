"""The meldcode's items on "my work": a professional's open records, and for Veilig Thuis the
reports from professionals still waiting for feedback. One query each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.core.worklist import WorkItem
from haard.meldcode.models import OPEN_STATUSES, FeedbackStage, MeldcodeRecord, RecordStatus
from haard.meldcode.relations import may_give_feedback


def open_records(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    if not has_capability(actor, "file_meldcode"):
        return []
    records = (
        MeldcodeRecord.objects.visible_to(actor)
        .filter(author=actor, status__in=OPEN_STATUSES)
        .order_by("created_at", "id")[:limit]
    )
    items = []
    for record in records:
        step = record.current_step or 5
        detail = (
            _("Help organised: answer question 5 once its result shows.")
            if record.status == RecordStatus.HELP_UNDERWAY
            else _("Next: step %(step)d of 5.") % {"step": step}
        )
        items.append(
            WorkItem(
                kind="meldcode.record",
                kind_label=_("Meldcode"),
                title=f"{record.reference}: {record.concern}",
                url=reverse("meldcode:record_detail", args=[record.pk]),
                due=None,
                detail=detail,
            )
        )
    return items


def feedback_to_give(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    if not may_give_feedback(actor):
        return []
    records = (
        MeldcodeRecord.objects.visible_to(actor)
        .filter(report__isnull=False)
        .annotate(
            received=Count("feedback", filter=Q(feedback__stage=FeedbackStage.RECEIVED)),
            outcome=Count("feedback", filter=Q(feedback__stage=FeedbackStage.OUTCOME)),
        )
        .filter(outcome=0)
        .select_related("report", "organisation")
        .order_by("report__received_at", "id")[:limit]
    )
    return [
        WorkItem(
            kind="meldcode.feedback",
            kind_label=_("Feedback to a reporter"),
            title=f"{record.report.reference} · {record.organisation}",  # type: ignore[union-attr]
            url=reverse("meldcode:feedback_give", args=[record.pk]),
            due=None,
            detail=_("Confirm receipt.") if not record.received else _("Give the outcome of the assessment."),
        )
        for record in records
    ]
