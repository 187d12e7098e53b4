"""People pages: search and detail, each access-filtered and logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.audit import selectors as audit_selectors
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.audit.views import PAGE_SIZE, officer
from haard.registry import selectors
from haard.registry.forms import PersonSearchForm


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    if not has_capability(actor_of(request), "search_people"):
        raise PermissionDenied
    form = PersonSearchForm(request.GET or None)
    people = None
    if form.is_valid():
        people = selectors.show_people_search(request=request, query=form.cleaned_data["q"])
    template = "registry/_results.html" if request.htmx else "registry/person_search.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "people": people})


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.show_person(request=request, pk=pk)
    return render(request, "registry/person_detail.html", {"person": person})


@login_required
def person_report(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who saw this person: every entry that showed the person's data."""
    actor = officer(request, "view_access_log")
    person = selectors.person_for_access_report(actor=actor, pk=person_id)
    if person is None:
        raise Http404
    entries = audit_selectors.search_log(actor=actor, person_id=person.pk)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this reading is logged
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="audit.PersonAccessReport",
        record_id=person.pk,
        person_ids=[person.pk],
    )
    return render(request, "registry/person_access_report.html", {"person": person, "page": page})
