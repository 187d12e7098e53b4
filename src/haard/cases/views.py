"""Case pages. Each one reads through the selectors (access-filtered) and logs the access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.models import EmergencyAccess, User
from haard.accounts.selectors import acting_membership
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.cases import selectors
from haard.cases.forms import EmergencyAccessForm
from haard.cases.models import Case, CaseStatus

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not has_capability(actor, "view_cases"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    page = Paginator(selectors.case_list(actor=actor, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cases = list(page.object_list)
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="cases.Case",
        query=f"status={status}",
        person_ids=[m.person_id for case in cases for m in case.members.all()],
    )
    return render(
        request,
        "cases/case_list.html",
        {"cases": cases, "page": page, "status": status, "statuses": CaseStatus.choices},
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case = selectors.case_detail(actor=actor, pk=pk)
    if case is None:
        raise Http404
    grant = (
        EmergencyAccess.objects.filter(user=actor, model_label="cases.Case", object_id=case.pk)
        .order_by("-granted_at")
        .first()
    )
    in_relation = Case.objects.relation_only(actor).filter(pk=case.pk).exists()
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="cases.Case",
        record_id=case.pk,
        person_ids=[m.person_id for m in case.members.all()],
        emergency=not in_relation,
        reason=grant.reason if grant and not in_relation else "",
    )
    return render(request, "cases/case_detail.html", {"case": case, "emergency": not in_relation})


@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Break the glass: state a reason to open a case outside your relations."""
    actor = _actor(request)
    if not has_capability(actor, "break_glass"):
        raise PermissionDenied
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Looked up without the access filter on purpose: this is the one door for a case
        # outside your relations, and walking through it is logged and reviewed.
        case = Case.objects.filter(reference=form.cleaned_data["reference"].strip()).first()
        if case is None:
            form.add_error("reference", _("No case has this reference."))
        else:
            account_services.grant_emergency_access(
                actor=actor,
                membership=acting_membership(request),
                model_label="cases.Case",
                object_id=case.pk,
                reason=form.cleaned_data["reason"],
            )
            messages.warning(request, _("Emergency access granted for 8 hours. It will be reviewed."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/emergency_access.html", {"form": form})
