"""The "my work" items of cases: safety-plan measures and goals the actor owns that are still
to be done, and follow-up checks due on the cases the actor directs or whose team owns them.
A fixed number of queries however much work there is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership
from haard.cases.models import (
    Case,
    CaseMember,
    CaseStatus,
    FollowUpCheck,
    FollowUpStatus,
    Goal,
    GoalStatus,
    MeasureStatus,
    SafetyMeasure,
)
from haard.cases.selectors import shared_with
from haard.core.worklist import WorkItem

# Follow-up checks appear on the list this many days before they are due.
FOLLOW_UP_HORIZON_DAYS = 30


def _people(case_ids: set[int]) -> dict[int, tuple[int, ...]]:
    people: dict[int, list[int]] = defaultdict(list)
    for case_id, person_id in CaseMember.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "person_id"
    ):
        people[case_id].append(person_id)
    return {case_id: tuple(ids) for case_id, ids in people.items()}


def plan_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    """Measures of the current safety plans and goals the actor owns, not yet done."""
    if not has_capability(actor, "view_cases"):
        return []
    visible = Case.objects.visible_to(actor).values("pk")
    measures = list(
        SafetyMeasure.objects.filter(
            owner=actor,
            status=MeasureStatus.PLANNED,
            version__plan__current_version_id=F("version_id"),
            version__plan__case__in=visible,
        )
        .exclude(version__plan__case__status=CaseStatus.CLOSED)
        .select_related("version__plan__case")
        .order_by("deadline", "pk")[:limit]
    )
    goals = list(
        Goal.objects.filter(shared_with(actor), owner=actor, status=GoalStatus.OPEN, case__in=visible)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
        .order_by("due_on", "pk")[:limit]
    )
    people = _people({m.version.plan.case_id for m in measures} | {g.case_id for g in goals})
    items = [
        WorkItem(
            kind="cases.measure",
            kind_label=_("Safety plan measure"),
            title=f"{m.version.plan.case.reference}: {m.description[:80]}",
            url=reverse("cases:case_detail", args=[m.version.plan.case_id]) + "#safety-plan",
            due=m.deadline,
            person_ids=people.get(m.version.plan.case_id, ()),
            detail=str(m.get_term_display()),
        )
        for m in measures
    ]
    items += [
        WorkItem(
            kind="cases.goal",
            kind_label=_("Goal in the plan"),
            title=f"{g.case.reference}: {g.description[:80]}",
            url=reverse("cases:goal_update", args=[g.case_id, g.pk]),
            due=g.due_on,
            person_ids=people.get(g.case_id, ()),
            detail=str(g.get_domain_display()),
        )
        for g in goals
    ]
    return items


def follow_up_work(actor: Any, today: date, limit: int) -> Iterable[WorkItem]:
    """Follow-up checks due (or due within the horizon) on cases the actor directs, or that
    the actor's team owns."""
    if not has_capability(actor, "manage_cases"):
        return []
    teams = Membership.objects.filter(user=actor, active=True).values("team_id")
    checks = list(
        FollowUpCheck.objects.filter(
            Q(case__case_director=actor) | Q(case__owning_team__in=teams),
            status=FollowUpStatus.PENDING,
            due_on__lte=today + timedelta(days=FOLLOW_UP_HORIZON_DAYS),
            case__in=Case.objects.visible_to(actor).values("pk"),
        )
        .select_related("case")
        .order_by("due_on", "pk")[:limit]
    )
    people = _people({c.case_id for c in checks})
    return [
        WorkItem(
            kind="cases.follow_up",
            kind_label=_("Follow-up check"),
            title=_("%(reference)s: follow-up %(months)s months after closure")
            % {"reference": c.case.reference, "months": c.months_after_closure},
            url=reverse("cases:follow_up_record", args=[c.case_id, c.pk]),
            due=c.due_on,
            person_ids=people.get(c.case_id, ()),
        )
        for c in checks
    ]
