"""The safety assessment (veiligheidsbeoordeling) of reports, the route chosen after it, and
hand-over proposals to the organisation that takes the family on.

The instrument is data: items with answer options (a score and/or a colour each) and outcome
rules evaluated in order; the first rule that holds gives the outcome and the severity colour.
A region loads its own instrument with `manage.py load_instrument`; a demo instrument ships
with the data migration.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation, Team
from haard.cases.models import Case
from haard.core.models import Municipality, TimeStampedModel
from haard.intake.models import Report
from haard.registry.models import Household


class Outcome(models.TextChoices):
    ACUTE = "acute", _("acute unsafety")
    STRUCTURAL = "structural", _("structural unsafety")
    MULTI_PROBLEM = "multi_problem", _("harmful multi-problem situation")
    NONE_FOUND = "none_found", _("no unsafety found")


# Outcomes that a second expert must confirm (four eyes).
HIGH_RISK_OUTCOMES = frozenset({Outcome.ACUTE, Outcome.STRUCTURAL})


class Colour(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


SEVERITY_LEVEL: dict[str, int] = {Colour.GREEN: 1, Colour.YELLOW: 2, Colour.ORANGE: 3, Colour.RED: 4}


class Instrument(TimeStampedModel):
    """A version of an assessment instrument. Only one instrument is active at a time; an
    assessment keeps the instrument it started with."""

    key = models.SlugField(_("key"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="instrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    section = models.CharField(_("section"), max_length=120, blank=True)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("instrument item")
        verbose_name_plural = _("instrument items")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="item_unique_code")]

    def __str__(self) -> str:
        return self.code


class Option(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("answer"), max_length=200)
    score = models.IntegerField(_("score"), default=0)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="option_unique_code")]

    def __str__(self) -> str:
        return self.label


class Condition(models.TextChoices):
    ANSWER_IS = "answer_is", _("an item has a given answer")
    SCORE_AT_LEAST = "score_at_least", _("the total score is at least")
    COLOUR_AT_LEAST = "colour_at_least", _("the number of answers of a colour is at least")
    ALWAYS = "always", _("always (the last rule)")


class Rule(models.Model):
    """One outcome rule; the rules of an instrument are tried in `order`, the first that holds
    decides. Every instrument ends with an `always` rule, so an answered instrument always has
    an outcome."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="rules")
    order = models.PositiveSmallIntegerField(_("order"))
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    item_code = models.SlugField(_("item"), max_length=40, blank=True)
    option_code = models.SlugField(_("answer"), max_length=40, blank=True)
    colour = models.CharField(_("colour counted"), max_length=8, choices=Colour.choices, blank=True)
    threshold = models.IntegerField(_("threshold"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    severity = models.CharField(_("severity colour"), max_length=8, choices=Colour.choices)
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("outcome rule")
        verbose_name_plural = _("outcome rules")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "order"], name="rule_unique_order")]

    def __str__(self) -> str:
        return self.description


class AssessmentStatus(models.TextChoices):
    OPEN = "open", _("being assessed")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("awaiting a second expert")
    COMPLETE = "complete", _("assessed: choose a route")
    ROUTED = "routed", _("route chosen")


# Assessments still "open" for the family: a new report about the family joins them.
UNROUTED = (AssessmentStatus.OPEN, AssessmentStatus.AWAITING_CONFIRMATION, AssessmentStatus.COMPLETE)
# Assessments the five-working-day clock still runs for.
CLOCK_RUNNING = (AssessmentStatus.OPEN, AssessmentStatus.AWAITING_CONFIRMATION)


class RouteKind(models.TextChoices):
    INVESTIGATION = "investigation", _("own investigation")
    CHILD_PROTECTION = "child_protection", _("request to the Raad voor de Kinderbescherming")
    CONDITIONS = "conditions", _("conditions and follow-up (voorwaarden en vervolg)")
    HANDOVER = "handover", _("hand-over")
    CLOSE = "close", _("close")


class InvestigationReason(models.TextChoices):
    IMMEDIATE_ACTION = "immediate_action", _("immediate action is needed")
    DOUBT = "doubt", _("doubt whether abuse happened")
    DENIAL = "denial", _("denial or refusal of help")
    TOO_LITTLE_INFORMATION = "too_little_information", _("too little information")
    ANONYMITY = "anonymity", _("anonymity promised to the reporter")


class Assessment(TimeStampedModel):
    """The safety assessment of one family's reports. Reports about the same family that arrive
    while it is not yet routed join it (see `services.open_or_join`)."""

    access_capability: ClassVar[str] = "assess_safety"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=24, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN
    )
    received_on = models.DateField(_("first report received on"))
    due_on = models.DateField(_("to be assessed by"), db_index=True)
    notes = models.TextField(_("assessment notes"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Colour.choices, blank=True)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.TextField(_("second expert's note"), blank=True)
    route = models.CharField(_("route"), max_length=20, choices=RouteKind.choices, blank=True)
    route_reason = models.TextField(_("reason for the route"), blank=True)
    investigation_reason = models.CharField(
        _("reason for own investigation"), max_length=24, choices=InvestigationReason.choices, blank=True
    )
    route_deadline = models.DateField(_("route deadline"), null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routed_at = models.DateTimeField(_("route chosen at"), null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("safety assessment")
        verbose_name_plural = _("safety assessments")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING

    @property
    def severity_level(self) -> int:
        """The severity as the 1..4 scale the interface colours (intake.Severity)."""
        return SEVERITY_LEVEL.get(self.severity, 0)

    @property
    def needs_second_expert(self) -> bool:
        """High-risk outcomes and closing without action are confirmed by a second expert."""
        return self.outcome in HIGH_RISK_OUTCOMES or self.route == RouteKind.CLOSE


class AssessedReport(models.Model):
    """A report in an assessment: the first one, or one that joined it later."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assessed_reports")
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="assessment_link")
    joined = models.BooleanField(_("joined an assessment already running"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report in assessment")
        verbose_name_plural = _("reports in assessments")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} in {self.assessment_id}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="answer_unique_item")]

    def __str__(self) -> str:
        return f"{self.item_id}={self.option_id}"


class HandOverTarget(models.TextChoices):
    SOCIAL_TEAM = "social_team", _("local social team")
    EXISTING_HELP = "existing_help", _("existing help")
    MDA = "mda", _("MDA++ team")
    FAMILY = "family", _("the family itself")


class HandOverStatus(models.TextChoices):
    PROPOSED = "proposed", _("waiting for acceptance")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")


class HandOver(TimeStampedModel):
    """A proposal to hand a family over. Until the receiving organisation accepts, Veilig
    Thuis keeps the case; on acceptance the organisation leads it."""

    access_capability: ClassVar[str] = "view_cases"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="handovers")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target = models.CharField(_("hand over to"), max_length=16, choices=HandOverTarget.choices)
    receiving_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_received",
        verbose_name=_("receiving organisation"),
    )
    message = models.TextField(_("message to the receiving organisation"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HandOverStatus.choices, default=HandOverStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id} → {self.receiving_organisation_id or self.target}"
