"""Gathering everything about one person, with other people's names taken out (see the
package's description)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.audit.models import AccessLogEntry
from haard.cases.models import Case, CaseMember, PlanAgreement
from haard.conferences.models import AgendaItem
from haard.huisverbod.models import ContactBanPerson, HelpTask, RestrainingOrder
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, Report, ReportPerson
from haard.meldcode.models import MeldcodeRecord, RecordPerson
from haard.registry.models import Gender, HouseholdMember, Person
from haard.retention import files
from haard.retention.models import DataSubjectRequest
from haard.shelter.models import Placement, WaitingListEntry
from haard.triage.models import AssessedReport, HandOver

REDACTED = "[…]"
MIN_NAME_LENGTH = 3
FORMAT_VERSION = 1


class Redactor:
    """Replaces the names of other people in free text."""

    def __init__(self, others: Iterable[str], own: Iterable[str]) -> None:
        own_tokens = {token.casefold() for name in own for token in _tokens(name)}
        tokens = {token for name in others for token in _tokens(name) if token.casefold() not in own_tokens}
        ordered = sorted(tokens, key=len, reverse=True)
        self.pattern = (
            re.compile(r"\b(" + "|".join(re.escape(token) for token in ordered) + r")\b", re.IGNORECASE)
            if ordered
            else None
        )

    def __call__(self, text: str) -> str:
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(REDACTED, text)


def _tokens(name: str) -> list[str]:
    return [token for token in re.split(r"[\s,]+", name or "") if len(token) >= MIN_NAME_LENGTH]


def _names(person: Any) -> list[str]:
    return [person.first_names, person.surname, f"{person.surname_prefix} {person.surname}".strip()]


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _display(value: Any) -> str:
    return str(value) if value is not None else ""


def gather(person: Person) -> dict[str, Any]:
    """Everything about `person` (and everyone merged into them), nothing about others."""
    group = set(next(iter(files.merge_groups([person.pk]).values()), {person.pk})) | {person.pk}
    people = list(Person._base_manager.filter(pk__in=group).order_by("pk"))
    others: set[int] = set()
    other_names: list[str] = []

    memberships = list(
        HouseholdMember.objects.filter(person_id__in=group)
        .select_related("household__address")
        .prefetch_related("household__memberships")
    )
    for membership in memberships:
        others.update(m.person_id for m in membership.household.memberships.all())

    involvements = list(
        ReportPerson.objects.filter(person_id__in=group)
        .select_related("report__municipality", "report__incident_address")
        .prefetch_related("report__violence_types", "report__involved")
        .order_by("report__received_at", "report_id")
    )
    reports: dict[int, Report] = {}
    report_roles: dict[int, set[str]] = defaultdict(set)
    for involvement in involvements:
        reports[involvement.report_id] = involvement.report
        report_roles[involvement.report_id].add(involvement.get_role_display())
    for report in reports.values():
        others.update(i.person_id for i in report.involved.all())
        other_names.append(report.reporter_name)

    incident_rows = list(
        PoliceIncidentPerson.objects.filter(person_id__in=group)
        .select_related("incident__municipality", "incident__address")
        .prefetch_related("incident__involved")
        .order_by("incident__occurred_at")
    )
    incidents: dict[int, PoliceIncident] = {}
    incident_roles: dict[int, set[str]] = defaultdict(set)
    for row in incident_rows:
        incidents[row.incident_id] = row.incident
        incident_roles[row.incident_id].add(row.get_role_display())
    for incident in incidents.values():
        others.update(i.person_id for i in incident.involved.all())

    assessed = list(
        AssessedReport.objects.filter(report_id__in=list(reports))
        .select_related("assessment")
        .order_by("assessment_id")
    )
    assessments = {row.assessment_id: row.assessment for row in assessed}
    handovers = list(
        HandOver.objects.filter(assessment_id__in=list(assessments)).select_related("receiving_organisation")
    )

    case_rows = list(
        CaseMember.objects.filter(person_id__in=group)
        .select_related("case__lead_organisation", "case__safety_plan__current_version")
        .prefetch_related(
            "case__members",
            "case__goals",
            "case__notes",
            "case__follow_ups",
            "case__status_changes",
            "case__safety_plan__current_version__measures",
            Prefetch(
                "case__conference_agenda_items",
                queryset=AgendaItem.objects.select_related("conference").prefetch_related(
                    "decisions", "actions"
                ),
            ),
        )
        .order_by("case__opened_on", "case_id")
    )
    cases: dict[int, Case] = {}
    case_roles: dict[int, set[str]] = defaultdict(set)
    for member in case_rows:
        cases[member.case_id] = member.case
        case_roles[member.case_id].add(member.get_role_display())
    for case in cases.values():
        others.update(m.person_id for m in case.members.all())
    agreements = list(PlanAgreement.objects.filter(person_id__in=group).select_related("version__plan"))

    order_filter = (
        Q(barred_person_id__in=group)
        | Q(pk__in=ContactBanPerson.objects.filter(person_id__in=group).values("order_id"))
        | Q(pk__in=HelpTask.objects.filter(person_id__in=group).values("order_id"))
    )
    orders = list(
        RestrainingOrder.objects.filter(order_filter)
        .select_related("municipality", "address")
        .prefetch_related("banned_contacts", "help_tasks__organisation", "breaches", "appeals")
        .order_by("imposed_at")
    )
    for order in orders:
        others.add(order.barred_person_id)
        others.update(c.person_id for c in order.banned_contacts.all())
        others.update(t.person_id for t in order.help_tasks.all())

    placements = list(
        Placement.objects.filter(person_id__in=group).select_related("facility").order_by("arrived_on", "pk")
    )
    waiting = list(
        WaitingListEntry.objects.filter(person_id__in=group)
        .select_related("facility", "referral__to_facility")
        .order_by("registered_at", "pk")
    )

    matches = Q(report_id__in=list(reports))
    for someone in people:
        if someone.birth_date is not None:
            matches |= Q(
                people__first_names__iexact=someone.first_names,
                people__surname__iexact=someone.surname,
                people__birth_date=someone.birth_date,
            )
    records = list(
        MeldcodeRecord.objects.filter(matches)
        .distinct()
        .select_related("organisation")
        .prefetch_related("people", "feedback")
        .order_by("created_at", "pk")
    )

    others -= group
    other_names += [
        name
        for someone in Person._base_manager.filter(pk__in=others).only(
            "first_names", "surname_prefix", "surname"
        )
        for name in _names(someone)
    ]
    own_names = [name for someone in people for name in _names(someone)]
    for record in records:
        for typed in record.people.all():
            if not _is_subject(typed, people):
                other_names.extend(_names(typed))
    redact = Redactor(other_names, own_names)

    log = list(AccessLogEntry.objects.filter(subjects__person_id__in=group).distinct().order_by("at", "id"))
    requests = list(DataSubjectRequest.objects.filter(subject_id__in=group).order_by("received_on", "pk"))

    return {
        "format_version": FORMAT_VERSION,
        "generated_at": _when(timezone.now()),
        "person": [_person(someone) for someone in people],
        "households": [
            {
                "household": m.household.name,
                "role": m.get_role_display(),
                "address": str(m.household.address) if m.household.address else "",
            }
            for m in memberships
        ],
        "reports": [
            {
                "reference": report.reference,
                "kind": report.get_kind_display(),
                "source": report.get_source_display(),
                "received_at": _when(report.received_at),
                "municipality": str(report.municipality),
                "incident_address": _display(report.incident_address),
                "violence": [str(v) for v in report.violence_types.all()],
                "initial_severity": report.get_initial_severity_display(),
                "repeat": report.get_repeat_class_display(),
                "status": report.get_status_display(),
                "your_roles": sorted(report_roles[report.pk]),
                "other_people": len({i.person_id for i in report.involved.all()} - group),
                "narrative": redact(report.narrative),
            }
            for report in reports.values()
        ],
        "police_incidents": [
            {
                "registration_number": incident.registration_number,
                "occurred_at": _when(incident.occurred_at),
                "municipality": str(incident.municipality),
                "address": _display(incident.address),
                "incident_code": incident.incident_code,
                "severity": incident.get_severity_display(),
                "your_roles": sorted(incident_roles[incident.pk]),
                "other_people": len({i.person_id for i in incident.involved.all()} - group),
            }
            for incident in incidents.values()
        ],
        "safety_assessments": [
            {
                "reference": assessment.reference,
                "status": assessment.get_status_display(),
                "first_report_received_on": _when(assessment.received_on),
                "outcome": assessment.get_outcome_display(),
                "severity": assessment.get_severity_display(),
                "assessed_at": _when(assessment.assessed_at),
                "route": assessment.get_route_display(),
                "route_reason": redact(assessment.route_reason),
                "notes": redact(assessment.notes),
                "hand_overs": [
                    {
                        "to": h.get_target_display(),
                        "organisation": _display(h.receiving_organisation),
                        "status": h.get_status_display(),
                    }
                    for h in handovers
                    if h.assessment_id == assessment.pk
                ],
            }
            for assessment in assessments.values()
        ],
        "cases": [_case(case, case_roles[case.pk], agreements, group, redact) for case in cases.values()],
        "restraining_orders": [_order(order, group, redact) for order in orders],
        "meldcode_records": [
            {
                "reference": record.reference,
                "organisation": str(record.organisation),
                "started_at": _when(record.created_at),
                "status": record.get_status_display(),
                "concluded_at": _when(record.concluded_at),
                "found_by": "report" if record.report_id in reports else "name and date of birth",
                "concern": redact(record.concern),
                "signs": redact(record.signs),
                "consultation": redact(record.consultation_notes),
                "conversation": redact(record.conversation_notes),
                "weighing": redact(record.weighing_notes),
                "risk": record.get_risk_display() if record.risk else "",
                "feedback": [
                    {
                        "stage": f.get_stage_display(),
                        "outcome": f.get_outcome_display(),
                        "given_at": _when(f.given_at),
                    }
                    for f in record.feedback.all()
                ],
            }
            for record in records
        ],
        "shelter": {
            "stays": [
                {
                    "facility": p.facility.name,
                    "facility_type": p.facility.get_type_display(),
                    "place_type": p.get_place_type_display(),
                    "arrived_on": _when(p.arrived_on),
                    "planned_departure_on": _when(p.planned_departure_on),
                    "departed_on": _when(p.departed_on),
                    "destination": p.get_destination_display(),
                    "destination_note": redact(p.destination_note),
                }
                for p in placements
            ],
            "waiting_list": [
                {
                    "facility": w.facility.name,
                    "registered_at": _when(w.registered_at),
                    "priority": w.get_priority_display(),
                    "reason": redact(w.reason),
                    "status": w.get_status_display(),
                    "closed_on": _when(w.closed_on),
                    "referred_to": w.referral.to_facility.name if _referral(w) else "",
                }
                for w in waiting
            ],
        },
        "case_conferences": [
            {
                "case": case.reference,
                "conference": item.conference.title,
                "kind": item.conference.get_kind_display(),
                "date": _when(item.conference.starts_at),
                "why_on_the_agenda": redact(item.reason),
                "minutes": redact(item.minutes),
                "decisions": [redact(d.text) for d in item.decisions.all()],
                "actions": [
                    {
                        "action": redact(a.description),
                        "deadline": _when(a.deadline),
                        "status": a.get_status_display(),
                    }
                    for a in item.actions.all()
                ],
            }
            for case in cases.values()
            for item in case.conference_agenda_items.all()
        ],
        "requests": [
            {
                "reference": r.reference,
                "kind": r.get_kind_display(),
                "received_on": _when(r.received_on),
                "status": r.get_status_display(),
                "outcome": r.get_outcome_display() if r.outcome else "",
            }
            for r in requests
        ],
        "access_log": [
            {
                "at": _when(entry.at),
                "action": entry.get_action_display(),
                "record_type": entry.record_type,
                "record": entry.record_id,
                "organisation": entry.organisation_name,
                "role": entry.role_name,
                "reason": entry.reason,
                "emergency_access": entry.emergency,
            }
            for entry in log
        ],
        "left_out": str(
            _(
                "Other people are not named: each record says how many others it is also about, and "
                "their names are replaced by […] in free text. Reporters are not named. Employees "
                "who saw your data are named by organisation and role."
            )
        ),
    }


def _referral(entry: WaitingListEntry) -> bool:
    try:
        return entry.referral is not None
    except WaitingListEntry.referral.RelatedObjectDoesNotExist:
        return False


def _is_subject(typed: RecordPerson, people: list[Person]) -> bool:
    return any(
        typed.first_names.casefold() == someone.first_names.casefold()
        and typed.surname.casefold() == someone.surname.casefold()
        and typed.birth_date == someone.birth_date
        for someone in people
    )


def _person(someone: Person) -> dict[str, Any]:
    return {
        "number": someone.pk,
        "first_names": someone.first_names,
        "surname_prefix": someone.surname_prefix,
        "surname": someone.surname,
        "date_of_birth": _when(someone.birth_date),
        "gender": str(Gender(someone.gender).label),
        "bsn": someone.bsn,
        "phone": someone.phone,
        "email": someone.email,
        "secret_address": someone.secret_address,
        "do_not_contact": someone.do_not_contact,
        "registered_at": _when(someone.created_at),
        "merged_into": someone.merged_into_id,
    }


def _case(
    case: Case, roles: set[str], agreements: list[PlanAgreement], group: set[int], redact: Redactor
) -> dict[str, Any]:
    plan = case.safety_plan if _has_plan(case) else None
    version = plan.current_version if plan is not None else None
    return {
        "reference": case.reference,
        "status": case.get_status_display(),
        "opened_on": _when(case.opened_on),
        "closed_on": _when(case.closed_on),
        "lead_organisation": str(case.lead_organisation),
        "your_roles": sorted(roles),
        "other_people": len({m.person_id for m in case.members.all()} - group),
        "status_changes": [
            {
                "from": c.get_from_status_display(),
                "to": c.get_to_status_display(),
                "at": _when(c.changed_at),
                "reason": redact(c.reason),
            }
            for c in case.status_changes.all()
        ],
        "goals": [
            {
                "life_domain": g.get_domain_display(),
                "goal": redact(g.description),
                "due_on": _when(g.due_on),
                "status": g.get_status_display(),
            }
            for g in case.goals.all()
        ],
        "notes": [{"written_at": _when(n.written_at), "note": redact(n.text)} for n in case.notes.all()],
        "safety_plan": {
            "version": version.number if version else None,
            "measures": [
                {
                    "term": m.get_term_display(),
                    "measure": redact(m.description),
                    "deadline": _when(m.deadline),
                    "status": m.get_status_display(),
                }
                for m in (version.measures.all() if version else [])
            ],
            "your_agreements": [
                {"version": a.version.number, "agreed_on": _when(a.agreed_on)}
                for a in agreements
                if a.version.plan.case_id == case.pk
            ],
        },
        "follow_up": [
            {
                "months_after_closure": f.months_after_closure,
                "due_on": _when(f.due_on),
                "status": f.get_status_display(),
                "family_safe": f.family_safe,
                "notes": redact(f.notes),
            }
            for f in case.follow_ups.all()
        ],
    }


def _has_plan(case: Case) -> bool:
    try:
        return case.safety_plan is not None
    except Case.safety_plan.RelatedObjectDoesNotExist:
        return False


def _order(order: RestrainingOrder, group: set[int], redact: Redactor) -> dict[str, Any]:
    barred = order.barred_person_id in group
    roles = [str(_("barred person"))] if barred else []
    roles += [c.get_role_display() for c in order.banned_contacts.all() if c.person_id in group]
    involved = {order.barred_person_id} | {c.person_id for c in order.banned_contacts.all()}
    return {
        "reference": order.reference,
        "your_roles": roles,
        "municipality": str(order.municipality),
        "address": str(order.address),
        "imposed_at": _when(order.imposed_at),
        "ends_at": _when(order.ends_at),
        "status": order.current_status_label(),
        "facts": redact(order.facts),
        "whereabouts_address": order.whereabouts_address if barred else "",
        "other_people": len(involved - group),
        "help": [
            {
                "for": t.get_recipient_display(),
                "organisation": _display(t.organisation),
                "first_contact_due": _when(t.due_on),
                "status": t.get_status_display(),
                "note": redact(t.note),
            }
            for t in order.help_tasks.all()
            if t.person_id in group
        ],
        "breaches": [{"occurred_at": _when(b.occurred_at)} for b in order.breaches.all()] if barred else [],
        "appeals": (
            [{"filed_on": _when(a.filed_on), "outcome": a.get_outcome_display()} for a in order.appeals.all()]
            if barred
            else []
        ),
    }
