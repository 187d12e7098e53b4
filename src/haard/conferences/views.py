"""Case conference pages. They read through the selectors (access-filtered, logged) and write
through the services; a refused write shows its error next to the field and saves nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.models import Organisation, User
from haard.audit.models import Action
from haard.conferences import selectors, services
from haard.conferences.forms import (
    ActionDoneForm,
    ActionFilterForm,
    ActionForm,
    AgendaItemForm,
    ConferenceForm,
    DecisionForm,
    MinutesForm,
    NewConferenceForm,
    ParticipantForm,
)
from haard.conferences.models import ActionStatus, AgendaItem, Conference, ConferenceParticipant
from haard.core.forms import attach_errors


def _require_personal_data(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "view_personal_data"):
        raise PermissionDenied


def _is_chair(request: HttpRequest, conference: Conference) -> bool:
    actor = actor_of(request)
    return conference.chair_id == actor.pk and has_capability(actor, services.CHAIR_CAPABILITY)


def _chaired(request: HttpRequest, pk: int) -> Conference:
    """A conference the actor chairs: 404 when they do not see it, 403 when they only take part."""
    conference = selectors.visible_conference(actor=actor_of(request), pk=pk)
    if not _is_chair(request, conference):
        raise PermissionDenied(_("Only the chair of this conference may change it."))
    return conference


# Conferences ---------------------------------------------------------------------------------


@login_required
@require_GET
def conference_list(request: HttpRequest) -> HttpResponse:
    """The conferences the user chairs or takes part in (no client data: titles and dates)."""
    _require_personal_data(request)
    page = selectors.conference_page(actor=actor_of(request), page_number=request.GET.get("page"))
    return render(
        request,
        "conferences/conference_list.html",
        {
            "page": page,
            "conferences": page.object_list,
            "may_chair": has_capability(actor_of(request), services.CHAIR_CAPABILITY),
        },
    )


def _own_organisations(actor: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=selectors.organisations_of(actor)).order_by("name")


@login_required
def conference_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not has_capability(actor, services.CHAIR_CAPABILITY):
        raise PermissionDenied
    form = NewConferenceForm(request.POST or None, organisations=_own_organisations(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conference = services.create_conference(
                actor=actor,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                location=data["location"],
                organisation=data["organisation"],
                basis=data["basis"],
                basis_explanation=data["basis_explanation"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Conference planned. Invite the participants and set the agenda."))
            return redirect("conferences:conference_detail", pk=conference.pk)
    return render(request, "conferences/conference_form.html", {"form": form, "conference": None})


@login_required
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _chaired(request, pk)
    initial = {
        "kind": conference.kind,
        "title": conference.title,
        "starts_at": timezone.localtime(conference.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "location": conference.location,
    }
    form = ConferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_conference(actor=actor_of(request), conference=conference, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Conference changed."))
            return redirect("conferences:conference_detail", pk=conference.pk)
    return render(request, "conferences/conference_form.html", {"form": form, "conference": conference})


@login_required
@require_GET
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The conference with its participants and, per case, the minutes, decisions and actions
    (only for cases the viewer works on)."""
    conference, entries = selectors.show_conference(request=request, pk=pk)
    return render(
        request,
        "conferences/conference_detail.html",
        {
            "conference": conference,
            "entries": entries,
            "is_chair": _is_chair(request, conference),
            "today": timezone.localdate(),
        },
    )


def _participant_candidates() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            api_client__isnull=True,
            memberships__active=True,
            memberships__role__group__permissions__codename="view_personal_data",
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Who takes part, from which organisation and on which basis; the chair invites here."""
    conference = _chaired(request, pk)
    form = ParticipantForm(request.POST or None, candidates=_participant_candidates())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_participant(
                actor=actor_of(request),
                conference=conference,
                user=data["user"],
                organisation=data["organisation"],
                basis=data["basis"],
                basis_explanation=data["basis_explanation"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Participant added."))
            return redirect("conferences:participants", pk=conference.pk)
    listed = ConferenceParticipant.objects.filter(conference=conference).select_related(
        "user", "organisation"
    )
    return render(
        request,
        "conferences/participants.html",
        {"conference": conference, "form": form, "participants": listed},
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    conference = _chaired(request, pk)
    participant = get_object_or_404(ConferenceParticipant, pk=participant_pk, conference=conference)
    try:
        services.remove_participant(actor=actor_of(request), participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Participant removed."))
    return redirect("conferences:participants", pk=conference.pk)


@login_required
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda: the cases and the criteria that brought them here. The chair adds cases."""
    actor = actor_of(request)
    conference = selectors.visible_conference(actor=actor, pk=pk)
    is_chair = _is_chair(request, conference)
    if request.method == "POST" and not is_chair:
        raise PermissionDenied(_("Only the chair of this conference may change it."))
    form = AgendaItemForm(request.POST or None) if is_chair else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.add_agenda_item(
                actor=actor,
                conference=conference,
                case_reference=data["case_reference"],
                criteria=list(data["criteria"]),
                reason=data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Case %(reference)s is on the agenda.") % {"reference": item.case.reference}
            )
            return redirect("conferences:agenda", pk=conference.pk)
    conference, entries = selectors.show_conference(request=request, pk=pk)
    return render(
        request,
        "conferences/agenda.html",
        {"conference": conference, "entries": entries, "form": form, "is_chair": is_chair},
    )


