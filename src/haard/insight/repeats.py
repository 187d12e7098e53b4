"""Repeat detection: an address or a person with a new incident within N months of an
earlier one (region setting `insight.repeat_window_months`, default 12).

The flags are worked out for what one page shows (a page of addresses, the people of one
timeline) from the incident dates that page already reads, so they cost no extra query per
row. A Veilig Thuis report linked to a police incident in the same group is the same event
and is not a repeat of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from haard.core import region_settings
from haard.insight.periods import months_after

REPEAT_WINDOW_MONTHS = region_settings.declare(
    "insight.repeat_window_months",
    kind=int,
    default=12,
    minimum=1,
    maximum=120,
    description=_("A new incident within this many months of an earlier one marks a repeat"),
    source="issue 4",
)


def window_months() -> int:
    return int(region_settings.value(REPEAT_WINDOW_MONTHS.key))


@dataclass(frozen=True)
class Event:
    """One incident in a group (an address, a person): a police incident or a report."""

    kind: str  # "police" or "report"
    pk: int
    at: datetime
    linked_incident: int | None = None  # for a report: the police incident it is linked to


def distinct_events(events: Iterable[Event]) -> list[Event]:
    """The events in time order, without reports that repeat a police incident of the group."""
    events = list(events)
    incidents = {e.pk for e in events if e.kind == "police"}
    kept = [e for e in events if not (e.kind == "report" and e.linked_incident in incidents)]
    return sorted(kept, key=lambda e: (e.at, e.kind, e.pk))


def repeat_keys(events: Iterable[Event], *, months: int) -> set[tuple[str, int]]:
    """The events that came within `months` months after an earlier event of the group."""
    ordered = distinct_events(events)
    flagged: set[tuple[str, int]] = set()
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.at <= months_after(earlier.at, months):
            flagged.add((later.kind, later.pk))
    return flagged


def has_repeat(events: Iterable[Event], *, months: int, since: datetime | None = None) -> bool:
    """Whether any event (from `since` on) came within `months` months after an earlier one."""
    ordered = distinct_events(events)
    keys = repeat_keys(ordered, months=months)
    return any((e.kind, e.pk) in keys and (since is None or e.at >= since) for e in ordered)
