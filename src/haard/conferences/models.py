"""Case conferences where care and justice meet (Veiligheidshuis, MDA++).

A conference has a chair and participants, each from an organisation and with a stated legal
basis for sharing data. Its agenda holds cases chosen against documented criteria; for each case
the conference records minutes, decisions and action items, which are followed until done.

Who sees what (see also `haard.conferences.relations` and `selectors`):

- A conference, its participant list and its agenda (case references only) are seen by its
  chair and its participants.
- The minutes and decisions of an agenda item are seen only by a participant of the conference
  (the chair included) who is also related to the case on that item: a participant of the case
  or a member of its owning team, as `Case.objects.relation_only(user)` says. Emergency access
  to a case does not open conference minutes.
- An action item is seen by its owner and by the conference's chair, and, with the minutes, by
  every participant who sees the case's minutes.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation
from haard.cases.models import Case
from haard.core.models import TimeStampedModel


class ConferenceKind(models.TextChoices):
    VEILIGHEIDSHUIS = "veiligheidshuis", _("Veiligheidshuis case conference")
    MDA = "mda", _("MDA++ conference")
    OTHER = "other", _("Other conference")


class SharingBasis(models.TextChoices):
    """The legal basis a participant states for sharing data at the table."""

    CONSENT = "consent", _("Consent of the people concerned")
    MELDCODE = "meldcode", _("Wet verplichte meldcode / art. 5.2.6 Wmo 2015 (Veilig Thuis)")
    WJSG = "wjsg", _("Wet justitiële en strafvorderlijke gegevens")
    WPG = "wpg", _("Wet politiegegevens")
    PUBLIC_TASK = "public_task", _("AVG art. 6(1)(e): task in the public interest")
    YOUTH_ACT = "youth_act", _("Jeugdwet art. 7.4.0 (youth care)")
    COVENANT = "covenant", _("Convenant Veiligheidshuis")
    OTHER = "other", _("Other basis (explain)")


# A basis that only holds with an explanation (whose consent, which other basis).
BASES_NEEDING_EXPLANATION = frozenset({SharingBasis.CONSENT, SharingBasis.OTHER})


class Conference(TimeStampedModel):
    access_capability: ClassVar[str] = "view_personal_data"

    kind = models.CharField(_("kind"), max_length=20, choices=ConferenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
        verbose_name=_("chair"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-starts_at", "pk"]
        # The capability to chair case conferences (granted by this app's data migration).
        permissions = [("chair_conferences", "Can chair case conferences")]

    def __str__(self) -> str:
        return self.title


class ConferenceParticipant(models.Model):
    """A professional at the table, from an organisation, sharing data on a stated basis."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conference_participations",
        verbose_name=_("participant"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    basis = models.CharField(_("basis for sharing data"), max_length=20, choices=SharingBasis.choices)
    basis_explanation = models.TextField(_("explanation of the basis"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference participant")
        verbose_name_plural = _("conference participants")
        ordering = ["organisation__name", "user__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="conference_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.conference_id}"


class AgendaCriterion(models.Model):
    """A documented reason a case may come to a conference (a region keeps its own list)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_nl = models.CharField(_("criterion (Dutch)"), max_length=200)
    label_en = models.CharField(_("criterion (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agenda criterion")
        verbose_name_plural = _("agenda criteria")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label_en if _in_english() else self.label_nl

    @property
    def description(self) -> str:
        return self.description_en if _in_english() else self.description_nl


def _in_english() -> bool:
    return (get_language() or "nl").startswith("en")


class AgendaItem(models.Model):
    """A case on a conference's agenda, why it is there, and its minutes."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="conference_agenda_items", verbose_name=_("case")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    criteria = models.ManyToManyField(
        AgendaCriterion, related_name="agenda_items", verbose_name=_("criteria")
    )
    reason = models.TextField(_("why the criteria apply"))
    minutes = models.TextField(_("minutes"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["conference", "case"], name="agenda_item_case_once")]

    def __str__(self) -> str:
        return f"{self.case_id} at {self.conference_id}"


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


class ActionItem(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conference_actions",
        verbose_name=_("owner"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_note = models.TextField(_("note on completion"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["owner", "status", "deadline"], name="action_owner_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", done_on__isnull=True)
                | models.Q(status="done", done_on__isnull=False, done_by__isnull=False),
                name="action_done_has_date_and_person",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]
