"""Restraining-order pages. Each reads through the selectors (access-filtered, logged); each
write goes through one service in one transaction, and a refusal names the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import acting_membership
from haard.audit.models import Action
from haard.core.forms import attach_errors
from haard.core.models import Municipality
from haard.huisverbod import risk, selectors, services
from haard.huisverbod.forms import (
    RECORD_FORMS,
    RECORD_TITLES,
    AppealUpdateForm,
    BannedFormSet,
    ExtendForm,
    HelpTaskForm,
    OrderImposeForm,
    WithdrawForm,
)
from haard.huisverbod.models import AppealOutcome, DecisionKind, OrderStatus
from haard.intake.services import address_given
from haard.registry.linking import resolve_person
from haard.registry.services import find_or_create_address

MANAGE = "manage_restraining_orders"


def _require(request: HttpRequest, *capabilities: str) -> None:
    actor = actor_of(request)
    if not any(has_capability(actor, c) for c in capabilities):
        raise PermissionDenied


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE, "view_cases")
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    page = selectors.show_order_page(request=request, status=status, page_number=request.GET.get("page"))
    return render(
        request,
        "huisverbod/order_list.html",
        {
            "orders": page.object_list,
            "page": page,
            "status": status,
            "statuses": OrderStatus.choices,
            "may_impose": has_capability(actor_of(request), MANAGE),
        },
    )


IMPOSE_ALIASES = {
    "address": "postcode",
    "barred_person": "barred_surname",
    "first_names": "barred_first_names",
    "surname": "barred_surname",
    "birth_date": "barred_birth_date",
    "bsn": "barred_surname",
}


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    actor = actor_of(request)
    instrument = risk.active_instrument()
    form = OrderImposeForm(
        request.POST or None, instrument=instrument, municipalities=Municipality.objects.order_by("name")
    )
    banned = BannedFormSet(request.POST or None, prefix="banned")
    if request.method == "POST" and form.is_valid() and banned.is_valid():
        try:
            order = _impose(request, form, banned)
        except ValidationError as exc:
            attach_errors(form, exc, aliases=IMPOSE_ALIASES, name_others=True)
        else:
            messages.success(request, _("Order %(reference)s imposed.") % {"reference": order.reference})
            return redirect("huisverbod:order_detail", pk=order.pk)
    return render(
        request,
        "huisverbod/order_form.html",
        {
            "form": form,
            "banned": banned,
            "instrument": instrument,
            "risk_rule": risk.rule_text(),
            "actor": actor,
        },
    )


@transaction.atomic
def _impose(request: HttpRequest, form: OrderImposeForm, banned: Any) -> Any:
    """Address, people and order in one transaction: a refusal leaves nothing behind."""
    data = form.cleaned_data
    municipality = data["municipality"]
    given = address_given(
        postcode=data["postcode"], house_number=data["house_number"], street=data["street"], town=data["town"]
    )
    address = find_or_create_address(
        postcode=given.postcode,
        house_number=given.house_number,
        house_letter=given.house_letter,
        addition=given.addition,
        street=given.street,
        town=given.town,
        municipality=municipality,
    )
    barred = resolve_person(
        first_names=data["barred_first_names"],
        surname=data["barred_surname"],
        surname_prefix=data["barred_surname_prefix"],
        birth_date=data["barred_birth_date"],
        gender=data["barred_gender"],
        address=address,
        source="huisverbod",
    ).person
    people = []
    for row in banned.cleaned_data:
        if not row or not row.get("surname"):
            continue
        person = resolve_person(
            first_names=row["first_names"],
            surname=row["surname"],
            surname_prefix=row.get("surname_prefix", ""),
            birth_date=row.get("birth_date"),
            address=address,
            source="huisverbod",
        ).person
        people.append((person, row["role"]))
    return services.impose_order(
        actor=actor_of(request),
        membership=acting_membership(request),
        municipality=municipality,
        address=address,
        barred_person=barred,
        banned=people,
        imposed_at=data["imposed_at"],
        form=data["form"],
        facts=data["facts"],
        risk_colours=form.risk_colours(),
        risk_decision=data["risk_decision"],
        vt_consulted_at=data["vt_consulted_at"],
        vt_consultation=data["vt_consultation"],
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.show_order(request=request, pk=pk)
    actor = actor_of(request)
    may_manage = has_capability(actor, MANAGE)
    return render(
        request,
        "huisverbod/order_detail.html",
        {
            "order": order,
            "may_manage": may_manage,
            "is_mayor": may_manage and services.is_mayors_office(actor, order.municipality),
            "late_hearings": {a.pk for a in order.appeals.all() if services.hearing_is_late(a)},
            "decision_kinds": DecisionKind.choices,
        },
    )


def _order_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    perform: Any,
    *,
    title: str,
    success: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    _require(request, MANAGE)
    order = selectors.show_order(
        request=request, pk=pk, action=Action.CHANGE if request.method == "POST" else Action.VIEW
    )
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(order, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc, aliases=aliases, name_others=True)
        else:
            messages.success(request, success)
            return redirect("huisverbod:order_detail", pk=order.pk)
    return render(request, "huisverbod/order_action.html", {"order": order, "form": form, "title": title})


@login_required
def order_extend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return _order_action(
        request,
        pk,
        ExtendForm,
        lambda order, d: services.extend_order(
            actor=actor,
            order=order,
            decided_at=d["decided_at"],
            until=d["until"],
            reasons=d["reasons"],
            hearing_at=d["hearing_at"],
        ),
        title=_("Extend the order"),
        success=_("The order is extended and its decision is ready."),
    )


@login_required
def order_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return _order_action(
        request,
        pk,
        WithdrawForm,
        lambda order, d: services.withdraw_order(
            actor=actor, order=order, at=d["withdrawn_at"], reasons=d["reasons"]
        ),
        title=_("Withdraw the order"),
        success=_("The order is withdrawn; its open deadlines are cancelled."),
        aliases={"withdrawn_by": "withdrawn_at"},
    )


@login_required
def order_record(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if what not in RECORD_FORMS:
        raise Http404
    actor = actor_of(request)
    performers = {
        "whereabouts": lambda order, d: services.record_whereabouts(
            actor=actor, order=order, address=d["address"], given_at=d["given_at"]
        ),
        "written-decision": lambda order, d: services.record_written_decision(
            actor=actor, order=order, at=d["at"]
        ),
        "hearing": lambda order, d: services.record_hearing(
            actor=actor, order=order, held_at=d["hearing_at"]
        ),
        "breach": lambda order, d: services.record_breach(
            actor=actor,
            order=order,
            occurred_at=d["occurred_at"],
            police_report_reference=d["police_report_reference"],
            note=d["note"],
        ),
        "appeal": lambda order, d: services.record_appeal(
            actor=actor, order=order, filed_on=d["filed_on"], interim_requested_at=d["interim_requested_at"]
        ),
    }
    return _order_action(
        request,
        pk,
        RECORD_FORMS[what],
        performers[what],
        title=str(RECORD_TITLES[what]),
        success=_("Recorded."),
        aliases={"given_at": "given_at"},
    )


@login_required
def appeal_update(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    _require(request, MANAGE)
    actor = actor_of(request)
    order = selectors.show_order(
        request=request, pk=pk, action=Action.CHANGE if request.method == "POST" else Action.VIEW
    )
    appeal = next((a for a in order.appeals.all() if a.pk == appeal_pk), None)
    if appeal is None:
        raise Http404
    form = AppealUpdateForm(
        request.POST or None,
        initial={"hearing_on": appeal.hearing_on, "outcome": appeal.outcome, "outcome_on": appeal.outcome_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["hearing_on"] and data["hearing_on"] != appeal.hearing_on:
                    services.record_appeal_hearing(actor=actor, appeal=appeal, hearing_on=data["hearing_on"])
                if data["outcome"] != AppealOutcome.PENDING:
                    services.record_court_outcome(
                        actor=actor, appeal=appeal, outcome=data["outcome"], outcome_on=data["outcome_on"]
                    )
        except ValidationError as exc:
            attach_errors(form, exc, name_others=True)
        else:
            messages.success(request, _("Recorded."))
            return redirect("huisverbod:order_detail", pk=order.pk)
    return render(
        request,
        "huisverbod/order_action.html",
        {
            "order": order,
            "form": form,
            "title": _("Appeal: hearing date and court outcome"),
            "appeal": appeal,
        },
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = selectors.show_document(request=request, order_pk=pk, document_pk=document_pk)
    services.log_print(actor=actor_of(request), document=document)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@login_required
def document_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DecisionKind.values:
        raise Http404
    _require(request, MANAGE)
    order = selectors.show_order(request=request, pk=pk)
    form = forms.Form(request.POST or None)
    if request.method == "POST":
        try:
            services.new_document_version(actor=actor_of(request), order=order, kind=kind)
        except ValidationError as exc:
            attach_errors(form, exc, name_others=True)
        else:
            messages.success(request, _("A new version of the decision is kept with the order."))
            return redirect("huisverbod:order_detail", pk=order.pk)
    return render(
        request,
        "huisverbod/order_action.html",
        {
            "order": order,
            "form": form,
            "title": _("New version of: %(kind)s") % {"kind": DecisionKind(kind).label},
            "confirm": _("Render the decision again with the region's current template."),
        },
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    shown = selectors.show_board(request=request)
    columns = [
        ("overdue", _("Overdue"), shown.overdue),
        ("today", _("Today"), shown.due_today),
        ("tomorrow", _("Tomorrow"), shown.tomorrow),
        ("week", _("This week (the next 7 days)"), shown.this_week),
    ]
    return render(request, "huisverbod/board.html", {"board": shown, "columns": columns})


@login_required
@require_GET
def help_task_list(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE, "view_cases", "file_meldcode")
    page = selectors.show_help_task_page(request=request, page_number=request.GET.get("page"))
    return render(request, "huisverbod/help_task_list.html", {"tasks": page.object_list, "page": page})


@login_required
def help_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.show_help_task(request=request, pk=pk)
    form = HelpTaskForm(request.POST or None, initial={"status": task.status, "note": task.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_help_task(
                actor=actor_of(request),
                task=task,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc, name_others=True)
        else:
            messages.success(request, _("Saved."))
            return redirect("huisverbod:help_task_list")
    return render(request, "huisverbod/help_task_detail.html", {"task": task, "form": form})
