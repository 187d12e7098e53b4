"""Retention and destruction: proposals to destroy records whose retention period ended (or
that a person asked to have erased), the decision on them, the tombstones that remain after
destruction, and the requests of data subjects (AVG art. 15 access, art. 17 erasure).

Nothing here holds personal data beyond pseudonymous numbers: a record is named by its
primary key and its reference number, never by a name. The person a request is about is a
foreign key that becomes empty when the person is destroyed; `subject_id` keeps the number.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.accounts.access import AccessQuerySet
from haard.audit.models import AppendOnlyModel
from haard.registry.models import Person


class UnitType(models.TextChoices):
    """What is destroyed as one: a file with everything that hangs together, or a person."""

    VEILIG_THUIS_FILE = "vt_file", _("Veilig Thuis file")
    RESTRAINING_ORDER = "restraining_order", _("restraining order")
    SHELTER_STAY = "shelter_stay", _("shelter stay")
    POLICE_INCIDENT = "police_incident", _("police incident")
    MELDCODE_RECORD = "meldcode_record", _("meldcode record")
    POLICE_IMPORT = "police_import", _("police import file")
    PERSON = "person", _("person")


class KeepGround(models.TextChoices):
    """Why a record is kept although its destruction was proposed or asked for."""

    STILL_IN_USE = "still_in_use", _("the file is still open or in use")
    CHILD_PROTECTION = "child_protection", _("needed for a child protection measure or to end child abuse")
    OTHER_PERSON = "other_person", _("of substantial importance to someone other than the requester")
    LEGAL_OBLIGATION = "legal_obligation", _("a legal obligation to keep it (AVG art. 17(3)(b))")
    LEGAL_CLAIMS = "legal_claims", _("needed for legal claims or proceedings (AVG art. 17(3)(e))")
    OTHER = "other", _("another reason (explained)")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("access (AVG art. 15)")
    ERASURE = "erasure", _("erasure (AVG art. 17)")


class RequestChannel(models.TextChoices):
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    IN_PERSON = "in_person", _("in person")
    REPRESENTATIVE = "representative", _("through a representative or guardian")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")


class RequestOutcome(models.TextChoices):
    NONE = "", "–"
    PROVIDED = "provided", _("data provided")
    GRANTED = "granted", _("erased")
    PARTLY = "partly", _("partly erased, partly kept")
    REFUSED = "refused", _("refused: kept")


class DataSubjectRequest(models.Model):
    """A request of a person about their own data. The identity of the requester is checked
    before it is registered; the answer is due within a month (AVG art. 12(3))."""

    access_capability: ClassVar[str] = "manage_retention"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # The person's number, kept when the person is destroyed (a pseudonym, not a name).
    subject_id = models.BigIntegerField(_("person number"), db_index=True)
    received_on = models.DateField(_("received on"))
    respond_by = models.DateField(_("to be answered by"))
    channel = models.CharField(_("received by"), max_length=16, choices=RequestChannel.choices)
    identity_checked = models.BooleanField(_("identity of the requester checked"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=RequestOutcome.choices, blank=True, default=""
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("request of a data subject")
        verbose_name_plural = _("requests of data subjects")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "respond_by"], name="retention_request_due")]

    def __str__(self) -> str:
        return self.reference


class ProposalKind(models.TextChoices):
    RETENTION = "retention", _("retention period ended")
    REQUEST = "request", _("erasure asked for (AVG art. 17)")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("awaiting a decision")
    DESTROYED = "destroyed", _("approved and destroyed")
    REJECTED = "rejected", _("rejected: nothing destroyed")


class DestructionProposal(models.Model):
    """A list of records to destroy, with its dry run and the decision on it. The one who
    proposes (a person, or the periodic run when empty) is never the one who decides."""

    access_capability: ClassVar[str] = "manage_retention"

    kind = models.CharField(_("kind"), max_length=10, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    request = models.OneToOneField(
        DataSubjectRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("request"),
    )
    # The dry run: what destruction would remove, counted per record type, changing nothing.
    dry_run_at = models.DateTimeField(_("dry run at"), null=True, blank=True)
    dry_run = models.JSONField(_("dry run"), default=dict, blank=True)
    # A change to the list (an item kept or released) makes the dry run stale.
    items_changed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    refusal_ground = models.CharField(
        _("ground for refusing"), max_length=20, choices=KeepGround.choices, blank=True
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction proposal")
        verbose_name_plural = _("destruction proposals")
        ordering = ["-created_at", "-pk"]
        # The capability to decide on destruction and to answer requests of data subjects
        # (granted to the privacy officer by this app's data migration).
        permissions = [("manage_retention", "Can decide on destruction and answer requests of data subjects")]

    def __str__(self) -> str:
        return f"proposal {self.pk}"

    @property
    def dry_run_is_current(self) -> bool:
        return self.dry_run_at is not None and self.dry_run_at >= self.items_changed_at


class ItemOutcome(models.TextChoices):
    PENDING = "pending", _("awaiting the decision")
    DESTROYED = "destroyed", _("destroyed")
    KEPT = "kept", _("kept")
    SKIPPED = "skipped", _("not destroyed: changed since the proposal")


class ProposalItem(models.Model):
    """One unit on a proposal: a file (every record that hangs together) or a person.

    `members` lists the records of the unit when it was proposed ("case:12", "report:40"); a
    unit that has changed since is not destroyed but proposed again at a later run."""

    proposal = models.ForeignKey(DestructionProposal, on_delete=models.PROTECT, related_name="items")
    unit_type = models.CharField(_("kind of record"), max_length=20, choices=UnitType.choices)
    root_id = models.BigIntegerField(_("record number"))
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    members = models.JSONField(_("records"), default=list)
    person_ids = models.JSONField(_("person numbers"), default=list)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    due_on = models.DateField(_("retention ended on"), null=True, blank=True)
    keep = models.BooleanField(_("keep"), default=False)
    keep_ground = models.CharField(
        _("ground for keeping"), max_length=20, choices=KeepGround.choices, blank=True
    )
    keep_reason = models.TextField(_("reason for keeping"), blank=True)
    keep_until = models.DateField(_("keep until"), null=True, blank=True)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    outcome_note = models.CharField(_("note on the outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proposed record")
        verbose_name_plural = _("proposed records")
        ordering = ["unit_type", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "unit_type", "root_id"], name="retention_item_once"),
            models.CheckConstraint(
                condition=models.Q(keep=False) | ~models.Q(keep_ground=""), name="retention_keep_has_ground"
            ),
        ]
        indexes = [models.Index(fields=["unit_type", "keep_until"], name="retention_item_kept")]

    def __str__(self) -> str:
        return f"{self.unit_type} {self.root_id}"

    @property
    def people_count(self) -> int:
        return len(self.person_ids)


class TombstoneBasis(models.TextChoices):
    RETENTION = "retention", _("retention period ended")
    REQUEST = "request", _("erasure asked for (AVG art. 17)")
    NOTHING_LEFT = "nothing_left", _("nothing left that must be kept")


class Tombstone(models.Model):
    """What remains of a destroyed record: what it was, when it was destroyed and on whose
    decision. No personal data: a record type, its number and reference, and counts."""

    proposal = models.ForeignKey(DestructionProposal, on_delete=models.PROTECT, related_name="tombstones")
    item = models.OneToOneField(
        ProposalItem, on_delete=models.PROTECT, null=True, blank=True, related_name="tombstone"
    )
    record_type = models.CharField(_("kind of record"), max_length=40)
    record_id = models.CharField(_("record number"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    counts = models.JSONField(_("rows removed per record type"), default=dict)
    basis = models.CharField(_("basis"), max_length=16, choices=TombstoneBasis.choices)
    basis_detail = models.CharField(_("rule or request"), max_length=200, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        ordering = ["-destroyed_at", "-pk"]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="retention_tombstone_record"),
            models.Index(fields=["reference"], name="retention_tombstone_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"

    @property
    def total_rows(self) -> int:
        return sum(int(n) for n in self.counts.get("removed", {}).values())


# --- The access log's own retention ----------------------------------------------------------


class PurgeStatus(models.TextChoices):
    OPEN = "open", _("awaiting a decision")
    APPROVED = "approved", _("approved: being carried out")
    PURGED = "purged", _("approved and purged")
    REJECTED = "rejected", _("rejected: nothing purged")


class AccessLogPurge(models.Model):
    """A proposal to delete the access-log entries and emergency-access grants whose
    retention period has passed, with its dry run and the decision on it. As with the
    destruction of records, whoever proposes does not decide, and the periodic run (no
    proposer) never decides. After the decision the purge is carried out in batches; its
    tombstone (`AccessLogTombstone`) remains. Holds counts only, never a person."""

    access_capability: ClassVar[str] = "manage_retention"

    status = models.CharField(
        _("status"), max_length=10, choices=PurgeStatus.choices, default=PurgeStatus.OPEN
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    # The region's period when the dry run was made, and the moment it gives: entries written
    # before it have passed their retention.
    years = models.PositiveSmallIntegerField(_("retention period (years)"))
    cutoff = models.DateTimeField(_("written before"))
    dry_run_at = models.DateTimeField(_("dry run at"), null=True, blank=True)
    dry_run = models.JSONField(_("dry run"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("purged at"), null=True, blank=True)
    # What the batches removed so far (the same shape as the dry run).
    progress = models.JSONField(_("removed so far"), default=dict, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log purge")
        verbose_name_plural = _("access log purges")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"access log purge {self.pk}"


class AccessLogTombstone(AppendOnlyModel):
    """What remains of a purge of the access log: the period the removed entries were written
    in, how many entries, people in them and emergency-access grants went, per month and
    record type, when, and on whose decision. Append-only like the log itself (on PostgreSQL
    by trigger too): it is never changed and never purged."""

    purge = models.OneToOneField(AccessLogPurge, on_delete=models.PROTECT, related_name="tombstone")
    covers_from = models.DateTimeField(_("oldest entry removed"), null=True, blank=True)
    covers_until = models.DateTimeField(_("newest entry removed"), null=True, blank=True)
    cutoff = models.DateTimeField(_("written before"))
    basis_detail = models.CharField(_("rule"), max_length=200)
    entries = models.PositiveBigIntegerField(_("entries removed"))
    subjects = models.PositiveBigIntegerField(_("people in entries removed"))
    grants = models.PositiveIntegerField(_("emergency-access grants removed"))
    counts = models.JSONField(_("entries removed per month and record type"), default=dict)
    started_at = models.DateTimeField(_("started at"))
    purged_at = models.DateTimeField(_("purged at"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))
    decision_reason = models.TextField(_("reason for the decision"))

    class Meta:
        verbose_name = _("access log tombstone")
        verbose_name_plural = _("access log tombstones")
        ordering = ["-purged_at", "-pk"]
        default_permissions = ("view",)
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"access log purge {self.purge_id}"


class PendingFileRemoval(models.Model):
    """A stored file of a destroyed record, queued in the transaction that destroys the record
    and removed after its commit. A row that stays (the process stopped after the commit, the
    storage refused) is tried again by `manage.py propose_destruction`, so a file never
    outlives its record for longer than one scheduled run. The name is the storage's (a
    checksum), never the uploaded one: nothing here is personal data."""

    field = models.CharField(_("file field"), max_length=100)  # "intake.Attachment.file"
    name = models.CharField(_("stored name"), max_length=300)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("file to remove")
        verbose_name_plural = _("files to remove")
        ordering = ["queued_at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.field} {self.name}"
