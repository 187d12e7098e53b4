"""The "my work" list is fed by the domain apps: each registers a provider that returns the
work items of one user (assessments due, tasks due, follow-ups, hand-overs, action items).

A provider is called with the acting user and the date of today and returns `WorkItem`s. It
reads through the app's own access-filtered selectors, uses a fixed number of queries however
much work there is, and returns at most `limit` items (the most urgent first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Urgency: lower is more urgent. Overdue work comes first, then by due date.
URGENCY_OVERDUE = 0
URGENCY_TODAY = 1
URGENCY_SOON = 2
URGENCY_LATER = 3


@dataclass(frozen=True)
class WorkItem:
    kind: str  # a stable key of the kind of work, e.g. "triage.assessment"
    kind_label: str  # the kind in the interface language
    title: str
    url: str
    due: date | None
    # The people shown by this item (for the access log of the page that lists it).
    person_ids: tuple[int, ...] = field(default=())
    detail: str = ""

    def urgency(self, today: date) -> int:
        if self.due is None:
            return URGENCY_LATER
        if self.due < today:
            return URGENCY_OVERDUE
        if self.due == today:
            return URGENCY_TODAY
        if (self.due - today).days <= 7:
            return URGENCY_SOON
        return URGENCY_LATER

    def sort_key(self, today: date) -> tuple[int, date, str]:
        return (self.urgency(today), self.due or date.max, self.title)


WorkProvider = Callable[[Any, date, int], Iterable[WorkItem]]

_providers: dict[str, WorkProvider] = {}


def register_work(key: str, provider: WorkProvider) -> None:
    """Register (or replace) the provider `key`; call it from an AppConfig.ready()."""
    _providers[key] = provider


def providers() -> dict[str, WorkProvider]:
    return dict(_providers)


def work_for(actor: Any, today: date, *, limit: int = 50) -> list[WorkItem]:
    """Every provider's items for `actor`, most urgent first, at most `limit` per provider."""
    items = [item for provider in _providers.values() for item in provider(actor, today, limit)]
    return sorted(items, key=lambda item: item.sort_key(today))
