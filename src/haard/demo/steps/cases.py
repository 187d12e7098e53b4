"""Plans in the demo caseload: the demo case manager directs the open cases of their team and
the cases they take part in, each with a safety plan (short-term measures and a long-term
agreement) and goals in a few life domains; every closed case has its follow-up checks, the
earlier ones recorded, the later ones still due. Bulk inserts only."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q

from haard.accounts.models import User
from haard.cases.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    FollowUpCheck,
    FollowUpStatus,
    Goal,
    LifeDomain,
    MeasureTerm,
    SafetyMeasure,
    SafetyPlan,
    SafetyPlanVersion,
)
from haard.cases.services import follow_up_schedule
from haard.demo.demo_users import CASE_MANAGER_USERNAME

if TYPE_CHECKING:
    from haard.demo.steps import DemoContext

ORDER = 20
MAX_PLANS = 40
# Follow-up checks due more than this long ago were recorded (most families safe).
RECORDED_AFTER_DAYS = 14

SHORT_TERM = (
    (MeasureTerm.TODAY, "Moeder en kinderen slapen vannacht bij de zus van moeder"),
    (MeasureTerm.TODAY, "Vader levert de huissleutel in bij het wijkteam"),
    (MeasureTerm.THIS_WEEK, "Huisbezoek met moeder en de kinderen"),
    (MeasureTerm.THIS_WEEK, "School informeren over de thuissituatie (met toestemming)"),
    (MeasureTerm.THIS_WEEK, "Aanmelding bij de huisarts voor slaapproblemen van de oudste"),
)
LONG_TERM = (
    "Geen contact zonder afspraak via de casusregisseur",
    "Vader volgt een agressieregulatietraining",
    "Maandelijks evaluatiegesprek met het hele gezin",
)
GOALS = {
    LifeDomain.SAFETY: "Het gezin heeft een werkend signaleringsplan",
    LifeDomain.HOUSING: "Moeder heeft een eigen woning via urgentie",
    LifeDomain.FINANCES: "Schulden zijn in kaart en er is een budgetplan",
    LifeDomain.PARENTING: "Ouders volgen opvoedondersteuning",
    LifeDomain.MENTAL_HEALTH: "Moeder is aangemeld bij de GGZ",
    LifeDomain.WORK_SCHOOL: "De kinderen gaan weer elke dag naar school",
    LifeDomain.ADDICTION: "Vader is in behandeling bij de verslavingszorg",
    LifeDomain.SOCIAL_NETWORK: "Twee mensen uit het netwerk zijn vast aanspreekpunt",
    LifeDomain.JUSTICE: "De afspraken met de reclassering worden nagekomen",
}


def generate(context: DemoContext) -> dict[str, int]:
    from haard.demo.generator import _insert

    rng = random.Random(f"{context.seed}:case-plans")
    today = context.today
    director = User.objects.get(username=CASE_MANAGER_USERNAME)
    own_teams = director.memberships.values("team_id")
    directed = list(
        Case.objects.filter(
            Q(participants__user=director, participants__left_on__isnull=True) | Q(owning_team__in=own_teams),
            status__in=[CaseStatus.OPEN, CaseStatus.MONITORING],
        )
        .distinct()
        .order_by("opened_on", "pk")[:MAX_PLANS]
    )
    Case.objects.filter(pk__in=[c.pk for c in directed]).update(case_director=director)

    plans = list(SafetyPlan.objects.bulk_create([SafetyPlan(case=c) for c in directed]))
    versions = list(
        SafetyPlanVersion.objects.bulk_create(
            [
                SafetyPlanVersion(plan=p, number=1, saved_by=director, note="Eerste veiligheidsplan")
                for p in plans
            ]
        )
    )
    for plan, version in zip(plans, versions, strict=True):
        plan.current_version = version
    SafetyPlan.objects.bulk_update(plans, ["current_version"])
    measures: list[SafetyMeasure] = []
    goals: list[Goal] = []
    for case, version in zip(directed, versions, strict=True):
        start = max(case.opened_on, today - timedelta(days=3))
        for position, (term, text) in enumerate(rng.sample(SHORT_TERM, 2)):
            days = 0 if term == MeasureTerm.TODAY else rng.randint(1, 6)
            measures.append(
                SafetyMeasure(
                    version=version,
                    key=uuid.UUID(int=rng.getrandbits(128)).hex,
                    position=position,
                    term=term,
                    description=text,
                    owner=director,
                    deadline=start + timedelta(days=days),
                )
            )
        measures.append(
            SafetyMeasure(
                version=version,
                key=uuid.UUID(int=rng.getrandbits(128)).hex,
                position=2,
                term=MeasureTerm.LONG_TERM,
                description=rng.choice(LONG_TERM),
                owner=director,
                deadline=start + timedelta(days=rng.randint(60, 180)),
            )
        )
        goals.extend(
            Goal(
                case=case,
                domain=domain,
                description=GOALS[LifeDomain(domain)],
                owner=director,
                starts_on=case.opened_on,
                due_on=max(case.opened_on, today + timedelta(days=rng.randint(-5, 120))),
                created_by=director,
            )
            for domain in rng.sample(sorted(GOALS), 3)
        )
    _insert(SafetyMeasure, measures, history=False)
    _insert(Goal, goals, history=context.history)

    closed = list(
        Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False).only("pk", "closed_on")
    )
    checks: list[FollowUpCheck] = []
    changes: list[CaseStatusChange] = []
    for case in closed:
        if case.closed_on is None:  # never: filtered above; narrows the type
            continue
        changes.append(
            CaseStatusChange(
                case=case, from_status=CaseStatus.OPEN, to_status=CaseStatus.CLOSED, reason="Doelen bereikt"
            )
        )
        for months, due in follow_up_schedule(case.closed_on):
            recorded = due < today - timedelta(days=RECORDED_AFTER_DAYS)
            checks.append(
                FollowUpCheck(
                    case=case,
                    months_after_closure=months,
                    due_on=due,
                    status=FollowUpStatus.DONE if recorded else FollowUpStatus.PENDING,
                    family_safe=(rng.random() < 0.9) if recorded else None,
                    notes="Telefonisch contact met moeder" if recorded else "",
                    recorded_by=director if recorded else None,
                    recorded_on=due + timedelta(days=rng.randint(0, 10)) if recorded else None,
                )
            )
    _insert(CaseStatusChange, changes, history=False)
    _insert(FollowUpCheck, checks, history=context.history)
    return {
        "safety_plans": len(plans),
        "safety_measures": len(measures),
        "goals": len(goals),
        "follow_up_checks": len(checks),
    }
