"""Writes on cases: keyword-only, one transaction each."""

from __future__ import annotations

import uuid
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from haard.accounts.access import granting, has_capability
from haard.accounts.models import Membership, Organisation, OrganisationType, Team, User
from haard.cases.models import (
    Case,
    CaseMember,
    CaseMemberRole,
    CaseNote,
    CaseParticipant,
    CaseReport,
    CaseStatus,
    CaseStatusChange,
    FollowUpCheck,
    FollowUpStatus,
    Goal,
    GoalStatus,
    LifeDomain,
    MeasureStatus,
    MeasureTerm,
    PlanAgreement,
    Recurrence,
    SafetyMeasure,
    SafetyPlan,
    SafetyPlanVersion,
    Visibility,
)
from haard.core import region_settings
from haard.core.calendar import is_working_day
from haard.core.locks import lock_rows
from haard.core.models import Municipality
from haard.registry.models import Household, Person


@transaction.atomic
def open_case(
    *,
    household: Household,
    owning_team: Team,
    lead_organisation: Organisation | None = None,
    members: Iterable[tuple[Person, str]] = (),
    municipality: Municipality | None = None,
    opened_on: date | None = None,
) -> Case:
    """The open (or monitored) case of `household`, or a new one owned by `owning_team`.

    Used by every process that needs "the one plan of this family" (an assessment's route, a
    restraining order). `members` are (person, CaseMemberRole) pairs; people already in the case
    in that role are left as they are. A new case gets the reference VT-<year>-<number>.
    """
    members = list(dict.fromkeys(members))
    for _person, role in members:
        if role not in CaseMemberRole.values:
            raise ValueError(f"Unknown role in case: {role!r}.")
    # Two processes asking for the family's case at the same moment (an assessment's route and
    # a restraining order, say) must find one case: the second waits here until the first has
    # committed the case it opened.
    lock_rows(Household, [household.pk])
    case = (
        Case.objects.select_for_update()
        .filter(household=household, status__in=[CaseStatus.OPEN, CaseStatus.MONITORING])
        .order_by("-opened_on", "pk")
        .first()
    )
    if case is None:
        opened = opened_on or timezone.localdate()
        municipality = municipality or (household.address.municipality if household.address else None)
        if municipality is None:
            raise ValueError("A case needs a municipality: the household has no address.")
        case = Case.objects.create(
            reference=uuid.uuid4().hex[:20],
            household=household,
            municipality=municipality,
            owning_team=owning_team,
            lead_organisation=lead_organisation or owning_team.organisation,
            opened_on=opened,
        )
        case.reference = f"VT-{opened:%Y}-{case.pk:05d}"
        case.save(update_fields=["reference"])
        CaseStatusChange.objects.create(
            case=case, from_status="", to_status=CaseStatus.OPEN, reason=_("Case opened.")
        )
    existing = set(CaseMember.objects.filter(case=case).values_list("person_id", "role"))
    for person, role in members:  # one by one: each gets its history row
        if (person.pk, role) not in existing:
            CaseMember.objects.create(case=case, person=person, role=role)
    return case


# --- Working on a case: participants, status, goals, notes, the safety plan, follow-up ---------

FOLLOW_UP_MONTHS = "cases.follow_up_months"
FOLLOW_UP_REPORT_REOPENS = "cases.follow_up_report_reopens"

region_settings.declare(
    FOLLOW_UP_MONTHS,
    kind=list,
    default=[3, 6, 12],
    description=_l("Follow-up checks after a case closes, in months after closure"),
    source="regiovisie: nazorg en monitoring",
)
region_settings.declare(
    FOLLOW_UP_REPORT_REOPENS,
    kind=bool,
    default=True,
    description=_l("A new report during follow-up reopens the closed case (otherwise it is linked only)"),
)

# Status moves a case may make; a closed case is reopened only to "open".
_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.MONITORING: {CaseStatus.OPEN, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.OPEN},
}


def is_veilig_thuis(actor: User) -> bool:
    """Whether the actor works for Veilig Thuis (who alone read its investigation notes)."""
    return bool(granting(actor, organisation_type=OrganisationType.VEILIG_THUIS))


