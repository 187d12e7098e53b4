"""The restraining-order items of "my work": open deadlines of the orders one sees, and the
help tasks assigned to one's organisations. Two queries each, however much work there is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.core.worklist import WorkItem
from haard.huisverbod import selectors

LOOK_AHEAD_DAYS = 7


def deadline_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    if not has_capability(actor, "manage_restraining_orders"):
        return []
    deadlines = selectors.open_deadlines(
        actor=actor, now=timezone.now(), until=today + timedelta(days=LOOK_AHEAD_DAYS), limit=limit
    )
    return [
        WorkItem(
            kind="huisverbod.deadline",
            kind_label=_("Restraining order deadline"),
            title=f"{d.order.reference}: {d.get_kind_display()}",
            url=reverse("huisverbod:order_detail", args=[d.order_id]),
            due=timezone.localtime(d.due_at).date(),
            person_ids=(d.order.barred_person_id,),
            detail=d.rule_text(),
        )
        for d in deadlines
    ]


def help_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    if not has_capability(actor, "view_personal_data"):
        return []
    return [
        WorkItem(
            kind="huisverbod.help",
            kind_label=_("Help after a restraining order"),
            title=f"{task.person.full_name} ({task.get_recipient_display()})",
            url=reverse("huisverbod:help_task_detail", args=[task.pk]),
            due=task.due_on,
            person_ids=(task.person_id,),
            detail=task.order.reference,
        )
        for task in selectors.assigned_help_tasks(actor=actor)[:limit]
    ]
