"""Safety assessments in the demo region: the most recent reports are in assessment. Reports
whose clock still runs are open (due); some older ones are overdue; the rest are assessed, with
a second expert where the outcome is high-risk or the route is closing, and a route. A few
hand-overs wait for the demo case manager's social team to accept.

The four-eyes demo needs a second safety assessor: `beoordelaar2` (same team, role and
password as `beoordelaar`, with its own authenticator derived from the seed).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haard.accounts.models import Membership, User
from haard.accounts.services import BACKUP_DEVICE_NAME, TOTP_DEVICE_NAME
from haard.cases.models import Case, CaseStatus
from haard.demo import organisations as orgs
from haard.demo.demo_users import SECOND_ASSESSOR
from haard.demo.identifiers import backup_codes, totp_key_hex
from haard.intake.models import Report, ReportKind
from haard.triage import services
from haard.triage.models import AssessmentStatus, Instrument, RouteKind

if TYPE_CHECKING:
    from haard.demo.steps import DemoContext

ORDER = 10
ASSESSED_REPORTS = {"small": 60, "region": 400, "national": 1_000}
WAITING_HANDOVERS = 4

# Answer patterns (item code → option code) that give each outcome with the demo instrument.
PATTERNS = [
    {"acute-danger": "yes"},
    {"pattern": "often", "children-harmed": "witness"},
    {"problems": "several", "help-accepted": "partly"},
    {},
    {},
]
ROUTES = [
    (RouteKind.INVESTIGATION, "Ontkenning door betrokkenen; onderzoek nodig."),
    (RouteKind.CONDITIONS, "Gezin accepteert hulp; voorwaarden afgesproken."),
    (RouteKind.CHILD_PROTECTION, "Zorgen over de ontwikkeling van de kinderen."),
    (RouteKind.CLOSE, "Geen onveiligheid gevonden; afgesloten na overleg."),
]


def _second_assessor(first: User, seed: int) -> User:
    existing = User.objects.filter(username=SECOND_ASSESSOR).first()
    if existing is not None:
        return existing
    membership = Membership.objects.select_related("team", "role").get(user=first, active=True)
    user = User.objects.create(
        username=SECOND_ASSESSOR,
        first_name="Bente",
        last_name="Hoogland",
        email=f"{SECOND_ASSESSOR}@{first.email.partition('@')[2] or 'demo.haard.invalid'}",
        password=first.password,
    )
    Membership.objects.create(user=user, team=membership.team, role=membership.role)
    TOTPDevice.objects.create(
        user=user,
        name=TOTP_DEVICE_NAME,
        key=totp_key_hex(seed=seed, username=SECOND_ASSESSOR),
        confirmed=True,
    )
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=backup, token=c) for c in backup_codes(seed=seed, username=SECOND_ASSESSOR)]
    )
    return user


def generate(context: DemoContext) -> dict[str, int]:
    first = User.objects.filter(username="beoordelaar").first()
    if first is None or not Instrument.objects.filter(active=True).exists():
        return {}
    second = _second_assessor(first, context.seed)
    team = context.organisations.slots[orgs.SLOT_VT_ASSESSMENT]
    social = context.organisations.slots.get(orgs.SLOT_SOCIAL_OWN)
    rng = random.Random(context.seed * 53 + 10)
    reports = list(
        Report.objects.filter(kind=ReportKind.REPORT).order_by("-received_at", "-pk")[
            : ASSESSED_REPORTS.get(context.size, 60)
        ]
    )
    households_with_case = set(
        Case.objects.filter(status__in=[CaseStatus.OPEN, CaseStatus.MONITORING]).values_list(
            "household_id", flat=True
        )
    )
    counts = {"assessments": 0, "assessments overdue": 0, "hand-overs waiting": 0}
    seen: set[int] = set()
    for report in reports:
        assessment = services.open_or_join(report=report, team=team)
        if assessment.pk in seen:
            continue
        seen.add(assessment.pk)
        counts["assessments"] += 1
        if assessment.due_on >= context.today:
            continue  # the clock still runs: due
        if rng.random() < 0.2:
            counts["assessments overdue"] += 1
            continue
        pattern = rng.choice(PATTERNS)
        answers = {
            item.code: pattern.get(item.code, item.options.order_by("order").first().code)  # type: ignore[union-attr]
            for item in assessment.instrument.items.all()
        }
        services.record_answers(
            actor=first, assessment=assessment, answers=answers, notes="Demo-beoordeling."
        )
        assessment = services.complete(actor=first, assessment=assessment)
        if assessment.status == AssessmentStatus.AWAITING_CONFIRMATION:
            assessment = services.confirm(actor=second, assessment=assessment, agree=True, note="Eens.")
        # Hand-overs only where the family already has a case: the demo caseload stays as planned.
        if (
            social is not None
            and counts["hand-overs waiting"] < WAITING_HANDOVERS
            and assessment.household_id in households_with_case
        ):
            services.choose_route(
                actor=first,
                assessment=assessment,
                route=RouteKind.HANDOVER,
                reason="Het wijkteam kent het gezin en kan de hulp bieden.",
                team=team,
                target="social_team",
                receiving_organisation_id=social.organisation_id,
                message="Graag overdracht; het veiligheidsplan volgt.",
            )
            counts["hand-overs waiting"] += 1
            continue
        route, reason = rng.choice(ROUTES)
        assessment = services.choose_route(
            actor=first,
            assessment=assessment,
            route=route,
            reason=reason,
            team=team,
            investigation_reason="denial" if route == RouteKind.INVESTIGATION else "",
        )
        if assessment.status == AssessmentStatus.AWAITING_CONFIRMATION:
            services.confirm(actor=second, assessment=assessment, agree=True)
    return counts
