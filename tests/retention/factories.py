"""Retention test data: a whole Veilig Thuis file across every app (a closed case with its
plan, a report with an attachment, the police incident it came from, the safety assessment and
hand-over, a restraining order, a shelter stay, a case conference, and the meldcode record the
report came from), aged as needed; stand-alone records; the privacy officers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from haard.accounts.models import Organisation, OrganisationType, Team, User
from haard.cases.models import (
    Case,
    CaseMember,
    CaseNote,
    CaseParticipant,
    CaseReport,
    CaseStatus,
    CaseStatusChange,
    FollowUpCheck,
    Goal,
    PlanAgreement,
    SafetyMeasure,
    SafetyPlan,
    SafetyPlanVersion,
)
from haard.conferences.models import ActionItem, AgendaItem, Conference, ConferenceParticipant, Decision
from haard.huisverbod.models import ContactBanPerson, HelpTask, OrderStatus, RestrainingOrder
from haard.intake.models import (
    Attachment,
    PoliceIncident,
    PoliceIncidentPerson,
    Report,
    ReportPerson,
    ReportStatus,
    ViolenceType,
)
from haard.meldcode.models import MeldcodeRecord, RecordPerson, RecordStatus
from haard.registry.models import Household, HouseholdMember, Person
from haard.retention.rules import add_years
from haard.shelter.models import Placement, PlaceType
from haard.triage.models import (
    AssessedReport,
    Assessment,
    AssessmentStatus,
    HandOver,
    HandOverStatus,
    Instrument,
)
from tests.factories import (
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    make_user,
)
from tests.shelter.factories import make_facility

_numbers = iter(range(1, 1_000_000))


def officer(username: str) -> User:
    """A privacy officer (who holds manage_retention through the role)."""
    return make_user("privacy_officer", username=username)


def years_ago(years: int, *, days: int = 0) -> date:
    return add_years(timezone.localdate(), -years) - timedelta(days=days)


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12)))


@dataclass
class VtFile:
    case: Case
    report: Report
    assessment: Assessment
    handover: HandOver
    incident: PoliceIncident
    order: RestrainingOrder
    placement: Placement
    agenda_item: AgendaItem
    meldcode: MeldcodeRecord
    attachment: Attachment
    household: Household
    people: list[Person]
    worker: User
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def victim(self) -> Person:
        return self.people[0]

    @property
    def suspect(self) -> Person:
        return self.people[1]

    @property
    def child(self) -> Person:
        return self.people[2]


def vt_team() -> Team:
    return TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS))


@transaction.atomic  # the report signals (triage, cases) then run once everything is written
def vt_file(
    *,
    closed_on: date | None = None,
    child_born: date | None = None,
    people: list[Person] | None = None,
    surname: str | None = None,
    bsn: str = "",
) -> VtFile:
    """A whole closed Veilig Thuis file, closed on `closed_on` (default 16 years ago), about a
    victim, a suspect and a child (born `child_born`, default 20 years ago)."""
    n = next(_numbers)
    closed_on = closed_on or years_ago(16)
    opened_on = closed_on - timedelta(days=200)
    received = moment(opened_on - timedelta(days=10))
    team = vt_team()
    worker = make_user("safety_assessor", team=team, username=f"werker{n}")
    household = HouseholdFactory(name=f"Huishouden {n}")
    surname = surname or f"Zeldzaam{n}"
    if people is None:
        people = [
            PersonFactory(
                first_names=f"Anouk{n}", surname=surname, birth_date=date(1970, 1, 1), phone="0612345678"
            ),
            PersonFactory(first_names=f"Bram{n}", surname=f"Verdacht{n}", birth_date=date(1968, 5, 5)),
            PersonFactory(first_names=f"Cas{n}", surname=surname, birth_date=child_born or years_ago(20)),
        ]
        if bsn:
            people[0].set_bsn(bsn)
            people[0].save()
    for index, person in enumerate(people):
        HouseholdMember.objects.create(
            household=household, person=person, role="parent" if index < 2 else "child"
        )
    municipality = household.address.municipality

    case = Case.objects.create(
        reference=f"VT-T-{n:05d}",
        household=household,
        municipality=municipality,
        owning_team=team,
        lead_organisation=team.organisation,
        status=CaseStatus.CLOSED,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    for person, role in zip(people, ["victim", "suspect", "child"], strict=False):
        CaseMember.objects.create(case=case, person=person, role=role)
    CaseParticipant.objects.create(
        case=case, user=worker, organisation=team.organisation, joined_on=opened_on
    )
    CaseStatusChange.objects.create(
        case=case, from_status="open", to_status="closed", reason="Klaar", changed_by=worker
    )
    Goal.objects.create(
        case=case,
        domain="safety",
        description="Veilig wonen",
        owner=worker,
        created_by=worker,
        starts_on=opened_on,
        due_on=closed_on,
    )
    CaseNote.objects.create(case=case, author=worker, text=f"Gesprek met {people[1].first_names} gehad.")
    plan = SafetyPlan.objects.create(case=case)
    version = SafetyPlanVersion.objects.create(plan=plan, number=1, saved_by=worker)
    plan.current_version = version
    plan.save()
    SafetyMeasure.objects.create(
        version=version,
        key="m1",
        term="today",
        description="Sleutels wisselen",
        owner=worker,
        deadline=opened_on,
    )
    PlanAgreement.objects.create(version=version, person=people[0], agreed_on=opened_on, recorded_by=worker)
    FollowUpCheck.objects.create(case=case, months_after_closure=3, due_on=closed_on + timedelta(days=90))

    police = OrganisationFactory(type=OrganisationType.POLICE)
    incident = PoliceIncident.objects.create(
        police_organisation=police,
        registration_number=f"PL{n:08d}",
        occurred_at=received - timedelta(days=1),
        municipality=municipality,
        address=household.address,
        incident_code="HG-FYS",
    )
    PoliceIncidentPerson.objects.create(incident=incident, person=people[1], role="suspect")
    report = Report.objects.create(
        reference=f"M-T-{n:06d}",
        kind="report",
        source="police",
        municipality=municipality,
        incident_address=household.address,
        received_at=received,
        narrative=(
            f"{people[1].first_names} {people[1].surname} sloeg {people[0].first_names}; "
            f"melder Pieter{n} belde."
        ),
        reporter_name=f"Pieter{n} Melder{n}",
        status=ReportStatus.CLOSED,
        registered_by=worker,
        police_incident=incident,
    )
    report.violence_types.add(ViolenceType.objects.get(code="physical"))
    for person, role in zip(people, ["victim", "suspect", "child_witness"], strict=False):
        ReportPerson.objects.create(report=report, person=person, role=role)
    CaseReport.objects.create(case=case, report=report)
    attachment = Attachment.objects.create(
        report=report,
        file=ContentFile(b"%PDF-1.4 test", name="bijlage.pdf"),
        original_name="verslag-zeldzaam.pdf",
        content_type="application/pdf",
        size=13,
        sha256=f"{n:064d}",
        uploaded_by=worker,
    )
    assessment = Assessment.objects.create(
        reference=f"B-T-{n:05d}",
        municipality=municipality,
        household=household,
        instrument=Instrument.objects.first(),
        status=AssessmentStatus.ROUTED,
        received_on=received.date(),
        due_on=received.date() + timedelta(days=7),
        notes=f"Zorg om {people[2].first_names}.",
        routed_at=received + timedelta(days=5),
        case=case,
    )
    AssessedReport.objects.create(assessment=assessment, report=report)
    handover = HandOver.objects.create(
        assessment=assessment,
        case=case,
        target="social_team",
        status=HandOverStatus.ACCEPTED,
        proposed_by=worker,
        decided_at=received + timedelta(days=6),
    )
    order = RestrainingOrder.objects.create(
        reference=f"HV-T-{n:05d}",
        municipality=municipality,
        address=household.address,
        barred_person=people[1],
        household=household,
        case=case,
        imposed_as="mayor",
        imposed_by=worker,
        registered_by_organisation=police,
        imposed_at=received,
        ends_at=received + timedelta(days=10),
        status=OrderStatus.ENDED,
        facts="Geweld in de woning.",
        whereabouts_address="Elders 1",
    )
    ContactBanPerson.objects.create(order=order, person=people[0], role="victim")
    HelpTask.objects.create(order=order, person=people[0], recipient="victim", due_on=received.date())
    facility = make_facility()
    placement = Placement.objects.create(
        facility=facility,
        person=people[0],
        case=case,
        place_type=PlaceType.ADULT,
        arrived_on=received.date(),
        departed_on=received.date() + timedelta(days=30),
        placed_by=worker,
    )
    conference = Conference.objects.create(
        kind="mda", title=f"MDA {n}", starts_at=received, chair=worker, created_by=worker
    )
    ConferenceParticipant.objects.create(
        conference=conference, user=worker, organisation=team.organisation, basis="meldcode"
    )
    agenda_item = AgendaItem.objects.create(
        conference=conference,
        case=case,
        reason="Ernstig",
        minutes=f"Besproken: {people[1].first_names}.",
        added_by=worker,
    )
    Decision.objects.create(agenda_item=agenda_item, text="Huisverbod volgen", recorded_by=worker)
    ActionItem.objects.create(
        agenda_item=agenda_item, description="Bellen", owner=worker, deadline=opened_on, created_by=worker
    )
    school = OrganisationFactory(type=OrganisationType.SCHOOL)
    meldcode = MeldcodeRecord.objects.create(
        reference=f"MC-T-{n:05d}",
        author=make_user("professional", team=TeamFactory(organisation=school)),
        organisation=school,
        municipality=municipality,
        concern="Blauwe plekken",
        status=RecordStatus.REPORTED,
        concluded_at=timezone.now() - timedelta(days=30),
        report=report,
    )
    RecordPerson.objects.create(
        record=meldcode, first_names=people[2].first_names, surname=surname, role="victim"
    )
    # Age the records whose clocks read their last change.
    Report.objects.filter(pk=report.pk).update(updated_at=received + timedelta(days=5))
    return VtFile(
        case=case,
        report=report,
        assessment=assessment,
        handover=handover,
        incident=incident,
        order=order,
        placement=placement,
        agenda_item=agenda_item,
        meldcode=meldcode,
        attachment=attachment,
        household=household,
        people=people,
        worker=worker,
    )


def organisation(kind: str) -> Organisation:
    return OrganisationFactory(type=kind)
