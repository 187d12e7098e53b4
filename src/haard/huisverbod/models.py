"""The temporary restraining order (tijdelijk huisverbod): the order and the people in its
contact ban, the risk assessment (RiHG structure), the deadlines with the rule that made each,
help from day one, breaches, appeals, mandates and the written decisions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation
from haard.cases.models import Case
from haard.core.models import Municipality, TimeStampedModel
from haard.registry.models import Address, Household, Person


class Mandate(TimeStampedModel):
    """A mayor's mandate decision: this police officer (hulpofficier van justitie) may impose
    orders in these municipalities. Extending and withdrawing are never mandated."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="huisverbod_mandates",
        verbose_name=_("holder"),
    )
    municipalities = models.ManyToManyField(Municipality, related_name="+", verbose_name=_("municipalities"))
    decision_reference = models.CharField(_("mandate decision"), max_length=120)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.decision_reference} ({self.holder})"


class OrderStatus(models.TextChoices):
    IMPOSED = "imposed", _("imposed")
    EXTENDED = "extended", _("extended")
    ENDED = "ended", _("ended")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ANNULLED = "annulled", _("annulled by the court")


class ImposedAs(models.TextChoices):
    MAYOR = "mayor", _("the mayor")
    MANDATE = "mandate", _("a police officer under mandate")


class OrderForm(models.TextChoices):
    WRITTEN = "written", _("written")
    ORAL = "oral", _("oral (written decision follows)")


class RestrainingOrder(TimeStampedModel):
    access_capability: ClassVar[str] = "view_personal_data"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="restraining_orders",
        verbose_name=_("municipality"),
    )
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="restraining_orders", verbose_name=_("address")
    )
    barred_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="restraining_orders", verbose_name=_("barred person")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restraining_orders",
        verbose_name=_("case"),
    )
    imposed_as = models.CharField(_("imposed by"), max_length=10, choices=ImposedAs.choices)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imposed by")
    )
    mandate = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("mandate"),
    )
    registered_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    imposed_at = models.DateTimeField(_("imposed at"))
    form = models.CharField(_("form"), max_length=10, choices=OrderForm.choices, default=OrderForm.WRITTEN)
    written_decision_at = models.DateTimeField(_("written decision at"), null=True, blank=True)
    facts = models.TextField(_("facts"))
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.IMPOSED
    )
    ends_at = models.DateTimeField(_("ends at"))
    vt_consulted_at = models.DateTimeField(_("Veilig Thuis consulted at"), null=True, blank=True)
    vt_consultation = models.TextField(_("Veilig Thuis consultation"), blank=True)
    whereabouts_address = models.CharField(_("whereabouts address"), max_length=300, blank=True)
    whereabouts_given_at = models.DateTimeField(_("whereabouts given at"), null=True, blank=True)
    hearing_at = models.DateTimeField(_("parties heard at"), null=True, blank=True)
    extension_decided_at = models.DateTimeField(_("extension decided at"), null=True, blank=True)
    extension_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reasons = models.TextField(_("reasons for the extension"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reasons = models.TextField(_("reasons for the withdrawal"), blank=True)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("restraining order")
        verbose_name_plural = _("restraining orders")
        ordering = ["-imposed_at", "-id"]
        indexes = [models.Index(fields=["municipality", "imposed_at"], name="hv_order_municipality")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_running(self) -> bool:
        return self.status in (OrderStatus.IMPOSED, OrderStatus.EXTENDED) and timezone.now() < self.ends_at

    def current_status(self) -> str:
        """The status today: an imposed or extended order whose end has passed has ended."""
        if self.status in (OrderStatus.IMPOSED, OrderStatus.EXTENDED) and timezone.now() >= self.ends_at:
            return OrderStatus.ENDED
        return self.status

    def current_status_label(self) -> str:
        return str(OrderStatus(self.current_status()).label)


class BanRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    CHILD = "child", _("child")
    OTHER = "other", _("other person")


class ContactBanPerson(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="banned_contacts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=10, choices=BanRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person in the contact ban")
        verbose_name_plural = _("people in the contact ban")
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "person"], name="hv_ban_unique_person")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.order_id}"


# Risk assessment: an instrument with the RiHG's structure, loaded as data.


class Colour(models.TextChoices):
    """The three colours a sign is scored in; RED is the most serious."""

    GREEN = "green", _("green (not present)")
    ORANGE = "orange", _("orange (present)")
    RED = "red", _("red (present, serious)")


class RiskInstrument(models.Model):
    key = models.SlugField(_("key"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk instrument")
        verbose_name_plural = _("risk instruments")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="hv_instrument_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RiskPart(models.Model):
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.CASCADE, related_name="parts")
    key = models.SlugField(_("key"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="hv_part_unique")]

    def __str__(self) -> str:
        return self.title


class RiskSign(models.Model):
    part = models.ForeignKey(RiskPart, on_delete=models.CASCADE, related_name="signs")
    key = models.SlugField(_("key"), max_length=30)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["part", "key"], name="hv_sign_unique")]

    def __str__(self) -> str:
        return self.key