# Set by selectors.case_detail on the case it read through visible_to: the reader's pk.
READ_BY = "_haard_read_by"


def may_manage(actor: User, case: Case) -> bool:
    if not has_capability(actor, "manage_cases"):
        return False
    if getattr(case, READ_BY, None) == actor.pk:  # just read through visible_to for this actor
        return True
    return Case.objects.visible_to(actor).filter(pk=case.pk).exists()


def _require_manage(actor: User, case: Case) -> None:
    if not may_manage(actor, case):
        raise PermissionDenied(_("You may not change this case."))


def possible_owners(case: Case) -> QuerySet[User]:
    """Who may own a goal or measure: the active participants, the case director and the
    owning team's case workers."""
    participating = CaseParticipant.objects.filter(case=case, left_on__isnull=True).values("user_id")
    team = Membership.objects.filter(
        team_id=case.owning_team_id, active=True, role__group__permissions__codename="view_cases"
    ).values("user_id")
    q = Q(pk__in=participating) | Q(pk__in=team)
    if case.case_director_id:
        q |= Q(pk=case.case_director_id)
    return User.objects.filter(q, is_active=True).order_by("first_name", "last_name", "username")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def follow_up_months() -> list[int]:
    raw = region_settings.value(FOLLOW_UP_MONTHS)
    months = sorted({int(m) for m in raw if isinstance(m, int) and not isinstance(m, bool) and 0 < m <= 60})
    return months or [3, 6, 12]


def follow_up_schedule(closed_on: date) -> list[tuple[int, date]]:
    """(months, due date) of the checks after a closure; a due date on a weekend or holiday
    moves to the next working day."""
    return [(m, next_working_day(add_months(closed_on, m))) for m in follow_up_months()]


@transaction.atomic
def change_status(*, actor: User, case: Case, status: str, reason: str, on: date | None = None) -> Case:
    """Move the case to `status` with a reason. Closing schedules the follow-up checks;
    reopening a closed case cancels the checks still due."""
    _require_manage(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if status not in CaseStatus.values:
        errors["status"] = _("Unknown status.")
    elif status == case.status:
        errors["status"] = _("The case has this status already.")
    elif status not in _TRANSITIONS[case.status]:
        errors["status"] = _("A closed case can only be reopened.")
    if not reason.strip():
        errors["reason"] = _("Say why the status changes.")
    if status == CaseStatus.CLOSED and on < case.opened_on:
        errors["status"] = _("A case cannot close before it opened.")
    if errors:
        raise ValidationError(errors)
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=status, changed_by=actor, reason=reason.strip()
    )
    if status == CaseStatus.CLOSED:
        case.closed_on = on
        FollowUpCheck.objects.bulk_create(
            [
                FollowUpCheck(case=case, months_after_closure=m, due_on=due)
                for m, due in follow_up_schedule(on)
            ]
        )
    elif case.status == CaseStatus.CLOSED:
        case.closed_on = None
        FollowUpCheck.objects.filter(case=case, status=FollowUpStatus.PENDING).update(
            status=FollowUpStatus.CANCELLED
        )
    case.status = status
    case.save(update_fields=["status", "closed_on", "updated_at"])
    return case


@transaction.atomic
def set_lead(*, actor: User, case: Case, lead_organisation: Organisation, case_director: User | None) -> Case:
    """Name the lead organisation and the case director (an active participant or a case
    worker of the owning team)."""
    _require_manage(actor, case)
    errors: dict[str, str] = {}
    if not lead_organisation.active:
        errors["lead_organisation"] = _("This organisation is not active.")
    if case_director is not None and not possible_owners(case).filter(pk=case_director.pk).exists():
        errors["case_director"] = _("The case director must take part in the case.")
    if errors:
        raise ValidationError(errors)
    case.lead_organisation = lead_organisation
    case.case_director = case_director
    case.save(update_fields=["lead_organisation", "case_director", "updated_at"])
    return case


