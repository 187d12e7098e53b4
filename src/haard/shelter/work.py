"""The shelter's items on "my work": people waiting for a place in the user's facilities
(urgent ones due today) and planned departures. Two queries however much work there is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.core.worklist import WorkItem
from haard.shelter.models import Placement, Priority, WaitingListEntry, WaitingStatus


def shelter_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    if not has_capability(actor, "manage_shelter"):
        return []
    waiting = (
        WaitingListEntry.objects.visible_to(actor)
        .filter(status=WaitingStatus.WAITING, facility__active=True)
        .select_related("person", "facility")
        .order_by("priority", "registered_at", "pk")[:limit]
    )
    items = [
        WorkItem(
            kind="shelter.waiting",
            kind_label=_("Waiting for a shelter place"),
            title=f"{entry.person} – {entry.facility}",
            url=reverse("shelter:facility_detail", args=[entry.facility_id]),
            due=today if entry.priority == Priority.URGENT else None,
            person_ids=(entry.person_id,),
            detail=_("Priority: %(priority)s, waiting since %(since)s")
            % {
                "priority": entry.get_priority_display(),
                "since": timezone.localdate(entry.registered_at).strftime("%d-%m-%Y"),
            },
        )
        for entry in waiting
    ]
    departures = (
        Placement.objects.visible_to(actor)
        .filter(departed_on__isnull=True, planned_departure_on__isnull=False, guardian__isnull=True)
        .select_related("person", "facility")
        .order_by("planned_departure_on", "pk")[:limit]
    )
    items += [
        WorkItem(
            kind="shelter.departure",
            kind_label=_("Planned departure from the shelter"),
            title=f"{placement.person} – {placement.facility}",
            url=reverse("shelter:placement_detail", args=[placement.pk]),
            due=placement.planned_departure_on,
            person_ids=(placement.person_id,),
        )
        for placement in departures
    ]
    return items
