"""Reports (meldingen) and advice requests (adviezen) from every source, and the police's own
domestic-violence incidents, which are counted against Veilig Thuis' reports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation, Team
from haard.core import crypto
from haard.core.models import Municipality, TimeStampedModel
from haard.registry.models import Address, Gender, Person


class ViolenceType(models.Model):
    """The violence taxonomy: a reference list, shipped by a data migration, that an
    administrator may extend. Codes are stable; names are shown in the interface language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    involves_children = models.BooleanField(_("a form of child abuse"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("violence type")
        verbose_name_plural = _("violence types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class ReportKind(models.TextChoices):
    REPORT = "report", _("report (melding)")
    ADVICE = "advice", _("advice request (advies)")


class ReportSource(models.TextChoices):
    POLICE = "police", _("police")
    PROFESSIONAL = "professional", _("professional under the meldcode")
    CITIZEN = "citizen", _("citizen")
    PERSON_INVOLVED = "person_involved", _("the person involved")
    PHONE_LINE = "phone_line", _("phone line")
    ANONYMOUS = "anonymous", _("anonymous")
    OTHER_REGION = "other_region", _("another Veilig Thuis region")


class Severity(models.IntegerChoices):
    """Initial severity as a colour, the way the address view shows it."""

    GREEN = 1, _("green – low")
    YELLOW = 2, _("yellow – moderate")
    ORANGE = 3, _("orange – serious")
    RED = 4, _("red – severe or acute")


class RepeatClass(models.TextChoices):
    """As CBS counts reports: see `intake.repeats` for the rule."""

    FIRST = "first", _("first report")
    REPEAT = "repeat", _("repeat report (hermelding)")
    DURING_INVOLVEMENT = "during_involvement", _("report during an ongoing involvement")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_ASSESSMENT = "in_assessment", _("in safety assessment")
    CLOSED = "closed", _("closed")


class Report(TimeStampedModel):
    access_capability: ClassVar[str] = "view_personal_data"

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    source = models.CharField(_("source"), max_length=20, choices=ReportSource.choices)
    reporter_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporting organisation"),
    )
    reporter_name = models.CharField(_("reporter"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's phone or email"), max_length=200, blank=True)
    # Anonymity promised to the reporter: the reporter is then shown to Veilig Thuis staff only.
    reporter_anonymous = models.BooleanField(_("anonymity promised to the reporter"), default=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="reports", verbose_name=_("municipality")
    )
    incident_address = models.ForeignKey(
        Address,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("incident address"),
    )
    violence_types = models.ManyToManyField(ViolenceType, related_name="reports", verbose_name=_("violence"))
    initial_severity = models.PositiveSmallIntegerField(
        _("initial severity"), choices=Severity.choices, default=Severity.YELLOW
    )
    narrative = models.TextField(_("what happened"), blank=True)
    repeat_class = models.CharField(
        _("repeat"), max_length=20, choices=RepeatClass.choices, default=RepeatClass.FIRST, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_reports"
    )
    registering_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, related_name="+")
    police_incident = models.ForeignKey(
        "PoliceIncident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("police incident"),
    )
    people = models.ManyToManyField(Person, through="ReportPerson", related_name="reports")
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["municipality", "received_at"])]

    def __str__(self) -> str:
        return self.reference


class InvolvementRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    SUSPECT = "suspect", _("suspected perpetrator")
    CHILD_IN_HOUSEHOLD = "child_in_household", _("child in the household")
    CHILD_WITNESS = "child_witness", _("child witness")
    HOUSEHOLD_MEMBER = "household_member", _("other household member")
    OTHER = "other", _("other")


class ReportPerson(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="involved")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="report_involvements")
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person in report")
        verbose_name_plural = _("people in reports")
        constraints = [
            models.UniqueConstraint(fields=["report", "person", "role"], name="report_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.report_id}"


class GivenPerson(models.Model):
    """A person as a report names them, waiting to be linked to the register.

    Reports taken through the form or the API are answered at once; linking each new person
    (and with it the repeat class and the pick-up into an assessment) follows as background
    work (`tasks.take_in_report`), which turns every row here into a `ReportPerson` and deletes
    it. The fields were checked when the report was taken, so linking cannot refuse them.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="given_people")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)
    first_names = models.CharField(_("first names"), max_length=200, blank=True)
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    bsn_encrypted = models.TextField(_("BSN (encrypted)"), blank=True, editable=False)

    class Meta:
        verbose_name = _("person in a report, being linked")
        verbose_name_plural = _("people in reports, being linked")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="given_person_position_unique")
        ]

    def __str__(self) -> str:
        return f"given {self.position} in {self.report_id}"

    full_name = Person.full_name

    @property
    def bsn(self) -> str:
        return crypto.decrypt(self.bsn_encrypted) if self.bsn_encrypted else ""


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name on disk: it may hold a name or a BSN.
    return f"attachments/{instance.report_id}/{instance.sha256}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PoliceIncident(TimeStampedModel):
    """A domestic-violence incident as the police registered it (from the police feed). Many
    never become a Veilig Thuis report; reconciliation counts both sides."""

    access_capability: ClassVar[str] = "view_personal_data"

    police_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="police_incidents"
    )
    registration_number = models.CharField(_("police registration number"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="police_incidents")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="police_incidents"
    )
    incident_code = models.CharField(_("incident code"), max_length=20)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.YELLOW
    )
    forwarded_to_veilig_thuis = models.BooleanField(_("forwarded to Veilig Thuis"), default=False)
    reason_not_forwarded = models.CharField(_("reason not forwarded"), max_length=200, blank=True)
    people = models.ManyToManyField(Person, through="PoliceIncidentPerson", related_name="police_incidents")
    history = HistoricalRecords()

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("police incident")
        verbose_name_plural = _("police incidents")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["police_organisation", "registration_number"], name="police_incident_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.registration_number


class PoliceIncidentPerson(models.Model):
    incident = models.ForeignKey(PoliceIncident, on_delete=models.CASCADE, related_name="involved")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="police_involvements")
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)

    class Meta:
        verbose_name = _("person in police incident")
        verbose_name_plural = _("people in police incidents")
        constraints = [
            models.UniqueConstraint(fields=["incident", "person", "role"], name="police_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.incident_id}"


class SavedView(models.Model):
    """A user's named set of report-list filters."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_report_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")]

    def __str__(self) -> str:
        return self.name