@transaction.atomic
def add_participant(
    *, actor: User, case: Case, user: User, organisation: Organisation | None = None
) -> CaseParticipant:
    """Let `user` take part in the case (and so see it) on behalf of their organisation."""
    _require_manage(actor, case)
    membership = (
        Membership.objects.filter(user=user, active=True, team__organisation__active=True)
        .select_related("team__organisation")
        .order_by("pk")
    )
    if organisation is not None:
        membership = membership.filter(team__organisation=organisation)
    found = membership.first()
    if not user.is_active or found is None:
        raise ValidationError({"user": _("This person has no active role in an active organisation.")})
    if CaseParticipant.objects.filter(case=case, user=user, left_on__isnull=True).exists():
        raise ValidationError({"user": _("This person takes part in the case already.")})
    return CaseParticipant.objects.create(case=case, user=user, organisation=found.team.organisation)


@transaction.atomic
def leave_case(*, actor: User, participant: CaseParticipant, on: date | None = None) -> CaseParticipant:
    """End a participation: from now on the user no longer sees the case through it. A
    participant may leave on their own; others need the right to manage the case."""
    if participant.user_id != actor.pk:
        _require_manage(actor, participant.case)
    if participant.left_on is not None:
        raise ValidationError({"participant": _("This participant has left the case already.")})
    participant.left_on = on or timezone.localdate()
    participant.save(update_fields=["left_on"])
    case = participant.case
    if case.case_director_id == participant.user_id:
        case.case_director = None
        case.save(update_fields=["case_director", "updated_at"])
    return participant


@transaction.atomic
def add_goal(
    *,
    actor: User,
    case: Case,
    domain: str,
    description: str,
    owner: User | None,
    due_on: date | None,
    starts_on: date | None = None,
    visibility: str = Visibility.PARTICIPANTS,
) -> Goal:
    """A goal in a life domain: who does what by when."""
    _require_manage(actor, case)
    starts_on = starts_on or timezone.localdate()
    errors: dict[str, str] = {}
    if domain not in LifeDomain.values:
        errors["domain"] = _("Choose a life domain.")
    if not description.strip():
        errors["description"] = _("Say what is to be done.")
    if owner is None:
        errors["owner"] = _("Name who does this.")
    elif not possible_owners(case).filter(pk=owner.pk).exists():
        errors["owner"] = _("The owner must take part in the case.")
    if due_on is None:
        errors["due_on"] = _("Say by when.")
    elif due_on < starts_on:
        errors["due_on"] = _("The end date lies before the start date.")
    if starts_on < case.opened_on:
        errors["starts_on"] = _("A goal cannot start before the case opened.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Unknown choice.")
    elif visibility == Visibility.VEILIG_THUIS and not is_veilig_thuis(actor):
        errors["visibility"] = _("Only Veilig Thuis staff may keep a goal to Veilig Thuis.")
    if errors or owner is None or due_on is None:
        raise ValidationError(errors)
    return Goal.objects.create(
        case=case,
        domain=domain,
        description=description.strip(),
        owner=owner,
        starts_on=starts_on,
        due_on=due_on,
        visibility=visibility,
        created_by=actor,
    )


@transaction.atomic
def update_goal(*, actor: User, goal: Goal, status: str, due_on: date | None = None) -> Goal:
    _require_manage(actor, goal.case)
    errors: dict[str, str] = {}
    if status not in GoalStatus.values:
        errors["status"] = _("Unknown status.")
    if due_on is not None and due_on < goal.starts_on:
        errors["due_on"] = _("The end date lies before the start date.")
    if errors:
        raise ValidationError(errors)
    goal.status = status
    goal.due_on = due_on or goal.due_on
    goal.save(update_fields=["status", "due_on"])
    return goal


@transaction.atomic
def add_note(*, actor: User, case: Case, text: str, visibility: str = Visibility.PARTICIPANTS) -> CaseNote:
    """A note in the case file; only Veilig Thuis staff write notes for Veilig Thuis only."""
    _require_manage(actor, case)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write the note.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Unknown choice.")
    elif visibility == Visibility.VEILIG_THUIS and not is_veilig_thuis(actor):
        errors["visibility"] = _("Only Veilig Thuis staff write notes for Veilig Thuis only.")
    if errors:
        raise ValidationError(errors)
    return CaseNote.objects.create(case=case, author=actor, text=text.strip(), visibility=visibility)


