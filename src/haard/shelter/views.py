"""Shelter pages. Thin: check the role, read through the selectors (which log), write through
the services. A facility's pages are its own staff's only (404 for everyone else)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.cases.models import Case
from haard.core.forms import attach_errors
from haard.shelter import selectors, services
from haard.shelter.access import own_facility_ids, sees_capacity
from haard.shelter.forms import (
    MAX_CHILDREN,
    CapacityFilterForm,
    DepartureForm,
    MoveForm,
    PlacementForm,
    ReferralForm,
    WaitingEntryForm,
)
from haard.shelter.models import Facility


def _require_coordinator(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "manage_shelter"):
        raise PermissionDenied


def _case(form: Any, actor: Any) -> tuple[bool, Case | None]:
    """The case named by reference, if the actor works on it; (False, None) after an error."""
    reference = (form.cleaned_data.get("case_reference") or "").strip()
    if not reference:
        return True, None
    case = Case.objects.visible_to(actor).filter(reference=reference).first()
    if case is None:
        form.add_error("case_reference", _("No case you work on has this reference."))
        return False, None
    return True, case


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The facilities the user works in, with their occupancy."""
    _require_coordinator(request)
    rows = selectors.own_facilities(actor=actor_of(request))
    return render(request, "shelter/home.html", {"rows": rows})


@login_required
@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    """Free places by type right now in a region: figures only, addresses masked."""
    actor = actor_of(request)
    if not sees_capacity(actor):
        raise PermissionDenied
    form = CapacityFilterForm(request.GET or None)
    region = selectors.home_region(actor)
    facility_type = ""
    if form.is_valid():
        region = form.cleaned_data["region"] or region
        facility_type = form.cleaned_data["type"] or ""
    elif request.GET:
        region = None
    own_region = selectors.home_region(actor)
    result = selectors.capacity(actor=actor, region=region, facility_type=facility_type)
    return render(
        request,
        "shelter/capacity.html",
        {"form": form, "capacity": result, "other_region": region is not None and region != own_region},
    )


@login_required
@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.show_facility(request=request, pk=pk)
    return render(request, "shelter/facility_detail.html", {"view": view, "row": view.row})


def _own_facility_or_404(request: HttpRequest, pk: int) -> Facility:
    actor = actor_of(request)
    if pk not in own_facility_ids(actor):
        raise Http404
    return Facility.objects.get(pk=pk)


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place an adult and the children coming along, new or from the waiting list."""
    actor = actor_of(request)
    facility = _own_facility_or_404(request, pk)
    waiting = selectors.waiting_list(actor=actor, facility=facility)
    form = PlacementForm(request.POST or None, waiting=waiting)
    if request.method == "POST" and form.is_valid():
        found, case = _case(form, actor)
        if found:
            data = form.cleaned_data
            try:
                placement = services.register_and_place(
                    actor=actor,
                    facility_id=facility.pk,
                    adult=form.new_person(),
                    children=form.children(),
                    arrived_on=data["arrived_on"],
                    planned_departure_on=data.get("planned_departure_on"),
                    case=case,
                    waiting_entry=data.get("waiting_entry"),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("The placement is recorded."))
                return redirect("shelter:placement_detail", pk=placement.pk)
    selectors.log_shown(
        request=request, record_type="shelter.WaitingListEntry", people=[e.person_id for e in waiting]
    )
    child_rows = [
        [form[f"child_{i}_first_names"], form[f"child_{i}_surname"], form[f"child_{i}_birth_date"]]
        for i in range(1, MAX_CHILDREN + 1)
    ]
    return render(
        request,
        "shelter/place.html",
        {"form": form, "facility": facility, "child_rows": child_rows, "adult_fields": _adult_fields(form)},
    )


def _adult_fields(form: PlacementForm) -> list[Any]:
    names = ["waiting_entry", "first_names", "surname", "birth_date", "gender", "case_reference"]
    return [form[name] for name in names]


@login_required
def waiting_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a new person on the facility's waiting list."""
    actor = actor_of(request)
    facility = _own_facility_or_404(request, pk)
    form = WaitingEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found, case = _case(form, actor)
        person = form.new_person()
        if found and person is not None:
            data = form.cleaned_data
            try:
                services.register_and_wait(
                    actor=actor,
                    facility_id=facility.pk,
                    person=person,
                    priority=data["priority"],
                    reason=data["reason"],
                    children=data["children"],
                    case=case,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Added to the waiting list."))
                return redirect("shelter:facility_detail", pk=facility.pk)
    return render(request, "shelter/waiting_add.html", {"form": form, "facility": facility})


@login_required
@require_GET
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.show_placement(request=request, pk=pk)
    return render(request, "shelter/placement_detail.html", {"placement": placement})


@login_required
def depart(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a departure with the destination (children placed with the person leave too)."""
    actor = actor_of(request)
    placement = selectors.show_placement(request=request, pk=pk)
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_departure(
                actor=actor,
                placement_id=placement.pk,
                departed_on=data["departed_on"],
                destination=data["destination"],
                destination_note=data["destination_note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The departure is recorded."))
            return redirect("shelter:facility_detail", pk=placement.facility_id)
    return render(request, "shelter/depart.html", {"form": form, "placement": placement})


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a person (and the children placed with them) to another facility."""
    actor = actor_of(request)
    placement = selectors.show_placement(request=request, pk=pk)
    facilities = selectors.move_targets(placement=placement)
    form = MoveForm(request.POST or None, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.move_placement(
                actor=actor,
                placement_id=placement.pk,
                to_facility_id=data["to_facility"].pk,
                moved_on=data["moved_on"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The move to %(facility)s is recorded.") % {"facility": moved.facility}
            )
            return redirect("shelter:facility_detail", pk=placement.facility_id)
    return render(request, "shelter/move.html", {"form": form, "placement": placement})


@login_required
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer someone on the waiting list to another region's facility, with the reason."""
    actor = actor_of(request)
    entry = selectors.show_waiting_entry(request=request, pk=pk)
    facilities = selectors.other_region_facilities(region=entry.facility.region)
    form = ReferralForm(request.POST or None, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_to_other_region(
                actor=actor,
                waiting_entry_id=entry.pk,
                to_facility_id=data["to_facility"].pk,
                ground=data["ground"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The referral is recorded."))
            return redirect("shelter:facility_detail", pk=entry.facility_id)
    return render(request, "shelter/refer.html", {"form": form, "entry": entry})
