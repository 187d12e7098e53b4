"""The work list of a user, grouped by urgency, and logged with the people it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.worklist import (
    URGENCY_LATER,
    URGENCY_OVERDUE,
    URGENCY_SOON,
    URGENCY_TODAY,
    WorkItem,
    work_for,
)

GROUPS = (
    (URGENCY_OVERDUE, "overdue", _("Overdue")),
    (URGENCY_TODAY, "today", _("Today")),
    (URGENCY_SOON, "soon", _("This week")),
    (URGENCY_LATER, "later", _("Later")),
)


@dataclass(frozen=True)
class WorkGroup:
    key: str
    label: Any
    items: list[WorkItem]


def show_work(*, request: Any, today: date) -> list[WorkGroup]:
    """The user's work, most urgent first, in groups; the access is logged with everyone the
    list shows (nothing is logged for an empty list)."""
    items = work_for(request.user, today)
    if items:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="work.WorkList",
            query=f"today={today.isoformat()}",
            person_ids=[pid for item in items for pid in item.person_ids],
        )
    return [
        WorkGroup(key, label, [item for item in items if item.urgency(today) == urgency])
        for urgency, key, label in GROUPS
    ]
