"""Pages of the police import: upload, the list of batches, one batch with its progress and
the error report. Only importers reach them (see selectors); the pages show figures, file
names and where the errors are; the cell values are in the error report, whose download is
logged."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haard.accounts.api_support import actor_of
from haard.core.forms import attach_errors
from haard.intake.imports import selectors, services
from haard.intake.imports.forms import UploadForm
from haard.intake.imports.parsing import FORMULA_PREFIXES


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    page = selectors.batch_page(actor=actor_of(request), page_number=request.GET.get("page"))
    return render(request, "police_import/batch_list.html", {"page": page, "batches": page.object_list})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    organisations = selectors.importable_organisations(actor=actor)
    choices = list(organisations)
    if not choices:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    if len(choices) == 1:
        form.fields["organisation"].initial = choices[0].pk
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_import(
                actor=actor,
                organisation_id=form.cleaned_data["organisation"].pk,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The file is being imported. This page shows how far it is."))
            return redirect("police_import:batch_detail", pk=batch.pk)
    return render(request, "police_import/upload.html", {"form": form})


def _detail_context(request: HttpRequest, pk: int) -> dict[str, object]:
    actor = actor_of(request)
    batch = selectors.batch_detail(actor=actor, pk=pk)
    return {"batch": batch}


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _detail_context(request, pk)
    batch = context["batch"]
    actor = actor_of(request)
    context["problems"] = selectors.batch_problems(actor=actor, batch=batch)  # type: ignore[arg-type]
    context["earlier"] = selectors.earlier_import(actor=actor, batch=batch)  # type: ignore[arg-type]
    return render(request, "police_import/batch_detail.html", context)


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the batch page, polled by htmx every 2 seconds while it runs."""
    context = _detail_context(request, pk)
    response = render(request, "police_import/_progress.html", context)
    if not context["batch"].is_active:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"  # show the whole result: the error list and the download
    return response


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


@login_required
@require_GET
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The row errors as CSV: row, column, problem and the value of that one cell."""
    batch, rows = selectors.export_error_report(request=request, pk=pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("row"), _("column"), _("problem"), _("value")])
    for error in rows:
        writer.writerow(
            [spreadsheet_safe(v) for v in (error.row_number, error.column, error.message, error.value)]
        )
    if batch.errors_not_stored:
        writer.writerow(
            [
                "",
                "",
                spreadsheet_safe(
                    _("%(count)s further errors are not listed.") % {"count": batch.errors_not_stored}
                ),
                "",
            ]
        )
    # With a BOM, so that Excel reads the accents right.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    response["Cache-Control"] = "no-store"
    return response
