"""Case pages. Each one reads through the selectors (access-filtered) and logs the access;
changes go through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from haard.accounts import services as account_services
from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.models import User
from haard.accounts.selectors import acting_membership
from haard.audit.models import Action
from haard.cases import selectors, services
from haard.cases.forms import (
    AgreementForm,
    EmergencyAccessForm,
    FollowUpForm,
    GoalForm,
    GoalUpdateForm,
    LeadForm,
    MeasureFormSet,
    NoteForm,
    ParticipantForm,
    PlanForm,
    StatusForm,
)
from haard.cases.models import Case, CaseMember, CaseParticipant, CaseStatus, FollowUpCheck, Goal
from haard.core.forms import attach_errors
from haard.core.pdf import render_pdf


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
    file = selectors.case_file(actor=actor_of(request), case=case)
    return render(request, "cases/case_detail.html", {"case": case, "emergency": emergency, "file": file})


def _managed_case(request: HttpRequest, pk: int) -> Case:
    """The visible case (logged) that the user may change; 404 or 403 otherwise."""
    if not has_capability(actor_of(request), "manage_cases"):
        raise PermissionDenied
    case = selectors.show_case_part(request=request, pk=pk)
    if not services.may_manage(actor_of(request), case):
        raise PermissionDenied
    return case


def _case_change(
    request: HttpRequest,
    case: Case,
    form: BaseForm,
    save: Callable[[dict[str, Any]], object],
    *,
    success: str,
    title: str,
    submit: str,
    intro: str = "",
) -> HttpResponse:
    """The page of one change to the case: a valid POST goes to `save` with the cleaned data and
    then back to the case; a refusal shows on the form and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:case_detail", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": title, "submit": submit, "intro": intro},
    )


@login_required
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    form = StatusForm(request.POST or None, case=case)
    intro = _("Closing the case schedules the follow-up checks: %(months)s months after closure.") % {
        "months": ", ".join(str(m) for m in services.follow_up_months())
    }
    return _case_change(
        request,
        case,
        form,
        lambda data: services.change_status(
            actor=actor_of(request), case=case, status=data["status"], reason=data["reason"]
        ),
        success=_("The status of the case has changed."),
        title=_("Change the status"),
        submit=_("Change status"),
        intro=intro,
    )


