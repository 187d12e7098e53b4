"""Import batches of the police feed, their row errors, which incident each batch brought in,
and the saved column mapping of each police organisation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation, OrganisationType
from haard.core.models import TimeStampedModel
from haard.intake.imports.codes import INCIDENT_CODES, ROLE_CODES
from haard.intake.imports.columns import COLUMN_KEYS
from haard.intake.models import PoliceIncident


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("all or nothing: import only when every row is right")
    VALID_ROWS = "valid_rows", _("import the valid rows and report the others")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("not imported")


class BatchPhase(models.TextChoices):
    NONE = "", "–"
    CHECKING = "checking", _("checking the rows")
    WRITING = "writing", _("writing the incidents")


class ColumnMapping(TimeStampedModel):
    """How one police organisation's export maps onto the documented columns and codes."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="police_import_mapping",
        limit_choices_to={"type": OrganisationType.POLICE},
        verbose_name=_("police organisation"),
    )
    columns = models.JSONField(
        _("columns"),
        default=dict,
        blank=True,
        help_text=_('Our column name → the header in their file, e.g. {"surname": "Achternaam verdachte"}.'),
    )
    codes = models.JSONField(
        _("codes"),
        default=dict,
        blank=True,
        help_text=_(
            'Their codes → ours, per list, e.g. {"role": {"S": "SL"}, "incident": {"E38": "HG-FYS"}}.'
        ),
    )
    header_row = models.PositiveSmallIntegerField(_("header row"), default=1)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True, help_text=_("Empty: the first sheet."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("column mapping of a police export")
        verbose_name_plural = _("column mappings of police exports")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not isinstance(self.columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.columns.items()
        ):
            errors["columns"] = _("Give pairs of column name and header.")
        elif unknown := sorted(set(self.columns) - COLUMN_KEYS):
            errors["columns"] = _("Unknown column names: %(names)s.") % {"names": ", ".join(unknown)}
        lists: dict[str, Mapping[str, object]] = {"incident": INCIDENT_CODES, "role": ROLE_CODES}
        if not isinstance(self.codes, dict) or set(self.codes) - set(lists):
            errors["codes"] = _('Give the lists "incident" and "role".')
        else:
            for name, pairs in self.codes.items():
                if not isinstance(pairs, dict):
                    errors["codes"] = _('Give the lists "incident" and "role".')
                    break
                unknown = sorted(str(v) for v in pairs.values() if str(v).strip().upper() not in lists[name])
                if unknown:
                    errors["codes"] = _("Not in our %(list)s codes: %(codes)s.") % {
                        "list": name,
                        "codes": ", ".join(unknown),
                    }
        if self.header_row < 1:
            errors["header_row"] = _("The first row is row 1.")
        if errors:
            raise ValidationError(errors)


STALLED_AFTER = timedelta(minutes=10)


def upload_path(instance: ImportBatch, filename: str) -> str:
    # Never the uploaded name on disk: it may hold a name or a BSN.
    return f"police_imports/{instance.sha256}"


class ImportBatch(TimeStampedModel):
    """One uploaded file and how its import went. The counters are written as the import
    runs, so after a crash they say how far it got."""

    # The error report holds cell values; the relation (own police organisation, or Veilig
    # Thuis staff) is registered in selectors.
    access_capability: ClassVar[str] = "view_personal_data"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="police_import_batches",
        verbose_name=_("police organisation"),
    )
    file = models.FileField(upload_to=upload_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ImportMode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED, db_index=True
    )
    phase = models.CharField(_("phase"), max_length=10, choices=BatchPhase.choices, blank=True, default="")
    language = models.CharField(max_length=8, default="nl")
    file_kind = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    failure_message = models.TextField(_("why it was not imported"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_written = models.PositiveIntegerField(_("rows done"), default=0)
    incidents_total = models.PositiveIntegerField(_("incidents"), default=0)
    incidents_created = models.PositiveIntegerField(_("incidents imported"), default=0)
    incidents_skipped = models.PositiveIntegerField(_("incidents already imported (skipped)"), default=0)
    incidents_invalid = models.PositiveIntegerField(_("incidents with errors"), default=0)
    people_created = models.PositiveIntegerField(_("new people"), default=0)
    people_linked = models.PositiveIntegerField(_("people linked to known people"), default=0)
    possible_matches = models.PositiveIntegerField(_("possible matches to review"), default=0)
    errors_not_stored = models.PositiveIntegerField(_("further errors not listed"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("police import")
        verbose_name_plural = _("police imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.pk})"

    @property
    def is_active(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    @property
    def progress_percent(self) -> int | None:
        """How far the writing is, in percent; None while the rows are checked (their number
        is known only at the end of the check)."""
        if self.status == BatchStatus.DONE:
            return 100
        if self.phase == BatchPhase.WRITING and self.rows_total:
            return min(100, 100 * self.rows_written // self.rows_total)
        return None

    @property
    def counts_wait_for_commit(self) -> bool:
        """All or nothing: the writing pass is one transaction, its counts show at the end."""
        return self.mode == ImportMode.ALL_OR_NOTHING and self.phase == BatchPhase.WRITING

    @property
    def seems_stopped(self) -> bool:
        """Running without progress for 10 minutes: the worker was probably stopped. (Not
        knowable while an all-or-nothing batch writes: its progress is not visible.)"""
        return (
            self.status == BatchStatus.RUNNING
            and not self.counts_wait_for_commit
            and self.updated_at < timezone.now() - STALLED_AFTER
        )


class ImportRowError(models.Model):
    """One problem in one row: the row number, the column, what is wrong and the value of
    that one cell (nothing else of the row)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=40)
    column = models.CharField(_("column"), max_length=100)
    message = models.CharField(_("problem"), max_length=300)
    value = models.CharField(_("value"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}:{self.field}"


class ImportedIncident(models.Model):
    """Which batch brought an incident in (and from which row)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="imported")
    incident = models.OneToOneField(PoliceIncident, on_delete=models.CASCADE, related_name="import_record")
    first_row = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported incident")
        verbose_name_plural = _("imported incidents")

    def __str__(self) -> str:
        return f"{self.incident_id} from {self.batch_id}"
