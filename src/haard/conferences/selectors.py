"""Reads for case conferences. Every function takes the actor and reads through
`Conference.objects.visible_to` (chair and participants) and, for minutes, through the case's
own relations (`Case.objects.relation_only`): a participant sees the minutes, decisions and
actions of an agenda item only when they also work on that case. The `show_*` functions write
the access-log entry for what a page or API operation shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases.models import Case, CaseMember
from haard.conferences.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Conference,
    ConferenceParticipant,
    Decision,
)
from haard.core.paging import page_of
from haard.core.worklist import WorkItem

PAGE_SIZE = 50

_MEMBERS = Prefetch("members", queryset=CaseMember.objects.only("pk", "case_id", "person_id"))


def organisations_of(user: User) -> set[int]:
    """The organisations the user works for now (through an active membership)."""
    return set(
        Membership.objects.filter(user=user, active=True, team__organisation__active=True).values_list(
            "team__organisation_id", flat=True
        )
    )


def minutes_case_ids(*, actor: User, case_ids: list[int]) -> set[int]:
    """Of these cases, those the actor works on (participant or owning team), in one query.

    Emergency access to a case does not count: conference minutes are shared with the people
    at the table who work on the case, not with whoever opens the case file."""
    if not case_ids:
        return set()
    return set(Case.objects.relation_only(actor).filter(pk__in=case_ids).values_list("pk", flat=True))


def may_see_minutes(*, actor: User, item: AgendaItem) -> bool:
    """The rule for minutes: a participant (or the chair) of the conference who also works on
    the case of the agenda item."""
    takes_part = Conference.objects.visible_to(actor).filter(pk=item.conference_id).exists()
    return takes_part and item.case_id in minutes_case_ids(actor=actor, case_ids=[item.case_id])


# Conferences ---------------------------------------------------------------------------------


def conference_list(*, actor: User) -> QuerySet[Conference]:
    """The conferences the actor chairs or takes part in, with counts for the list."""
    return (
        Conference.objects.visible_to(actor)
        .select_related("chair")
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            open_actions=Count(
                "agenda_items__actions",
                filter=Q(agenda_items__actions__status=ActionStatus.OPEN),
                distinct=True,
            ),
        )
        .order_by("-starts_at", "pk")
    )


def conference_page(*, actor: User, page_number: Any = 1, strict: bool = False) -> Page[Conference]:
    """One page of the actor's conferences: titles, dates and chairs, no client data."""
    return page_of(conference_list(actor=actor), page_number, size=PAGE_SIZE, strict=strict)


def visible_conference(*, actor: User, pk: int) -> Conference:
    """A conference the actor chairs or takes part in; Http404 otherwise."""
    conference = Conference.objects.visible_to(actor).select_related("chair").filter(pk=pk).first()
    if conference is None:
        raise Http404
    return conference


@dataclass
class AgendaEntry:
    """An agenda item as one viewer sees it: the minutes only when the viewer works on the case."""

    item: AgendaItem
    sees_minutes: bool

    @property
    def person_ids(self) -> list[int]:
        return [m.person_id for m in self.item.case.members.all()] if self.sees_minutes else []


def conference_detail(*, actor: User, pk: int) -> tuple[Conference, list[AgendaEntry]]:
    """A conference with its participants and its agenda, each item marked with whether the
    actor sees its minutes; in a fixed number of queries."""
    conference = (
        Conference.objects.visible_to(actor)
        .select_related("chair")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ConferenceParticipant.objects.select_related("user", "organisation"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("case__household").prefetch_related(
                    "criteria",
                    Prefetch("case__members", queryset=CaseMember.objects.only("pk", "case_id", "person_id")),
                    Prefetch("decisions", queryset=Decision.objects.select_related("recorded_by")),
                    Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "done_by")),
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if conference is None:
        raise Http404
    items = list(conference.agenda_items.all())
    seen = minutes_case_ids(actor=actor, case_ids=[item.case_id for item in items])
    return conference, [AgendaEntry(item=item, sees_minutes=item.case_id in seen) for item in items]


def show_conference(*, request: Any, pk: int) -> tuple[Conference, list[AgendaEntry]]:
    """The conference page (or API read): logged with the people of the cases whose minutes
    are shown."""
    conference, entries = conference_detail(actor=request.user, pk=pk)
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="conferences.Conference",
        record_id=conference.pk,
        person_ids=[pid for entry in entries for pid in entry.person_ids],
    )
    return conference, entries


