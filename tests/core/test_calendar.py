from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from haard.core.calendar import add_working_days, count_working_days, is_working_day
from haard.triage.clock import working_days_between
from tests.conftest import sign_in
from tests.factories import make_user


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


def _counted_day_by_day(after: date, through: date) -> int:
    return sum(1 for n in range(1, (through - after).days + 1) if is_working_day(after + timedelta(days=n)))


@settings(max_examples=300, deadline=None)
@given(after=st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)), span=st.integers(-30, 900))
def test_working_days_are_counted_as_one_by_one(after: date, span: int) -> None:
    through = after + timedelta(days=span)
    assert count_working_days(after, through) == (_counted_day_by_day(after, through) if span > 0 else 0)
    assert working_days_between(after, through) == (
        _counted_day_by_day(after, through) if span >= 0 else -_counted_day_by_day(through, after)
    )


def test_working_days_over_christmas_and_new_year() -> None:
    # After Wednesday 23 December 2026 up to Friday 8 January 2027: 24, 28-31 December (5),
    # 4-8 January (5); Christmas, Boxing Day and New Year's Day fall out.
    assert count_working_days(date(2026, 12, 23), date(2027, 1, 8)) == 10
    assert working_days_between(date(2027, 1, 8), date(2026, 12, 23)) == -10


@pytest.mark.django_db
def test_the_clocks_page_is_closed_to_an_outsider() -> None:
    outsider = sign_in(Client(), make_user("policy_officer")).get(reverse("triage:assessment_list"))
    assert outsider.status_code in (403, 404)
