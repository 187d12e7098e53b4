"""Intake pages: the report list with filters and saved views, a report, and taking a report.
Views validate, call a selector or service, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.accounts.selectors import acting_membership
from haard.core.forms import attach_errors
from haard.intake import selectors, services
from haard.intake.forms import AttachmentForm, InvolvedFormSet, ReportFilterForm, ReportForm, SavedViewForm
from haard.intake.models import SavedView
from haard.registry.services import find_address, parse_house_number
from haard.registry.validation import normalise_postcode


def _require_personal_data(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "view_personal_data"):
        raise PermissionDenied


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    _require_personal_data(request)
    form = ReportFilterForm(request.GET or None)
    filters = selectors.ReportFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ReportFilters(
            kind=data["kind"],
            source=data["source"],
            status=data["status"],
            repeat_class=data["repeat_class"],
            municipality_id=data["municipality"].pk if data["municipality"] else None,
            since=data["since"],
            until=data["until"],
            reference=data["reference"],
        )
    page = None
    if not form.is_bound or form.is_valid():
        page = selectors.show_report_page(
            request=request, filters=filters, page_number=request.GET.get("page")
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/report_list.html",
        {
            "form": form,
            "page": page,
            "saved_views": SavedView.objects.filter(user=actor_of(request)),
            "save_form": SavedViewForm(initial={"query": query.urlencode()}),
            "may_take_reports": bool(services.allowed_sources(actor_of(request))),
        },
    )


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    _require_personal_data(request)
    form = SavedViewForm(request.POST)
    if form.is_valid():
        SavedView.objects.update_or_create(
            user=actor_of(request),
            name=form.cleaned_data["name"],
            defaults={"query": form.cleaned_data["query"]},
        )
        messages.success(request, _("View saved."))
    else:
        messages.error(request, _("Give the view a name."))
    return redirect("intake:report_list")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SavedView, pk=pk, user=actor_of(request)).delete()
    return redirect("intake:report_list")


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.show_report(request=request, pk=pk)
    return render(
        request,
        "intake/report_detail.html",
        {
            "report": report,
            "may_see_reporter": selectors.may_see_reporter(actor=actor_of(request), report=report),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Take a report: the phone line's fast form, also used by professionals and police (their
    sources are limited by their role)."""
    actor = actor_of(request)
    if not services.allowed_sources(actor):
        raise PermissionDenied
    form = ReportForm(request.POST or None, actor=actor)
    people = InvolvedFormSet(request.POST or None, prefix="people", form_kwargs={"actor": actor})
    if request.method == "POST" and form.is_valid() and people.is_valid():
        try:
            report = _take(request, form, people)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Report %(reference)s recorded.") % {"reference": report.reference})
            return redirect("intake:report_detail", pk=report.pk)
    return render(
        request,
        "intake/report_form.html",
        {"form": form, "people": people, "may_search": has_capability(actor, "search_people")},
    )


def _take(request: HttpRequest, form: ReportForm, people: Any) -> Any:
    data = form.cleaned_data
    address = None
    if data.get("postcode"):
        number = data["parsed_number"]
        address = services.AddressGiven(
            postcode=data["postcode"],
            house_number=number.number,
            house_letter=number.letter,
            addition=number.addition,
            street=data["street"],
            town=data["town"],
        )
    given: list[tuple[Any, str]] = []
    for row in people.filled:
        person = row.get("person") or services.NewPerson(
            first_names=row["first_names"],
            surname=row["surname"],
            surname_prefix=row["surname_prefix"],
            birth_date=row["birth_date"],
            gender=row["gender"] or "x",
            bsn=row["bsn"],
        )
        given.append((person, row["role"]))
    with transaction.atomic():
        return services.take_report(
            actor=actor_of(request),
            membership=acting_membership(request),
            municipality=data["municipality"],
            address=address,
            people=given,
            kind=data["kind"],
            source=data["source"],
            received_at=data["received_at"],
            violence_types=list(data["violence_types"]),
            initial_severity=data["initial_severity"],
            narrative=data["narrative"],
            reporter_organisation=data["reporter_organisation"],
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            reporter_anonymous=data["reporter_anonymous"],
        )


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """While taking a report: earlier reports on the address and about the chosen people."""
    _require_personal_data(request)
    address = None
    try:
        postcode = normalise_postcode(request.GET.get("postcode", ""))
        number = parse_house_number(request.GET.get("house_number", ""))
    except ValidationError:
        pass
    else:
        address = find_address(
            postcode=postcode,
            house_number=number.number,
            house_letter=number.letter,
            addition=number.addition,
        )
    # The people picked so far: `person` or the intake form's own `people-N-person` fields.
    picked = [
        v
        for key in request.GET
        if key == "person" or key.endswith("-person")
        for v in request.GET.getlist(key)
    ]
    person_ids = [int(v) for v in picked[:30] if v.isdigit()]
    found = selectors.show_history(request=request, address=address, person_ids=person_ids)
    return render(
        request,
        "intake/_history.html",
        {"history": found, "address": address, "list_url": reverse("intake:report_list")},
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.visible_report(actor=actor_of(request), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("intake:report_detail", pk=report.pk)
    try:
        services.add_attachment(actor=actor_of(request), report=report, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("File attached."))
    return redirect("intake:report_detail", pk=report.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = selectors.show_attachment(request=request, report_pk=pk, pk=attachment_pk)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    # Attachment, never inline: the browser must not render it on our origin.
    response["Content-Disposition"] = f'attachment; filename="bijlage-{attachment.pk}"'
    return response
