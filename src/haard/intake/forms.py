"""Forms for taking a report. They validate and name the field in error; the services write."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation, User
from haard.core.forms import ModelChoiceField, ModelMultipleChoiceField
from haard.core.models import Municipality
from haard.intake.models import (
    InvolvementRole,
    RepeatClass,
    ReportKind,
    ReportSource,
    ReportStatus,
    Severity,
    ViolenceType,
)
from haard.intake.services import allowed_sources
from haard.registry.models import Gender, Person
from haard.registry.services import parse_house_number
from haard.registry.validation import normalise_bsn, normalise_postcode


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ReportKind.choices, widget=forms.RadioSelect, initial=ReportKind.REPORT
    )
    source = forms.ChoiceField(label=_("Source"), choices=ReportSource.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    municipality = ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.all())
    postcode = forms.CharField(label=_("Postcode of the incident address"), max_length=10, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=12, required=False)
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        required=False,
        help_text=_("Only for an address haard does not know yet."),
    )
    town = forms.CharField(label=_("Town"), max_length=120, required=False)
    reporter_organisation = ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organisation.objects.filter(active=True), required=False
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=200, required=False)
    reporter_contact = forms.CharField(label=_("Reporter's phone or email"), max_length=200, required=False)
    reporter_anonymous = forms.BooleanField(label=_("Anonymity promised to the reporter"), required=False)
    violence_types = ModelMultipleChoiceField(
        label=_("Violence"),
        queryset=ViolenceType.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    initial_severity = forms.TypedChoiceField(
        label=_("Initial severity"),
        choices=Severity.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=Severity.YELLOW,
    )
    narrative = forms.CharField(
        label=_("What happened"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = allowed_sources(actor)
        source_field = cast(forms.ChoiceField, self.fields["source"])
        source_field.choices = [c for c in ReportSource.choices if c[0] in sources]
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        postcode, number = data.get("postcode"), data.get("house_number")
        if number and not postcode:
            self.add_error("postcode", _("Give the postcode with the house number."))
        if postcode and not number:
            self.add_error("house_number", _("Give the house number with the postcode."))
        if number:
            try:
                data["parsed_number"] = parse_house_number(number)
            except ValidationError as exc:
                self.add_error("house_number", exc)
        return data


class InvolvedPersonForm(forms.Form):
    """One person involved: an existing person (chosen from the search) or a new one."""

    # The pick from the register search: a person's number, or "new" (radio buttons rendered by
    # the search's fragment, registry:person_suggest).
    person = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *InvolvementRole.choices], required=False)
    first_names = forms.CharField(label=_("First names"), max_length=200, required=False)
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, required=False, initial=Gender.OTHER
    )
    bsn = forms.CharField(label=_("BSN"), max_length=12, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_bsn(self) -> str:
        value = self.cleaned_data["bsn"]
        return normalise_bsn(value) if value else ""

    def clean_birth_date(self) -> date | None:
        value = self.cleaned_data["birth_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("A date of birth cannot lie in the future."))
        return value

    def clean_person(self) -> Person | None:
        value = (self.cleaned_data["person"] or "").strip()
        if value in ("", "new"):
            return None
        if not value.isdigit():
            raise ValidationError(_("This person cannot be found."))
        person = Person.objects.visible_to(self.actor).filter(pk=int(value)).first()
        if person is None:
            raise ValidationError(_("This person cannot be found."))
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("person") or data.get("surname")
        if not named and not data.get("role"):
            data["empty"] = True
            return data
        if not data.get("role"):
            self.add_error("role", _("Choose the role of this person."))
        if not named:
            self.add_error("surname", _("Choose a person from the search, or give at least a surname."))
        return data


class BaseInvolvedFormSet(forms.BaseFormSet):
    """The people of a report; build it with form_kwargs={"actor": ...}."""

    @property
    def filled(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("empty")]


InvolvedFormSet = forms.formset_factory(
    InvolvedPersonForm, formset=BaseInvolvedFormSet, extra=3, max_num=30, validate_max=True
)


class ReportFilterForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *ReportKind.choices], required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All")), *ReportSource.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ReportStatus.choices], required=False
    )
    repeat_class = forms.ChoiceField(
        label=_("Repeat"), choices=[("", _("All")), *RepeatClass.choices], required=False
    )
    municipality = ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date lies before the start date."))
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of this view"), max_length=80)
    query = forms.CharField(widget=forms.HiddenInput, max_length=500, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, at most 10 MB)"), max_length=200)
