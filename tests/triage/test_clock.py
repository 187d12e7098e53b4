"""Time travel with a frozen clock: the five-working-day clock, the overdue list, the work list
and the reminders on the right working day around Christmas, Easter and King's Day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from haard.core.calendar import is_working_day
from haard.core.models import RegionSetting
from haard.core.worklist import URGENCY_OVERDUE, URGENCY_TODAY
from haard.triage import clock, selectors
from haard.triage.worklist import triage_work
from haard.work.models import Notification
from haard.work.services import send_reminders
from tests.factories import TeamFactory, make_user
from tests.triage.factories import assessed_report, assessor, family

pytestmark = pytest.mark.django_db

Freeze = Callable[[datetime], datetime]


def _overdue_on(frozen: Freeze, day: date, actor: object) -> list[str]:
    frozen(datetime(day.year, day.month, day.day, 9, 0))
    return [a.reference for a in selectors.assessment_list(actor=actor, show="overdue")]  # type: ignore[arg-type]


def test_christmas_and_boxing_day_and_new_year_are_not_counted(frozen: Freeze) -> None:
    # 2025: Christmas on Thursday, Boxing Day on Friday, New Year's Day on Thursday.
    received = frozen(datetime(2025, 12, 23, 16, 30))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    assert assessment.due_on == date(2026, 1, 2)
    expert = assessor()
    assert _overdue_on(frozen, date(2025, 12, 31), expert) == []
    assert _overdue_on(frozen, date(2026, 1, 2), expert) == []  # the due day itself is on time
    assert _overdue_on(frozen, date(2026, 1, 5), expert) == [assessment.reference]
    assert clock.clock(assessment.due_on, today=date(2025, 12, 24)).days_left == 4
    assert clock.clock(assessment.due_on, today=date(2026, 1, 5)).days_overdue == 1


def test_a_report_received_on_christmas_eve_evening_counts_from_that_day(frozen: Freeze) -> None:
    received = frozen(datetime(2025, 12, 24, 23, 30))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    # Mon 29, Tue 30, Wed 31, Fri 2, Mon 5.
    assert assessment.due_on == date(2026, 1, 5)


def test_easter_good_friday_and_easter_monday(frozen: Freeze) -> None:
    # What core.calendar does with the installed `holidays` package: its Dutch list holds Good
    # Friday (3 April 2026) as well as Easter Monday, so neither counts as a working day.
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 6))
    received = frozen(datetime(2026, 4, 1, 11, 0))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    # Thu 2, (Fri 3, Mon 6 closed), Tue 7, Wed 8, Thu 9, Fri 10.
    assert assessment.due_on == date(2026, 4, 10)
    expert = assessor()
    assert _overdue_on(frozen, date(2026, 4, 10), expert) == []
    assert _overdue_on(frozen, date(2026, 4, 13), expert) == [assessment.reference]


def test_kings_day(frozen: Freeze) -> None:
    assert not is_working_day(date(2026, 4, 27))
    received = frozen(datetime(2026, 4, 23, 9, 0))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    # Fri 24, (Mon 27 King's Day), Tue 28, Wed 29, Thu 30, Fri 1 May.
    assert assessment.due_on == date(2026, 5, 1)


def test_the_region_sets_the_number_of_days(frozen: Freeze) -> None:
    RegionSetting.objects.create(key="triage.assessment_working_days", value=3)
    received = frozen(datetime(2026, 11, 2, 9, 0))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    assert assessment.due_on == date(2026, 11, 5)
    assert "3" in clock.rule_text() and "4.1.7" in clock.rule_text()


def test_the_work_list_shows_due_and_overdue_on_the_right_day(frozen: Freeze) -> None:
    received = frozen(datetime(2025, 12, 23, 10, 0))
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=received)
    expert = assessor()
    frozen(datetime(2026, 1, 2, 9, 0))
    items = list(triage_work(expert, date(2026, 1, 2), 10))
    assert [i.title for i in items] == [assessment.reference]
    assert items[0].urgency(date(2026, 1, 2)) == URGENCY_TODAY
    assert set(items[0].person_ids) == {p.pk for p in people}
    assert items[0].urgency(date(2026, 1, 5)) == URGENCY_OVERDUE


def _reminded_on(frozen: Freeze, day: date, actor: object) -> list[str]:
    """The assessments the reminder run of `day` (09:00) reminds `actor` of."""
    frozen(datetime(day.year, day.month, day.day, 9, 0))
    send_reminders()
    reminders = Notification.objects.filter(user=actor, day=day, key__startswith="triage.")
    return list(reminders.values_list("url", flat=True))


@pytest.mark.parametrize(
    ("received", "due", "quiet", "overdue"),
    [
        # Due on Christmas Eve 2025 (a working day); Christmas and Boxing Day send nothing, the
        # overdue assessment is reminded on Monday 29 December.
        (
            datetime(2025, 12, 17, 10, 0),
            date(2025, 12, 24),
            [date(2025, 12, 25), date(2025, 12, 26)],
            date(2025, 12, 29),
        ),
        # Due on Maundy Thursday 2026; Good Friday and Easter Monday send nothing, the overdue
        # assessment is reminded on Tuesday 7 April.
        (
            datetime(2026, 3, 26, 9, 0),
            date(2026, 4, 2),
            [date(2026, 4, 3), date(2026, 4, 6)],
            date(2026, 4, 7),
        ),
    ],
    ids=["christmas", "easter"],
)
def test_assessment_reminders_on_the_right_working_day(
    frozen: Freeze, received: datetime, due: date, quiet: list[date], overdue: date
) -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people, received_at=frozen(received))
    assert assessment.due_on == due
    expert = assessor()
    outsider = make_user("safety_assessor", team=TeamFactory())
    url = f"/assessments/{assessment.pk}/"
    # The day before, the next working day is the due day itself: nothing to remind yet.
    assert _reminded_on(frozen, due - timedelta(days=1), expert) == []
    assert _reminded_on(frozen, due, expert) == [url]
    assert _reminded_on(frozen, due, outsider) == []  # an assessor outside Veilig Thuis
    for holiday in quiet:
        assert not is_working_day(holiday)
        assert _reminded_on(frozen, holiday, expert) == []
        assert _overdue_on(frozen, holiday, expert) == [assessment.reference]
    assert _reminded_on(frozen, overdue, expert) == [url]
    assert clock.clock(due, today=overdue).days_overdue == 1


@pytest.mark.parametrize(
    ("days_left", "running", "english", "dutch"),
    [
        (3, True, "3 working days left", "nog 3 werkdagen"),
        (1, True, "1 working day left", "nog 1 werkdag"),
        (0, True, '<span class="badge">due today</span>', '<span class="badge">verloopt vandaag</span>'),
        (-2, True, "overdue by 2 working days", "2 werkdagen te laat"),
        (-2, False, "assessed", "beoordeeld"),
    ],
)
def test_the_clock_badge_in_english_and_dutch(
    days_left: int, running: bool, english: str, dutch: str
) -> None:
    from django.utils import translation

    from haard.triage.templatetags.triage_tags import clock_badge

    shown = clock.Clock(due_on=date(2026, 3, 2), days_left=days_left, running=running)
    with translation.override("en"):
        assert english in clock_badge(shown)
    with translation.override("nl"):
        assert dutch in clock_badge(shown)
    assert ("badge--warning" in clock_badge(shown)) == (running and days_left < 0)
