"""The work provider: an owner's open actions appear on their "my work" list, in two queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haard.accounts.access import capabilities
from haard.conferences import services
from haard.conferences.models import ActionItem
from haard.conferences.selectors import work_items
from haard.core.worklist import URGENCY_OVERDUE, providers, work_for
from tests.conferences.factories import add_action, add_case, make_conference
from tests.factories import TeamFactory, make_case

pytestmark = pytest.mark.django_db


def test_the_provider_is_registered() -> None:
    assert providers()["conferences.actions"] is work_items


def test_each_owner_sees_their_own_open_actions(
    chair: Any, colleague: Any, police: Any, outsider: Any, own_case: Any
) -> None:
    conference = make_conference(chair, participants=[colleague, police], cases=[own_case])
    item = conference.agenda_items.get()
    first = add_action(chair, item, colleague, text="Repeat the risk assessment")
    second = add_action(chair, item, police, text="Check the contact ban")
    today = timezone.localdate()
    mine = [w for w in work_for(colleague, today) if w.kind == "conferences.action"]
    assert [w.title for w in mine] == ["Repeat the risk assessment"]
    assert mine[0].url == f"/conferences/actions/{first.pk}/"
    assert mine[0].due == first.deadline
    assert set(mine[0].person_ids) == set(own_case.members.values_list("person_id", flat=True))
    assert own_case.reference in mine[0].detail
    theirs = [w for w in work_for(police, today) if w.kind == "conferences.action"]
    assert [w.title for w in theirs] == ["Check the contact ban"]
    assert not [w for w in work_for(outsider, today) if w.kind == "conferences.action"]
    services.mark_action_done(actor=police, action=second)
    assert not [w for w in work_for(police, today) if w.kind == "conferences.action"]


def test_overdue_actions_come_first_and_the_limit_holds(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case], days=-30)
    item = conference.agenda_items.get()
    add_action(chair, item, chair, days=60, text="Later")
    add_action(chair, item, chair, days=1, text="Overdue")
    today = timezone.localdate()
    items = work_items(chair, today, 10)
    assert [w.title for w in items] == ["Overdue", "Later"]
    assert items[0].urgency(today) == URGENCY_OVERDUE
    assert len(work_items(chair, today, 1)) == 1


def test_the_provider_uses_a_fixed_number_of_queries(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case])
    add_action(chair, conference.agenda_items.get(), chair)
    capabilities(chair)  # cached on the user, as within a request
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as few:
        work_items(chair, today, 50)
    for index in range(5):
        case = make_case(team=TeamFactory(), people=3, participants=[chair], reference=f"T-W{index}")
        add_action(chair, add_case(chair, conference, case), chair, days=index)
    with CaptureQueriesContext(connection) as many:
        assert len(work_items(chair, today, 50)) == 6
    assert len(many) == len(few) <= 2
    assert ActionItem.objects.count() == 6
