"""Conferences for tests, made through the services (so they obey the same rules)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from haard.accounts.models import User
from haard.conferences import services
from haard.conferences.models import AgendaCriterion, AgendaItem, Conference, ConferenceKind, SharingBasis


def at(days: int = 0, hour: int = 10) -> datetime:
    """A moment `days` from today, at `hour` local time."""
    return datetime.combine(
        timezone.localdate() + timedelta(days=days), time(hour), tzinfo=timezone.get_current_timezone()
    )


def organisation_of(user: User) -> Any:
    return user.memberships.select_related("team__organisation").first().team.organisation


def make_conference(
    chair: User,
    *,
    participants: list[User] = (),
    cases: list[Any] = (),
    days: int = 0,
    title: str = "Casusoverleg",
) -> Conference:
    conference = services.create_conference(
        actor=chair,
        kind=ConferenceKind.VEILIGHEIDSHUIS,
        title=title,
        starts_at=at(days),
        organisation=organisation_of(chair),
        basis=SharingBasis.COVENANT,
    )
    for user in participants:
        services.add_participant(
            actor=chair, conference=conference, user=user, basis=SharingBasis.PUBLIC_TASK
        )
    for case in cases:
        add_case(chair, conference, case)
    return conference


def add_case(chair: User, conference: Conference, case: Any) -> AgendaItem:
    return services.add_agenda_item(
        actor=chair,
        conference=conference,
        case_reference=case.reference,
        criteria=list(AgendaCriterion.objects.all()[:2]),
        reason="Repeated reports, help has stalled.",
    )


def add_action(
    chair: User, item: AgendaItem, owner: User, *, days: int = 14, text: str = "Update the safety plan"
) -> Any:
    return services.add_action(
        actor=chair,
        item=item,
        description=text,
        owner=owner,
        deadline=timezone.localdate(item.conference.starts_at) + timedelta(days=days),
    )
