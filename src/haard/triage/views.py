"""Assessment pages. Each reads through the selectors (access-filtered, logged) and writes
through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import acting_membership
from haard.core.forms import attach_errors
from haard.intake.models import Report
from haard.triage import clock as clocks
from haard.triage import selectors, services
from haard.triage.forms import AnswersForm, ConfirmForm, DecisionForm, RouteForm
from haard.triage.instrument import Chosen, first_rule
from haard.triage.models import AssessmentStatus, HandOver, HandOverStatus


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(actor_of(request), capability):
        raise PermissionDenied


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    _require(request, "assess_safety")
    show = request.GET.get("show", "open")
    if show not in selectors.SHOW_CHOICES:
        show = "open"
    page = selectors.show_assessment_page(request=request, show=show, page_number=request.GET.get("page"))
    return render(
        request,
        "triage/assessment_list.html",
        {"assessments": page.object_list, "page": page, "show": show, "rule": clocks.rule_text()},
    )


@login_required
@require_GET
def report_clock(request: HttpRequest, report_id: int) -> HttpResponse:
    """The clock of one report, with its assessment or the button to start it."""
    report, assessment, shown = selectors.show_report_clock(request=request, report_id=report_id)
    return render(
        request,
        "triage/report_clock.html",
        {
            "report": report,
            "assessment": assessment,
            "clock": shown,
            "rule": clocks.rule_text(),
            "may_assess": has_capability(actor_of(request), "assess_safety"),
        },
    )


@login_required
@require_POST
def assessment_start(request: HttpRequest, report_id: int) -> HttpResponse:
    _require(request, "assess_safety")
    report = Report.objects.visible_to(actor_of(request)).filter(pk=report_id).first()
    if report is None:
        raise Http404
    membership = acting_membership(request)
    try:
        assessment = services.open_or_join(report=report, team=membership.team if membership else None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("triage:report_clock", report_id=report.pk)
    return redirect("triage:assessment_detail", pk=assessment.pk)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument with the answers, the outcome so far and the rule that gives it."""
    _require(request, "assess_safety")
    actor = actor_of(request)
    shown = selectors.show_assessment(request=request, pk=pk)
    preview: tuple[Any, list[str]] | None = None
    if request.method == "POST":
        form = AnswersForm(request.POST, items=shown.items)
        if form.is_valid() and request.POST.get("action") == "preview":
            # htmx asks for the outcome of the answers on screen: computed, nothing saved.
            preview = _preview(shown, form.answers())
        elif form.is_valid():
            try:
                services.record_answers(
                    actor=actor,
                    assessment=shown.assessment,
                    answers=form.answers(),
                    notes=form.cleaned_data["notes"],
                )
                if request.POST.get("action") == "complete":
                    done = services.complete(actor=actor, assessment=shown.assessment)
                    if done.status == AssessmentStatus.AWAITING_CONFIRMATION:
                        messages.success(request, _("Assessment finished: a second expert must confirm it."))
                    else:
                        messages.success(request, _("Assessment finished: choose the route."))
                        return redirect("triage:assessment_route", pk=pk)
                else:
                    messages.success(request, _("Answers saved."))
                return redirect("triage:assessment_detail", pk=pk)
            except ValidationError as exc:
                attach_errors(form, exc, aliases=_answer_fields(shown))
    else:
        form = AnswersForm(items=shown.items, initial={"notes": shown.assessment.notes})
    rule, missing = preview or services.evaluate(shown.assessment)
    return render(
        request,
        "triage/assessment_detail.html",
        {
            "view": shown,
            "assessment": shown.assessment,
            "form": form,
            "preview_rule": rule,
            "missing": missing,
            "family": selectors.family_of(shown.assessment),
            "editable": shown.assessment.status == AssessmentStatus.OPEN,
            "rule_text": clocks.rule_text(),
        },
    )


def _answer_fields(shown: selectors.AssessmentView) -> dict[str, str]:
    """The services name an answer `answers.<item code>`; the form's field is `item_<code>`."""
    return {f"answers.{item.code}": f"item_{item.code}" for item, _options, _answer in shown.items}


def _preview(shown: selectors.AssessmentView, answers: dict[str, str]) -> tuple[Any, list[str]]:
    chosen = []
    missing = []
    for item, options, _answer in shown.items:
        option = next((o for o in options if o.code == answers.get(item.code)), None)
        if option is None:
            missing.append(item.code)
        else:
            chosen.append(Chosen(item.code, option.code, option.score, option.colour))
    if missing:
        return None, missing
    return first_rule(shown.assessment.instrument.rules.all(), chosen), []


@login_required
def assessment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The second expert (four eyes) confirms or sends back."""
    _require(request, "assess_safety")
    shown = selectors.show_assessment(request=request, pk=pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm(
                actor=actor_of(request),
                assessment=shown.assessment,
                agree=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("triage:assessment_detail", pk=pk)
    return render(
        request,
        "triage/assessment_confirm.html",
        {
            "assessment": shown.assessment,
            "view": shown,
            "form": form,
            "family": selectors.family_of(shown.assessment),
        },
    )


@login_required
def assessment_route(request: HttpRequest, pk: int) -> HttpResponse:
    """The route after the assessment, with its reason."""
    _require(request, "assess_safety")
    shown = selectors.show_assessment(request=request, pk=pk)
    form = RouteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = acting_membership(request)
        organisation = data["receiving_organisation"]
        try:
            services.choose_route(
                actor=actor_of(request),
                assessment=shown.assessment,
                route=data["route"],
                reason=data["reason"],
                team=membership.team if membership else None,
                investigation_reason=data["investigation_reason"],
                deadline=data["deadline"],
                target=data["target"],
                receiving_organisation_id=organisation.pk if organisation else None,
                message=data["message"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The route is recorded."))
            return redirect("triage:assessment_detail", pk=pk)
    return render(
        request,
        "triage/assessment_route.html",
        {
            "assessment": shown.assessment,
            "view": shown,
            "form": form,
            "family": selectors.family_of(shown.assessment),
        },
    )


@login_required
@require_GET
def handover_inbox(request: HttpRequest) -> HttpResponse:
    """Hand-over proposals addressed to the user's organisation (all of them for Veilig Thuis)."""
    _require(request, "view_cases")
    status = request.GET.get("status", HandOverStatus.PROPOSED)
    if status not in HandOverStatus.values:
        status = ""
    page = selectors.show_handover_page(request=request, status=status, page_number=request.GET.get("page"))
    return render(
        request,
        "triage/handover_inbox.html",
        {"handovers": page.object_list, "page": page, "status": status, "statuses": HandOverStatus.choices},
    )


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: the family, the outcome, the route's reason and the message; the
    receiving organisation accepts or refuses here."""
    _require(request, "view_cases")
    handover: HandOver = selectors.show_handover(request=request, pk=pk)
    actor = actor_of(request)
    may_decide = handover.status == HandOverStatus.PROPOSED and bool(
        services.receiving_memberships(actor, handover.receiving_organisation_id)
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide and handover.status == HandOverStatus.PROPOSED:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide_handover(
                    actor=actor,
                    handover=handover,
                    accept=form.cleaned_data["decision"] == "accept",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect("triage:handover_detail", pk=pk)
    return render(
        request,
        "triage/handover_detail.html",
        {
            "handover": handover,
            "assessment": handover.assessment,
            "family": selectors.family_of(handover.assessment),
            "form": form,
            "may_decide": may_decide,
        },
    )
