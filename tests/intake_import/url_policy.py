"""Access policy rows of the police import for the URL walk (tests/security/test_url_walk.py).

The batch pages show figures, file names and where the errors are (row, column, problem):
no personal data. The error report holds the values of the cells in error, which may be
personal data of people not (yet) in the registry: it is logged as an export of the batch,
with no person as subject. Every page refuses non-importers (tests/intake_import/test_pages.py),
and so do both API operations (tests/intake_import/test_api.py); the upload is multipart and
the batch status holds counts only, so they are declared here rather than walked with JSON."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.security.policy import Spec

NO_PERSONAL_DATA = {
    "police_import:batch_list",
    "police_import:upload",
    "police_import:batch_detail",
    "police_import:batch_progress",
}
API_NO_PERSONAL_DATA = {("POST", "/api/v1/imports/"), ("GET", "/api/v1/imports/{batch_id}")}


def build(world: Any) -> None:
    from haard.intake.imports.models import BatchStatus, ImportBatch, ImportMode, ImportRowError
    from tests.factories import OrganisationFactory

    batch = ImportBatch.objects.create(
        organisation=OrganisationFactory(type="police"),
        file_name="export.csv",
        file_size=100,
        sha256="0" * 64,
        uploaded_by=world.intake,
        mode=ImportMode.VALID_ROWS,
        status=BatchStatus.DONE,
        rows_total=1,
        rows_invalid=1,
    )
    ImportRowError.objects.create(
        batch=batch, row_number=2, field="bsn", column="bsn", message="x", value="123"
    )
    world.extra["police_import_batch"] = batch


PAGES = {
    "police_import:error_report": Spec(
        lambda w: reverse("police_import:error_report", args=[w.extra["police_import_batch"].pk]),
        lambda w: w.intake,
        shows=lambda w: None,  # cell values of the file, not people in the registry
    ),
}
