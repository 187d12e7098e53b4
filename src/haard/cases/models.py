"""A case: one family, one plan. The foundation holds who is in the case and who works on
it, which is what need-to-know access follows from."""

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
from haard.registry.models import Household, Person


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    MONITORING = "monitoring", _("follow-up monitoring")
    CLOSED = "closed", _("closed")


class Case(TimeStampedModel):
    access_capability: ClassVar[str] = "view_cases"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("household")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("municipality")
    )
    owning_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("owning team")
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead organisation"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    case_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_cases",
        verbose_name=_("case director"),
    )
    people = models.ManyToManyField(Person, through="CaseMember", related_name="cases")
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "reference"]

    def __str__(self) -> str:
        return self.reference


class CaseMemberRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    SUSPECT = "suspect", _("suspected perpetrator")
    CHILD = "child", _("child")
    NETWORK = "network", _("social network")
    OTHER = "other", _("other")


class CaseMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_memberships")
    role = models.CharField(_("role"), max_length=16, choices=CaseMemberRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person in case")
        verbose_name_plural = _("people in case")
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.case_id}"


class CaseParticipant(models.Model):
    """A professional working on the case. Access follows from this row and ends with it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_participations"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(left_on__isnull=True),
                name="case_participant_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class CaseStatusChange(models.Model):
    """One step in a case's status history: who moved it, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class LifeDomain(models.TextChoices):
    SAFETY = "safety", _("safety")
    HOUSING = "housing", _("housing")
    FINANCES = "finances", _("finances")
    WORK_SCHOOL = "work_school", _("work and school")
    MENTAL_HEALTH = "mental_health", _("mental health")
    ADDICTION = "addiction", _("addiction")
    PARENTING = "parenting", _("parenting")
    SOCIAL_NETWORK = "social_network", _("social network")
    JUSTICE = "justice", _("justice")


class Visibility(models.TextChoices):
    PARTICIPANTS = "participants", _("all participants")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis only")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Goal(models.Model):
    """A goal in one life domain of the family's plan: who does what by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    description = models.TextField(_("what"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_goals",
        verbose_name=_("who"),
    )
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    due_on = models.DateField(_("by"))
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    visibility = models.CharField(
        _("shared with"), max_length=16, choices=Visibility.choices, default=Visibility.PARTICIPANTS
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["domain", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("due_on")), name="goal_dates_in_order"
            )
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]


class CaseNote(models.Model):
    """A note in the case file. Veilig Thuis investigation notes are for Veilig Thuis only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    text = models.TextField(_("note"))
    visibility = models.CharField(
        _("shared with"), max_length=16, choices=Visibility.choices, default=Visibility.PARTICIPANTS
    )

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class SafetyPlan(models.Model):
    """The safety plan of a case. Every save makes a new version; all versions are kept."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_plan")
    current_version = models.ForeignKey(
        "SafetyPlanVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self) -> str:
        return f"safety plan of {self.case_id}"


class SafetyPlanVersion(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("safety plan version")
        verbose_name_plural = _("safety plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="safety_plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class MeasureTerm(models.TextChoices):
    TODAY = "today", _("today")
    THIS_WEEK = "this_week", _("this week")
    LONG_TERM = "long_term", _("long-term agreement")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("not done")


class SafetyMeasure(models.Model):
    """A measure or agreement as it stood in one version of the plan. `key` follows the same
    measure from version to version (for the changes between versions)."""

    version = models.ForeignKey(SafetyPlanVersion, on_delete=models.CASCADE, related_name="measures")
    key = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField(default=0)
    term = models.CharField(_("term"), max_length=10, choices=MeasureTerm.choices)
    description = models.TextField(_("measure"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="safety_measures",
        verbose_name=_("owner"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )

    class Meta:
        verbose_name = _("safety measure")
        verbose_name_plural = _("safety measures")
        ordering = ["version", "position", "pk"]
        indexes = [models.Index(fields=["owner", "status", "deadline"])]

    def __str__(self) -> str:
        return self.description[:60]


class PlanAgreement(models.Model):
    """Who agreed to a version of the safety plan, and when: a family member or a participant."""

    version = models.ForeignKey(SafetyPlanVersion, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_on = models.DateField(_("agreed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement to the plan")
        verbose_name_plural = _("agreements to the plan")
        ordering = ["agreed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=True) & models.Q(user__isnull=False))
                | (models.Q(person__isnull=False) & models.Q(user__isnull=True)),
                name="plan_agreement_one_party",
            )
        ]

    def __str__(self) -> str:
        return f"agreement to {self.version_id}"


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("due")
    DONE = "done", _("recorded")
    CANCELLED = "cancelled", _("cancelled (case reopened)")


class FollowUpCheck(models.Model):
    """A check, months after the case closed, whether the family is safe."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months_after_closure = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    family_safe = models.BooleanField(_("the family is safe"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up check")
        verbose_name_plural = _("follow-up checks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up of {self.case_id} on {self.due_on}"


class CaseReport(models.Model):
    """A report linked to a case (e.g. a new report during follow-up)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="linked_reports")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="case_links")
    linked_at = models.DateTimeField(default=timezone.now)
    during_follow_up = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("linked report")
        verbose_name_plural = _("linked reports")
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} -> {self.case_id}"


class Recurrence(models.Model):
    """Violence came back: a new report about a family after its case closed. Counted per
    family for the figures (repeat within 12 months after closure)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="recurrences")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recurrences")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="+")
    closed_on = models.DateField(_("case closed on"))
    reported_on = models.DateField(_("new report on"))
    within_12_months = models.BooleanField(_("within 12 months after closure"))

    class Meta:
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="recurrence_unique")]

    def __str__(self) -> str:
        return f"recurrence in {self.household_id}"
