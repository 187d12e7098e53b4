"""Every deadline rule, counted on a frozen clock across weekends, Christmas, Easter, King's Day
and Liberation Day (a public holiday only in lustrum years), and recalculated on events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from haard.core.calendar import add_working_days, is_working_day
from haard.core.models import RegionSetting
from haard.huisverbod import deadlines, services
from haard.huisverbod.models import DeadlineKind, DeadlineStatus, DeadlineUnit
from tests.huisverbod.helpers import impose


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def when(moment: datetime) -> tuple[int, int, int, int, int]:
    value = timezone.localtime(moment)
    return (value.year, value.month, value.day, value.hour, value.minute)


# The calendar these rules count on (haard.core.calendar over the `holidays` package).


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 26), False),  # Second Day of Christmas (a Saturday this year)
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 27), False),  # King's Day (Monday)
        (date(2025, 4, 26), False),  # King's Day moves to Saturday 26 April when the 27th is a Sunday
        (date(2025, 5, 5), False),  # Liberation Day 2025: a lustrum year, a public holiday
        (date(2026, 5, 5), True),  # Liberation Day 2026: not a lustrum year, a working day
        (date(2030, 5, 6), True),  # 2030 is a lustrum year, but 5 May is a Sunday: nothing moves
    ],
)
def test_calendar_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_kings_day_on_sunday_is_held_on_saturday() -> None:
    import holidays

    nl = holidays.country_holidays("NL", years=2025)
    assert date(2025, 4, 26) in nl and date(2025, 4, 27) not in nl


# Each rule on its own, with the rule stored.


@pytest.mark.django_db
def test_whereabouts_24_hours_counts_real_hours_over_a_weekend() -> None:
    deadline = deadlines.build(DeadlineKind.WHEREABOUTS, order_id=1, event_at=local(2026, 11, 20, 23, 30))
    assert when(deadline.due_at) == (2026, 11, 21, 23, 30)  # Saturday: the law counts hours
    assert (deadline.offset, deadline.unit, deadline.event) == (24, DeadlineUnit.HOURS, "imposition")
    assert deadline.setting == "huisverbod.whereabouts_hours"
    assert "Wet tijdelijk huisverbod" in deadline.rule_text()


@pytest.mark.django_db
def test_ten_days_are_calendar_days_through_christmas() -> None:
    deadline = deadlines.build(DeadlineKind.ORDER_END, order_id=1, event_at=local(2026, 12, 20, 2, 15))
    assert when(deadline.due_at) == (2026, 12, 30, 2, 15)
    assert "10 calendar days after imposition" in deadline.rule_text()


@pytest.mark.django_db
def test_ten_days_keep_the_clock_time_when_summer_time_ends() -> None:
    due = deadlines.compute(DeadlineKind.ORDER_END, local(2026, 10, 20, 22, 0))
    assert when(due) == (2026, 10, 30, 22, 0)
    due = deadlines.compute(DeadlineKind.ORDER_END, local(2026, 10, 24, 22, 0))
    assert when(due) == (2026, 11, 3, 22, 0)


@pytest.mark.django_db
def test_extension_decision_is_due_when_the_ten_days_end() -> None:
    imposed = local(2026, 4, 1, 3, 0)
    assert deadlines.compute(DeadlineKind.EXTENSION_DECISION, imposed) == deadlines.compute(
        DeadlineKind.ORDER_END, imposed
    )


@pytest.mark.django_db
def test_latest_end_is_four_weeks_after_imposition_over_easter() -> None:
    deadline = deadlines.build(DeadlineKind.LATEST_END, order_id=1, event_at=local(2026, 3, 20, 21, 0))
    assert when(deadline.due_at) == (2026, 4, 17, 21, 0)
    assert (deadline.offset, deadline.unit) == (4, DeadlineUnit.WEEKS)


@pytest.mark.django_db
def test_interim_hearing_within_three_calendar_days() -> None:
    deadline = deadlines.build(DeadlineKind.INTERIM_HEARING, order_id=1, event_at=local(2026, 12, 24, 10, 0))
    assert when(deadline.due_at) == (2026, 12, 27, 10, 0)
    assert deadline.event == "interim_request"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (local(2026, 11, 20, 23, 30), (2026, 11, 23)),  # Friday night -> Monday
        (local(2026, 12, 24, 23, 30), (2026, 12, 28)),  # Christmas Eve -> past Christmas and the weekend
        (
            local(2026, 4, 2, 22, 0),
            (2026, 4, 7),
        ),  # Thursday before Easter -> past Good Friday and Easter Monday
        (local(2026, 4, 24, 22, 0), (2026, 4, 28)),  # Friday before King's Day (Monday 27 April)
        (local(2025, 5, 2, 22, 0), (2025, 5, 6)),  # Friday before Liberation Day 2025 (lustrum, Monday)
        (local(2026, 5, 4, 22, 0), (2026, 5, 5)),  # Liberation Day 2026 is a working day
    ],
)
@pytest.mark.django_db
def test_written_decision_of_an_oral_order_one_working_day(
    given: datetime, expected: tuple[int, int, int]
) -> None:
    deadline = deadlines.build(DeadlineKind.WRITTEN_DECISION, order_id=1, event_at=given)
    assert when(deadline.due_at) == (*expected, 23, 59)
    assert deadline.unit == DeadlineUnit.WORKING_DAYS
    assert "1 working days after imposition" in deadline.rule_text()


@pytest.mark.parametrize(
    ("order_end", "expected"),
    [
        (local(2026, 11, 30, 20, 0), (2026, 11, 27)),  # ends Monday -> heard by Friday
        (local(2026, 12, 26, 20, 0), (2026, 12, 24)),  # ends on the second day of Christmas
        (local(2026, 4, 7, 20, 0), (2026, 4, 2)),  # ends the Tuesday after Easter
        (local(2026, 4, 28, 20, 0), (2026, 4, 24)),  # ends the day after King's Day
        (local(2025, 5, 6, 20, 0), (2025, 5, 2)),  # ends the day after Liberation Day 2025
        (local(2026, 5, 6, 20, 0), (2026, 5, 5)),  # 2026: Liberation Day is a working day
    ],
)
@pytest.mark.django_db
def test_hearing_one_working_day_before_the_end(order_end: datetime, expected: tuple[int, int, int]) -> None:
    deadline = deadlines.build(DeadlineKind.HEARING, order_id=1, event_at=order_end)
    assert when(deadline.due_at) == (*expected, 23, 59)
    assert deadline.offset == -1
    assert "1 working days before the end of the order" in deadline.rule_text()


def test_working_days_agree_with_core_calendar() -> None:
    assert deadlines.subtract_working_days(date(2026, 12, 28), 1) == date(2026, 12, 24)
    assert add_working_days(deadlines.subtract_working_days(date(2026, 12, 28), 1), 1) == date(2026, 12, 28)


@pytest.mark.django_db
def test_a_region_setting_changes_the_rule_and_is_stored_with_it() -> None:
    RegionSetting.objects.create(key="huisverbod.whereabouts_hours", value=12)
    deadline = deadlines.build(DeadlineKind.WHEREABOUTS, order_id=1, event_at=local(2026, 11, 20, 8, 0))
    assert when(deadline.due_at) == (2026, 11, 20, 20, 0)
    assert deadline.offset == 12


# Deadlines on an order, recalculated by events.


def _by_kind(order: Any) -> dict[str, Any]:
    return {d.kind: d for d in order.deadlines.all()}


@pytest.mark.django_db
def test_imposing_stores_every_deadline_with_its_rule(region: Any, frozen: Any) -> None:
    now = frozen(datetime(2026, 12, 24, 23, 30))  # Christmas Eve, at night
    order = impose(region, form="oral", imposed_at=now)
    kinds = _by_kind(order)
    assert set(kinds) == {
        DeadlineKind.WHEREABOUTS,
        DeadlineKind.WRITTEN_DECISION,
        DeadlineKind.ORDER_END,
        DeadlineKind.EXTENSION_DECISION,
        DeadlineKind.HEARING,
        DeadlineKind.LATEST_END,
    }
    assert when(kinds[DeadlineKind.WHEREABOUTS].due_at) == (2026, 12, 25, 23, 30)
    assert when(kinds[DeadlineKind.WRITTEN_DECISION].due_at) == (2026, 12, 28, 23, 59)
    assert when(kinds[DeadlineKind.ORDER_END].due_at) == (2027, 1, 3, 23, 30)
    assert when(kinds[DeadlineKind.HEARING].due_at) == (
        2026,
        12,
        31,
        23,
        59,
    )  # ends on a Sunday; 1 January is a holiday
    assert when(kinds[DeadlineKind.LATEST_END].due_at) == (2027, 1, 21, 23, 30)
    assert all(d.status == DeadlineStatus.OPEN for d in kinds.values())


@pytest.mark.django_db
def test_withdrawal_cancels_every_open_deadline(region: Any, frozen: Any) -> None:
    now = frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, imposed_at=now)
    services.record_whereabouts(
        actor=region.police, order=order, address="Dorpsstraat 1, Assen", given_at=now
    )
    frozen(datetime(2026, 11, 24, 10, 0))
    services.withdraw_order(actor=region.mayor, order=order, at=timezone.now(), reasons="Hulp aanvaard.")
    kinds = _by_kind(order)
    assert kinds[DeadlineKind.WHEREABOUTS].status == DeadlineStatus.MET
    others = [d for k, d in kinds.items() if k != DeadlineKind.WHEREABOUTS]
    assert others and all(d.status == DeadlineStatus.CANCELLED for d in others)
    assert all(d.closed_reason == "order withdrawn" for d in others)


@pytest.mark.django_db
def test_extension_closes_the_decision_and_the_first_end(region: Any, frozen: Any) -> None:
    imposed = frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, imposed_at=imposed)
    frozen(datetime(2026, 11, 27, 14, 0))
    services.extend_order(
        actor=region.mayor,
        order=order,
        hearing_at=local(2026, 11, 27, 10, 0),
        decided_at=local(2026, 11, 27, 14, 0),
        until=local(2026, 12, 18, 23, 0),
        reasons="Het gevaar duurt voort.",
    )
    kinds = _by_kind(order)
    assert kinds[DeadlineKind.EXTENSION_DECISION].status == DeadlineStatus.MET
    assert kinds[DeadlineKind.HEARING].status == DeadlineStatus.MET
    assert kinds[DeadlineKind.ORDER_END].status == DeadlineStatus.CANCELLED
    assert kinds[DeadlineKind.LATEST_END].status == DeadlineStatus.OPEN


@pytest.mark.django_db
def test_an_interim_request_adds_its_hearing_deadline_and_a_late_hearing_is_flagged(
    region: Any, frozen: Any
) -> None:
    imposed = frozen(datetime(2026, 12, 22, 1, 0))
    order = impose(region, imposed_at=imposed)
    appeal = services.record_appeal(
        actor=region.mayor,
        order=order,
        filed_on=date(2026, 12, 23),
        interim_requested_at=local(2026, 12, 23, 9, 0),
    )
    interim = order.deadlines.get(kind=DeadlineKind.INTERIM_HEARING)
    assert when(interim.due_at) == (2026, 12, 26, 9, 0)
    services.record_appeal_hearing(actor=region.mayor, appeal=appeal, hearing_on=date(2026, 12, 29))
    assert services.hearing_is_late(appeal)
    interim.refresh_from_db()
    assert interim.status == DeadlineStatus.MET and "after the deadline" in interim.closed_reason


@pytest.mark.django_db
def test_court_annulment_voids_the_order_and_cancels_deadlines(region: Any, frozen: Any) -> None:
    imposed = frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, imposed_at=imposed)
    appeal = services.record_appeal(actor=region.mayor, order=order, filed_on=date(2026, 11, 21))
    services.record_court_outcome(
        actor=region.mayor, appeal=appeal, outcome="annulled", outcome_on=date(2026, 11, 23)
    )
    order.refresh_from_db()
    assert order.status == "annulled" and order.annulled_at is not None
    assert not order.deadlines.filter(status=DeadlineStatus.OPEN).exists()
