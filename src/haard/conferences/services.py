"""Writes for case conferences. Keyword-only, one transaction each: a refused write leaves
nothing behind. Field errors are ValidationErrors keyed by field; acting outside one's part
(not the chair, not the owner) is PermissionDenied with a message saying why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Organisation, User
from haard.cases.models import Case
from haard.conferences.models import (
    BASES_NEEDING_EXPLANATION,
    ActionItem,
    ActionStatus,
    AgendaCriterion,
    AgendaItem,
    Conference,
    ConferenceKind,
    ConferenceParticipant,
    Decision,
    SharingBasis,
)
from haard.conferences.selectors import may_see_minutes, organisations_of

CHAIR_CAPABILITY = "chair_conferences"


def _require_chair(actor: User, conference: Conference) -> None:
    if conference.chair_id != actor.pk or not has_capability(actor, CHAIR_CAPABILITY):
        raise PermissionDenied(_("Only the chair of this conference may change it."))


def _conference_errors(*, kind: str, title: str, starts_at: datetime | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in ConferenceKind.values:
        errors["kind"] = _("Choose the kind of conference.")
    if not title.strip():
        errors["title"] = _("Give the conference a title.")
    if starts_at is None:
        errors["starts_at"] = _("Give the date and time of the conference.")
    return errors


def _basis_errors(basis: str, explanation: str, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not basis:
        errors[f"{prefix}basis"] = _("State the basis on which this participant shares data.")
    elif basis not in SharingBasis.values:
        errors[f"{prefix}basis"] = _("Unknown basis for sharing data.")
    elif basis in BASES_NEEDING_EXPLANATION and not explanation.strip():
        errors[f"{prefix}basis_explanation"] = _(
            "Explain this basis: whose consent, given when, or which other basis applies."
        )
    return errors


@transaction.atomic
def create_conference(
    *,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime | None,
    location: str = "",
    organisation: Organisation | None,
    basis: str,
    basis_explanation: str = "",
) -> Conference:
    """Plan a conference chaired by the actor, who takes part from `organisation` on `basis`."""
    if not has_capability(actor, CHAIR_CAPABILITY):
        raise PermissionDenied(_("Your role may not chair case conferences."))
    errors = _conference_errors(kind=kind, title=title, starts_at=starts_at)
    errors |= _basis_errors(basis, basis_explanation)
    own = organisations_of(actor)
    if organisation is None or organisation.pk not in own:
        errors["organisation"] = _("Choose an organisation you work for.")
    if errors:
        raise ValidationError(errors)
    conference = Conference.objects.create(
        kind=kind,
        title=title.strip(),
        starts_at=cast(datetime, starts_at),
        location=location.strip(),
        chair=actor,
        created_by=actor,
    )
    ConferenceParticipant.objects.create(
        conference=conference,
        user=actor,
        organisation=cast(Organisation, organisation),
        basis=basis,
        basis_explanation=basis_explanation.strip(),
    )
    return conference


@transaction.atomic
def update_conference(
    *,
    actor: User,
    conference: Conference,
    kind: str,
    title: str,
    starts_at: datetime | None,
    location: str = "",
) -> Conference:
    """Change the facts of a conference (chair only). The date may not move past a deadline
    already set for one of its actions."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    _require_chair(actor, conference)
    errors = _conference_errors(kind=kind, title=title, starts_at=starts_at)
    if starts_at is not None:
        earliest = ActionItem.objects.filter(agenda_item__conference=conference).order_by("deadline").first()
        if earliest is not None and earliest.deadline < timezone.localdate(starts_at):
            errors["starts_at"] = _(
                "An action of this conference has its deadline on %(deadline)s, before this date."
            ) % {"deadline": earliest.deadline.isoformat()}
    if errors:
        raise ValidationError(errors)
    conference.kind = kind
    conference.title = title.strip()
    conference.starts_at = cast(datetime, starts_at)
    conference.location = location.strip()
    conference.save()
    return conference


@transaction.atomic
def add_participant(
    *,
    actor: User,
    conference: Conference,
    user: User | None,
    organisation: Organisation | None = None,
    basis: str,
    basis_explanation: str = "",
) -> ConferenceParticipant:
    """Invite a professional (chair only). Without an organisation, the participant's own one
    (of their first active membership) is taken; a given one must be one they work for."""
    _require_chair(actor, conference)
    errors: dict[str, str] = {}
    if user is None:
        errors["user"] = _("Choose the participant.")
    else:
        if not has_capability(user, "view_personal_data"):
            errors["user"] = _("This person's role does not allow seeing personal data.")
        elif ConferenceParticipant.objects.filter(conference=conference, user=user).exists():
            errors["user"] = _("This person takes part already.")
        own = organisations_of(user)
        if organisation is None:
            organisation = Organisation.objects.filter(pk__in=own).order_by("name").first()
        if organisation is None or organisation.pk not in own:
            errors["organisation"] = _("Choose an organisation this participant works for.")
    errors |= _basis_errors(basis, basis_explanation)
    if errors:
        raise ValidationError(errors)
    return ConferenceParticipant.objects.create(
        conference=conference,
        user=cast(User, user),
        organisation=cast(Organisation, organisation),
        basis=basis,
        basis_explanation=basis_explanation.strip(),
    )


