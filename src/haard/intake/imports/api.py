"""The police import in the API: upload a file, then follow its batch."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from haard.accounts.api_support import actor_of, require_scope
from haard.intake.imports import selectors, services
from haard.intake.imports.models import ImportBatch, ImportMode

router = Router(tags=["police imports"])


class BatchOut(Schema):
    id: int
    organisation_id: int
    file_name: str
    mode: str
    status: str
    phase: str
    progress_percent: int | None
    failure_message: str
    rows_total: int
    rows_checked: int
    rows_valid: int
    rows_invalid: int
    incidents_total: int
    incidents_created: int
    incidents_skipped: int
    incidents_invalid: int
    people_created: int
    people_linked: int
    possible_matches: int
    error_report: str | None


def _out(batch: ImportBatch) -> dict[str, object]:
    fields = {name: getattr(batch, name) for name in BatchOut.model_fields if hasattr(batch, name)}
    has_errors = bool(batch.rows_invalid or batch.incidents_invalid)
    fields["error_report"] = reverse("police_import:error_report", args=[batch.pk]) if has_errors else None
    return fields


def _require_importer(request: HttpRequest) -> None:
    require_scope(request, "reports:write")
    if not selectors.can_import(actor=actor_of(request)):
        raise HttpError(403, "Your role does not import police files.")


@router.post("/", response={202: BatchOut}, summary="Upload a police export (CSV or XLSX) for import")
def create_import(
    request: HttpRequest,
    file: UploadedFile = File(..., description="The police export, CSV or XLSX"),  # noqa: B008
    organisation_id: int = Form(..., description="The police organisation the file comes from"),
    mode: ImportMode = Form(ImportMode.ALL_OR_NOTHING),  # noqa: B008
) -> Status[dict[str, object]]:
    """Queues the import and answers at once (202); follow the batch with GET."""
    _require_importer(request)
    try:
        batch = services.start_import(
            actor=actor_of(request),
            organisation_id=organisation_id,
            upload=file,
            mode=mode,
            language=getattr(request, "LANGUAGE_CODE", "en"),
        )
    except PermissionDenied:
        raise HttpError(403, "You may not import for this organisation.") from None
    except ValidationError as exc:
        detail = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
        raise HttpError(422, detail) from None
    batch.refresh_from_db()  # queued, or further when the task backend ran it at once
    return Status(202, _out(batch))


@router.get("/{batch_id}", response=BatchOut, summary="How an import is going: status and counts")
def get_import(request: HttpRequest, batch_id: int) -> dict[str, object]:
    _require_importer(request)
    try:
        batch = selectors.batch_detail(actor=actor_of(request), pk=batch_id)
    except PermissionDenied:
        raise HttpError(403, "Your role does not import police files.") from None
    return _out(batch)
