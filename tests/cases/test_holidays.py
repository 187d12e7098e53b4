"""A frozen clock around Christmas and Easter: follow-ups fall due and reminders go out on
the right working day (Dutch public holidays; see haard.core.calendar)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.cases import services
from haard.cases.models import FollowUpCheck
from haard.work import services as work_services
from haard.work.models import Notification
from tests.cases.helpers import closed_case
from tests.conftest import sign_in
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def freeze(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Stop the clock at 09:00 local time on a day."""

    def at(day: date) -> None:
        moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


def _work(user: Any) -> dict[str, list[str]]:
    """The user's work list on the frozen day (signed in afresh: the session starts then)."""
    response = sign_in(Client(), user).get(reverse("work:my_work"))
    assert response.status_code == 200
    return {g.key: [i.kind for i in g.items] for g in response.context["groups"]}


def test_christmas(own_case: Any, case_manager: Any, freeze: Callable[[date], None], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case_manager.email = "regisseur@example.invalid"
    case_manager.save()
    # Closed on Friday 25 September 2026: three months later is Christmas Day (a Friday),
    # then the weekend with Boxing Day; the check is due on Monday 28 December.
    case = closed_case(own_case, case_manager, on=date(2026, 9, 25))
    check = FollowUpCheck.objects.get(case=case, months_after_closure=3)
    assert check.due_on == date(2026, 12, 28)

    freeze(date(2026, 12, 24))
    assert _work(case_manager)["soon"] == ["cases.follow_up"]
    assert work_services.send_reminders().notifications == 0  # not due before the next working day

    freeze(date(2026, 12, 25))
    assert work_services.send_reminders().notifications == 0  # no reminders on a holiday
    call_count = len(mail.outbox)

    freeze(date(2026, 12, 28))
    assert _work(case_manager)["today"] == ["cases.follow_up"]
    run = work_services.send_reminders()
    assert run.notifications == 1 and run.emails == 1 and len(mail.outbox) == call_count + 1
    assert Notification.objects.get(user=case_manager).day == date(2026, 12, 28)
    assert work_services.send_reminders().notifications == 0  # once a day

    freeze(date(2026, 12, 29))
    assert _work(case_manager)["overdue"] == ["cases.follow_up"]
    services.record_follow_up(actor=case_manager, check=check, family_safe=True, notes="Rustig")
    assert "cases.follow_up" not in sum(_work(case_manager).values(), [])


def test_easter(own_case: Any, case_manager: Any, team: Any, freeze: Callable[[date], None]) -> None:
    # Closed on 29 December 2026: three months later is Easter Monday 29 March 2027.
    case = closed_case(own_case, case_manager, on=date(2026, 12, 29))
    assert FollowUpCheck.objects.get(case=case, months_after_closure=3).due_on == date(2027, 3, 30)
    # A measure in another family's plan falls due on Saturday 27 March 2027.
    other = make_case(team=team, participants=[case_manager])
    services.save_safety_plan(
        actor=case_manager,
        case=other,
        base_version=0,
        measures=[
            services.MeasureInput(
                term="long_term", description="Evaluatie", owner=case_manager, deadline=date(2027, 3, 27)
            )
        ],
    )
    # Thursday 25 March is the last working day before it (Good Friday, the weekend and
    # Easter Monday follow): the measure is reminded then, the follow-up not yet.
    freeze(date(2027, 3, 25))
    assert sorted(_work(case_manager)["soon"]) == ["cases.follow_up", "cases.measure"]
    work_services.send_reminders()
    assert list(Notification.objects.values_list("key", flat=True)) == [
        f"cases.measure:{reverse('cases:case_detail', args=[other.pk])}#safety-plan"
    ]
    for closed_day in (date(2027, 3, 26), date(2027, 3, 29)):
        freeze(closed_day)
        assert work_services.send_reminders().notifications == 0
    freeze(date(2027, 3, 30))
    work = _work(case_manager)
    assert work["today"] == ["cases.follow_up"] and work["overdue"] == ["cases.measure"]
    work_services.send_reminders()
    assert Notification.objects.filter(day=date(2027, 3, 30), key__startswith="cases.follow_up").count() == 1
    assert (
        Notification.objects.filter(day=date(2027, 3, 30), key__startswith="cases.measure").count() == 1
    )  # overdue now
    services.record_follow_up(
        actor=case_manager,
        check=FollowUpCheck.objects.get(case=case, months_after_closure=3),
        family_safe=True,
    )
    freeze(date(2027, 3, 31))
    assert "cases.follow_up" not in sum(_work(case_manager).values(), [])
