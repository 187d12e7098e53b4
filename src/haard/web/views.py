"""Home page per role and the error pages. Neither shows personal data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haard.accounts.access import capabilities
from haard.accounts.selectors import acting_membership


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page shows what the acting role does, with counts and links, never names."""
    from haard.cases.selectors import case_counts

    membership = acting_membership(request)
    caps = capabilities(request.user)
    context: dict[str, Any] = {
        "membership": membership,
        "role_key": membership.role.key if membership else "",
        "caps": caps,
        "case_counts": case_counts(actor=request.user) if "view_cases" in caps else None,  # type: ignore[arg-type]
    }
    return render(request, "web/home.html", context)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 400}, status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 403}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 404}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be what failed.
    from django.template import loader

    template = loader.get_template("web/error_500.html")
    return HttpResponse(template.render({}), status=500)
