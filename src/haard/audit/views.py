"""The privacy officer's pages: search the access log, review emergency access.

Reading the log is itself personal data processing: every page here writes an entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.audit import selectors
from haard.audit.forms import LogSearchForm, ReviewForm
from haard.audit.models import Action
from haard.audit.services import log_access

PAGE_SIZE = 50


def officer(request: HttpRequest, capability: str) -> User:
    actor: User = request.user  # type: ignore[assignment]
    if not has_capability(actor, capability) or not account_services.is_verified(actor):
        raise PermissionDenied
    return actor


@login_required
def log_search(request: HttpRequest) -> HttpResponse:
    actor = officer(request, "view_access_log")
    form = LogSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        entries = selectors.search_log(actor=actor, **filters)
        page = Paginator(entries.prefetch_related("subjects"), PAGE_SIZE).get_page(request.GET.get("page"))
        shown = [s.person_id for e in page.object_list for s in e.subjects.all()]
        if filters.get("person_id"):
            shown.append(filters["person_id"])
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="audit.AccessLogEntry",
            query=" ".join(f"{k}={v}" for k, v in sorted(filters.items()))[:200],
            person_ids=shown,
        )
    return render(request, "audit/log_search.html", {"form": form, "page": page})


@login_required
def emergency_review(request: HttpRequest) -> HttpResponse:
    actor = officer(request, "review_emergency_access")
    grants = list(selectors.pending_emergency_access(actor=actor)[:200])
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="accounts.EmergencyAccess",
        query="pending",
    )
    return render(request, "audit/emergency_review.html", {"grants": grants, "form": ReviewForm()})


@login_required
@require_POST
def emergency_review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = officer(request, "review_emergency_access")
    grant = get_object_or_404(selectors.pending_emergency_access(actor=actor), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the emergency access was justified."))
        return redirect("audit:emergency_review")
    try:
        account_services.review_emergency_access(
            actor=actor, grant=grant, justified=form.cleaned_data["justified"], note=form.cleaned_data["note"]
        )
    except account_services.AccessRefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("audit:emergency_review")
