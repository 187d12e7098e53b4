"""The privacy officer's pages for the access log's own retention: the purges with their dry
run, the decision on them, and what remains of them.

As every retention page: the `manage_retention` capability and a verified second factor, and
an access-log entry for what is shown (counts only; no person is named here). The purge
itself is carried out by `manage.py purge_access_log --execute`, after the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.purge import ACCESS_LOG_YEARS
from haard.audit.services import log_access
from haard.core import region_settings
from haard.retention import selectors, services
from haard.retention.forms import LogPurgeDecisionForm
from haard.retention.models import AccessLogPurge, PurgeStatus
from haard.retention.presentation import log_count_rows

RECORD_TYPE = "retention.AccessLogPurge"


def _officer(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not has_capability(actor, services.CAPABILITY) or not account_services.is_verified(actor):
        raise PermissionDenied
    return actor


@login_required
@require_GET
def log_purge_list(request: HttpRequest) -> HttpResponse:
    """The access log's retention period and every purge of it, with its tombstone."""
    actor = _officer(request)
    page = selectors.log_purge_page(actor=actor, page_number=request.GET.get("page"))
    page.object_list = list(page.object_list)
    log_access(request=request, action=Action.VIEW, record_type=RECORD_TYPE, query="overview")
    return render(
        request,
        "retention/log_purge_list.html",
        {"page": page, "period": region_settings.describe(ACCESS_LOG_YEARS.key)},
    )


@login_required
@require_POST
def log_purge_start(request: HttpRequest) -> HttpResponse:
    """Propose now what the periodic run would propose (the proposer cannot decide)."""
    actor = _officer(request)
    try:
        purge = services.propose_log_purge(actor=actor)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("retention:log_purge_list")
    if purge is None:
        messages.info(request, _("Nothing in the access log has passed its retention period."))
        return redirect("retention:log_purge_list")
    messages.success(request, _("Purge proposed, with its dry run. Another privacy officer decides on it."))
    return redirect("retention:log_purge_detail", pk=purge.pk)


def _detail(
    request: HttpRequest, actor: User, purge: AccessLogPurge, form: LogPurgeDecisionForm, status: int = 200
) -> HttpResponse:
    tombstone = getattr(purge, "tombstone", None)
    context: dict[str, Any] = {
        "purge": purge,
        "dry_run": purge.dry_run,
        "dry_rows": log_count_rows(purge.dry_run),
        "progress": purge.progress,
        "tombstone": tombstone,
        "purged_rows": log_count_rows(tombstone.counts) if tombstone else None,
        "is_open": purge.status == PurgeStatus.OPEN,
        "may_decide": purge.status == PurgeStatus.OPEN and purge.proposed_by_id != actor.pk,
        "form": form,
    }
    log_access(request=request, action=Action.VIEW, record_type=RECORD_TYPE, record_id=purge.pk)
    return render(request, "retention/log_purge_detail.html", context, status=status)


@login_required
@require_GET
def log_purge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    return _detail(request, actor, selectors.log_purge(actor=actor, pk=pk), LogPurgeDecisionForm())


@login_required
@require_POST
def log_purge_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    purge = selectors.log_purge(actor=actor, pk=pk)
    try:
        services.record_log_dry_run(actor=actor, purge=purge)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Dry run done: nothing was changed."))
    return redirect("retention:log_purge_detail", pk=pk)


@login_required
@require_POST
def log_purge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse; a refused decision shows the page again with what to correct."""
    actor = _officer(request)
    purge = selectors.log_purge(actor=actor, pk=pk)
    form = LogPurgeDecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = services.decide_log_purge(
                actor=actor,
                purge=purge,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            log_access(
                request=request,
                action=Action.CHANGE,
                record_type=RECORD_TYPE,
                record_id=pk,
                reason=decided.get_status_display(),
            )
            if decided.status == PurgeStatus.APPROVED:
                messages.success(
                    request, _("Approved. The purge is carried out in batches; its tombstone follows.")
                )
            else:
                messages.success(request, _("Refused: the access log is kept."))
            return redirect("retention:log_purge_detail", pk=pk)
    return _detail(request, actor, purge, form, status=400)
