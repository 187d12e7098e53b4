"""Writes for the meldcode and the partner network. Keyword-only, one transaction each; a
refusal (PermissionDenied) or an error (ValidationError, per field) writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership, Organisation, User
from haard.core.models import Municipality
from haard.intake import services as intake_services
from haard.intake.models import InvolvementRole, ReportKind, ReportSource
from haard.meldcode.decision import HELP_STARTS_AFTER, QUESTIONS, End, walk
from haard.meldcode.models import (
    OPEN_STATUSES,
    ActivityKind,
    AssessmentOutcome,
    DecisionAnswer,
    Feedback,
    FeedbackStage,
    MeldcodeRecord,
    PartnerProfile,
    PreventionActivity,
    RecordPerson,
    RecordStatus,
    Risk,
    Sector,
)
from haard.meldcode.relations import may_edit_network, may_give_feedback
from haard.registry.models import Gender
from haard.registry.services import parse_house_number
from haard.registry.validation import normalise_postcode

FEEDBACK_NOTE_MAX = 1000


# The partner network ---------------------------------------------------------------------


@transaction.atomic
def save_partner_profile(
    *,
    actor: User,
    organisation: Organisation,
    sector: str,
    veilig_thuis_contact: str = "",
    has_meldcode: bool = False,
    meldcode_since: date | None = None,
    meldcode_contact: User | None = None,
) -> PartnerProfile:
    """Create or change an organisation's partner profile (administrators, Veilig Thuis)."""
    if not may_edit_network(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if sector not in Sector.values:
        errors["sector"] = _("Unknown sector.")
    if meldcode_since is not None and not has_meldcode:
        errors["meldcode_since"] = _("A date for the meldcode needs an organisation that has one.")
    if meldcode_since is not None and meldcode_since > timezone.localdate():
        errors["meldcode_since"] = _("This date lies in the future.")
    if (
        meldcode_contact is not None
        and not Membership.objects.filter(
            user=meldcode_contact, active=True, team__organisation=organisation
        ).exists()
    ):
        errors["meldcode_contact"] = _("The meldcode contact person must work for this organisation.")
    if errors:
        raise ValidationError(errors)
    profile, _created = PartnerProfile.objects.update_or_create(
        organisation=organisation,
        defaults={
            "sector": sector,
            "veilig_thuis_contact": veilig_thuis_contact.strip(),
            "has_meldcode": has_meldcode,
            "meldcode_since": meldcode_since,
            "meldcode_contact": meldcode_contact,
        },
    )
    return profile


@transaction.atomic
def add_prevention_activity(
    *, actor: User, organisation: Organisation, kind: str, title: str, held_on: date, reach: int
) -> PreventionActivity:
    """Record a training or awareness activity an organisation gave."""
    if not may_edit_network(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Unknown kind of activity.")
    if not title.strip():
        errors["title"] = _("Name the activity.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("Record an activity once it has taken place.")
    if reach < 0:
        errors["reach"] = _("The number of people reached cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return PreventionActivity.objects.create(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        reach=reach,
        recorded_by=actor,
    )


# Meldcode records --------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonGiven:
    first_names: str
    surname: str
    role: str
    surname_prefix: str = ""
    birth_date: date | None = None
    gender: str = Gender.OTHER


@dataclass(frozen=True)
class AddressText:
    """An address as the professional types it."""

    postcode: str = ""
    house_number: str = ""
    street: str = ""
    town: str = ""


def _parse_address(address: AddressText | None, errors: dict[str, str]) -> dict[str, Any]:
    empty = {"postcode": "", "house_number": None, "house_letter": "", "house_number_addition": ""}
    if address is None or not (address.postcode.strip() or address.house_number.strip()):
        return {**empty, "street": "", "town": ""}
    parsed: dict[str, Any] = {**empty, "street": address.street.strip(), "town": address.town.strip()}
    try:
        parsed["postcode"] = normalise_postcode(address.postcode)
    except ValidationError as exc:
        errors["postcode"] = exc.messages[0]
    try:
        number = parse_house_number(address.house_number)
    except ValidationError as exc:
        errors["house_number"] = exc.messages[0]
    else:
        parsed.update(
            house_number=number.number, house_letter=number.letter, house_number_addition=number.addition
        )
    return parsed


def _check_people(people: Sequence[PersonGiven], errors: dict[str, str]) -> None:
    today = timezone.localdate()
    for index, person in enumerate(people, start=1):
        if not person.first_names.strip() or not person.surname.strip():
            errors["people"] = _("Person %(n)d needs a first name and a surname.") % {"n": index}
        elif person.role not in InvolvementRole.values:
            errors["people"] = _("Person %(n)d has an unknown role.") % {"n": index}
        elif person.gender not in Gender.values:
            errors["people"] = _("Person %(n)d has an unknown gender.") % {"n": index}
        elif person.birth_date is not None and person.birth_date > today:
            errors["people"] = _("Person %(n)d has a date of birth in the future.") % {"n": index}


def _details(
    *, concern: str, address: AddressText | None, people: Sequence[PersonGiven]
) -> tuple[dict[str, Any], list[RecordPerson]]:
    errors: dict[str, str] = {}
    if not concern.strip():
        errors["concern"] = _("Describe the concern in a few words.")
    fields = _parse_address(address, errors)
    _check_people(people, errors)
    if errors:
        raise ValidationError(errors)
    rows = [
        RecordPerson(
            first_names=p.first_names.strip(),
            surname_prefix=p.surname_prefix.strip(),
            surname=p.surname.strip(),
            birth_date=p.birth_date,
            gender=p.gender,
            role=p.role,
        )
        for p in people
    ]
    return {**fields, "concern": concern.strip()}, rows


@transaction.atomic
def start_record(
    *,
    actor: User,
    membership: Membership | None,
    municipality: Municipality,
    concern: str,
    address: AddressText | None = None,
    people: Sequence[PersonGiven] = (),
) -> MeldcodeRecord:
    """Open a meldcode record for a concern, for the organisation the professional acts for."""
    if not has_capability(actor, "file_meldcode"):
        raise PermissionDenied
    if membership is None or membership.user_id != actor.pk or not membership.active:
        raise ValidationError({"organisation": _("You act for no organisation: choose your role first.")})
    fields, rows = _details(concern=concern, address=address, people=people)
    record = MeldcodeRecord.objects.create(
        reference=uuid.uuid4().hex[:20],
        author=actor,
        organisation=membership.team.organisation,
        team=membership.team,
        municipality=municipality,
        **fields,
    )
    record.reference = f"MC{timezone.localtime(record.created_at):%Y}-{record.pk:06d}"
    record.save(update_fields=["reference"])
    for row in rows:
        row.record = record
    RecordPerson.objects.bulk_create(rows)
    return record


def _lock_own_open(actor: User, record: MeldcodeRecord) -> MeldcodeRecord:
    """The record, locked, when the actor wrote it and it is still open."""
    if not has_capability(actor, "file_meldcode"):
        raise PermissionDenied
    locked = MeldcodeRecord.objects.select_for_update().filter(pk=record.pk, author=actor).first()
    if locked is None:
        raise PermissionDenied
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"step": _("This record is concluded; it can no longer change.")})
    return locked


def _require_step(record: MeldcodeRecord, step: int) -> None:
    current = record.current_step
    if current is not None and current < step:
        raise ValidationError(
            {"step": _("Steps cannot be skipped: record step %(current)d first.") % {"current": current}}
        )
    if current != step:
        raise ValidationError({"step": _("Step %(step)d is already recorded.") % {"step": step}})


@transaction.atomic
def update_details(
    *,
    actor: User,
    record: MeldcodeRecord,
    municipality: Municipality,
    concern: str,
    address: AddressText | None,
    people: Sequence[PersonGiven],
) -> MeldcodeRecord:
    """Change the concern, address and people of an open record (its author only)."""
    record = _lock_own_open(actor, record)
    fields, rows = _details(concern=concern, address=address, people=people)
    for name, value in fields.items():
        setattr(record, name, value)
    record.municipality = municipality
    record.save()
    record.people.all().delete()
    for row in rows:
        row.record = record
    RecordPerson.objects.bulk_create(rows)
    return record


@transaction.atomic
def record_signs(*, actor: User, record: MeldcodeRecord, signs: str) -> MeldcodeRecord:
    """Step 1: map the signs."""
    record = _lock_own_open(actor, record)
    _require_step(record, 1)
    if not signs.strip():
        raise ValidationError({"signs": _("Describe the signs you saw or heard.")})
    record.signs = signs.strip()
    record.signs_at = timezone.now()
    record.save(update_fields=["signs", "signs_at", "updated_at"])
    return record


@transaction.atomic
def record_consultation(
    *, actor: User, record: MeldcodeRecord, colleague: bool, veilig_thuis: bool, notes: str
) -> MeldcodeRecord:
    """Step 2: consult a colleague and/or Veilig Thuis."""
    record = _lock_own_open(actor, record)
    _require_step(record, 2)
    errors: dict[str, str] = {}
    if not (colleague or veilig_thuis):
        errors["consulted_colleague"] = _("Consult a colleague, Veilig Thuis or both before going on.")
    if not notes.strip():
        errors["consultation_notes"] = _("Write down what the consultation brought.")
    if errors:
        raise ValidationError(errors)
    record.consulted_colleague = colleague
    record.consulted_veilig_thuis = veilig_thuis
    record.consultation_notes = notes.strip()
    record.consulted_at = timezone.now()
    record.save()
    return record


@transaction.atomic
def record_conversation(
    *, actor: User, record: MeldcodeRecord, held: bool, notes: str = "", reason_not: str = ""
) -> MeldcodeRecord:
    """Step 3: the conversation with the client, or why it did not take place."""
    record = _lock_own_open(actor, record)
    _require_step(record, 3)
    if held and not notes.strip():
        raise ValidationError({"conversation_notes": _("Write down what the conversation brought.")})
    if not held and not reason_not.strip():
        raise ValidationError(
            {
                "no_conversation_reason": _(
                    "Without a conversation, say why (for example: it would endanger someone)."
                )
            }
        )
    record.conversation_held = held
    record.conversation_notes = notes.strip() if held else ""
    record.no_conversation_reason = "" if held else reason_not.strip()
    record.conversation_at = timezone.now()
    record.save()
    return record


@transaction.atomic
def record_weighing(*, actor: User, record: MeldcodeRecord, risk: int, notes: str) -> MeldcodeRecord:
    """Step 4: weigh the nature and severity of the violence."""
    record = _lock_own_open(actor, record)
    _require_step(record, 4)
    errors: dict[str, str] = {}
    if risk not in Risk.values:
        errors["risk"] = _("Choose the risk.")
    if not notes.strip():
        errors["weighing_notes"] = _("Explain the weighing.")
    if errors:
        raise ValidationError(errors)
    record.risk = risk
    record.weighing_notes = notes.strip()
    record.weighed_at = timezone.now()
    record.save()
    return record


def answers_of(record: MeldcodeRecord) -> dict[int, bool]:
    return {a.question: a.answer for a in record.answers.all()}


@transaction.atomic
def answer_question(
    *,
    actor: User,
    membership: Membership | None,
    record: MeldcodeRecord,
    question: int,
    answer: bool,
    note: str = "",
) -> MeldcodeRecord:
    """Step 5: answer the next question of the afwegingskader. An answer that leads to
    "report" creates the report in intake from the record (people, address, steps) with the
    professional and the organisation as reporter, and links it to the record."""
    record = _lock_own_open(actor, record)
    _require_step(record, 5)
    expected = walk(answers_of(record))
    if not isinstance(expected, int):  # a concluded path leaves the record closed; defensive
        raise ValidationError({"question": _("The decision is already taken.")})
    if question != expected:
        raise ValidationError(
            {
                "question": _("Answer question %(expected)d now; question %(given)d is not next.")
                % {"expected": expected, "given": question}
            }
        )
    leads_to = QUESTIONS[question].follow(answer)
    if leads_to == End.REPORT:
        _check_reportable(record)
    DecisionAnswer.objects.create(
        record=record, question=question, answer=answer, note=note.strip(), answered_by=actor
    )
    now = timezone.now()
    if leads_to == End.REPORT:
        record.report = _report(actor=actor, membership=membership, record=record)
        record.status = RecordStatus.REPORTED
        record.concluded_at = now
    elif leads_to == End.NO_SUSPICION:
        record.status = RecordStatus.CLOSED_NO_SUSPICION
        record.concluded_at = now
    elif leads_to == End.HELP_EFFECTIVE:
        record.status = RecordStatus.CLOSED_HELP
        record.concluded_at = now
    elif question == HELP_STARTS_AFTER and answer:
        record.status = RecordStatus.HELP_UNDERWAY
    record.save()
    return record


def _check_reportable(record: MeldcodeRecord) -> None:
    errors: dict[str, str] = {}
    if not record.people.exists():
        errors["people"] = _(
            "A report names at least one person: add the people involved to the record first."
        )
    if not record.has_address:
        errors["address"] = _("A report needs the address where it happens: add it to the record first.")
    if errors:
        raise ValidationError(errors)


def _narrative(record: MeldcodeRecord) -> str:
    consulted = [
        str(label)
        for flag, label in (
            (record.consulted_colleague, _("a colleague")),
            (record.consulted_veilig_thuis, _("Veilig Thuis")),
        )
        if flag
    ]
    conversation = record.conversation_notes if record.conversation_held else record.no_conversation_reason
    parts = [
        _("Report under the meldcode, record %(reference)s: %(concern)s")
        % {"reference": record.reference, "concern": record.concern},
        _("Signs: %(text)s") % {"text": record.signs},
        _("Consulted %(who)s: %(text)s")
        % {"who": _(" and ").join(consulted), "text": record.consultation_notes},
        (
            _("Conversation with the client: %(text)s")
            if record.conversation_held
            else _("No conversation: %(text)s")
        )
        % {"text": conversation},
        _("Weighing (%(risk)s): %(text)s")
        % {"risk": record.get_risk_display(), "text": record.weighing_notes},
    ]
    return "\n\n".join(parts)


def _report(*, actor: User, membership: Membership | None, record: MeldcodeRecord) -> Any:
    postcode = record.postcode
    return intake_services.take_report(
        actor=actor,
        membership=membership,
        municipality=record.municipality,
        address=intake_services.AddressGiven(
            postcode=postcode,
            house_number=record.house_number or 0,
            house_letter=record.house_letter,
            addition=record.house_number_addition,
            street=record.street,
            town=record.town,
        ),
        people=[
            (
                intake_services.NewPerson(
                    first_names=p.first_names,
                    surname=p.surname,
                    surname_prefix=p.surname_prefix,
                    birth_date=p.birth_date,
                    gender=p.gender,
                ),
                p.role,
            )
            for p in record.people.all()
        ],
        kind=ReportKind.REPORT,
        source=ReportSource.PROFESSIONAL,
        initial_severity=record.risk or Risk.MODERATE,
        narrative=_narrative(record),
        reporter_organisation=record.organisation,
        reporter_name=actor.display_name,
        reporter_contact=actor.email,
    )


@dataclass(frozen=True)
class StepsGiven:
    """The steps a partner system sends at once; each may be left out (None) from the end."""

    signs: str | None = None
    consulted_colleague: bool = False
    consulted_veilig_thuis: bool = False
    consultation_notes: str | None = None
    conversation_held: bool | None = None
    conversation_notes: str = ""
    no_conversation_reason: str = ""
    risk: int | None = None
    weighing_notes: str = ""
    answers: Sequence[tuple[int, bool, str]] = ()


@transaction.atomic
def file_record(
    *,
    actor: User,
    membership: Membership | None,
    municipality: Municipality,
    concern: str,
    address: AddressText | None,
    people: Sequence[PersonGiven],
    steps: StepsGiven,
) -> MeldcodeRecord:
    """A record with its steps at once (partner systems): the same rules as step by step, in
    one transaction, so a skipped step or an answer out of order leaves nothing behind."""
    record = start_record(
        actor=actor,
        membership=membership,
        municipality=municipality,
        concern=concern,
        address=address,
        people=people,
    )
    given = [
        steps.signs is not None,
        steps.consultation_notes is not None,
        steps.conversation_held is not None,
        steps.risk is not None,
        bool(steps.answers),
    ]
    for step, present in enumerate(given, start=1):
        if present and not all(given[: step - 1]):
            missing = given.index(False) + 1
            raise ValidationError(
                {"step": _("Steps cannot be skipped: step %(missing)d is missing.") % {"missing": missing}}
            )
    if steps.signs is not None:
        record = record_signs(actor=actor, record=record, signs=steps.signs)
    if steps.consultation_notes is not None:
        record = record_consultation(
            actor=actor,
            record=record,
            colleague=steps.consulted_colleague,
            veilig_thuis=steps.consulted_veilig_thuis,
            notes=steps.consultation_notes,
        )
    if steps.conversation_held is not None:
        record = record_conversation(
            actor=actor,
            record=record,
            held=steps.conversation_held,
            notes=steps.conversation_notes,
            reason_not=steps.no_conversation_reason,
        )
    if steps.risk is not None:
        record = record_weighing(actor=actor, record=record, risk=steps.risk, notes=steps.weighing_notes)
    for question, answer, note in steps.answers:
        record = answer_question(
            actor=actor, membership=membership, record=record, question=question, answer=answer, note=note
        )
    return record


# Feedback from Veilig Thuis ----------------------------------------------------------------


@transaction.atomic
def give_feedback(
    *, actor: User, record: MeldcodeRecord, stage: str, outcome: str = "", note: str = ""
) -> Feedback:
    """Veilig Thuis tells the reporting professional that the report arrived, and later how
    the safety assessment ended in general terms."""
    if not may_give_feedback(actor):
        raise PermissionDenied
    locked = MeldcodeRecord.objects.select_for_update().filter(pk=record.pk, report__isnull=False).first()
    if locked is None:
        raise ValidationError({"record": _("Feedback is given on records that became a report.")})
    errors: dict[str, str] = {}
    given = set(Feedback.objects.filter(record=locked).values_list("stage", flat=True))
    if stage not in FeedbackStage.values:
        errors["stage"] = _("Unknown kind of feedback.")
    elif stage in given:
        errors["stage"] = _("This feedback has already been given.")
    elif stage == FeedbackStage.OUTCOME and FeedbackStage.RECEIVED not in given:
        errors["stage"] = _("Confirm that the report was received first.")
    if stage == FeedbackStage.OUTCOME and outcome not in AssessmentOutcome.values:
        errors["outcome"] = _("Choose the outcome of the safety assessment.")
    if stage == FeedbackStage.RECEIVED and outcome:
        errors["outcome"] = _("An outcome follows the safety assessment, not the receipt.")
    if len(note) > FEEDBACK_NOTE_MAX:
        errors["note"] = _("Keep the message to %(n)d characters.") % {"n": FEEDBACK_NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    return Feedback.objects.create(
        record=locked,
        stage=stage,
        outcome=outcome if stage == FeedbackStage.OUTCOME else "",
        note=note.strip(),
        given_by=actor,
    )
