"""Reads of the police import. Every function takes the actor (or the request) and reads
batches through `ImportBatch.objects.visible_to`.

Who imports: police staff (the `send_police_reports` capability) for their own police
organisation, and Veilig Thuis intake and assessment staff for any police organisation. They
see the batches of the organisations they may import for; everyone else sees none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from haard.accounts.access import ALL, NONE, has_capability, register_relation
from haard.accounts.models import Organisation, OrganisationType, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.intake.imports.models import BatchStatus, ImportBatch, ImportRowError
from haard.intake.relations import is_veilig_thuis_staff

PAGE_SIZE = 50
ERRORS_SHOWN = 100
RECORD_TYPE = "police_import.ImportBatch"


def importable_organisations(*, actor: User) -> QuerySet[Organisation]:
    """The police organisations the actor may import for (none for most roles)."""
    police = Organisation.objects.filter(type=OrganisationType.POLICE, active=True).order_by("name")
    if is_veilig_thuis_staff(actor):
        return police
    if not has_capability(actor, "send_police_reports"):
        return police.none()
    return police.filter(teams__memberships__user=actor, teams__memberships__active=True).distinct()


def can_import(*, actor: User) -> bool:
    """Whether the actor may upload police files and see import batches at all."""
    return importable_organisations(actor=actor).exists()


def _batch_relation(actor: User) -> Q:
    if is_veilig_thuis_staff(actor):
        return ALL
    if not has_capability(actor, "send_police_reports"):
        return NONE
    own = importable_organisations(actor=actor).values("pk")
    return Q(organisation__in=own)


register_relation(RECORD_TYPE, _batch_relation)


def _require_importer(actor: User) -> None:
    if not can_import(actor=actor):
        raise PermissionDenied


def batch_page(*, actor: User, page_number: Any = 1) -> Page[ImportBatch]:
    """One page of the batches the actor may see, newest first (figures and file names only)."""
    _require_importer(actor)
    batches = ImportBatch.objects.visible_to(actor).select_related("organisation", "uploaded_by")
    page = Paginator(batches, PAGE_SIZE).get_page(page_number)
    page.object_list = list(page.object_list)
    return page


def batch_detail(*, actor: User, pk: int) -> ImportBatch:
    """One batch the actor may see; PermissionDenied for a non-importer, Http404 otherwise."""
    _require_importer(actor)
    batch = (
        ImportBatch.objects.visible_to(actor)
        .select_related("organisation", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def batch_problems(*, actor: User, batch: ImportBatch, limit: int = ERRORS_SHOWN) -> list[ImportRowError]:
    """The first row errors of a batch the actor sees, without the cell values (the page
    shows where and what; the values are in the logged error report only)."""
    visible = ImportBatch.objects.visible_to(actor).filter(pk=batch.pk)
    return list(
        ImportRowError.objects.filter(batch__in=visible).only("row_number", "field", "column", "message")[
            :limit
        ]
    )


def earlier_import(*, actor: User, batch: ImportBatch) -> ImportBatch | None:
    """The same file (by its SHA-256), imported before for the same organisation."""
    return (
        ImportBatch.objects.visible_to(actor)
        .filter(
            organisation_id=batch.organisation_id,
            sha256=batch.sha256,
            status=BatchStatus.DONE,
            created_at__lt=batch.created_at,
        )
        .order_by("-created_at")
        .only("pk", "created_at")
        .first()
    )


def export_error_report(*, request: Any, pk: int) -> tuple[ImportBatch, Iterator[ImportRowError]]:
    """The batch and all its row errors with the cell values, logged as an export."""
    batch = batch_detail(actor=request.user, pk=pk)
    log_access(request=request, action=Action.EXPORT, record_type=RECORD_TYPE, record_id=batch.pk)
    rows = ImportRowError.objects.filter(batch=batch).order_by("row_number", "id").iterator(chunk_size=2_000)
    return batch, rows
