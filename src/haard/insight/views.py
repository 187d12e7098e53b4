"""Insight pages: the address view and the reconciliation, each in two variants.

The full pages show addresses and people: open to roles that see personal data, showing only
the rows `visible_to` gives them, and logged. The figures pages show counts only (small counts
suppressed): open to roles with the `view_figures` capability (policy officers) and to Veilig
Thuis staff. A figures-only user who opens a full page is sent to its figures variant.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import acting_membership
from haard.core.models import Municipality
from haard.insight import exports, selectors
from haard.insight import reconciliation as recon
from haard.insight.colour import COLOURS_HIGH_FIRST, ColourRule, settings_text
from haard.insight.forms import (
    LIST_CHOICES,
    AddressFiguresForm,
    AddressFilterForm,
    PeriodForm,
    ReconciliationForm,
)
from haard.insight.selectors import AddressFilters, veilig_thuis_staff


def _default_municipality(request: HttpRequest) -> Municipality | None:
    """The first municipality the acting organisation serves, else the region's first."""
    membership = acting_membership(request)
    if membership is not None:
        served = membership.team.organisation.municipalities.order_by("name").first()
        if served is not None:
            return served
    return Municipality.objects.order_by("name").first()


def _personal_data_reader(request: HttpRequest, figures: str | None) -> HttpResponse | None:
    """None when the user may read personal data; a redirect to the figures variant for a
    figures-only user; PermissionDenied for anyone else."""
    actor = actor_of(request)
    if has_capability(actor, "view_personal_data"):
        return None
    if figures is not None and has_capability(actor, "view_figures"):
        query = request.GET.urlencode()
        return redirect(reverse(figures) + (f"?{query}" if query else ""))
    raise PermissionDenied


def _reads_figures(request: HttpRequest) -> bool:
    actor = actor_of(request)
    return has_capability(actor, "view_figures") or veilig_thuis_staff(actor)


def _figures_reader(request: HttpRequest) -> None:
    if not _reads_figures(request):
        raise PermissionDenied


def _legend(rule: ColourRule) -> dict[str, Any]:
    return {"rule_lines": rule.lines(), "rule_settings": settings_text(), "colours": COLOURS_HIGH_FIRST}


@login_required
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    """Every address with incidents the user may see, with colours; 50 per page."""
    if (response := _personal_data_reader(request, "insight:address_figures")) is not None:
        return response
    form = AddressFilterForm(request.GET, default_municipality=_default_municipality(request))
    result = None
    if form.is_valid():
        result = selectors.show_address_page(
            request=request,
            filters=AddressFilters.from_cleaned(form.cleaned_data),
            page_number=request.GET.get("page"),
        )
    rule = result.rule if result else ColourRule.current()
    context = {
        "form": form,
        "result": result,
        "page": result.page if result else None,
        "can_see_figures": _reads_figures(request),
        **_legend(rule),
    }
    return render(request, "insight/address_list.html", context)


@login_required
@require_GET
def address_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """All reports and police incidents at one address that the user may see, newest first."""
    if (response := _personal_data_reader(request, None)) is not None:
        return response
    timeline = selectors.show_address_timeline(request=request, pk=pk)
    return render(request, "insight/address_timeline.html", {"timeline": timeline})


@login_required
@require_GET
def address_figures(request: HttpRequest) -> HttpResponse:
    """Addresses per colour and incidents per severity per neighbourhood; figures only."""
    _figures_reader(request)
    form = AddressFiguresForm(request.GET, default_municipality=_default_municipality(request))
    figures = None
    if form.is_valid():
        figures = selectors.address_figures(filters=AddressFilters.from_cleaned(form.cleaned_data))
    rule = figures.rule if figures else ColourRule.current()
    context = {"form": form, "figures": figures, **_legend(rule)}
    return render(request, "insight/address_figures.html", context)


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Police incidents against Veilig Thuis reports, with the list behind each count."""
    if (response := _personal_data_reader(request, "insight:reconciliation_figures")) is not None:
        return response
    form = ReconciliationForm(request.GET, default_municipality=_default_municipality(request))
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = recon.show_reconciliation(
            request=request,
            municipality=data["municipality"],
            period=data["period"],
            show=data["show"],
            page_number=request.GET.get("page"),
        )
    context = {
        "form": form,
        "result": result,
        "page": result.page if result else None,
        "lists": LIST_CHOICES,
        "window_text": recon.window_text(),
        "can_see_figures": _reads_figures(request),
    }
    return render(request, "insight/reconciliation.html", context)


@login_required
@require_GET
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    """The reconciliation as CSV (`?format=csv`) or XLSX (`?format=xlsx`), logged as an export."""
    if (response := _personal_data_reader(request, None)) is not None:
        return response
    form = PeriodForm(request.GET, default_municipality=_default_municipality(request))
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx") or not form.is_valid():
        context = {"form": form, "result": None, "lists": LIST_CHOICES, "window_text": recon.window_text()}
        return render(request, "insight/reconciliation.html", context, status=400)
    data = form.cleaned_data
    period = data["period"]
    export = recon.export_reconciliation(request=request, municipality=data["municipality"], period=period)
    name = f"reconciliation-{data['municipality'].code}-{period.since}-{period.until}.{kind}"
    if kind == "csv":
        response = HttpResponse(exports.to_csv(export), content_type=exports.CSV_TYPE)
    else:
        response = HttpResponse(exports.to_xlsx(export), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def reconciliation_figures(request: HttpRequest) -> HttpResponse:
    """The reconciliation counts and the grouped reasons; figures only."""
    _figures_reader(request)
    form = PeriodForm(request.GET, default_municipality=_default_municipality(request))
    figures = None
    if form.is_valid():
        figures = recon.reconciliation_figures(
            municipality=form.cleaned_data["municipality"], period=form.cleaned_data["period"]
        )
    return render(
        request,
        "insight/reconciliation_figures.html",
        {"form": form, "figures": figures, "window_text": recon.window_text()},
    )
