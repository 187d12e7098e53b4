"""Access-log test data of any age: entries written at a given moment (the clock is set back
while the entry is written, as `auto_now_add` takes it from the clock), the people in them, and
emergency-access grants; and a mixed log of what the purge must remove and must keep."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from haard.accounts.models import EmergencyAccess, User
from haard.audit.models import AccessLogEntry, AccessLogSubject, Action
from haard.audit.purge import years_before
from haard.registry.models import Person
from tests.factories import PersonFactory, TeamFactory, make_case, make_user

# Numbers of people that are not (or no longer) in the registry.
GONE = 900_000_000


def ago(years: int, *, days: int = 0) -> datetime:
    return years_before(timezone.now(), years) - timedelta(days=days)


def written(
    moment: datetime,
    *,
    user: User,
    record_type: str = "cases.Case",
    record_id: str | int = "1",
    person_ids: Iterable[int] = (),
) -> AccessLogEntry:
    """An access-log entry written at `moment`, naming `person_ids`."""
    with mock.patch.object(timezone, "now", return_value=moment):
        entry = AccessLogEntry.objects.create(
            user=user, action=Action.VIEW, record_type=record_type, record_id=str(record_id)
        )
    AccessLogSubject.objects.bulk_create([AccessLogSubject(entry=entry, person_id=pid) for pid in person_ids])
    return entry


def grant(
    user: User,
    *,
    ended: datetime,
    outcome: str = EmergencyAccess.Outcome.JUSTIFIED,
    object_id: int = GONE,
) -> EmergencyAccess:
    """An emergency-access grant to a case that ended at `ended`."""
    return EmergencyAccess.objects.create(
        user=user,
        model_label="cases.Case",
        object_id=object_id,
        reason="Acute zorg, dossier nodig",
        granted_at=ended - timedelta(hours=8),
        expires_at=ended,
        outcome=outcome,
    )


@dataclass
class OldLog:
    """A log with entries and grants on both sides of the 15-year line."""

    worker: User
    held: Person
    expired: list[AccessLogEntry]
    kept: dict[str, AccessLogEntry]
    expired_grants: list[EmergencyAccess]
    kept_grants: dict[str, EmergencyAccess]
    extra: dict[str, Any]
    # The people rows in the expired entries, counted when the log was made.
    expired_subjects: int


def old_log() -> OldLog:
    worker = make_user("case_manager")
    held = PersonFactory()
    case = make_case(team=TeamFactory(), people=1)
    between = written(ago(15, days=180), user=worker, person_ids=[GONE + 7])
    expired = [
        written(ago(16, days=10), user=worker, record_id=11, person_ids=[GONE + 1, GONE + 2]),
        written(ago(20, days=40), user=worker, record_type="registry.Person", person_ids=[GONE + 3]),
        written(ago(17), user=worker, record_type="registry.Person", record_id=""),  # a search, nobody found
        between,
    ]
    kept = {
        "about someone held": written(ago(16), user=worker, person_ids=[held.pk, GONE + 5]),
        "within the period": written(ago(14), user=worker, person_ids=[GONE + 6]),
        "today": written(timezone.now(), user=worker, person_ids=[GONE + 8]),
    }
    expired_grants = [grant(worker, ended=ago(16))]
    kept_grants = {
        "awaiting review": grant(worker, ended=ago(16), outcome=EmergencyAccess.Outcome.PENDING),
        "record still there": grant(worker, ended=ago(16), object_id=case.pk),
        "within the period": grant(worker, ended=ago(3)),
    }
    return OldLog(
        worker,
        held,
        expired,
        kept,
        expired_grants,
        kept_grants,
        {"case": case, "between 15 and 16 years": between},
        AccessLogSubject.objects.filter(entry__in=expired).count(),
    )