@login_required
def agenda_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One case at the conference: its minutes, decisions and actions. The chair records them
    here (one of three forms, named by the `form` field of the POST)."""
    actor = actor_of(request)
    item = selectors.show_agenda_item(request=request, pk=pk)
    is_chair = _is_chair(request, item.conference)
    if request.method == "POST" and not is_chair:
        raise PermissionDenied(_("Only the chair of this conference may change it."))
    owners = User.objects.filter(conference_participations__conference=item.conference).order_by(
        "last_name", "first_name"
    )
    which = request.POST.get("form", "") if request.method == "POST" else ""
    minutes_form = MinutesForm(
        request.POST if which == "minutes" else None, initial={"minutes": item.minutes}
    )
    decision_form = DecisionForm(request.POST if which == "decision" else None)
    action_form = ActionForm(request.POST if which == "action" else None, owners=owners)
    if request.method == "POST":
        done = _record(request, actor, item, which, minutes_form, decision_form, action_form)
        if done:
            return redirect("conferences:agenda_item", pk=item.pk)
    return render(
        request,
        "conferences/agenda_item.html",
        {
            "item": item,
            "conference": item.conference,
            "is_chair": is_chair,
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "action_form": action_form,
            "today": timezone.localdate(),
        },
    )


def _record(
    request: HttpRequest,
    actor: User,
    item: AgendaItem,
    which: str,
    minutes_form: MinutesForm,
    decision_form: DecisionForm,
    action_form: ActionForm,
) -> bool:
    form: Form
    try:
        if which == "minutes":
            form = minutes_form
            if form.is_valid():
                services.record_minutes(actor=actor, item=item, minutes=form.cleaned_data["minutes"])
                messages.success(request, _("Minutes saved."))
                return True
        elif which == "decision":
            form = decision_form
            if form.is_valid():
                services.record_decision(actor=actor, item=item, text=form.cleaned_data["text"])
                messages.success(request, _("Decision recorded."))
                return True
        elif which == "action":
            form = action_form
            if form.is_valid():
                data = form.cleaned_data
                services.add_action(
                    actor=actor,
                    item=item,
                    description=data["description"],
                    owner=data["owner"],
                    deadline=data["deadline"],
                )
                messages.success(request, _("Action added."))
                return True
        else:
            raise Http404
    except ValidationError as exc:
        attach_errors(form, exc)
    return False


# Action items ------------------------------------------------------------------------------


_ACTION_LIST_PARAMETERS = {"show", "mine", "page"}


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """The actions the user owns or follows as chair, filtered open / overdue / done / all."""
    unknown = set(request.GET) - _ACTION_LIST_PARAMETERS
    if unknown:
        # Only the list's own parameters are kept: nothing else of the address is echoed.
        kept = request.GET.copy()
        for name in unknown:
            kept.pop(name)
        return redirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)
    _require_personal_data(request)
    form = ActionFilterForm(request.GET or None)
    show, mine = "open", False
    if form.is_bound and form.is_valid():
        show = form.cleaned_data["show"] or "open"
        mine = form.cleaned_data["mine"]
    today = timezone.localdate()
    page = selectors.show_action_page(
        request=request, show=show, today=today, page_number=request.GET.get("page"), mine_only=mine
    )
    return render(
        request,
        "conferences/action_list.html",
        {"form": form, "page": page, "actions": page.object_list, "show": show, "today": today},
    )


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One action; its owner (or the conference's chair) marks it done here."""
    actor = actor_of(request)
    action = selectors.show_action(
        request=request, pk=pk, action=Action.CHANGE if request.method == "POST" else Action.VIEW
    )
    may_mark = services.may_mark_done(actor=actor, action=action)
    form = ActionDoneForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_mark:
            form.is_valid()
            form.add_error(
                None, _("Only the owner of this action or the chair of the conference may mark it done.")
            )
            status = 403
        elif form.is_valid():
            try:
                services.mark_action_done(
                    actor=actor,
                    action=action,
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Action marked done."))
                return redirect("conferences:action_detail", pk=action.pk)
    context: dict[str, Any] = {
        "action": action,
        "form": form,
        "may_mark": may_mark and action.status == ActionStatus.OPEN,
        "today": timezone.localdate(),
    }
    return render(request, "conferences/action_detail.html", context, status=status)
