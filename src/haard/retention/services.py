"""Writes of the retention workflow: propose, dry run, keep, decide (and destroy), and the
requests of data subjects. Keyword-only services, one transaction each, every one taking the
acting user (None only for the periodic run, which proposes and never decides).

The rules:
- A proposal lists units (files, stand-alone records, people) with what they hold. Its dry
  run carries out the destruction and rolls it back: it changes nothing, and it counts exactly
  what a real run removes.
- The decision needs a dry run of the list as it stands, a reason, and four eyes: whoever
  proposed (or registered the erasure request) does not decide.
- Destroying is all or nothing: one transaction for every unit of the proposal, the history of
  every removed row, the people, households and addresses left without records, and the
  tombstones. A unit that changed since it was proposed is not destroyed (it is proposed again).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.audit import purge as audit_purge
from haard.cases.services import add_months
from haard.core import region_settings
from haard.registry.models import Person
from haard.retention import access_log, destruction, execution, files, rules
from haard.retention.models import (
    AccessLogPurge,
    AccessLogTombstone,
    DataSubjectRequest,
    DestructionProposal,
    ItemOutcome,
    KeepGround,
    ProposalItem,
    ProposalKind,
    ProposalStatus,
    PurgeStatus,
    RequestChannel,
    RequestKind,
    RequestOutcome,
    RequestStatus,
    UnitType,
)

CAPABILITY = "manage_retention"
# A unit kept by a rejected proposal is not proposed again for this long.
KEEP_AFTER_REJECTION_YEARS = 1


def require_capability(actor: User) -> None:
    if not has_capability(actor, CAPABILITY):
        raise PermissionDenied


def _locked_open(proposal: DestructionProposal) -> DestructionProposal:
    locked = DestructionProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.OPEN:
        raise ValidationError(_("This proposal has been decided already."))
    return locked


def _items(proposal: DestructionProposal, units: list[files.Unit]) -> list[ProposalItem]:
    return [
        ProposalItem(
            proposal=proposal,
            unit_type=unit.unit_type,
            root_id=unit.root_id,
            reference=unit.reference[:40],
            members=unit.member_keys,
            person_ids=sorted(unit.person_ids),
            closed_on=unit.closed_on,
            due_on=unit.due_on,
        )
        for unit in units
    ]


# --- Proposing -------------------------------------------------------------------------------


@transaction.atomic
def propose_due(*, actor: User | None, today: date | None = None) -> DestructionProposal | None:
    """A proposal of every unit whose retention has ended and that is on no open proposal
    (and not kept by an earlier decision), with its dry run; None when nothing new is due.
    Running it again proposes nothing twice. `actor` None: the periodic run."""
    if actor is not None:
        require_capability(actor)
    today = today or timezone.localdate()
    units = files.due_units(today)
    if not units:
        return None
    proposal = DestructionProposal.objects.create(kind=ProposalKind.RETENTION, proposed_by=actor)
    ProposalItem.objects.bulk_create(_items(proposal, units))
    _store_dry_run(proposal, today)
    return proposal


def _store_dry_run(proposal: DestructionProposal, today: date) -> None:
    proposal.dry_run = execution.dry_run(proposal, today).summary()
    proposal.dry_run_at = timezone.now()
    proposal.save(update_fields=["dry_run", "dry_run_at"])


@transaction.atomic
def record_dry_run(
    *, actor: User, proposal: DestructionProposal, today: date | None = None
) -> DestructionProposal:
    """Run the dry run of the list as it stands and keep its counts with the proposal."""
    require_capability(actor)
    proposal = _locked_open(proposal)
    _store_dry_run(proposal, today or timezone.localdate())
    return proposal


# --- Keeping an item -------------------------------------------------------------------------


@transaction.atomic
def keep_item(
    *,
    actor: User,
    item: ProposalItem,
    keep: bool,
    ground: str = "",
    reason: str = "",
    until: date | None = None,
    today: date | None = None,
) -> ProposalItem:
    """Keep an item off the destruction (with a ground and a reason; on a retention proposal
    also until when), or put it back. The dry run must then be run again."""
    require_capability(actor)
    today = today or timezone.localdate()
    proposal = _locked_open(item.proposal)
    item = ProposalItem.objects.select_for_update().get(pk=item.pk, proposal=proposal)
    errors: dict[str, str] = {}
    if keep:
        if ground not in KeepGround.values:
            errors["ground"] = _("Choose the ground for keeping it.")
        if not reason.strip():
            errors["reason"] = _("Say why it is kept.")
        if proposal.kind == ProposalKind.RETENTION and (until is None or until <= today):
            errors["until"] = _("Give the day until which it is kept (after today).")
    elif proposal.kind == ProposalKind.REQUEST and item.unit_type != UnitType.PERSON:
        unit = files.still_the_same(
            item.unit_type, item.members, ignore_requests_of=execution.requester_group(proposal)
        )
        if unit is None or unit.open_reason == "open":
            errors[NON_FIELD_ERRORS] = _(
                "This file is still open: it can be destroyed only after it is closed."
            )
    if errors:
        raise ValidationError(errors)
    item.keep = keep
    item.keep_ground = ground if keep else ""
    item.keep_reason = reason.strip() if keep else ""
    item.keep_until = until if keep and proposal.kind == ProposalKind.RETENTION else None
    item.kept_by = actor if keep else None
    item.save(update_fields=["keep", "keep_ground", "keep_reason", "keep_until", "kept_by"])
    proposal.items_changed_at = timezone.now()
    proposal.save(update_fields=["items_changed_at"])
    return item


# --- Deciding and destroying -----------------------------------------------------------------


@transaction.atomic
def decide(
    *,
    actor: User,
    proposal: DestructionProposal,
    destroy: bool,
    reason: str,
    ground: str = "",
    today: date | None = None,
) -> DestructionProposal:
    """Decide on a proposal. Destroying carries out the whole list in this one transaction
    and writes a tombstone per destroyed unit and person; any failure leaves everything as it
    was. Refusing keeps every unit (on a retention proposal for a year) with the ground."""
    require_capability(actor)
    today = today or timezone.localdate()
    proposal = _locked_open(proposal)
    errors: dict[str, str] = {}
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == actor.pk:
        errors[NON_FIELD_ERRORS] = _("Four eyes: who proposed the destruction does not decide on it.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    if destroy and not proposal.dry_run_is_current:
        errors.setdefault(NON_FIELD_ERRORS, _("Run the dry run first: the list changed since the last one."))
    if not destroy and ground not in KeepGround.values:
        errors["ground"] = _("Choose the ground for keeping the records.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = actor, now, reason.strip()
    if destroy:
        carried = execution.carry_out(proposal, today)
        execution.write_tombstones(proposal, carried, actor, now)
        proposal.status, proposal.destroyed_at = ProposalStatus.DESTROYED, now
        queued = destruction.queue_file_removals(carried.stored_files)
        transaction.on_commit(partial(destruction.remove_pending_files, queued))
        outcomes = {result.outcome for result in carried.items.values()}
        outcome = (
            RequestOutcome.GRANTED
            if outcomes == {ItemOutcome.DESTROYED}
            else RequestOutcome.PARTLY
            if ItemOutcome.DESTROYED in outcomes
            else RequestOutcome.REFUSED
        )
    else:
        proposal.status, proposal.refusal_ground = ProposalStatus.REJECTED, ground
        until = (
            rules.add_years(today, KEEP_AFTER_REJECTION_YEARS)
            if proposal.kind == ProposalKind.RETENTION
            else None
        )
        for item in proposal.items.filter(keep=False):
            item.keep, item.keep_ground, item.keep_reason, item.keep_until = (
                True,
                ground,
                reason.strip(),
                until,
            )
            item.kept_by = actor
            item.save(update_fields=["keep", "keep_ground", "keep_reason", "keep_until", "kept_by"])
        proposal.items.update(outcome=ItemOutcome.KEPT)
        outcome = RequestOutcome.REFUSED
    proposal.save()
    if proposal.request_id is not None:
        DataSubjectRequest.objects.filter(pk=proposal.request_id).update(
            status=RequestStatus.ANSWERED, outcome=outcome, answered_by=actor, answered_at=now
        )
    return proposal


# --- Requests of data subjects ---------------------------------------------------------------


@transaction.atomic
def register_request(
    *,
    actor: User,
    person: Person,
    kind: str,
    received_on: date,
    channel: str,
    identity_checked: bool,
    today: date | None = None,
) -> DataSubjectRequest:
    """Register a person's request about their own data, due within the region's term (a
    month). An erasure request at once becomes a proposal of everything about the person,
    files still open kept off it, with its dry run; another privacy officer decides."""
    require_capability(actor)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose the kind of request.")
    if channel not in RequestChannel.values:
        errors["channel"] = _("Say how the request came in.")
    if not identity_checked:
        errors["identity_checked"] = _("Check the identity of the requester first (AVG art. 12(6)).")
    if received_on > today:
        errors["received_on"] = _("The day of receipt cannot lie in the future.")
    if person.merged_into_id is not None:
        errors[NON_FIELD_ERRORS] = _("This person was merged into another: register the request there.")
    if errors:
        raise ValidationError(errors)
    months = int(region_settings.value(rules.REQUEST_RESPONSE_MONTHS.key))
    request = DataSubjectRequest.objects.create(
        reference=uuid.uuid4().hex[:20],
        kind=kind,
        person=person,
        subject_id=person.pk,
        received_on=received_on,
        respond_by=add_months(received_on, months),
        channel=channel,
        identity_checked=True,
        registered_by=actor,
    )
    request.reference = f"AVG-{received_on:%Y}-{request.pk:05d}"
    request.save(update_fields=["reference"])
    if kind == RequestKind.ERASURE:
        proposal = DestructionProposal.objects.create(
            kind=ProposalKind.REQUEST, proposed_by=actor, request=request
        )
        units = files.units_of_person(person.pk)
        items = _items(proposal, units)
        still_open = _("The file is still open.")
        for item, unit in zip(items, units, strict=True):
            if unit.unit_type != UnitType.PERSON and unit.open_reason == "open":
                item.keep, item.keep_ground, item.keep_reason = True, KeepGround.STILL_IN_USE, still_open
        ProposalItem.objects.bulk_create(items)
        _store_dry_run(proposal, today)
    return request


@transaction.atomic
def mark_answered(*, actor: User, request: DataSubjectRequest) -> DataSubjectRequest:
    """Record that an access request was answered with the export."""
    require_capability(actor)
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RequestKind.ACCESS:
        raise ValidationError(_("An erasure request is answered by the decision on its proposal."))
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request has been answered already."))
    request.status, request.outcome = RequestStatus.ANSWERED, RequestOutcome.PROVIDED
    request.answered_by, request.answered_at = actor, timezone.now()
    request.save(update_fields=["status", "outcome", "answered_by", "answered_at"])
    return request


# --- The access log's own retention ----------------------------------------------------------


def log_years() -> int:
    """The access log's period, checked: a valid number, and no shorter than the longest
    retention period of the records the log is about (it must outlive them)."""
    key = audit_purge.ACCESS_LOG_YEARS.key
    try:
        years = audit_purge.retention_years()
    except ValidationError as exc:
        raise ValidationError({NON_FIELD_ERRORS: exc.messages}) from None
    longest_key = max(set(rules.PERIOD_SETTING.values()), key=lambda k: (int(region_settings.value(k)), k))
    longest = int(region_settings.value(longest_key))
    if years < longest:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The region setting %(key)s is %(years)s years, shorter than %(other)s (%(longest)s "
                    "years): the access log must outlive the records it is about. Set %(key)s to at "
                    "least %(longest)s."
                )
                % {"key": key, "years": years, "other": longest_key, "longest": longest}
            }
        )
    return years


def _unfinished_purge() -> AccessLogPurge | None:
    return (
        AccessLogPurge.objects.filter(status__in=[PurgeStatus.OPEN, PurgeStatus.APPROVED])
        .order_by("pk")
        .first()
    )


def _store_log_dry_run(purge: AccessLogPurge, years: int, today: date) -> None:
    purge.years = years
    purge.cutoff = access_log.cutoff_for(today, years)
    purge.dry_run = access_log.dry_run(purge.cutoff)
    purge.dry_run_at = timezone.now()


@transaction.atomic
def propose_log_purge(*, actor: User | None, today: date | None = None) -> AccessLogPurge | None:
    """A proposal to purge the access-log entries and emergency-access grants whose retention
    has passed, with its dry run; None when nothing has. One purge at a time: while one awaits
    its decision or execution, nothing new is proposed. `actor` None: the periodic run."""
    if actor is not None:
        require_capability(actor)
    today = today or timezone.localdate()
    years = log_years()
    unfinished = _unfinished_purge()
    if unfinished is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Access log purge %(number)s is not finished yet: decide on it first.")
                % {"number": unfinished.pk}
            }
        )
    purge = AccessLogPurge(proposed_by=actor)
    _store_log_dry_run(purge, years, today)
    if not purge.dry_run["entries"] and not purge.dry_run["grants"]:
        return None
    purge.save()
    return purge


def _locked_open_purge(purge: AccessLogPurge) -> AccessLogPurge:
    locked = AccessLogPurge.objects.select_for_update().get(pk=purge.pk)
    if locked.status != PurgeStatus.OPEN:
        raise ValidationError({NON_FIELD_ERRORS: _("This purge has been decided already.")})
    return locked


@transaction.atomic
def record_log_dry_run(*, actor: User, purge: AccessLogPurge, today: date | None = None) -> AccessLogPurge:
    """Count again what the purge would remove, with today's cutoff and the region's current
    period; nothing in the log changes."""
    require_capability(actor)
    purge = _locked_open_purge(purge)
    _store_log_dry_run(purge, log_years(), today or timezone.localdate())
    purge.save(update_fields=["years", "cutoff", "dry_run", "dry_run_at"])
    return purge


@transaction.atomic
def decide_log_purge(*, actor: User, purge: AccessLogPurge, approve: bool, reason: str) -> AccessLogPurge:
    """Approve or refuse a purge of the access log. Four eyes as for destruction: whoever
    proposed it does not decide. Approving needs a dry run made with the region's current
    period. Approving deletes nothing yet: `execute_log_purge` carries it out."""
    require_capability(actor)
    purge = _locked_open_purge(purge)
    errors: dict[str, list[str]] = {}
    if purge.proposed_by_id is not None and purge.proposed_by_id == actor.pk:
        errors[NON_FIELD_ERRORS] = [_("Four eyes: who proposed the purge does not decide on it.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the decision.")]
    if approve and not errors:
        try:
            years = log_years()
        except ValidationError as exc:
            errors[NON_FIELD_ERRORS] = exc.messages
        else:
            if purge.dry_run_at is None or purge.years != years:
                errors[NON_FIELD_ERRORS] = [
                    _("The retention period changed since the dry run (%(key)s): run the dry run again.")
                    % {"key": audit_purge.ACCESS_LOG_YEARS.key}
                ]
    if errors:
        raise ValidationError(errors)
    purge.status = PurgeStatus.APPROVED if approve else PurgeStatus.REJECTED
    purge.decided_by, purge.decided_at, purge.decision_reason = actor, timezone.now(), reason.strip()
    purge.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return purge


def _locked_approved_purge(pk: int) -> AccessLogPurge:
    locked = AccessLogPurge.objects.select_for_update().get(pk=pk)
    if locked.status == PurgeStatus.PURGED:
        raise ValidationError({NON_FIELD_ERRORS: _("This purge has been carried out already.")})
    if locked.status != PurgeStatus.APPROVED:
        raise ValidationError({NON_FIELD_ERRORS: _("Only an approved purge is carried out.")})
    return locked


def _moment(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp) if stamp else None


def execute_log_purge(
    *, purge: AccessLogPurge, batch_size: int = access_log.BATCH_SIZE, today: date | None = None
) -> AccessLogPurge:
    """Carry out an approved purge: delete the expired entries with the people rows in them,
    `batch_size` entries per transaction, then the expired emergency-access grants, and write
    the tombstone in the last transaction. Never more than the decision covered: the cutoff is
    the dry run's, or earlier when the region has since set a longer period. Interrupted, it
    keeps what it removed (counted with the purge) and a new run goes on from there."""
    if batch_size < 1:
        raise ValidationError({"batch_size": _("The batch size must be at least 1.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked_approved_purge(purge.pk)
        years = log_years()
        cutoff = access_log.cutoff_for(today, years)
        if locked.cutoff <= cutoff:
            cutoff, years = locked.cutoff, locked.years
        if locked.started_at is None:
            locked.started_at = timezone.now()
            locked.save(update_fields=["started_at"])
    after = 0
    while True:
        with transaction.atomic():
            locked = _locked_approved_purge(purge.pk)
            batch = access_log.purge_batch(cutoff, after=after, size=batch_size)
            if batch is None:
                break
            locked.progress = access_log.add_counts(locked.progress, batch.counts)
            locked.save(update_fields=["progress"])
            after = batch.last_pk
    with transaction.atomic():
        locked = _locked_approved_purge(purge.pk)
        grants = access_log.purge_grants(cutoff, size=batch_size)
        done = access_log.add_counts(locked.progress, {"grants": grants})
        now = timezone.now()
        decided_by, decided_at = locked.decided_by_id, locked.decided_at
        if decided_by is None or decided_at is None:
            raise ValidationError({NON_FIELD_ERRORS: _("Only an approved purge is carried out.")})
        AccessLogTombstone(
            purge=locked,
            covers_from=_moment(done.get("oldest")),
            covers_until=_moment(done.get("newest")),
            cutoff=cutoff,
            basis_detail=f"{audit_purge.ACCESS_LOG_YEARS.key} = {years}",
            entries=done["entries"],
            subjects=done["subjects"],
            grants=done["grants"],
            counts={"per_month": done["per_month"], "per_record_type": done["per_record_type"]},
            started_at=locked.started_at or now,
            purged_at=now,
            decided_by_id=decided_by,
            decided_at=decided_at,
            decision_reason=locked.decision_reason,
        ).save()
        locked.progress, locked.status, locked.finished_at = done, PurgeStatus.PURGED, now
        locked.save(update_fields=["progress", "status", "finished_at"])
    return locked