def show_agenda_item(*, request: Any, pk: int) -> AgendaItem:
    """One agenda item with its minutes, decisions and actions, for a participant who works on
    the case; Http404 for everyone else. Logged."""
    actor = request.user
    visible = Conference.objects.visible_to(actor).values("pk")
    item = (
        AgendaItem.objects.filter(conference__in=visible, pk=pk)
        .select_related("conference__chair", "case__household")
        .prefetch_related(
            "criteria",
            Prefetch("case__members", queryset=CaseMember.objects.select_related("person")),
            Prefetch("decisions", queryset=Decision.objects.select_related("recorded_by")),
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "done_by")),
        )
        .first()
    )
    if item is None or item.case_id not in minutes_case_ids(actor=actor, case_ids=[item.case_id]):
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="conferences.AgendaItem",
        record_id=item.pk,
        person_ids=[m.person_id for m in item.case.members.all()],
    )
    return item


# Action items --------------------------------------------------------------------------------


def visible_actions(*, actor: User) -> QuerySet[ActionItem]:
    """Actions the actor may see: their own, those of conferences they chair, and those of
    agenda items whose minutes they see."""
    if not has_capability(actor, "view_personal_data"):
        return ActionItem.objects.none()
    taking_part = Conference.objects.visible_to(actor).values("pk")
    working_on = Case.objects.relation_only(actor).values("pk")
    return ActionItem.objects.filter(
        Q(owner=actor)
        | Q(agenda_item__conference__chair=actor)
        | Q(agenda_item__conference__in=taking_part, agenda_item__case__in=working_on)
    )


ACTION_FILTERS = ("open", "overdue", "done", "all")


def action_list(*, actor: User, show: str, today: date, mine_only: bool = False) -> QuerySet[ActionItem]:
    """The actions the actor owns or follows as chair, filtered: open, overdue (open and past
    the deadline), done or all."""
    actions = visible_actions(actor=actor).filter(
        Q(owner=actor) if mine_only else Q(owner=actor) | Q(agenda_item__conference__chair=actor)
    )
    if show == "open":
        actions = actions.filter(status=ActionStatus.OPEN)
    elif show == "overdue":
        actions = actions.filter(status=ActionStatus.OPEN, deadline__lt=today)
    elif show == "done":
        actions = actions.filter(status=ActionStatus.DONE)
    return (
        actions.select_related("owner", "done_by", "agenda_item__case", "agenda_item__conference")
        .prefetch_related(Prefetch("agenda_item__case__members", queryset=_MEMBERS.queryset))
        .order_by("status", "deadline", "pk")
    )


def _action_people(actions: list[ActionItem]) -> list[int]:
    return [m.person_id for action in actions for m in action.agenda_item.case.members.all()]


def show_action_page(
    *,
    request: Any,
    show: str,
    today: date,
    page_number: Any = 1,
    strict: bool = False,
    mine_only: bool = False,
) -> Page[ActionItem]:
    """One page of the actor's actions, logged with the people of their cases."""
    page = page_of(
        action_list(actor=request.user, show=show, today=today, mine_only=mine_only),
        page_number,
        size=PAGE_SIZE,
        strict=strict,
    )
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="conferences.ActionItem",
            query=f"show={show}",
            person_ids=_action_people(list(page.object_list)),
        )
    return page


def action_detail(*, actor: User, pk: int) -> ActionItem | None:
    return (
        visible_actions(actor=actor)
        .select_related("owner", "done_by", "agenda_item__case", "agenda_item__conference__chair")
        .prefetch_related(Prefetch("agenda_item__case__members", queryset=_MEMBERS.queryset))
        .filter(pk=pk)
        .first()
    )


def show_action(*, request: Any, pk: int, action: str = Action.VIEW) -> ActionItem:
    """One action the actor may see, logged; Http404 otherwise."""
    found = action_detail(actor=request.user, pk=pk)
    if found is None:
        raise Http404
    log_access(
        request=request,
        action=action,
        record_type="conferences.ActionItem",
        record_id=found.pk,
        person_ids=_action_people([found]),
    )
    return found


# "My work" -------------------------------------------------------------------------------------


def work_items(actor: Any, today: date, limit: int) -> list[WorkItem]:
    """The open actions the actor owns, most urgent first: two queries however many there are."""
    if not has_capability(actor, "view_personal_data"):
        return []
    actions = list(
        ActionItem.objects.filter(owner=actor, status=ActionStatus.OPEN)
        .select_related("agenda_item__case", "agenda_item__conference")
        .prefetch_related(Prefetch("agenda_item__case__members", queryset=_MEMBERS.queryset))
        .order_by("deadline", "pk")[:limit]
    )
    label = _("Conference action")
    return [
        WorkItem(
            kind="conferences.action",
            kind_label=label,
            title=action.description if len(action.description) <= 120 else action.description[:119] + "…",
            url=reverse("conferences:action_detail", args=[action.pk]),
            due=action.deadline,
            person_ids=tuple(m.person_id for m in action.agenda_item.case.members.all()),
            detail=f"{action.agenda_item.case.reference} · {action.agenda_item.conference.title}",
        )
        for action in actions
    ]