class RiskAssessment(models.Model):
    order = models.OneToOneField(RestrainingOrder, on_delete=models.CASCADE, related_name="risk_assessment")
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    order_in_principle = models.BooleanField(_("order in principle"))
    outcome_parts = models.JSONField(_("parts with two or more of the most serious colour"), default=list)
    decision = models.TextField(_("decision and its reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"risk assessment of {self.order_id}"


class RiskScore(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="scores")
    sign = models.ForeignKey(RiskSign, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "sign"], name="hv_score_unique")]

    def __str__(self) -> str:
        return f"{self.sign_id}: {self.colour}"


# Deadlines: each stored with the rule that made it.


class DeadlineKind(models.TextChoices):
    WHEREABOUTS = "whereabouts", _("Whereabouts address of the barred person")
    WRITTEN_DECISION = "written_decision", _("Written decision of the oral order")
    HEARING = "hearing", _("Hearing of the parties on extension")
    EXTENSION_DECISION = "extension_decision", _("Decision on extension")
    ORDER_END = "order_end", _("End of the order")
    LATEST_END = "latest_end", _("Latest end of an extended order")
    INTERIM_HEARING = "interim_hearing", _("Court hearing of the interim-relief request")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WEEKS = "weeks", _("weeks")
    WORKING_DAYS = "working_days", _("working days")


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    CANCELLED = "cancelled", _("cancelled")


class Deadline(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("deadline"), max_length=24, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("due"))
    # The rule: `offset` `unit` from `event` (at `event_at`), the number from `setting`.
    event = models.CharField(_("from event"), max_length=60)
    event_at = models.DateTimeField(_("event at"))
    offset = models.IntegerField(_("offset"))
    unit = models.CharField(_("unit"), max_length=16, choices=DeadlineUnit.choices)
    setting = models.CharField(_("setting"), max_length=80)
    source = models.CharField(_("legal source"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="hv_deadline_open_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"

    def rule_text(self) -> str:
        from haard.huisverbod.deadlines import describe_rule

        return describe_rule(self)


# Help from day one.


class HelpRecipient(models.TextChoices):
    BARRED = "barred", _("barred person")
    VICTIM = "victim", _("victim")
    CHILD = "child", _("child")
    OTHER = "other", _("other person")


class HelpStatus(models.TextChoices):
    OPEN = "open", _("open")
    STARTED = "started", _("help started")
    DECLINED = "declined", _("help declined")
    DONE = "done", _("done")


class HelpTask(TimeStampedModel):
    access_capability: ClassVar[str] = "view_personal_data"

    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="help_tasks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    recipient = models.CharField(_("for"), max_length=10, choices=HelpRecipient.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="huisverbod_help_tasks",
        verbose_name=_("organisation"),
    )
    due_on = models.DateField(_("first contact due"))
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("help task")
        verbose_name_plural = _("help tasks")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "person"], name="hv_help_one_per_person")]

    def __str__(self) -> str:
        return f"help for {self.person_id} ({self.order_id})"


class Breach(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="breaches")
    occurred_at = models.DateTimeField(_("occurred at"))
    police_report_reference = models.CharField(_("police report reference"), max_length=60)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.police_report_reference


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    DISMISSED = "dismissed", _("dismissed: the order stands")
    ANNULLED = "annulled", _("annulled: the order is void")
    EXTENSION_ANNULLED = "extension_annulled", _("extension annulled: the order ends at its first end")


class Appeal(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField(_("appeal filed on"))
    interim_relief_requested_at = models.DateTimeField(
        _("interim relief requested at"), null=True, blank=True
    )
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    outcome = models.CharField(
        _("court outcome"), max_length=20, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"appeal {self.pk} on {self.order_id}"


# Decisions: templates the region can change, documents kept and versioned, printing logged.


class DecisionKind(models.TextChoices):
    IMPOSE = "impose", _("Decision to impose")
    EXTEND = "extend", _("Decision to extend")
    WITHDRAW = "withdraw", _("Decision to withdraw")


class DecisionTemplate(models.Model):
    """The region's wording of a decision. Saving a change keeps the old text: a new row with
    the next version is written and the old one deactivated (see admin)."""

    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django template text. Available: order, municipality, barred_person, address, banned, "
            "starts_at, ends_at, facts."
        ),
    )
    appeal_clause = models.TextField(_("appeal clause"))
    active = models.BooleanField(_("active"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("decision template")
        verbose_name_plural = _("decision templates")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="hv_template_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(active=True), name="hv_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class DecisionDocument(models.Model):
    order = models.ForeignKey(RestrainingOrder, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    version = models.PositiveIntegerField(_("version"))
    template = models.ForeignKey(
        DecisionTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.BinaryField(_("PDF"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "version"], name="hv_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} v{self.version}"

    @property
    def filename(self) -> str:
        return f"{self.order.reference}-{self.kind}-v{self.version}.pdf"


class DocumentPrint(models.Model):
    document = models.ForeignKey(DecisionDocument, on_delete=models.CASCADE, related_name="prints")
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("printing of a decision")
        verbose_name_plural = _("printings of decisions")
        ordering = ["-printed_at"]

    def __str__(self) -> str:
        return f"{self.document_id} by {self.printed_by_id}"
