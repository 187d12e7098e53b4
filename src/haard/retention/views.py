"""The privacy officer's pages for retention, destruction and the requests of data subjects.

Every page needs the `manage_retention` capability and a verified second factor, and writes an
access-log entry (the proposals name files, the request pages name the person, the exports hold
everything about them). Writes go through the services; a refused write says why and changes
nothing."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.forms import attach_errors
from haard.core.pdf import render_pdf
from haard.registry.models import Person
from haard.retention import export, rules, selectors, services
from haard.retention.forms import DecisionForm, FindPersonForm, KeepForm, RequestForm
from haard.retention.models import (
    DataSubjectRequest,
    DestructionProposal,
    ProposalItem,
    ProposalStatus,
    RequestKind,
    RequestStatus,
)
from haard.retention.presentation import dry_run_rows, item_rows

logger = logging.getLogger(__name__)


def _officer(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not has_capability(actor, services.CAPABILITY) or not account_services.is_verified(actor):
        raise PermissionDenied
    return actor


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Overview and proposals ------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The retention periods, the destruction proposals and the requests of data subjects
    (numbers and references; no names)."""
    actor = _officer(request)
    proposals = selectors.proposal_page(actor=actor, page_number=request.GET.get("page"))
    requests = selectors.request_page(actor=actor, page_number=request.GET.get("requests"))
    proposals.object_list = list(proposals.object_list)
    requests.object_list = list(requests.object_list)
    log_access(
        request=request, action=Action.VIEW, record_type="retention.DestructionProposal", query="overview"
    )
    return render(
        request,
        "retention/overview.html",
        {
            "proposals": proposals,
            "requests": requests,
            "periods": rules.periods(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def proposal_start(request: HttpRequest) -> HttpResponse:
    """Propose now what the periodic run would propose (the proposer cannot decide)."""
    actor = _officer(request)
    proposal = services.propose_due(actor=actor)
    if proposal is None:
        messages.info(request, _("Nothing new is due for destruction."))
        return redirect("retention:overview")
    messages.success(request, _("Proposal made, with its dry run. Another privacy officer decides on it."))
    return redirect("retention:proposal_detail", pk=proposal.pk)


def _proposal_context(request: HttpRequest, actor: User, proposal: DestructionProposal) -> dict[str, Any]:
    page = selectors.item_page(proposal=proposal, page_number=request.GET.get("page"))
    page.object_list = list(page.object_list)
    return {
        "proposal": proposal,
        "page": page,
        "rows": item_rows(proposal, page.object_list),
        "totals": dry_run_rows(proposal.dry_run.get("total", {})),
        "people_left": proposal.dry_run.get("people", {}).get("count", 0),
        "is_open": proposal.status == ProposalStatus.OPEN,
        "may_decide": proposal.status == ProposalStatus.OPEN and proposal.proposed_by_id != actor.pk,
        "decision_form": DecisionForm(),
        "keep_form": KeepForm(),
    }


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    proposal = selectors.proposal(actor=actor, pk=pk)
    context = _proposal_context(request, actor, proposal)
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="retention.DestructionProposal",
        record_id=proposal.pk,
        person_ids=[pid for item in context["page"].object_list for pid in item.person_ids],
    )
    return render(request, "retention/proposal_detail.html", context)


@login_required
@require_POST
def proposal_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    proposal = selectors.proposal(actor=actor, pk=pk)
    try:
        services.record_dry_run(actor=actor, proposal=proposal)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Dry run done: nothing was changed."))
    return redirect("retention:proposal_detail", pk=pk)


@login_required
@require_POST
def item_keep(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    actor = _officer(request)
    proposal = selectors.proposal(actor=actor, pk=pk)
    item = get_object_or_404(ProposalItem, pk=item_pk, proposal=proposal)
    form = KeepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to keep it."))
        return redirect("retention:proposal_detail", pk=pk)
    try:
        services.keep_item(
            actor=actor,
            item=item,
            keep=form.cleaned_data["keep"],
            ground=form.cleaned_data["ground"],
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Changed. Run the dry run again before the decision."))
    return redirect("retention:proposal_detail", pk=pk)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    proposal = selectors.proposal(actor=actor, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the decision and give its reason."))
        return redirect("retention:proposal_detail", pk=pk)
    people = sorted({pid for item in proposal.items.all() for pid in item.person_ids})
    try:
        decided = services.decide(
            actor=actor,
            proposal=proposal,
            destroy=form.cleaned_data["destroy"],
            reason=form.cleaned_data["reason"],
            ground=form.cleaned_data["ground"],
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("retention:proposal_detail", pk=pk)
    except DatabaseError:
        logger.exception("retention: destruction of proposal %s failed and was rolled back", pk)
        messages.error(request, _("The destruction failed and was undone: nothing was destroyed."))
        return redirect("retention:proposal_detail", pk=pk)
    log_access(
        request=request,
        action=Action.CHANGE,
        record_type="retention.DestructionProposal",
        record_id=pk,
        person_ids=people,
        reason=decided.get_status_display(),
    )
    if decided.status == ProposalStatus.DESTROYED:
        messages.success(request, _("Destroyed. The tombstones record what, when and on whose decision."))
    else:
        messages.success(request, _("Refused: everything is kept."))
    return redirect("retention:proposal_detail", pk=pk)


@login_required
@require_GET
def tombstone_list(request: HttpRequest) -> HttpResponse:
    actor = _officer(request)
    query = request.GET.get("q", "")[:40]
    page = selectors.tombstone_page(actor=actor, query=query, page_number=request.GET.get("page"))
    page.object_list = list(page.object_list)
    log_access(request=request, action=Action.VIEW, record_type="retention.Tombstone", query=query)
    return render(request, "retention/tombstone_list.html", {"page": page, "query": query})


# --- Requests of data subjects ---------------------------------------------------------------


@login_required
@require_GET
def person_find(request: HttpRequest) -> HttpResponse:
    """Find the person a request is about: by BSN, or by surname and date of birth."""
    actor = _officer(request)
    form = FindPersonForm(request.GET or None)
    people: list[Person] | None = None
    if form.is_valid():
        data = form.cleaned_data
        people = selectors.find_people(
            actor=actor, surname=data["surname"], birth_date=data["birth_date"], bsn=data["bsn"]
        )
        terms = (
            "[bsn]" if data["bsn"] else " ".join(str(v) for v in (data["surname"], data["birth_date"]) if v)
        )
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="registry.Person",
            query=terms,
            person_ids=[p.pk for p in people],
        )
    return render(request, "retention/person_find.html", {"form": form, "people": people})


def _person_page(
    request: HttpRequest, actor: User, person: Person, form: RequestForm, status: int = 200
) -> HttpResponse:
    context = {
        "person": person,
        "records": selectors.records_of(person),
        "requests": selectors.requests_of(actor=actor, person_id=person.pk),
        "form": form,
    }
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.Person",
        record_id=person.pk,
        person_ids=[person.pk],
    )
    return render(request, "retention/person_overview.html", context, status=status)


@login_required
@require_GET
def person_overview(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _officer(request)
    person = selectors.person(actor=actor, pk=person_id)
    return _person_page(request, actor, person, RequestForm())


@login_required
@require_POST
def request_create(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _officer(request)
    person = selectors.person(actor=actor, pk=person_id)
    form = RequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.register_request(
                actor=actor,
                person=person,
                kind=data["kind"],
                received_on=data["received_on"],
                channel=data["channel"],
                identity_checked=data["identity_checked"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if created.kind == RequestKind.ERASURE:
                messages.success(
                    request,
                    _("Request registered. Another privacy officer decides on its proposal."),
                )
            else:
                messages.success(request, _("Request registered. Download the export and hand it over."))
            return redirect("retention:request_detail", pk=created.pk)
    return _person_page(request, actor, person, form, status=400)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    found = selectors.request(actor=actor, pk=pk)
    person = Person.objects.filter(pk=found.person_id).first() if found.person_id else None
    proposal = DestructionProposal.objects.filter(request=found).first()
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="retention.DataSubjectRequest",
        record_id=found.pk,
        person_ids=[found.subject_id],
    )
    return render(
        request,
        "retention/request_detail.html",
        {
            "data_request": found,
            "person": person,
            "proposal": proposal,
            "may_answer": found.kind == RequestKind.ACCESS and found.status == RequestStatus.OPEN,
            "may_export": found.kind == RequestKind.ACCESS and person is not None,
        },
    )


def _export_subject(request: HttpRequest, pk: int) -> tuple[DataSubjectRequest, Person]:
    actor = _officer(request)
    found = selectors.request(actor=actor, pk=pk)
    if found.kind != RequestKind.ACCESS or found.person_id is None:
        raise Http404
    return found, Person._base_manager.get(pk=found.person_id)


def _log_export(request: HttpRequest, found: DataSubjectRequest, data: dict[str, Any], form: str) -> None:
    log_access(
        request=request,
        action=Action.EXPORT,
        record_type="retention.SubjectAccessExport",
        record_id=found.pk,
        person_ids=[p["number"] for p in data["person"]],
        reason=f"{found.reference} ({form})",
    )


@login_required
@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    found, person = _export_subject(request, pk)
    data = export.gather(person)
    _log_export(request, found, data, "json")
    response = HttpResponse(
        json.dumps({"request": found.reference, **data}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.json"'
    return response


@login_required
@require_GET
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found, person = _export_subject(request, pk)
    data = export.gather(person)
    _log_export(request, found, data, "pdf")
    pdf = render_pdf(
        "retention/export_print.html",
        {
            "data_request": found,
            "data": data,
            "sections": export.readable(data),
            "printed_at": timezone.now(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.pdf"'
    return response


@login_required
@require_POST
def request_answered(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _officer(request)
    found = selectors.request(actor=actor, pk=pk)
    try:
        services.mark_answered(actor=actor, request=found)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("The request is answered."))
    return redirect("retention:request_detail", pk=pk)
