"""The assessment clock: a report is assessed within 5 working days of its receipt
(Uitvoeringsbesluit Wmo 2015, art. 4.1.7), counted on Dutch working days (weekends and the
public holidays of `haard.core.calendar`). The number of days and the investigation deadline
are region settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.core import region_settings
from haard.core.calendar import add_working_days, count_working_days

ASSESSMENT_WORKING_DAYS = region_settings.declare(
    "triage.assessment_working_days",
    kind=int,
    default=5,
    minimum=1,
    maximum=30,
    description=_("Working days after receipt within which a report's safety assessment is finished"),
    source="Uitvoeringsbesluit Wmo 2015, art. 4.1.7",
)
INVESTIGATION_WEEKS = region_settings.declare(
    "triage.investigation_weeks",
    kind=int,
    default=10,
    minimum=1,
    maximum=52,
    description=_("Weeks within which Veilig Thuis' own investigation is finished"),
    source="practice; not set in law",
)


def received_on(moment: datetime) -> date:
    """The (local) day a report was received."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def due_date(received: date) -> date:
    """The last day on which the assessment of a report received on `received` is on time."""
    return add_working_days(received, region_settings.value(ASSESSMENT_WORKING_DAYS.key))


def investigation_deadline(start: date) -> date:
    return start + timedelta(weeks=region_settings.value(INVESTIGATION_WEEKS.key))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` lies before)."""
    if end >= start:
        return count_working_days(start, end)
    return -count_working_days(end, start)


@dataclass(frozen=True)
class Clock:
    """What a screen shows of the clock: due date, working days left (negative: overdue)."""

    due_on: date
    days_left: int
    running: bool

    @property
    def overdue(self) -> bool:
        return self.running and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def due_today(self) -> bool:
        return self.running and self.days_left == 0


def clock(due_on: date, *, today: date, running: bool = True) -> Clock:
    # A due date that passed counts the working days since as negative; the due day is 0.
    if today <= due_on:
        left = working_days_between(today, due_on)
    else:
        left = -max(1, working_days_between(due_on, today))
    return Clock(due_on=due_on, days_left=left, running=running)


def rule_text() -> str:
    """The rule behind the deadline, for the screen that shows it."""
    return region_settings.describe(ASSESSMENT_WORKING_DAYS.key)
