"""The partner network (organisations' meldcode profiles and prevention activities) and the
professionals' meldcode records: the five steps, the decision by the afwegingskader, and
Veilig Thuis' feedback on a report the record led to."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation, Team
from haard.core.models import Municipality, TimeStampedModel
from haard.intake.models import InvolvementRole, Report
from haard.registry.models import Gender


class Sector(models.TextChoices):
    """The sectors the Wet verplichte meldcode covers, as the region counts them."""

    EDUCATION = "education", _("education")
    CHILDCARE = "childcare", _("childcare")
    HEALTHCARE = "healthcare", _("health care")
    YOUTH_CARE = "youth_care", _("youth care")
    SOCIAL_SUPPORT = "social_support", _("social support (Wmo)")
    JUSTICE = "justice", _("justice")
    OTHER = "other", _("other")


class PartnerProfile(TimeStampedModel):
    """What the region knows of an organisation as a partner under the meldcode."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partner_profile",
        verbose_name=_("organisation"),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    veilig_thuis_contact = models.CharField(
        _("contact point for Veilig Thuis"),
        max_length=200,
        blank=True,
        help_text=_("A function or desk with a phone number or email address, not a private person's."),
    )
    has_meldcode = models.BooleanField(_("has a meldcode"), default=False)
    meldcode_since = models.DateField(_("meldcode since"), null=True, blank=True)
    meldcode_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meldcode_contact_for",
        verbose_name=_("meldcode contact person"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("training in early signalling")
    AWARENESS = "awareness", _("awareness activity")


class PreventionActivity(TimeStampedModel):
    """A training or awareness activity an organisation gave: prevention and early signalling."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="prevention_activities",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    reach = models.PositiveIntegerField(_("people reached"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RecordStatus(models.TextChoices):
    OPEN = "open", _("steps in progress")
    HELP_UNDERWAY = "help_underway", _("help organised, result awaited")
    CLOSED_NO_SUSPICION = "closed_no_suspicion", _("closed: no suspicion")
    CLOSED_HELP = "closed_help", _("closed: help brought the needed result")
    REPORTED = "reported", _("reported to Veilig Thuis")


OPEN_STATUSES = (RecordStatus.OPEN, RecordStatus.HELP_UNDERWAY)


class Risk(models.IntegerChoices):
    """The professional's weighing of nature and severity (step 4), on the intake scale."""

    LOW = 1, _("low")
    MODERATE = 2, _("moderate")
    SERIOUS = 3, _("serious")
    ACUTE = 4, _("severe or acute")


class MeldcodeRecord(TimeStampedModel):
    """One concern a professional works through the five steps of the meldcode.

    The people are typed into the record and stay with the organisation: only a report
    links them to the Veilig Thuis register (through intake)."""

    access_capability: ClassVar[str] = "view_personal_data"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meldcode_records",
        verbose_name=_("professional"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="meldcode_records",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    concern = models.CharField(_("concern in a few words"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_letter = models.CharField(_("house letter"), max_length=1, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=4, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=120, blank=True)

    # Step 1: map the signs.
    signs = models.TextField(_("signs"), blank=True)
    signs_at = models.DateTimeField(null=True, blank=True)
    # Step 2: consult a colleague and/or Veilig Thuis.
    consulted_colleague = models.BooleanField(_("consulted a colleague"), default=False)
    consulted_veilig_thuis = models.BooleanField(_("consulted Veilig Thuis"), default=False)
    consultation_notes = models.TextField(_("what the consultation brought"), blank=True)
    consulted_at = models.DateTimeField(null=True, blank=True)
    # Step 3: talk with the client, or say why not.
    conversation_held = models.BooleanField(_("conversation held"), null=True)
    conversation_notes = models.TextField(_("the conversation"), blank=True)
    no_conversation_reason = models.TextField(_("why no conversation"), blank=True)
    conversation_at = models.DateTimeField(null=True, blank=True)
    # Step 4: weigh nature and severity.
    risk = models.PositiveSmallIntegerField(_("risk"), choices=Risk.choices, null=True, blank=True)
    weighing_notes = models.TextField(_("weighing"), blank=True)
    weighed_at = models.DateTimeField(null=True, blank=True)
    # Step 5: the decision, question by question (DecisionAnswer), ends the record.
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.OPEN, db_index=True
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    report = models.OneToOneField(
        Report,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meldcode_record",
        verbose_name=_("report to Veilig Thuis"),
    )
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("meldcode record")
        verbose_name_plural = _("meldcode records")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def current_step(self) -> int | None:
        """The step to record next (1–5), or None when the record is concluded."""
        if self.status not in OPEN_STATUSES:
            return None
        for step, done in enumerate(
            (self.signs_at, self.consulted_at, self.conversation_at, self.weighed_at), start=1
        ):
            if done is None:
                return step
        return 5

    @property
    def has_address(self) -> bool:
        return bool(self.postcode and self.house_number)

    @property
    def address_text(self) -> str:
        if not self.has_address:
            return ""
        number = f"{self.house_number}{self.house_letter}"
        if self.house_number_addition:
            number += f"-{self.house_number_addition}"
        street = f"{self.street} " if self.street else ""
        return f"{street}{number}, {self.postcode} {self.town}".strip().rstrip(",")


class RecordPerson(models.Model):
    record = models.ForeignKey(MeldcodeRecord, on_delete=models.CASCADE, related_name="people")
    first_names = models.CharField(_("first names"), max_length=200)
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)

    class Meta:
        verbose_name = _("person in meldcode record")
        verbose_name_plural = _("people in meldcode records")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_names, self.surname_prefix, self.surname) if p)


class DecisionAnswer(models.Model):
    """The professional's answer to one question of the afwegingskader (step 5)."""

    record = models.ForeignKey(MeldcodeRecord, on_delete=models.CASCADE, related_name="answers")
    question = models.PositiveSmallIntegerField(_("question"))
    answer = models.BooleanField(_("answer"))
    note = models.TextField(_("explanation"), blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("answer of the afwegingskader")
        verbose_name_plural = _("answers of the afwegingskader")
        ordering = ["question"]
        constraints = [
            models.UniqueConstraint(fields=["record", "question"], name="meldcode_answer_once"),
            models.CheckConstraint(
                condition=models.Q(question__gte=1, question__lte=5), name="meldcode_answer_question_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} Q{self.question}"


class FeedbackStage(models.TextChoices):
    RECEIVED = "received", _("report received")
    OUTCOME = "outcome", _("outcome of the safety assessment")


class AssessmentOutcome(models.TextChoices):
    """The route after Veilig Thuis' safety assessment, in general terms for the reporter."""

    INVESTIGATION = "investigation", _("Veilig Thuis investigates")
    CHILD_PROTECTION = "child_protection", _("request to the Raad voor de Kinderbescherming")
    CONDITIONS = "conditions", _("conditions agreed with the family, then monitoring")
    HAND_OVER = "hand_over", _("handed over to local help")
    CLOSED = "closed", _("closed without further action by Veilig Thuis")


class Feedback(models.Model):
    """Veilig Thuis' word to the reporting professional: the report arrived, and later how the
    safety assessment ended, in general terms (never case content)."""

    record = models.ForeignKey(MeldcodeRecord, on_delete=models.CASCADE, related_name="feedback")
    stage = models.CharField(_("stage"), max_length=10, choices=FeedbackStage.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=AssessmentOutcome.choices, blank=True)
    note = models.TextField(_("message to the professional"), blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback to the reporter")
        verbose_name_plural = _("feedback to reporters")
        ordering = ["given_at", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "stage"], name="meldcode_feedback_once")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.stage}"