@transaction.atomic
def remove_participant(*, actor: User, participant: ConferenceParticipant) -> None:
    """Take a participant off the list (chair only); not the chair, nor an owner of actions."""
    conference = participant.conference
    _require_chair(actor, conference)
    if participant.user_id == conference.chair_id:
        raise ValidationError({"user": _("The chair takes part in every conference they chair.")})
    if ActionItem.objects.filter(agenda_item__conference=conference, owner_id=participant.user_id).exists():
        raise ValidationError({"user": _("This participant owns actions of this conference.")})
    participant.delete()


@transaction.atomic
def add_agenda_item(
    *,
    actor: User,
    conference: Conference,
    case_reference: str,
    criteria: Sequence[AgendaCriterion],
    reason: str,
) -> AgendaItem:
    """Put a case on the agenda (chair only), with the criteria that apply and why.

    Only a case the chair may see can be put on the agenda; whether any other case exists is
    not revealed."""
    _require_chair(actor, conference)
    errors: dict[str, str] = {}
    reference = case_reference.strip()
    case = (
        Case.objects.visible_to(conference.chair).filter(reference=reference).first() if reference else None
    )
    if case is None:
        errors["case_reference"] = _(
            "The chair may not see a case with this reference. Only a case the chair works on "
            "can be put on the agenda."
        )
    elif AgendaItem.objects.filter(conference=conference, case=case).exists():
        errors["case_reference"] = _("This case is on the agenda already.")
    if not criteria:
        errors["criteria"] = _("Choose at least one criterion that applies to this case.")
    elif any(not criterion.active for criterion in criteria):
        errors["criteria"] = _("A chosen criterion is no longer in use.")
    if not reason.strip():
        errors["reason"] = _("Explain why the chosen criteria apply to this case.")
    if errors:
        raise ValidationError(errors)
    position = (
        AgendaItem.objects.filter(conference=conference).aggregate(last=Max("position"))["last"] or 0
    ) + 1
    item = AgendaItem.objects.create(
        conference=conference, case=cast(Case, case), position=position, reason=reason.strip(), added_by=actor
    )
    item.criteria.set(criteria)
    return item


def _require_chair_seeing(actor: User, item: AgendaItem) -> None:
    _require_chair(actor, item.conference)
    if not may_see_minutes(actor=actor, item=item):
        raise PermissionDenied(_("You no longer work on this case: its minutes are closed to you."))


@transaction.atomic
def record_minutes(*, actor: User, item: AgendaItem, minutes: str) -> AgendaItem:
    """Write the minutes of one case (chair only); earlier versions stay in the history."""
    item = AgendaItem.objects.select_related("conference").select_for_update(of=("self",)).get(pk=item.pk)
    _require_chair_seeing(actor, item)
    item.minutes = minutes.strip()
    item.save(update_fields=["minutes"])
    return item


@transaction.atomic
def record_decision(*, actor: User, item: AgendaItem, text: str) -> Decision:
    _require_chair_seeing(actor, item)
    if not text.strip():
        raise ValidationError({"text": _("Write down the decision.")})
    return Decision.objects.create(agenda_item=item, text=text.strip(), recorded_by=actor)


@transaction.atomic
def add_action(
    *, actor: User, item: AgendaItem, description: str, owner: User | None, deadline: date | None
) -> ActionItem:
    """Give an action to a participant of the conference (chair only), with a deadline on or
    after the conference date."""
    _require_chair_seeing(actor, item)
    conference = item.conference
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if owner is None:
        errors["owner"] = _("Every action has an owner: choose one.")
    elif not ConferenceParticipant.objects.filter(conference=conference, user=owner).exists():
        errors["owner"] = _("The owner must take part in this conference.")
    conference_date = timezone.localdate(conference.starts_at)
    if deadline is None:
        errors["deadline"] = _("Give the deadline of this action.")
    elif deadline < conference_date:
        errors["deadline"] = _("The deadline cannot lie before the conference date (%(date)s).") % {
            "date": conference_date.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    return ActionItem.objects.create(
        agenda_item=item,
        description=description.strip(),
        owner=cast(User, owner),
        deadline=cast(date, deadline),
        created_by=actor,
    )


def may_mark_done(*, actor: User, action: ActionItem) -> bool:
    """The owner of an action marks it done, or the chair of its conference."""
    return actor.pk == action.owner_id or (
        actor.pk == action.agenda_item.conference.chair_id and has_capability(actor, CHAIR_CAPABILITY)
    )


@transaction.atomic
def mark_action_done(
    *, actor: User, action: ActionItem, done_on: date | None = None, note: str = ""
) -> ActionItem:
    """Record that an action is done: on which day, by whom. Only its owner or the chair."""
    action = (
        ActionItem.objects.select_related("agenda_item__conference")
        .select_for_update(of=("self",))
        .get(pk=action.pk)
    )
    if not may_mark_done(actor=actor, action=action):
        raise PermissionDenied(
            _("Only the owner of this action or the chair of the conference may mark it done.")
        )
    today = timezone.localdate()
    done_on = done_on or today
    errors: dict[str, str] = {}
    if action.status == ActionStatus.DONE:
        errors["status"] = _("This action is done already.")
    if done_on > today:
        errors["done_on"] = _("The day it was done cannot lie in the future.")
    elif done_on < timezone.localdate(action.created_at):
        errors["done_on"] = _("The day it was done cannot lie before the action was given.")
    if errors:
        raise ValidationError(errors)
    action.status = ActionStatus.DONE
    action.done_on = done_on
    action.done_by = actor
    action.done_note = note.strip()
    action.save(update_fields=["status", "done_on", "done_by", "done_note"])
    return action
