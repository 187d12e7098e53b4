"""Factories for the triage tests: Veilig Thuis assessors, families and assessed reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from haard.accounts.models import Organisation, OrganisationType, Team, User
from haard.registry.models import HouseholdMember, Person
from haard.triage import services
from haard.triage.models import Assessment, HandOver, HandOverStatus, RouteKind
from tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory, TeamFactory, make_user
from tests.intake.factories import make_report


def vt_team() -> Team:
    organisation = Organisation.objects.filter(
        type=OrganisationType.VEILIG_THUIS, name="Veilig Thuis Test"
    ).first()
    if organisation is None:
        organisation = OrganisationFactory(name="Veilig Thuis Test", type=OrganisationType.VEILIG_THUIS)
    return Team.objects.get_or_create(organisation=organisation, name="Beoordeling")[0]


def assessor(username: str | None = None) -> User:
    return make_user("safety_assessor", team=vt_team(), username=username)


def intake_worker() -> User:
    return make_user("intake_worker", team=vt_team())


def social_team_worker(organisation: Organisation | None = None) -> User:
    team = TeamFactory(organisation=organisation or OrganisationFactory(type=OrganisationType.SOCIAL_TEAM))
    return make_user("case_manager", team=team)


def family(size: int = 2) -> tuple[Any, list[Person]]:
    """A household with `size` people in it (the first is the victim of the reports)."""
    household = HouseholdFactory()
    people = [PersonFactory() for _ in range(size)]
    for index, person in enumerate(people):
        HouseholdMember.objects.create(
            household=household, person=person, role="parent" if index < 2 else "child"
        )
    return household, people


def assessed_report(
    *,
    people: list[Person],
    received_at: datetime | None = None,
    actor: User | None = None,
    household: Any = None,
) -> tuple[Any, Assessment]:
    """A report about `people` (received at `received_at`) and the assessment it is in."""
    actor = actor or intake_worker()
    municipality = household.address.municipality if household is not None else None
    fields: dict[str, Any] = {"received_at": received_at or timezone.now()}
    if municipality is not None:
        fields["municipality"] = municipality
    report = make_report(actor=actor, people=people, **fields)
    return report, services.open_or_join(report=report)


def answer_all(assessment: Assessment, actor: User, **chosen: str) -> Assessment:
    """Answer every item: the first (lowest) option unless given by item code (dashes as _)."""
    answers = {}
    for item in assessment.instrument.items.prefetch_related("options"):
        options = list(item.options.all())
        answers[item.code] = chosen.get(item.code.replace("-", "_"), options[0].code)
    return services.record_answers(actor=actor, assessment=assessment, answers=answers)


def acute(assessment: Assessment, actor: User) -> Assessment:
    """Answered and finished with acute unsafety (waits for a second expert)."""
    answer_all(assessment, actor, acute_danger="yes")
    return services.complete(actor=actor, assessment=assessment)


def none_found(assessment: Assessment, actor: User) -> Assessment:
    answer_all(assessment, actor)
    return services.complete(actor=actor, assessment=assessment)


def hand_over(
    assessment: Assessment,
    actor: User,
    *,
    to: Organisation | None = None,
    reason: str = "Wijkteam",
    message: str = "",
) -> HandOver:
    """Route the finished assessment to a social team (`to`, else a new one): the hand-over that
    now waits for the team's answer."""
    to = to or OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    services.choose_route(
        actor=actor,
        assessment=assessment,
        route=RouteKind.HANDOVER,
        reason=reason,
        target="social_team",
        receiving_organisation_id=to.pk,
        message=message,
    )
    return HandOver.objects.get(assessment=assessment, status=HandOverStatus.PROPOSED)
