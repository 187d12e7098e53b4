"""The relations a case creates: participants and the owning team see the case, and whoever
sees a case sees the people in it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from haard.accounts.access import register_relation, team_ids
from haard.accounts.models import User
from haard.cases.models import Case, CaseMember, CaseParticipant, CaseStatus, FollowUpCheck, FollowUpStatus
from haard.intake.repeats import register_involvement


def case_relation(actor: User) -> Q:
    participating = CaseParticipant.objects.filter(user=actor, left_on__isnull=True).values("case_id")
    return Q(pk__in=participating) | Q(owning_team__in=team_ids(actor, capability="view_cases"))


def people_in_visible_cases(actor: User) -> Q:
    visible_cases = Case.objects.visible_to(actor).values("pk")
    return Q(pk__in=CaseMember.objects.filter(case__in=visible_cases).values("person_id"))


register_relation("cases.Case", case_relation)
register_relation("registry.Person", people_in_visible_cases)


def open_case_involvement(person_ids: list[int], at: datetime) -> bool:
    """A report about someone in an open or monitored case, or in a closed case whose
    follow-up still runs, arrives during an involvement."""
    following = FollowUpCheck.objects.filter(status=FollowUpStatus.PENDING).values("case_id")
    day = timezone.localdate(at)  # the day in the Netherlands, as a case's dates are
    return CaseMember.objects.filter(
        Q(case__status__in=[CaseStatus.OPEN, CaseStatus.MONITORING])
        | Q(case__status=CaseStatus.CLOSED, case__closed_on__lte=day, case_id__in=following),
        person_id__in=person_ids,
        case__opened_on__lte=day,
    ).exists()


register_involvement(open_case_involvement)
