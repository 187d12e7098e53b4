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


def count_working_days(after: date, through: date) -> int:
    """The working days after `after` up to and including `through` (0 when `through` is not
    later): whole weeks count five, the days left over by their weekday, minus the public
    holidays on a weekday in between. As many steps for ten years as for ten days."""
    if through <= after:
        return 0
    weeks, rest = divmod((through - after).days, 7)
    first = after.weekday()
    count = weeks * 5 + sum(1 for step in range(1, rest + 1) if (first + step) % 7 < 5)
    return count - sum(
        1
        for year in range(after.year, through.year + 1)
        for holiday in _dutch_holidays(year)
        if after < holiday <= through and holiday.weekday() < 5
    )


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
