"""Writes on assessments and hand-overs: keyword-only, one transaction each.

Errors: PermissionDenied when the actor's role may not do this, ValidationError with a dict
naming the field when the input is wrong; nothing is written then.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership, Organisation, OrganisationType, Team, User
from haard.cases.models import CaseMemberRole, CaseParticipant
from haard.cases.services import open_case
from haard.core.locks import lock_rows
from haard.intake.models import InvolvementRole, Report, ReportKind, ReportPerson, ReportStatus
from haard.registry.models import Household, HouseholdMember, Person
from haard.triage import clock
from haard.triage.instrument import Chosen, first_rule
from haard.triage.models import (
    HIGH_RISK_OUTCOMES,
    UNROUTED,
    Answer,
    AssessedReport,
    Assessment,
    AssessmentStatus,
    HandOver,
    HandOverStatus,
    HandOverTarget,
    Instrument,
    InvestigationReason,
    Option,
    RouteKind,
    Rule,
)

logger = logging.getLogger(__name__)

_CASE_ROLES = {
    InvolvementRole.VICTIM: CaseMemberRole.VICTIM,
    InvolvementRole.SUSPECT: CaseMemberRole.SUSPECT,
    InvolvementRole.CHILD_IN_HOUSEHOLD: CaseMemberRole.CHILD,
    InvolvementRole.CHILD_WITNESS: CaseMemberRole.CHILD,
}


def _require_assessor(actor: User) -> None:
    if not has_capability(actor, "assess_safety"):
        raise PermissionDenied(_("Your role may not assess safety."))


def veilig_thuis_team(actor: User) -> Team | None:
    """The Veilig Thuis team the actor assesses in (the first active one)."""
    membership = (
        Membership.objects.filter(
            user=actor,
            active=True,
            team__organisation__type=OrganisationType.VEILIG_THUIS,
            role__group__permissions__codename="assess_safety",
        )
        .select_related("team__organisation")
        .order_by("pk")
        .first()
    )
    return membership.team if membership else None


def open_assessment_of_family(person_ids: list[int], household_ids: list[int]) -> Assessment | None:
    """The not yet routed assessment about any of these people or households, if any."""
    if not person_ids and not household_ids:
        return None
    about_people = ReportPerson.objects.filter(person_id__in=person_ids).values("report_id")
    return (
        Assessment.objects.select_for_update()
        .filter(status__in=UNROUTED)
        .filter(
            Q(pk__in=AssessedReport.objects.filter(report_id__in=about_people).values("assessment_id"))
            | Q(household_id__in=household_ids)
        )
        .order_by("received_on", "pk")
        .first()
    )


def _lock_family(person_ids: list[int], household_ids: list[int]) -> None:
    """Two reports about one family taken in at the same moment must not open two assessments:
    the second waits here, until the first has committed the assessment it will join. People
    before households, each in key order, so that two pick-ups cannot deadlock."""
    lock_rows(Person, person_ids)
    lock_rows(Household, household_ids)


@transaction.atomic
def open_or_join(*, report: Report, team: Team | None = None) -> Assessment:
    """The assessment of `report`: the one it is already in; else the not yet routed
    assessment of the same family (the same people, or a household one of them belongs to),
    which it joins; else a new one, due 5 working days (region setting) after receipt."""
    existing = AssessedReport.objects.filter(report=report).select_related("assessment").first()
    if existing is not None:
        return existing.assessment
    if report.kind != ReportKind.REPORT:
        raise ValidationError({"report": _("Advice requests are not assessed.")})
    involved = list(ReportPerson.objects.filter(report=report).values_list("person_id", "role"))
    person_ids = sorted({pid for pid, _role in involved})
    memberships = list(
        HouseholdMember.objects.filter(person_id__in=person_ids).values_list("person_id", "household_id")
    )
    household_ids = sorted({hid for _pid, hid in memberships})
    _lock_family(person_ids, household_ids)
    assessment = open_assessment_of_family(person_ids, household_ids)
    received = clock.received_on(report.received_at)
    if assessment is not None:
        AssessedReport.objects.create(assessment=assessment, report=report, joined=True)
        due = clock.due_date(received)
        if due < assessment.due_on or received < assessment.received_on:
            assessment.due_on = min(due, assessment.due_on)
            assessment.received_on = min(received, assessment.received_on)
            assessment.save(update_fields=["due_on", "received_on", "updated_at"])
    else:
        instrument = Instrument.objects.filter(active=True).order_by("-version", "-pk").first()
        if instrument is None:
            raise ValidationError({"instrument": _("No active assessment instrument is loaded.")})
        victims = [pid for pid, role in involved if role == InvolvementRole.VICTIM]
        by_person = dict(memberships)
        household_id = next((by_person[p] for p in victims + person_ids if p in by_person), None)
        assessment = Assessment.objects.create(
            reference=f"tmp-{report.pk}",
            municipality_id=report.municipality_id,
            household_id=household_id,
            instrument=instrument,
            team=team,
            received_on=received,
            due_on=clock.due_date(received),
        )
        assessment.reference = f"B{received:%Y}-{assessment.pk:06d}"
        assessment.save(update_fields=["reference"])
        AssessedReport.objects.create(assessment=assessment, report=report)
    if report.status == ReportStatus.RECEIVED:
        report.status = ReportStatus.IN_ASSESSMENT
        report.save(update_fields=["status", "updated_at"])
    return assessment


def pick_up_report(report_id: int) -> None:
    """Bring a newly committed report into its family's assessment (see `signals`)."""
    report = Report.objects.filter(pk=report_id, kind=ReportKind.REPORT).first()
    if report is None:
        return
    try:
        open_or_join(report=report, team=report.registering_team)
    except ValidationError as exc:
        logger.warning("Report %s was not taken into an assessment: %s", report_id, exc.messages)


