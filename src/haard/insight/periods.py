"""Periods of whole days in the region's time zone, and month arithmetic on dates."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(moment: datetime, months: int) -> datetime:
    """The moment `months` later on the region's calendar and clock, clamped to the month's
    end like `add_months`: 1 March 00:30 in Amsterdam (28 February 23:30 UTC) three months on
    is 1 June 00:30 in Amsterdam, whichever zone `moment` is given in."""
    if timezone.is_naive(moment):
        shifted = add_months(moment.date(), months)
        return moment.replace(year=shifted.year, month=shifted.month, day=shifted.day)
    local = timezone.localtime(moment)
    shifted = add_months(local.date(), months)
    wall_clock = local.replace(year=shifted.year, month=shifted.month, day=shifted.day, tzinfo=None)
    return timezone.make_aware(wall_clock)


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """From the start of `since` up to and including the whole of `until`."""

    since: date
    until: date

    @classmethod
    def last_months(cls, months: int = 12, *, until: date | None = None) -> Period:
        """The `months` months that end today (or on `until`)."""
        end = until or timezone.localdate()
        return cls(since=add_months(end, -months) + timedelta(days=1), until=end)

    @property
    def start(self) -> datetime:
        return start_of(self.since)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return start_of(self.until + timedelta(days=1))

    def months_back_from_end(self, months: int) -> datetime:
        """The first moment of the `months` months that end with the period."""
        return start_of(add_months(self.until + timedelta(days=1), -months))
