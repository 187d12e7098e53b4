"""Reminders: in-app notifications and an e-mail for the work that is due, sent once a day
by a background task (see tasks.py and the `send_reminders` command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haard.accounts.models import User
from haard.core.calendar import is_working_day
from haard.core.worklist import WorkItem, work_for
from haard.work.models import Notification


def next_working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def due_for_reminder(items: list[WorkItem], today: date) -> list[WorkItem]:
    """The items to remind of on `today` (a working day): overdue, due today, or due before
    the next working day (so work due on a weekend or holiday is reminded the working day
    before it)."""
    before = next_working_day_after(today)
    return [item for item in items if item.due is not None and item.due < before]


def reminder_recipients() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__active=True, memberships__role__sees_personal_data=True
        )
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class ReminderRun:
    day: date
    notifications: int
    emails: int


def _notify(user: User, item: WorkItem, today: date) -> bool:
    """One notification for this item today; False when it was sent already."""
    text = _("%(kind)s due %(due)s: %(title)s") % {
        "kind": item.kind_label,
        "due": item.due.strftime("%d-%m-%Y") if item.due else "",
        "title": item.title.split(":")[0],  # the reference only, never the content
    }
    try:
        with transaction.atomic():
            Notification.objects.create(
                user=user, text=text[:300], url=item.url[:300], key=f"{item.kind}:{item.url}"[:200], day=today
            )
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: date | None = None) -> ReminderRun:
    """Remind every user of their work due. Runs only on working days; sends each reminder at
    most once a day however often it runs. The e-mail names no person and no case content:
    it says how much is due and links to "My work"."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return ReminderRun(today, 0, 0)
    notifications = emails = 0
    for user in reminder_recipients():
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            new = [
                item for item in due_for_reminder(work_for(user, today), today) if _notify(user, item, today)
            ]
            notifications += len(new)
            if new and user.email:
                send_mail(
                    subject=_("haard: %(count)s items of work due") % {"count": len(new)},
                    message=_(
                        "You have %(count)s items of work due or overdue in haard. "
                        "Sign in and open My work to see them: %(url)s"
                    )
                    % {"count": len(new), "url": "/my-work/"},
                    from_email=None,
                    recipient_list=[user.email],
                )
                emails += 1
    return ReminderRun(today, notifications, emails)


def mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one notification (or all) of `user` as read; returns how many changed."""
    unread = Notification.objects.filter(user=user, read=False)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read=True)