@dataclass(frozen=True)
class MeasureInput:
    term: str
    description: str
    owner: User | None
    deadline: date | None
    status: str = MeasureStatus.PLANNED
    key: str = ""


class PlanConflictError(Exception):
    """The plan was saved by someone else since the version the edit started from."""

    def __init__(self, current: SafetyPlanVersion) -> None:
        self.current = current
        super().__init__(
            _(
                "%(who)s saved version %(number)s of the plan at %(at)s while you were editing. "
                "Your changes are not saved yet: they are still in the form below. Compare them "
                "with the current version and save again."
            )
            % {
                "who": current.saved_by.display_name,
                "number": current.number,
                "at": timezone.localtime(current.saved_at).strftime("%d-%m-%Y %H:%M"),
            }
        )


def current_version_number(case: Case) -> int:
    plan = SafetyPlan.objects.filter(case=case).select_related("current_version").first()
    return plan.current_version.number if plan and plan.current_version else 0


@transaction.atomic
def save_safety_plan(
    *, actor: User, case: Case, base_version: int, measures: Sequence[MeasureInput], note: str = ""
) -> SafetyPlanVersion:
    """Save the safety plan as a new version. `base_version` is the version the edit started
    from (0 for a new plan); when another save came in between, PlanConflictError is raised and
    nothing is written. Bad rows give ValidationError naming `measures[i].field`."""
    _require_manage(actor, case)
    errors: dict[str, str] = {}
    if not measures:
        errors["measures"] = _("A safety plan has at least one measure.")
    owners = set(possible_owners(case).values_list("pk", flat=True))
    for i, m in enumerate(measures):
        if m.term not in MeasureTerm.values:
            errors[f"measures[{i}].term"] = _("Choose today, this week or long term.")
        if not m.description.strip():
            errors[f"measures[{i}].description"] = _("Say what is to be done.")
        if m.owner is None:
            errors[f"measures[{i}].owner"] = _("Name who does this.")
        elif m.owner.pk not in owners:
            errors[f"measures[{i}].owner"] = _("The owner must take part in the case.")
        if m.deadline is None:
            errors[f"measures[{i}].deadline"] = _("Give a deadline.")
        elif m.deadline < case.opened_on:
            errors[f"measures[{i}].deadline"] = _("The deadline lies before the case opened.")
        if m.status not in MeasureStatus.values:
            errors[f"measures[{i}].status"] = _("Unknown status.")
    if errors:
        raise ValidationError(errors)
    plan, _created = SafetyPlan.objects.get_or_create(case=case)
    plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    current = (
        SafetyPlanVersion.objects.select_related("saved_by").get(pk=plan.current_version_id)
        if plan.current_version_id is not None
        else None
    )
    if (current.number if current else 0) != base_version:
        if current is None:  # the edit names a version of a plan that does not exist
            raise ValidationError({"base_version": _("This plan has no such version.")})
        raise PlanConflictError(current)
    version = SafetyPlanVersion.objects.create(
        plan=plan, number=base_version + 1, saved_by=actor, note=note.strip()[:500]
    )
    SafetyMeasure.objects.bulk_create(
        [
            SafetyMeasure(
                version=version,
                key=m.key or uuid.uuid4().hex,
                position=i,
                term=m.term,
                description=m.description.strip(),
                owner=m.owner,
                deadline=m.deadline,  # type: ignore[misc]  # checked above: never None here
                status=m.status,
            )
            for i, m in enumerate(measures)
        ]
    )
    plan.current_version = version
    plan.save(update_fields=["current_version"])
    return version