@login_required
def case_lead(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    form = LeadForm(
        request.POST or None,
        case=case,
        initial={"lead_organisation": case.lead_organisation_id, "case_director": case.case_director_id},
    )
    return _case_change(
        request,
        case,
        form,
        lambda data: services.set_lead(actor=actor_of(request), case=case, **data),
        success=_("Lead organisation and case director saved."),
        title=_("Lead and case director"),
        submit=_("Save"),
    )


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    form = ParticipantForm(request.POST or None, case=case)
    return _case_change(
        request,
        case,
        form,
        lambda data: services.add_participant(actor=actor_of(request), case=case, user=data["user"]),
        success=_("The participant was added and now sees the case."),
        title=_("Add a participant"),
        submit=_("Add"),
        intro=_(
            "A participant sees the case, and the plan parts shared with participants, until they leave it."
        ),
    )


@login_required
def participant_leave(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.show_case_part(request=request, pk=pk)
    participant = CaseParticipant.objects.filter(pk=participant_pk, case=case, left_on__isnull=True).first()
    if participant is None:
        raise Http404
    if participant.user_id != actor.pk and not services.may_manage(actor, case):
        raise PermissionDenied
    if request.method == "POST":
        services.leave_case(actor=actor, participant=participant)
        messages.success(request, _("The participation has ended."))
        if participant.user_id == actor.pk:
            return redirect("cases:case_list")
        return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/participant_leave.html", {"case": case, "participant": participant})


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    veilig_thuis = services.is_veilig_thuis(actor_of(request))
    form = GoalForm(request.POST or None, case=case, veilig_thuis=veilig_thuis)
    return _case_change(
        request,
        case,
        form,
        lambda data: services.add_goal(actor=actor_of(request), case=case, **data),
        success=_("Goal added."),
        title=_("Add a goal"),
        submit=_("Add goal"),
    )


@login_required
def goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    goal = Goal.objects.filter(selectors.shared_with(actor_of(request)), pk=goal_pk, case=case).first()
    if goal is None:
        raise Http404
    form = GoalUpdateForm(request.POST or None, initial={"status": goal.status, "due_on": goal.due_on})
    return _case_change(
        request,
        case,
        form,
        lambda data: services.update_goal(actor=actor_of(request), goal=goal, **data),
        success=_("Goal saved."),
        title=_("Update the goal"),
        submit=_("Save"),
        intro=goal.description,
    )


@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    form = NoteForm(request.POST or None, veilig_thuis=services.is_veilig_thuis(actor_of(request)))
    return _case_change(
        request,
        case,
        form,
        lambda data: services.add_note(actor=actor_of(request), case=case, **data),
        success=_("Note added."),
        title=_("Add a note"),
        submit=_("Add note"),
        intro=_("Veilig Thuis investigation notes are for Veilig Thuis only; partners do not see them."),
    )


def _measure_inputs(formset: Any) -> tuple[list[services.MeasureInput], list[Any]]:
    inputs, used = [], []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("remove"):
            continue
        inputs.append(
            services.MeasureInput(
                key=data.get("key", ""),
                term=data["term"],
                description=data["description"],
                owner=data["owner"],
                deadline=data["deadline"],
                status=data["status"],
            )
        )
        used.append(form)
    return inputs, used


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Make or change the safety plan. Saving makes a new version; an edit that started from
    an older version than the current one is refused with the current plan shown, and the
    edit stays in the form."""
    case = _managed_case(request, pk)
    actor = actor_of(request)
    current = selectors.current_plan(case)
    owners = services.possible_owners(case)
    conflict = None
    if request.method == "POST":
        plan_form = PlanForm(request.POST, prefix="plan")
        formset = MeasureFormSet(request.POST, prefix="measures", form_kwargs={"owners": owners})
        if plan_form.is_valid() and formset.is_valid():
            inputs, used = _measure_inputs(formset)
            try:
                services.save_safety_plan(
                    actor=actor,
                    case=case,
                    base_version=plan_form.cleaned_data["base_version"],
                    measures=inputs,
                    note=plan_form.cleaned_data["note"],
                )
            except services.PlanConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["plan-base_version"] = str(exc.current.number)
                plan_form = PlanForm(data, prefix="plan")
                plan_form.is_valid()
                current = selectors.current_plan(case)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    index, _sep, name = field.partition("].")
                    if field.startswith("measures[") and name:
                        used[int(index.removeprefix("measures["))].add_error(name, errors)
                    else:
                        plan_form.add_error(None, errors)
            else:
                messages.success(request, _("The safety plan is saved as a new version."))
                return redirect("cases:case_detail", pk=case.pk)
    else:
        plan_form = PlanForm(prefix="plan", initial={"base_version": current.number if current else 0})
        initial = (
            [
                {
                    "key": m.key,
                    "term": m.term,
                    "description": m.description,
                    "owner": m.owner_id,
                    "deadline": m.deadline,
                    "status": m.status,
                }
                for m in current.measures.all()
            ]
            if current
            else []
        )
        formset = MeasureFormSet(prefix="measures", initial=initial, form_kwargs={"owners": owners})
    return render(
        request,
        "cases/plan_edit.html",
        {
            "case": case,
            "plan_form": plan_form,
            "formset": formset,
            "conflict": conflict,
            "current": current,
            "current_measures": list(current.measures.select_related("owner"))
            if conflict and current
            else [],
        },
    )


@login_required
@require_GET
def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.show_case_part(request=request, pk=pk, what="cases.SafetyPlan")
    return render(
        request, "cases/plan_versions.html", {"case": case, "versions": selectors.plan_versions(case=case)}
    )


@login_required
@require_GET
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    case = selectors.show_case_part(request=request, pk=pk, what="cases.SafetyPlan")
    version = selectors.plan_version(case=case, number=number)
    before = selectors.plan_version(case=case, number=number - 1) if number > 1 else None
    return render(
        request,
        "cases/plan_version.html",
        {
            "case": case,
            "version": version,
            "before": before,
            "changes": selectors.plan_changes(before, version),
        },
    )


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The current safety plan as a PDF in Dutch; printing is logged."""
    case = selectors.show_case_part(request=request, pk=pk, action=Action.PRINT, what="cases.SafetyPlan")
    file = selectors.case_file(actor=actor_of(request), case=case)
    if file.plan_version is None:
        raise Http404
    pdf = render_pdf(
        "cases/plan_print.html",
        {"case": case, "file": file, "printed_at": timezone.localtime(), "printed_by": actor_of(request)},
        language="nl",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="veiligheidsplan-{case.reference}-v{file.plan_version.number}.pdf"'
    )
    return response


@login_required
def agreement_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    version = selectors.current_plan(case)
    if version is None:
        raise Http404
    form = AgreementForm(request.POST or None, case=case)

    def record(data: dict[str, Any]) -> None:
        kind, _sep, raw_id = data["party"].partition(":")
        member = CaseMember.objects.filter(case=case, person_id=raw_id).first() if kind == "p" else None
        services.record_agreement(
            actor=actor_of(request),
            version=version,
            person=member.person if member else None,
            user=User.objects.filter(pk=raw_id).first() if kind == "u" else None,
            agreed_on=data["agreed_on"],
        )

    return _case_change(
        request,
        case,
        form,
        record,
        success=_("The agreement is recorded."),
        title=_("Agreement to the plan"),
        submit=pgettext("verb", "Record"),
        intro=_("Record who agreed to version %(number)s of the safety plan.") % {"number": version.number},
    )


@login_required
def follow_up_record(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    check = FollowUpCheck.objects.filter(pk=check_pk, case=case).first()
    if check is None:
        raise Http404
    form = FollowUpForm(request.POST or None)
    intro = _("Follow-up %(months)s months after closure, due on %(due)s.") % {
        "months": check.months_after_closure,
        "due": check.due_on.strftime("%d-%m-%Y"),
    }
    return _case_change(
        request,
        case,
        form,
        lambda data: services.record_follow_up(actor=actor_of(request), check=check, **data),
        success=_("The follow-up check is recorded."),
        title=_("Record a follow-up check"),
        submit=pgettext("verb", "Record"),
        intro=intro,
    )


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
