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
