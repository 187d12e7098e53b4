"""Dutch working days: the calendar every legal deadline is counted on.

Public holidays come from the `holidays` package (the Netherlands' list, which includes King's
Day and, in lustrum years, Liberation Day). Regions may add their own closing days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date, *, extra_closed: Iterable[date] = ()) -> bool:
    """A working day is Monday to Friday, not a Dutch public holiday, not a closing day."""
    if day.weekday() >= 5:
        return False
    if day in _dutch_holidays(day.year):
        return False
    return day not in set(extra_closed)


def add_working_days(start: date, days: int, *, extra_closed: Iterable[date] = ()) -> date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closed = frozenset(extra_closed)
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, extra_closed=closed):
            remaining -= 1
    return current
