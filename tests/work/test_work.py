"""My work: every provider's items most urgent first, logged with the people shown, in a fixed
number of queries; notifications and daily e-mail reminders, sent once a day."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.cases import services as case_services
from haard.core.calendar import is_working_day
from haard.core.worklist import work_for
from haard.work import services
from haard.work.models import Notification
from tests.cases.helpers import measure
from tests.conftest import sign_in
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def _plan(case: Any, owner: Any, days: list[int]) -> None:
    case_services.save_safety_plan(
        actor=owner,
        case=case,
        base_version=case_services.current_version_number(case),
        measures=[measure(owner, description=f"Maatregel {d}", days=d) for d in days],
    )


def test_my_work_is_ordered_by_urgency_grouped_and_logged(own_case: Any, case_manager: Any) -> None:
    _plan(own_case, case_manager, [0, 3, 30])
    response = sign_in(Client(), case_manager).get(reverse("work:my_work"))
    assert response.status_code == 200
    groups = {g.key: [i.title for i in g.items] for g in response.context["groups"]}
    assert [t.split(": ")[1] for t in groups["today"]] == ["Maatregel 0"]
    assert [t.split(": ")[1] for t in groups["soon"]] == ["Maatregel 3"]
    assert [t.split(": ")[1] for t in groups["later"]] == ["Maatregel 30"]
    page = response.content.decode()
    assert "Safety plan measure" in page and page.index("Maatregel 0") < page.index(
        "Maatregel 3"
    ) < page.index("Maatregel 30")
    entry = AccessLogEntry.objects.filter(user=case_manager).latest("id")
    assert entry.record_type == "work.WorkList"
    assert set(entry.subjects.values_list("person_id", flat=True)) == set(
        own_case.members.values_list("person_id", flat=True)
    )


def test_overdue_goals_come_first(own_case: Any, case_manager: Any) -> None:
    from haard.cases.models import Case

    Case.objects.filter(pk=own_case.pk).update(opened_on=timezone.localdate() - timedelta(days=30))
    own_case.refresh_from_db()
    _plan(own_case, case_manager, [2])
    case_services.add_goal(
        actor=case_manager,
        case=own_case,
        domain="finances",
        description="Schulden in kaart",
        owner=case_manager,
        starts_on=timezone.localdate() - timedelta(days=20),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    items = work_for(case_manager, timezone.localdate())
    assert [i.kind for i in items][:2] == ["cases.goal", "cases.measure"]


def test_the_outsider_and_other_roles_see_no_work_of_others(
    own_case: Any, case_manager: Any, outsider: Any
) -> None:
    _plan(own_case, case_manager, [0])
    response = sign_in(Client(), outsider).get(reverse("work:my_work"))
    assert response.status_code == 200 and own_case.reference not in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()
    assert sign_in(Client(), make_user("policy_officer")).get(reverse("work:my_work")).status_code == 403
    assert Client().get(reverse("work:my_work")).status_code == 302
    # A measure owned by someone who left the case is no longer their work.
    partner = make_user("case_manager")
    participant = case_services.add_participant(actor=case_manager, case=own_case, user=partner)
    _plan(own_case, partner, [1])
    assert work_for(partner, timezone.localdate())
    case_services.leave_case(actor=partner, participant=participant)
    assert not work_for(partner, timezone.localdate())


def test_the_work_page_takes_a_fixed_number_of_queries(team: Any, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    first = make_case(team=team, participants=[case_manager])
    _plan(first, case_manager, [1])
    client.get(reverse("work:my_work"))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("work:my_work"))
        return len(captured)

    few = count()
    for _ in range(6):
        case = make_case(team=team, participants=[case_manager], people=3)
        _plan(case, case_manager, [0, 2, 9])
        case_services.add_goal(
            actor=case_manager,
            case=case,
            domain="safety",
            description="Doel",
            owner=case_manager,
            due_on=timezone.localdate(),
        )
    assert count() == few


def test_menu_shows_my_work_to_roles_that_see_personal_data(case_manager: Any) -> None:
    url = reverse("work:my_work")
    assert f'href="{url}"' in sign_in(Client(), case_manager).get(reverse("web:home")).content.decode()
    assert (
        f'href="{url}"'
        in sign_in(Client(), make_user("professional")).get(reverse("web:home")).content.decode()
    )
    policy_home = sign_in(Client(), make_user("policy_officer")).get(reverse("web:home")).content.decode()
    assert f'href="{url}"' not in policy_home


def test_reminders_are_sent_once_a_day_without_names(own_case: Any, case_manager: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case_manager.email = "regisseur@example.invalid"
    case_manager.save()
    _plan(own_case, case_manager, [0, 10])
    today = timezone.localdate()
    while not is_working_day(today):
        today += timedelta(days=1)
    run = services.send_reminders(today=today)
    # Due by the reminder day is reminded; ten days after today is not yet.
    assert run.notifications == Notification.objects.filter(user=case_manager).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["regisseur@example.invalid"]
    names = [m.person.surname for m in own_case.members.select_related("person")]
    assert not any(name in mail.outbox[0].body or name in mail.outbox[0].subject for name in names)
    assert not any(name in n.text for n in Notification.objects.all() for name in names)
    again = services.send_reminders(today=today)
    assert again.notifications == 0 and again.emails == 0 and len(mail.outbox) == 1


def test_notifications_page_and_mark_read(case_manager: Any, outsider: Any) -> None:
    mine = Notification.objects.create(
        user=case_manager, text="Follow-up check due 01-02-2027: T-1", url="/cases/1/"
    )
    theirs = Notification.objects.create(user=outsider, text="Not yours", url="")
    client = sign_in(Client(), case_manager)
    page = client.get(reverse("work:notifications")).content.decode()
    assert mine.text in page and theirs.text not in page
    client.post(reverse("work:notification_read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read is False
    client.post(reverse("work:notification_read"), {"notification": mine.pk})
    mine.refresh_from_db()
    assert mine.read is True
    assert (
        sign_in(Client(), make_user("policy_officer")).get(reverse("work:notifications")).status_code == 403
    )


def test_the_command_queues_the_task_and_runs_it(own_case: Any, case_manager: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _plan(own_case, case_manager, [0])
    day = date(2026, 12, 28)  # a Monday, a working day
    out = StringIO()
    call_command("send_reminders", "--day", day.isoformat(), stdout=out)
    assert "queued" in out.getvalue()
    assert Notification.objects.filter(user=case_manager, day=day).exists()
    out = StringIO()
    call_command("send_reminders", "--now", "--day", day.isoformat(), stdout=out)
    assert "0 notifications" in out.getvalue()
