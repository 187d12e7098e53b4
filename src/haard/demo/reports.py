"""Demo reports and police incidents, so that the address view, the reconciliation and the
report list show a living region.

Families are drawn from the demo households; each has one to four incidents over the last two
years. The police register most incidents; about two in three of those reach Veilig Thuis as a
police report, the rest carry a reason why not; Veilig Thuis also gets reports from other
sources that the police never saw. The CBS repeat class is set the way `intake.repeats`
classifies: a report within 60 days of the family's previous one (still open then) counts as
during an involvement, a later one as a repeat report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from haard.accounts.models import User
from haard.intake.models import (
    InvolvementRole,
    PoliceIncident,
    PoliceIncidentPerson,
    RepeatClass,
    Report,
    ReportKind,
    ReportPerson,
    ReportSource,
    ReportStatus,
    ViolenceType,
)
from haard.registry.models import Household, HouseholdRole

# Households with an incident, per size (at most 60% of the households).
FAMILIES = {"small": 200, "region": 4_000, "national": 25_000}
OPEN_DAYS = 60
NOT_FORWARDED_REASONS = [
    "Eenmalig incident, geen kinderen betrokken",
    "Betrokkenen weigeren medewerking",
    "Niet als huiselijk geweld beoordeeld",
    "Onvoldoende informatie",
    "",
]
OTHER_SOURCES = [
    ReportSource.PROFESSIONAL,
    ReportSource.PROFESSIONAL,
    ReportSource.CITIZEN,
    ReportSource.PHONE_LINE,
    ReportSource.PERSON_INVOLVED,
    ReportSource.ANONYMOUS,
]


@dataclass(frozen=True)
class DemoReportCounts:
    reports: int
    police_incidents: int


def _moment(rng: random.Random, today: date, days_back: int) -> datetime:
    day = today - timedelta(days=days_back)
    moment = datetime.combine(day, time(hour=rng.randint(0, 23), minute=rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _roles(rng: random.Random, members: list[tuple[int, str]]) -> list[tuple[int, str]]:
    adults = [pid for pid, role in members if role != HouseholdRole.CHILD]
    children = [pid for pid, role in members if role == HouseholdRole.CHILD]
    rng.shuffle(adults)
    roles: list[tuple[int, str]] = []
    if adults:
        roles.append((adults[0], InvolvementRole.VICTIM))
    if len(adults) > 1:
        roles.append((adults[1], InvolvementRole.SUSPECT))
    roles += [(pid, InvolvementRole.HOUSEHOLD_MEMBER) for pid in adults[2:]]
    roles += [
        (pid, InvolvementRole.CHILD_WITNESS if rng.random() < 0.6 else InvolvementRole.CHILD_IN_HOUSEHOLD)
        for pid in children
    ]
    return roles


def write_reports(
    *,
    size: str,
    seed: int,
    today: date,
    household_ids: list[int],
    household_members: list[list[tuple[int, str]]],
    municipality_of_household: list[int],
    intake_user: User,
    police_user: User,
) -> DemoReportCounts:
    """Write the demo reports and police incidents (bulk, in the caller's transaction)."""
    rng = random.Random(seed * 31 + 7)
    police_team = police_user.memberships.select_related("team__organisation").get().team
    police = police_team.organisation
    intake_team = intake_user.memberships.get().team
    addresses = dict(
        Household.objects.filter(pk__gte=min(household_ids), pk__lte=max(household_ids)).values_list(
            "pk", "address_id"
        )
    )
    types = {t.code: t.pk for t in ViolenceType.objects.all()}
    candidates = [i for i, members in enumerate(household_members) if len(members) >= 2]
    families = rng.sample(candidates, min(FAMILIES[size], int(len(household_ids) * 0.6), len(candidates)))

    incidents: list[PoliceIncident] = []
    incident_people: list[list[tuple[int, str]]] = []
    reports: list[Report] = []
    report_people: list[list[tuple[int, str]]] = []
    report_types: list[list[int]] = []
    report_incident: list[int | None] = []  # index into incidents
    for family in sorted(families):
        members = household_members[family]
        events = sorted(
            rng.sample(range(1, 730), rng.choices([1, 2, 3, 4], weights=[60, 25, 10, 5])[0]), reverse=True
        )
        previous: int | None = None
        for days_back in events:
            roles = _roles(rng, members)
            severity = rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0]
            codes = ["physical" if rng.random() < 0.6 else "psychological"]
            if any(role == InvolvementRole.CHILD_WITNESS for _, role in roles):
                codes.append("child_witnessing")
            occurred = _moment(rng, today, days_back)
            incident_index = None
            forwarded = True
            if rng.random() < 0.7:
                forwarded = rng.random() < 0.65
                incident_index = len(incidents)
                incidents.append(
                    PoliceIncident(
                        police_organisation=police,
                        registration_number=f"PL{occurred:%Y}{len(incidents) + 1:07d}",
                        occurred_at=occurred,
                        municipality_id=municipality_of_household[family],
                        address_id=addresses[household_ids[family]],
                        incident_code="HG" + str(rng.randint(10, 19)),
                        severity=severity,
                        forwarded_to_veilig_thuis=forwarded,
                        reason_not_forwarded="" if forwarded else rng.choice(NOT_FORWARDED_REASONS),
                    )
                )
                incident_people.append(roles)
            if not forwarded:
                continue
            from_police = incident_index is not None
            received = occurred + timedelta(days=rng.randint(0, 3) if from_police else 0)
            if previous is None:
                repeat = RepeatClass.FIRST
            elif previous - days_back <= OPEN_DAYS:
                repeat = RepeatClass.DURING_INVOLVEMENT
            else:
                repeat = RepeatClass.REPEAT
            previous = days_back
            source = ReportSource.POLICE if from_police else rng.choice(OTHER_SOURCES)
            reports.append(
                Report(
                    reference=f"tmp-{len(reports)}",
                    kind=ReportKind.REPORT if rng.random() < 0.85 else ReportKind.ADVICE,
                    source=source,
                    reporter_organisation=police if from_police else None,
                    reporter_anonymous=source == ReportSource.ANONYMOUS,
                    received_at=min(received, timezone.now()),
                    municipality_id=municipality_of_household[family],
                    incident_address_id=addresses[household_ids[family]],
                    initial_severity=severity,
                    narrative="Synthetische demomelding.",
                    repeat_class=repeat,
                    status=ReportStatus.CLOSED if days_back > OPEN_DAYS else ReportStatus.RECEIVED,
                    registered_by=police_user if from_police else intake_user,
                    registering_team=police_team if from_police else intake_team,
                )
            )
            report_people.append(roles)
            report_types.append([types[c] for c in codes])
            report_incident.append(incident_index)

    PoliceIncident.objects.bulk_create(incidents, batch_size=2_000)
    PoliceIncidentPerson.objects.bulk_create(
        [
            PoliceIncidentPerson(incident_id=incident.pk, person_id=pid, role=role)
            for incident, roles in zip(incidents, incident_people, strict=True)
            for pid, role in roles
        ],
        batch_size=2_000,
    )
    for report, incident_index in zip(reports, report_incident, strict=True):
        report.police_incident_id = incidents[incident_index].pk if incident_index is not None else None
    Report.objects.bulk_create(reports, batch_size=2_000)
    for report in reports:
        report.reference = (
            f"{'M' if report.kind == ReportKind.REPORT else 'A'}{report.received_at:%Y}-{report.pk:06d}"
        )
    Report.objects.bulk_update(reports, ["reference"], batch_size=2_000)
    ReportPerson.objects.bulk_create(
        [
            ReportPerson(report_id=report.pk, person_id=pid, role=role)
            for report, roles in zip(reports, report_people, strict=True)
            for pid, role in roles
        ],
        batch_size=2_000,
    )
    through = Report.violence_types.through
    through.objects.bulk_create(
        [
            through(report_id=report.pk, violencetype_id=type_id)
            for report, type_ids in zip(reports, report_types, strict=True)
            for type_id in type_ids
        ],
        batch_size=2_000,
    )
    return DemoReportCounts(reports=len(reports), police_incidents=len(incidents))
