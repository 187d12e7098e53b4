"""Meldcode pages: the professional's records and their five steps, Veilig Thuis' feedback,
the partner network with its coverage, and the region's figures. Views validate, call a
selector or service, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.models import Organisation
from haard.accounts.selectors import acting_membership
from haard.core.forms import attach_errors
from haard.meldcode import selectors, services
from haard.meldcode.decision import QUESTIONS, walk
from haard.meldcode.forms import (
    ActivityForm,
    AnswerForm,
    ConsultationForm,
    ConversationForm,
    FeedbackForm,
    PartnerProfileForm,
    PeopleFormSet,
    RecordDetailsForm,
    SignsForm,
    WeighingForm,
    people_given,
    yes_no,
)
from haard.meldcode.models import MeldcodeRecord, RecordStatus, Sector
from haard.meldcode.relations import may_edit_network, may_give_feedback

STEP_TITLES = {
    1: gettext_lazy("Step 1: map the signs"),
    2: gettext_lazy("Step 2: consult a colleague and/or Veilig Thuis"),
    3: gettext_lazy("Step 3: talk with the client"),
    4: gettext_lazy("Step 4: weigh the nature and severity"),
    5: gettext_lazy("Step 5: decide with the afwegingskader"),
}
STEP_FORMS: dict[int, type[forms.Form]] = {
    1: SignsForm,
    2: ConsultationForm,
    3: ConversationForm,
    4: WeighingForm,
}


def _require_file_meldcode(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "file_meldcode"):
        raise PermissionDenied


# Records --------------------------------------------------------------------------------------


@login_required
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not has_capability(actor, "file_meldcode") and not has_capability(actor, "view_personal_data"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in RecordStatus.values:
        status = ""
    page = selectors.show_record_page(request=request, status=status, page_number=request.GET.get("page"))
    return render(
        request,
        "meldcode/record_list.html",
        {
            "page": page,
            "status": status,
            "statuses": RecordStatus.choices,
            "may_file": has_capability(actor, "file_meldcode"),
        },
    )


def _details_forms(request: HttpRequest, record: MeldcodeRecord | None) -> tuple[RecordDetailsForm, Any]:
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    people_initial: list[dict[str, Any]] = []
    if record is not None:
        initial = {
            "concern": record.concern,
            "municipality": record.municipality_id,
            "postcode": record.postcode,
            "house_number": (
                f"{record.house_number}{record.house_letter}"
                + (f"-{record.house_number_addition}" if record.house_number_addition else "")
                if record.house_number
                else ""
            ),
            "street": record.street,
            "town": record.town,
        }
        people_initial = [
            {
                "first_names": p.first_names,
                "surname_prefix": p.surname_prefix,
                "surname": p.surname,
                "birth_date": p.birth_date,
                "gender": p.gender,
                "role": p.role,
            }
            for p in record.people.all()
        ]
    else:
        membership = acting_membership(request)
        if membership is not None:
            first = membership.team.organisation.municipalities.order_by("name").first()
            if first is not None:
                initial["municipality"] = first.pk
    return (
        RecordDetailsForm(data, initial=initial),
        PeopleFormSet(data, prefix="people", initial=people_initial),
    )


@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    """Open a record: the concern, the address and the people (all may follow later)."""
    _require_file_meldcode(request)
    form, people = _details_forms(request, None)
    if request.method == "POST" and form.is_valid() and people.is_valid():
        try:
            record = services.start_record(
                actor=actor_of(request),
                membership=acting_membership(request),
                municipality=form.cleaned_data["municipality"],
                concern=form.cleaned_data["concern"],
                address=form.address(),
                people=people_given(people),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Record %(reference)s opened.") % {"reference": record.reference})
            return redirect("meldcode:record_detail", pk=record.pk)
    return render(request, "meldcode/record_form.html", {"form": form, "people": people, "record": None})


@login_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the concern, the address and the people of an open record."""
    _require_file_meldcode(request)
    record = selectors.show_record(request=request, pk=pk)
    if record.author_id != request.user.pk or record.current_step is None:
        raise PermissionDenied
    form, people = _details_forms(request, record)
    if request.method == "POST" and form.is_valid() and people.is_valid():
        try:
            services.update_details(
                actor=actor_of(request),
                record=record,
                municipality=form.cleaned_data["municipality"],
                concern=form.cleaned_data["concern"],
                address=form.address(),
                people=people_given(people),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Record changed."))
            return redirect("meldcode:record_detail", pk=record.pk)
    return render(request, "meldcode/record_form.html", {"form": form, "people": people, "record": record})


def _decision_rows(record: MeldcodeRecord) -> list[dict[str, Any]]:
    answers = {a.question: a for a in record.answers.all()}
    return [{"question": QUESTIONS[n], "answer": answers[n]} for n in sorted(answers)]


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.show_record(request=request, pk=pk)
    actor = actor_of(request)
    return render(
        request,
        "meldcode/record_detail.html",
        {
            "record": record,
            "decisions": _decision_rows(record),
            "is_author": record.author_id == actor.pk,
            "may_give_feedback": record.report_id is not None and may_give_feedback(actor),
            "step_title": STEP_TITLES.get(record.current_step or 0, ""),
        },
    )


def _save_step(request: HttpRequest, record: MeldcodeRecord, step: int, data: dict[str, Any]) -> None:
    actor = actor_of(request)
    if step == 1:
        services.record_signs(actor=actor, record=record, signs=data["signs"])
    elif step == 2:
        services.record_consultation(
            actor=actor,
            record=record,
            colleague=data["consulted_colleague"],
            veilig_thuis=data["consulted_veilig_thuis"],
            notes=data["consultation_notes"],
        )
    elif step == 3:
        services.record_conversation(
            actor=actor,
            record=record,
            held=yes_no(data["conversation_held"]),
            notes=data["conversation_notes"],
            reason_not=data["no_conversation_reason"],
        )
    else:
        services.record_weighing(actor=actor, record=record, risk=data["risk"], notes=data["weighing_notes"])


@login_required
def record_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """Steps 1 to 4, one page each; a step out of turn is refused with the step to do."""
    _require_file_meldcode(request)
    if step not in STEP_FORMS:
        return (
            redirect("meldcode:record_decide", pk=pk)
            if step == 5
            else redirect("meldcode:record_detail", pk=pk)
        )
    record = selectors.show_record(request=request, pk=pk)
    if record.author_id != request.user.pk:
        raise PermissionDenied
    if record.current_step != step and request.method != "POST":
        messages.error(request, _("This step is not the one to record now."))
        return redirect("meldcode:record_detail", pk=pk)
    form = STEP_FORMS[step](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(request, record, step, form.cleaned_data)
        except ValidationError as exc:
            if "step" in getattr(exc, "message_dict", {}):
                messages.error(request, exc.message_dict["step"][0])
                return redirect("meldcode:record_detail", pk=pk)
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(step)s recorded.") % {"step": STEP_TITLES[step]})
            return redirect("meldcode:record_detail", pk=pk)
    return render(
        request,
        "meldcode/record_step.html",
        {"record": record, "form": form, "step": step, "step_title": STEP_TITLES[step]},
    )


@login_required
def record_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 5: the afwegingskader, one question at a time."""
    _require_file_meldcode(request)
    record = selectors.show_record(request=request, pk=pk)
    if record.author_id != request.user.pk:
        raise PermissionDenied
    if record.current_step != 5:
        messages.error(request, _("The decision follows steps 1 to 4."))
        return redirect("meldcode:record_detail", pk=pk)
    next_question = walk(services.answers_of(record))
    if not isinstance(next_question, int):
        return redirect("meldcode:record_detail", pk=pk)
    form = AnswerForm(request.POST or None, initial={"question": next_question})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.answer_question(
                actor=actor_of(request),
                membership=acting_membership(request),
                record=record,
                question=form.cleaned_data["question"],
                answer=yes_no(form.cleaned_data["answer"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if record.report is not None:
                reference = record.report.reference
                messages.success(
                    request, _("Reported to Veilig Thuis as %(reference)s.") % {"reference": reference}
                )
                return redirect("meldcode:record_detail", pk=pk)
            if record.current_step is None:
                messages.success(request, _("Decision recorded; the record is closed."))
                return redirect("meldcode:record_detail", pk=pk)
            return redirect("meldcode:record_decide", pk=pk)
    return render(
        request,
        "meldcode/record_decide.html",
        {
            "record": record,
            "form": form,
            "question": QUESTIONS[next_question],
            "decisions": _decision_rows(record),
            "step_title": STEP_TITLES[5],
        },
    )


# Feedback from Veilig Thuis -----------------------------------------------------------------


@login_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    waiting = request.GET.get("show") != "all"
    page = selectors.show_feedback_page(request=request, waiting=waiting, page_number=request.GET.get("page"))
    return render(request, "meldcode/feedback_list.html", {"page": page, "waiting": waiting})


@login_required
def feedback_give(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_give_feedback(actor_of(request)):
        raise PermissionDenied
    record = selectors.show_record(request=request, pk=pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(
                actor=actor_of(request),
                record=record,
                stage=form.cleaned_data["stage"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Feedback sent to the professional."))
            return redirect("meldcode:feedback_list")
    return render(request, "meldcode/feedback_form.html", {"record": record, "form": form})


# The partner network ------------------------------------------------------------------------


@login_required
@require_GET
def network(request: HttpRequest) -> HttpResponse:
    sector = request.GET.get("sector", "")
    if sector not in Sector.values:
        sector = ""
    actor = actor_of(request)
    return render(
        request,
        "meldcode/network.html",
        {
            "organisations": selectors.network(actor=actor, sector=sector),
            "sector": sector,
            "sectors": Sector.choices,
            "may_edit": may_edit_network(actor),
        },
    )


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    organisation, profile, activities = selectors.organisation_detail(actor=actor, pk=pk)
    return render(
        request,
        "meldcode/organisation_detail.html",
        {
            "organisation": organisation,
            "profile": profile,
            "activities": activities,
            "may_edit": may_edit_network(actor),
        },
    )


def _editable_organisation(request: HttpRequest, pk: int) -> tuple[Organisation, Any]:
    actor = actor_of(request)
    if not may_edit_network(actor):
        raise PermissionDenied
    organisation, profile, _activities = selectors.organisation_detail(actor=actor, pk=pk)
    return organisation, profile


@login_required
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, profile = _editable_organisation(request, pk)
    initial = (
        {
            "sector": profile.sector,
            "veilig_thuis_contact": profile.veilig_thuis_contact,
            "has_meldcode": profile.has_meldcode,
            "meldcode_since": profile.meldcode_since,
            "meldcode_contact": profile.meldcode_contact_id,
        }
        if profile
        else {}
    )
    form = PartnerProfileForm(request.POST or None, initial=initial, organisation=organisation)
    return _network_change(
        request,
        organisation,
        form,
        services.save_partner_profile,
        success=_("Partner profile saved."),
        template="meldcode/profile_form.html",
    )


@login_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, _profile = _editable_organisation(request, pk)
    form = ActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _network_change(
        request,
        organisation,
        form,
        services.add_prevention_activity,
        success=_("Activity recorded."),
        template="meldcode/activity_form.html",
    )


def _network_change(
    request: HttpRequest,
    organisation: Organisation,
    form: forms.Form,
    save: Callable[..., object],
    *,
    success: str,
    template: str,
) -> HttpResponse:
    """A change to an organisation in the partner network: a valid POST goes to the service
    `save` (with the actor, the organisation and the form's data) and back to the organisation;
    a refusal shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=actor_of(request), organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("meldcode:organisation_detail", pk=organisation.pk)
    return render(request, template, {"organisation": organisation, "form": form})


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    rows = selectors.coverage(actor=actor_of(request))
    return render(request, "meldcode/coverage.html", {"rows": rows})


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    rows = selectors.figures(actor=actor, year=year)
    threshold = selectors.suppression_threshold()
    columns = [("started", _("records started"))] + [(value, label) for value, label in RecordStatus.choices]
    table = [
        {
            "label": row.label,
            "cells": [selectors.suppress(row.counts.get(column, 0), threshold) for column, _label in columns],
        }
        for row in rows
    ]
    return render(
        request,
        "meldcode/figures.html",
        {"table": table, "columns": columns, "threshold": threshold, "year": year},
    )
