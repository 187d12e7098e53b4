"""People pages: search, detail, search-as-you-type fragments, the review queue of possible
matches and merges; each access-filtered and logged."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.audit import selectors as audit_selectors
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.audit.views import PAGE_SIZE, officer
from haard.registry import merging, selectors
from haard.registry.forms import (
    AddressSuggestForm,
    MatchDecisionForm,
    PersonSearchForm,
    PersonSuggestForm,
    UnmergeForm,
)
from haard.registry.linking import describe_reasons
from haard.registry.models import MatchStatus, Person, PossibleMatch


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
    kept = selectors.merged_into(actor=actor_of(request), pk=pk)
    if kept is not None:
        # A merged record lives on in the person it was merged into.
        return redirect("registry:person_detail", pk=kept)
    person = selectors.show_person(request=request, pk=pk)
    can_review = has_capability(actor_of(request), "search_people")
    return render(request, "registry/person_detail.html", {"person": person, "can_review": can_review})


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


# Search-as-you-type for the intake form (htmx fragments). htmx swaps only 2xx responses, so a
# fragment request gets its input errors in a 200 fragment; any other request gets a 400.


def _fragment_status(request: HttpRequest, valid: bool) -> int:
    if valid or request.htmx:  # type: ignore[attr-defined]
        return 200
    return 400


def _require_search(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "search_people"):
        raise PermissionDenied


@login_required
@require_GET
def person_suggest(request: HttpRequest) -> HttpResponse:
    """Up to 10 people for `q` (name, date of birth or BSN), each with a radio button."""
    _require_search(request)
    form = PersonSuggestForm(request.GET)
    valid = form.is_valid()
    people = (
        selectors.show_person_suggestions(request=request, query=form.cleaned_data["q"]) if valid else None
    )
    context = {"form": form, "people": people, "field": form.cleaned_data.get("field") or "person"}
    return render(
        request, "registry/_person_suggestions.html", context, status=_fragment_status(request, valid)
    )


@login_required
@require_GET
def address_suggest(request: HttpRequest) -> HttpResponse:
    """The stored address(es) for a postcode and house number, or word that it is new."""
    _require_search(request)
    form = AddressSuggestForm(request.GET)
    valid = form.is_valid()
    addresses = None
    exact = None
    if valid:
        number = form.cleaned_data["number"]
        addresses = selectors.show_address_suggestions(
            request=request, postcode=form.cleaned_data["postcode"], house_number=number.number
        )
        exact = next(
            (a for a in addresses if (a.house_letter, a.addition) == (number.letter, number.addition)), None
        )
    context = {
        "form": form,
        "addresses": addresses,
        "exact": exact,
        "field": form.cleaned_data.get("field") or "address",
    }
    return render(
        request, "registry/_address_suggestions.html", context, status=_fragment_status(request, valid)
    )


# The review queue of possible matches, and merges.


@login_required
@require_GET
def match_queue(request: HttpRequest) -> HttpResponse:
    _require_search(request)
    page = selectors.show_possible_match_queue(request=request, page_number=request.GET.get("page"))
    return render(request, "registry/match_queue.html", {"page": page})


def _people_choices(item: PossibleMatch) -> list[tuple[int, str]]:
    return [(person.pk, _describe(person)) for person in (item.person_a, item.person_b)]


def _describe(person: Person) -> str:
    born = date_format(person.birth_date, "SHORT_DATE_FORMAT") if person.birth_date else "–"
    return f"{person.full_name} ({born}, #{person.pk})"


@login_required
@require_http_methods(["GET", "POST"])
def match_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One possible match side by side, with the reasons; confirm (merge) or reject it."""
    _require_search(request)
    item = selectors.show_possible_match(request=request, pk=pk)
    form = MatchDecisionForm(request.POST or None, people=_people_choices(item))
    if request.method == "POST" and form.is_valid():
        actor = actor_of(request)
        reason = form.cleaned_data["reason"]
        try:
            # The decision and its log entry stand or fall together.
            with transaction.atomic():
                if form.cleaned_data["decision"] == MatchDecisionForm.CONFIRM:
                    keep = item.person_a if form.cleaned_data["keep"] == item.person_a_id else item.person_b
                    person_merge = merging.confirm_possible_match(
                        actor=actor, possible_match=item, keep=keep, reason=reason
                    )
                    _log_change(request, "registry.PersonMerge", person_merge.pk, item)
                    messages.success(request, _("The two records are merged. The merge can be undone here."))
                    return redirect("registry:merge_detail", pk=person_merge.pk)
                merging.reject_possible_match(actor=actor, possible_match=item, reason=reason)
                _log_change(request, "registry.PossibleMatch", item.pk, item)
            messages.success(request, _("Recorded: these are different people."))
            return redirect("registry:match_queue")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    context = {
        "item": item,
        "form": form,
        "reasons": describe_reasons(item.reasons),
        "open": item.status == MatchStatus.OPEN,
    }
    return render(request, "registry/match_review.html", context, status=400 if form.errors else 200)


def _log_change(request: HttpRequest, record_type: str, record_id: int, item: PossibleMatch) -> None:
    log_access(
        request=request,
        action=Action.CHANGE,
        record_type=record_type,
        record_id=record_id,
        person_ids=[item.person_a_id, item.person_b_id],
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A merge: who into whom, why, the links moved; undo it with a reason."""
    _require_search(request)
    person_merge = selectors.show_person_merge(request=request, pk=pk)
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the unmerge and its log entry together
                merging.unmerge_people(
                    actor=actor_of(request), person_merge=person_merge, reason=form.cleaned_data["reason"]
                )
                log_access(
                    request=request,
                    action=Action.CHANGE,
                    record_type="registry.PersonMerge",
                    record_id=person_merge.pk,
                    person_ids=[person_merge.merged_id, person_merge.into_id],
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The merge is undone: both records are shown again."))
            return redirect("registry:merge_detail", pk=person_merge.pk)
    context = {
        "merge": person_merge,
        "form": form,
        "moved": _describe_links(person_merge.moved_links),
        "kept": _describe_links(person_merge.kept_links),
        "not_restored": _describe_links(person_merge.not_restored_links),
    }
    return render(request, "registry/merge_detail.html", context, status=400 if form.errors else 200)


def _describe_links(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """'person in report #12' for each recorded row (the model's name, never its content)."""
    described = []
    for link in links:
        try:
            name = apps.get_model(link["model"])._meta.verbose_name
        except LookupError:
            name = link["model"]
        described.append({"name": name, "pk": link["pk"], "label": link["model"]})
    return described
