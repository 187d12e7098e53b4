from datetime import date

from haard.core.calendar import add_working_days, is_working_day


def test_weekends_and_dutch_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 4, 27))  # King's Day
    assert not is_working_day(date(2026, 12, 25))  # Christmas
    assert is_working_day(date(2026, 11, 23))


def test_five_working_days_over_christmas() -> None:
    # Report on Wednesday 23 December 2026: 24 (Thu) 28 29 30 31 → 31 December.
    assert add_working_days(date(2026, 12, 23), 5) == date(2026, 12, 31)


def test_regional_closing_days_count_as_closed() -> None:
    assert add_working_days(date(2026, 11, 23), 1, extra_closed=[date(2026, 11, 24)]) == date(2026, 11, 25)
