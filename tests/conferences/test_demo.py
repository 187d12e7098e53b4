"""The demo step: conferences for the case manager's cases that obey the app's own rules, with
open actions on the demo users' work lists. The step runs here on its own, on the demo users
and cases it needs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from haard.accounts.models import User
from haard.cases.models import Case
from haard.conferences.models import ActionItem, ActionStatus, AgendaItem, Conference, ConferenceParticipant
from haard.conferences.selectors import work_items
from haard.demo.steps import DemoContext
from haard.demo.steps import conferences as step
from tests.factories import make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def _context(size: str = "small") -> DemoContext:
    return DemoContext(
        size=size,
        seed=2026,
        today=TODAY,
        history=False,
        plan=None,  # type: ignore[arg-type]
        organisations=None,  # type: ignore[arg-type]
        person_ids=[],
        household_ids=[],
        municipality_ids={},
    )


def test_the_demo_step_writes_conferences_that_follow_the_rules(
    team: Any, chair: User, colleague: User, police: User
) -> None:
    for index in range(5):
        make_case(team=team, people=3, participants=[chair], reference=f"D-{index}")
    counts = step.generate(_context())
    assert counts["conferences"] == 4 and counts["conference_actions"] > 0
    visible = set(Case.objects.visible_to(chair).values_list("pk", flat=True))
    assert set(AgendaItem.objects.values_list("case_id", flat=True)) <= visible
    for action in ActionItem.objects.select_related("agenda_item__conference"):
        assert action.deadline >= timezone.localdate(action.agenda_item.conference.starts_at)
        assert ConferenceParticipant.objects.filter(
            conference=action.agenda_item.conference, user=action.owner
        ).exists()
        assert (action.status == ActionStatus.DONE) == (action.done_on is not None)
    assert all(p.basis for p in ConferenceParticipant.objects.all())
    open_owners = set(ActionItem.objects.filter(status=ActionStatus.OPEN).values_list("owner_id", flat=True))
    assert open_owners
    for user in (chair, colleague, police):
        assert bool(work_items(user, TODAY, 50)) == (user.pk in open_owners)
    assert Conference.objects.filter(starts_at__date__gt=TODAY).exists()


def test_the_demo_step_is_deterministic(team: Any, chair: User, colleague: User, police: User) -> None:
    for index in range(5):
        make_case(team=team, people=3, participants=[chair], reference=f"D-{index}")

    def snapshot() -> list[tuple[Any, ...]]:
        return list(
            ActionItem.objects.order_by("pk").values_list(
                "agenda_item__case__reference", "owner__username", "deadline", "status"
            )
        )

    step.generate(_context())
    first = snapshot()
    ActionItem.objects.all().delete()
    AgendaItem.objects.all().delete()
    Conference.objects.all().delete()
    step.generate(_context())
    assert snapshot() == first


def test_without_the_demo_users_the_step_writes_nothing(db: None) -> None:
    assert step.generate(_context()) == {"conferences": 0}
