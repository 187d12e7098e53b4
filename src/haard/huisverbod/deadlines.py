"""Deadline rules: each deadline is `offset` `unit` from an event, the number taken from a
region setting. A rule is computed here and stored with the deadline, so that the screen can
show the rule next to the date, and so that an event can recompute or cancel it later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haard.core import region_settings
from haard.core.calendar import add_working_days, is_working_day
from haard.huisverbod import rules
from haard.huisverbod.models import Deadline, DeadlineKind, DeadlineUnit

# A deadline counted in working days falls due at the end of its day.
END_OF_DAY = time(23, 59)

EVENT_LABELS = {
    "imposition": gettext_lazy("imposition"),
    "order_end": gettext_lazy("the end of the order"),
    "interim_request": gettext_lazy("the interim-relief request"),
}


def subtract_working_days(start: date, days: int) -> date:
    """The date `days` working days before `start` (the start day itself is not counted)."""
    current = start
    remaining = days
    while remaining:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def _wall_clock(moment: datetime) -> datetime:
    """The same local wall-clock time with the offset that applies on that day."""
    return timezone.make_aware(moment.replace(tzinfo=None))


def apply_rule(event_at: datetime, offset: int, unit: str) -> datetime:
    """The moment `offset` `unit` after (or, when negative, before) `event_at`."""
    if unit == DeadlineUnit.HOURS:
        return event_at + timedelta(hours=offset)
    # Days and weeks keep the local clock time across a change to or from summer time.
    if unit == DeadlineUnit.CALENDAR_DAYS:
        return _wall_clock(timezone.localtime(event_at) + timedelta(days=offset))
    if unit == DeadlineUnit.WEEKS:
        return _wall_clock(timezone.localtime(event_at) + timedelta(weeks=offset))
    if unit == DeadlineUnit.WORKING_DAYS:
        local_day = timezone.localtime(event_at).date()
        day = (
            add_working_days(local_day, offset) if offset >= 0 else subtract_working_days(local_day, -offset)
        )
        return _end_of_day(day)
    raise ValueError(f"Unknown unit {unit!r}.")


@dataclass(frozen=True)
class Rule:
    kind: str
    event: str
    setting: str
    unit: str
    sign: int = 1  # -1: before the event

    def offset(self) -> int:
        return self.sign * int(region_settings.value(self.setting))

    def source(self) -> str:
        return str(region_settings._declared[self.setting].source)


RULES: dict[str, Rule] = {
    DeadlineKind.WHEREABOUTS: Rule(
        DeadlineKind.WHEREABOUTS, "imposition", rules.WHEREABOUTS_HOURS.key, DeadlineUnit.HOURS
    ),
    DeadlineKind.WRITTEN_DECISION: Rule(
        DeadlineKind.WRITTEN_DECISION,
        "imposition",
        rules.WRITTEN_DECISION_WORKING_DAYS.key,
        DeadlineUnit.WORKING_DAYS,
    ),
    DeadlineKind.ORDER_END: Rule(
        DeadlineKind.ORDER_END, "imposition", rules.DURATION_DAYS.key, DeadlineUnit.CALENDAR_DAYS
    ),
    DeadlineKind.EXTENSION_DECISION: Rule(
        DeadlineKind.EXTENSION_DECISION, "imposition", rules.DURATION_DAYS.key, DeadlineUnit.CALENDAR_DAYS
    ),
    DeadlineKind.HEARING: Rule(
        DeadlineKind.HEARING,
        "order_end",
        rules.HEARING_WORKING_DAYS_BEFORE_END.key,
        DeadlineUnit.WORKING_DAYS,
        sign=-1,
    ),
    DeadlineKind.LATEST_END: Rule(
        DeadlineKind.LATEST_END, "imposition", rules.EXTENSION_MAX_WEEKS.key, DeadlineUnit.WEEKS
    ),
    DeadlineKind.INTERIM_HEARING: Rule(
        DeadlineKind.INTERIM_HEARING,
        "interim_request",
        rules.INTERIM_HEARING_DAYS.key,
        DeadlineUnit.CALENDAR_DAYS,
    ),
}


def compute(kind: str, event_at: datetime) -> datetime:
    rule = RULES[kind]
    return apply_rule(event_at, rule.offset(), rule.unit)


def build(kind: str, *, order_id: int, event_at: datetime) -> Deadline:
    """An unsaved deadline of `kind` counted from `event_at`, carrying its rule."""
    rule = RULES[kind]
    offset = rule.offset()
    return Deadline(
        order_id=order_id,
        kind=kind,
        due_at=apply_rule(event_at, offset, rule.unit),
        event=rule.event,
        event_at=event_at,
        offset=offset,
        unit=rule.unit,
        setting=rule.setting,
        source=rule.source()[:200],
    )


def describe_rule(deadline: Deadline) -> str:
    """ "24 hours after imposition (huisverbod.whereabouts_hours; Wet tijdelijk huisverbod, art. 2)"."""
    unit = str(DeadlineUnit(deadline.unit).label)
    event = str(EVENT_LABELS.get(deadline.event, deadline.event))
    if deadline.offset >= 0:
        text = _("%(n)s %(unit)s after %(event)s") % {"n": deadline.offset, "unit": unit, "event": event}
    else:
        text = _("%(n)s %(unit)s before %(event)s") % {"n": -deadline.offset, "unit": unit, "event": event}
    return f"{text} ({deadline.setting}; {deadline.source})"
