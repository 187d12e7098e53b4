"""People pages: search and detail, each access-filtered and logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.audit import selectors as audit_selectors
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.audit.views import PAGE_SIZE, officer
from haard.registry import selectors
from haard.registry.forms import PersonSearchForm


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not has_capability(actor, "search_people"):
        raise PermissionDenied
    form = PersonSearchForm(request.GET or None)
    people = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        people = list(selectors.search_people(actor=actor, query=query)[: selectors.SEARCH_LIMIT])
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="registry.Person",
            query="[bsn]" if query.replace(" ", "").isdigit() else query,
            person_ids=[p.pk for p in people],
        )
    template = "registry/_results.html" if request.htmx else "registry/person_search.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "people": people})


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    person = selectors.person_detail(actor=actor, pk=pk)
    if person is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.Person",
        record_id=person.pk,
        person_ids=[person.pk],
    )
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
