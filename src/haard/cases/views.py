"""Case pages. Each one reads through the selectors (access-filtered) and logs the access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import acting_membership
from haard.cases import selectors
from haard.cases.forms import EmergencyAccessForm
from haard.cases.models import Case, CaseStatus


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not has_capability(actor_of(request), "view_cases"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    page = selectors.show_case_page(request=request, status=status, page_number=request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"cases": page.object_list, "page": page, "status": status, "statuses": CaseStatus.choices},
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, emergency = selectors.show_case(request=request, pk=pk)
    return render(request, "cases/case_detail.html", {"case": case, "emergency": emergency})


@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Break the glass: state a reason to open a case outside your relations."""
    actor = actor_of(request)
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