@transaction.atomic
def record_agreement(
    *,
    actor: User,
    version: SafetyPlanVersion,
    person: Person | None = None,
    user: User | None = None,
    agreed_on: date | None = None,
) -> PlanAgreement:
    """Record that a family member or a participant agreed to this version of the plan."""
    case = version.plan.case
    _require_manage(actor, case)
    agreed_on = agreed_on or timezone.localdate()
    errors: dict[str, str] = {}
    if (person is None) == (user is None):
        errors["party"] = _("Name one family member or one participant.")
    elif person is not None and not CaseMember.objects.filter(case=case, person=person).exists():
        errors["party"] = _("This person is not in the case.")
    elif user is not None and not possible_owners(case).filter(pk=user.pk).exists():
        errors["party"] = _("This person does not take part in the case.")
    if agreed_on > timezone.localdate():
        errors["agreed_on"] = _("The date lies in the future.")
    elif agreed_on < timezone.localdate(version.saved_at):
        errors["agreed_on"] = _("The date lies before this version was made.")
    if errors:
        raise ValidationError(errors)
    return PlanAgreement.objects.create(
        version=version, person=person, user=user, agreed_on=agreed_on, recorded_by=actor
    )


@transaction.atomic
def record_follow_up(
    *, actor: User, check: FollowUpCheck, family_safe: bool | None, notes: str = "", on: date | None = None
) -> FollowUpCheck:
    """Record a follow-up check: is the family safe?"""
    _require_manage(actor, check.case)
    check = FollowUpCheck.objects.select_for_update().get(pk=check.pk)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if check.status != FollowUpStatus.PENDING:
        errors["check"] = _("This check is not due (recorded or cancelled already).")
    if family_safe is None:
        errors["family_safe"] = _("Say whether the family is safe.")
    if family_safe is False and not notes.strip():
        errors["notes"] = _("Say what is wrong.")
    if check.case.closed_on and on < check.case.closed_on:
        errors["recorded_on"] = _("The date lies before the case closed.")
    if errors:
        raise ValidationError(errors)
    check.status = FollowUpStatus.DONE
    check.family_safe = family_safe
    check.notes = notes.strip()
    check.recorded_by = actor
    check.recorded_on = on
    check.save()
    return check


def in_follow_up(person_ids: Sequence[int], day: date) -> QuerySet[Case]:
    """Closed cases with one of these people whose follow-up still runs on `day`."""
    pending = FollowUpCheck.objects.filter(status=FollowUpStatus.PENDING).values("case_id")
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        closed_on__lte=day,
        members__person_id__in=list(person_ids),
        pk__in=pending,
    ).distinct()


@transaction.atomic
def report_received(*, report_id: int) -> list[CaseReport]:
    """A new report arrived: link it to the closed cases in follow-up of the people in it
    (reopening them when the region says so), and record a recurrence for every family whose
    case had closed before the report came in."""
    from haard.intake.models import Report

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return []
    person_ids = list(report.involved.values_list("person_id", flat=True))
    if not person_ids:
        return []
    received = timezone.localdate(report.received_at)
    links = []
    reopen = bool(region_settings.value(FOLLOW_UP_REPORT_REOPENS))
    closed_cases = Case.objects.filter(
        status=CaseStatus.CLOSED, closed_on__lte=received, members__person_id__in=person_ids
    ).distinct()
    following = set(in_follow_up(person_ids, received).values_list("pk", flat=True))
    closed_ids = list(closed_cases.values_list("pk", flat=True))
    for case in Case.objects.select_for_update().filter(pk__in=closed_ids).order_by("pk"):
        if case.closed_on is None:  # never: closed cases have a date; narrows the type
            continue
        Recurrence.objects.get_or_create(
            case=case,
            report=report,
            defaults={
                "household_id": case.household_id,
                "closed_on": case.closed_on,
                "reported_on": received,
                "within_12_months": received <= add_months(case.closed_on, 12),
            },
        )
        if case.pk not in following:
            continue
        link, _new = CaseReport.objects.get_or_create(
            case=case, report=report, defaults={"during_follow_up": True}
        )
        links.append(link)
        if reopen:
            CaseStatusChange.objects.create(
                case=case,
                from_status=case.status,
                to_status=CaseStatus.OPEN,
                changed_by=None,
                reason=_("New report %(reference)s during follow-up.") % {"reference": report.reference},
            )
            FollowUpCheck.objects.filter(case=case, status=FollowUpStatus.PENDING).update(
                status=FollowUpStatus.CANCELLED
            )
            case.status = CaseStatus.OPEN
            case.closed_on = None
            case.save(update_fields=["status", "closed_on", "updated_at"])
    return links