def chosen_answers(assessment: Assessment) -> list[Chosen]:
    return [
        Chosen(a.item.code, a.option.code, a.option.score, a.option.colour)
        for a in assessment.answers.select_related("item", "option")
    ]


def evaluate(assessment: Assessment) -> tuple[Rule | None, list[str]]:
    """The rule that decides the outcome for the answers so far, and the items not answered
    (the rule is None until every item is answered)."""
    items = list(assessment.instrument.items.values_list("code", flat=True))
    answers = chosen_answers(assessment)
    answered = {a.item_code for a in answers}
    missing = [code for code in items if code not in answered]
    if missing:
        return None, missing
    return first_rule(assessment.instrument.rules.all(), answers), []


@transaction.atomic
def record_answers(
    *, actor: User, assessment: Assessment, answers: Mapping[str, str], notes: str | None = None
) -> Assessment:
    """Record (or change) answers, by item code → option code, while the assessment is open."""
    _require_assessor(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.OPEN:
        raise ValidationError({"status": _("This assessment is no longer open for answers.")})
    options = {
        (o.item.code, o.code): o
        for o in Option.objects.filter(item__instrument=assessment.instrument).select_related("item")
    }
    item_codes = {item for item, _code in options}
    errors: dict[str, str] = {}
    for item_code, option_code in answers.items():
        if item_code not in item_codes:
            errors[f"answers.{item_code}"] = _("The instrument has no such item.")
        elif option_code and (item_code, option_code) not in options:
            errors[f"answers.{item_code}"] = _("This is not one of the item's answers.")
    if errors:
        raise ValidationError(errors)
    current = {a.item.code: a for a in assessment.answers.select_related("item")}
    for item_code, option_code in answers.items():
        existing = current.get(item_code)
        if not option_code:
            if existing is not None:
                existing.delete()
            continue
        option = options[(item_code, option_code)]
        if existing is None:
            Answer.objects.create(assessment=assessment, item=option.item, option=option, answered_by=actor)
        elif existing.option_id != option.pk:
            existing.option = option
            existing.answered_by = actor
            existing.save()
    if notes is not None:
        assessment.notes = notes.strip()
    if assessment.assessor_id is None:
        assessment.assessor = actor
    assessment.save()
    return assessment


@transaction.atomic
def complete(*, actor: User, assessment: Assessment) -> Assessment:
    """Finish the assessment: the outcome and colour follow from the first rule that holds. A
    high-risk outcome then waits for a second expert."""
    _require_assessor(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.OPEN:
        raise ValidationError({"status": _("This assessment is not open.")})
    rule, missing = evaluate(assessment)
    if missing:
        raise ValidationError(
            {"answers": _("Answer every item first: %(items)s.") % {"items": ", ".join(missing)}}
        )
    if rule is None:
        raise ValidationError({"answers": _("No rule of the instrument gives an outcome for these answers.")})
    assessment.assessor = actor
    assessment.assessed_at = timezone.now()
    assessment.outcome = rule.outcome
    assessment.severity = rule.severity
    assessment.rule = rule
    assessment.second_assessor = None
    assessment.confirmed_at = None
    assessment.status = (
        AssessmentStatus.AWAITING_CONFIRMATION
        if rule.outcome in HIGH_RISK_OUTCOMES
        else AssessmentStatus.COMPLETE
    )
    assessment.save()
    return assessment


def _close_reports(assessment: Assessment) -> None:
    for report in Report.objects.filter(assessment_link__assessment=assessment).exclude(
        status=ReportStatus.CLOSED
    ):
        report.status = ReportStatus.CLOSED
        report.save(update_fields=["status", "updated_at"])


@transaction.atomic
def confirm(*, actor: User, assessment: Assessment, agree: bool, note: str = "") -> Assessment:
    """The second expert's decision (four eyes) on a high-risk outcome or on closing without
    action. Agreeing confirms; disagreeing (with a note) sends the assessment back to open."""
    _require_assessor(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.AWAITING_CONFIRMATION:
        raise ValidationError({"status": _("This assessment does not wait for a second expert.")})
    if actor.pk in (assessment.assessor_id, assessment.routed_by_id):
        raise ValidationError(
            {"second_assessor": _("The second expert must be someone other than the assessor.")}
        )
    note = note.strip()
    if not agree and not note:
        raise ValidationError({"note": _("Say why you do not confirm.")})
    assessment.confirmation_note = note
    if agree:
        assessment.second_assessor = actor
        assessment.confirmed_at = timezone.now()
        if assessment.route == RouteKind.CLOSE:
            assessment.status = AssessmentStatus.ROUTED
            _close_reports(assessment)
        else:
            assessment.status = AssessmentStatus.COMPLETE
    else:
        assessment.second_assessor = None
        assessment.confirmed_at = None
        assessment.route = ""
        assessment.route_reason = ""
        assessment.routed_by = None
        assessment.routed_at = None
        assessment.status = AssessmentStatus.OPEN
    assessment.save()
    return assessment


def _may_reroute(assessment: Assessment) -> bool:
    """After a refused hand-over the assessor chooses again."""
    if assessment.status != AssessmentStatus.ROUTED or assessment.route != RouteKind.HANDOVER:
        return False
    latest = assessment.handovers.order_by("-created_at", "-pk").first()
    return latest is not None and latest.status == HandOverStatus.REFUSED


@transaction.atomic
def choose_route(
    *,
    actor: User,
    assessment: Assessment,
    route: str,
    reason: str,
    team: Team | None = None,
    investigation_reason: str = "",
    deadline: date | None = None,
    target: str = "",
    receiving_organisation_id: int | None = None,
    message: str = "",
) -> Assessment:
    """Choose the route after a finished assessment, with its reason.

    Own investigation gets a deadline (default: 10 weeks, region setting). A hand-over is a
    proposal to an active organisation; until it accepts, Veilig Thuis keeps the case (the
    household's open case, or a new one owned by the Veilig Thuis team). Closing without action waits
    for a second expert unless one already confirmed the assessment.
    """
    _require_assessor(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.COMPLETE and not _may_reroute(assessment):
        raise ValidationError({"route": _("Finish the assessment before choosing a route.")})
    errors: dict[str, str] = {}
    reason = reason.strip()
    today = timezone.localdate()
    if route not in RouteKind.values:
        errors["route"] = _("Unknown route.")
    if not reason:
        errors["reason"] = _("Give the reason for this route.")
    if deadline is not None and deadline < today:
        errors["deadline"] = _("The deadline lies before today.")
    organisation: Organisation | None = None
    if route == RouteKind.INVESTIGATION and investigation_reason not in InvestigationReason.values:
        errors["investigation_reason"] = _("Choose the reason for an own investigation.")
    if route == RouteKind.HANDOVER:
        if target not in HandOverTarget.values:
            errors["target"] = _("Choose to whom the family is handed over.")
        elif target != HandOverTarget.FAMILY:
            organisation = (
                Organisation.objects.filter(pk=receiving_organisation_id).first()
                if receiving_organisation_id is not None
                else None
            )
            if organisation is None:
                errors["receiving_organisation"] = _("This organisation does not exist.")
            elif not organisation.active:
                errors["receiving_organisation"] = _("This organisation is not active.")
            elif organisation.type == OrganisationType.VEILIG_THUIS:
                errors["receiving_organisation"] = _("Hand over to an organisation other than Veilig Thuis.")
        if assessment.household_id is None:
            errors["household"] = _(
                "A hand-over needs the family's household: link the people to a household."
            )
    if errors:
        raise ValidationError(errors)

    assessment.route = route
    assessment.route_reason = reason
    assessment.investigation_reason = investigation_reason if route == RouteKind.INVESTIGATION else ""
    if route == RouteKind.INVESTIGATION:
        assessment.route_deadline = deadline or clock.investigation_deadline(today)
    else:
        assessment.route_deadline = deadline
    assessment.routed_by = actor
    assessment.routed_at = timezone.now()
    if route == RouteKind.CLOSE:
        if assessment.second_assessor_id is None:
            assessment.status = AssessmentStatus.AWAITING_CONFIRMATION
        else:
            assessment.status = AssessmentStatus.ROUTED
            _close_reports(assessment)
        assessment.save()
        return assessment

    assessment.status = AssessmentStatus.ROUTED
    owning_team = team or assessment.team or veilig_thuis_team(actor)
    # A hand-over needs the family's one case: Veilig Thuis holds it until the receiver accepts.
    if route == RouteKind.HANDOVER and assessment.household is not None and owning_team is not None:
        members = [
            (rp.person, _CASE_ROLES.get(rp.role, CaseMemberRole.OTHER))  # type: ignore[call-overload]
            for rp in ReportPerson.objects.filter(
                report__assessment_link__assessment=assessment
            ).select_related("person")
        ]
        assessment.case = open_case(
            household=assessment.household,
            owning_team=owning_team,
            members=members,
            municipality=assessment.municipality,
        )
    assessment.save()
    if route == RouteKind.HANDOVER:
        family = target == HandOverTarget.FAMILY
        HandOver.objects.create(
            assessment=assessment,
            case=assessment.case,
            target=target,
            receiving_organisation=organisation,
            message=message.strip(),
            proposed_by=actor,
            # The family itself has no organisation to accept: the hand-over is done at once.
            status=HandOverStatus.ACCEPTED if family else HandOverStatus.PROPOSED,
            decided_by=actor if family else None,
            decided_at=timezone.now() if family else None,
        )
    return assessment


def receiving_memberships(actor: User, organisation_id: int | None) -> list[Membership]:
    """The actor's active memberships in the receiving organisation that may take on cases."""
    if organisation_id is None:
        return []
    return list(
        Membership.objects.filter(
            user=actor,
            active=True,
            team__organisation_id=organisation_id,
            team__organisation__active=True,
            role__group__permissions__codename="manage_cases",
        ).select_related("team__organisation")
    )


@transaction.atomic
def decide_handover(*, actor: User, handover: HandOver, accept: bool, reason: str = "") -> HandOver:
    """The receiving organisation accepts (it then leads the case, and the accepting user
    joins it as its case director, so that the plan's work and the follow-up checks reach the
    organisation that leads) or refuses with a reason (Veilig Thuis keeps the case and chooses
    again)."""
    handover = HandOver.objects.select_for_update().get(pk=handover.pk)
    memberships = receiving_memberships(actor, handover.receiving_organisation_id)
    if not memberships:
        raise PermissionDenied(_("Only the receiving organisation decides on this hand-over."))
    if handover.status != HandOverStatus.PROPOSED:
        raise ValidationError({"status": _("This hand-over has already been decided.")})
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    if accept:
        handover.status = HandOverStatus.ACCEPTED
        case = handover.case
        if case is not None and handover.receiving_organisation_id is not None:
            case.lead_organisation_id = handover.receiving_organisation_id
            case.case_director = actor
            case.save(update_fields=["lead_organisation", "case_director", "updated_at"])
            if not CaseParticipant.objects.filter(case=case, user=actor, left_on__isnull=True).exists():
                CaseParticipant.objects.create(
                    case=case, user=actor, organisation=memberships[0].team.organisation
                )
    else:
        handover.status = HandOverStatus.REFUSED
        handover.refusal_reason = reason
    handover.save()
    return handover
