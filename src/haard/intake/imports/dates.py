"""Dates as Dutch police exports write them."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haard.intake.imports.parsing import Cell

# Dates as Dutch exports write them: dd-mm-jjjj, dd/mm/jjjj, d-m-jjjj or jjjj-mm-dd,
# optionally followed by a time hh:mm (or hh:mm:ss).
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")


class DateError(ValueError):
    """A value that is not a date; `message` says why, for the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def parse_date(value: Cell) -> date:
    """A Dutch-written date; DateError for a wrong format or a day that does not exist."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse(str(value or "").strip(), allow_time=False)[0]


def parse_datetime(value: Cell) -> datetime:
    """A Dutch-written date with an optional time (naive: local time in the region)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    day, moment = _parse(str(value or "").strip(), allow_time=True)
    return datetime.combine(day, moment)


def _parse(text: str, *, allow_time: bool) -> tuple[date, time]:
    expected = _("Write a date as dd-mm-jjjj or jjjj-mm-dd.")
    if allow_time:
        expected = _("Write a date as dd-mm-jjjj or jjjj-mm-dd, with an optional time hh:mm.")
    parts = text.replace("T", " ").split()
    if not parts or len(parts) > 2 or (len(parts) == 2 and not allow_time):
        raise DateError(expected)
    if match := _DUTCH_DATE.match(parts[0]):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(parts[0]):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise DateError(expected)
    try:
        found = date(year, month, day)
    except ValueError:
        raise DateError(_("%(value)s is not a date that exists.") % {"value": parts[0]}) from None
    moment = time()
    if len(parts) == 2:
        clock = _TIME.match(parts[1])
        if not clock:
            raise DateError(expected)
        try:
            moment = time(int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0))
        except ValueError:
            raise DateError(_("%(value)s is not a time that exists.") % {"value": parts[1]}) from None
    return found, moment
